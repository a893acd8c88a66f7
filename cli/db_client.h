/* db_client.h — `./manage shell --client`: the configured database's own
 * command-line client (Flask-Migrate has none; it is `flask shell`'s
 * companion for a look at the server itself). */
#ifndef FL_CLI_DB_CLIENT_H
#define FL_CLI_DB_CLIENT_H

#include "base/config.h"

/* fl_cli_db_client — replace this process with the client of the database
 * `cfg` names (DATABASE_URI):
 *   sqlite             sqlite3 FILE
 *   mysql, mariadb     mariadb [-h HOST] [-P PORT] [-S SOCKET] [-u USER]
 *                      [--default-character-set=CHARSET] [DATABASE]
 *                      (mysql when there is no mariadb), the password in
 *                      the environment as MYSQL_PWD
 *   postgresql         psql [-h HOST|SOCKET_DIR] [-p PORT] [-U USER]
 *                      [-d DATABASE], the password in PGPASSWORD and
 *                      ?sslmode= in PGSSLMODE
 * The password is never on the command line (other users see it in ps).
 * SQLALCHEMY_POOL_TIMEOUT becomes the client's connect timeout.  With
 * `command` (not NULL) the client runs that one statement and exits
 * (sqlite3 FILE COMMAND, mariadb -e, psql -c).  Returns only on failure:
 * 1 after printing "manage: cannot start CLIENT: <reason>" on stderr. */
int fl_cli_db_client(const fl_config *cfg, const char *command);

#endif
