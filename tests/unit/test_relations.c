/* test_relations.c — group_by, pagination and relationship loading over
 * the Flasky models (app/models.c): eager loading costs one statement per
 * relationship level whatever the number of rows (no N+1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/row.h"
#include "data/db.h"
#include "data/model.h"
#include "app/models.h"
#include "data/query.h"
#include "tmpdb.h"

static long seeded_users;   /* how many users seed() made for the running test */

static void add(struct tmpdb *f, const fl_model *m, json_t *row)
{
	if (fl_db_add(f->db, m, row))
		fail_msg("add %s: %s", m->tablename, fl_db_errmsg(f->db));
}

/* Roles 1..3 hold user i at role i%3+1 and role 4 ("Empty") none; users
 * with i%10 == 0 have no ident and one ident ("orphan") has no user; user
 * i writes i%4 articles (the second one deleted); student s takes course
 * c when (s+c) is even, and course 5 has no students. */
static void seed(struct tmpdb *f, long n)
{
	const char *roles[] = { "Admin", "Moderator", "User", "Empty" };
	for (int i = 0; i < 4; i++)
		add(f, &Role, json_pack("{s:s}", "name", roles[i]));
	add(f, &Ident, json_pack("{s:s}", "address", "orphan"));
	for (long i = 1; i <= n; i++) {
		char name[32];
		snprintf(name, sizeof name, "user%03ld", i);
		json_t *u = json_pack("{s:s,s:i}", "username", name, "role_id", (int)(i % 3 + 1));
		if (i % 10) {
			json_t *ident = json_pack("{s:s}", "address", name);
			add(f, &Ident, ident);
			json_object_set(u, "ident_id", json_object_get(ident, "id"));
		}
		add(f, &User, u);
		for (long k = 0; k < i % 4; k++) {
			char when[48];
			snprintf(when, sizeof when, "2024-01-%02ld 10:00:00", k + 1);
			add(f, &Article, json_pack("{s:s,s:O,s:s,s:b}", "title", name, "user_id",
				json_object_get(u, "id"), "rdatetime", when, "isdelete", k == 1));
		}
	}
	for (int s = 1; s <= 6; s++) {
		char name[24];
		snprintf(name, sizeof name, "stu%d", s);
		add(f, &Student, json_pack("{s:s}", "s_name", name));
	}
	for (int c = 1; c <= 5; c++) {
		char name[24];
		snprintf(name, sizeof name, "course%d", c);
		add(f, &Course, json_pack("{s:s}", "cname", name));
	}
	for (int s = 1; s <= 6; s++)
		for (int c = 4; c >= 1; c--)   /* inserted backwards: order must come from order_by */
			if ((s + c) % 2 == 0)
				add(f, &StudentCourse, json_pack("{s:i,s:i}", "stu_id", s, "cou_id", c));
	assert_int_equal(fl_db_commit(f->db), FL_OK);
}

static int setup_n(void **state, long n)
{
	struct tmpdb *f = tmpdb_memory(flasky_models);
	fl_db_set_models(f->db, flasky_models);
	seeded_users = n;
	if (n)
		seed(f, n);
	*state = f;
	return 0;
}

static int setup100(void **state) { return setup_n(state, 100); }
static int setup10(void **state) { return setup_n(state, 10); }
static int setup_empty(void **state) { return setup_n(state, 0); }

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static long ival(json_t *o, const char *k) { return (long)json_integer_value(json_object_get(o, k)); }
static const char *sval(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* Comma-separated values of key `k` of each object of `arr`. */
static const char *list(struct tmpdb *f, json_t *arr, const char *k)
{
	fl_buf b;
	fl_buf_init(&b, f->arena);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		json_t *v = json_object_get(o, k);
		fl_buf_puts(&b, i ? "," : "");
		if (json_is_string(v))
			fl_buf_puts(&b, json_string_value(v));
		else
			fl_buf_printf(&b, "%lld", (long long)json_integer_value(v));
	}
	return fl_buf_cstr(&b);
}

static const char *compact(json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* All users ordered by id with `path` loaded; *cost = statements run. */
static json_t *users_with(struct tmpdb *f, const char *path, uint64_t *cost)
{
	json_t *rows;
	uint64_t c0 = fl_db_statement_count(f->db);
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	fl_query_order_by(q, "id", false);
	assert_int_equal(fl_query_error(fl_query_load(q, path)), FL_OK);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	*cost = fl_db_statement_count(f->db) - c0;
	assert_int_equal(json_array_size(rows), seeded_users);
	return rows;
}

/* ---- many-to-one through a backref: the N+1 check ---- */

static void test_user_role_two_statements(void **state)
{
	struct tmpdb *f = *state;
	uint64_t cost;
	json_t *users = users_with(f, "role", &cost);
	assert_int_equal(cost, 2);
	size_t i;
	json_t *u;
	const char *names[] = { "Admin", "Moderator", "User" };
	json_array_foreach(users, i, u) {
		json_t *role = json_object_get(u, "role");
		assert_true(json_is_object(role));
		assert_int_equal(ival(role, "id"), ival(u, "role_id"));
		assert_string_equal(sval(role, "name"), names[(i + 1) % 3]);
	}
	print_message("users=%ld load(role) statements=%llu\n", seeded_users, (unsigned long long)cost);
}

static void test_several_relationships_one_statement_each(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	uint64_t c0 = fl_db_statement_count(f->db);
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	fl_query_load(q, "role");
	fl_query_load(q, "ident");
	fl_query_load(q, "articles");
	fl_query_load(q, "articles.user");   /* "articles" reused: one more level only */
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	uint64_t cost = fl_db_statement_count(f->db) - c0;
	assert_int_equal(cost, 5);
	print_message("users=%ld load(role,ident,articles,articles.user) statements=%llu\n",
		seeded_users, (unsigned long long)cost);
}

/* fl_query_compact: the same rows, relationships and statement count as
 * plain rows; each compact row converted (fl_row_object) dumps as the
 * plain one, and reads through fl_row_get. */
static void test_compact_rows_load_relationships(void **state)
{
	struct tmpdb *f = *state;
	static const struct { const fl_model *m; const char *paths[4]; } cases[] = {
		{ &User, { "role", "ident", "articles", "articles.user" } },
		{ &Role, { "users.role" } },
		{ &Student, { "courses.students" } },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		json_t *rows[2];
		uint64_t cost[2];
		for (int k = 0; k < 2; k++) {
			uint64_t c0 = fl_db_statement_count(f->db);
			fl_query *q = fl_query_order_by(fl_query_new(f->db, f->arena, cases[c].m), "id", false);
			if (k)
				fl_query_compact(q);
			for (size_t p = 0; p < 4 && cases[c].paths[p]; p++)
				fl_query_load(q, cases[c].paths[p]);
			assert_int_equal(fl_query_all(q, &rows[k]), FL_OK);
			cost[k] = fl_db_statement_count(f->db) - c0;
		}
		assert_int_equal(cost[0], cost[1]);
		assert_int_equal(json_array_size(rows[0]), json_array_size(rows[1]));
		size_t i;
		json_t *plain;
		json_array_foreach(rows[0], i, plain) {
			json_t *row = json_array_get(rows[1], i);
			assert_true(fl_row_is_compact(row));
			assert_string_equal(compact(fl_row_object(row)), compact(plain));
			assert_true(json_equal(fl_row_get(row, "id"), json_object_get(plain, "id")));
		}
	}
}

/* ---- one-to-many and its backref ---- */

static void test_role_users_both_directions(void **state)
{
	struct tmpdb *f = *state;
	json_t *roles;
	uint64_t c0 = fl_db_statement_count(f->db);
	fl_query *q = fl_query_new(f->db, f->arena, &Role);
	fl_query_order_by(q, "id", false);
	assert_int_equal(fl_query_error(fl_query_load(q, "users.role")), FL_OK);
	assert_int_equal(fl_query_all(q, &roles), FL_OK);
	assert_int_equal(fl_db_statement_count(f->db) - c0, 3);
	assert_int_equal(json_array_size(roles), 4);
	long total = 0;
	for (size_t r = 0; r < 4; r++) {
		json_t *role = json_array_get(roles, r), *users = json_object_get(role, "users");
		assert_true(json_is_array(users));
		size_t i;
		json_t *u;
		const char *prev = "";
		json_array_foreach(users, i, u) {   /* order_by='User.username' */
			assert_true(strcmp(prev, sval(u, "username")) < 0);
			prev = sval(u, "username");
			assert_int_equal(ival(u, "role_id"), ival(role, "id"));
			assert_string_equal(sval(json_object_get(u, "role"), "name"), sval(role, "name"));
		}
		total += (long)json_array_size(users);
	}
	assert_int_equal(json_array_size(json_object_get(json_array_get(roles, 0), "users")),
		seeded_users / 3);
	assert_string_equal(compact(json_object_get(json_array_get(roles, 3), "users")), "[]");
	assert_int_equal(total, seeded_users);
}

/* ---- one-to-one: uselist=False both ways ---- */

static void test_ident_one_to_one_both_directions(void **state)
{
	struct tmpdb *f = *state;
	uint64_t cost;
	json_t *users = users_with(f, "ident", &cost), *u;
	assert_int_equal(cost, 2);
	size_t i;
	json_array_foreach(users, i, u) {
		json_t *ident = json_object_get(u, "ident");
		if ((i + 1) % 10 == 0) {
			assert_true(json_is_null(ident));
			continue;
		}
		assert_true(json_is_object(ident));
		assert_string_equal(sval(ident, "address"), sval(u, "username"));
	}
	json_t *idents;
	fl_query *q = fl_query_new(f->db, f->arena, &Ident);
	fl_query_order_by(q, "id", false);
	assert_int_equal(fl_query_error(fl_query_load(q, "user")), FL_OK);
	assert_int_equal(fl_query_all(q, &idents), FL_OK);
	json_t *orphan = json_array_get(idents, 0), *second = json_array_get(idents, 1);
	assert_string_equal(sval(orphan, "address"), "orphan");
	assert_true(json_is_null(json_object_get(orphan, "user")));      /* scalar, not [] */
	assert_true(json_is_object(json_object_get(second, "user")));
	assert_string_equal(sval(json_object_get(second, "user"), "username"), "user001");
}

/* ---- many-to-many through student_course ---- */

static void test_student_courses_both_directions(void **state)
{
	struct tmpdb *f = *state;
	json_t *students, *courses;
	uint64_t c0 = fl_db_statement_count(f->db);
	fl_query *q = fl_query_new(f->db, f->arena, &Student);
	fl_query_order_by(q, "id", false);
	assert_int_equal(fl_query_error(fl_query_load(q, "courses.students")), FL_OK);
	assert_int_equal(fl_query_all(q, &students), FL_OK);
	assert_int_equal(fl_db_statement_count(f->db) - c0, 3);
	json_t *s1 = json_array_get(students, 0), *s2 = json_array_get(students, 1);
	assert_string_equal(list(f, json_object_get(s1, "courses"), "cname"), "course1,course3");
	assert_string_equal(list(f, json_object_get(s2, "courses"), "cname"), "course2,course4");
	json_t *c1 = json_array_get(json_object_get(s1, "courses"), 0);
	assert_null(json_object_get(c1, "__fl_key"));    /* the join key is not a column */
	assert_string_equal(list(f, json_object_get(c1, "students"), "s_name"), "stu1,stu3,stu5");

	q = fl_query_new(f->db, f->arena, &Course);
	fl_query_order_by(q, "id", false);
	assert_int_equal(fl_query_error(fl_query_load(q, "students")), FL_OK);
	assert_int_equal(fl_query_all(q, &courses), FL_OK);
	assert_string_equal(list(f, json_object_get(json_array_get(courses, 1), "students"),
		"s_name"), "stu2,stu4,stu6");
	assert_string_equal(compact(json_object_get(json_array_get(courses, 4), "students")), "[]");
}

/* ---- dotted path from the many side ---- */

static void test_articles_user_dotted(void **state)
{
	struct tmpdb *f = *state;
	uint64_t cost;
	json_t *users = users_with(f, "articles.user", &cost), *u;
	assert_int_equal(cost, 3);
	size_t i;
	json_array_foreach(users, i, u) {
		json_t *arts = json_object_get(u, "articles"), *a;
		size_t k;
		assert_int_equal(json_array_size(arts), (i + 1) % 4);
		json_array_foreach(arts, k, a)
			assert_string_equal(sval(json_object_get(a, "user"), "username"), sval(u, "username"));
		if (json_array_size(arts) == 3)   /* order_by=-rdatetime */
			assert_string_equal(list(f, arts, "rdatetime"),
				"2024-01-03 10:00:00,2024-01-02 10:00:00,2024-01-01 10:00:00");
	}
	/* from Article: user (backref), then user.role */
	json_t *arts;
	uint64_t c0 = fl_db_statement_count(f->db);
	fl_query *q = fl_query_new(f->db, f->arena, &Article);
	assert_int_equal(fl_query_error(fl_query_load(q, "user.role")), FL_OK);
	assert_int_equal(fl_query_all(q, &arts), FL_OK);
	assert_int_equal(fl_db_statement_count(f->db) - c0, 3);
	json_t *a = json_array_get(arts, 0);
	assert_int_equal(ival(json_object_get(a, "user"), "id"), ival(a, "user_id"));
	assert_true(json_is_object(json_object_get(json_object_get(a, "user"), "role")));
}

/* ---- lazy='dynamic' ---- */

static void test_dynamic_articles(void **state)
{
	struct tmpdb *f = *state;
	json_t *user, *rows;
	assert_int_equal(fl_get(f->db, f->arena, &User, json_integer(3), &user), FL_OK);
	fl_query *q = fl_query_related(f->db, f->arena, &User, user, "articles");
	assert_non_null(q);
	assert_int_equal(fl_query_error(q), FL_OK);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);     /* all three, newest first */
	assert_string_equal(list(f, rows, "rdatetime"),
		"2024-01-03 10:00:00,2024-01-02 10:00:00,2024-01-01 10:00:00");
	fl_query_filter_by(q, "isdelete", json_false());
	fl_query_load(q, "user");
	uint64_t c0 = fl_db_statement_count(f->db);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_int_equal(fl_db_statement_count(f->db) - c0, 2);
	assert_string_equal(list(f, rows, "rdatetime"), "2024-01-03 10:00:00,2024-01-01 10:00:00");
	assert_string_equal(sval(json_object_get(json_array_get(rows, 0), "user"), "username"),
		"user003");
	fl_pagination p;
	assert_int_equal(fl_query_paginate(q, 2, 1, 0, &p), FL_OK);
	assert_int_equal(p.total, 2);
	assert_string_equal(list(f, p.items, "rdatetime"), "2024-01-01 10:00:00");
	long n;
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 2);
}

static void test_dynamic_other_kinds(void **state)
{
	struct tmpdb *f = *state;
	json_t *row, *rows;
	/* many-to-many, declared and backref */
	assert_int_equal(fl_get(f->db, f->arena, &Student, json_integer(2), &row), FL_OK);
	fl_query *q = fl_query_related(f->db, f->arena, &Student, row, "courses");
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(list(f, rows, "cname"), "course2,course4");
	fl_query_filter(q, "cname", FL_OP_NE, json_string("course2"));
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(list(f, rows, "cname"), "course4");
	assert_int_equal(fl_get(f->db, f->arena, &Course, json_integer(1), &row), FL_OK);
	q = fl_query_related(f->db, f->arena, &Course, row, "students");
	fl_query_order_by(q, "s_name", true);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(list(f, rows, "s_name"), "stu5,stu3,stu1");
	/* many-to-one backref and one-to-one backref */
	assert_int_equal(fl_get(f->db, f->arena, &User, json_integer(5), &row), FL_OK);
	q = fl_query_related(f->db, f->arena, &User, row, "role");
	assert_int_equal(fl_query_first(q, &row), FL_OK);
	assert_string_equal(sval(row, "name"), "User");
	assert_int_equal(fl_get(f->db, f->arena, &Ident, json_integer(2), &row), FL_OK);
	q = fl_query_related(f->db, f->arena, &Ident, row, "user");
	assert_int_equal(fl_query_first(q, &row), FL_OK);
	assert_string_equal(sval(row, "username"), "user001");
	/* a row without a key has no related rows */
	q = fl_query_related(f->db, f->arena, &User, json_object(), "articles");
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 0);
	/* unknown relationship: a query carrying the error, never NULL; its
	 * builders do nothing and no SQL runs */
	uint64_t c0 = fl_db_statement_count(f->db);
	q = fl_query_related(f->db, f->arena, &User, row, "nope");
	assert_non_null(q);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(f->db), "nope"));
	fl_query_filter_by(q, "isdelete", json_false());
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
	assert_null(rows);
	assert_non_null(strstr(fl_db_errmsg(f->db), "nope"));
	assert_int_equal(fl_query_error(fl_query_related(f->db, f->arena, &User, row, NULL)),
		FL_EINVAL);
	assert_int_equal(fl_query_error(fl_query_related(f->db, NULL, &User, row, "articles")),
		FL_EINVAL);
	assert_int_equal(fl_db_statement_count(f->db), c0);
}

/* ---- errors ---- */

static void test_load_errors(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	assert_int_equal(fl_query_error(fl_query_load(q, "nope")), FL_EINVAL);
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);   /* the chain keeps the error */
	assert_null(rows);
	const char *bad[] = { "", "role.", ".role", "role..users", "articles.nope", "role_id" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		q = fl_query_new(f->db, f->arena, &User);
		if (fl_query_error(fl_query_load(q, bad[i])) != FL_EINVAL)
			fail_msg("path \"%s\" accepted", bad[i]);
	}
	/* without registered models, backrefs cannot be found; declared ones can */
	fl_db_set_models(f->db, NULL);
	q = fl_query_new(f->db, f->arena, &User);
	assert_int_equal(fl_query_error(fl_query_load(q, "role")), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(f->db), "fl_db_set_models"));
	q = fl_query_new(f->db, f->arena, &User);
	assert_int_equal(fl_query_error(fl_query_load(q, "ident")), FL_OK);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	fl_db_set_models(f->db, flasky_models);
	assert_ptr_equal(fl_db_models(f->db), flasky_models);
}

static void test_first_and_empty_loads(void **state)
{
	struct tmpdb *f = *state;
	json_t *row, *rows;
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	fl_query_filter_by(q, "username", json_string("user004"));
	fl_query_load(q, "role");
	fl_query_load(q, "articles");
	assert_int_equal(fl_query_first(q, &row), FL_OK);
	assert_string_equal(sval(json_object_get(row, "role"), "name"), "Moderator");
	assert_string_equal(compact(json_object_get(row, "articles")), "[]");
	/* no rows: no extra statement */
	q = fl_query_new(f->db, f->arena, &User);
	fl_query_filter_by(q, "username", json_string("nobody"));
	fl_query_load(q, "role");
	uint64_t c0 = fl_db_statement_count(f->db);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_int_equal(fl_db_statement_count(f->db) - c0, 1);
	assert_int_equal(json_array_size(rows), 0);
}

/* ---- pagination ---- */

static fl_query *users_by_id(struct tmpdb *f)
{
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	fl_query_order_by(q, "id", false);
	return q;
}

static void test_paginate(void **state)
{
	struct tmpdb *f = *state;
	fl_pagination p;
	fl_query *q = users_by_id(f);
	assert_int_equal(fl_query_paginate(q, 1, 10, 0, &p), FL_OK);
	assert_int_equal(p.total, 100);
	assert_int_equal(p.pages, 10);
	assert_int_equal(json_array_size(p.items), 10);
	assert_false(p.has_prev);
	assert_true(p.has_next);
	assert_int_equal(p.prev_num, 0);
	assert_int_equal(p.next_num, 2);
	assert_int_equal(fl_query_paginate(q, 10, 10, 0, &p), FL_OK);
	assert_true(p.has_prev);
	assert_false(p.has_next);
	assert_int_equal(p.prev_num, 9);
	assert_int_equal(p.next_num, 0);
	assert_string_equal(sval(json_array_get(p.items, 0), "username"), "user091");
	/* 100 rows, 7 a page: the last page is short */
	assert_int_equal(fl_query_paginate(q, 15, 7, 0, &p), FL_OK);
	assert_int_equal(p.pages, 15);
	assert_string_equal(list(f, p.items, "id"), "99,100");
	/* the edges that answer 404 */
	assert_int_equal(fl_query_paginate(users_by_id(f), 0, 10, 0, &p), FL_ENOTFOUND);
	assert_int_equal(fl_query_paginate(users_by_id(f), -1, 10, 0, &p), FL_ENOTFOUND);
	assert_int_equal(fl_query_paginate(users_by_id(f), 11, 10, 0, &p), FL_ENOTFOUND);
	assert_int_equal(fl_query_paginate(users_by_id(f), 1, 0, 0, &p), FL_ENOTFOUND);
	assert_non_null(p.items);   /* always an array, even on error */
	/* per_page capped by max_per_page */
	assert_int_equal(fl_query_paginate(users_by_id(f), 1, 500, 20, &p), FL_OK);
	assert_int_equal(p.per_page, 20);
	assert_int_equal(p.pages, 5);
	assert_int_equal(json_array_size(p.items), 20);
	/* limit/offset set on the query are ignored by paginate and kept */
	q = users_by_id(f);
	fl_query_limit(q, 3);
	assert_int_equal(fl_query_paginate(q, 2, 50, 0, &p), FL_OK);
	assert_int_equal(p.total, 100);
	assert_int_equal(json_array_size(p.items), 50);
	json_t *rows;
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 3);
}

static void test_paginate_with_load_statements(void **state)
{
	struct tmpdb *f = *state;
	fl_pagination p;
	fl_query *q = users_by_id(f);
	fl_query_load(q, "role");
	uint64_t c0 = fl_db_statement_count(f->db);
	assert_int_equal(fl_query_paginate(q, 3, 20, 0, &p), FL_OK);
	uint64_t cost = fl_db_statement_count(f->db) - c0;
	assert_int_equal(cost, 3);   /* count + page + roles */
	assert_true(json_is_object(json_object_get(json_array_get(p.items, 19), "role")));
	print_message("paginate(per_page=20)+load(role) statements=%llu\n", (unsigned long long)cost);
}

static void test_paginate_empty(void **state)
{
	struct tmpdb *f = *state;
	fl_pagination p;
	assert_int_equal(fl_query_paginate(users_by_id(f), 1, 10, 0, &p), FL_OK);
	assert_int_equal(p.total, 0);
	assert_int_equal(p.pages, 0);
	assert_int_equal(json_array_size(p.items), 0);
	assert_false(p.has_prev);
	assert_false(p.has_next);
	assert_string_equal(compact(fl_pagination_iter_pages(&p, 2, 2, 5, 2)), "[]");
	assert_int_equal(fl_query_paginate(users_by_id(f), 2, 10, 0, &p), FL_ENOTFOUND);
}

/* Expected values printed by Flask-SQLAlchemy 2.x's iter_pages. */
static void test_iter_pages(void **state)
{
	struct tmpdb *f = *state;
	struct { long page, pages; const char *want; } cases[] = {
		{ 10, 20, "[1,2,null,8,9,10,11,12,13,14,null,19,20]" },
		{ 1, 20, "[1,2,3,4,5,null,19,20]" },
		{ 20, 20, "[1,2,null,18,19,20]" },
		{ 1, 1, "[1]" },
		{ 1, 0, "[]" },
		{ 3, 7, "[1,2,3,4,5,6,7]" },
		{ 5, 10, "[1,2,3,4,5,6,7,8,9,10]" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_pagination p = { .page = cases[i].page, .pages = cases[i].pages };
		const char *got = compact(fl_pagination_iter_pages(&p, 2, 2, 5, 2));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("page %ld of %ld: %s, want %s", cases[i].page, cases[i].pages, got,
				cases[i].want);
	}
	fl_pagination p = { .page = 10, .pages = 20 };
	assert_string_equal(compact(fl_pagination_iter_pages(&p, 1, 1, 1, 1)),
		"[1,null,9,10,null,20]");
	/* and from a real query: 200 rows of 10 → 20 pages */
	for (int i = 0; i < 100; i++)
		add(f, &Dog, json_pack("{s:s}", "name", "rex"));
	assert_int_equal(fl_query_paginate(fl_query_new(f->db, f->arena, &Dog), 10, 5, 0, &p),
		FL_OK);
	assert_int_equal(p.pages, 20);
	assert_string_equal(compact(fl_pagination_iter_pages(&p, 2, 2, 5, 2)),
		"[1,2,null,8,9,10,11,12,13,14,null,19,20]");
}

static void test_pagination_to_json(void **state)
{
	struct tmpdb *f = *state;
	fl_pagination p;
	assert_int_equal(fl_query_paginate(users_by_id(f), 1, 40, 0, &p), FL_OK);
	json_t *o = fl_pagination_to_json(&p);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 40);
	json_object_del(o, "items");
	assert_string_equal(compact(o), "{\"page\":1,\"per_page\":40,\"total\":100,\"pages\":3,"
		"\"has_prev\":false,\"has_next\":true,\"prev_num\":null,\"next_num\":2,"
		"\"iter_pages\":[1,2,3]}");
}

/* ---- group_by ---- */

static void test_group_by_users_per_role(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	assert_int_equal(fl_query_error(fl_query_group_by(q, "role_id")), FL_OK);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(compact(rows), "[{\"role_id\":1,\"count\":33},{\"role_id\":2,\"count\":34},"
		"{\"role_id\":3,\"count\":33}]");
	long n;
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 3);
	/* with a filter and a descending order */
	q = fl_query_new(f->db, f->arena, &User);
	fl_query_filter(q, "id", FL_OP_LE, json_integer(10));
	fl_query_group_by(q, "role_id");
	fl_query_order_by(q, "role_id", true);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(compact(rows), "[{\"role_id\":3,\"count\":3},{\"role_id\":2,\"count\":4},"
		"{\"role_id\":1,\"count\":3}]");
	/* Boolean groups read back as true/false */
	q = fl_query_new(f->db, f->arena, &Article);
	fl_query_group_by(q, "isdelete");
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(compact(rows), "[{\"isdelete\":false,\"count\":100},"
		"{\"isdelete\":true,\"count\":50}]");
	q = fl_query_new(f->db, f->arena, &User);
	assert_int_equal(fl_query_error(fl_query_group_by(q, "nope")), FL_EINVAL);
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
}

/* ---- filter operators over the Flasky models (null forms) ---- */

static void test_filter_null_forms(void **state)
{
	struct tmpdb *f = *state;
	long n;
	fl_query *q = fl_query_new(f->db, f->arena, &User);
	fl_query_filter(q, "ident_id", FL_OP_NE, json_null());   /* != None → IS NOT NULL */
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 90);
	q = fl_query_new(f->db, f->arena, &User);
	fl_query_filter_by(q, "ident_id", NULL);
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 10);
	q = fl_query_new(f->db, f->arena, &User);
	fl_query_filter(q, "role_id", FL_OP_IN, json_pack("[i,i]", 1, 3));
	fl_query_filter(q, "username", FL_OP_LIKE, json_string("user00%"));
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 6);   /* users 2,3,5,6,8,9 */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup100, teardown)
	const struct CMUnitTest tests[] = {
		T(test_user_role_two_statements),
		cmocka_unit_test_setup_teardown(test_user_role_two_statements, setup10, teardown),
		T(test_several_relationships_one_statement_each),
		cmocka_unit_test_setup_teardown(test_several_relationships_one_statement_each,
			setup10, teardown),
		T(test_compact_rows_load_relationships),
		T(test_role_users_both_directions),
		T(test_ident_one_to_one_both_directions),
		T(test_student_courses_both_directions),
		T(test_articles_user_dotted),
		T(test_dynamic_articles),
		T(test_dynamic_other_kinds),
		T(test_load_errors),
		T(test_first_and_empty_loads),
		T(test_paginate),
		T(test_paginate_with_load_statements),
		cmocka_unit_test_setup_teardown(test_paginate_empty, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_iter_pages, setup_empty, teardown),
		T(test_pagination_to_json),
		T(test_group_by_users_per_role),
		T(test_filter_null_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
