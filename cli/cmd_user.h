/* cmd_user.h — `manage user add NAME`: create a login for the JSON API. */
#ifndef FL_CMD_USER_H
#define FL_CMD_USER_H

#include "base/config.h"
#include "web/application.h"

/* fl_cli_user — `manage user add NAME` (argv[0] is "user"): create user
 * NAME (Flasky's User model; `app` gives the models to register) with
 * role User (the role is created when missing) and the password read from
 * stdin — prompted for twice without echo when stdin is a terminal, else the first line (without its line ending).  The password is
 * stored as a Werkzeug-compatible hash (pbkdf2:sha256, 260000 iterations).
 * Fails when the name is taken or empty, the password is empty, or the
 * database has no schema yet.  Returns the exit status (0, or 1/2 with a
 * one-line reason on stderr). */
int fl_cli_user(const fl_application *app, const fl_config *cfg, int argc, char **argv);

#endif
