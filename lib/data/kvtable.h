/* kvtable.h — the framework's own key/value tables in the application
 * database (issue 19): what the database cache (cache/cache_db.c) and
 * session store (session/session_db.c) share, on SQLite, MySQL/MariaDB
 * and PostgreSQL alike.  Their statements run through fl_db_aside (db.h):
 * prepared and cached by the connection, never beginning the request's
 * transaction; each table's CREATE TABLE is written with the dialect's
 * key_type, bytes_type and text_type (dialect.h) and made again when
 * someone dropped the table. */
#ifndef FL_DATA_KVTABLE_H
#define FL_DATA_KVTABLE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/err.h"
#include "data/db.h"

/* fl_kv_table_create — run `create_sql` (CREATE TABLE IF NOT EXISTS ...,
 * and its indexes) on `db`.  Two processes creating the table at once is
 * no error (PostgreSQL may report the second CREATE as a duplicate).
 * Errors: those of fl_db_exec_script. */
fl_err fl_kv_table_create(fl_db *db, const char *create_sql);

/* fl_kv_table_upsert_sql — the dialect's upsert of `db` (put_upsert in
 * dialect.h) into `table` for the NULL-terminated `columns` (the first is
 * the primary key): `update` replaces the other columns of an existing
 * row, else such a row is left as it is.  Allocated from `a`. */
const char *fl_kv_table_upsert_sql(fl_db *db, fl_arena *a, const char *table,
	const char *const *columns, bool update);

/* fl_kv_table_run — fl_db_aside(db, sql, params, rows_out, changes); when
 * the table is missing (FL_ENOTABLE) outside a transaction, make it with
 * `create_sql` and run the statement once more (never inside a
 * transaction: MySQL would commit the request's work with the DDL).
 * Errors: those of fl_db_aside. */
fl_err fl_kv_table_run(fl_db *db, const char *create_sql, const char *sql, json_t *params,
	json_t **rows_out, int *changes);

#endif
