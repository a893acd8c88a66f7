/* commands.h — Flasky's own ./manage commands (web/command.h), as the
 * Flask book's `flask deploy`. */
#ifndef APP_COMMANDS_H
#define APP_COMMANDS_H

#include "web/command.h"

/* Flasky's commands, ending with FL_COMMANDS_END:
 *   deploy   upgrade the database to the head revision, then add the demo
 *            data (roles, users, ...) when the database has none;
 *   user     `user add NAME`: an API login (app/cmd_user.h). */
extern const fl_command flasky_commands[];

#endif
