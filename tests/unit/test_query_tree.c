/* test_query_tree.c — condition trees and the issue-17 operators
 * (between, notin_, notlike, ilike, contains/startswith/endswith with
 * autoescape), aggregates with group_by/having, and their SQL text,
 * checked against SQLAlchemy 1.4 run on the same SQLite file
 * (tests/unit/oracle/query_oracle.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/dialect.h"
#include "data/model.h"
#include "data/query.h"
#include "tmpdb.h"

static const fl_column student_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("s_name", 32, FL_NOT_NULL),
	FL_COLUMN_INTEGER("s_age"),
	FL_COLUMN_FLOAT("s_score"),
	FL_COLUMN_END
};
static const fl_model Student = { .name = "Student", .tablename = "student",
	.columns = student_columns };
static const fl_model *const models[] = { &Student, NULL };

/* name, age, score (-1: null) */
static const struct { const char *name; int age; double score; } seed_rows[] = {
	{ "50%_off", 18, 40 }, { "50 percent off", 20, 60 }, { "a/b", 17, 10 }, { "A_B", 18, 95 },
	{ "ÉCOLE", 21, -1 }, { "école", 19, 70 }, { "amy", 20, 88.5 }, { "Bob", 22, 51 },
	{ "bobby", 18, 50 },
};

static int setup(void **state)
{
	struct tmpdb *t = tmpdb_new("query_tree");
	assert_int_equal(fl_create_all(t->db, t->arena, models), FL_OK);
	for (size_t i = 0; i < sizeof seed_rows / sizeof *seed_rows; i++) {
		json_t *row = json_pack("{s:s, s:i}", "s_name", seed_rows[i].name, "s_age",
			seed_rows[i].age);
		if (seed_rows[i].score >= 0)
			json_object_set_new(row, "s_score", json_real(seed_rows[i].score));
		assert_int_equal(fl_db_add(t->db, &Student, row), FL_OK);
	}
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

/* SQLAlchemy's answers for this database, read once per test. */
static json_t *oracle(struct tmpdb *t)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/unit/oracle/query_oracle.py '%s'",
		t->dbpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	json_t *out = json_loadf(p, 0, NULL);
	assert_int_equal(pclose(p), 0);
	assert_non_null(out);
	return out;
}

/* The ids `q` returns, ordered by id, as a JSON array. */
static json_t *ids(fl_query *q)
{
	json_t *rows, *out = json_array(), *row;
	size_t i;
	fl_query_order_by(q, "id", false);
	fl_err err = fl_query_all(q, &rows);
	if (err)
		fail_msg("query failed: %s", fl_strerror(err));
	json_array_foreach(rows, i, row)
		json_array_append(out, json_object_get(row, "id"));
	return out;
}

static void expect_same(json_t *want, const char *name, json_t *got)
{
	json_t *w = json_object_get(want, name);
	assert_non_null(w);
	if (!json_equal(w, got))
		fail_msg("%s: SQLAlchemy %s, Flagon %s", name, json_dumps(w, JSON_COMPACT),
			json_dumps(got, JSON_COMPACT));
}

static fl_query *Q(struct tmpdb *t)
{
	return fl_query_new(t->db, t->arena, &Student);
}

static json_t *filtered(struct tmpdb *t, const char *col, fl_op op, json_t *v)
{
	return ids(fl_query_filter(Q(t), col, op, v));
}

static void test_operators_match_sqlalchemy(void **state)
{
	struct tmpdb *t = *state;
	json_t *want = oracle(t);
	expect_same(want, "contains", filtered(t, "s_name", FL_OP_CONTAINS, json_string("50%_off")));
	expect_same(want, "startswith", filtered(t, "s_name", FL_OP_STARTSWITH, json_string("a/")));
	expect_same(want, "endswith", filtered(t, "s_name", FL_OP_ENDSWITH, json_string("_b")));
	expect_same(want, "contains_pct", filtered(t, "s_name", FL_OP_CONTAINS, json_string("%")));
	expect_same(want, "ilike", filtered(t, "s_name", FL_OP_ILIKE, json_string("%école%")));
	expect_same(want, "ilike_ascii", filtered(t, "s_name", FL_OP_ILIKE, json_string("BOB")));
	expect_same(want, "notilike", filtered(t, "s_name", FL_OP_NOT_ILIKE, json_string("%o%")));
	expect_same(want, "notlike", filtered(t, "s_name", FL_OP_NOT_LIKE, json_string("%o%")));
	expect_same(want, "between", filtered(t, "s_age", FL_OP_BETWEEN, json_pack("[i,i]", 18, 20)));
	expect_same(want, "in_empty", filtered(t, "s_age", FL_OP_IN, json_array()));
	expect_same(want, "notin_empty", filtered(t, "s_age", FL_OP_NOT_IN, json_array()));
	expect_same(want, "notin", filtered(t, "s_age", FL_OP_NOT_IN, json_pack("[i,i]", 18, 20)));
	/* the contains case really is one row: "50 percent off" is not matched by '_' or '%' */
	assert_int_equal(json_array_size(filtered(t, "s_name", FL_OP_CONTAINS,
		json_string("50%_off"))), 1);

	fl_query *q = Q(t);
	fl_query_where(q, fl_or(q,
		fl_and(q, fl_col(q, "s_age", FL_OP_GE, json_integer(18)),
			fl_col(q, "s_name", FL_OP_STARTSWITH, json_string("a"))),
		fl_not(q, fl_col(q, "s_score", FL_OP_BETWEEN, json_pack("[i,i]", 0, 50)))));
	expect_same(want, "tree", ids(q));

	q = Q(t);
	fl_query_where(q, fl_and(q,
		fl_or(q, fl_col(q, "s_age", FL_OP_LT, json_integer(18)),
			fl_col(q, "s_age", FL_OP_GT, json_integer(20))),
		fl_not(q, fl_or(q, fl_col(q, "s_name", FL_OP_EQ, json_string("Bob")),
			fl_col(q, "s_score", FL_OP_EQ, json_null())))));
	expect_same(want, "deep", ids(q));
}

static void test_group_by_having_aggregates(void **state)
{
	struct tmpdb *t = *state;
	json_t *want = oracle(t), *rows, *row, *got = json_array();
	size_t i;
	/* query(Student.s_age, func.count(Student.id)).group_by(Student.s_age)
	 *     .having(func.count(Student.id) > 1) */
	fl_query *q = Q(t);
	fl_query_select(q, FL_FUNC_NONE, "s_age", NULL);
	fl_query_select(q, FL_FUNC_COUNT, "id", "n");
	fl_query_group_by(q, "s_age");
	fl_query_having(q, fl_func_col(q, FL_FUNC_COUNT, "id", FL_OP_GT, json_integer(1)));
	assert_string_equal(fl_query_sql(q), "SELECT \"s_age\" AS \"s_age\", count(\"id\") AS \"n\" "
		"FROM \"student\" GROUP BY \"s_age\" HAVING (count(\"id\") > ?) ORDER BY \"s_age\"");
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	json_array_foreach(rows, i, row)
		json_array_append_new(got, json_pack("[O,O]", json_object_get(row, "s_age"),
			json_object_get(row, "n")));
	expect_same(want, "group_having", got);

	/* sum of integers is an integer, avg a real, min of a Float a real */
	q = Q(t);
	fl_query_select(q, FL_FUNC_SUM, "s_age", NULL);
	fl_query_select(q, FL_FUNC_AVG, "s_age", NULL);
	fl_query_select(q, FL_FUNC_MIN, "s_score", NULL);
	fl_query_select(q, FL_FUNC_MAX, "s_name", NULL);
	fl_query_select(q, FL_FUNC_COUNT, NULL, NULL);
	assert_int_equal(fl_query_one(q, &row), FL_OK);
	json_t *mine = json_pack("[O,O,O,O,O]", json_object_get(row, "sum_s_age"),
		json_object_get(row, "avg_s_age"), json_object_get(row, "min_s_score"),
		json_object_get(row, "max_s_name"), json_object_get(row, "count"));
	expect_same(want, "aggregates", mine);
	json_t *w = json_object_get(want, "aggregates");
	assert_true(json_is_integer(json_array_get(w, 0)) && json_is_integer(json_array_get(mine, 0)));
	assert_true(json_is_real(json_array_get(w, 1)) && json_is_real(json_array_get(mine, 1)));
	assert_true(json_is_real(json_array_get(mine, 2)));

	/* scalar(): the first selected entity */
	json_t *v;
	q = Q(t);
	fl_query_select(q, FL_FUNC_MAX, "s_age", NULL);
	assert_int_equal(fl_query_scalar(q, &v), FL_OK);
	assert_int_equal(json_integer_value(v), 22);

	/* group_by's old contract, now with several columns */
	q = Q(t);
	fl_query_group_by(fl_query_group_by(q, "s_age"), "s_name");
	fl_query_filter(q, "s_age", FL_OP_EQ, json_integer(22));
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 1);
	row = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(row, "s_name")), "Bob");
	assert_int_equal(json_integer_value(json_object_get(row, "count")), 1);
}

static void test_sql_text(void **state)
{
	struct tmpdb *t = *state;
	/* existing shapes keep their text (statement cache, tests) */
	fl_query *q = fl_query_filter(Q(t), "s_age", FL_OP_IN, json_pack("[i]", 1));
	fl_query_filter_by(q, "s_name", json_string("x"));
	fl_query_order_by(q, "id", true);
	fl_query_limit(q, 3);
	assert_string_equal(fl_query_sql(q), "SELECT \"id\", \"s_name\", \"s_age\", \"s_score\" "
		"FROM \"student\" WHERE (\"s_age\" IN (SELECT value FROM json_each(?))) AND "
		"(\"s_name\" = ?) ORDER BY \"id\" DESC LIMIT ? OFFSET ?");
	q = Q(t);
	fl_cond or2[] = { { "s_age", FL_OP_LT, json_integer(1) }, { "s_name", FL_OP_IS_NULL, NULL } };
	fl_query_filter_or(fl_query_filter_or(q, or2, 2), NULL, 0);
	fl_query_group_by(q, "s_age");
	assert_string_equal(fl_query_sql(q), "SELECT \"s_age\", count(*) AS \"count\" FROM "
		"\"student\" WHERE (\"s_age\" < ? OR \"s_name\" IS NULL) AND (0) GROUP BY \"s_age\" "
		"ORDER BY \"s_age\"");
	/* the new operators: values bound, wildcards in the bound value */
	q = Q(t);
	fl_query_where(q, fl_not(q, fl_or(q,
		fl_col(q, "s_name", FL_OP_CONTAINS, json_string("x'; --")),
		fl_col(q, "s_name", FL_OP_ILIKE, json_string("a")),
		fl_and(q, fl_col(q, "s_age", FL_OP_BETWEEN, json_pack("[i,i]", 1, 2)),
			fl_col(q, "s_age", FL_OP_NOT_IN, json_array())))));
	fl_query_distinct(q);
	assert_string_equal(fl_query_sql(q), "SELECT DISTINCT \"id\", \"s_name\", \"s_age\", "
		"\"s_score\" FROM \"student\" WHERE (NOT (\"s_name\" LIKE ? ESCAPE '/' OR "
		"lower(\"s_name\") LIKE lower(?) OR (\"s_age\" BETWEEN ? AND ? AND \"s_age\" NOT IN "
		"(SELECT value FROM json_each(?)))))");
	/* and_()/or_() of nothing */
	q = Q(t);
	fl_query_where(fl_query_where(q, fl_and_n(q, 0, NULL)), fl_or_n(q, 0, NULL));
	assert_string_equal(strstr(fl_query_sql(q), "WHERE"), "WHERE (1) AND (0)");
	long n;
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 0);
	/* a failed query has no SQL */
	assert_null(fl_query_sql(fl_query_filter_by(Q(t), "nope", NULL)));
}

/* PostgreSQL-style placeholders through a dialect's param_style. */
static void test_dialect_numbering(void **state)
{
	struct tmpdb *t = *state;
	fl_dialect pg = fl_dialect_sqlite;
	pg.param_style = FL_PARAM_NUMERIC;
	assert_string_equal(fl_dialect_finish(&pg, t->arena,
		"SELECT \"a?\" FROM t WHERE x = ? AND y LIKE ? ESCAPE '?' LIMIT ? OFFSET ?"),
		"SELECT \"a?\" FROM t WHERE x = $1 AND y LIKE $2 ESCAPE '?' LIMIT $3 OFFSET $4");
	const char *s = "SELECT ?";
	assert_ptr_equal(fl_dialect_finish(&fl_dialect_sqlite, t->arena, s), s);
	assert_ptr_equal(fl_db_dialect(t->db), &fl_dialect_sqlite);
	assert_string_equal(fl_db_dialect(t->db)->name, "sqlite");
}

static void test_tree_errors(void **state)
{
	struct tmpdb *t = *state;
	json_t *rows;
	/* an unknown column deep in a tree: the first error, its column named */
	fl_query *q = Q(t);
	fl_query_where(q, fl_or(q, fl_col(q, "s_age", FL_OP_EQ, json_integer(1)),
		fl_and(q, fl_not(q, fl_col(q, "nope", FL_OP_EQ, json_integer(1))),
			fl_col(q, "also_bad", FL_OP_EQ, json_integer(1)))));
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "nope");
	/* values an operator cannot take */
	static const struct { fl_op op; const char *json; } bad[] = {
		{ FL_OP_BETWEEN, "[1]" }, { FL_OP_BETWEEN, "[1,2,3]" }, { FL_OP_BETWEEN, "[1,[2]]" },
		{ FL_OP_BETWEEN, "1" }, { FL_OP_NOT_IN, "1" }, { FL_OP_NOT_IN, "[{}]" },
		{ FL_OP_CONTAINS, "1" }, { FL_OP_ILIKE, "null" }, { FL_OP_STARTSWITH, "[]" },
		{ FL_OP_GT, "[1]" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		q = Q(t);
		fl_query_where(q, fl_col(q, "s_age", bad[i].op, json_loads(bad[i].json,
			JSON_DECODE_ANY, NULL)));
		assert_int_equal(fl_query_error(q), FL_EINVAL);
		assert_string_equal(fl_db_error_column(t->db), "s_age");
	}
	/* NULL parts, foreign clauses, aggregates in filter, having without group_by */
	q = Q(t);
	assert_ptr_equal(fl_query_where(q, NULL), q);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	q = Q(t);
	fl_query_where(q, fl_and(q, fl_col(q, "id", FL_OP_EQ, json_integer(1)), NULL));
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	fl_query *other = Q(t);
	q = Q(t);
	fl_query_where(q, fl_col(other, "id", FL_OP_EQ, json_integer(1)));
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	q = Q(t);
	fl_query_where(q, fl_func_col(q, FL_FUNC_COUNT, NULL, FL_OP_GT, json_integer(1)));
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	q = Q(t);
	fl_query_having(q, fl_func_col(q, FL_FUNC_COUNT, NULL, FL_OP_GT, json_integer(1)));
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	q = Q(t);
	fl_query_select(q, FL_FUNC_SUM, NULL, NULL);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	q = Q(t);
	fl_query_select(q, FL_FUNC_COUNT, "id", "n\"; DROP TABLE student; --");
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	q = Q(t);
	fl_query_select(q, FL_FUNC_NONE, "student.nope", NULL);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "nope");
	/* builders on the invalid query stay harmless */
	assert_non_null(fl_col(NULL, "id", FL_OP_EQ, NULL));
	assert_non_null(fl_not(NULL, NULL));
	assert_int_equal(fl_query_error(fl_query_where(NULL, NULL)), FL_EINVAL);
}

static void test_one_scalar_exists(void **state)
{
	struct tmpdb *t = *state;
	json_t *row, *v;
	bool ex;
	assert_int_equal(fl_query_one(fl_query_filter_by(Q(t), "s_name", json_string("amy")), &row),
		FL_OK);
	assert_int_equal(json_integer_value(json_object_get(row, "s_age")), 20);
	assert_int_equal(fl_query_one(fl_query_filter_by(Q(t), "s_name", json_string("zed")), &row),
		FL_ENOTFOUND);
	assert_null(row);
	assert_int_equal(fl_query_one(fl_query_filter_by(Q(t), "s_age", json_integer(20)), &row),
		FL_EMULTIPLE);
	assert_null(row);
	assert_string_equal(fl_strerror(FL_EMULTIPLE), "multiple rows found");
	assert_int_equal(fl_query_one_or_none(fl_query_filter_by(Q(t), "s_age", json_integer(99)),
		&row), FL_OK);
	assert_null(row);
	assert_int_equal(fl_query_one_or_none(fl_query_filter_by(Q(t), "s_age", json_integer(18)),
		&row), FL_EMULTIPLE);
	/* one() of a limited query: limit(1) makes it one */
	assert_int_equal(fl_query_one(fl_query_limit(fl_query_filter_by(Q(t), "s_age",
		json_integer(18)), 1), &row), FL_OK);
	assert_int_equal(fl_query_scalar(fl_query_filter_by(Q(t), "s_name", json_string("zed")),
		&v), FL_OK);
	assert_null(v);
	assert_int_equal(fl_query_scalar(fl_query_filter_by(Q(t), "s_name", json_string("Bob")),
		&v), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(v, "s_age")), 22);   /* the row */
	assert_int_equal(fl_query_exists(fl_query_filter_by(Q(t), "s_age", json_integer(22)), &ex),
		FL_OK);
	assert_true(ex);
	assert_int_equal(fl_query_exists(fl_query_filter_by(Q(t), "s_age", json_integer(99)), &ex),
		FL_OK);
	assert_false(ex);
	assert_int_equal(fl_query_exists(fl_query_filter_by(Q(t), "bad", NULL), &ex), FL_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_operators_match_sqlalchemy),
		T(test_group_by_having_aggregates),
		T(test_sql_text),
		T(test_dialect_numbering),
		T(test_tree_errors),
		T(test_one_scalar_exists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
