/* kvtable.c — the cache's and session store's tables.  See kvtable.h. */
#include "data/kvtable.h"
#include "data/dialect.h"

const char *fl_kv_table_upsert_sql(fl_db *db, fl_arena *a, const char *table,
	const char *const *columns, bool update)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_db_dialect(db)->put_upsert(&b, table, columns, update);
	return fl_buf_cstr(&b);
}

fl_err fl_kv_table_create(fl_db *db, const char *create_sql)
{
	fl_err err = fl_db_exec_script(db, create_sql);
	if (err == FL_EEXISTS)   /* PostgreSQL: another process made it meanwhile */
		err = fl_db_exec_script(db, create_sql);
	return err;
}

fl_err fl_kv_table_run(fl_db *db, const char *create_sql, const char *sql, json_t *params,
	json_t **rows_out, int *changes)
{
	fl_err err = fl_db_aside(db, sql, params, rows_out, changes);
	if (err == FL_ENOTABLE && !fl_db_in_transaction(db) &&
	    fl_kv_table_create(db, create_sql) == FL_OK)
		err = fl_db_aside(db, sql, params, rows_out, changes);
	return err;
}
