/* fuzz_model_values.c — values and column names from outside meeting the
 * model layer: a filter of any operator on any (possibly unknown) column
 * with any JSON value, run on an in-memory database, and the same value
 * validated and bound for an insert.  Nothing may crash or leak; an
 * unknown column or a value the column cannot take is an error, and a
 * column name never reaches SQL unchecked (SQLite would fail to prepare:
 * abort).
 *
 * Input: one byte choosing the operator, then "column\nJSON value". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/model.h"
#include "data/query.h"

static const fl_column item_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 16),
	FL_COLUMN_NUMERIC("price", 10, 2),
	FL_COLUMN_LARGEBINARY("data"),
	FL_COLUMN_BOOLEAN("ok"),
	FL_COLUMN_DATETIME("at", FL_DEFAULT_UTCNOW, FL_ONUPDATE_UTCNOW),
	FL_COLUMN_END,
};
static const fl_model Item = { .name = "FuzzItem", .columns = item_columns };
static const fl_model *const models[] = { &Item, NULL };

static fl_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (!db) {
		fl_arena *a = fl_arena_new(0);
		if (fl_db_open(":memory:", &db) || fl_create_all(db, a, models))
			abort();
		fl_arena_free(a);
	}
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	fl_op op = (fl_op)(data[0] % (FL_OP__MAX + 1));   /* one past: an unknown operator */
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	const char *nl = memchr(text, '\n', n);
	size_t clen = nl ? (size_t)(nl - text) : n;
	char *column = fl_arena_strndup(a, text, clen);
	json_t *value = nl ? json_loadb(nl + 1, n - clen - 1, JSON_DECODE_ANY, NULL) : NULL;

	json_t *rows;
	fl_err err = fl_query_all(fl_query_filter(fl_query_new(db, a, &Item), column, op, value),
		&rows);
	if (err == FL_EDB)   /* every identifier is checked first: SQL never fails to prepare */
		abort();
	fl_query *q = fl_query_new(db, a, &Item);
	err = fl_query_all(fl_query_where(q, fl_or(q, fl_col(q, column, op, value),
		fl_not(q, fl_col(q, "name", FL_OP_CONTAINS, value)))), &rows);
	if (err == FL_EDB)
		abort();

	json_t *row = json_object();
	if (value && fl_model_column(&Item, column))
		json_object_set(row, column, value);
	if (fl_db_add(db, &Item, row) == FL_OK) {
		json_object_del(row, "at");
		fl_db_update(db, &Item, row);
	}
	fl_db_rollback(db);
	fl_json_set_arena(old);
	fl_arena_free(a);
	return 0;
}
