/* app.c — start-up and the request loop (FastCGI and plain CGI).
 *
 * One application object per process holds what is built once: the
 * configuration, the URL map, the database connection, the session store,
 * the cache backend and the templates its pages have rendered (compiled on
 * first use).  Each request gets a fresh context whose memory is the
 * request arena, reset when the request is over; what happens to one
 * request is dispatch.c. */
#include "web/app.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "web/app_internal.h"
#include "web/application.h"
#include "web/debugger.h"
#include "web/reload_internal.h"
#include "base/dotenv.h"
#include "base/log.h"
#include "data/query.h"

extern char **environ;

static fl_app the_app;

const fl_config *fl_app_config(const fl_app *app) { return &app->config; }
fl_db *fl_app_db(fl_app *app) { return app->db; }
fl_tpl_env *fl_app_templates(fl_app *app) { return app->templates; }

/* ---- start-up ---- */

static size_t count_routes(const fl_route *r)
{
	size_t n = 0;
	while (r && r[n].rule)
		n++;
	return n;
}

static int ensure_dir_of(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0775);
	}
	free(dir);
	return 0;
}

fl_url_map *fl_blueprint_url_map(const fl_blueprint *bp, char *why, size_t whylen)
{
	fl_url_map *m = fl_url_map_new(bp->name, bp->routes, count_routes(bp->routes), why, whylen);
	if (!m)
		return NULL;
	const fl_blueprint *const *all = bp->app ? bp->app->blueprints : NULL;
	for (size_t i = 0; all && all[i]; i++) {
		if (all[i] == bp)
			continue;
		if (fl_url_map_add(m, all[i]->name, all[i]->routes, count_routes(all[i]->routes), why,
			    whylen)) {
			fl_url_map_free(m);
			return NULL;
		}
	}
	return m;
}

static void print_route(void *ud, const char *endpoint, const char *methods, const char *rule)
{
	FILE *out = ud;
	/* "session.login" is mounted at /cgi-bin/session. */
	const char *dot = strchr(endpoint, '.');
	int bl = dot ? (int)(dot - endpoint) : 0;
	fprintf(out, "%-28s %-24s /cgi-bin/%.*s%s\n", endpoint, methods, bl, endpoint, rule);
}

int fl_print_routes(const fl_blueprint *bp, FILE *out)
{
	char why[512];
	fl_url_map *m = fl_blueprint_url_map(bp, why, sizeof why);
	if (!m) {
		fl_error("routes: %s", why);
		return -1;
	}
	fprintf(out, "%-28s %-24s %s\n", "Endpoint", "Methods", "Rule");
	fprintf(out, "%-28s %-24s %s\n", "----------------------------", "------------------------",
		"--------------------------------");
	fl_url_map_each(m, print_route, out);
	fl_url_map_free(m);
	return 0;
}

/* Choose the session store SESSION_TYPE names (Flask's signed cookie by
 * default) and read the SESSION_* keys, once: a request then goes straight
 * to the store.  -1 after logging why the store cannot be used. */
static int open_session_store(fl_app *app)
{
	fl_session_store *st = NULL;
	fl_session_config_from(&app->session_config, &app->config);
	fl_err e = fl_session_store_open(&app->config, app->db, &st);
	if (e) {
		fl_error("SESSION_TYPE=%s: %s", app->config.session_type, fl_strerror(e));
		return -1;
	}
	app->session_store = st;
	if (st != fl_session_cookie_store())
		app->server_store = st;
	return 0;
}

int fl_app_start(fl_app *app, const fl_blueprint *bp)
{
	char why[512];
	app->bp = bp;
	fl_log_init(bp->name, FL_LOG_INFO);
	app->root = fl_find_root();
	if (!app->root) {
		fl_error("cannot find the project root (a directory with templates/); set FLAGON_ROOT");
		return -1;
	}
	fl_dotenv_load(app->root);   /* .env, .flagonenv: development settings (issue 18) */
	if (fl_application_load_config(bp->app, &app->config, app->root, why, sizeof why)) {
		fl_error("configuration: %s", why);
		return -1;
	}
	if (app->config.debug)
		fl_log_init(bp->name, FL_LOG_DEBUG);
	snprintf(app->mount, sizeof app->mount, "/cgi-bin/%s", bp->name);
	const char *routes_only = getenv("FLAGON_ROUTES");
	if (routes_only && *routes_only == '1')
		exit(fl_print_routes(bp, stdout) ? 1 : 0);
	app->url_map = fl_blueprint_url_map(bp, why, sizeof why);
	if (!app->url_map) {
		fl_error("routes: %s", why);
		return -1;
	}
	app->url_memo = fl_url_memo_new();   /* NULL only costs the memo */
	if (app->config.db_uri.dialect == FL_DIALECT_SQLITE)
		ensure_dir_of(app->config.database_path);
	fl_err e = fl_db_connect(&app->config, &app->db);
	if (e) {
		fl_error("database %s: %s: %s", app->config.database_path, fl_strerror(e),
			app->db ? fl_db_errmsg(app->db) : "");
		return -1;
	}
	fl_db_set_echo(app->db, app->config.sqlalchemy_echo != 0);   /* SQLALCHEMY_ECHO */
	const fl_model *const *models = bp->models ? bp->models : bp->app ? bp->app->models : NULL;
	if (models)
		fl_db_set_models(app->db, models);
	/* CACHE_TYPE's backend; it connects (redis) on first use, and a table
	 * it cannot create now (sqlite) is tried again on first use, so a
	 * cache that is down never stops start-up. */
	e = fl_cache_new(&app->config, app->db, &app->cache);
	if (e) {
		fl_error("cache: CACHE_TYPE '%s' (REDIS_URL '%s'): %s", app->config.cache_type,
			app->config.redis_url, fl_strerror(e));
		return -1;
	}
	/* Rate limits (ratelimit.h) must count in a store every process
	 * shares: the cache when it is one, else (null, simple) the
	 * database's flagon_cache table through a store of their own. */
	const char *ct = fl_cache_type(app->cache);
	if (strcmp(ct, "sqlite") == 0 || strcmp(ct, "redis") == 0)
		app->limits = app->cache;
	else if (!(app->limits = app->own_limits = fl_cache_db_new(app->db, 0))) {
		fl_error("out of memory");
		return -1;
	}
	/* SESSION_TYPE: a store that cannot work at all (bad REDIS_URL, an
	 * unwritable session directory) stops start-up; a Redis server that is
	 * merely down does not (the redis store connects on first use). */
	if (open_session_store(app)) {
		fl_error("configuration: SESSION_TYPE '%s': the session store cannot be used",
			app->config.session_type);
		return -1;
	}
	if (!fl_app_new_templates(app, NULL)) {
		fl_error("cannot open templates in %s/%s", app->root, app->template_folder);
		return -1;
	}
	/* Every template is compiled once to check it, and released: a
	 * blueprint renders a handful of the directory's files, compiled
	 * again on their first render (issue 20: ~1 MB of heap per process
	 * otherwise).  Before the request loop's malloc_trim, which gives the
	 * pages back. */
	fl_tpl_error terr;
	if (fl_tpl_check_all(app->templates, &terr)) {
		/* Production and testing fail fast; development goes on, and only
		 * the pages using the template fail, with the debugger's page
		 * (debugger.h) until the file is fixed (templates reload). */
		if (!app->config.debug) {
			fl_error("template %s:%d:%d: %s", terr.file, terr.line, terr.column,
				terr.message);
			return -1;
		}
		fl_warning("template %s:%d:%d: %s (development: only the pages using it fail)",
			terr.file, terr.line, terr.column, terr.message);
	}
	app->arena = fl_arena_new(0);
	if (fl_app_collect_wide(app)) {
		fl_error("out of memory");
		return -1;
	}
	if (bp->setup && bp->setup(app)) {
		fl_error("start-up of blueprint '%s' failed", bp->name);
		return -1;
	}
	return 0;
}

void fl_app_stop(fl_app *app)
{
	fl_tpl_env_free(app->templates);
	fl_cache_free(app->cache);  /* before the database its statements use */
	fl_cache_free(app->own_limits);  /* likewise */
	fl_session_store_free(app->server_store);  /* likewise */
	fl_db_close(app->db);
	fl_url_map_free(app->url_map);
	fl_url_memo_free(app->url_memo);
	fl_arena_free(app->arena);
	fl_app_free_wide(app);
	fl_config_free(&app->config);
	free(app->root);
}

/* FLAGON_MAX_REQUESTS=N: serve N requests, then end cleanly (0 or unset:
 * never), as PHP_FCGI_MAX_REQUESTS and gunicorn's --max-requests do.  The
 * web server starts a new process for the next request.  It bounds what a
 * slow leak in an application's own code can cost, and gives profilers
 * (bench/callgrind.sh) a process that ends by itself after a known number
 * of requests.  A value that is not a whole number stops start-up. */
static int max_requests(unsigned long long *out)
{
	const char *v = getenv("FLAGON_MAX_REQUESTS");
	*out = 0;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (*end || errno || v[0] < '0' || v[0] > '9') {
		fprintf(stderr, "FLAGON_MAX_REQUESTS=%s: expected a whole number of requests "
			"(0: no limit)\n", v);
		return -1;
	}
	*out = n;
	return 0;
}

int fl_run(const fl_blueprint *bp)
{
	fl_app *app = &the_app;
	unsigned long long max, served = 0;
	if (max_requests(&max))
		return 1;
	if (fl_app_start(app, bp)) {
		fprintf(stderr, "%s: start-up failed (see above)\n", bp->name);
		return 1;
	}
	if (app->config.debug)
		fl_debugger_enable();
	fl_app_install_crash_guard();
	if (FCGX_IsCGI()) {
		fl_app_handle(app, environ);
		fl_app_stop(app);
		return 0;
	}
	if (FCGX_Init() != 0) {
		fl_error("FCGX_Init failed");
		return 1;
	}
	/* Start-up freed what checking the templates and reading the
	 * configuration needed for a while (the compiled trees, parse scratch):
	 * give those pages back before serving, so a long-running process
	 * keeps only what it uses (issue 20: ~160 kB of RssAnon). */
	malloc_trim(0);
	/* Under `manage runserver -d/-r` (FLAGON_RELOAD=1), a SIGHUP re-execs
	 * the rebuilt program between requests, and a failed build answers
	 * every request (reload.c); otherwise one flag test per request. */
	int reload = fl_app_reload_init(app);
	FCGX_Request req;
	FCGX_InitRequest(&req, 0, reload ? FCGI_FAIL_ACCEPT_ON_INTR : 0);
	app->fcgi = &req;
	while ((reload ? fl_app_reload_accept(app, &req) : FCGX_Accept_r(&req)) >= 0) {
		if (!reload || !fl_app_reload_build_failed(app))
			fl_app_handle(app, req.envp);
		if (max && ++served >= max) {
			/* The answer is out; the next accept would hand over
			 * a request this process no longer wants. */
			FCGX_Finish_r(&req);
			break;
		}
	}
	fl_app_stop(app);
	return 0;
}

