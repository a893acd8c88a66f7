/* manage — Flagon's command-line tool (Flask-Script's manage.py / the
 * flask command): db, runserver, routes, seed, shell, user, session, mail,
 * test.
 *
 * Exit status 0 on success; otherwise non-zero with a one-line reason on
 * stderr. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_db.h"
#include "cmd_mail.h"
#include "cmd_seed.h"
#include "cmd_session.h"
#include "cmd_user.h"
#include "base/config.h"
#include "base/log.h"
#include "app/flasky.h"

/* The application this manage serves: its keys, models and demo data. */
static const fl_application *const app = &flasky_app;

static const char usage[] =
	"usage: manage COMMAND [ARGS]\n"
	"  db init|migrate -m MSG|upgrade [REV]|downgrade [REV]|current|history|\n"
	"     stamp REV|check  database migrations (sql/migrations/)\n"
	"  runserver [-h HOST] [-p PORT] [-d] [-r]\n"
	"                      serve every blueprint with lighttpd in the foreground\n"
	"  routes              print the URL map of every blueprint\n"
	"  seed                load the demo data (roles, users, articles, students,\n"
	"                      courses, animals) into the configured database\n"
	"  shell               the sqlite3 shell on the configured database\n"
	"  user add NAME       add an API user (role User); password from stdin\n"
	"  session purge       remove expired server-side sessions (SESSION_TYPE\n"
	"                      sqlite or filesystem); prints how many\n"
	"  test                run the test suite (make test)\n"
	"  mail send TO        send a test message to TO (MAIL_* settings)\n"
	"  mail flush          retry the messages waiting in var/outbox/pending\n"
	"manage COMMAND --help prints a command's usage.\n";

/* Each command's usage, printed by `manage COMMAND --help` (or -h) and by
 * any of its subcommands given --help: SPEC §5 wants help everywhere,
 * before any configuration is read or any database opened. */
static const struct command_help {
	const char *name;
	const char *text;
} command_help[] = {
	{ "db",
	  "usage: manage db SUBCOMMAND   database migrations (sql/migrations/, Flask-Migrate)\n"
	  "  init                create the migrations directory\n"
	  "  migrate [-m MSG]    write a revision from the models' differences with the database\n"
	  "  upgrade [REV]       apply revisions up to REV (default: head)\n"
	  "  downgrade [REV]     revert revisions down to REV (default: one step)\n"
	  "  current             print the database's revision\n"
	  "  history             print the revision chain, newest first\n"
	  "  stamp REV           set the database's revision without running anything\n"
	  "  check               exit 1 when the models and the database differ\n"
	  "MIGRATIONS_DIR overrides the directory; APP_CONFIG/DATABASE_URI choose the database.\n" },
	{ "runserver",
	  "usage: manage runserver [-h HOST] [-p PORT] [-d] [-r]\n"
	  "  serve every blueprint with lighttpd in the foreground (Ctrl-C stops)\n"
	  "  -h HOST   listen address (default 127.0.0.1, or $HOST)\n"
	  "  -p PORT   port (default 8080, or $PORT)\n"
	  "  -d, -r    debug: templates reloaded on change\n"
	  "Logs: var/fastcgi-error.log (the programs), var/lighttpd-error.log.\n" },
	{ "routes",
	  "usage: manage routes\n"
	  "  print the URL map of every blueprint: endpoint, methods, rule\n" },
	{ "seed",
	  "usage: manage seed [--if-empty]\n"
	  "  load the demo data (roles, users, articles, students, courses, animals)\n"
	  "  --if-empty   do nothing when the database already holds data (make run)\n" },
	{ "shell",
	  "usage: manage shell\n"
	  "  the sqlite3 shell on the configured database\n" },
	{ "user",
	  "usage: manage user add NAME\n"
	  "  add an API user (role User); the password is read from standard input\n" },
	{ "session",
	  "usage: manage session purge\n"
	  "  remove expired server-side sessions (SESSION_TYPE sqlite or filesystem;\n"
	  "  Redis expires its own) and print how many were removed\n" },
	{ "mail",
	  "usage: manage mail send TO | manage mail flush\n"
	  "  send TO   send a test message to TO with the MAIL_* settings\n"
	  "  flush     retry the messages waiting in var/outbox/pending\n" },
	{ "test",
	  "usage: manage test\n"
	  "  run the test suite (make test)\n" },
};

/* The usage of `cmd` when its arguments ask for help: --help anywhere, or
 * -h anywhere but as runserver's `-h HOST`.  NULL otherwise. */
static const char *help_for(const char *cmd, int argc, char **argv)
{
	const struct command_help *h = NULL;
	for (size_t i = 0; i < sizeof command_help / sizeof command_help[0]; i++)
		if (!strcmp(cmd, command_help[i].name))
			h = &command_help[i];
	if (!h)
		return NULL;
	int runserver = !strcmp(cmd, "runserver");
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help"))
			return h->text;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-h")) {
			if (!runserver || i == argc - 1)
				return h->text;
			i++;   /* runserver's HOST */
		}
	}
	return NULL;
}

static int cmd_runserver(const fl_config *cfg, int argc, char **argv)
{
	const char *host = getenv("HOST") && *getenv("HOST") ? getenv("HOST") : "127.0.0.1";
	const char *port = getenv("PORT") && *getenv("PORT") ? getenv("PORT") : "8080";
	int opt;
	optind = 1;
	while ((opt = getopt(argc, argv, "h:p:dr")) != -1) {
		switch (opt) {
		case 'h': host = optarg; break;
		case 'p': port = optarg; break;
		case 'd': setenv("DEBUG", "1", 1); break;
		case 'r': setenv("DEBUG", "1", 1); break; /* DEBUG reloads templates */
		default: return fl_cli_fail("%s", "usage: manage runserver [-h HOST] [-p PORT] [-d] [-r]");
		}
	}
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
	fprintf(stderr, " * Serving Flagon on http://%s:%s/ (lighttpd; Ctrl-C stops)\n"
		" * Logs: %s/fastcgi-error.log (the programs), %s/lighttpd-error.log\n",
		host, port, vardir, vardir);
	execlp("lighttpd", "lighttpd", "-D", "-f", conf, (char *)NULL);
	return fl_cli_fail("cannot start lighttpd: %s", strerror(errno));
}

static int cmd_routes(const fl_config *cfg)
{
	/* The programs beside this manage (build/asan/manage lists
	 * build/asan/cgi-bin), else the checkout's. */
	char dir[4200];
	char *self = realpath("/proc/self/exe", NULL);
	char *slash = self ? strrchr(self, '/') : NULL;
	if (slash) {
		*slash = '\0';
		snprintf(dir, sizeof dir, "%s/cgi-bin", self);
	} else
		snprintf(dir, sizeof dir, "%s/cgi-bin", cfg->root);
	free(self);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return fl_cli_fail("cannot read %s", dir);
	printf("%-28s %-24s %s\n", "Endpoint", "Methods", "Rule");
	printf("%-28s %-24s %s\n", "----------------------------", "------------------------",
		"--------------------------------");
	int status = 0, programs = 0;
	for (int i = 0; i < n; i++) {
		char exe[4500];
		struct stat st;
		snprintf(exe, sizeof exe, "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && !stat(exe, &st) && S_ISREG(st.st_mode) &&
		    (st.st_mode & S_IXUSR)) {
			fflush(stdout);
			programs++;
			pid_t pid = fork();
			if (pid == 0) {
				setenv("FLAGON_ROUTES", "1", 1);
				execl(exe, exe, (char *)NULL);
				_exit(127);
			}
			int ws;
			if (pid < 0 || waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws))
				status = 1;
		}
		free(names[i]);
	}
	free(names);
	if (!programs)
		return fl_cli_fail("no blueprint programs in %s (run make)", dir);
	if (status)
		fprintf(stderr, "manage: some blueprints could not list their routes\n");
	return status;
}

static int cmd_shell(const fl_config *cfg)
{
	execlp("sqlite3", "sqlite3", cfg->database_path, (char *)NULL);
	return fl_cli_fail("cannot start sqlite3: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *help = help_for(argv[1], argc - 2, argv + 2);
	if (help) {
		fputs(help, stdout);
		return 0;
	}
	fl_log_init("manage", FL_LOG_WARNING);
	char *root = fl_find_root();
	if (!root)
		return fl_cli_fail("%s", "cannot find the project root (a directory with templates/); set FLAGON_ROOT");
	fl_config cfg;
	char why[512];
	/* No command here signs anything, so production needs no SECRET_KEY
	 * for them (`APP_CONFIG=production ./manage db upgrade` on a deploy
	 * host); runserver checks for it, since its programs need it. */
	if (fl_application_load_config_flags(app, &cfg, root, FL_CONFIG_SECRET_OPTIONAL, why,
		    sizeof why))
		return fl_cli_fail("%s", why);
	const char *cmd = argv[1];
	int rc;
	if (!strcmp(cmd, "db")) {
		char migrations[4200];
		snprintf(migrations, sizeof migrations, "%s/sql/migrations", root);
		char *dbdir = strdup(cfg.database_path);
		char *slash = dbdir ? strrchr(dbdir, '/') : NULL;
		if (slash && slash != dbdir) {
			*slash = '\0';
			mkdir(dbdir, 0775);
		}
		free(dbdir);
		rc = fl_cli_db(argc - 1, argv + 1, cfg.database_path, migrations, app->models);
	} else if (!strcmp(cmd, "runserver"))
		rc = cmd_runserver(&cfg, argc - 1, argv + 1);
	else if (!strcmp(cmd, "seed"))
		rc = fl_cli_seed(app, &cfg, argc - 1, argv + 1);
	else if (!strcmp(cmd, "user"))   /* issue #7: API logins */
		rc = fl_cli_user(app, &cfg, argc - 1, argv + 1);
	else if (!strcmp(cmd, "session"))   /* issue 14: expired sessions */
		rc = fl_cli_session(&cfg, argc - 1, argv + 1);
	else if (!strcmp(cmd, "routes"))
		rc = cmd_routes(&cfg);
	else if (!strcmp(cmd, "mail"))
		rc = fl_cli_mail(&cfg, argc - 1, argv + 1);
	else if (!strcmp(cmd, "shell"))
		rc = cmd_shell(&cfg);
	else if (!strcmp(cmd, "test")) {
		if (chdir(root))
			return fl_cli_fail("cannot enter %s", root);
		execlp("make", "make", "test", (char *)NULL);
		rc = fl_cli_fail("cannot run make: %s", strerror(errno));
	} else {
		fprintf(stderr, "manage: unknown command '%s'\n%s", cmd, usage);
		rc = 2;
	}
	fl_config_free(&cfg);
	free(root);
	return rc;
}
