/* command.h — an application's own `./manage` commands (Flask's
 * @app.cli.command(), Click commands).
 *
 * An application lists them in fl_application.commands, a static table
 * ending with FL_COMMANDS_END:
 *
 *     static int deploy(const fl_command_ctx *cx, int argc, char **argv)
 *     {
 *         char *upgrade[] = { "db", "upgrade", NULL };
 *         char *seed[] = { "seed", "--if-empty", NULL };
 *         int rc = cx->invoke(cx, 2, upgrade);   (Click's ctx.invoke)
 *         return rc ? rc : cx->invoke(cx, 2, seed);
 *     }
 *     static const fl_command blog_commands[] = {
 *         { "deploy", "usage: manage deploy\n", "run deployment tasks", deploy },
 *         FL_COMMANDS_END,
 *     };
 *
 * `./manage --help` lists them under their own heading, `./manage NAME
 * --help` (or -h) prints `usage`, and `./manage NAME ARGS...` runs `run`.
 * A name that is not a word of letters, digits, '-' and '_', appears twice,
 * or shadows a built-in command (db, routes, seed, ...) stops `./manage` at
 * start-up (fl_commands_check).
 */
#ifndef FL_COMMAND_H
#define FL_COMMAND_H

#include <stddef.h>

#include "base/config.h"
#include "base/err.h"

struct fl_application;

/* What a command receives from `./manage` (read-only). */
typedef struct fl_command_ctx {
	const struct fl_application *app;   /* the application */
	/* The configuration, loaded like the built-in commands' (APP_CONFIG,
	 * the environment, the application's keys; production without
	 * SECRET_KEY is allowed, as for `manage db`).  The database is the
	 * one DATABASE_URI names (fl_command_connect it when needed). */
	const fl_config *config;
	const char *root;           /* the project root (templates/, sql/, var/) */
	/* invoke — run another `./manage` command, built-in or the
	 * application's (Click's ctx.invoke): argv[0] is its name ("db"),
	 * argv[1..argc) its arguments, argv[argc] NULL.  Returns its exit
	 * status (0 on success; it has printed its one-line reason). */
	int (*invoke)(const struct fl_command_ctx *cx, int argc, char **argv);
} fl_command_ctx;

/* One command of the application. */
typedef struct fl_command {
	const char *name;           /* "deploy": `./manage deploy` */
	/* Printed by `./manage NAME --help`: "usage: manage deploy\n" and what
	 * the arguments mean, newline-terminated lines. */
	const char *usage;
	const char *help;           /* one line for `./manage --help` */
	/* Run with argv[0] the command's name and argv[1..argc) its
	 * arguments; return the exit status: 0, or non-zero after printing a
	 * one-line reason on stderr. */
	int (*run)(const fl_command_ctx *cx, int argc, char **argv);
} fl_command;

/* Ends a table of fl_command. */
#define FL_COMMANDS_END { NULL, NULL, NULL, NULL }

/* fl_commands_check — whether the table `commands` (ending with
 * FL_COMMANDS_END; NULL: none) can be served next to the built-in commands
 * named in `builtins` (NULL-terminated): every name a non-empty word of
 * ASCII letters, digits, '-' and '_' not starting with '-', none twice,
 * none a built-in's, each with a usage, a help line and a run function.
 * Returns FL_OK, or FL_EINVAL with a one-line reason in `why` (size
 * `whylen`) naming the command. */
fl_err fl_commands_check(const fl_command *commands, const char *const *builtins, char *why,
	size_t whylen);

/* fl_command_fail — print "manage: <reason>" (printf-style) as one line
 * on stderr and return 1, the exit status of a failed command (SPEC §5):
 * how a built-in or an application's command fails. */
int fl_command_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fl_command_connect — open the database `cfg` configures (DATABASE_URI:
 * SQLite, MySQL/MariaDB or PostgreSQL, through fl_db_connect) for a
 * command that works on existing data.  A SQLite file that does not exist
 * is not created: "database PATH does not exist: run ./manage db upgrade
 * first" (a wrong DATABASE_URI shows instead of an empty result).
 * Returns 0 with *out set (the caller fl_db_closes it), or 1 — the exit
 * status — after printing "manage: database DISPLAY: <reason>" on stderr
 * (DISPLAY is cfg->database_path: the file, or the URI with its password
 * masked) with *out NULL. */
struct fl_db;
int fl_command_connect(const fl_config *cfg, struct fl_db **out);

/* fl_command_find — the command of `commands` (NULL: none) named `name`,
 * or NULL. */
const fl_command *fl_command_find(const fl_command *commands, const char *name);

/* One option a command accepts (fl_command_spec.options, a table ending
 * with { NULL }), as Click's @click.option declares one. */
typedef struct fl_command_option {
	const char *name;           /* its spelling: "--if-empty", "-m" */
	const char *alias;          /* another spelling ("--message"), or NULL */
	/* An option taking a value ("-m MSG", "--context=JSON"): where the
	 * value (a pointer into argv) is stored.  NULL: a flag. */
	const char **value;
	int *set;                   /* a flag: set to 1 when given (may be NULL) */
} fl_command_option;

/* What a command (or subcommand) accepts: fl_command_args checks argv
 * against it. */
typedef struct fl_command_spec {
	const char *name;           /* "seed", "mail send": named in the errors */
	const fl_command_option *options;   /* ending with { NULL }; NULL: none */
	int min_args;               /* positional arguments, at least */
	int max_args;               /* at most (the size of fl_command_args' `args`) */
	const char *args_name;      /* what a missing one is called ("TO"), or NULL */
} fl_command_spec;

/* fl_command_args — check the arguments argv[1..argc) of the command
 * described by `spec` (argv[0] is its name, skipped), as Click does before
 * calling a command: every option known (an option's value follows it or
 * comes after '='), "--" ending the options, "-" a positional argument;
 * the positional arguments (pointers into argv) go to `args` (room for
 * spec->max_args) and their count to `*nargs` (may be NULL).  `--help`
 * and `-h` are not options here: ./manage answers them before the command
 * runs.  Returns 0, or 2 (the exit status of a usage error, as Click's)
 * after one line on stderr naming what is wrong — "manage seed: unknown
 * option '--bogus'", "manage routes: unexpected argument 'foo'", "manage
 * mail send: missing argument TO", "manage db revision: option '-m'
 * needs a value" — and a hint "(see manage NAME --help)". */
int fl_command_args(const fl_command_spec *spec, int argc, char **argv, const char **args,
	int *nargs);

#endif
