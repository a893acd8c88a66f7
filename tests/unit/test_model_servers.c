/* test_model_servers.c — the model layer on every database: create_all's
 * DDL per dialect (data/ddl_types.c, data/model.c) compared with what
 * SQLAlchemy 1.4 compiles, and Flasky's models (app/models.c, the
 * relations demo's Student/Course included) created, written, queried and
 * dropped on SQLite and on the real MariaDB and PostgreSQL tests/run.sh
 * starts (FLAGON_TEST_DB=mysql|postgresql|all; tests/unit/dbserver.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/models.h"
#include "base/arena.h"
#include "base/db_uri.h"
#include "data/db.h"
#include "data/dialect.h"
#include "data/driver_internal.h"
#include "data/model.h"
#include "data/query.h"
#include "data/relationship.h"

#include "dbserver_open.h"

/* ---- DDL text, no server ---- */

static const char *const kinds[] = { "a", "bb", NULL };
static const fl_column every_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_SMALLINTEGER("si"),
	FL_COLUMN_BIGINTEGER("bi"),
	FL_COLUMN_FLOAT("f"),
	FL_COLUMN_NUMERIC("n", 10, 2),
	FL_COLUMN_STRING("s", 64, FL_NOT_NULL, FL_SERVER_DEFAULT("'x'")),
	FL_COLUMN_TEXT("t"),
	FL_COLUMN_BOOLEAN("b", FL_NOT_NULL, FL_SERVER_DEFAULT("0")),
	FL_COLUMN_DATE("d"),
	FL_COLUMN_DATETIME("dt"),
	FL_COLUMN_TIME("tm"),
	FL_COLUMN_LARGEBINARY("lb"),
	FL_COLUMN_ENUM("e", kinds),
	FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id"), FL_ONDELETE("CASCADE")),
	FL_COLUMN_END,
};
static const fl_model Every = { .tablename = "everything", .columns = every_columns };

/* The column lines SQLAlchemy 1.4.46 compiles for the same Table
 * (CreateTable(t).compile(dialect=mysql.dialect() / postgresql.dialect()),
 * identifiers quoted as Flagon always quotes them), with Flagon's two
 * chosen differences on MySQL: Float is DOUBLE (SQLAlchemy: FLOAT, single
 * precision there) and DateTime/Time keep microseconds (DATETIME(6)). */
static const char *const ddl_common[] = {
	"CREATE TABLE IF NOT EXISTS \"everything\" (\n",
	"\t\"si\" SMALLINT,\n\t\"bi\" BIGINT,\n",
	"\t\"n\" NUMERIC(10, 2),\n\t\"s\" VARCHAR(64) DEFAULT 'x' NOT NULL,\n\t\"t\" TEXT,\n",
	"\t\"d\" DATE,\n",
	"\t\"e\" VARCHAR(2),\n\t\"role_id\" INTEGER,\n\tPRIMARY KEY (\"id\"),\n"
	"\tFOREIGN KEY(\"role_id\") REFERENCES \"roles\" (\"id\") ON DELETE CASCADE,\n"
	"\tCHECK (\"e\" IN ('a', 'bb'))\n);\n",
	NULL,
};
static const char *const ddl_mysql[] = {
	"\t\"id\" INTEGER NOT NULL AUTO_INCREMENT,\n", "\t\"f\" DOUBLE,\n",
	"\t\"b\" BOOL DEFAULT 0 NOT NULL,\n", "\t\"dt\" DATETIME(6),\n\t\"tm\" TIME(6),\n",
	"\t\"lb\" BLOB,\n", NULL,
};
static const char *const ddl_postgresql[] = {
	"\t\"id\" SERIAL NOT NULL,\n", "\t\"f\" FLOAT,\n", "\t\"b\" BOOLEAN DEFAULT false NOT NULL,\n",
	"\t\"dt\" TIMESTAMP WITHOUT TIME ZONE,\n\t\"tm\" TIME WITHOUT TIME ZONE,\n",
	"\t\"lb\" BYTEA,\n", NULL,
};

static void assert_ddl_has(const fl_dialect *d, const char *const *parts)
{
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	assert_int_equal(fl_model_create_sql_for(d, &Every, a, &sql), FL_OK);
	for (const char *const *p = parts; *p; p++)
		if (!strstr(sql, *p))
			fail_msg("%s DDL lacks %s in:\n%s", d->name, *p, sql);
	fl_arena_free(a);
}

static void test_ddl_types_like_sqlalchemy(void **state)
{
	(void)state;
	assert_ddl_has(&fl_dialect_mysql, ddl_common);
	assert_ddl_has(&fl_dialect_mysql, ddl_mysql);
	assert_ddl_has(&fl_dialect_postgresql, ddl_common);
	assert_ddl_has(&fl_dialect_postgresql, ddl_postgresql);
	/* SQLite is what it always was: the rowid alias, the plain default */
	static const char *const ddl_sqlite[] = {
		"\t\"id\" INTEGER NOT NULL,\n", "\t\"b\" BOOLEAN DEFAULT 0 NOT NULL,\n", NULL,
	};
	assert_ddl_has(&fl_dialect_sqlite, ddl_common);
	assert_ddl_has(&fl_dialect_sqlite, ddl_sqlite);
}

/* FL_AUTOINCREMENT: inline on SQLite (its keyword), the same generated
 * key elsewhere; BigInteger keys and composite keys are not generated. */
static void test_ddl_autoincrement(void **state)
{
	(void)state;
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_sqlite, &Student, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"));
	assert_null(strstr(sql, "PRIMARY KEY (\"id\")"));
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_mysql, &Student, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "\"id\" INTEGER NOT NULL AUTO_INCREMENT,"));
	assert_non_null(strstr(sql, "PRIMARY KEY (\"id\")"));
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_postgresql, &Student, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "\"id\" SERIAL NOT NULL,"));
	assert_non_null(strstr(sql, "PRIMARY KEY (\"id\")"));

	static const fl_column pair_columns[] = {
		FL_COLUMN_INTEGER("a", FL_PRIMARY_KEY), FL_COLUMN_INTEGER("b", FL_PRIMARY_KEY),
		FL_COLUMN_END,
	};
	static const fl_model Pair = { .tablename = "pair", .columns = pair_columns };
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_postgresql, &Pair, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "\"a\" INTEGER NOT NULL,\n\t\"b\" INTEGER NOT NULL,\n"
		"\tPRIMARY KEY (\"a\", \"b\")"));
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_mysql, &Pair, a, &sql), FL_OK);
	assert_null(strstr(sql, "AUTO_INCREMENT"));
	fl_arena_free(a);
}

/* String without a length: VARCHAR on SQLite and PostgreSQL, refused on
 * MySQL, as SQLAlchemy refuses it ("VARCHAR requires a length"). */
static void test_ddl_string_without_length(void **state)
{
	(void)state;
	static const fl_column cols[] = {
		FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY), FL_COLUMN_STRING("s", 0), FL_COLUMN_END,
	};
	static const fl_model M = { .tablename = "nolen", .columns = cols };
	fl_arena *a = fl_arena_new(0);
	const char *sql;
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_postgresql, &M, a, &sql), FL_OK);
	assert_non_null(strstr(sql, "\"s\" VARCHAR,"));
	assert_int_equal(fl_model_create_sql_for(&fl_dialect_mysql, &M, a, &sql), FL_EINVAL);
	assert_null(sql);
	fl_arena_free(a);
}

/* ---- Flasky's models on a real database ---- */

/* Connect to the database of `kind` ("sqlite": a memory database), or
 * skip when it is not selected. */
static struct dbfx *connect_kind(const char *kind)
{
	struct dbfx *f = dbfx_open(kind);
	if (f)
		fl_db_set_models(f->db, flasky_models);
	return f;
}

static json_t *add(struct dbfx *f, const fl_model *m, const char *json)
{
	json_t *row = json_loads(json, 0, NULL);
	assert_non_null(row);
	DB_OK(f, fl_db_add(f->db, m, row));
	return row;
}

static void roundtrip(const char *kind)
{
	struct dbfx *f = connect_kind(kind);
	if (!f)
		skip();
	fl_db *db = f->db;
	DB_OK(f, fl_drop_all(db, f->arena, flasky_models));   /* what an earlier run left */
	DB_OK(f, fl_create_all(db, f->arena, flasky_models));
	DB_OK(f, fl_create_all(db, f->arena, flasky_models));   /* IF NOT EXISTS: again is fine */

	json_t *admin = add(f, &Role, "{\"name\": \"Admin\"}");
	json_t *user = add(f, &Role, "{\"name\": \"User\"}");
	json_int_t admin_id = json_integer_value(json_object_get(admin, "id"));
	assert_true(admin_id > 0);
	assert_int_equal(json_integer_value(json_object_get(user, "id")), admin_id + 1);
	char buf[256];
	const char *names[] = { "carol", "alice", "bob" };
	for (int i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf, "{\"username\": \"%s\", \"role_id\": %lld}", names[i],
			(long long)(i ? admin_id + 1 : admin_id));
		json_t *u = add(f, &User, buf);
		snprintf(buf, sizeof buf, "{\"title\": \"t%d\", \"body\": \"b\", \"user_id\": %lld}", i,
			(long long)json_integer_value(json_object_get(u, "id")));
		add(f, &Article, buf);
	}
	for (int i = 0; i < 25; i++) {
		snprintf(buf, sizeof buf, "{\"s_name\": \"s%02d\", \"s_score\": %d.5}", i, i);
		add(f, &Student, buf);
	}
	json_t *course = add(f, &Course, "{\"cname\": \"math\"}");
	DB_OK(f, fl_db_commit(db));

	/* filter_by, and the server's defaults and types read back as written */
	json_t *row = NULL;
	DB_OK(f, fl_query_first(fl_query_filter_by(fl_query_new(db, f->arena, &User), "username",
		json_string("alice")), &row));
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "role_id")), admin_id + 1);
	/* DateTime: the microseconds fl_utcnow wrote come back (MySQL's
	 * DATETIME(6); PostgreSQL's trailing zeros padded again) */
	const char *since = json_string_value(json_object_get(row, "member_since"));
	assert_non_null(since);
	assert_int_equal(strlen(since), strlen("2024-01-01 12:00:00.123456"));
	DB_OK(f, fl_query_first(fl_query_new(db, f->arena, &Article), &row));
	assert_true(json_is_false(json_object_get(row, "isdelete")));
	DB_OK(f, fl_query_first(fl_query_filter_by(fl_query_new(db, f->arena, &Student), "s_name",
		json_string("s03")), &row));
	assert_true(json_is_real(json_object_get(row, "s_score")));
	assert_true(json_real_value(json_object_get(row, "s_score")) == 3.5);
	assert_int_equal(json_integer_value(json_object_get(row, "s_age")), 18);

	/* order_by */
	json_t *rows = NULL;
	DB_OK(f, fl_query_all(fl_query_order_by(fl_query_new(db, f->arena, &User), "username", true),
		&rows));
	assert_int_equal(json_array_size(rows), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "username")),
		"carol");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "username")),
		"alice");

	/* paginate */
	fl_pagination p;
	DB_OK(f, fl_query_paginate(fl_query_order_by(fl_query_new(db, f->arena, &Student), "id", false),
		3, 10, 0, &p));
	assert_int_equal(p.total, 25);
	assert_int_equal(p.pages, 3);
	assert_int_equal(json_array_size(p.items), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(p.items, 0), "s_name")),
		"s20");

	/* relationships: one-to-many with order_by, many-to-many */
	DB_OK(f, fl_query_all(fl_query_load(fl_query_order_by(fl_query_new(db, f->arena, &Role), "id",
		false), "users"), &rows));
	json_t *users = json_object_get(json_array_get(rows, 1), "users");
	assert_int_equal(json_array_size(users), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(users, 0), "username")),
		"alice");
	DB_OK(f, fl_query_first(fl_query_filter_by(fl_query_new(db, f->arena, &Student), "s_name",
		json_string("s01")), &row));
	DB_OK(f, fl_relationship_append(db, &Student, row, "courses", course));
	DB_OK(f, fl_db_commit(db));
	DB_OK(f, fl_query_first(fl_query_load(fl_query_filter_by(fl_query_new(db, f->arena, &Student),
		"s_name", json_string("s01")), "courses"), &row));
	json_t *courses = json_object_get(row, "courses");
	assert_int_equal(json_array_size(courses), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(courses, 0), "cname")),
		"math");

	/* unique violation: FL_EEXISTS, and the transaction is undone */
	json_t *dup = json_pack("{s:s}", "name", "Admin");
	assert_int_equal(fl_db_add(db, &Role, dup), FL_EEXISTS);
	fl_db_rollback(db);
	DB_OK(f, fl_query_all(fl_query_new(db, f->arena, &Role), &rows));
	assert_int_equal(json_array_size(rows), 2);

	/* drop_all: children before parents, nothing left */
	DB_OK(f, fl_drop_all(db, f->arena, flasky_models));
	assert_int_not_equal(fl_query_all(fl_query_new(db, f->arena, &Role), &rows), FL_OK);
	fl_db_rollback(db);
	dbfx_release(f);
}

static void test_models_sqlite(void **state)
{
	(void)state;
	roundtrip("sqlite");
}

static void test_models_mysql(void **state)
{
	(void)state;
	roundtrip("mysql");
}

static void test_models_postgresql(void **state)
{
	(void)state;
	roundtrip("postgresql");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ddl_types_like_sqlalchemy),
		cmocka_unit_test(test_ddl_autoincrement),
		cmocka_unit_test(test_ddl_string_without_length),
		cmocka_unit_test(test_models_sqlite),
		cmocka_unit_test(test_models_mysql),
		cmocka_unit_test(test_models_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
