/* flaskr.h — the flaskr application: Flask's own tutorial application
 * (https://flask.palletsprojects.com/en/2.2.x/tutorial/) built on Flagon,
 * and this folder is its shared code, what Flask's flaskr/__init__.py,
 * db.py and schema.sql hold.  Its two blueprints are programs of their own,
 * docs/tutorial/auth.c and docs/tutorial/blog.c, and both point to
 * flaskr_app.
 *
 *   flaskr/models.c   User, Post (schema.sql)
 *   flaskr/user.c     load_logged_in_user, login_required (auth.py's helpers)
 *   flaskr/filters.c  the template filter datetimeformat
 *   flaskr/app.c      flaskr_app: name, config keys, models, blueprints,
 *                     hooks, template filter, error handlers
 *   flaskr/migrations/  its revisions (flask db upgrade / flask init-db)
 */
#ifndef FLASKR_H
#define FLASKR_H

#include "flagon.h"

/* user(id, username unique, password): password is a werkzeug hash. */
extern const fl_model User;
/* post(id, author_id → user.id, created, title, body, image). */
extern const fl_model Post;
/* Every model of flaskr, parents first, NULL-terminated. */
extern const fl_model *const flaskr_models[];

/* The application: every blueprint of flaskr points to it. */
extern const fl_application flaskr_app;

/* flaskr_load_logged_in_user — auth.py's load_logged_in_user, run before
 * every request of every blueprint: g.user is the row of the user whose id
 * the session's "user_id" holds, or null.  Returns 0, or the status of a
 * database error. */
int flaskr_load_logged_in_user(fl_ctx *c);

/* flaskr_login_required — auth.py's login_required: 0 when a user is logged
 * in (g.user), else a redirect to auth.login with ?next= this page, and
 * the status the view must return. */
int flaskr_login_required(fl_ctx *c);

/* flaskr_datetimeformat — the template filter datetimeformat (a
 * fl_tpl_function): {{ post['created']|datetimeformat }} turns the
 * timestamp SQLite stores ("2026-12-06 09:30:00") into "December 06, 2026",
 * strftime's "%B %d, %Y"; {{ t|datetimeformat('%Y-%m-%d') }} takes another
 * strftime format.  A value that is no such timestamp is shown as it is. */
json_t *flaskr_datetimeformat(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err);

#endif
