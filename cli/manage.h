/* manage.h — the command-line tool of an application (Flask's `flask`
 * command, Flask-Script's manage.py), independent of any application. */
#ifndef FL_MANAGE_H
#define FL_MANAGE_H

#include "web/application.h"

/* fl_manage_main — run `manage COMMAND [ARGS]` for application `app` with
 * main()'s `argc`/`argv` (argv[0] the program): the built-in commands (db,
 * runserver, routes, seed, shell, session, mail, render, test) on the
 * application's configuration, models (fl_application_all_models) and
 * migrations folder (fl_application.migrations_directory), then the
 * application's own commands.  `manage --help` lists them; `manage COMMAND
 * --help` prints one command's usage, before any configuration is read.
 * Returns the exit status: 0, or non-zero after a one-line reason on
 * stderr ("manage: ...").  An application's manage is one line:
 *
 *     int main(int argc, char **argv) { return fl_manage_main(&blog_app, argc, argv); }
 *
 * which the Makefile's fl_manage function generates and links with the
 * application's archives. */
int fl_manage_main(const fl_application *app, int argc, char **argv);

#endif
