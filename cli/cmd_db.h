/* cmd_db.h — `./manage db ...` (Flask-Migrate's `flask db`). */
#ifndef FL_CMD_DB_H
#define FL_CMD_DB_H

#include <stdbool.h>

#include "base/config.h"
#include "data/model.h"

/* fl_cli_db_usage — `manage db --help`: every subcommand, one line each. */
extern const char fl_cli_db_usage[];

/* fl_cli_db — run one `db` subcommand and return the exit status (0 on
 * success, 1 with a one-line reason on stderr otherwise).  argv is as a
 * main() sees it for the command: argv[0] is "db" (it may also be left
 * out, so argv[0] is the subcommand), then (Flask-Migrate's names and
 * Alembic's output)
 *   init                 create `migrations_dir` with a README if missing
 *   revision -m MSG      an empty revision to fill in (fl_migrate_revision);
 *                        --autogenerate makes it `migrate`
 *   migrate [-m MSG] [--drop-unknown]
 *                        autogenerate a revision from `models`
 *                        (fl_autogenerate_ex); "No changes in schema
 *                        detected." and no file when none; its warnings go
 *                        to stderr
 *   upgrade [REV|+N]     apply revisions up to REV (default head)
 *   downgrade [REV|-N]   revert down to REV (default -1; base, -N, an id)
 *   upgrade --sql [FROM:]TO, downgrade --sql FROM:TO
 *                        print the SQL (fl_migrate_offline); the database
 *                        is neither opened nor created
 *   current              print the database's revision ("<id> (head)")
 *   history              print the chain, newest first
 *   heads                print "<id> (head)"
 *   show REV             print a revision (fl_migrate_show)
 *   stamp REV            set the revision without running SQL
 *   check                exit 1 listing the differences (stdout) when the
 *                        database is not at the head revision or its schema
 *                        differs from `models` (alembic check); 0 otherwise
 *   create_all, drop_all fl_create_all / fl_drop_all of `models`, printing
 *                        each table created or dropped
 * Every subcommand takes -d/--directory DIR (the migrations folder) and
 * --help/-h (its usage on stdout, exit 0, before anything is opened); an
 * unknown option or an extra argument fails naming it.
 * `cfg` names the database (DATABASE_URI, opened with fl_db_connect): a
 * SQLite file (upgrade creates it, and its folder one level deep), or a
 * MySQL/MariaDB or PostgreSQL server, where only create_all, drop_all,
 * current and the subcommands that need no database work for now (the
 * others fail saying so: the revisions are SQLite's SQL); `migrations_dir` the folder of revision files
 * unless the environment variable MIGRATIONS_DIR names another (-d wins
 * over both); `models` the NULL-terminated models of the application (all
 * of them: fl_application_all_models). */
int fl_cli_db(int argc, char **argv, const fl_config *cfg, const char *migrations_dir,
	const fl_model *const *models);

/* fl_cli_db_help — the usage text that `db` arguments `argv` (with or
 * without the leading "db") ask for: the db usage for `db --help` (or a
 * --help after an unknown subcommand), a subcommand's for `db SUB ...
 * --help` (-h too, anywhere before "--"); NULL when they do not ask for
 * help.  Static text. */
const char *fl_cli_db_help(int argc, char **argv);

#endif
