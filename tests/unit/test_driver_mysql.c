/* test_driver_mysql.c — the MySQL/MariaDB driver (lib/data/driver_mysql.c)
 * and dialect against a real MariaDB (tests/unit/dbserver.h: run with
 * FLAGON_TEST_DB=mysql tests/run.sh).  The driver's vtable is driven
 * directly; an SQLite fl_db holds the error record.  Tables are named
 * drv_my_* and dropped first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/driver_internal.h"
#include "data/dialect.h"
#include "base/arena.h"
#include "dbserver.h"
#include "driver_run.h"

static const fl_driver *drv = &fl_driver_mysql;

struct fx {
	fl_db *db;              /* the error record */
	fl_db_uri uri;
	fl_driver_conn *c;
};

static fl_driver_conn *connect_new(struct fx *f)
{
	fl_driver_options opt = { .uri = &f->uri, .connect_timeout = 5 };
	fl_driver_conn *c = NULL;
	assert_int_equal(drv->open(f->db, &opt, &c), FL_OK);
	assert_non_null(c);
	return c;
}

/* The fixture, made in the test itself so an unselected or missing server
 * skips the test (cmocka counts a skip in a setup function as an error). */
static struct fx *start(void **state)
{
	const char *text = dbserver_uri("mysql");
	if (!text)
		skip();
	struct fx *f = calloc(1, sizeof *f);
	assert_int_equal(fl_db_open(":memory:", &f->db), FL_OK);
	char why[200];
	assert_int_equal(fl_db_uri_parse(text, &f->uri, why, sizeof why), FL_OK);
	f->c = connect_new(f);
	assert_int_equal(drv->exec(f->db, f->c,
		"DROP TABLE IF EXISTS drv_my_child, drv_my_t, drv_my_users, drv_my_types"), FL_OK);
	assert_int_equal(drv->exec(f->db, f->c,
		"CREATE TABLE drv_my_t (id INTEGER AUTO_INCREMENT PRIMARY KEY,"
		" name VARCHAR(64) NOT NULL UNIQUE, n INTEGER) ENGINE=InnoDB;"
		"CREATE TABLE drv_my_child (id INTEGER AUTO_INCREMENT PRIMARY KEY,"
		" t_id INTEGER NOT NULL, FOREIGN KEY (t_id) REFERENCES drv_my_t (id)) ENGINE=InnoDB;"
		"CREATE TABLE \"drv_my_users\" (\"id\" INTEGER AUTO_INCREMENT PRIMARY KEY,"
		" \"email\" VARCHAR(64));"
		"CREATE UNIQUE INDEX \"ix_drv_my_users_email\" ON \"drv_my_users\" (\"email\")"),
		FL_OK);
	*state = f;
	return f;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	drv->close(f->c);
	fl_db_uri_free(&f->uri);
	fl_db_close(f->db);
	free(f);
	return 0;
}

/* Run one statement; on success *rows gets every row as an object. */
static fl_err run_on(struct fx *f, fl_driver_conn *c, const char *sql, json_t *params,
	json_t **rows, int *changes, int64_t *last_id)
{
	return driver_run(drv, f->db, c, sql, params, rows, changes, last_id);
}

static fl_err run(struct fx *f, const char *sql, json_t *params, json_t **rows)
{
	fl_err err = run_on(f, f->c, sql, params, rows, NULL, NULL);
	json_decref(params);
	return err;
}

/* A bytes parameter (fl_db_blob) of the `n` bytes at `p`. */
static json_t *bytes_param(const char *p, size_t n)
{
	json_t *s = json_stringn_nocheck(p, n);
	json_t *b = fl_db_blob(s);
	json_decref(s);
	return b;
}

static void test_types_round_trip(void **state)
{
	struct fx *f = start(state);
	assert_int_equal(drv->exec(f->db, f->c,
		"CREATE TABLE drv_my_types (id BIGINT AUTO_INCREMENT PRIMARY KEY, i BIGINT, s SMALLINT,"
		" d DOUBLE, n NUMERIC(20,6), b LONGBLOB, vb VARBINARY(16), tx TEXT, bo BOOLEAN,"
		" dt DATETIME(6), u BIGINT UNSIGNED, z MEDIUMTEXT)"), FL_OK);
	static const char bytes[] = { 'a', 0, (char)0xff, 1, 0 };
	json_t *blob = bytes_param(bytes, sizeof bytes);
	const char *text = "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80";
	json_t *params = json_pack("[I,i,f,s,o,o,s,b,s,n]", (json_int_t)9007199254740993LL, -7, 1.5,
		"12345678901234.123456", blob, bytes_param("\0\1", 2), text, 1,
		"2024-05-01 12:30:00.250000");
	int changes = 0;
	int64_t id = 0;
	assert_int_equal(run_on(f, f->c, "INSERT INTO \"drv_my_types\" (i, s, d, n, b, vb, tx, bo,"
		" dt, z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", params, NULL, &changes, &id), FL_OK);
	json_decref(params);
	assert_int_equal(changes, 1);
	assert_int_equal(id, 1);
	assert_int_equal(drv->exec(f->db, f->c,
		"UPDATE drv_my_types SET u = 18446744073709551615"), FL_OK);

	json_t *rows;
	assert_int_equal(run(f, "SELECT * FROM drv_my_types WHERE id = ?", json_pack("[i]", 1), &rows),
		FL_OK);
	assert_int_equal(json_array_size(rows), 1);
	json_t *r = json_array_get(rows, 0);
	assert_true(json_is_integer(json_object_get(r, "i")));
	assert_int_equal(json_integer_value(json_object_get(r, "i")), 9007199254740993LL);
	assert_int_equal(json_integer_value(json_object_get(r, "s")), -7);
	assert_true(json_is_real(json_object_get(r, "d")));
	assert_true(json_real_value(json_object_get(r, "d")) == 1.5);
	assert_string_equal(json_string_value(json_object_get(r, "n")), "12345678901234.123456");
	json_t *b = json_object_get(r, "b");
	assert_int_equal(json_string_length(b), sizeof bytes);
	assert_memory_equal(json_string_value(b), bytes, sizeof bytes);
	assert_int_equal(json_string_length(json_object_get(r, "vb")), 2);
	assert_string_equal(json_string_value(json_object_get(r, "tx")), text);
	assert_int_equal(json_integer_value(json_object_get(r, "bo")), 1);
	assert_string_equal(json_string_value(json_object_get(r, "dt")), "2024-05-01 12:30:00.250000");
	assert_string_equal(json_string_value(json_object_get(r, "u")), "18446744073709551615");
	assert_true(json_is_null(json_object_get(r, "z")));
	json_decref(rows);

	/* A value far longer than the first buffer, and a later short row. */
	char *big = malloc(200001);
	memset(big, 'x', 200000);
	big[200000] = '\0';
	assert_int_equal(run(f, "INSERT INTO drv_my_types (z) VALUES (?), (?)",
		json_pack("[s,s]", big, "short"), NULL), FL_OK);
	assert_int_equal(run(f, "SELECT z FROM drv_my_types WHERE z IS NOT NULL ORDER BY id", NULL,
		&rows), FL_OK);
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "z")), big);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "z")), "short");
	json_decref(rows);
	free(big);
}

/* INSERT `value` into `table`.`column` (both quoted as the builder does). */
static fl_err insert_one(struct fx *f, const char *table, const char *column, const char *value)
{
	char sql[128];
	snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (\"%s\") VALUES (?)", table, column);
	return run(f, sql, json_pack("[s]", value), NULL);
}

static void test_unique_is_eexists(void **state)
{
	struct fx *f = start(state);
	assert_int_equal(insert_one(f, "drv_my_t", "name", "john"), FL_OK);
	assert_int_equal(insert_one(f, "drv_my_t", "name", "john"), FL_EEXISTS);
	assert_string_equal(fl_db_error_table(f->db), "drv_my_t");
	assert_string_equal(fl_db_error_column(f->db), "name");   /* an inline UNIQUE key */
	assert_non_null(strstr(fl_db_errmsg(f->db), "Duplicate entry"));

	/* Flagon's unique index ix_<table>_<column> names the column too. */
	assert_int_equal(insert_one(f, "drv_my_users", "email", "a@b.c"), FL_OK);
	assert_int_equal(insert_one(f, "drv_my_users", "email", "x@y.z"), FL_OK);
	assert_int_equal(run(f, "UPDATE \"drv_my_users\" SET \"email\" = ?",
		json_pack("[s]", "a@b.c"), NULL), FL_EEXISTS);
	assert_string_equal(fl_db_error_table(f->db), "drv_my_users");
	assert_string_equal(fl_db_error_column(f->db), "email");
}

static void test_constraints(void **state)
{
	struct fx *f = start(state);
	assert_int_equal(run(f, "INSERT INTO drv_my_t (name) VALUES (?)", json_pack("[n]"), NULL),
		FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_column(f->db), "name");
	assert_int_equal(run(f, "INSERT INTO drv_my_t (n) VALUES (?)", json_pack("[i]", 1), NULL),
		FL_ECONSTRAINT);   /* strict mode: no default for a NOT NULL column */
	assert_string_equal(fl_db_error_column(f->db), "name");
	assert_int_equal(run(f, "INSERT INTO drv_my_child (t_id) VALUES (?)", json_pack("[i]", 42),
		NULL), FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_table(f->db), "drv_my_child");
	assert_string_equal(fl_db_error_column(f->db), "t_id");
	int64_t id = 0;
	json_t *p = json_pack("[s]", "parent");
	assert_int_equal(run_on(f, f->c, "INSERT INTO drv_my_t (name) VALUES (?)", p, NULL, NULL, &id),
		FL_OK);
	json_decref(p);
	assert_int_equal(run(f, "INSERT INTO drv_my_child (t_id) VALUES (?)", json_pack("[I]",
		(json_int_t)id), NULL), FL_OK);
	assert_int_equal(run(f, "DELETE FROM drv_my_t WHERE id = ?", json_pack("[I]", (json_int_t)id),
		NULL), FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_table(f->db), "drv_my_child");
}

static void test_missing_table(void **state)
{
	struct fx *f = start(state);
	fl_driver_stmt *st = NULL;
	assert_int_equal(drv->prepare(f->db, f->c, "SELECT * FROM \"drv_my_nope\"", &st),
		FL_ENOTABLE);
	assert_null(st);
	assert_string_equal(fl_db_error_table(f->db), "drv_my_nope");
	assert_int_equal(drv->exec(f->db, f->c, "DELETE FROM drv_my_nope"), FL_ENOTABLE);
}

static void test_statement_shape(void **state)
{
	struct fx *f = start(state);
	fl_driver_stmt *st = NULL;
	assert_int_equal(drv->prepare(f->db, f->c, "SELECT 1; SELECT 2", &st), FL_EINVAL);
	assert_int_equal(drv->prepare(f->db, f->c, "SELECT ';' AS x; ", &st), FL_OK);
	json_t *one = json_pack("[i]", 1);
	assert_int_equal(drv->execute(f->db, st, one), FL_EINVAL);
	json_decref(one);
	assert_int_equal(drv->execute(f->db, st, NULL), FL_OK);
	assert_int_equal(drv->step(f->db, st), FL_STEP_ROW);
	json_t *v = drv->column_value(f->db, st, 0);
	assert_string_equal(json_string_value(v), ";");
	json_decref(v);
	assert_int_equal(drv->step(f->db, st), FL_STEP_DONE);
	/* Executed again after a reset, without preparing again. */
	drv->reset(st);
	assert_int_equal(drv->execute(f->db, st, NULL), FL_OK);
	assert_int_equal(drv->step(f->db, st), FL_STEP_ROW);
	drv->finalize(st);
	/* Arrays cannot be bound. */
	assert_int_equal(run(f, "SELECT ? AS x", json_pack("[[i]]", 1), NULL), FL_EINVAL);
	/* An UPDATE counts the rows it matched, as SQLite does. */
	assert_int_equal(run(f, "INSERT INTO drv_my_t (name, n) VALUES ('a', 1), ('b', 1)", NULL,
		NULL), FL_OK);
	int changes = -1;
	assert_int_equal(run_on(f, f->c, "UPDATE drv_my_t SET n = 1", NULL, NULL, &changes, NULL),
		FL_OK);
	assert_int_equal(changes, 2);
	/* Standard string literals: a backslash is a character. */
	json_t *rows;
	assert_int_equal(run(f, "SELECT 'a\\b' AS x, LENGTH('a\\b') AS n", NULL, &rows), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 3);
	json_decref(rows);
}

static void test_transactions(void **state)
{
	struct fx *f = start(state);
	json_t *rows;
	assert_false(drv->in_transaction(f->c));
	assert_int_equal(drv->exec(f->db, f->c, drv->begin_sql), FL_OK);
	assert_true(drv->in_transaction(f->c));
	assert_int_equal(run(f, "INSERT INTO drv_my_t (name) VALUES (?)", json_pack("[s]", "gone"),
		NULL), FL_OK);
	assert_int_equal(drv->exec(f->db, f->c, "ROLLBACK"), FL_OK);
	assert_false(drv->in_transaction(f->c));
	assert_int_equal(run(f, "SELECT COUNT(*) AS n FROM drv_my_t", NULL, &rows), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 0);
	json_decref(rows);

	assert_int_equal(drv->exec(f->db, f->c, drv->begin_sql), FL_OK);
	assert_int_equal(run(f, "INSERT INTO drv_my_t (name) VALUES (?)", json_pack("[s]", "kept"),
		NULL), FL_OK);
	/* Another connection does not see it before COMMIT; a write to the
	 * same row waits, then gives up: FL_EBUSY (retryable). */
	fl_driver_conn *other = connect_new(f);
	assert_int_equal(run_on(f, other, "SELECT COUNT(*) AS n FROM drv_my_t", NULL, &rows, NULL,
		NULL), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 0);
	json_decref(rows);
	assert_int_equal(drv->exec(f->db, other, "SET SESSION innodb_lock_wait_timeout = 1"), FL_OK);
	assert_int_equal(drv->exec(f->db, other, "UPDATE drv_my_t SET n = 2 WHERE name = 'kept'"),
		FL_EBUSY);
	assert_int_equal(drv->exec(f->db, f->c, "COMMIT"), FL_OK);
	assert_false(drv->in_transaction(f->c));
	assert_int_equal(run_on(f, other, "SELECT name FROM drv_my_t", NULL, &rows, NULL, NULL),
		FL_OK);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "name")),
		"kept");
	json_decref(rows);
	drv->close(other);
	assert_false(drv->transactional_ddl);
}

static void test_killed_connection(void **state)
{
	struct fx *f = start(state);
	json_t *rows;
	assert_true(drv->ping(f->db, f->c));
	assert_int_equal(run(f, "SELECT CONNECTION_ID() AS id", NULL, &rows), FL_OK);
	json_int_t id = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
	json_decref(rows);
	fl_driver_stmt *st = NULL;
	assert_int_equal(drv->prepare(f->db, f->c, "SELECT ? AS x", &st), FL_OK);

	fl_driver_conn *killer = connect_new(f);
	char sql[64];
	snprintf(sql, sizeof sql, "KILL CONNECTION %lld", (long long)id);
	assert_int_equal(drv->exec(f->db, killer, sql), FL_OK);
	drv->close(killer);

	json_t *p = json_pack("[i]", 1);
	assert_int_equal(drv->execute(f->db, st, p), FL_EDISCONNECTED);
	json_decref(p);
	drv->finalize(st);
	assert_int_equal(drv->exec(f->db, f->c, "SELECT 1"), FL_EDISCONNECTED);
	assert_false(drv->ping(f->db, f->c));
	drv->close(f->c);
	f->c = connect_new(f);   /* what db.c does between transactions */
	assert_true(drv->ping(f->db, f->c));
}

static void test_connect_errors(void **state)
{
	struct fx *f = start(state);
	fl_db_uri bad;
	char why[200];
	char text[512];
	/* A wrong password: FL_EDB, and the message does not hold it. */
	snprintf(text, sizeof text, "mysql://%s:not-the-password@%s:%d/%s", f->uri.username,
		f->uri.host, f->uri.port, f->uri.database);
	assert_int_equal(fl_db_uri_parse(text, &bad, why, sizeof why), FL_OK);
	fl_driver_options opt = { .uri = &bad, .connect_timeout = 5 };
	fl_driver_conn *c = (fl_driver_conn *)1;
	assert_int_equal(drv->open(f->db, &opt, &c), FL_EDB);
	assert_null(c);
	assert_null(strstr(fl_db_errmsg(f->db), "not-the-password"));
	fl_db_uri_free(&bad);
	/* Nobody listening: FL_EIO, naming where it tried. */
	assert_int_equal(fl_db_uri_parse("mysql://u@127.0.0.1:1/x", &bad, why, sizeof why), FL_OK);
	assert_int_equal(drv->open(f->db, &opt, &c), FL_EIO);
	assert_non_null(strstr(fl_db_errmsg(f->db), "127.0.0.1"));
	fl_db_uri_free(&bad);
}

/* The dialect's SQL runs on the server and means what SQLite's does. */
static void test_dialect(void **state)
{
	struct fx *f = start(state);
	const fl_dialect *d = drv->dialect;
	assert_ptr_equal(d, &fl_dialect_mysql);
	assert_int_equal(run(f, "INSERT INTO drv_my_t (name, n) VALUES ('Ann', 1), ('bob', 2),"
		" ('Cy', NULL)", NULL, NULL), FL_OK);
	struct { const char *list; bool negate; long limit, offset; const char *names; } cases[] = {
		{ "[1, 2]", false, -1, 0, "Ann,bob" },
		{ "[]", false, -1, 0, "" },
		{ "[]", true, -1, 0, "Ann,bob,Cy" },
		{ "[2]", true, -1, 0, "Ann" },
		{ "[1, 2, 3]", false, -1, 1, "bob" },
		{ "[1, 2]", false, 1, 0, "Ann" },
		{ "[1, 2]", false, 1, 1, "bob" },
	};
	fl_arena *a = fl_arena_new(4096);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_buf b;
		fl_buf_init(&b, a);
		json_t *params = json_array();
		json_t *list = json_loads(cases[i].list, 0, NULL);
		fl_buf_puts(&b, "SELECT ");
		d->put_ident(&b, "name");
		fl_buf_puts(&b, " FROM drv_my_t WHERE n");
		d->put_in(&b, cases[i].negate, list, params);
		fl_buf_puts(&b, " OR (n IS NULL AND 1 = ");
		fl_buf_puts(&b, cases[i].negate && !json_array_size(list) ? d->true_sql : d->false_sql);
		fl_buf_puts(&b, ") ORDER BY id");
		if (cases[i].limit >= 0 || cases[i].offset > 0)
			d->put_limit(&b, params, cases[i].limit, cases[i].offset);
		json_t *rows;
		assert_int_equal(run(f, fl_buf_cstr(&b), params, &rows), FL_OK);
		char got[64] = "";
		size_t k;
		json_t *r;
		json_array_foreach(rows, k, r) {
			if (k)
				strcat(got, ",");
			strcat(got, json_string_value(json_object_get(r, "name")));
		}
		assert_string_equal(got, cases[i].names);
		json_decref(rows);
		json_decref(list);
	}
	/* ILIKE and EXISTS */
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "SELECT name FROM drv_my_t WHERE ");
	d->put_ilike(&b, "name", false);
	json_t *rows;
	assert_int_equal(run(f, fl_buf_cstr(&b), json_pack("[s]", "ANN"), &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);
	fl_buf_init(&b, a);
	d->put_exists(&b, "SELECT 1 FROM drv_my_t WHERE name = ?");
	assert_int_equal(run(f, fl_buf_cstr(&b), json_pack("[s]", "bob"), &rows), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "exists")), 1);
	json_decref(rows);
	fl_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_types_round_trip, teardown),
		cmocka_unit_test_teardown(test_unique_is_eexists, teardown),
		cmocka_unit_test_teardown(test_constraints, teardown),
		cmocka_unit_test_teardown(test_missing_table, teardown),
		cmocka_unit_test_teardown(test_statement_shape, teardown),
		cmocka_unit_test_teardown(test_transactions, teardown),
		cmocka_unit_test_teardown(test_killed_connection, teardown),
		cmocka_unit_test_teardown(test_connect_errors, teardown),
		cmocka_unit_test_teardown(test_dialect, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
