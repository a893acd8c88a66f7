/* test_schema_servers.c — the schema readers of MariaDB (information_schema,
 * lib/data/migrate/schema_mysql.c) and PostgreSQL (pg_catalog, schema_pg.c)
 * on the real servers tests/run.sh starts (FLAGON_TEST_DB=mysql|postgresql|
 * all; tests/unit/dbserver.h): Flasky's models built by create_all compare
 * clean with the models' schema built in the scratch place, which is gone
 * afterwards; one change of each kind made by hand is found. */
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
#include "data/driver_internal.h"
#include "data/migrate/migrate.h"
#include "data/model.h"

#include "dbserver.h"

struct fx {
	fl_arena *arena, *old;
	fl_db *db;
	fl_db_uri uri;
	const char *kind;
};

/* Flasky's tables, freshly created on `kind`'s server; NULL when the
 * server is not selected. */
static struct fx *setup(const char *kind)
{
	const char *text = dbserver_uri(kind);
	if (!text)
		return NULL;
	struct fx *f = calloc(1, sizeof *f);
	f->kind = kind;
	f->arena = fl_arena_new(0);
	f->old = fl_json_set_arena(f->arena);
	assert_int_equal(fl_db_uri_parse(text, &f->uri, NULL, 0), FL_OK);
	fl_driver_options opt = { .uri = &f->uri, .connect_timeout = 5 };
	if (fl_db_open_driver(fl_driver_for(f->uri.dialect), &opt, NULL, &f->db))
		fail_msg("%s: %s", kind, fl_db_errmsg(f->db));
	if (fl_drop_all(f->db, f->arena, flasky_models) ||
	    fl_create_all(f->db, f->arena, flasky_models))
		fail_msg("%s: %s", kind, fl_db_errmsg(f->db));
	return f;
}

static void teardown(struct fx *f)
{
	fl_drop_all(f->db, f->arena, flasky_models);
	fl_db_close(f->db);
	fl_db_uri_free(&f->uri);
	fl_json_set_arena(f->old);
	fl_arena_free(f->arena);
	free(f);
}

/* The differences from the models, less the tables other tests left on
 * the shared test database (drop_table: no model declares them). */
static json_t *diff(struct fx *f)
{
	json_t *d, *x, *out = json_array();
	size_t i;
	if (fl_schema_diff(f->db, flasky_models, f->arena, &d))
		fail_msg("%s: %s", f->kind, fl_db_errmsg(f->db));
	json_array_foreach(d, i, x)
		if (strcmp(json_string_value(json_object_get(x, "op")), "drop_table") != 0)
			json_array_append(out, x);
	return out;
}

static void run(struct fx *f, const char *sql)
{
	if (fl_db_exec_script(f->db, sql) || fl_db_commit(f->db))
		fail_msg("%s: %s: %s", f->kind, sql, fl_db_errmsg(f->db));
}

static json_t *query(struct fx *f, const char *sql)
{
	json_t *rows;
	if (fl_db_query(f->db, sql, NULL, &rows))
		fail_msg("%s: %s: %s", f->kind, sql, fl_db_errmsg(f->db));
	return rows;
}

/* The formatted differences, one per line. */
static const char *lines(struct fx *f, json_t *d)
{
	fl_buf b;
	fl_buf_init(&b, f->arena);
	fl_schema_diff_format(d, &b);
	return fl_buf_cstr(&b);
}

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("missing \"%s\" in:\n%s", part, text);
}

static json_t *column(json_t *schema, const char *table, const char *name)
{
	json_t *c;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(schema, table), "columns"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
			return c;
	fail_msg("no column %s.%s", table, name);
	return NULL;
}

static void clean_after_create_all(const char *kind)
{
	struct fx *f = setup(kind);
	if (!f)
		skip();
	json_t *d = diff(f);
	if (json_array_size(d))
		fail_msg("%s: differences right after create_all:\n%s", kind, lines(f, d));
	/* what the reader says, normalised */
	json_t *s;
	assert_int_equal(fl_schema_reflect(f->db, f->arena, &s), FL_OK);
	json_t *id = column(s, "users", "id");
	const char *type = json_string_value(json_object_get(id, "type"));
	if (strcmp(kind, "postgresql") == 0)
		assert_string_equal(type, "serial");
	else
		assert_non_null(strstr(type, " AUTO_INCREMENT"));
	assert_true(json_is_null(json_object_get(id, "default")));
	assert_int_equal(json_integer_value(json_object_get(id, "pk")), 1);
	json_t *sc = json_object_get(s, "student_course");
	json_t *pair = json_pack("[s, s]", "stu_id", "cou_id");
	assert_true(json_equal(json_array_get(json_object_get(sc, "uniques"), 0), pair));
	json_t *fk = json_array_get(json_object_get(sc, "fks"), 0);
	assert_string_equal(json_string_value(json_object_get(fk, "on_delete")), "CASCADE");
	assert_null(json_object_get(s, "alembic_version"));
	/* the scratch place is gone */
	json_t *rows = query(f, strcmp(kind, "mysql") == 0 ?
		"SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '%_scratch'" :
		"SELECT COUNT(*) AS n FROM pg_namespace WHERE nspname = 'flagon_scratch'");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 0);
	teardown(f);
}

static void test_clean_mysql(void **state)
{
	(void)state;
	clean_after_create_all("mysql");
}

static void test_clean_postgresql(void **state)
{
	(void)state;
	clean_after_create_all("postgresql");
}

static void each_change_found(const char *kind)
{
	struct fx *f = setup(kind);
	if (!f)
		skip();
	bool my = strcmp(kind, "mysql") == 0;
	run(f, "ALTER TABLE users ADD COLUMN extra INTEGER");
	run(f, my ? "ALTER TABLE users MODIFY COLUMN password_hash VARCHAR(100)" :
		"ALTER TABLE users ALTER COLUMN password_hash TYPE VARCHAR(100)");
	run(f, my ? "ALTER TABLE roles MODIFY COLUMN name VARCHAR(64) NOT NULL" :
		"ALTER TABLE roles ALTER COLUMN name SET NOT NULL");
	run(f, "ALTER TABLE idents ALTER COLUMN address SET DEFAULT 'nobody'");
	run(f, my ? "DROP INDEX ix_users_username ON users" : "DROP INDEX ix_users_username");
	run(f, "CREATE INDEX ix_two ON articles (rdatetime DESC, title)");
	run(f, my ? "ALTER TABLE roles DROP INDEX name" :
		"ALTER TABLE roles DROP CONSTRAINT roles_name_key");
	run(f, my ? "ALTER TABLE users DROP FOREIGN KEY users_ibfk_1" :
		"ALTER TABLE users DROP CONSTRAINT users_role_id_fkey");
	run(f, "DROP TABLE dog");
	const char *t = lines(f, diff(f));
	assert_has(t, "add_table dog\n");
	assert_has(t, "drop_column users.extra: ");
	assert_has(t, "modify_type users.password_hash: ");
	assert_has(t, "modify_nullable roles.name: NOT NULL -> NULL\n");
	assert_has(t, "modify_default idents.address: 'nobody' -> (none)\n");
	assert_has(t, "add_index users: ix_users_username UNIQUE (username)\n");
	assert_has(t, "drop_index articles: ix_two (rdatetime DESC, title)\n");
	assert_has(t, "add_unique roles: UNIQUE (name)\n");
	assert_has(t, "add_fk users: (role_id) REFERENCES roles (id)");
	teardown(f);
}

static void test_changes_mysql(void **state)
{
	(void)state;
	each_change_found("mysql");
}

static void test_changes_postgresql(void **state)
{
	(void)state;
	each_change_found("postgresql");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_mysql),
		cmocka_unit_test(test_clean_postgresql),
		cmocka_unit_test(test_changes_mysql),
		cmocka_unit_test(test_changes_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
