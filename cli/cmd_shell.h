/* cmd_shell.h — `./manage shell`: the application's database at hand
 * (what `flask shell` is for in the Flask book: db, the models,
 * db.create_all(), the seed data), as an SQL prompt rather than a Python
 * one. */
#ifndef FL_CMD_SHELL_H
#define FL_CMD_SHELL_H

#include "web/command.h"

/* The usage of `manage shell` (what --help prints). */
extern const char fl_cli_shell_usage[];

/* fl_cli_shell — `manage shell [-c COMMAND] [--sqlite3]` for the
 * application and configuration of `cx`: opens config->database_path
 * through lib/data (fl_db_query / fl_db_execute), prints a banner with the
 * application's models (fl_application_all_models: table, columns,
 * relationships), then reads statements: SQL ending with ';' (over several
 * lines) printed as an aligned table with the row count, or a
 * dot-command (.models [NAME], .tables, .schema [TABLE], .create_all,
 * .drop_all, .seed, .help, .quit).  An error is printed and the prompt
 * goes on.  On a terminal the prompt is editline's, with history in
 * var/.manage_shell_history; otherwise lines are read from standard input
 * without prompt (a script).  -c runs one command without the banner;
 * --sqlite3 execs sqlite3 on the database instead.  argv[0] is "shell".
 * Returns the exit status: 0; 1 when the database cannot be opened or
 * (-c, or piped input) a statement failed; 2 on a usage error. */
int fl_cli_shell(const fl_command_ctx *cx, int argc, char **argv);

#endif
