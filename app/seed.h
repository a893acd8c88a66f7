/* seed.h — Flasky's demo data (SPEC §7), flasky_app.seed. */
#ifndef APP_SEED_H
#define APP_SEED_H

#include "web/application.h"

/* flasky_seed — add the demo data to s->db inside the transaction `manage
 * seed` opened: roles Admin/Moderator/User; users john (Admin), susan and
 * david (User), with the development password "cat" in the development
 * configuration only (no password hash otherwise: demo credentials never
 * open a testing or production database); a few articles per user (one of
 * david's logically deleted); 4 courses and 4 students (小明 first, so he
 * is student 1) with enrolments; 2 cats and 2 dogs.  Rows that already
 * exist (by their unique name, or natural key) are kept and counted in
 * s->kept, new ones in s->added.  With s->if_empty, a database that has
 * any role gets nothing and s->had_data set.  Returns FL_OK or the
 * database error (fl_db_errmsg says more). */
fl_err flasky_seed(fl_seed *s);

#endif
