/* test_driver_pg.c — the PostgreSQL driver (data/driver_pg.c) against the
 * real private PostgreSQL tests/run.sh starts (FLAGON_TEST_DB=postgresql or
 * all; tests/unit/dbserver.h), driving its vtable directly, and the
 * PostgreSQL dialect's SQL (data/dialect_pg.c), which needs no server.
 * An fl_db from fl_db_open(":memory:") holds the error record. */
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
#include "base/db_uri.h"
#include "data/db.h"
#include "data/dialect.h"
#include "data/driver_internal.h"

#include "dbserver.h"
#include "driver_run.h"

static const fl_driver *const drv = &fl_driver_postgresql;

struct fx {
	fl_arena *arena, *old;
	fl_db *db;              /* the error record */
	fl_db_uri uri;
	fl_driver_conn *conn;
};

static fl_err open_uri(struct fx *f, const char *text, fl_driver_conn **out)
{
	fl_db_uri_free(&f->uri);
	assert_int_equal(fl_db_uri_parse(text, &f->uri, NULL, 0), FL_OK);
	fl_driver_options opt = { .uri = &f->uri, .connect_timeout = 5 };
	return drv->open(f->db, &opt, out);
}

/* The fixture of a test that needs the server, made in the test itself
 * (a skip in a cmocka setup counts as an error): skips when PostgreSQL is
 * not selected (dbserver.h). */
static struct fx *fixture(void **state)
{
	const char *uri = dbserver_uri("postgresql");
	if (!uri)
		skip();
	struct fx *f = calloc(1, sizeof *f);
	f->arena = fl_arena_new(0);
	f->old = fl_json_set_arena(f->arena);
	assert_int_equal(fl_db_open(":memory:", &f->db), FL_OK);
	assert_int_equal(open_uri(f, uri, &f->conn), FL_OK);
	assert_int_equal(drv->exec(f->db, f->conn,
		"DROP TABLE IF EXISTS pg_child, pg_kinds, pg_person CASCADE;"
		"CREATE TABLE pg_person (id SERIAL PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE,"
		" age INTEGER CHECK (age >= 0));"
		"CREATE TABLE pg_child (id SERIAL PRIMARY KEY,"
		" person_id INTEGER NOT NULL REFERENCES pg_person(id))"), FL_OK);
	*state = f;
	return f;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	drv->close(f->conn);
	fl_db_close(f->db);
	fl_db_uri_free(&f->uri);
	fl_json_set_arena(f->old);
	fl_arena_free(f->arena);
	free(f);
	return 0;
}

/* Run `sql` (with `?`) with `params` through the vtable: every row in
 * *rows (may be NULL), the changes and the generated id. */
static fl_err run(struct fx *f, const char *sql, json_t *params, json_t **rows, int64_t *id)
{
	return driver_run(drv, f->db, f->conn, sql, params, rows, NULL, id);
}

static json_t *one(struct fx *f, const char *sql, json_t *params)
{
	json_t *rows;
	assert_int_equal(run(f, sql, params, &rows, NULL), FL_OK);
	assert_int_equal(json_array_size(rows), 1);
	return json_array_get(rows, 0);
}

static void test_types_roundtrip(void **state)
{
	struct fx *f = fixture(state);
	static const char bytes[] = "\x00\xff\x01" "a\x00" "\\x";
	assert_int_equal(drv->exec(f->db, f->conn,
		"CREATE TABLE pg_kinds (i8 BIGINT, i2 SMALLINT, r DOUBLE PRECISION, r4 REAL,"
		" d NUMERIC(14, 4), b BYTEA, t TEXT, v VARCHAR(20), flag BOOLEAN, ts TIMESTAMP,"
		" nothing INTEGER)"), FL_OK);
	json_t *p = json_pack("[I, i, f, f, s, o, s, s, b, s, n]", (json_int_t)9007199254740993LL,
		-32768, 0.1, 1.5, "12345678.9012", fl_db_blob(json_stringn_nocheck(bytes, sizeof bytes - 1)),
		"żółw ✓ \"q\" 'a' ?", "x", 1, "2024-02-29 13:14:15.123456");
	assert_int_equal(run(f, "INSERT INTO pg_kinds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		p, NULL, NULL), FL_OK);
	json_t *row = one(f, "SELECT * FROM pg_kinds", NULL);
	assert_int_equal(json_integer_value(json_object_get(row, "i8")), 9007199254740993LL);
	assert_int_equal(json_integer_value(json_object_get(row, "i2")), -32768);
	assert_true(json_real_value(json_object_get(row, "r")) == 0.1);
	assert_true(json_real_value(json_object_get(row, "r4")) == 1.5);
	assert_string_equal(json_string_value(json_object_get(row, "d")), "12345678.9012");
	json_t *b = json_object_get(row, "b");
	assert_int_equal(json_string_length(b), sizeof bytes - 1);
	assert_memory_equal(json_string_value(b), bytes, sizeof bytes - 1);
	assert_string_equal(json_string_value(json_object_get(row, "t")), "żółw ✓ \"q\" 'a' ?");
	assert_string_equal(json_string_value(json_object_get(row, "v")), "x");
	assert_true(json_is_integer(json_object_get(row, "flag")));
	assert_int_equal(json_integer_value(json_object_get(row, "flag")), 1);
	assert_string_equal(json_string_value(json_object_get(row, "ts")), "2024-02-29 13:14:15.123456");
	assert_true(json_is_null(json_object_get(row, "nothing")));

	/* a bytes value compares as bytes; false reads back 0 */
	row = one(f, "SELECT count(*) AS n, bool_and(? = false) AS f FROM pg_kinds WHERE b = ?",
		json_pack("[b, o]", 0, fl_db_blob(json_stringn_nocheck(bytes, sizeof bytes - 1))));
	assert_int_equal(json_integer_value(json_object_get(row, "n")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "f")), 1);
}

static void test_insert_returning_id(void **state)
{
	struct fx *f = fixture(state);
	fl_arena *a = fl_arena_new(0);
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "INSERT INTO pg_person (name) VALUES (?)");
	fl_dialect_postgresql.put_returning(&b, "id");
	assert_string_equal(fl_buf_cstr(&b), "INSERT INTO pg_person (name) VALUES (?) RETURNING \"id\"");
	int64_t id = 0;
	fl_driver_stmt *st;
	assert_int_equal(drv->prepare(f->db, f->conn, fl_buf_cstr(&b), &st), FL_OK);
	for (int i = 1; i <= 3; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%d", i);
		assert_int_equal(drv->execute(f->db, st, json_pack("[s]", name)), FL_OK);
		while (drv->step(f->db, st) == FL_STEP_ROW)
			;
		assert_int_equal(drv->last_insert_id(st), i);
		assert_int_equal(drv->changes(st), 1);
		drv->reset(st);
	}
	drv->finalize(st);
	/* an UPDATE has no id, and counts its rows */
	assert_int_equal(drv->prepare(f->db, f->conn, "UPDATE pg_person SET age = ?", &st), FL_OK);
	assert_int_equal(drv->execute(f->db, st, json_pack("[i]", 7)), FL_OK);
	assert_int_equal(drv->step(f->db, st), FL_STEP_DONE);
	assert_int_equal(drv->changes(st), 3);
	assert_int_equal(drv->last_insert_id(st), 0);
	drv->finalize(st);
	(void)id;
	fl_arena_free(a);
}

static void test_unique_is_eexists(void **state)
{
	struct fx *f = fixture(state);
	assert_int_equal(run(f, "INSERT INTO pg_person (name) VALUES (?)", json_pack("[s]", "ann"),
		NULL, NULL), FL_OK);
	assert_int_equal(run(f, "INSERT INTO pg_person (name) VALUES (?)", json_pack("[s]", "ann"),
		NULL, NULL), FL_EEXISTS);
	assert_string_equal(fl_db_error_table(f->db), "pg_person");
	assert_string_equal(fl_db_error_column(f->db), "name");
	assert_non_null(strstr(fl_db_errmsg(f->db), "unique"));
}

static void test_constraints(void **state)
{
	struct fx *f = fixture(state);
	assert_int_equal(run(f, "INSERT INTO pg_person (name) VALUES (?)", json_pack("[n]"),
		NULL, NULL), FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_table(f->db), "pg_person");
	assert_string_equal(fl_db_error_column(f->db), "name");
	assert_int_equal(run(f, "INSERT INTO pg_child (person_id) VALUES (?)", json_pack("[i]", 42),
		NULL, NULL), FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_table(f->db), "pg_child");
	assert_int_equal(run(f, "INSERT INTO pg_person (name, age) VALUES (?, ?)",
		json_pack("[s, i]", "bob", -1), NULL, NULL), FL_ECONSTRAINT);
}

static void test_missing_table(void **state)
{
	struct fx *f = fixture(state);
	assert_int_equal(run(f, "SELECT * FROM \"pg_nope\" WHERE id = ?", json_pack("[i]", 1),
		NULL, NULL), FL_ENOTABLE);
	assert_string_equal(fl_db_error_table(f->db), "pg_nope");
	assert_int_equal(drv->exec(f->db, f->conn, "DELETE FROM pg_nope"), FL_ENOTABLE);
}

static void test_bad_statements_and_params(void **state)
{
	struct fx *f = fixture(state);
	fl_driver_stmt *st;
	assert_int_equal(drv->prepare(f->db, f->conn, "SELECT 1; SELECT 2", &st), FL_EINVAL);
	assert_int_equal(drv->prepare(f->db, f->conn, "SELEKT 1", &st), FL_EDB);
	assert_int_equal(drv->prepare(f->db, f->conn,
		"SELECT id FROM pg_person WHERE name = ? OR name = '?'", &st), FL_OK);
	assert_int_equal(drv->execute(f->db, st, json_pack("[s, s]", "a", "b")), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(f->db), "2 parameters given, statement has 1"));
	assert_int_equal(drv->execute(f->db, st, json_pack("[[i]]", 1)), FL_EINVAL);
	assert_int_equal(drv->execute(f->db, st, json_pack("[s#]", "a\0b", (int)3)), FL_ENUL);
	assert_int_equal(drv->execute(f->db, st, json_pack("[s]", "a")), FL_OK);
	assert_int_equal(drv->step(f->db, st), FL_STEP_DONE);
	drv->finalize(st);
}

static void test_transactions(void **state)
{
	struct fx *f = fixture(state);
	json_t *row;
	assert_false(drv->in_transaction(f->conn));
	assert_int_equal(drv->exec(f->db, f->conn, drv->begin_sql), FL_OK);
	assert_true(drv->in_transaction(f->conn));
	assert_int_equal(run(f, "INSERT INTO pg_person (name) VALUES (?)", json_pack("[s]", "x"),
		NULL, NULL), FL_OK);
	assert_int_equal(drv->exec(f->db, f->conn, "ROLLBACK"), FL_OK);
	assert_false(drv->in_transaction(f->conn));
	row = one(f, "SELECT count(*) AS n FROM pg_person", NULL);
	assert_int_equal(json_integer_value(json_object_get(row, "n")), 0);

	/* a failed statement leaves the transaction open (and aborted) until
	 * the rollback; DDL rolls back with it */
	assert_int_equal(drv->exec(f->db, f->conn, "BEGIN; CREATE TABLE pg_kinds (x INTEGER)"), FL_OK);
	assert_int_equal(run(f, "INSERT INTO pg_child (person_id) VALUES (?)", json_pack("[i]", 9),
		NULL, NULL), FL_ECONSTRAINT);
	assert_true(drv->in_transaction(f->conn));
	assert_int_equal(drv->exec(f->db, f->conn, "ROLLBACK"), FL_OK);
	assert_false(drv->in_transaction(f->conn));
	assert_int_equal(run(f, "SELECT * FROM pg_kinds", NULL, NULL, NULL), FL_ENOTABLE);
	assert_true(drv->transactional_ddl);
}

/* The dialect's list, ILIKE and LIMIT forms, run on the server. */
static void test_dialect_on_server(void **state)
{
	struct fx *f = fixture(state);
	const fl_dialect *d = &fl_dialect_postgresql;
	assert_int_equal(drv->exec(f->db, f->conn,
		"INSERT INTO pg_person (name, age) VALUES ('Ann', 30), ('bob', NULL), ('Ca\"l', 5)"), FL_OK);
	static const struct {
		bool negate;
		const char *list;
		int count;
	} cases[] = {
		{ false, "[\"Ann\", \"Ca\\\"l\", \"zed\"]", 2 },
		{ false, "[]", 0 },
		{ true, "[]", 3 },
		{ true, "[\"bob\"]", 2 },
		{ true, "[\"bob\", null]", 0 },      /* NOT IN with a NULL: SQL's unknown */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_arena *a = fl_arena_new(0);
		fl_buf b;
		fl_buf_init(&b, a);
		json_t *params = json_array();
		fl_buf_puts(&b, "SELECT count(*) AS n FROM pg_person WHERE name");
		d->put_in(&b, cases[i].negate, json_loads(cases[i].list, 0, NULL), params);
		json_t *row = one(f, fl_buf_cstr(&b), params);
		assert_int_equal(json_integer_value(json_object_get(row, "n")), cases[i].count);
		fl_arena_free(a);
	}
	/* integers and booleans in a list */
	json_t *row = one(f, "SELECT count(*) AS n FROM pg_person WHERE age = ANY(?) AND true = ANY(?)",
		json_pack("[s, s]", "{30,5,7}", "{1,0}"));
	assert_int_equal(json_integer_value(json_object_get(row, "n")), 2);

	fl_arena *a = fl_arena_new(0);
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *params = json_array();
	fl_buf_puts(&b, "SELECT name FROM pg_person WHERE ");
	d->put_ilike(&b, "name", false);
	fl_buf_puts(&b, " ORDER BY name");
	d->put_limit(&b, params, 1, 1);
	json_array_insert_new(params, 0, json_string("%A%"));
	json_t *rows;
	assert_int_equal(run(f, fl_buf_cstr(&b), params, &rows, NULL), FL_OK);
	assert_int_equal(json_array_size(rows), 1);   /* Ann, Ca"l: the second */
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "name")), "Ca\"l");

	fl_buf_init(&b, a);
	fl_dialect_put_exists(&b, "SELECT 1 FROM pg_person WHERE age > 100");
	row = one(f, fl_buf_cstr(&b), NULL);
	assert_true(json_is_integer(json_object_get(row, "exists")));
	assert_int_equal(json_integer_value(json_object_get(row, "exists")), 0);
	fl_arena_free(a);
}

/* The SQL the dialect writes (no server needed). */
static void test_dialect_sql(void **state)
{
	(void)state;
	const fl_dialect *d = &fl_dialect_postgresql;
	fl_arena *a = fl_arena_new(0), *old = fl_json_set_arena(a);
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *params = json_array();
	d->put_in(&b, false, json_pack("[i, s, n, b, f, o]", 1, "a\"b\\c", 1, 2.5,
		fl_db_blob(json_stringn_nocheck("\0\xff", 2))), params);
	d->put_in(&b, true, json_array(), params);
	assert_string_equal(fl_buf_cstr(&b), " = ANY(?) <> ALL(?)");
	assert_string_equal(json_string_value(json_array_get(params, 0)),
		"{1,\"a\\\"b\\\\c\",NULL,1,2.5,\"\\\\x00ff\"}");
	assert_string_equal(json_string_value(json_array_get(params, 1)), "{}");

	static const struct {
		long limit, offset;
		const char *sql;
	} lim[] = {
		{ 10, 0, " LIMIT ?" }, { -1, 5, " OFFSET ?" }, { 10, 20, " LIMIT ? OFFSET ?" },
		{ 0, -1, " LIMIT ?" },
	};
	for (size_t i = 0; i < sizeof lim / sizeof *lim; i++) {
		fl_buf_init(&b, a);
		params = json_array();
		d->put_limit(&b, params, lim[i].limit, lim[i].offset);
		assert_string_equal(fl_buf_cstr(&b), lim[i].sql);
	}
	fl_buf_init(&b, a);
	d->put_ilike(&b, "lower(x)", true);
	assert_string_equal(fl_buf_cstr(&b), "lower(x) NOT ILIKE ?");
	assert_string_equal(fl_dialect_finish(d, a, "a = ? AND b = '?''?' AND \"c?\" = ?"),
		"a = $1 AND b = '?''?' AND \"c?\" = $2");
	assert_string_equal(d->true_sql, "true");
	fl_json_set_arena(old);
	fl_arena_free(a);
}

static void test_exec_script(void **state)
{
	struct fx *f = fixture(state);
	assert_int_equal(drv->exec(f->db, f->conn,
		"CREATE TABLE pg_kinds (x INTEGER);\n"
		"INSERT INTO pg_kinds VALUES (1);\n"
		"INSERT INTO pg_kinds VALUES (2);\n"), FL_OK);
	json_t *row = one(f, "SELECT sum(x) AS s FROM pg_kinds", NULL);
	assert_int_equal(json_integer_value(json_object_get(row, "s")), 3);
	/* a script is all or nothing: the failing statement undoes the first */
	assert_int_equal(drv->exec(f->db, f->conn,
		"INSERT INTO pg_kinds VALUES (3); INSERT INTO pg_kinds VALUES ('x')"), FL_EDB);
	row = one(f, "SELECT count(*) AS n FROM pg_kinds", NULL);
	assert_int_equal(json_integer_value(json_object_get(row, "n")), 2);
}

/* Another session ends ours (as a restart or an idle timeout would): the
 * next statement reports FL_EDISCONNECTED and ping says so. */
static void test_killed_connection(void **state)
{
	struct fx *f = fixture(state);
	json_t *row = one(f, "SELECT pg_backend_pid() AS pid", NULL);
	json_int_t pid = json_integer_value(json_object_get(row, "pid"));
	assert_true(drv->ping(f->db, f->conn));
	fl_driver_conn *killer;
	assert_int_equal(open_uri(f, dbserver_uri("postgresql"), &killer), FL_OK);
	fl_driver_conn *mine = f->conn;
	f->conn = killer;
	row = one(f, "SELECT pg_terminate_backend(?::int) AS ok", json_pack("[I]", pid));
	assert_int_equal(json_integer_value(json_object_get(row, "ok")), 1);
	f->conn = mine;
	assert_int_equal(run(f, "SELECT 1 AS one", NULL, NULL, NULL), FL_EDISCONNECTED);
	assert_non_null(strstr(fl_db_errmsg(f->db), "connection to PostgreSQL was lost"));
	assert_false(drv->ping(f->db, f->conn));
	assert_int_equal(drv->exec(f->db, f->conn, "SELECT 1"), FL_EDISCONNECTED);
	/* a new connection works */
	drv->close(f->conn);
	f->conn = killer;
	assert_true(drv->ping(f->db, f->conn));
}

/* A server that is not there, or a wrong password: FL_EIO, and the
 * message never holds the password. */
static void test_connect_errors(void **state)
{
	struct fx *f = fixture(state);
	fl_driver_conn *c = NULL;
	char bad[512];
	const char *uri = dbserver_uri("postgresql");
	const char *at = strrchr(uri, '@');
	snprintf(bad, sizeof bad, "postgresql://flagon:s3cr3t-pw@%s", at + 1);
	assert_int_equal(open_uri(f, bad, &c), FL_EIO);
	assert_null(c);
	assert_non_null(strstr(fl_db_errmsg(f->db), "password authentication failed"));
	assert_null(strstr(fl_db_errmsg(f->db), "s3cr3t-pw"));
	assert_int_equal(open_uri(f, "postgresql://u:s3cr3t-pw@127.0.0.1:1/db", &c), FL_EIO);
	assert_non_null(strstr(fl_db_errmsg(f->db), "cannot connect to PostgreSQL"));
	assert_null(strstr(fl_db_errmsg(f->db), "s3cr3t-pw"));
	assert_null(strchr(fl_db_errmsg(f->db), '\n'));
	/* a query option libpq does not know is named */
	snprintf(bad, sizeof bad, "%s?charset=utf8", uri);
	assert_int_equal(open_uri(f, bad, &c), FL_EIO);
	assert_non_null(strstr(fl_db_errmsg(f->db), "charset"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialect_sql),
		cmocka_unit_test_teardown(test_types_roundtrip, teardown),
		cmocka_unit_test_teardown(test_insert_returning_id, teardown),
		cmocka_unit_test_teardown(test_unique_is_eexists, teardown),
		cmocka_unit_test_teardown(test_constraints, teardown),
		cmocka_unit_test_teardown(test_missing_table, teardown),
		cmocka_unit_test_teardown(test_bad_statements_and_params, teardown),
		cmocka_unit_test_teardown(test_transactions, teardown),
		cmocka_unit_test_teardown(test_dialect_on_server, teardown),
		cmocka_unit_test_teardown(test_exec_script, teardown),
		cmocka_unit_test_teardown(test_killed_connection, teardown),
		cmocka_unit_test_teardown(test_connect_errors, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
