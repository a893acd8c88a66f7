/* cmd_runserver.c — `manage runserver` (Flask's `flask run`): every
 * blueprint served by lighttpd in the foreground; with -d (debug) or -r,
 * rebuilt and reloaded on change (reloader.c).
 *
 * The contract with the application's lighttpd.conf (the tree's, or one an
 * application ships, e.g. a `manage new` skeleton), in the environment
 * runserver sets before starting `lighttpd -D -f <root>/lighttpd.conf`:
 *
 *   FLAGON_ROOT         the application root (templates/, htdocs/, lighttpd.conf)
 *   FLAGON_VAR          runtime data (default <root>/var); the FastCGI sockets
 *                       and build-error.txt go under FLAGON_VAR/run
 *   FLAGON_LISTEN_HOST, FLAGON_LISTEN_PORT   where lighttpd listens
 *   FLAGON_BIN          (optional) the programs are $FLAGON_BIN/cgi-bin/<blueprint>,
 *                       else $FLAGON_ROOT/cgi-bin/<blueprint>, one per name in
 *                       fl_application.blueprints
 *   FLAGON_RELOAD=1     (reloader only) must reach the programs: lighttpd's
 *                       mod_fastcgi passes its whole environment to the programs
 *                       it spawns unless "bin-copy-environment" is set (then list
 *                       FLAGON_RELOAD, DEBUG, FLAGON_VAR and the config keys)
 *   DEBUG=1             (-d) the programs' DEBUG
 *
 * and the programs must be spawned by lighttpd itself ("bin-path"), so
 * that the reloader finds them as its children.  The reloader's own
 * settings: FLAGON_BUILD_CMD (default "make", run in the root),
 * FLAGON_WATCH (more folders to watch, ':'-separated; the Flagon tree's
 * lib/ is added when the root lies inside it). */
#include "cmd_runserver.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "reloader.h"
#include "base/config.h"
#include "web/app.h"
#include "web/application.h"

const char fl_cli_runserver_usage[] =
	"usage: manage runserver [-h HOST] [-p PORT] [-d] [-r] [--no-reload]\n"
	"  serve every blueprint with lighttpd in the foreground (Ctrl-C stops)\n"
	"  -h HOST, --host HOST  listen address (default 127.0.0.1, or $HOST)\n"
	"  -p PORT, --port PORT  port (default 8080, or $PORT)\n"
	"  -d, --debug   debug mode (flask run --debug): DEBUG=1 for the programs\n"
	"                (templates reloaded on change, development error pages)\n"
	"                and the reloader\n"
	"  -r, --reload  the reloader alone, DEBUG left as configured: a change to a\n"
	"                .c/.h file under the application (and the Flagon tree's\n"
	"                lib/) runs the build ($FLAGON_BUILD_CMD, default make) and\n"
	"                restarts just the programs it changed; a failed build is\n"
	"                shown here and on every page, while the last good build\n"
	"                keeps serving.  Templates and static files need no restart.\n"
	"  --no-reload   no reloader, even with -d\n"
	"  --help        this text\n"
	"Logs: var/fastcgi-error.log (the programs), var/lighttpd-error.log.\n";

/* A folder of the Flagon tree's lib/ when `root` lies inside that tree
 * but lib/ is not under root (flaskr in docs/tutorial); else NULL. */
static char *tree_lib(const char *root)
{
	char dir[PATH_MAX];
	if (!realpath(root, dir))
		return NULL;
	size_t rootlen = strlen(dir);
	for (;;) {
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof probe, "%s/lib/web/app.c", dir);
		if (!access(probe, F_OK)) {
			if (strlen(dir) == rootlen)
				return NULL;   /* root is the tree: lib/ is watched with it */
			snprintf(probe, sizeof probe, "%s/lib", dir);
			return strdup(probe);
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return NULL;
		*slash = '\0';
	}
}

/* The reloader: the blueprints' names, the folders, the build command. */
static int run_reloader(const fl_command_ctx *cx, const char *vardir, const char *conf)
{
	const fl_application *app = cx->app;
	size_t n = 0;
	while (app->blueprints && app->blueprints[n])
		n++;
	if (!n)
		return fl_cli_fail("the application '%s' lists no blueprints (fl_application.blueprints)",
			app->name);
	const char *programs[n + 1];
	for (size_t i = 0; i < n; i++)
		programs[i] = app->blueprints[i]->name;
	programs[n] = NULL;

	const char *extra = getenv("FLAGON_WATCH");
	char *copy = strdup(extra ? extra : "");
	char *lib = tree_lib(cx->root);
	size_t nw = 2;
	for (const char *p = copy; p && *p; p++)
		nw += *p == ':';
	const char *watch[nw + 1];
	size_t k = 0;
	if (lib)
		watch[k++] = lib;
	for (char *save = NULL, *t = copy ? strtok_r(copy, ":", &save) : NULL; t;
	     t = strtok_r(NULL, ":", &save))
		watch[k++] = t;
	watch[k] = NULL;

	const char *bin = getenv("FLAGON_BIN");
	const char *cmd = getenv("FLAGON_BUILD_CMD");
	fl_reloader_opts o = {
		.root = cx->root,
		.bin = bin && *bin ? bin : cx->root,
		.vardir = vardir,
		.conf = conf,
		.build_cmd = cmd && *cmd ? cmd : "make",
		.watch = watch,
		.programs = programs,
	};
	int rc = fl_cli_reloader_run(&o);
	free(copy);
	free(lib);
	return rc;
}

int fl_cli_runserver(const fl_command_ctx *cx, int argc, char **argv)
{
	const fl_config *cfg = cx->config;
	const char *host = getenv("HOST") && *getenv("HOST") ? getenv("HOST") : "127.0.0.1";
	const char *port = getenv("PORT") && *getenv("PORT") ? getenv("PORT") : "8080";
	int debug = 0, reload = 0, no_reload = 0;
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "reload", no_argument, NULL, 'r' },
		{ "no-reload", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h:p:dr", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': host = optarg; break;
		case 'p': port = optarg; break;
		case 'd': debug = 1; break;
		case 'r': reload = 1; break;
		case 'R': no_reload = 1; break;
		case 'H': fputs(fl_cli_runserver_usage, stdout); return 0;
		case ':':
			fprintf(stderr, "manage: runserver: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "manage: runserver: unknown option '%s' (manage runserver --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "manage: runserver: unexpected argument '%s' (manage runserver --help)\n",
			argv[optind]);
		return 2;
	}
	if (debug)
		setenv("DEBUG", "1", 1);
	reload = (debug || reload) && !no_reload;
	/* The programs lighttpd starts sign sessions and CSRF tokens: they
	 * would refuse to start, each with a line in the log; say it here. */
	if (!cfg->secret_key)
		return fl_cli_fail("%s", "SECRET_KEY must be set in the production configuration");
	char *end;
	long p = strtol(port, &end, 10);
	if (*end || p < 1 || p > 65535)
		return fl_cli_fail("invalid port '%s'", port);
	char vardir[4096], rundir[4200], conf[4200];
	const char *var = getenv("FLAGON_VAR");
	snprintf(vardir, sizeof vardir, "%s", var && *var ? var : "");
	if (!*vardir)
		snprintf(vardir, sizeof vardir, "%s/var", cfg->root);
	snprintf(rundir, sizeof rundir, "%s/run", vardir);
	snprintf(conf, sizeof conf, "%s/lighttpd.conf", cfg->root);
	mkdir(vardir, 0775);
	mkdir(rundir, 0775);
	/* Several FastCGI processes serve each blueprint: the page cache must
	 * be shared (SPEC §4), unless the environment chose otherwise. */
	setenv("CACHE_TYPE", "sqlite", 0);
	setenv("FLAGON_ROOT", cfg->root, 1);
	setenv("FLAGON_VAR", vardir, 1);
	setenv("FLAGON_LISTEN_HOST", host, 1);
	setenv("FLAGON_LISTEN_PORT", port, 1);
	if (reload)
		setenv("FLAGON_RELOAD", "1", 1);
	else
		unsetenv("FLAGON_RELOAD");
	fprintf(stderr, " * Serving Flagon on http://%s:%s/ (lighttpd; Ctrl-C stops)\n"
		" * Debug mode: %s\n"
		" * Logs: %s/fastcgi-error.log (the programs), %s/lighttpd-error.log\n",
		host, port, debug ? "on" : "as configured (-d turns it on)", vardir, vardir);
	fflush(stderr);
	if (reload)
		return run_reloader(cx, vardir, conf);
	execlp("lighttpd", "lighttpd", "-D", "-f", conf, (char *)NULL);
	return fl_cli_fail("cannot start lighttpd: %s", strerror(errno));
}
