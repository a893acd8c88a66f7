/* render_cli.c — `manage render` (render_cli.h): one template rendered with
 * the application's template environment inside a test request context,
 * as Flask's app.test_request_context('/') + render_template. */
#include "web/render_cli.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "web/ctx_internal.h"
#include "web/templating.h"
#include "base/fileio.h"

/* The largest template read from standard input. */
#define MAX_STDIN (64u << 20)

const char fl_cli_render_usage[] =
	"usage: manage render TEMPLATE [--context JSON]\n"
	"  render a template file with the application's template environment\n"
	"  (its filters, tests, globals, url_for...) inside a test request context\n"
	"  (GET / of the first blueprint, empty session) and print the result\n"
	"  TEMPLATE          a file (or a name under the template folder);\n"
	"                    - reads the template from standard input\n"
	"  --context JSON    the context, a JSON object; @FILE reads it from FILE\n"
	"A template error prints file:line:col: message and exits 1.\n";

static int usage_error(const char *why)
{
	fprintf(stderr, "manage render: %s\n%s", why, fl_cli_render_usage);
	return 2;
}

/* Read all of `f` into a NUL-terminated heap string (its length in *len).
 * NULL on a read error or past MAX_STDIN bytes. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			char *bigger = cap < MAX_STDIN ? realloc(buf, cap * 2) : NULL;
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				free(buf);
				return NULL;
			}
			buf[n] = '\0';
			*len = n;
			return buf;
		}
	}
	return NULL;
}

/* --context's value: JSON text, or @FILE.  Returns the object (in the
 * current jansson arena), or NULL after printing why (exit status 2). */
static json_t *parse_context(const char *arg)
{
	json_error_t je;
	json_t *v;
	if (arg[0] == '@') {
		FILE *f = fopen(arg + 1, "rb");
		if (!f) {
			fprintf(stderr, "manage render: --context %s: %s\n", arg, strerror(errno));
			return NULL;
		}
		v = json_loadf(f, 0, &je);
		fclose(f);
	} else {
		v = json_loads(arg, 0, &je);
	}
	if (!v) {
		fprintf(stderr, "manage render: --context%s%s: invalid JSON at line %d, column %d "
			"(byte %d): %s\n", arg[0] == '@' ? " " : "", arg[0] == '@' ? arg : "",
			je.line, je.column, je.position, je.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		fprintf(stderr, "manage render: --context must be a JSON object\n");
		return NULL;
	}
	return v;
}

/* Where TEMPLATE is found: its name under the application's template
 * folder, or its base name with its own directory (*first_dir, heap)
 * searched first.  `*name` is heap.  -1 when the file does not exist. */
static int locate(const char *path, const char *tfolder, char **name, char **first_dir)
{
	char real[PATH_MAX], troot[PATH_MAX];
	struct stat st;
	if (!realpath(path, real) || stat(real, &st) || !S_ISREG(st.st_mode))
		return -1;
	size_t tl = realpath(tfolder, troot) ? strlen(troot) : 0;
	if (tl && !strncmp(real, troot, tl) && real[tl] == '/') {
		*name = strdup(real + tl + 1);
		*first_dir = NULL;
		return *name ? 0 : -1;
	}
	char copy[PATH_MAX];
	memcpy(copy, real, sizeof copy);
	*name = strdup(basename(copy));
	memcpy(copy, real, sizeof copy);
	*first_dir = strdup(dirname(copy));
	if (!*name || !*first_dir) {
		free(*name);
		free(*first_dir);
		return -1;
	}
	return 0;
}

/* The test request context: GET / of the serving blueprint, as Flask's
 * test_request_context('/') (base URL http://localhost/), with its rule
 * matched so that request.endpoint is set. */
static fl_ctx *test_request_context(fl_app *app)
{
	char script[160];
	snprintf(script, sizeof script, "SCRIPT_NAME=%s", app->mount);
	char *envp[] = {
		"REQUEST_METHOD=GET", "PATH_INFO=/", "QUERY_STRING=", script,
		"SERVER_NAME=localhost", "SERVER_PORT=80", "HTTP_HOST=localhost",
		"SERVER_PROTOCOL=HTTP/1.1", "REQUEST_SCHEME=http", "REMOTE_ADDR=127.0.0.1", NULL,
	};
	fl_ctx *c = fl_ctx_new(app, app->arena);
	const char *why = NULL;
	char **copy = fl_arena_alloc(app->arena, sizeof envp);
	for (size_t i = 0; i < sizeof envp / sizeof envp[0]; i++)
		copy[i] = envp[i] ? fl_arena_strdup(app->arena, envp[i]) : NULL;
	if (fl_request_init(&c->req, c->arena, copy, &why))
		return NULL;
	unsigned allowed = 0;
	const char *redirect = NULL;
	if (fl_url_map_match(app->url_map, c->arena, c->req.path, c->req.method, &c->route,
		    c->view_args, &c->nview_args, &allowed, &redirect) != FL_MATCH_OK)
		c->route = NULL;
	return c;
}

/* The part of start-up a render needs (app.c's startup without the
 * database, caches or hooks): configuration, URL map, a cookie session
 * store, the templates; `none` (the caller's, outliving app) stands in
 * for an application without blueprints.  0, or 1 after printing why. */
static int open_app(fl_app *app, const fl_application *appl, const fl_config *cfg,
	const char *root, const char *first_dir, fl_blueprint *none)
{
	static const fl_route no_routes[] = { FL_ROUTES_END };
	const fl_blueprint *bp = appl && appl->blueprints ? appl->blueprints[0] : NULL;
	if (!bp) {
		/* an application without blueprints: an empty one of its name */
		*none = (fl_blueprint){ .name = appl && appl->name ? appl->name : "app",
					.routes = no_routes, .app = appl };
		bp = none;
	}
	char why[512];
	app->bp = bp;
	app->config = *cfg;          /* borrowed: never freed here */
	app->root = (char *)root;
	snprintf(app->mount, sizeof app->mount, "/cgi-bin/%s", bp->name);
	app->url_map = fl_blueprint_url_map(bp, why, sizeof why);
	if (!app->url_map) {
		fprintf(stderr, "manage render: routes: %s\n", why);
		return 1;
	}
	/* With no cookie every store gives an empty session: the signed
	 * cookie's needs no database or server. */
	fl_session_config_from(&app->session_config, &app->config);
	app->session_store = fl_session_cookie_store();
	if (!fl_app_new_templates(app, first_dir)) {
		fprintf(stderr, "manage render: cannot open the templates\n");
		return 1;
	}
	app->arena = fl_arena_new(0);
	return 0;
}

/* Render and print; the exit status. */
static int render(fl_app *app, const char *label, const char *name, const char *source,
	json_t *context)
{
	fl_ctx *c = test_request_context(app);
	if (!c) {
		fprintf(stderr, "manage render: cannot make the request context\n");
		return 1;
	}
	fl_buf out;
	fl_tpl_error err;
	memset(&err, 0, sizeof err);
	fl_buf_init(&out, c->arena);
	if (fl_update_template_context(c, context)) {
		fprintf(stderr, "manage render: a context processor failed (see above)\n");
		return 1;
	}
	fl_err e = fl_app_render_with_globals(c, name, source, context, &out, &err);
	if (e == FL_ENOTFOUND) {
		fprintf(stderr, "manage render: no such template: %s\n", label);
		return 1;
	}
	if (e) {
		/* render_string's name is "<string>": here it is standard input. */
		const char *file = !name && !strcmp(err.file, "<string>") ? "<stdin>" : err.file;
		if (err.line)
			fprintf(stderr, "%s:%d:%d: %s\n", file, err.line, err.column, err.message);
		else
			fprintf(stderr, "%s: %s\n", *file ? file : label,
				*err.message ? err.message : fl_strerror(e));
		return 1;
	}
	fflush(stdout);
	if (out.len && fl_write_all(1, out.data, out.len)) {
		fprintf(stderr, "manage render: cannot write the output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int fl_cli_render(const fl_application *appl, const fl_config *cfg, const char *root, int argc,
	char **argv)
{
	const char *template = NULL, *ctx_arg = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(fl_cli_render_usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--context")) {
			if (++i == argc)
				return usage_error("--context needs a JSON object");
			ctx_arg = argv[i];
		} else if (!strncmp(a, "--context=", 10)) {
			ctx_arg = a + 10;
		} else if (a[0] == '-' && a[1]) {
			char why[300];
			snprintf(why, sizeof why, "unknown option '%.200s'", a);
			return usage_error(why);
		} else if (template) {
			return usage_error("one TEMPLATE only");
		} else {
			template = a;
		}
	}
	if (!template)
		return usage_error("which TEMPLATE?");

	fl_app app;
	memset(&app, 0, sizeof app);
	fl_arena *parse = fl_arena_new(0);
	fl_arena *prev = fl_json_set_arena(parse);
	json_t *context = ctx_arg ? parse_context(ctx_arg) : json_object();
	char *name = NULL, *first_dir = NULL, *source = NULL;
	int rc = 2;
	if (!context)
		goto out;
	rc = 1;
	if (!strcmp(template, "-")) {
		size_t len = 0;
		source = slurp(stdin, &len);
		if (!source) {
			fprintf(stderr, "manage render: cannot read the template from standard input\n");
			goto out;
		}
		if (strlen(source) != len) {
			fprintf(stderr, "manage render: <stdin>: the template holds a NUL byte\n");
			goto out;
		}
	} else {
		char tfolder[PATH_MAX];
		const char *folder = appl && appl->template_folder ? appl->template_folder
			: "templates";
		snprintf(tfolder, sizeof tfolder, "%s/%s", root, folder);
		/* Not a file here: a name under the template folder, as
		 * render_template takes ("index.html", "mail/new_user.txt"). */
		char under[PATH_MAX + 256];
		snprintf(under, sizeof under, "%s/%s", tfolder, template);
		if (locate(template, tfolder, &name, &first_dir) &&
		    (template[0] == '/' || locate(under, tfolder, &name, &first_dir))) {
			fprintf(stderr, "manage render: no such template: %s\n", template);
			goto out;
		}
	}
	fl_blueprint none;
	if (open_app(&app, appl, cfg, root, first_dir, &none))
		goto out;
	fl_json_set_arena(app.arena);
	/* The context belongs to the request, as a view's does (a template
	 * may append to its lists: methods.c changes only the render's own). */
	rc = render(&app, template, name, source, json_deep_copy(context));
out:
	fl_json_set_arena(prev);
	fl_tpl_env_free(app.templates);
	fl_url_map_free(app.url_map);
	fl_arena_free(app.arena);
	fl_arena_free(parse);
	free(name);
	free(first_dir);
	free(source);
	return rc;
}
