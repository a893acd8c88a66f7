/* cmd_seed.h — `manage seed`: the demo data of SPEC §7. */
#ifndef FL_CMD_SEED_H
#define FL_CMD_SEED_H

#include "base/config.h"

/* fl_cli_seed — load the demo data into cfg->database_path (whose schema
 * `manage db upgrade` built): roles Admin/Moderator/User, users john
 * (Admin), susan and david (User) with the development password "cat"
 * (development config only), a few articles per user, at least 4 courses
 * and 4 students with enrolments, 2 cats and 2 dogs.  Idempotent: rows that
 * already exist (by their unique name) are left alone.  `argv[0]` is
 * "seed"; `--if-empty` seeds only a database with no roles (what `make run`
 * uses).  Returns the exit status (0, or 1 with a one-line reason on
 * stderr). */
int fl_cli_seed(const fl_config *cfg, int argc, char **argv);

#endif
