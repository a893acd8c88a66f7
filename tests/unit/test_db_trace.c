/* test_db_trace.c — data/db.h fl_db_set_trace: each statement reported
 * once with its text, its bound values (as SQLALCHEMY_ECHO prints them),
 * its time and its rows; a failing one with its error; nothing when off;
 * beside echo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/db.h"
#include "base/arena.h"
#include "tmpdb.h"

/* What the trace function saw. */
struct seen {
	int n;
	char sql[8][256];
	char params[8][256];
	long long usec[8];
	long long rows[8];
	fl_err err[8];
};

static void record(void *ud, const fl_db_trace_record *r)
{
	struct seen *s = ud;
	assert_true(s->n < 8);
	assert_int_equal(strlen(r->params), r->params_len);
	snprintf(s->sql[s->n], sizeof s->sql[0], "%s", r->sql);
	snprintf(s->params[s->n], sizeof s->params[0], "%s", r->params);
	s->usec[s->n] = r->usec;
	s->rows[s->n] = r->rows;
	s->err[s->n] = r->err;
	s->n++;
}

static int setup(void **state)
{
	struct tmpdb *f = tmpdb_new("trace");
	assert_int_equal(fl_db_exec_script(f->db,
		"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"), FL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static void test_query_and_execute(void **state)
{
	struct tmpdb *f = *state;
	struct seen s = {0};
	fl_db_set_trace(f->db, record, &s);
	int changes = 0;
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name) VALUES (?)",
		json_pack("[s]", "alice"), NULL, &changes), FL_OK);
	assert_int_equal(changes, 1);
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name) VALUES (?)",
		json_pack("[s]", "bob"), NULL, NULL), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	json_t *rows;
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM t WHERE id > ? AND name != ?",
		json_pack("[i,s]", 0, "x\"y"), &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 2);
	/* COMMIT is transaction control: not traced */
	assert_int_equal(s.n, 3);
	assert_string_equal(s.sql[0], "INSERT INTO t (name) VALUES (?)");
	assert_string_equal(s.params[0], "[\"alice\"]");
	assert_int_equal(s.rows[0], 1);
	assert_string_equal(s.params[1], "[\"bob\"]");
	assert_string_equal(s.sql[2], "SELECT * FROM t WHERE id > ? AND name != ?");
	assert_string_equal(s.params[2], "[0,\"x\\\"y\"]");
	assert_int_equal(s.rows[2], 2);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s.err[i], FL_OK);
		assert_true(s.usec[i] >= 0 && s.usec[i] < 10 * 1000 * 1000);
	}
}

static void test_failure_and_script(void **state)
{
	struct tmpdb *f = *state;
	struct seen s = {0};
	fl_db_set_trace(f->db, record, &s);
	json_t *rows;
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM missing", NULL, &rows), FL_ENOTABLE);
	assert_int_equal(fl_db_exec_script(f->db, "CREATE TABLE u (x);\n  DROP TABLE u;"), FL_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.sql[0], "SELECT * FROM missing");
	assert_string_equal(s.params[0], "[]");
	assert_int_equal(s.err[0], FL_ENOTABLE);
	assert_int_equal(s.rows[0], -1);
	assert_string_equal(s.sql[1], "CREATE TABLE u (x);");
	assert_string_equal(s.sql[2], "DROP TABLE u;");   /* leading whitespace skipped */
	assert_int_equal(s.rows[2], -1);
}

static void test_bytes_and_long_params(void **state)
{
	struct tmpdb *f = *state;
	struct seen s = {0};
	fl_db_set_trace(f->db, record, &s);
	json_t *rows;
	json_t *blob = fl_db_blob(json_string("ab"));
	assert_int_equal(fl_db_query(f->db, "SELECT ? AS a, ? AS b",
		json_pack("[i,o]", 1, blob), &rows), FL_OK);
	assert_string_equal(s.params[0], "[2 values, bytes among them]");
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(fl_db_query(f->db, "SELECT ? AS a", json_pack("[s]", big), &rows), FL_OK);
	assert_int_equal(strncmp(s.params[1], "[... ", 5), 0);
}

static void test_off_and_with_echo(void **state)
{
	struct tmpdb *f = *state;
	struct seen s = {0};
	json_t *rows;
	fl_db_set_trace(f->db, record, &s);
	fl_db_set_trace(f->db, NULL, &s);
	assert_int_equal(fl_db_query(f->db, "SELECT 1 AS one", NULL, &rows), FL_OK);
	assert_int_equal(s.n, 0);
	/* echo and trace together: the statement runs once, both see it */
	uint64_t before = fl_db_statement_count(f->db);
	fl_db_set_echo(f->db, true);
	fl_db_set_trace(f->db, record, &s);
	assert_int_equal(fl_db_query(f->db, "SELECT 1 AS one", NULL, &rows), FL_OK);
	fl_db_set_echo(f->db, false);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rows[0], 1);
	assert_int_equal(fl_db_statement_count(f->db), before + 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "one")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_query_and_execute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_and_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes_and_long_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_off_and_with_echo, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
