/* manage.c — Flagon's command-line tool (Flask-Script's manage.py / the
 * flask command) for any application: db, runserver, routes, seed, shell,
 * session, mail, render, test, and the application's own commands
 * (fl_application.commands, web/command.h: Flasky's `deploy`).  See
 * manage.h; each application's manage is a one-line main calling
 * fl_manage_main (the Makefile's fl_manage function writes it).
 *
 * Exit status 0 on success; otherwise non-zero with a one-line reason on
 * stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_db.h"
#include "cmd_mail.h"
#include "cmd_new.h"
#include "cmd_runserver.h"
#include "cmd_seed.h"
#include "cmd_session.h"
#include "cmd_shell.h"
#include "cmd_test.h"
#include "manage.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/dotenv.h"
#include "base/log.h"
#include "web/app.h"
#include "web/render_cli.h"

static const char usage[] =
	"usage: manage COMMAND [ARGS]\n"
	"  db SUBCOMMAND       database migrations (Flask-Migrate): init, migrate,\n"
	"                      revision, upgrade, downgrade, current, history, heads,\n"
	"                      show, stamp, check, create_all, drop_all (db --help)\n"
	"  runserver [-h HOST] [-p PORT] [-d] [-r] [--no-reload]\n"
	"                      serve every blueprint with lighttpd in the foreground;\n"
	"                      -d debug and reload, -r reload (runserver --help)\n"
	"  routes              print the URL map of every blueprint of the application\n"
	"  seed                load the application's demo data into the configured\n"
	"                      database\n"
	"  shell [-c COMMAND]  an SQL prompt on the configured database, the models\n"
	"                      listed, .create_all/.drop_all/.seed at hand\n"
	"  session purge       remove expired server-side sessions (SESSION_TYPE\n"
	"                      sqlite or filesystem); prints how many\n"
	"  test [-k PATTERN]   run the application's tests (make test)\n"
	"  mail send TO        send a test message to TO (MAIL_* settings)\n"
	"  mail flush          retry the messages waiting in var/outbox/pending\n"
	"  render TEMPLATE [--context JSON]\n"
	"                      render a template file (- for standard input) with the\n"
	"                      application's template environment and print it\n"
	"  new PATH            a fresh application in PATH (new --help)\n"
	"manage COMMAND --help prints a command's usage.\n";

/* Each command's usage, printed by `manage COMMAND --help` (or -h) and by
 * any of its subcommands given --help: SPEC §5 wants help everywhere,
 * before any configuration is read or any database opened. */
static const struct command_help {
	const char *name;
	const char *text;
} command_help[] = {
	{ "db", fl_cli_db_usage },
	{ "runserver", fl_cli_runserver_usage },
	{ "routes",
	  "usage: manage routes\n"
	  "  print the URL map of every blueprint of the application (its\n"
	  "  fl_application.blueprints): endpoint, methods, rule under its mount\n" },
	{ "seed",
	  "usage: manage seed [--if-empty]\n"
	  "  load the application's demo data (fl_application.seed)\n"
	  "  --if-empty   do nothing when the database already holds data (make run)\n" },
	{ "shell", fl_cli_shell_usage },
	{ "session",
	  "usage: manage session purge\n"
	  "  remove expired server-side sessions (SESSION_TYPE sqlite or filesystem;\n"
	  "  Redis expires its own) and print how many were removed\n" },
	{ "mail",
	  "usage: manage mail send TO | manage mail flush\n"
	  "  send TO   send a test message to TO with the MAIL_* settings\n"
	  "  flush     retry the messages waiting in var/outbox/pending\n" },
	{ "test", fl_cli_test_usage },
	{ "render", fl_cli_render_usage },
	{ "new", fl_cli_new_usage },   /* issue 18: a new application */
};

#define NBUILTIN (sizeof command_help / sizeof command_help[0])

/* The usage of `cmd` (a built-in's, else the application's) when its
 * arguments ask for help: --help anywhere, or -h anywhere but as
 * runserver's `-h HOST`.  NULL otherwise. */
static const char *help_for(const fl_application *app, const char *cmd, int argc, char **argv)
{
	const char *text = NULL;
	for (size_t i = 0; i < NBUILTIN; i++)
		if (!strcmp(cmd, command_help[i].name))
			text = command_help[i].text;
	const fl_command *own = fl_command_find(app->commands, cmd);
	if (!text && own)
		text = own->usage;
	if (!text)
		return NULL;
	if (!strcmp(cmd, "db"))   /* db and each subcommand have their own (cmd_db.c) */
		return fl_cli_db_help(argc, argv);
	int runserver = !strcmp(cmd, "runserver");
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help"))
			return text;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-h")) {
			if (!runserver || i == argc - 1)
				return text;
			i++;   /* runserver's HOST */
		}
	}
	return NULL;
}

/* `manage --help`: the built-in commands, then the application's under
 * their own heading. */
static void print_usage(const fl_application *app, FILE *out)
{
	fputs(usage, out);
	if (!app->commands || !app->commands[0].name)
		return;
	fprintf(out, "Commands of the application (%s):\n", app->name);
	for (const fl_command *k = app->commands; k->name; k++) {
		if (strlen(k->name) <= 18)
			fprintf(out, "  %-18s  %s\n", k->name, k->help);
		else
			fprintf(out, "  %s\n  %-18s  %s\n", k->name, "", k->help);
	}
}

/* The application's commands may not hide a built-in one (SPEC §5). */
static int check_commands(const fl_application *app)
{
	const char *builtins[NBUILTIN + 1];
	char why[256];
	for (size_t i = 0; i < NBUILTIN; i++)
		builtins[i] = command_help[i].name;
	builtins[NBUILTIN] = NULL;
	if (fl_commands_check(app->commands, builtins, why, sizeof why))
		return fl_cli_fail("%s", why);
	return 0;
}

/* The whole URL map, from the application's list of blueprints (no
 * program needs to run). */
static int cmd_routes(const fl_application *app, int argc, char **argv)
{
	const fl_command_spec spec = { .name = "routes" };
	if (fl_command_args(&spec, argc, argv, NULL, NULL))
		return 2;
	if (!app->blueprints || !app->blueprints[0])
		return fl_cli_fail("the application '%s' lists no blueprints (fl_application.blueprints)",
			app->name);
	fflush(stdout);
	if (fl_print_routes(app->blueprints[0], stdout))
		return fl_cli_fail("%s", "the URL map cannot be built (see above)");
	return 0;
}

/* `db ...`: the application's migrations folder (MIGRATIONS_DIR wins,
 * in fl_cli_db) and every model of the application, its blueprints'
 * included.  The database's folder is made, as SQLite makes the file. */
static int cmd_db(const fl_command_ctx *cx, int argc, char **argv)
{
	const fl_application *app = cx->app;
	const char *dir = app->migrations_directory ? app->migrations_directory : "migrations";
	char migrations[4200], why[256];
	if (dir[0] == '/')
		snprintf(migrations, sizeof migrations, "%s", dir);
	else
		snprintf(migrations, sizeof migrations, "%s/%s", cx->root, dir);
	fl_arena *a = fl_arena_new(0);
	const fl_model *const *models;
	if (fl_application_all_models(app, a, &models, why, sizeof why)) {
		fl_arena_free(a);
		return fl_cli_fail("%s", why);
	}
	int rc = fl_cli_db(argc, argv, cx->config, migrations, models);
	fl_arena_free(a);
	return rc;
}

/* One command, argv[0] its name: a built-in, else the application's.
 * Also what an application's command invokes (fl_command_ctx.invoke). */
static int run_command(const fl_command_ctx *cx, int argc, char **argv)
{
	const fl_config *cfg = cx->config;
	const fl_application *app = cx->app;
	const char *cmd = argv[0];
	const char *help = help_for(app, cmd, argc - 1, argv + 1);
	if (help) {
		fputs(help, stdout);
		return 0;
	}
	if (!strcmp(cmd, "db"))
		return cmd_db(cx, argc, argv);
	if (!strcmp(cmd, "runserver"))
		return fl_cli_runserver(cx, argc, argv);
	if (!strcmp(cmd, "seed"))
		return fl_cli_seed(app, cfg, argc, argv);
	if (!strcmp(cmd, "session"))   /* issue 14: expired sessions */
		return fl_cli_session(cfg, argc, argv);
	if (!strcmp(cmd, "routes"))
		return cmd_routes(app, argc, argv);
	if (!strcmp(cmd, "mail"))
		return fl_cli_mail(cfg, argc, argv);
	if (!strcmp(cmd, "shell"))
		return fl_cli_shell(cx, argc, argv);
	if (!strcmp(cmd, "render"))   /* issue 16: try a template */
		return fl_cli_render(app, cfg, cx->root, argc, argv);
	if (!strcmp(cmd, "test"))   /* issue 18: -k PATTERN */
		return fl_cli_test(cx->root, argc, argv);
	const fl_command *own = fl_command_find(app->commands, cmd);
	if (own) {
		fflush(stdout);
		int rc = own->run(cx, argc, argv);
		fflush(stdout);
		return rc;
	}
	fprintf(stderr, "manage: unknown command '%s'\n", cmd);
	print_usage(app, stderr);
	return 2;
}

int fl_manage_main(const fl_application *app, int argc, char **argv)
{
	if (check_commands(app))
		return 1;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_usage(app, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *help = help_for(app, argv[1], argc - 2, argv + 2);
	if (help) {
		fputs(help, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "new"))   /* needs no application, config or database */
		return fl_cli_new("manage", argc - 1, argv + 1);
	fl_log_init("manage", FL_LOG_WARNING);
	char *root = fl_find_root();
	if (!root)
		return fl_cli_fail("%s", "cannot find the project root (a directory with templates/); set FLAGON_ROOT");
	fl_dotenv_load(root);   /* .env then .flagonenv, as `flask` loads them */
	fl_config cfg;
	char why[512];
	/* No command here signs anything, so production needs no SECRET_KEY
	 * for them (`APP_CONFIG=production ./manage db upgrade` on a deploy
	 * host); runserver checks for it, since its programs need it. */
	if (fl_application_load_config_flags(app, &cfg, root, FL_CONFIG_SECRET_OPTIONAL, why,
		    sizeof why))
		return fl_cli_fail("%s", why);
	fl_command_ctx cx = { .app = app, .config = &cfg, .root = root, .invoke = run_command };
	int rc = run_command(&cx, argc - 1, argv + 1);
	fl_config_free(&cfg);
	free(root);
	return rc;
}
