/* cmd_seed.h — `manage seed`: the application's demo data (SPEC §7). */
#ifndef FL_CMD_SEED_H
#define FL_CMD_SEED_H

#include "base/config.h"
#include "web/application.h"

/* fl_cli_seed — load the demo data of application `app` (app->seed; for
 * Flasky see app/seed.h) into cfg->database_path, whose schema `manage db
 * upgrade` built: every table and column of app->models must exist.  One
 * transaction: a failure adds nothing.  Idempotent: rows that already
 * exist are left alone.  `argv[0]` is "seed"; `--if-empty` seeds only a
 * database without data (what `make run` uses; for Flasky: no roles).
 * Prints "seed: N rows added, M already present (...)".  Returns the exit
 * status (0, or 1 with a one-line reason on stderr). */
int fl_cli_seed(const fl_application *app, const fl_config *cfg, int argc, char **argv);

#endif
