/* cmd_session.h — `./manage session purge`: remove expired server-side
 * sessions (Flask-Session's cleanup, e.g. SqlAlchemySessionInterface's
 * periodic delete of expired rows). */
#ifndef FL_CMD_SESSION_H
#define FL_CMD_SESSION_H

#include "base/config.h"

/* fl_cli_session — run one `session` subcommand for configuration `cfg`
 * and return the exit status.  argv[0] is "session", then
 *   purge        remove every record of the SESSION_TYPE store whose
 *                PERMANENT_SESSION_LIFETIME has run out, and print
 *                "removed N expired sessions" (sqlite: rows of
 *                flagon_sessions in the configured database; filesystem:
 *                files in $FLAGON_VAR/sessions).  With SESSION_TYPE=null
 *                (the signed cookie) or redis (keys expire by their TTL)
 *                there is nothing to remove: N is 0 and the line says why.
 * `-h`/`--help` after `session` or `purge` prints the usage and returns 0;
 * a usage error returns 2; a failure 1 with a one-line reason on stderr
 * (the sqlite database does not exist, a directory cannot be read). */
int fl_cli_session(const fl_config *cfg, int argc, char **argv);

#endif
