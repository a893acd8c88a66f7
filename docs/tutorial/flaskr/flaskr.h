/* flaskr.h — the flaskr application: Flask's own tutorial application
 * (https://flask.palletsprojects.com/en/2.2.x/tutorial/) built on Flagon,
 * as docs/tutorial.md writes it.  This folder is its shared code, what
 * Flask's flaskr/__init__.py, db.py and schema.sql hold; its two
 * blueprints are programs of their own, docs/tutorial/auth.c and
 * docs/tutorial/blog.c, and both point to flaskr_app.
 *
 *   flaskr/app.c      flaskr_app: name, config keys, models, blueprints,
 *                     hooks, login, template filter, error handlers
 *   flaskr/models.c   User, Post (schema.sql)
 *   flaskr/user.c     who is logged in (auth.py's load_logged_in_user)
 *   flaskr/filters.c  the template filter datetimeformat
 *   flaskr/errors.c   the error handlers (a 404 page of its own, JSON)
 *   flaskr/migrations/  its revisions (flask init-db)
 *   flaskr/templates/   its templates
 */
#ifndef FLASKR_H
#define FLASKR_H

#include "flagon.h"

/* The application: every blueprint of flaskr points to it. */
extern const fl_application flaskr_app;

/* Its blueprints, one program each (app.register_blueprint). */
extern const fl_blueprint auth_blueprint;
extern const fl_blueprint blog_blueprint;

/* user(id, username unique, password): password is a werkzeug hash. */
extern const fl_model User;
/* post(id, author_id → user.id, created, title, body, image). */
extern const fl_model Post;
/* Every model of flaskr, parents first, NULL-terminated. */
extern const fl_model *const flaskr_models[];

/* flaskr_load_user — Flask-Login's user_loader (fl_application.user_loader):
 * the User row whose id `user_id` spells in canonical decimal, or *user =
 * NULL when there is none.  Returns 0, or the status of a database error. */
int flaskr_load_user(fl_ctx *c, const char *user_id, json_t **user);

/* flaskr_load_logged_in_user — auth.py's load_logged_in_user, a
 * before_app_request hook: g.user is the logged-in user's row, or null.
 * Returns 0 (go on), or the status of a failed user_loader. */
int flaskr_load_logged_in_user(fl_ctx *c);

/* flaskr_datetimeformat — the template filter datetimeformat (a
 * fl_tpl_function): {{ post['created']|datetimeformat }} turns the
 * timestamp SQLite stores ("2026-12-06 09:30:00") into "December 06, 2026",
 * strftime's "%B %d, %Y"; {{ t|datetimeformat('%Y-%m-%d') }} takes another
 * strftime format.  A value that is no such timestamp is shown as it is. */
json_t *flaskr_datetimeformat(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err);

/* flaskr_page_not_found — the 404 handler (@app.errorhandler(404)):
 * flaskr's own page, or JSON {"code", "error", "message"} for a client
 * that wants JSON.  Returns 0 when it built the response. */
int flaskr_page_not_found(fl_ctx *c, const fl_http_error *e);

/* flaskr_http_error — the handler of every other error: the same, with
 * the page error.html. */
int flaskr_http_error(fl_ctx *c, const fl_http_error *e);

#endif
