/* test_schema.c — the repository's migration chain (sql/migrations) builds
 * exactly the schema fl_create_all(flasky_models) builds, keeps the data of
 * a rebuilt table, and `downgrade base` undoes all of it.
 *
 * Two schemas are compared table by table through SQLite's own view of them:
 * the CREATE text in sqlite_master (with the table name token normalised,
 * since ALTER TABLE ... RENAME rewrites it), pragma_table_xinfo (columns:
 * type, NOT NULL, default, primary key), pragma_index_list +
 * pragma_index_xinfo (every index, automatic ones included: UNIQUE
 * constraints) and pragma_foreign_key_list (targets, ON DELETE/UPDATE). */
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
#include "data/migrate/migrate.h"
#include "data/model.h"
#include "app/models.h"
#include "tmpdb.h"

#define INITIAL_REVISION "3f2a9c1b7d40"

struct fx {
	struct tmpdb *t;     /* t->db: the migrated database */
	fl_migrations *m;    /* the repository's chain */
};

/* sql/migrations of the checkout this file belongs to. */
static const char *repo_migrations(fl_arena *a)
{
	const char *self = __FILE__;   /* ".../tests/unit/test_schema.c" */
	const char *cut = strstr(self, "tests/unit/test_schema.c");
	assert_non_null(cut);
	return fl_arena_printf(a, "%.*ssql/migrations", (int)(cut - self), self);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->t = tmpdb_new("schema");
	fl_err err = fl_migrations_load(f->t->arena, repo_migrations(f->t->arena), &f->m);
	if (err)
		fail_msg("%s", f->m->error);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tmpdb_free(f->t);
	free(f);
	return 0;
}

static json_t *query(fl_db *db, const char *sql, const char *arg)
{
	json_t *rows, *params = arg ? json_pack("[s]", arg) : NULL;
	fl_err err = fl_db_query(db, sql, params, &rows);
	if (err)
		fail_msg("%s: %s", sql, fl_db_errmsg(db));
	json_decref(params);
	return rows;
}

/* "CREATE TABLE <name> (" → "CREATE TABLE \"<tbl_name>\" (": the one token
 * that a rename rewrites (quoted or not depending on the SQLite version). */
static json_t *normalised_create(const char *sql, const char *table)
{
	const char *paren = strchr(sql, '(');
	if (strncmp(sql, "CREATE TABLE ", 13) != 0 || !paren)
		return json_string(sql);
	json_t *s = json_sprintf("CREATE TABLE \"%s\" %s", table, paren);
	assert_non_null(s);
	return s;
}

/* Everything SQLite knows about the tables of `db` (alembic_version and
 * SQLite's internal tables left out), as one JSON object per table. */
static json_t *describe(fl_db *db)
{
	json_t *out = json_object();
	json_t *tables = query(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
		"AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name", NULL);
	size_t i;
	json_t *t;
	json_array_foreach(tables, i, t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		json_t *d = json_object();
		json_object_set_new(d, "sql", normalised_create(
			json_string_value(json_object_get(t, "sql")), name));
		json_object_set_new(d, "columns", query(db,
			"SELECT * FROM pragma_table_xinfo(?) ORDER BY cid", name));
		json_object_set_new(d, "foreign_keys", query(db,
			"SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq", name));
		json_t *indexes = query(db,
			"SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) ORDER BY name",
			name);
		size_t j;
		json_t *ix;
		json_array_foreach(indexes, j, ix) {
			const char *iname = json_string_value(json_object_get(ix, "name"));
			json_object_set_new(ix, "columns", query(db,
				"SELECT * FROM pragma_index_xinfo(?) ORDER BY seqno", iname));
			json_t *isql = query(db, "SELECT sql FROM sqlite_master WHERE type = 'index' "
				"AND name = ?", iname);
			json_object_set(ix, "sql", json_object_get(json_array_get(isql, 0), "sql"));
			json_decref(isql);
		}
		json_object_set_new(d, "indexes", indexes);
		json_object_set_new(out, name, d);
	}
	json_decref(tables);
	return out;
}

static void assert_same_schema(json_t *migrated, json_t *created)
{
	if (!json_equal(migrated, created)) {
		char *x = json_dumps(migrated, JSON_INDENT(1) | JSON_SORT_KEYS);
		char *y = json_dumps(created, JSON_INDENT(1) | JSON_SORT_KEYS);
		fail_msg("migrations:\n%s\ncreate_all(flasky_models):\n%s", x, y);
	}
}

static json_t *create_all_schema(fl_arena *a)
{
	fl_db *other;
	assert_int_equal(fl_db_open(":memory:", &other), FL_OK);
	assert_int_equal(fl_create_all(other, a, flasky_models), FL_OK);
	json_t *created = describe(other);
	fl_db_close(other);
	return created;
}

/* Names in sqlite_master other than SQLite's own objects. */
static json_t *object_names(fl_db *db)
{
	return query(db, "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
		"ORDER BY name", NULL);
}

static void test_chain_shape(void **state)
{
	struct fx *f = *state;
	assert_true(f->m->n >= 2);
	assert_string_equal(f->m->chain[0]->id, INITIAL_REVISION);
	for (size_t i = 1; i < f->m->n; i++)
		assert_string_equal(f->m->chain[i]->down_revision, f->m->chain[i - 1]->id);
}

static void test_upgrade_head_equals_create_all(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fl_migrate_upgrade(f->m, f->t->db, "head"), FL_OK);
	const char *rev;
	assert_int_equal(fl_migrate_current(f->m, f->t->db, &rev), FL_OK);
	assert_string_equal(rev, fl_migrations_head(f->m));

	json_t *migrated = describe(f->t->db), *created = create_all_schema(f->t->arena);
	/* Every model's table is there, nothing else. */
	size_t n = 0;
	for (const fl_model *const *m = flasky_models; *m; m++, n++)
		assert_non_null(json_object_get(created, (*m)->tablename));
	assert_int_equal(json_object_size(created), n);
	assert_same_schema(migrated, created);

	/* The indexes match name for name too (ix_users_username, autoindexes). */
	json_t *a = query(f->t->db, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
		"AND tbl_name != 'alembic_version' ORDER BY name", NULL);
	fl_db *other;
	assert_int_equal(fl_db_open(":memory:", &other), FL_OK);
	assert_int_equal(fl_create_all(other, f->t->arena, flasky_models), FL_OK);
	json_t *b = query(other, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
		"ORDER BY name", NULL);
	fl_db_close(other);
	assert_true(json_equal(a, b));

	/* create_all over the migrated database has nothing left to do. */
	assert_int_equal(fl_create_all(f->t->db, f->t->arena, flasky_models), FL_OK);
	assert_same_schema(describe(f->t->db), created);

	json_t *fkc = query(f->t->db, "SELECT * FROM pragma_foreign_key_check", NULL);
	assert_int_equal(json_array_size(fkc), 0);
}

static void test_downgrade_base_leaves_only_version_table(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fl_migrate_upgrade(f->m, f->t->db, "head"), FL_OK);
	assert_int_equal(fl_migrate_downgrade(f->m, f->t->db, "base"), FL_OK);
	json_t *names = object_names(f->t->db);
	if (json_array_size(names) != 1)
		fail_msg("left after downgrade base: %s", json_dumps(names, 0));
	assert_string_equal(json_string_value(json_object_get(json_array_get(names, 0), "name")),
		"alembic_version");
	json_t *v = query(f->t->db, "SELECT count(*) AS n FROM alembic_version", NULL);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 0), "n")), 0);

	/* ... and the chain applies again from there. */
	assert_int_equal(fl_migrate_upgrade(f->m, f->t->db, "head"), FL_OK);
	assert_same_schema(describe(f->t->db), create_all_schema(f->t->arena));
}

/* The users rebuild keeps its rows, both ways; downgrading one step gives
 * back exactly what the initial revision built. */
static void test_users_rebuild_keeps_rows(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fl_migrate_upgrade(f->m, f->t->db, INITIAL_REVISION), FL_OK);
	json_t *initial = describe(f->t->db);
	assert_int_equal(fl_db_exec_script(f->t->db,
		"INSERT INTO roles (id, name) VALUES (1, 'Admin'), (3, 'User');"
		"INSERT INTO users (id, username, role_id) VALUES (1, 'john', 1), (7, 'susan', 3);"),
		FL_OK);

	assert_int_equal(fl_migrate_upgrade(f->m, f->t->db, "head"), FL_OK);
	json_t *rows = query(f->t->db, "SELECT id, username, role_id, ident_id, password_hash, "
		"member_since FROM users ORDER BY id", NULL);
	json_t *want = json_loads("[{\"id\":1,\"username\":\"john\",\"role_id\":1,"
		"\"ident_id\":null,\"password_hash\":null,\"member_since\":null},"
		"{\"id\":7,\"username\":\"susan\",\"role_id\":3,\"ident_id\":null,"
		"\"password_hash\":null,\"member_since\":null}]", 0, NULL);
	assert_true(json_equal(rows, want));

	/* The new columns work: a UNIQUE ident, an article pointing at a user. */
	assert_int_equal(fl_db_exec_script(f->t->db,
		"INSERT INTO idents (id, address) VALUES (1, 'john@example.com');"
		"UPDATE users SET ident_id = 1, password_hash = 'x' WHERE id = 1;"
		"INSERT INTO articles (title, user_id) VALUES ('hello', 7);"), FL_OK);
	assert_int_equal(fl_db_exec_script(f->t->db, "UPDATE users SET ident_id = 1 WHERE id = 7;"),
		FL_EEXISTS);
	fl_db_rollback(f->t->db);
	assert_int_equal(fl_db_exec_script(f->t->db,
		"INSERT INTO articles (title, user_id) VALUES ('dangling', 99);"), FL_ECONSTRAINT);
	fl_db_rollback(f->t->db);

	assert_int_equal(fl_migrate_downgrade(f->m, f->t->db, INITIAL_REVISION), FL_OK);
	rows = query(f->t->db, "SELECT * FROM users ORDER BY id", NULL);
	want = json_loads("[{\"id\":1,\"username\":\"john\",\"role_id\":1},"
		"{\"id\":7,\"username\":\"susan\",\"role_id\":3}]", 0, NULL);
	assert_true(json_equal(rows, want));
	assert_same_schema(describe(f->t->db), initial);
	json_t *fkc = query(f->t->db, "SELECT * FROM pragma_foreign_key_check", NULL);
	assert_int_equal(json_array_size(fkc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_head_equals_create_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_downgrade_base_leaves_only_version_table, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_users_rebuild_keeps_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
