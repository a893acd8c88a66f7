/* driver_run.h — one statement through a driver's vtable, for the
 * drivers' own unit tests (test_driver_mysql.c, test_driver_pg.c): what
 * db.c does for fl_db_query, without its cache and transactions. */
#ifndef FL_TEST_DRIVER_RUN_H
#define FL_TEST_DRIVER_RUN_H

#include <jansson.h>
#include <stdint.h>

#include "data/driver_internal.h"

/* Prepare `sql` on connection `c` of `db`, execute it with `params`, read
 * every row: on success *rows (if not NULL) gets them as objects, and
 * *changes / *last_id (if not NULL) the driver's counts.  A value the
 * driver cannot give as JSON is FL_EUTF8, a failed step FL_EDB. */
static inline fl_err driver_run(const fl_driver *drv, fl_db *db, fl_driver_conn *c,
	const char *sql, json_t *params, json_t **rows, int *changes, int64_t *last_id)
{
	fl_driver_stmt *st = NULL;
	fl_err err = drv->prepare(db, c, sql, &st);
	if (!err)
		err = drv->execute(db, st, params);
	json_t *all = json_array();
	fl_step s = FL_STEP_DONE;
	while (!err && (s = drv->step(db, st)) == FL_STEP_ROW) {
		json_t *row = json_object();
		for (int i = 0; i < drv->column_count(st); i++) {
			json_t *v = drv->column_value(db, st, i);
			if (!v) {
				err = FL_EUTF8;
				break;
			}
			json_object_set_new(row, drv->column_name(st, i), v);
		}
		json_array_append_new(all, row);
	}
	if (!err && s == FL_STEP_ERROR)
		err = FL_EDB;
	if (!err && changes)
		*changes = drv->changes(st);
	if (!err && last_id)
		*last_id = drv->last_insert_id(st);
	if (st) {
		drv->reset(st);
		drv->finalize(st);
	}
	if (rows)
		*rows = all;
	else
		json_decref(all);
	return err;
}

#endif
