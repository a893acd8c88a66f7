/* cli.h — what the ./manage commands share. */
#ifndef FL_CLI_H
#define FL_CLI_H

#include "web/command.h"

/* fl_cli_fail — print "manage: <reason>" (printf-style) as one line on
 * stderr and return 1, the exit status of a failed command (SPEC §5):
 * fl_command_fail, which an application's own commands use too. */
#define fl_cli_fail fl_command_fail

#endif
