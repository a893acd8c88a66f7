/* test_query_join.c — join() on relationships (many-to-one, one-to-many,
 * many-to-many through the secondary, dotted paths), qualified column
 * names, uniquing of joined rows, bulk update/delete inside the unit of
 * work, and SQLALCHEMY_ECHO's log lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/model.h"
#include "data/query.h"
#include "tmpdb.h"

extern const fl_model Role, User, Course, Registration;

static const fl_column role_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_UNIQUE),
	FL_COLUMN_END
};
static const fl_relationship role_rels[] = {
	{ .name = "users", .target = &User, .backref = "role" },
	FL_RELATIONSHIP_END
};
const fl_model Role = { .name = "Role", .tablename = "roles", .columns = role_columns,
	.relationships = role_rels };

static const fl_column user_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_UNIQUE, FL_NOT_NULL),
	FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id")),
	FL_COLUMN_END
};
static const fl_relationship user_rels[] = {
	{ .name = "courses", .target = &Course, .secondary = &Registration, .backref = "students" },
	FL_RELATIONSHIP_END
};
const fl_model User = { .name = "User", .tablename = "users", .columns = user_columns,
	.relationships = user_rels };

static const fl_column course_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64),
	FL_COLUMN_END
};
const fl_model Course = { .name = "Course", .tablename = "courses", .columns = course_columns };

static const fl_column registration_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_INTEGER("user_id", FL_FOREIGN_KEY("users.id")),
	FL_COLUMN_INTEGER("course_id", FL_FOREIGN_KEY("courses.id")),
	FL_COLUMN_END
};
const fl_model Registration = { .name = "Registration", .tablename = "registrations",
	.columns = registration_columns };

static const fl_model *const models[] = { &Role, &User, &Course, &Registration, NULL };

static void add(struct tmpdb *t, const fl_model *m, const char *json)
{
	json_t *row = json_loads(json, 0, NULL);
	assert_non_null(row);
	if (fl_db_add(t->db, m, row))
		fail_msg("add %s: %s", json, fl_db_errmsg(t->db));
}

static int setup(void **state)
{
	struct tmpdb *t = tmpdb_memory(models);
	fl_db_set_models(t->db, models);
	add(t, &Role, "{\"name\": \"Admin\"}");
	add(t, &Role, "{\"name\": \"User\"}");
	add(t, &User, "{\"name\": \"john\", \"role_id\": 1}");
	add(t, &User, "{\"name\": \"susan\", \"role_id\": 2}");
	add(t, &User, "{\"name\": \"david\", \"role_id\": 2}");
	add(t, &Course, "{\"name\": \"math\"}");
	add(t, &Course, "{\"name\": \"art\"}");
	add(t, &Registration, "{\"user_id\": 1, \"course_id\": 1}");
	add(t, &Registration, "{\"user_id\": 1, \"course_id\": 2}");
	add(t, &Registration, "{\"user_id\": 2, \"course_id\": 2}");
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static const char *names(json_t *rows)
{
	static char out[256];
	out[0] = '\0';
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		strcat(out, i ? "," : "");
		strcat(out, json_string_value(json_object_get(row, "name")));
	}
	return out;
}

static void test_join_many_to_one(void **state)
{
	struct tmpdb *t = *state;
	json_t *rows;
	/* User.query.join(User.role).filter(Role.name == 'User').order_by(User.name) */
	fl_query *q = fl_query_new(t->db, t->arena, &User);
	fl_query_join(q, "role");
	fl_query_filter_by(q, "Role.name", json_string("User"));
	fl_query_order_by(q, "name", false);
	assert_string_equal(fl_query_sql(q), "SELECT \"users\".\"id\" AS \"id\", \"users\".\"name\" "
		"AS \"name\", \"users\".\"role_id\" AS \"role_id\" FROM \"users\" JOIN \"roles\" ON "
		"\"users\".\"role_id\" = \"roles\".\"id\" WHERE (\"roles\".\"name\" = ?) ORDER BY "
		"\"users\".\"name\"");
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "david,susan");
	/* by table name too, and descending on the joined column */
	q = fl_query_order_by(fl_query_order_by(fl_query_join(fl_query_new(t->db, t->arena, &User),
		"role"), "roles.name", true), "users.name", false);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "david,susan,john");
}

static void test_join_one_to_many_uniques(void **state)
{
	struct tmpdb *t = *state;
	json_t *rows;
	long n;
	/* Role.query.join(Role.users).filter(User.name != 'john'): "User" once
	 * though two users match (SQLAlchemy 1.4 uniques entity rows) */
	fl_query *q = fl_query_new(t->db, t->arena, &Role);
	fl_query_join(q, "users");
	fl_query_filter(q, "User.name", FL_OP_NE, json_string("john"));
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "User");
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 2);   /* count() counts the joined rows, as SQLAlchemy's */
	assert_int_equal(fl_query_count(fl_query_distinct(q), &n), FL_OK);
	assert_int_equal(n, 1);
	json_t *row;
	assert_int_equal(fl_query_one(q, &row), FL_OK);
	/* group_by over a joined column: users per role name */
	q = fl_query_new(t->db, t->arena, &User);
	fl_query_join(q, "role");
	fl_query_select(q, FL_FUNC_NONE, "Role.name", "role");
	fl_query_select(q, FL_FUNC_COUNT, "User.id", "n");
	fl_query_group_by(q, "Role.name");
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(json_dumps(rows, JSON_COMPACT),
		"[{\"role\":\"Admin\",\"n\":1},{\"role\":\"User\",\"n\":2}]");
}

static void test_join_many_to_many_and_paths(void **state)
{
	struct tmpdb *t = *state;
	json_t *rows;
	/* User.query.join(User.courses).filter(Course.name == 'art') */
	fl_query *q = fl_query_new(t->db, t->arena, &User);
	fl_query_join(q, "courses");
	fl_query_filter_by(q, "Course.name", json_string("art"));
	fl_query_order_by(q, "id", false);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "john,susan");
	/* the backref side, and a dotted path through two relationships */
	q = fl_query_new(t->db, t->arena, &Course);
	fl_query_join(q, "students.role");
	fl_query_filter_by(q, "Role.name", json_string("Admin"));
	fl_query_order_by(q, "name", false);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "art,math");
	bool ex;
	assert_int_equal(fl_query_exists(q, &ex), FL_OK);
	assert_true(ex);
}

static void test_join_errors(void **state)
{
	struct tmpdb *t = *state;
	json_t *rows;
	/* a qualified name of a model that is not joined */
	fl_query *q = fl_query_filter_by(fl_query_new(t->db, t->arena, &User), "Role.name",
		json_string("x"));
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "Role.name");
	/* unknown column of a joined model */
	q = fl_query_join(fl_query_new(t->db, t->arena, &User), "role");
	fl_query_order_by(q, "Role.nope", false);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "nope");
	/* unknown relationship, empty path, joining twice, join after filter */
	assert_int_equal(fl_query_error(fl_query_join(fl_query_new(t->db, t->arena, &User), "bad")),
		FL_EINVAL);
	assert_int_equal(fl_query_error(fl_query_join(fl_query_new(t->db, t->arena, &User),
		"role.")), FL_EINVAL);
	assert_int_equal(fl_query_error(fl_query_join(fl_query_join(fl_query_new(t->db, t->arena,
		&User), "role"), "role")), FL_EINVAL);
	assert_int_equal(fl_query_error(fl_query_join(fl_query_filter_by(fl_query_new(t->db,
		t->arena, &User), "id", json_integer(1)), "role")), FL_EINVAL);
	assert_int_equal(fl_query_error(fl_query_join(fl_query_new(t->db, t->arena, &User), NULL)),
		FL_EINVAL);
}

static long count_users(struct tmpdb *t)
{
	long n = -1;
	assert_int_equal(fl_query_count(fl_query_new(t->db, t->arena, &User), &n), FL_OK);
	return n;
}

static void test_bulk_update_delete(void **state)
{
	struct tmpdb *t = *state;
	json_t *row;
	long n = -1;
	/* User.query.filter(User.role_id == 2).update({"role_id": 1}) */
	fl_query *q = fl_query_filter_by(fl_query_new(t->db, t->arena, &User), "role_id",
		json_integer(2));
	assert_int_equal(fl_query_update(q, json_pack("{s:i}", "role_id", 1), &n), FL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	assert_int_equal(fl_query_count(fl_query_filter_by(fl_query_new(t->db, t->arena, &User),
		"role_id", json_integer(1)), &n), FL_OK);
	assert_int_equal(n, 3);
	/* bad columns and values, refused shapes: nothing runs */
	q = fl_query_new(t->db, t->arena, &User);
	assert_int_equal(fl_query_update(q, json_pack("{s:i}", "nope", 1), &n), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "nope");
	assert_int_equal(fl_query_update(q, json_pack("{s:i}", "name", 5), &n), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "name");
	assert_int_equal(fl_query_update(q, json_object(), &n), FL_EINVAL);
	assert_int_equal(fl_query_update(q, NULL, &n), FL_EINVAL);
	assert_int_equal(fl_query_update(fl_query_limit(fl_query_new(t->db, t->arena, &User), 1),
		json_pack("{s:i}", "role_id", 1), &n), FL_EINVAL);
	assert_int_equal(fl_query_delete(fl_query_join(fl_query_new(t->db, t->arena, &User),
		"role"), &n), FL_EINVAL);
	assert_int_equal(fl_query_delete(fl_query_order_by(fl_query_new(t->db, t->arena, &User),
		"id", false), &n), FL_EINVAL);
	assert_int_equal(fl_query_delete(fl_query_filter_by(fl_query_new(t->db, t->arena, &User),
		"bad", NULL), &n), FL_EINVAL);
	assert_false(fl_db_in_transaction(t->db));
	/* a UNIQUE violation inside a bulk update rolls back the whole unit
	 * of work: rows added before it in the same transaction are gone */
	add(t, &User, "{\"name\": \"mary\"}");
	add(t, &User, "{\"name\": \"paul\"}");
	assert_int_equal(count_users(t), 5);
	q = fl_query_filter(fl_query_new(t->db, t->arena, &User), "name", FL_OP_IN,
		json_pack("[s,s]", "john", "susan"));
	assert_int_equal(fl_query_update(q, json_pack("{s:s}", "name", "same"), &n), FL_EEXISTS);
	assert_string_equal(fl_db_error_column(t->db), "name");
	assert_int_equal(fl_db_commit(t->db), FL_EEXISTS);
	assert_int_equal(count_users(t), 3);
	assert_int_equal(fl_query_first(fl_query_filter_by(fl_query_new(t->db, t->arena, &User),
		"name", json_string("mary")), &row), FL_OK);
	assert_null(row);
	/* delete: User.query.filter(User.name.startswith('d')).delete() */
	q = fl_query_filter(fl_query_new(t->db, t->arena, &User), "name", FL_OP_STARTSWITH,
		json_string("d"));
	assert_int_equal(fl_query_delete(q, &n), FL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	assert_int_equal(count_users(t), 2);
	/* a delete still referenced: FL_ECONSTRAINT, and the unit of work is poisoned */
	assert_int_equal(fl_query_delete(fl_query_new(t->db, t->arena, &Course), &n),
		FL_ECONSTRAINT);
	assert_int_equal(fl_db_commit(t->db), FL_ECONSTRAINT);
}

static void test_echo(void **state)
{
	struct tmpdb *t = *state;
	json_t *rows;
	char path[] = "/tmp/fl_echo_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	fl_query_all(fl_query_filter_by(fl_query_new(t->db, t->arena, &User), "name",
		json_string("quiet")), &rows);      /* echo off: nothing */
	fl_db_set_echo(t->db, true);
	fl_query_all(fl_query_filter_by(fl_query_new(t->db, t->arena, &User), "name",
		json_string("john")), &rows);
	fl_db_execute(t->db, "UPDATE users SET name = name WHERE id = ?", json_pack("[i]", 1), NULL,
		NULL);
	fl_db_exec_script(t->db, "SELECT 1; SELECT 2");
	fl_db_set_echo(t->db, false);
	fl_db_rollback(t->db);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char buf[4096];
	ssize_t len = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	unlink(path);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_null(strstr(buf, "quiet"));
	assert_non_null(strstr(buf, "INFO"));
	assert_non_null(strstr(buf, "sql: SELECT \"id\", \"name\", \"role_id\" FROM \"users\" WHERE "
		"(\"name\" = ?) params: [\"john\"] ("));
	assert_non_null(strstr(buf, "sql: UPDATE users SET name = name WHERE id = ? params: [1] ("));
	assert_non_null(strstr(buf, "sql: SELECT 2 params: [] ("));
	assert_non_null(strstr(buf, " ms)"));
	int lines = 0;
	for (char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_join_many_to_one),
		T(test_join_one_to_many_uniques),
		T(test_join_many_to_many_and_paths),
		T(test_join_errors),
		T(test_bulk_update_delete),
		T(test_echo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
