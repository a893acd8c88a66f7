/* app.c — start-up and the request loop (FastCGI and plain CGI).
 *
 * One application object per process holds what is built once: the
 * configuration, the URL map, the database connection and the compiled
 * templates.  Each request gets a fresh context whose memory is the request
 * arena, reset when the request is over. */
#include "web/app.h"

#include <errno.h>
#include <fcgiapp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "web/ctx_internal.h"
#include "http/http.h"
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

static void print_route(void *ud, const char *endpoint, const char *methods, const char *rule)
{
	const char *mount = ud;
	printf("%-28s %-24s %s%s\n", endpoint, methods, mount, rule);
}

/* The directory of the filesystem store: $FLAGON_VAR/sessions, else
 * <root>/var/sessions.  Heap string, NULL on ENOMEM. */
static char *sessions_dir(const fl_app *app)
{
	const char *var = getenv("FLAGON_VAR");
	char *dir = NULL;
	if (var && *var) {
		if (asprintf(&dir, "%s/sessions", var) < 0)
			dir = NULL;
	} else if (asprintf(&dir, "%s/var/sessions", app->root ? app->root : ".") < 0) {
		dir = NULL;
	}
	return dir;
}

/* Choose the session store SESSION_TYPE names (Flask's signed cookie by
 * default) and read the SESSION_* keys, once: a request then goes straight
 * to the store.  -1 after logging why the store cannot be used. */
static int open_session_store(fl_app *app)
{
	const fl_config *cfg = &app->config;
	fl_session_config *sc = &app->session_config;
	fl_session_config_init(sc);
	sc->secret_key = cfg->secret_key;
	sc->permanent_lifetime = cfg->permanent_session_lifetime;
	sc->cookie_name = cfg->session_cookie_name;
	sc->path = cfg->session_cookie_path;
	sc->domain = cfg->session_cookie_domain;
	sc->secure = cfg->session_cookie_secure;
	sc->httponly = cfg->session_cookie_httponly;
	sc->samesite = cfg->session_cookie_samesite;
	sc->refresh_each_request = cfg->session_refresh_each_request;

	const char *type = cfg->session_type ? cfg->session_type : "null";
	fl_err e = FL_OK;
	if (strcmp(type, "null") == 0) {
		app->session_store = fl_session_cookie_store();
		return 0;
	}
	if (strcmp(type, "sqlite") == 0) {
		e = fl_session_sqlite_store(app->db, &app->server_store);
	} else if (strcmp(type, "filesystem") == 0) {
		char *dir = sessions_dir(app);
		e = dir ? fl_session_fs_store(dir, &app->server_store) : FL_ENOMEM;
		free(dir);
	} else if (strcmp(type, "redis") == 0) {
		e = fl_session_redis_store(cfg->redis_url, 0, &app->server_store);
	} else {
		fl_error("SESSION_TYPE '%s' is unknown", type);
		return -1;
	}
	if (e) {
		fl_error("SESSION_TYPE=%s: %s", type, fl_strerror(e));
		return -1;
	}
	app->session_store = app->server_store;
	return 0;
}

static int startup(fl_app *app, const fl_blueprint *bp)
{
	char why[512];
	app->bp = bp;
	fl_log_init(bp->name, FL_LOG_INFO);
	app->root = fl_find_root();
	if (!app->root) {
		fl_error("cannot find the project root (a directory with templates/); set FLAGON_ROOT");
		return -1;
	}
	if (fl_config_load(&app->config, app->root, why, sizeof why)) {
		fl_error("configuration: %s", why);
		return -1;
	}
	if (app->config.debug)
		fl_log_init(bp->name, FL_LOG_DEBUG);
	snprintf(app->mount, sizeof app->mount, "/cgi-bin/%s", bp->name);
	app->url_map = fl_url_map_new(bp->name, bp->routes, count_routes(bp->routes), why, sizeof why);
	if (!app->url_map) {
		fl_error("routes: %s", why);
		return -1;
	}
	const char *routes_only = getenv("FLAGON_ROUTES");
	if (routes_only && *routes_only == '1') {
		fl_url_map_each(app->url_map, print_route, app->mount);
		exit(0);
	}
	ensure_dir_of(app->config.database_path);
	fl_err e = fl_db_open(app->config.database_path, &app->db);
	if (e) {
		fl_error("database %s: %s", app->config.database_path, fl_strerror(e));
		return -1;
	}
	if (bp->models)
		fl_db_set_models(app->db, bp->models);
	/* CACHE_TYPE's backend; it connects (redis) or creates its table
	 * (sqlite) on first use, so a cache that is down never stops start-up. */
	e = fl_cache_new(&app->config, fl_db_handle(app->db), &app->cache);
	if (e) {
		fl_error("cache: CACHE_TYPE '%s' (REDIS_URL '%s'): %s", app->config.cache_type,
			app->config.redis_url, fl_strerror(e));
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
	char tdir[4096];
	snprintf(tdir, sizeof tdir, "%s/templates", app->root);
	app->templates = fl_tpl_env_new(tdir, app->config.debug);
	if (!app->templates) {
		fl_error("cannot open templates in %s", tdir);
		return -1;
	}
	fl_app_register_template_globals(app);
	fl_tpl_error terr;
	if (fl_tpl_compile_all(app->templates, &terr)) {
		fl_error("template %s:%d:%d: %s", terr.file, terr.line, terr.column, terr.message);
		return -1;
	}
	app->arena = fl_arena_new(0);
	if (bp->setup && bp->setup(app)) {
		fl_error("start-up of blueprint '%s' failed", bp->name);
		return -1;
	}
	return 0;
}

static void shutdown_app(fl_app *app)
{
	fl_tpl_env_free(app->templates);
	fl_cache_free(app->cache);  /* before the database its statements use */
	fl_session_store_free(app->server_store);  /* likewise */
	fl_db_close(app->db);
	fl_url_map_free(app->url_map);
	fl_arena_free(app->arena);
	fl_config_free(&app->config);
	free(app->root);
}

/* ---- I/O: FastCGI or plain CGI ---- */

static long read_body(void *ud, char *buf, size_t n)
{
	fl_app *app = ud;
	if (n > 1 << 30)
		n = 1 << 30;
	if (app->fcgi)
		return FCGX_GetStr(buf, (int)n, app->fcgi->in);
	ssize_t got;
	do
		got = read(STDIN_FILENO, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

static void write_out(fl_app *app, const char *p, size_t n)
{
	if (app->fcgi) {
		while (n) {
			int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
			if (FCGX_PutStr(p, chunk, app->fcgi->out) < 0)
				return; /* the client went away */
			p += chunk;
			n -= (size_t)chunk;
		}
		return;
	}
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* ---- crash guard ----
 * A fault inside a view (SIGSEGV, SIGBUS, SIGFPE, SIGILL) jumps back here
 * so the client still gets the 500 page; the process then exits, because
 * its memory can no longer be trusted, and the server starts a new one. */

static sigjmp_buf crash_jmp;
static volatile sig_atomic_t in_view;

static void on_fault(int sig)
{
	if (in_view) {
		in_view = 0;
		siglongjmp(crash_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_fault_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- the request ---- */

static int run_view(fl_ctx *c, int *crashed)
{
	int sig = sigsetjmp(crash_jmp, 1);
	if (sig) {
		*crashed = sig;
		fl_error("%s %s: view crashed with signal %d", c->req.method_name, c->req.path, sig);
		return 500;
	}
	in_view = 1;
	int status = c->route->view(c);
	in_view = 0;
	return status;
}

static int dispatch(fl_ctx *c, int *crashed)
{
	fl_app *app = c->app;
	const char *why = NULL;
	const char *redirect = NULL;
	unsigned allowed = 0;

	if (c->req.method == FL_METHOD__MAX)
		return fl_abort(c, 405, "The method is not allowed for the requested URL.");
	fl_match_result m = fl_url_map_match(app->url_map, c->arena, c->req.path, c->req.method,
		&c->route, c->view_args, &c->nview_args, &allowed, &redirect);
	switch (m) {
	case FL_MATCH_NOT_FOUND:
		return 404;
	case FL_MATCH_METHOD:
		fl_app_set_allow(c, allowed);
		return fl_abort(c, 405, "The method is not allowed for the requested URL.");
	case FL_MATCH_REDIRECT: {
		const char *q = c->req.query_string;
		const char *loc = fl_arena_printf(c->arena, "%s%s%s%s", c->req.script_name,
			redirect, *q ? "?" : "", q);
		return fl_redirect(c, loc, 308) ? 500 : 0;
	}
	default:
		break;
	}
	if (c->req.method == FL_OPTIONS) {
		fl_app_set_allow(c, allowed);
		return 0;
	}
	fl_err e = fl_request_read_body(&c->req, read_body, app, app->config.max_content_length, &why);
	if (e)
		return fl_abort(c, e == FL_ETOOLARGE ? 413 : 400, "%s", why);
	if (app->bp->before_request) {
		int s = app->bp->before_request(c);
		if (s)
			return s;
	}
	int s = fl_app_check_csrf(c);
	if (s)
		return s;
	/* @cache.cached: a GET/HEAD of a route with FL_ROUTE_CACHE is answered
	 * from the cache without running the view (X-Cache: HIT), or the view
	 * runs and its 200 is stored (X-Cache: MISS).  No per-visitor data
	 * (CSRF token, flashes, cookies) is stored: see view_cache.c. */
	fl_app_cached_view cv;
	int cached = fl_app_cache_begin(c, &cv);
	if (cached == FL_APP_CACHE_HIT)
		return 0;
	s = run_view(c, crashed);
	if (cached == FL_APP_CACHE_MISS)
		fl_app_cache_end(c, &cv, s);
	return s;
}

/* After a fault the process's memory cannot be trusted, but the client
 * already has its 500 page.  Under FastCGI the listening socket is fd 0 and
 * survives exec, so the program replaces itself with a fresh copy that goes
 * on accepting on the same socket: the web server never sees a dead
 * process and no request is lost.  Plain CGI simply exits. */
static void restart_after_crash(fl_app *app)
{
	if (app->fcgi) {
		fl_error("restarting the process after a crash");
		execl("/proc/self/exe", app->bp->name, (char *)NULL);
		fl_error("cannot restart: %s", strerror(errno));
	}
	_exit(70);
}

static void handle(fl_app *app, char **envp)
{
	int crashed = 0;
	fl_json_set_arena(app->arena);
	fl_ctx *c = fl_ctx_new(app, app->arena);
	fl_request_state *st = fl_state(c);

	const char *why = NULL;
	int status;
	fl_err e = fl_request_init(&c->req, c->arena, envp, &why);
	if (e)
		status = fl_abort(c, e == FL_ETOOLARGE ? 414 : 400, "%s", why);
	else
		status = dispatch(c, &crashed);
	if (status < 0 || (status > 0 && status < 400))
		status = 500;
	if (status >= 500)
		fl_error("%s %s%s%s%s -> %d%s%s", c->req.method_name ? c->req.method_name : "-",
			c->req.script_name ? c->req.script_name : "", c->req.path ? c->req.path : "",
			c->req.query_string && *c->req.query_string ? "?" : "",
			c->req.query_string ? c->req.query_string : "", status,
			st->abort_message ? ": " : "", st->abort_message ? st->abort_message : "");
	if (status)
		fl_app_error_page(c, status);
	if (app->bp->after_request && !crashed)
		app->bp->after_request(c);
	fl_app_save_session(c);
	fl_app_finish_headers(c);

	fl_buf out;
	fl_buf_init(&out, c->arena);
	fl_response_serialize(&c->resp, c->req.method == FL_HEAD, &out);
	write_out(app, out.data, out.len);
	if (app->fcgi)
		FCGX_Finish_r(app->fcgi);
	else
		fflush(stdout);

	/* The client has its answer; now the slow work. */
	for (size_t i = 0; i < st->ndeferred && !crashed; i++)
		st->deferred[i].fn(c, st->deferred[i].ud);
	fl_app_teardown_db(c, status >= 500);
	if (app->bp->teardown_request)
		app->bp->teardown_request(c, status >= 500);
	fl_json_set_arena(NULL);
	fl_arena_reset(app->arena);
	if (crashed)
		restart_after_crash(app);
}

int fl_run(const fl_blueprint *bp)
{
	fl_app *app = &the_app;
	if (startup(app, bp)) {
		fprintf(stderr, "%s: start-up failed (see above)\n", bp->name);
		return 1;
	}
	install_fault_handlers();
	if (FCGX_IsCGI()) {
		handle(app, environ);
		shutdown_app(app);
		return 0;
	}
	if (FCGX_Init() != 0) {
		fl_error("FCGX_Init failed");
		return 1;
	}
	FCGX_Request req;
	FCGX_InitRequest(&req, 0, 0);
	app->fcgi = &req;
	while (FCGX_Accept_r(&req) >= 0)
		handle(app, req.envp);
	shutdown_app(app);
	return 0;
}

