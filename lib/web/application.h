/* application.h — the declaration of one application built on Flagon:
 * what Flask learns from the code that creates `app` (its config classes,
 * its models, its demo data), written once as a static struct.
 *
 * Every blueprint of the application points to it (fl_blueprint.app), and
 * `./manage` uses it, so that start-up, `manage db migrate` and `manage
 * seed` see the same keys and models:
 *
 *     const fl_application blog_app = {
 *         .name = "blog",
 *         .config_keys = blog_config_keys,     (BLOG_ADMIN, ...)
 *         .init_config = blog_init_config,
 *         .models = blog_models,               (Post, Comment, ..., NULL)
 *         .seed = blog_seed,
 *         .blueprints = blog_blueprints,       (&posts_blueprint, ..., NULL)
 *         .commands = blog_commands,           (`./manage deploy`, ...)
 *     };
 *
 *     const fl_blueprint posts_blueprint = { .name = "posts", .routes = routes,
 *                                            .app = &blog_app };
 *
 * Every field may be left out; a blueprint without an application runs
 * with the built-in configuration keys only.
 */
#ifndef FL_APPLICATION_H
#define FL_APPLICATION_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "data/db.h"
#include "data/model.h"
#include "template/template.h"
#include "web/command.h"
#include "web/ctx.h"
#include "web/errors.h"
#include "web/extension.h"
#include "web/hooks.h"

struct fl_blueprint;

/* What `./manage seed` hands the application's seed function.  The
 * command opens the database, checks that every table and column of the
 * models exists, and starts a transaction (BEGIN IMMEDIATE, so two seeds
 * cannot both add); it commits when the function returns FL_OK (unless
 * `had_data` is set) and rolls back otherwise, so a failed seed adds
 * nothing. */
typedef struct fl_seed {
	fl_db *db;                  /* open, the models registered, in a transaction */
	fl_arena *arena;            /* memory for the whole run (jansson's too) */
	const fl_config *config;    /* the configuration (its class, its keys) */
	int if_empty;               /* `--if-empty`: add nothing to a database that has data */
	long added, kept;           /* rows added / found already there: the function counts */
	int had_data;               /* set by the function when `if_empty` found data: nothing added */
} fl_seed;

/* A filter or test of the application's templates (Flask's
 * @app.template_filter / @app.template_test): `fn` as fl_tpl_env_add_filter
 * and fl_tpl_env_add_test describe it.  Tables end with
 * FL_TEMPLATE_FUNCTIONS_END. */
typedef struct fl_template_function {
	const char *name;           /* the name templates use: {{ x|name }}, x is name */
	fl_tpl_function fn;         /* args[0] is the value; ud is the fl_ctx * */
} fl_template_function;

/* Ends a table of fl_template_function. */
#define FL_TEMPLATE_FUNCTIONS_END { NULL, NULL }

/* A global of the application's templates (Flask's @app.template_global,
 * or app.jinja_env.globals[name] = value): either a function, called as
 * `name(...)` (ud is the fl_ctx * of the request rendering), or a value,
 * made once at start-up by `value` from the loaded configuration (a site
 * name, a dict of links) — JSON the templates share (a copy) for the life of
 * the process; return NULL for None.  Write entries with the two macros
 * below; tables end with FL_TEMPLATE_GLOBALS_END. */
typedef struct fl_template_global {
	const char *name;                       /* the name templates use */
	fl_tpl_function fn;                     /* a function, or NULL ... */
	json_t *(*value)(const fl_config *cfg); /* ... a value made at start-up */
} fl_template_global;

/* A global function: {{ name(...) }}. */
#define FL_TEMPLATE_GLOBAL_FUNCTION(n, f) { (n), (f), NULL }
/* A global value: {{ name }}, made by `make(cfg)` once per process. */
#define FL_TEMPLATE_GLOBAL_VALUE(n, make) { (n), NULL, (make) }
/* Ends a table of fl_template_global. */
#define FL_TEMPLATE_GLOBALS_END { NULL, NULL, NULL }

/* A context processor (Flask's @app.context_processor): adds keys to
 * `context`, an empty JSON object, for every template rendered for request
 * `c` — pages (fl_render) and mail bodies (fl_render_mail).  Values are
 * made with jansson in the request arena (the current allocator).  A key
 * the view passed wins over a processor's, and a later processor's over an
 * earlier one's, as Flask updates the context.  Return FL_OK; any other
 * code fails the render (a page then answers 500, a mail is not sent). */
typedef fl_err (*fl_context_processor)(fl_ctx *c, json_t *context);

/* An application: its name, configuration keys, models and demo data. */
typedef struct fl_application {
	const char *name;           /* Flask's app.name, "blog" */
	/* The application's own configuration keys (a table ending with
	 * FL_CONFIG_KEYS_END; NULL: none), read at start-up with the built-in
	 * ones (fl_config_load) and shown in templates' `config` unless
	 * secret. */
	const fl_config_key *config_keys;
	/* Runs once after every key is read and checked, before anything uses
	 * the configuration (Flask: Config.init_app, or code in a Config
	 * class): derive a built-in key from the application's own, e.g.
	 * MAIL_DEFAULT_SENDER from BLOG_MAIL_SENDER.  Templates' `config` was
	 * built already, so change only keys it does not show.  A non-zero
	 * return stops start-up with the one-line reason the function wrote
	 * into `why` (size `whylen`).  NULL: nothing to do. */
	fl_err (*init_config)(fl_config *cfg, char *why, size_t whylen);
	/* Every model of the application, parents before children,
	 * NULL-terminated: registered with the database of each blueprint
	 * (unless the blueprint names its own), compared with the database by
	 * `manage db migrate` and `manage db check`. */
	const fl_model *const *models;
	/* `manage seed`: add the demo data to s->db (see fl_seed), leaving
	 * rows that already exist alone.  Returns FL_OK, or the database error
	 * (fl_db_errmsg says more) after which nothing is added.  NULL: the
	 * application has no demo data. */
	fl_err (*seed)(fl_seed *s);
	/* ---- url_for across blueprints, ./manage commands (issue 15) ---- */
	/* Every blueprint of the application, NULL-terminated (Flask's
	 * app.register_blueprint): each program builds its URL map from all
	 * of them, so url_for("session.login") works from main, and `manage
	 * routes` prints them.  Every program then links every blueprint (the
	 * Makefile's fl_application function).  NULL: each blueprint knows
	 * only its own endpoints. */
	const struct fl_blueprint *const *blueprints;
	/* The application's own `./manage` commands (web/command.h), a table
	 * ending with FL_COMMANDS_END; NULL: none. */
	const fl_command *commands;

	/* ---- request hooks and error handlers of the whole application ---- */
	/* Flask's @app.before_request, @app.after_request,
	 * @app.teardown_request and @app.errorhandler: they apply to every
	 * blueprint of the application, before what its blueprints register
	 * for it (fl_blueprint.before_app_request & co.; web/hooks.h,
	 * web/errors.h for the order).  Hook arrays
	 * are NULL-terminated (FL_HOOKS(f, g)); the handler table ends with
	 * FL_ERROR_HANDLERS_END.  NULL: none. */
	const fl_before_request_fn *before_request;
	const fl_after_request_fn *after_request;
	const fl_teardown_request_fn *teardown_request;
	const fl_error_handler *error_handlers;

	/* ---- login (Flask-Login's LoginManager; web/login.h) ---- */
	/* The endpoint of the login view ("auth.login"), where fl_unauthorized
	 * and FL_ROUTE_LOGIN_REQUIRED send an anonymous visitor, with
	 * ?next=<the page asked for>.  NULL: they answer 401 instead. */
	const char *login_view;
	/* The message flashed (category "message") on that redirect; NULL:
	 * Flask-Login's "Please log in to access this page.", "": none. */
	const char *login_message;
	/* Flask-Login's @login_manager.user_loader: load the user whose id
	 * fl_login_user stored in the session (`user_id`, a string the client
	 * cannot forge, but stale once the user is gone).  Return 0 with
	 * *user set to the user (a new JSON reference, e.g. a row, that
	 * fl_current_user keeps for the request), or to NULL when there is no
	 * such user any more (the visitor is anonymous); or return an HTTP
	 * status (fl_abort_db on a database error): the request then fails
	 * with it.  NULL: fl_current_user is a bug (logged, 500) once someone
	 * is logged in. */
	int (*user_loader)(fl_ctx *c, const char *user_id, json_t **user);

	/* ---- template extension (Flask's template_filter, template_test,
	 * template_global, context_processor) ----
	 * Registered with every blueprint's templates at start-up, before they
	 * are compiled, so templates may use them (an unknown filter or test
	 * is Jinja's compile error, reported when a template using it is first
	 * rendered, included or imported: every program compiles the whole
	 * shared templates/ folder, whose pages may use another
	 * application's filters).  A filter or test named
	 * like a built-in one replaces it; a global named like a built-in one
	 * (url_for, csrf_token, ...) replaces it too.  A blueprint without an
	 * application gets none of them.  Each may be NULL. */
	const fl_template_function *template_filters; /* ends with FL_TEMPLATE_FUNCTIONS_END */
	const fl_template_function *template_tests;   /* ends with FL_TEMPLATE_FUNCTIONS_END */
	const fl_template_global *template_globals;   /* ends with FL_TEMPLATE_GLOBALS_END */
	const fl_context_processor *context_processors; /* NULL-terminated, run in order */

	/* Template folder (Flask(template_folder=...)): the application's
	 * templates, a path relative to the project root ("templates" when
	 * NULL).  Every template under it is checked at start-up with the
	 * application's own filters, so an application keeps its templates in
	 * a folder of its own, apart from another application's. */
	const char *template_folder;

	/* ---- extensions (issue 16: Flask-Bootstrap, Flask-Moment) ---- */
	/* Flask's `bootstrap = Bootstrap(app); moment = Moment(app)`: the
	 * extensions the application turns on, NULL-terminated, e.g.
	 * { &fl_bootstrap, &fl_moment, NULL } (web/bootstrap.h, web/moment.h;
	 * web/extension.h for the type and the order of start-up).  Each adds
	 * its globals and its templates (embedded in the library, after the
	 * template folder, so the application's own file of the same name
	 * wins) to every blueprint's templates at start-up; one not listed
	 * does not exist for the templates and costs nothing.  NULL: none. */
	const fl_extension *const *extensions;

	/* ---- migrations (issue 17: a manage per application) ---- */
	/* Flask-Migrate's Migrate(app, db, directory=...): the folder of the
	 * application's revision files, relative to the project root, that
	 * its `manage db` reads and writes (MIGRATIONS_DIR in the environment
	 * overrides it).  NULL: "migrations", Flask-Migrate's default. */
	const char *migrations_directory;
} fl_application;

/* fl_application_load_config — the configuration of application `app`
 * (NULL: built-in keys only) for the project at `root`: fl_config_load
 * with app->config_keys, then app->init_config.  Returns FL_OK, or
 * FL_ECONFIG with a one-line reason in `why` (size `whylen`) naming the key
 * and the bad value.  Call fl_config_free on `cfg` afterwards either way. */
fl_err fl_application_load_config(const fl_application *app, fl_config *cfg, const char *root,
	char *why, size_t whylen);

/* fl_application_load_config_flags — fl_application_load_config with
 * `flags` for fl_config_load_flags (FL_CONFIG_SECRET_OPTIONAL: a tool that
 * signs nothing, e.g. `manage db`, runs in production without SECRET_KEY).
 * Same arguments, ownership and errors otherwise. */
fl_err fl_application_load_config_flags(const fl_application *app, fl_config *cfg,
	const char *root, unsigned flags, char *why, size_t whylen);

/* fl_application_all_models — every model of application `app`, as
 * `manage db migrate`, `db check`, `db create_all` and `seed` must see
 * them (Flask-SQLAlchemy's db.metadata, which every imported module's
 * models join): app->models first, in their order, then each blueprint's
 * own models (fl_blueprint.models of app->blueprints, in blueprint order)
 * that are not listed already (compared by pointer).  *out is a new
 * NULL-terminated array allocated from `a` (the models themselves are the
 * application's static declarations); an application with no model gives
 * an empty array.  Abstract models are listed as declared (create_all
 * skips them).  Errors: FL_EINVAL when two different models declare the
 * same table (fl_model_table, compared without case as SQLite does), with
 * a one-line reason naming both models and the table in `why` (size
 * `whylen`); *out is NULL then. */
fl_err fl_application_all_models(const fl_application *app, fl_arena *a,
	const fl_model *const **out, char *why, size_t whylen);

#endif
