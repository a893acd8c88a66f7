/* cmd_user.h — `manage user add NAME`: create a login for Flasky's JSON
 * API.  Flasky's own command (app/commands.c lists it), since it knows
 * Flasky's Role and User models. */
#ifndef APP_CMD_USER_H
#define APP_CMD_USER_H

#include "web/application.h"
#include "web/command.h"

/* flasky_user_command — `manage user add NAME` (argv[0] is "user"): create user
 * NAME (Flasky's User model; cx->app gives the models to register, cx->config
 * the database) with
 * role User (the role is created when missing) and the password read from
 * stdin — prompted for twice without echo when stdin is a terminal, else the first line (without its line ending).  The password is
 * stored as a Werkzeug-compatible hash (pbkdf2:sha256, 260000 iterations).
 * Fails when the name is taken or empty, the password is empty, or the
 * database has no schema yet.  Returns the exit status (0, or 1/2 with a
 * one-line reason on stderr). */
int flasky_user_command(const fl_command_ctx *cx, int argc, char **argv);

#endif
