/* test_db.c — the connection: pragmas, binding, statement cache, error
 * mapping, transactions, statement counter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "data/db.h"
#include "data/driver_internal.h"
#include "base/arena.h"
#include "tmpdb.h"

static int setup(void **state)
{
	struct tmpdb *f = tmpdb_new("db");
	assert_int_equal(fl_db_exec_script(f->db,
		"CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(64) UNIQUE NOT NULL, n INTEGER, r REAL);"
		"CREATE TABLE child (id INTEGER PRIMARY KEY, t_id INTEGER NOT NULL REFERENCES t(id));"),
		FL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static json_t *one(fl_db *db, const char *sql, json_t *params)
{
	json_t *rows;
	assert_int_equal(fl_db_query(db, sql, params, &rows), FL_OK);
	return json_array_get(rows, 0);
}

static long long count_rows(fl_db *db, const char *table)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM %s", table);
	return json_integer_value(json_object_get(one(db, sql, NULL), "n"));
}

static void test_pragmas(void **state)
{
	struct tmpdb *f = *state;
	assert_string_equal(json_string_value(json_object_get(one(f->db, "PRAGMA journal_mode", NULL),
		"journal_mode")), "wal");
	assert_int_equal(json_integer_value(json_object_get(one(f->db, "PRAGMA foreign_keys", NULL),
		"foreign_keys")), 1);
	assert_int_equal(json_integer_value(json_object_get(one(f->db, "PRAGMA busy_timeout", NULL),
		"timeout")), FL_DB_BUSY_TIMEOUT_MS);
	assert_int_equal(json_integer_value(json_object_get(one(f->db, "PRAGMA synchronous", NULL),
		"synchronous")), 1);
}

static void test_open_missing_dir(void **state)
{
	fl_db *db;
	assert_int_equal(fl_db_open("/nonexistent-flagon-dir/x/data.sqlite", &db), FL_EIO);
	assert_non_null(strstr(fl_db_errmsg(db), "/nonexistent-flagon-dir/x"));
	assert_non_null(strstr(fl_db_errmsg(db), "does not exist"));
	fl_db_close(db);
}

/* A new database opened by many processes at once (every FastCGI process
 * of a fresh deployment starts together): each one switches it to WAL,
 * and SQLite answers the losers SQLITE_BUSY without waiting.  Every open
 * must still succeed. */
static void test_concurrent_first_open(void **state)
{
	char dir[] = "/tmp/flagon-test-db-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int failures = 0;
	for (int round = 0; round < 10; round++) {
		char path[128];
		snprintf(path, sizeof path, "%s/new-%d.sqlite", dir, round);
		int go[2];
		assert_int_equal(pipe(go), 0);
		for (int i = 0; i < 12; i++) {
			pid_t pid = fork();
			assert_true(pid >= 0);
			if (pid == 0) {
				char c;
				close(go[1]);
				if (read(go[0], &c, 1) < 0)
					_exit(2);
				fl_db *db;
				_exit(fl_db_open(path, &db) == FL_OK ? 0 : 1);
			}
		}
		close(go[0]);
		usleep(20000);         /* every child waits at the pipe */
		close(go[1]);          /* ... and all go at once */
		int st;
		while (wait(&st) > 0)
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				failures++;
		unlink(path);
		char side[160];
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
	rmdir(dir);
	assert_int_equal(failures, 0);
}

static void test_bind_types_roundtrip(void **state)
{
	struct tmpdb *f = *state;
	const char *evil = "Robert'); DROP TABLE t;-- \"quoted\" \\ ?1 %s 小明";
	json_t *p = json_pack("[s, I, f]", evil, (json_int_t)9007199254740993LL, 2.5);
	int64_t id = 0;
	int changes = 0;
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name, n, r) VALUES (?, ?, ?)", p,
		&id, &changes), FL_OK);
	assert_int_equal(id, 1);
	assert_int_equal(changes, 1);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	json_t *row = one(f->db, "SELECT * FROM t WHERE name = ?", json_pack("[s]", evil));
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "name")), evil);
	assert_true(json_is_integer(json_object_get(row, "n")));
	assert_true(json_integer_value(json_object_get(row, "n")) == 9007199254740993LL);
	assert_true(json_is_real(json_object_get(row, "r")));
	assert_true(json_real_value(json_object_get(row, "r")) == 2.5);
	/* booleans bind as 1/0; null as NULL */
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name, n, r) VALUES (?, ?, ?)",
		json_pack("[s, b, n]", "b", 1), NULL, NULL), FL_OK);
	row = one(f->db, "SELECT n, r FROM t WHERE name = 'b'", NULL);
	assert_int_equal(json_integer_value(json_object_get(row, "n")), 1);
	assert_true(json_is_null(json_object_get(row, "r")));
	assert_int_equal(count_rows(f->db, "t"), 2);   /* the table survived */
	fl_db_rollback(f->db);
}

static void test_bad_params(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM t WHERE id = ?", json_pack("[[i]]", 1),
		&rows), FL_EINVAL);
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM t WHERE id = ?", json_pack("[]"), &rows),
		FL_EINVAL);
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM t WHERE id = ?", json_pack("{}"), &rows),
		FL_EINVAL);
	assert_int_equal(fl_db_query(f->db, "SELECT 1; SELECT 2", NULL, &rows), FL_EINVAL);
	assert_null(rows);
	assert_int_equal(fl_db_query(f->db, "SELEC 1", NULL, &rows), FL_EDB);
	assert_non_null(strstr(fl_db_errmsg(f->db), "syntax error"));
}

static void test_unique_maps_to_eexists(void **state)
{
	struct tmpdb *f = *state;
	const char *ins = "INSERT INTO t (name) VALUES (?)";
	assert_int_equal(fl_db_execute(f->db, ins, json_pack("[s]", "a"), NULL, NULL), FL_OK);
	assert_int_equal(fl_db_execute(f->db, ins, json_pack("[s]", "a"), NULL, NULL), FL_EEXISTS);
	assert_string_equal(fl_db_error_table(f->db), "t");
	assert_string_equal(fl_db_error_column(f->db), "name");
	assert_non_null(strstr(fl_db_errmsg(f->db), "UNIQUE constraint failed"));
	/* primary key too */
	assert_int_equal(fl_db_rollback(f->db), FL_OK);
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (id, name) VALUES (5, 'x')", NULL, NULL,
		NULL), FL_OK);
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (id, name) VALUES (5, 'y')", NULL, NULL,
		NULL), FL_EEXISTS);
	fl_db_rollback(f->db);
}

static void test_other_constraints(void **state)
{
	struct tmpdb *f = *state;
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name) VALUES (NULL)", NULL, NULL, NULL),
		FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_column(f->db), "name");
	fl_db_rollback(f->db);
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO child (t_id) VALUES (42)", NULL, NULL, NULL),
		FL_ECONSTRAINT);
	assert_non_null(strstr(fl_db_errmsg(f->db), "FOREIGN KEY"));
	fl_db_rollback(f->db);
}

static void test_missing_table(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM student", NULL, &rows), FL_ENOTABLE);
	assert_string_equal(fl_db_error_table(f->db), "student");
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO main.course (x) VALUES (1)", NULL, NULL,
		NULL), FL_ENOTABLE);
	assert_string_equal(fl_db_error_table(f->db), "course");
	fl_db_rollback(f->db);
}

static void test_failed_write_poisons_transaction(void **state)
{
	struct tmpdb *f = *state;
	const char *ins = "INSERT INTO t (name) VALUES (?)";
	assert_false(fl_db_in_transaction(f->db));
	assert_int_equal(fl_db_execute(f->db, ins, json_pack("[s]", "one"), NULL, NULL), FL_OK);
	assert_true(fl_db_in_transaction(f->db));
	assert_int_equal(fl_db_execute(f->db, ins, json_pack("[s]", "one"), NULL, NULL), FL_EEXISTS);
	/* further writes are refused, commit rolls everything back */
	assert_int_equal(fl_db_execute(f->db, ins, json_pack("[s]", "two"), NULL, NULL), FL_EEXISTS);
	assert_non_null(strstr(fl_db_errmsg(f->db), "rolled back"));
	assert_int_equal(fl_db_commit(f->db), FL_EEXISTS);
	assert_false(fl_db_in_transaction(f->db));
	assert_int_equal(count_rows(f->db, "t"), 0);
	/* and the connection is usable again */
	assert_int_equal(fl_db_execute(f->db, ins, json_pack("[s]", "three"), NULL, NULL), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(count_rows(f->db, "t"), 1);
}

static void test_rollback(void **state)
{
	struct tmpdb *f = *state;
	assert_int_equal(fl_db_commit(f->db), FL_OK);   /* no transaction: no-op */
	assert_int_equal(fl_db_rollback(f->db), FL_OK);
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name) VALUES ('x')", NULL, NULL, NULL),
		FL_OK);
	assert_int_equal(fl_db_rollback(f->db), FL_OK);
	assert_int_equal(count_rows(f->db, "t"), 0);
	assert_int_equal(fl_db_begin(f->db), FL_OK);
	assert_int_equal(fl_db_begin(f->db), FL_OK);  /* nested begin: no-op */
	assert_true(fl_db_in_transaction(f->db));
	fl_db_rollback(f->db);
}

static void test_busy(void **state)
{
	struct tmpdb *f = *state;
	fl_db *other;
	assert_int_equal(fl_db_open(f->dbpath, &other), FL_OK);
	assert_int_equal(fl_db_begin(other), FL_OK);      /* holds the write lock */
	sqlite3_busy_timeout(fl_db_sqlite_handle(f->db), 20);    /* keep the test short */
	assert_int_equal(fl_db_execute(f->db, "INSERT INTO t (name) VALUES ('x')", NULL, NULL, NULL),
		FL_EBUSY);
	assert_false(fl_db_in_transaction(f->db));
	json_t *rows;   /* WAL: readers are not blocked by the writer */
	assert_int_equal(fl_db_query(f->db, "SELECT * FROM t", NULL, &rows), FL_OK);
	fl_db_rollback(other);
	fl_db_close(other);
	sqlite3_busy_timeout(fl_db_sqlite_handle(f->db), FL_DB_BUSY_TIMEOUT_MS);
}

static int count_prepared(fl_db *db)
{
	int n = 0;
	for (sqlite3_stmt *s = sqlite3_next_stmt(fl_db_sqlite_handle(db), NULL); s;
	     s = sqlite3_next_stmt(fl_db_sqlite_handle(db), s))
		n++;
	return n;
}

static void test_statement_cache(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	int before = count_prepared(f->db);
	for (int i = 0; i < 10; i++)
		assert_int_equal(fl_db_query(f->db, "SELECT ? AS v", json_pack("[i]", i), &rows), FL_OK);
	assert_int_equal(count_prepared(f->db), before + 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "v")), 9);
	/* bounded: many distinct statements never exceed the cache size */
	for (int i = 0; i < 3 * FL_DB_STMT_CACHE_SIZE; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d AS v", i);
		assert_int_equal(fl_db_query(f->db, sql, NULL, &rows), FL_OK);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "v")), i);
	}
	assert_true(count_prepared(f->db) <= FL_DB_STMT_CACHE_SIZE);
	/* cached statements do not keep a read transaction open */
	assert_false(fl_db_in_transaction(f->db));
}

static void test_statement_count(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	uint64_t n0 = fl_db_statement_count(f->db);
	fl_db_query(f->db, "SELECT 1", NULL, &rows);
	fl_db_execute(f->db, "INSERT INTO t (name) VALUES ('c')", NULL, NULL, NULL);
	fl_db_commit(f->db);
	fl_db_exec_script(f->db, "SELECT 1; SELECT 2;");
	assert_int_equal(fl_db_statement_count(f->db) - n0, 4);
}

static void test_exec_script(void **state)
{
	struct tmpdb *f = *state;
	assert_int_equal(fl_db_exec_script(f->db, "-- nothing\n  \n"), FL_OK);
	assert_int_equal(fl_db_exec_script(f->db,
		"CREATE TABLE s1 (x INTEGER); /* c */ INSERT INTO s1 VALUES (1); -- end\n"), FL_OK);
	assert_int_equal(count_rows(f->db, "s1"), 1);
	assert_int_equal(fl_db_exec_script(f->db, "INSERT INTO s1 VALUES (2); INSERT INTO nope VALUES (1);"),
		FL_ENOTABLE);
	assert_string_equal(fl_db_error_table(f->db), "nope");
	/* inside a transaction a script cannot commit it */
	assert_int_equal(fl_db_begin(f->db), FL_OK);
	assert_int_equal(fl_db_exec_script(f->db, "INSERT INTO s1 VALUES (3);\n  commit;"), FL_EINVAL);
	assert_true(fl_db_in_transaction(f->db));
	assert_int_equal(fl_db_commit(f->db), FL_EINVAL);   /* poisoned: all rolled back */
	assert_int_equal(count_rows(f->db, "s1"), 2);
}

static void test_utf8_text_required(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	assert_int_equal(fl_db_query(f->db, "SELECT CAST(x'ff00fe' AS TEXT) AS v", NULL, &rows),
		FL_EUTF8);
	assert_string_equal(fl_db_error_column(f->db), "v");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
		cmocka_unit_test(test_open_missing_dir),
		cmocka_unit_test(test_concurrent_first_open),
		cmocka_unit_test_setup_teardown(test_bind_types_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_maps_to_eexists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_constraints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_poisons_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_text_required, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
