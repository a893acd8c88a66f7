/* cmd_runserver.h — `manage runserver`: lighttpd in the foreground, with
 * the reloader under -d/-r (Flask's `flask run --debug` / `--reload`). */
#ifndef FL_CMD_RUNSERVER_H
#define FL_CMD_RUNSERVER_H

#include "web/command.h"

/* fl_cli_runserver_usage — the text `manage runserver --help` prints. */
extern const char fl_cli_runserver_usage[];

/* fl_cli_runserver — `manage runserver [-h HOST] [-p PORT] [-d] [-r]
 * [--no-reload]` for the application of `cx` (argv[0] is "runserver"):
 * serve every blueprint with the application root's lighttpd.conf in the
 * foreground.  -d sets DEBUG=1 for the programs and turns the reloader on;
 * -r the reloader alone; --no-reload turns it off again.  Without the
 * reloader lighttpd replaces this process; with it, see
 * fl_cli_reloader_run (reloader.h).  The environment contract with the
 * web server configuration and the programs is in cmd_runserver.c.
 * Returns the exit status (0, or 1/2 after a one-line reason on stderr;
 * lighttpd's own when it exits). */
int fl_cli_runserver(const fl_command_ctx *cx, int argc, char **argv);

#endif
