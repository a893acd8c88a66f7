/* test_model_servers_types.c — the model layer's column types and keys
 * that differ per database, on SQLite and on the real MariaDB and
 * PostgreSQL tests/run.sh starts (FLAGON_TEST_DB=mysql|postgresql|all;
 * tests/unit/dbserver.h): Numeric's exact decimals, explicit ids beside
 * generated ones, rows of defaults only, and MySQL's prefix length for a key on a Text column. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/dialect.h"
#include "data/model.h"
#include "data/query.h"

#include "dbserver_open.h"

static const fl_column price_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_NUMERIC("amount", 10, 2),
	FL_COLUMN_END,
};
static const fl_model Price = { .tablename = "h_prices", .columns = price_columns };

static const fl_column note_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_TEXT("body", FL_UNIQUE, FL_MYSQL_LENGTH(100)),
	FL_COLUMN_TEXT("tag", FL_INDEX, FL_MYSQL_LENGTH(20)),
	FL_COLUMN_END,
};
static const fl_model Note = { .tablename = "h_notes", .columns = note_columns };

static const fl_column bare_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 40),
	FL_COLUMN_TEXT("body", FL_INDEX),
	FL_COLUMN_END,
};
static const fl_model Bare = { .tablename = "h_bare", .columns = bare_columns };

static const fl_column whole_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_TEXT("body", FL_UNIQUE),
	FL_COLUMN_END,
};
static const fl_model Whole = { .tablename = "h_whole", .columns = whole_columns };

static const fl_model *const models[] = { &Price, &Note, NULL };

/* The database of `kind` with fresh tables, or NULL (skip) when the kind
 * is not selected. */
static struct dbfx *open_kind(const char *kind)
{
	struct dbfx *f = dbfx_open(kind);
	if (!f)
		return NULL;
	static const fl_model *const all[] = { &Price, &Note, &Bare, &Whole, NULL };
	DB_OK(f, fl_drop_all(f->db, f->arena, all));
	DB_OK(f, fl_create_all(f->db, f->arena, models));
	return f;
}

/* The "amount" of the row `id` as read back. */
static const char *amount_of(struct dbfx *f, long long id)
{
	json_t *row = NULL;
	DB_OK(f, fl_query_first(fl_query_filter_by(fl_query_new(f->db, f->arena, &Price), "id",
		json_integer(id)), &row));
	assert_non_null(row);
	return json_string_value(json_object_get(row, "amount"));
}

/* 12345.67 in a Numeric(10, 2) comes back 12345.67, written as a string
 * or as a number; 0.1 + 0.2 comes back 0.30; a filter finds the value. */
static void numeric_exact(const char *kind)
{
	struct dbfx *f = open_kind(kind);
	if (!f)
		skip();
	json_t *a = json_pack("{s:s}", "amount", "12345.67");
	json_t *b = json_pack("{s:f}", "amount", 12345.67);
	json_t *c = json_pack("{s:f}", "amount", 0.1 + 0.2);
	json_t *d = json_pack("{s:s}", "amount", "99999999.99");
	DB_OK(f, fl_db_add(f->db, &Price, a));
	DB_OK(f, fl_db_add(f->db, &Price, b));
	DB_OK(f, fl_db_add(f->db, &Price, c));
	DB_OK(f, fl_db_add(f->db, &Price, d));
	DB_OK(f, fl_db_commit(f->db));
	/* the rows show what the database holds */
	assert_string_equal(json_string_value(json_object_get(c, "amount")), "0.30");
	assert_string_equal(amount_of(f, json_integer_value(json_object_get(a, "id"))), "12345.67");
	assert_string_equal(amount_of(f, json_integer_value(json_object_get(b, "id"))), "12345.67");
	assert_string_equal(amount_of(f, json_integer_value(json_object_get(c, "id"))), "0.30");
	assert_string_equal(amount_of(f, json_integer_value(json_object_get(d, "id"))),
		"99999999.99");
	long n = 0;
	DB_OK(f, fl_query_count(fl_query_filter_by(fl_query_new(f->db, f->arena, &Price), "amount",
		json_string("12345.67")), &n));
	assert_int_equal(n, 2);
	dbfx_release(f);
}

static void test_numeric_sqlite(void **state) { numeric_exact("sqlite"); }
static void test_numeric_mysql(void **state) { numeric_exact("mysql"); }
static void test_numeric_postgresql(void **state) { numeric_exact("postgresql"); }

/* Rows with explicit ids 1..3, then one without an id gets 4 (PostgreSQL's
 * sequence is moved past explicit ids; MySQL and SQLite follow by
 * themselves); an explicit id below the highest does not move it back. */
static void explicit_ids(const char *kind)
{
	struct dbfx *f = open_kind(kind);
	if (!f)
		skip();
	for (int i = 1; i <= 3; i++)
		DB_OK(f, fl_db_add(f->db, &Price, json_pack("{s:i, s:s}", "id", i, "amount", "1")));
	DB_OK(f, fl_db_commit(f->db));
	json_t *row = json_pack("{s:s}", "amount", "2");
	DB_OK(f, fl_db_add(f->db, &Price, row));
	assert_int_equal(json_integer_value(json_object_get(row, "id")), 4);
	DB_OK(f, fl_db_add(f->db, &Price, json_pack("{s:i, s:s}", "id", 10, "amount", "1")));
	DB_OK(f, fl_db_add(f->db, &Price, json_pack("{s:i, s:s}", "id", 7, "amount", "1")));
	row = json_pack("{s:s}", "amount", "2");
	DB_OK(f, fl_db_add(f->db, &Price, row));
	assert_int_equal(json_integer_value(json_object_get(row, "id")), 11);
	DB_OK(f, fl_db_commit(f->db));
	dbfx_release(f);
}

static void test_explicit_ids_sqlite(void **state) { explicit_ids("sqlite"); }
static void test_explicit_ids_mysql(void **state) { explicit_ids("mysql"); }
static void test_explicit_ids_postgresql(void **state) { explicit_ids("postgresql"); }

/* A row that gives no column a value takes every default: SQLite's and
 * PostgreSQL's DEFAULT VALUES, MySQL's () VALUES (). */
static void defaults_only(const char *kind)
{
	struct dbfx *f = open_kind(kind);
	if (!f)
		skip();
	for (int i = 1; i <= 2; i++) {
		json_t *row = json_object();
		DB_OK(f, fl_db_add(f->db, &Price, row));
		assert_int_equal(json_integer_value(json_object_get(row, "id")), i);
	}
	DB_OK(f, fl_db_commit(f->db));
	assert_null(amount_of(f, 2));
	dbfx_release(f);
}

static void test_defaults_only_sqlite(void **state) { defaults_only("sqlite"); }
static void test_defaults_only_mysql(void **state) { defaults_only("mysql"); }
static void test_defaults_only_postgresql(void **state) { defaults_only("postgresql"); }

/* A unique or indexed Text column: with mysql_length every database makes
 * the key (MySQL on the prefix), and a duplicate is FL_EEXISTS; an index
 * without it is refused by create_all on MySQL before sending, naming
 * table and column; a UNIQUE without it is the server's to make (the test
 * server is MariaDB, which makes it whole through a hash). */
static void text_keys(const char *kind)
{
	struct dbfx *f = open_kind(kind);
	if (!f)
		skip();
	DB_OK(f, fl_db_add(f->db, &Note, json_pack("{s:s, s:s}", "body", "hello", "tag", "a")));
	DB_OK(f, fl_db_commit(f->db));
	assert_int_equal(fl_db_add(f->db, &Note, json_pack("{s:s, s:s}", "body", "hello", "tag",
		"b")), FL_EEXISTS);
	fl_db_rollback(f->db);
	static const fl_model *const bare[] = { &Bare, NULL };
	fl_err err = fl_create_all(f->db, f->arena, bare);
	if (strcmp(kind, "mysql") == 0) {
		assert_int_equal(err, FL_EINVAL);
		assert_string_equal(fl_db_error_table(f->db), "h_bare");
		assert_string_equal(fl_db_error_column(f->db), "body");
		assert_non_null(strstr(fl_db_errmsg(f->db), "mysql_length"));
	} else
		DB_OK(f, err);
	static const fl_model *const whole[] = { &Whole, NULL };
	DB_OK(f, fl_create_all(f->db, f->arena, whole));
	DB_OK(f, fl_db_add(f->db, &Whole, json_pack("{s:s}", "body", "same")));
	DB_OK(f, fl_db_commit(f->db));
	assert_int_equal(fl_db_add(f->db, &Whole, json_pack("{s:s}", "body", "same")), FL_EEXISTS);
	fl_db_rollback(f->db);
	dbfx_release(f);
}

static void test_text_keys_sqlite(void **state) { text_keys("sqlite"); }
static void test_text_keys_mysql(void **state) { text_keys("mysql"); }
static void test_text_keys_postgresql(void **state) { text_keys("postgresql"); }

/* The DDL of the keys on MySQL, no server needed. */
static void test_text_keys_ddl(void **state)
{
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_mysql, &Note, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "UNIQUE (\"body\"(100))"));
	assert_non_null(strstr(sql, "ON \"h_notes\" (\"tag\"(20))"));
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_postgresql, &Note, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "UNIQUE (\"body\")"));
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_mysql, &Bare, a, &sql), FL_EINVAL);
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_sqlite, &Bare, a, &sql), FL_OK);
	fl_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_keys_ddl),
		cmocka_unit_test(test_numeric_sqlite),
		cmocka_unit_test(test_numeric_mysql),
		cmocka_unit_test(test_numeric_postgresql),
		cmocka_unit_test(test_explicit_ids_sqlite),
		cmocka_unit_test(test_explicit_ids_mysql),
		cmocka_unit_test(test_explicit_ids_postgresql),
		cmocka_unit_test(test_defaults_only_sqlite),
		cmocka_unit_test(test_defaults_only_mysql),
		cmocka_unit_test(test_defaults_only_postgresql),
		cmocka_unit_test(test_text_keys_sqlite),
		cmocka_unit_test(test_text_keys_mysql),
		cmocka_unit_test(test_text_keys_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
