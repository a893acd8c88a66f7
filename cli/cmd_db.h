/* cmd_db.h — `./manage db ...` (Flask-Migrate's `flask db`). */
#ifndef FL_CMD_DB_H
#define FL_CMD_DB_H

#include "data/model.h"

/* fl_cli_db — run one `db` subcommand and return the exit status (0 on
 * success, 1 with a one-line reason on stderr otherwise).  argv is as a
 * main() sees it for the command: argv[0] is "db" (it may also be left
 * out, so argv[0] is the subcommand), then
 *   init                 create `migrations_dir` with a README if missing
 *   upgrade [REV]        apply revisions up to REV (default head)
 *   downgrade [REV]      revert down to REV (default -1; base, -N, an id)
 *   current              print the database's revision ("<id> (head)")
 *   history              print the chain, newest first
 *   stamp REV            set the revision without running SQL
 *   migrate [-m MSG]     autogenerate a revision from `models` (fl_autogenerate);
 *                        "No changes in schema detected." and no file when none;
 *                        its warnings go to stderr
 *   check                exit 1 listing the differences (stdout) when the
 *                        database is not at the head revision or its schema
 *                        differs from `models` (alembic check); 0 otherwise
 * `database_path` is the SQLite file (its directory must exist; upgrade
 * creates the file); `migrations_dir` the folder of revision files
 * (sql/migrations) unless the environment variable MIGRATIONS_DIR names
 * another; `models` the NULL-terminated models of the application. */
int fl_cli_db(int argc, char **argv, const char *database_path, const char *migrations_dir,
	const fl_model *const *models);

#endif
