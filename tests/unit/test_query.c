/* test_query.c — models (DDL, validation, create_all/drop_all, abstract
 * bases) and the query builder with its unit of work. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/driver_internal.h"
#include "data/model.h"
#include "data/dialect.h"
#include "data/query.h"
#include "tmpdb.h"

/* ---- models, as the blueprints will declare them ---- */

extern const fl_model Role, User, Student, Dog, Cat, Everything;

static const fl_column role_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_UNIQUE),
	FL_COLUMN_END
};
static const fl_relationship role_relationships[] = {
	{ .name = "users", .target = &User, .backref = "role", .lazy = FL_LAZY_DYNAMIC,
	  .order_by = "username" },
	FL_RELATIONSHIP_END
};
const fl_model Role = { .name = "Role", .tablename = "roles", .columns = role_columns,
	.relationships = role_relationships };

static const fl_column user_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("username", 64, FL_UNIQUE, FL_INDEX),
	FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id")),
	FL_COLUMN_END
};
const fl_model User = { .name = "User", .tablename = "users", .columns = user_columns };

static const fl_column student_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY, FL_AUTOINCREMENT),
	FL_COLUMN_STRING("s_name", 32, FL_NOT_NULL, FL_UNIQUE),
	FL_COLUMN_INTEGER("s_age", FL_NOT_NULL, FL_DEFAULT("18")),
	FL_COLUMN_FLOAT("s_score", FL_NOT_NULL, FL_DEFAULT("0")),
	FL_COLUMN_END
};
const fl_model Student = { .name = "Student", .tablename = "student", .columns = student_columns };

/* class Animal(db.Model): __abstract__ = True — one column list, two tables. */
static const fl_column animal_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY, FL_AUTOINCREMENT),
	FL_COLUMN_STRING("name", 100, FL_NOT_NULL),
	FL_COLUMN_INTEGER("age", FL_DEFAULT("0")),
	FL_COLUMN_END
};
const fl_model Animal = { .name = "Animal", .columns = animal_columns, .abstract = true };
const fl_model Dog = { .name = "Dog", .tablename = "dog", .columns = animal_columns };
const fl_model Cat = { .name = "Cat", .tablename = "cat", .columns = animal_columns };

static const char *const moods[] = { "happy", "it's complicated", NULL };
static json_t *now_fn(void) { return json_string("2026-11-22 05:40:00"); }
static const fl_column everything_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_SMALLINTEGER("small"),
	FL_COLUMN_BIGINTEGER("big"),
	FL_COLUMN_FLOAT("f"),
	FL_COLUMN_NUMERIC("price", 10, 2),
	FL_COLUMN_STRING("s", 3),
	FL_COLUMN_TEXT("t"),
	FL_COLUMN_UNICODE("u", 5),
	FL_COLUMN_UNICODETEXT("ut"),
	FL_COLUMN_BOOLEAN("flag", FL_NOT_NULL, FL_SERVER_DEFAULT("0")),
	FL_COLUMN_DATE("d"),
	FL_COLUMN_DATETIME("created", FL_DEFAULT_FN(now_fn)),
	FL_COLUMN_TIME("tm"),
	FL_COLUMN_LARGEBINARY("blob"),
	FL_COLUMN_ENUM("mood", moods),
	FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id"), FL_ONDELETE("CASCADE"), FL_INDEX),
	FL_COLUMN_END
};
static const fl_unique everything_uniques[] = {
	{ .name = "uq_s_t", .columns = { "s", "t" } },
	FL_UNIQUE_END
};
const fl_model Everything = { .name = "Everything", .tablename = "everything",
	.columns = everything_columns, .unique_constraints = everything_uniques };

/* Children listed before their parents on purpose. */
static const fl_model *const all_models[] = { &Everything, &User, &Animal, &Role, &Student,
	&Dog, &Cat, NULL };

/* ---- fixture ---- */

static int setup(void **state)
{
	*state = tmpdb_memory(all_models);
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static json_t *add(struct tmpdb *f, const fl_model *m, const char *json)
{
	json_t *row = json_loads(json, 0, NULL);
	assert_non_null(row);
	fl_err err = fl_db_add(f->db, m, row);
	if (err)
		fail_msg("add %s: %s", json, fl_db_errmsg(f->db));
	return row;
}

static long count(struct tmpdb *f, const fl_model *m)
{
	long n = -1;
	assert_int_equal(fl_query_count(fl_query_new(f->db, f->arena, m), &n), FL_OK);
	return n;
}

/* ---- model ---- */

static void test_type_names(void **state)
{
	for (int t = 0; t < FL_TYPE__MAX; t++)
		assert_non_null(fl_type_names[t]);
	assert_string_equal(fl_type_names[FL_TYPE_LARGEBINARY], "LargeBinary");
	for (int o = 0; o < FL_OP__MAX; o++)
		assert_non_null(fl_op_names[o]);
}

static void test_ddl_role_user(void **state)
{
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	assert_int_equal(fl_model_create_sql(&Role, a, &sql), FL_OK);
	assert_string_equal(sql,
		"CREATE TABLE IF NOT EXISTS \"roles\" (\n"
		"\t\"id\" INTEGER NOT NULL,\n"
		"\t\"name\" VARCHAR(64),\n"
		"\tPRIMARY KEY (\"id\"),\n"
		"\tUNIQUE (\"name\")\n"
		");\n");
	assert_int_equal(fl_model_create_sql(&User, a, &sql), FL_OK);
	assert_string_equal(sql,
		"CREATE TABLE IF NOT EXISTS \"users\" (\n"
		"\t\"id\" INTEGER NOT NULL,\n"
		"\t\"username\" VARCHAR(64),\n"
		"\t\"role_id\" INTEGER,\n"
		"\tPRIMARY KEY (\"id\"),\n"
		"\tFOREIGN KEY(\"role_id\") REFERENCES \"roles\" (\"id\")\n"
		");\n"
		"CREATE UNIQUE INDEX IF NOT EXISTS \"ix_users_username\" ON \"users\" (\"username\");\n");
	fl_arena_free(a);
}

static void test_ddl_all_types(void **state)
{
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	assert_int_equal(fl_model_create_sql(&Everything, a, &sql), FL_OK);
	const char *want[] = { "\"small\" SMALLINT,", "\"big\" BIGINT,", "\"f\" FLOAT,",
		"\"price\" NUMERIC(10, 2),", "\"s\" VARCHAR(3),", "\"t\" TEXT,", "\"u\" VARCHAR(5),",
		"\"ut\" TEXT,", "\"flag\" BOOLEAN DEFAULT 0 NOT NULL,", "\"d\" DATE,",
		"\"created\" DATETIME,", "\"tm\" TIME,", "\"blob\" BLOB,", "\"mood\" VARCHAR(16),",
		"CONSTRAINT \"uq_s_t\" UNIQUE (\"s\", \"t\")",
		"FOREIGN KEY(\"role_id\") REFERENCES \"roles\" (\"id\") ON DELETE CASCADE",
		"CHECK (\"mood\" IN ('happy', 'it''s complicated'))",
		"CREATE INDEX IF NOT EXISTS \"ix_everything_role_id\" ON \"everything\" (\"role_id\");" };
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(sql, want[i]))
			fail_msg("missing %s in\n%s", want[i], sql);
	assert_int_equal(fl_model_create_sql(&Student, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"));
	assert_null(strstr(sql, "PRIMARY KEY (\"id\")"));
	fl_arena_free(a);
}

static void test_ddl_bad_declarations(void **state)
{
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	static const fl_column bad_fk[] = { FL_COLUMN_INTEGER("x", FL_FOREIGN_KEY("roles")), FL_COLUMN_END };
	static const fl_column bad_ondelete[] = {
		FL_COLUMN_INTEGER("x", FL_FOREIGN_KEY("roles.id"), FL_ONDELETE("DROP TABLE roles")),
		FL_COLUMN_END };
	static const fl_column bad_enum[] = { FL_COLUMN_ENUM("x", NULL), FL_COLUMN_END };
	static const fl_column bad_autoinc[] = { FL_COLUMN_STRING("x", 3, FL_PRIMARY_KEY, FL_AUTOINCREMENT),
		FL_COLUMN_END };
	static const fl_column none[] = { FL_COLUMN_END };
	const fl_model bad[] = {
		{ .tablename = "b1", .columns = bad_fk }, { .tablename = "b2", .columns = bad_ondelete },
		{ .tablename = "b3", .columns = bad_enum }, { .tablename = "b4", .columns = bad_autoinc },
		{ .tablename = "b5", .columns = none }, { .tablename = NULL, .columns = bad_fk },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(fl_model_create_sql(&bad[i], a, &sql), FL_EINVAL);
	fl_arena_free(a);
}

/* Identifiers and string literals: their own quote doubled, nothing else
 * escaped. */
static void test_sql_quoting(void **state)
{
	fl_arena *a = fl_arena_new(0);
	fl_buf b;
	fl_buf_init(&b, a);
	fl_sql_put_ident(&b, "we\"ird 'name'");
	fl_buf_putc(&b, ' ');
	fl_sql_put_string(&b, "it's \"x\"");
	fl_buf_putc(&b, ' ');
	fl_sql_put_string(&b, "");
	assert_string_equal(fl_buf_cstr(&b), "\"we\"\"ird 'name'\" 'it''s \"x\"' ''");
	fl_arena_free(a);
}

static void test_abstract_base(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	/* two tables from one definition, and no table for the abstract base */
	add(f, &Dog, "{\"name\": \"rex\", \"age\": 3}");
	add(f, &Cat, "{\"name\": \"tom\"}");
	add(f, &Cat, "{\"name\": \"kitty\", \"age\": 1}");
	assert_int_equal(count(f, &Dog), 1);
	assert_int_equal(count(f, &Cat), 2);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(fl_db_query(f->db, "SELECT name FROM sqlite_master WHERE name = 'Animal' "
		"OR name IS NULL", NULL, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 0);
	json_t *tom;
	fl_query *q = fl_query_new(f->db, f->arena, &Cat);
	fl_query_filter_by(q, "name", json_string("tom"));
	assert_int_equal(fl_query_first(q, &tom), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(tom, "age")), 0);   /* default */
}

static void test_validation(void **state)
{
	const char *col, *why;
	json_t *row = json_pack("{s:s}", "s_name", "abc");
	assert_int_equal(fl_model_validate(&Student, row, true, &col, &why), FL_OK);
	json_t *bad[] = {
		json_pack("{s:i}", "s_age", 3),                          /* s_name missing */
		json_pack("{s:s, s:n}", "s_name", "a", "s_age"),          /* explicit null */
		json_pack("{s:s, s:s}", "s_name", "a", "s_age", "18"),    /* wrong type */
		json_pack("{s:s, s:s}", "s_name", "a", "nope", "x"),      /* unknown key */
		json_pack("{s:s}", "s_name", "123456789012345678901234567890123"),  /* 33 chars */
	};
	const char *cols[] = { "s_name", "s_age", "s_age", "nope", "s_name" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fl_model_validate(&Student, bad[i], true, &col, &why), FL_EINVAL);
		assert_string_equal(col, cols[i]);
		assert_non_null(why);
	}
	/* length counts characters, not bytes: 32 Chinese characters fit String(32) */
	char name[33 * 3 + 1] = "";
	for (int i = 0; i < 32; i++)
		strcat(name, "明");
	assert_int_equal(fl_model_validate(&Student, json_pack("{s:s}", "s_name", name), true, &col,
		&why), FL_OK);
	strcat(name, "明");
	assert_int_equal(fl_model_validate(&Student, json_pack("{s:s}", "s_name", name), true, &col,
		&why), FL_EINVAL);
	assert_string_equal(why, "is too long");
	/* a NUL is a character too: the JSON string's length, not strlen */
	char nuls[33] = "a";
	json_t *row_nul = json_object();
	json_object_set_new(row_nul, "s_name", json_stringn(nuls, sizeof nuls));
	assert_int_equal(fl_model_validate(&Student, row_nul, true, &col, &why), FL_EINVAL);
	assert_string_equal(why, "is too long");
	/* update: missing columns are fine, explicit null in NOT NULL is not */
	assert_int_equal(fl_model_validate(&Student, json_pack("{s:i}", "s_age", 3), false, &col,
		&why), FL_OK);
	assert_int_equal(fl_model_validate(&Student, json_pack("{s:n}", "s_name"), false, &col,
		&why), FL_EINVAL);
	/* enum, boolean */
	assert_int_equal(fl_model_validate(&Everything, json_pack("{s:s}", "mood", "sad"), true,
		&col, &why), FL_EINVAL);
	assert_int_equal(fl_model_validate(&Everything, json_pack("{s:s,s:b}", "mood",
		"it's complicated", "flag", 1), true, &col, &why), FL_OK);
	assert_int_equal(fl_model_validate(&Everything, json_pack("{s:i}", "flag", 2), true,
		&col, &why), FL_EINVAL);
}

static void test_create_all_drop_all_order(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	/* create_all again keeps existing tables and data */
	add(f, &Role, "{\"name\": \"Admin\"}");
	add(f, &User, "{\"username\": \"john\", \"role_id\": 1}");
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(fl_create_all(f->db, f->arena, all_models), FL_OK);
	assert_int_equal(count(f, &User), 1);
	assert_int_equal(fl_db_query(f->db, "SELECT name FROM sqlite_master WHERE type = 'index' "
		"AND name LIKE 'ix_%' ORDER BY name", NULL, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 2);
	/* drop_all must drop users before roles or the FK (with rows) fails */
	assert_int_equal(fl_drop_all(f->db, f->arena, all_models), FL_OK);
	assert_int_equal(fl_db_query(f->db, "SELECT name FROM sqlite_master WHERE type = 'table' "
		"AND name NOT LIKE 'sqlite_%'", NULL, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 0);
	/* the missing table is reported by name */
	long n;
	assert_int_equal(fl_query_count(fl_query_new(f->db, f->arena, &Student), &n), FL_ENOTABLE);
	assert_string_equal(fl_db_error_table(f->db), "student");
	assert_int_equal(fl_db_add(f->db, &Student, json_pack("{s:s}", "s_name", "x")), FL_ENOTABLE);
	assert_string_equal(fl_db_error_table(f->db), "student");
	fl_db_rollback(f->db);
}

/* ---- unit of work ---- */

static void test_add_fills_id_and_defaults(void **state)
{
	struct tmpdb *f = *state;
	json_t *s = add(f, &Student, "{\"s_name\": \"小明\", \"s_age\": 16, \"s_score\": 80}");
	assert_int_equal(json_integer_value(json_object_get(s, "id")), 1);
	json_t *t = add(f, &Student, "{\"s_name\": \"x\"}");
	assert_int_equal(json_integer_value(json_object_get(t, "id")), 2);
	assert_int_equal(json_integer_value(json_object_get(t, "s_age")), 18);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	json_t *row;
	assert_int_equal(fl_get(f->db, f->arena, &Student, json_integer(1), &row), FL_OK);
	assert_string_equal(json_string_value(json_object_get(row, "s_name")), "小明");
	assert_true(json_is_real(json_object_get(row, "s_score")));
	assert_true(json_real_value(json_object_get(row, "s_score")) == 80.0);
	assert_int_equal(fl_get(f->db, f->arena, &Student, json_integer(99), &row), FL_OK);
	assert_null(row);
	/* Boolean reads back as true/false; default_fn fills DateTime */
	json_t *e = add(f, &Everything, "{\"flag\": true, \"s\": \"abc\"}");
	assert_string_equal(json_string_value(json_object_get(e, "created")), "2026-11-22 05:40:00");
	assert_int_equal(fl_get(f->db, f->arena, &Everything, json_object_get(e, "id"), &row), FL_OK);
	assert_true(json_is_true(json_object_get(row, "flag")));
	json_t *e2 = add(f, &Everything, "{}");   /* server default fills flag */
	assert_int_equal(fl_get(f->db, f->arena, &Everything, json_object_get(e2, "id"), &row), FL_OK);
	assert_true(json_is_false(json_object_get(row, "flag")));
	fl_db_commit(f->db);
}

static void test_add_unique_conflict_rolls_back_whole(void **state)
{
	struct tmpdb *f = *state;
	add(f, &Student, "{\"s_name\": \"小明\"}");
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	/* a batch where the third row collides: nothing of it must remain */
	add(f, &Student, "{\"s_name\": \"a\"}");
	add(f, &Student, "{\"s_name\": \"b\"}");
	json_t *dup = json_pack("{s:s}", "s_name", "小明");
	assert_int_equal(fl_db_add(f->db, &Student, dup), FL_EEXISTS);
	assert_string_equal(fl_db_error_column(f->db), "s_name");
	assert_int_equal(fl_db_commit(f->db), FL_EEXISTS);
	assert_int_equal(count(f, &Student), 1);
}

static void test_add_validation_errors(void **state)
{
	struct tmpdb *f = *state;
	assert_int_equal(fl_db_add(f->db, &Student, json_pack("{s:s, s:s}", "s_name", "a",
		"password", "x")), FL_EINVAL);
	assert_string_equal(fl_db_error_column(f->db), "password");
	assert_int_equal(fl_db_add(f->db, &Student, json_pack("{s:i}", "s_age", 1)), FL_EINVAL);
	assert_string_equal(fl_db_error_column(f->db), "s_name");
	assert_non_null(strstr(fl_db_errmsg(f->db), "student.s_name is required"));
	assert_int_equal(fl_db_add(f->db, &Student,
		json_pack("{s:s}", "s_name", "a name that is far longer than 32 chars")), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(f->db), "at most 32 characters"));
	assert_int_equal(count(f, &Student), 0);
	assert_false(fl_db_in_transaction(f->db));   /* nothing was written */
}

static void test_injection_stored_verbatim(void **state)
{
	struct tmpdb *f = *state;
	const char *evil[] = { "x'); DROP TABLE student; --", "\" OR 1=1 --", "'' ; ?;",
		"%_\\", "Robert\"); DELETE FROM roles; --" };
	for (size_t i = 0; i < sizeof evil / sizeof *evil; i++)
		assert_int_equal(fl_db_add(f->db, &Student, json_pack("{s:s}", "s_name", evil[i])), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
		json_t *row;
		fl_query *q = fl_query_new(f->db, f->arena, &Student);
		fl_query_filter_by(q, "s_name", json_string(evil[i]));
		assert_int_equal(fl_query_first(q, &row), FL_OK);
		assert_non_null(row);
		assert_string_equal(json_string_value(json_object_get(row, "s_name")), evil[i]);
	}
	assert_int_equal(count(f, &Student), 5);
	/* column names from outside are refused, never spliced into SQL */
	fl_query *q = fl_query_new(f->db, f->arena, &Student);
	assert_int_equal(fl_query_error(fl_query_order_by(fl_query_new(f->db, f->arena, &Student),
		"id; DROP TABLE student", false)), FL_EINVAL);
	assert_ptr_equal(fl_query_filter_by(q, "s_name = s_name OR 1", json_string("x")), q);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	fl_query_order_by(q, "id; DROP TABLE student", false);
	json_t *rows;
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);   /* sticky */
	assert_null(rows);
}

static void test_update_delete(void **state)
{
	struct tmpdb *f = *state;
	json_t *s = add(f, &Student, "{\"s_name\": \"a\", \"s_age\": 10}");
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	json_object_set_new(s, "s_age", json_integer(11));
	assert_int_equal(fl_db_update(f->db, &Student, s), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	json_t *row;
	assert_int_equal(fl_get(f->db, f->arena, &Student, json_integer(1), &row), FL_OK);
	assert_int_equal(json_integer_value(json_object_get(row, "s_age")), 11);
	/* partial update by key only */
	assert_int_equal(fl_db_update(f->db, &Student, json_pack("{s:i, s:f}", "id", 1, "s_score",
		9.5)), FL_OK);
	assert_int_equal(fl_db_update(f->db, &Student, json_pack("{s:i, s:s}", "id", 77, "s_name",
		"z")), FL_ENOTFOUND);
	assert_int_equal(fl_db_update(f->db, &Student, json_pack("{s:s}", "s_name", "z")), FL_EINVAL);
	assert_int_equal(fl_db_update(f->db, &Student, json_pack("{s:i, s:n}", "id", 1, "s_name")),
		FL_EINVAL);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(fl_get(f->db, f->arena, &Student, json_integer(1), &row), FL_OK);
	assert_true(json_real_value(json_object_get(row, "s_score")) == 9.5);
	assert_int_equal(fl_db_delete(f->db, &Student, row), FL_OK);
	assert_int_equal(fl_db_delete(f->db, &Student, row), FL_ENOTFOUND);
	assert_int_equal(fl_db_rollback(f->db), FL_OK);
	assert_int_equal(count(f, &Student), 1);   /* rollback undid the delete */
	assert_int_equal(fl_db_delete(f->db, &Student, row), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(count(f, &Student), 0);
}

static void test_delete_referenced_parent(void **state)
{
	struct tmpdb *f = *state;
	json_t *r = add(f, &Role, "{\"name\": \"Admin\"}");
	add(f, &User, "{\"username\": \"john\", \"role_id\": 1}");
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	/* session.delete(role): its users stay, role_id set to NULL (SQLAlchemy's
	 * default cascade; tests/unit/test_relationship_write.c covers the rest) */
	assert_int_equal(fl_db_delete(f->db, &Role, r), FL_OK);
	json_t *john;
	assert_int_equal(fl_get(f->db, f->arena, &User, json_integer(1), &john), FL_OK);
	assert_true(json_is_null(json_object_get(john, "role_id")));
	fl_db_rollback(f->db);
	/* unknown parent */
	assert_int_equal(fl_db_add(f->db, &User, json_pack("{s:s, s:i}", "username", "x", "role_id",
		42)), FL_ECONSTRAINT);
	fl_db_rollback(f->db);
}

static void test_add_all(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows = json_pack("[{s:s},{s:s},{s:i}]", "s_name", "a", "s_name", "b", "s_age", 3);
	assert_int_equal(fl_db_add_all(f->db, &Student, rows), FL_EINVAL);   /* 3rd invalid */
	assert_int_equal(count(f, &Student), 0);                              /* none added */
	rows = json_pack("[{s:s},{s:s}]", "s_name", "a", "s_name", "b");
	assert_int_equal(fl_db_add_all(f->db, &Student, rows), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(count(f, &Student), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "id")), 2);
}

/* ---- queries ---- */

static void seed(struct tmpdb *f)
{
	static const char *const rows[] = {
		"{\"s_name\": \"amy\", \"s_age\": 20, \"s_score\": 90.5}",
		"{\"s_name\": \"bob\", \"s_age\": 17, \"s_score\": 60}",
		"{\"s_name\": \"cat\", \"s_age\": 20, \"s_score\": 75}",
		"{\"s_name\": \"dan\", \"s_age\": 18, \"s_score\": 60}",
		"{\"s_name\": \"eve\", \"s_age\": 19, \"s_score\": 99}",
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		add(f, &Student, rows[i]);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
}

static const char *names(json_t *rows)
{
	static char buf[256];
	size_t i;
	json_t *r;
	buf[0] = '\0';
	json_array_foreach(rows, i, r) {
		strcat(buf, i ? "," : "");
		strcat(buf, json_string_value(json_object_get(r, "s_name")));
	}
	return buf;
}

static void test_filter_order_limit(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows, *row;
	long n;
	seed(f);
	fl_query *q = fl_query_new(f->db, f->arena, &Student);
	fl_query_filter_by(q, "s_age", json_integer(20));
	fl_query_order_by(q, "s_name", true);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "cat,amy");
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 2);

	q = fl_query_new(f->db, f->arena, &Student);
	fl_query_order_by(q, "s_score", false);
	fl_query_order_by(q, "s_name", true);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "dan,bob,cat,amy,eve");
	fl_query_limit(q, 2);
	fl_query_offset(q, 1);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "bob,cat");
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(fl_query_first(q, &row), FL_OK);
	assert_string_equal(json_string_value(json_object_get(row, "s_name")), "bob");
	fl_query_offset(q, 10);
	assert_int_equal(fl_query_first(q, &row), FL_OK);
	assert_null(row);

	/* AND of several filter_by */
	q = fl_query_new(f->db, f->arena, &Student);
	fl_query_filter_by(q, "s_score", json_integer(60));
	fl_query_filter_by(q, "s_age", json_integer(17));
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "bob");
}

/* The last statement's text, kept by the trace function. */
static void keep_sql(void *ud, const fl_db_trace_record *rec)
{
	snprintf(ud, 512, "%s", rec->sql);
}

/* Flask-SQLAlchemy's paginate counts with order_by(None).count(): no
 * ORDER BY in the count, unless a limit or an offset picks the rows. */
static void test_count_without_order(void **state)
{
	struct tmpdb *f = *state;
	char sql[512] = "";
	long n;
	seed(f);
	fl_db_set_trace(f->db, keep_sql, sql);
	fl_query *q = fl_query_new(f->db, f->arena, &Student);
	fl_query_order_by(q, "s_score", false);
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 5);
	assert_null(strstr(sql, "ORDER BY"));
	fl_query_limit(q, 2);
	fl_query_offset(q, 4);
	assert_int_equal(fl_query_count(q, &n), FL_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(sql, "ORDER BY"));
	fl_db_set_trace(f->db, NULL, NULL);
}

static void test_filter_operators(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows;
	seed(f);
	struct { const char *col; fl_op op; json_t *v; const char *want; } cases[] = {
		{ "s_age", FL_OP_NE, json_integer(20), "bob,dan,eve" },
		{ "s_age", FL_OP_LT, json_integer(18), "bob" },
		{ "s_age", FL_OP_LE, json_integer(18), "bob,dan" },
		{ "s_score", FL_OP_GT, json_real(90.5), "eve" },
		{ "s_score", FL_OP_GE, json_real(90.5), "amy,eve" },
		{ "s_name", FL_OP_LIKE, json_string("%a%"), "amy,cat,dan" },
		{ "s_name", FL_OP_IN, json_pack("[s,s,s]", "eve", "bob", "zed"), "bob,eve" },
		{ "s_age", FL_OP_IN, json_pack("[i,i]", 17, 19), "bob,eve" },
		{ "s_age", FL_OP_IN, json_array(), "" },
		{ "s_name", FL_OP_IS_NULL, NULL, "" },
		{ "s_name", FL_OP_IS_NOT_NULL, NULL, "amy,bob,cat,dan,eve" },
		{ "s_name", FL_OP_EQ, json_null(), "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_query *q = fl_query_new(f->db, f->arena, &Student);
		assert_int_equal(fl_query_error(fl_query_filter(q, cases[i].col, cases[i].op,
			cases[i].v)), FL_OK);
		fl_query_order_by(q, "id", false);
		assert_int_equal(fl_query_all(q, &rows), FL_OK);
		if (strcmp(names(rows), cases[i].want) != 0)
			fail_msg("case %zu: got %s want %s", i, names(rows), cases[i].want);
	}
	/* or_(age < 18, score > 95) AND name != 'eve' */
	fl_cond any[] = { { "s_age", FL_OP_LT, json_integer(18) },
		{ "s_score", FL_OP_GT, json_integer(95) } };
	fl_query *q = fl_query_new(f->db, f->arena, &Student);
	assert_int_equal(fl_query_error(fl_query_filter_or(q, any, 2)), FL_OK);
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "bob,eve");
	fl_query_filter(q, "s_name", FL_OP_NE, json_string("eve"));
	assert_int_equal(fl_query_all(q, &rows), FL_OK);
	assert_string_equal(names(rows), "bob");
	/* invalid values, each on a fresh query (a failed one ignores more) */
	struct { fl_op op; json_t *v; } bad[] = {
		{ FL_OP_LIKE, json_integer(1) }, { FL_OP_IN, json_string("x") },
		{ FL_OP_IN, json_pack("[[i]]", 1) }, { FL_OP_LT, json_object() },
		{ (fl_op)99, json_integer(1) },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		q = fl_query_new(f->db, f->arena, &Student);
		if (fl_query_error(fl_query_filter(q, "s_name", bad[i].op, bad[i].v)) != FL_EINVAL)
			fail_msg("bad filter %zu accepted", i);
	}
}

/* sqlite3_str's pattern: the first builder error is kept in the query,
 * later builders do nothing (nor touch the database's description of the
 * error), and every terminal call returns it without running a statement. */
static void test_first_builder_error_is_returned_at_the_end(void **state)
{
	struct tmpdb *f = *state;
	seed(f);
	uint64_t before = fl_db_statement_count(f->db);
	fl_query *q = fl_query_new(f->db, f->arena, &Student);
	assert_ptr_equal(fl_query_filter_by(q, "nope", json_integer(1)), q);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	assert_string_equal(fl_db_error_column(f->db), "nope");
	const char *why = fl_arena_strdup(f->arena, fl_db_errmsg(f->db));
	assert_non_null(strstr(why, "nope"));
	/* later builders, good or bad, return the query and change nothing */
	fl_cond bad_or[] = { { "also_bad", FL_OP_EQ, json_integer(1) } };
	assert_ptr_equal(fl_query_filter_by(q, "s_age", json_integer(20)), q);
	assert_ptr_equal(fl_query_filter(q, "s_name", FL_OP_LIKE, json_integer(1)), q);
	assert_ptr_equal(fl_query_filter_or(q, bad_or, 1), q);
	assert_ptr_equal(fl_query_order_by(q, "wrong_order", true), q);
	assert_ptr_equal(fl_query_group_by(q, "wrong_group"), q);
	assert_ptr_equal(fl_query_load(q, "wrong_relationship"), q);
	assert_ptr_equal(fl_query_limit(fl_query_offset(q, 1), 2), q);
	assert_int_equal(fl_query_error(q), FL_EINVAL);
	assert_string_equal(fl_db_error_column(f->db), "nope");
	assert_string_equal(fl_db_errmsg(f->db), why);
	/* every terminal call answers the recorded error */
	json_t *rows = json_array(), *row = json_object();
	long n = -1;
	fl_pagination p;
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
	assert_null(rows);
	assert_int_equal(fl_query_first(q, &row), FL_EINVAL);
	assert_null(row);
	assert_int_equal(fl_query_count(q, &n), FL_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(fl_query_paginate(q, 1, 10, 0, &p), FL_EINVAL);
	assert_int_equal(json_array_size(p.items), 0);
	/* the same chained in one expression; the first mistake is the one kept */
	assert_int_equal(fl_query_all(fl_query_filter_by(fl_query_order_by(
		fl_query_new(f->db, f->arena, &Student), "first_bad", false), "second_bad",
		json_integer(1)), &rows), FL_EINVAL);
	assert_string_equal(fl_db_error_column(f->db), "first_bad");
	/* no SQL ran for any of it */
	assert_int_equal(fl_db_statement_count(f->db), before);
	/* a good chain still runs */
	assert_int_equal(fl_query_all(fl_query_limit(fl_query_order_by(fl_query_filter_by(
		fl_query_new(f->db, f->arena, &Student), "s_age", json_integer(20)), "s_name", false),
		1), &rows), FL_OK);
	assert_string_equal(names(rows), "amy");
}

/* fl_query_new never returns NULL: missing arguments give a query that
 * carries FL_EINVAL, which builders pass along and terminal calls return. */
static void test_query_new_never_null(void **state)
{
	struct tmpdb *f = *state;
	json_t *rows = json_array();
	fl_pagination p;
	fl_query *bad[] = { fl_query_new(NULL, f->arena, &Student),
		fl_query_new(f->db, NULL, &Student), fl_query_new(f->db, f->arena, NULL) };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_non_null(bad[i]);
		assert_int_equal(fl_query_error(bad[i]), FL_EINVAL);
		fl_query *q = fl_query_limit(fl_query_order_by(fl_query_filter_by(bad[i], "s_age",
			json_integer(1)), "id", false), 3);
		assert_ptr_equal(q, bad[i]);
		assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
		assert_int_equal(fl_query_paginate(q, 1, 10, 0, &p), FL_EINVAL);
		assert_non_null(p.items);
	}
	assert_int_equal(fl_query_error(NULL), FL_EINVAL);
	assert_non_null(fl_query_filter_by(NULL, "s_age", json_integer(1)));
	assert_int_equal(fl_query_first(NULL, &rows), FL_EINVAL);
}

static void test_same_shape_same_statement(void **state)
{
	struct tmpdb *f = *state;
	json_t *row;
	seed(f);
	int before = 0, after = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int id = 1; id <= 5; id++)
			assert_int_equal(fl_get(f->db, f->arena, &Student, json_integer(id), &row), FL_OK);
		int n = 0;
		for (sqlite3_stmt *s = sqlite3_next_stmt(fl_db_sqlite_handle(f->db), NULL); s;
		     s = sqlite3_next_stmt(fl_db_sqlite_handle(f->db), s))
			n++;
		*(pass ? &after : &before) = n;
	}
	assert_int_equal(before, after);
	uint64_t c0 = fl_db_statement_count(f->db);
	fl_get(f->db, f->arena, &Student, json_integer(1), &row);
	assert_int_equal(fl_db_statement_count(f->db) - c0, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_ddl_role_user),
		cmocka_unit_test(test_ddl_all_types),
		cmocka_unit_test(test_ddl_bad_declarations),
		cmocka_unit_test(test_sql_quoting),
		T(test_abstract_base),
		T(test_validation),
		T(test_create_all_drop_all_order),
		T(test_add_fills_id_and_defaults),
		T(test_add_unique_conflict_rolls_back_whole),
		T(test_add_validation_errors),
		T(test_injection_stored_verbatim),
		T(test_update_delete),
		T(test_delete_referenced_parent),
		T(test_add_all),
		T(test_filter_order_limit),
		T(test_count_without_order),
		T(test_filter_operators),
		T(test_first_builder_error_is_returned_at_the_end),
		T(test_query_new_never_null),
		T(test_same_shape_same_statement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
