/* test_migrate.c — revision files, chaining, the runner and `manage db`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/migrate/migrate.h"
#include "data/model.h"
#include "tmpdb.h"

/* The CLI is not part of libflagon.a; test it from its source. */
#include "../../cli/cmd_db.c"

/* Flasky's first models — the initial revision in sql/migrations must
 * create exactly what create_all creates for them. */
static const fl_column role_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_UNIQUE),
	FL_COLUMN_END
};
static const fl_model role_model = { .name = "Role", .tablename = "roles", .columns = role_columns };
static const fl_column user_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("username", 64, FL_UNIQUE, FL_INDEX),
	FL_COLUMN_INTEGER("role_id", FL_FOREIGN_KEY("roles.id")),
	FL_COLUMN_END
};
static const fl_model user_model = { .name = "User", .tablename = "users", .columns = user_columns };

static int setup(void **state)
{
	*state = tmpdb_new("migrate");
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static void put(struct tmpdb *f, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", f->mig, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Three revisions whose file names sort opposite to their chain order. */
static void put_chain(struct tmpdb *f)
{
	put(f, "ccc111_create_a.sql",
		"-- revision: ccc111\n-- down_revision: <base>\n-- message: create a\n"
		"-- date: 2026-11-22 05:40:00\n-- upgrade\nCREATE TABLE a (x INTEGER);\n"
		"-- downgrade\nDROP TABLE a;\n");
	put(f, "bbb222_create_b.sql",
		"-- revision: bbb222\n-- down_revision: ccc111\n-- message: create b\n"
		"-- upgrade\nCREATE TABLE b (y TEXT);\nINSERT INTO b VALUES ('it''s; -- not a comment');\n"
		"-- downgrade\nDROP TABLE b;\n");
	put(f, "aaa333_add_c.sql",
		"-- revision: aaa333\n-- down_revision: bbb222\n-- message: add c\n\n"
		"-- upgrade\r\nCREATE TABLE c (z INTEGER);\r\n-- downgrade\r\nDROP TABLE c;\r\n");
}

static fl_migrations *load(struct tmpdb *f, fl_err want)
{
	fl_migrations *m;
	fl_err err = fl_migrations_load(f->arena, f->mig, &m);
	if (err != want)
		fail_msg("load: %d %s", err, m->error ? m->error : "");
	return m;
}

static bool has_table(fl_db *db, const char *name)
{
	json_t *rows;
	assert_int_equal(fl_db_query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
		json_pack("[s]", name), &rows), FL_OK);
	return json_array_size(rows) == 1;
}

static const char *current(struct tmpdb *f, fl_migrations *m)
{
	const char *rev;
	assert_int_equal(fl_migrate_current(m, f->db, &rev), FL_OK);
	return rev ? rev : "base";
}

/* ---- parsing ---- */

static void test_parse_good(void **state)
{
	fl_arena *a = fl_arena_new(0);
	fl_revision r;
	const char *err;
	const char *text = "-- revision: 1a2b3c4d5e6f\n-- down_revision: <base>\n"
		"-- message: initial migration\n-- date: 2026-11-22 05:40:00\n\n-- upgrade\n"
		"CREATE TABLE t (x INTEGER);\n-- downgrade\nDROP TABLE t;\n";
	assert_int_equal(fl_revision_parse(a, "x.sql", text, strlen(text), &r, &err), FL_OK);
	assert_string_equal(r.id, "1a2b3c4d5e6f");
	assert_null(r.down_revision);
	assert_string_equal(r.message, "initial migration");
	assert_string_equal(r.date, "2026-11-22 05:40:00");
	assert_string_equal(r.upgrade, "CREATE TABLE t (x INTEGER);\n");
	assert_string_equal(r.downgrade, "DROP TABLE t;\n");
	/* empty sections and no optional headers are fine */
	text = "-- revision: b\n-- down_revision: a\n-- upgrade\n-- downgrade\n";
	assert_int_equal(fl_revision_parse(a, "y.sql", text, strlen(text), &r, &err), FL_OK);
	assert_string_equal(r.down_revision, "a");
	assert_string_equal(r.message, "");
	fl_arena_free(a);
}

static void test_parse_errors(void **state)
{
	fl_arena *a = fl_arena_new(0);
	struct { const char *text; size_t len; const char *want; } cases[] = {
		{ "-- revision: a\n-- down-revision: <base>\n-- upgrade\n-- downgrade\n", 0,
		  "f.sql:2: unknown header" },
		{ "-- revision: a\n-- revision: b\n", 0, "f.sql:2: header given twice" },
		{ "-- down_revision: <base>\n-- upgrade\n-- downgrade\n", 0,
		  "f.sql:2: missing '-- revision:'" },
		{ "-- revision: a\n-- upgrade\n-- downgrade\n", 0, "f.sql:2: missing '-- down_revision:'" },
		{ "-- revision: a\n-- down_revision: <base>\nCREATE TABLE x (y);\n", 0,
		  "f.sql:3: expected a '-- key: value' header" },
		{ "-- revision: a\n-- down_revision: <base>\n-- upgrade\nSELECT 1;\n", 0,
		  "f.sql:4: missing '-- downgrade'" },
		{ "-- revision: a\n-- down_revision: <base>\n-- downgrade\n", 0,
		  "f.sql:3: '-- downgrade' before '-- upgrade'" },
		{ "-- revision: a\n-- down_revision: <base>\n-- upgrade\n-- downgrade\n-- upgrade\n", 0,
		  "f.sql:5: '-- upgrade' given twice" },
		{ "-- revision: a\n-- down_revision: <base>\n-- upgrade\n-- downgrade\n-- downgrade\n", 0,
		  "f.sql:5: '-- downgrade' given twice" },
		{ "-- revision: a b\n-- down_revision: <base>\n-- upgrade\n-- downgrade\n", 0,
		  "f.sql:3: revision id must be" },
		{ "-- revision: a\n-- down_revision: a\n-- upgrade\n-- downgrade\n", 0,
		  "cannot be its own" },
		{ "-- revision: 0123456789012345678901234567890123\n-- down_revision: <base>\n"
		  "-- upgrade\n-- downgrade\n", 0, "revision id must be" },
		{ "-- revision: a\n-- down_revision: <base>\n-- upgrade\nCREATE TABLE x (y)\n-- downgrade\n",
		  0, "f.sql:3: the upgrade section does not end with a complete statement" },
		{ "-- revision: a\n-- down_revision: <base>\n-- upgrade\n-- downgrade\nDROP TABLE x\n", 0,
		  "f.sql:4: the downgrade section" },
		{ "-- revision: a\n-- down_revision: <base>\n\0-- upgrade\n", 44, "f.sql:3: NUL byte" },
		{ "-- revision: a\n-- message: caf\xe9\n", 0, "f.sql:2: file is not valid UTF-8" },
		{ "", 0, "f.sql:0: missing '-- upgrade' line" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_revision r;
		const char *err = NULL;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		assert_int_equal(fl_revision_parse(a, "f.sql", cases[i].text, len, &r, &err), FL_EMIGRATE);
		if (!err || !strstr(err, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err ? err : "(null)", cases[i].want);
		assert_null(r.id);
	}
	fl_arena_free(a);
}

/* ---- chaining ---- */

static void test_chain_order_not_file_order(void **state)
{
	struct tmpdb *f = *state;
	put_chain(f);
	put(f, "README", "not a revision");
	fl_migrations *m = load(f, FL_OK);
	assert_int_equal(m->n, 3);
	assert_string_equal(m->chain[0]->id, "ccc111");
	assert_string_equal(m->chain[1]->id, "bbb222");
	assert_string_equal(m->chain[2]->id, "aaa333");
	assert_string_equal(fl_migrations_head(m), "aaa333");
	fl_buf b;
	fl_buf_init(&b, f->arena);
	fl_migrate_history(m, &b);
	assert_string_equal(fl_buf_cstr(&b),
		"bbb222 -> aaa333 (head), add c\n"
		"ccc111 -> bbb222, create b\n"
		"<base> -> ccc111, create a\n");
}

static void test_chain_errors(void **state)
{
	fl_arena *a = fl_arena_new(0);
	struct { fl_revision revs[3]; size_t n; const char *want; } cases[] = {
		{ { { .id = "a", .path = "a.sql" }, { .id = "b", .path = "b.sql" } }, 2,
		  "two base revisions (two heads): a.sql and b.sql" },
		{ { { .id = "a", .path = "a.sql" }, { .id = "b", .down_revision = "a", .path = "b.sql" },
		    { .id = "c", .down_revision = "a", .path = "c.sql" } }, 3,
		  "branch: b.sql and c.sql both follow a" },
		{ { { .id = "a", .path = "a.sql" }, { .id = "b", .down_revision = "zz", .path = "b.sql" } },
		  2, "b.sql: down_revision zz is not defined" },
		{ { { .id = "a", .path = "a.sql" }, { .id = "a", .path = "a2.sql" } }, 2,
		  "revision a is defined twice: a.sql and a2.sql" },
		{ { { .id = "a", .path = "a.sql" }, { .id = "b", .down_revision = "c", .path = "b.sql" },
		    { .id = "c", .down_revision = "b", .path = "c.sql" } }, 3, "cycle" },
		{ { { .id = "b", .down_revision = "c", .path = "b.sql" },
		    { .id = "c", .down_revision = "b", .path = "c.sql" } }, 2, "cycle" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_migrations *m;
		assert_int_equal(fl_migrations_chain(a, cases[i].revs, cases[i].n, &m), FL_EMIGRATE);
		if (!m->error || !strstr(m->error, cases[i].want))
			fail_msg("case %zu: got '%s'", i, m->error ? m->error : "(null)");
	}
	fl_arena_free(a);
}

static void test_load_errors(void **state)
{
	struct tmpdb *f = *state;
	put(f, "abc_first.sql", "-- revision: abd\n-- down_revision: <base>\n-- upgrade\n-- downgrade\n");
	fl_migrations *m = load(f, FL_EMIGRATE);
	assert_non_null(strstr(m->error, "abc_first.sql: the file name must start with its revision id abd"));
	put(f, "abc_first.sql", "-- revision: abc\n-- down_revision: <base>\n-- upgrade\nBAD\n-- downgrade\n");
	m = load(f, FL_EMIGRATE);
	assert_non_null(strstr(m->error, "/migrations/abc_first.sql:3: the upgrade section"));
	fl_migrations *none;
	assert_int_equal(fl_migrations_load(f->arena, "/nonexistent/flagon", &none), FL_EIO);
	assert_non_null(strstr(none->error, "/nonexistent/flagon"));
}

/* ---- running ---- */

static void test_upgrade_downgrade_stamp(void **state)
{
	struct tmpdb *f = *state;
	put_chain(f);
	fl_migrations *m = load(f, FL_OK);
	assert_string_equal(current(f, m), "base");   /* no alembic_version yet */
	assert_int_equal(fl_migrate_upgrade(m, f->db, "bbb"), FL_OK);   /* unique prefix */
	assert_string_equal(current(f, m), "bbb222");
	assert_true(has_table(f->db, "a") && has_table(f->db, "b") && !has_table(f->db, "c"));
	assert_int_equal(fl_migrate_upgrade(m, f->db, NULL), FL_OK);
	assert_string_equal(current(f, m), "aaa333");
	assert_int_equal(fl_migrate_upgrade(m, f->db, "head"), FL_OK);   /* nothing to do */
	assert_int_equal(fl_migrate_upgrade(m, f->db, "ccc111"), FL_EMIGRATE);
	assert_non_null(strstr(m->error, "use downgrade"));
	assert_int_equal(fl_migrate_upgrade(m, f->db, "zzz"), FL_EMIGRATE);
	assert_non_null(strstr(m->error, "can't locate revision identified by 'zzz'"));

	assert_int_equal(fl_migrate_downgrade(m, f->db, NULL), FL_OK);   /* -1 */
	assert_string_equal(current(f, m), "bbb222");
	assert_false(has_table(f->db, "c"));
	assert_int_equal(fl_migrate_downgrade(m, f->db, "-3"), FL_EMIGRATE);
	assert_int_equal(fl_migrate_downgrade(m, f->db, "base"), FL_OK);
	assert_string_equal(current(f, m), "base");
	assert_false(has_table(f->db, "a") || has_table(f->db, "b"));
	assert_true(has_table(f->db, "alembic_version"));
	assert_int_equal(fl_migrate_downgrade(m, f->db, "-1"), FL_EMIGRATE);

	/* stamp sets the revision without running anything */
	assert_int_equal(fl_migrate_stamp(m, f->db, "head"), FL_OK);
	assert_string_equal(current(f, m), "aaa333");
	assert_false(has_table(f->db, "c"));
	assert_int_equal(fl_migrate_stamp(m, f->db, "ccc111"), FL_OK);
	assert_string_equal(current(f, m), "ccc111");
	assert_int_equal(fl_migrate_stamp(m, f->db, "base"), FL_OK);
	assert_string_equal(current(f, m), "base");
	assert_int_equal(fl_migrate_stamp(m, f->db, "nope"), FL_EMIGRATE);
}

static void test_failing_revision_keeps_last_good(void **state)
{
	struct tmpdb *f = *state;
	put_chain(f);
	put(f, "ddd444_broken.sql",
		"-- revision: ddd444\n-- down_revision: aaa333\n-- message: broken\n-- upgrade\n"
		"CREATE TABLE d (x INTEGER);\nINSERT INTO nope VALUES (1);\n-- downgrade\nDROP TABLE d;\n");
	fl_migrations *m = load(f, FL_OK);
	assert_int_equal(fl_migrate_upgrade(m, f->db, NULL), FL_EMIGRATE);
	/* the error names the file and the line of the failing statement */
	assert_non_null(strstr(m->error, "ddd444_broken.sql:6: upgrade failed: no such table: nope"));
	assert_string_equal(current(f, m), "aaa333");
	assert_false(has_table(f->db, "d"));          /* its first statement was rolled back too */
	assert_true(has_table(f->db, "c"));
	assert_false(fl_db_in_transaction(f->db));
	/* a revision's script may not end the transaction it runs in */
	put(f, "ddd444_broken.sql",
		"-- revision: ddd444\n-- down_revision: aaa333\n-- message: sneaky\n-- upgrade\n"
		"CREATE TABLE d (x INTEGER);\nCOMMIT;\nINSERT INTO nope VALUES (1);\n-- downgrade\n");
	m = load(f, FL_OK);
	assert_int_equal(fl_migrate_upgrade(m, f->db, NULL), FL_EMIGRATE);
	assert_false(has_table(f->db, "d"));
	assert_string_equal(current(f, m), "aaa333");
}

static void test_unknown_db_revision(void **state)
{
	struct tmpdb *f = *state;
	put_chain(f);
	fl_migrations *m = load(f, FL_OK);
	assert_int_equal(fl_db_exec_script(f->db, "CREATE TABLE alembic_version (version_num "
		"VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('feed');"), FL_OK);
	const char *rev;
	assert_int_equal(fl_migrate_current(m, f->db, &rev), FL_EMIGRATE);
	assert_non_null(strstr(m->error, "feed"));
	assert_int_equal(fl_migrate_upgrade(m, f->db, NULL), FL_EMIGRATE);
}

/* The repository's initial revision builds exactly create_all's schema. */
static const char *repo_migrations(fl_arena *a)
{
	const char *self = __FILE__;   /* ".../tests/unit/test_migrate.c" */
	const char *cut = strstr(self, "tests/unit/test_migrate.c");
	return fl_arena_printf(a, "%.*ssql/migrations", (int)(cut - self), self);
}

static json_t *schema(fl_db *db)
{
	json_t *rows;
	assert_int_equal(fl_db_query(db, "SELECT type, name, tbl_name, sql FROM sqlite_master "
		"WHERE name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY type, name",
		NULL, &rows), FL_OK);
	return rows;
}

static void test_repo_migration_equals_create_all(void **state)
{
	struct tmpdb *f = *state;
	fl_migrations *m;
	assert_int_equal(fl_migrations_load(f->arena, repo_migrations(f->arena), &m), FL_OK);
	assert_true(m->n >= 1);
	assert_int_equal(fl_migrate_upgrade(m, f->db, m->chain[0]->id), FL_OK);
	json_t *migrated = schema(f->db);

	fl_db *other;
	assert_int_equal(fl_db_open(":memory:", &other), FL_OK);
	const fl_model *models[] = { &user_model, &role_model, NULL };
	assert_int_equal(fl_create_all(other, f->arena, models), FL_OK);
	json_t *created = schema(other);
	fl_db_close(other);

	char *x = json_dumps(migrated, JSON_INDENT(1)), *y = json_dumps(created, JSON_INDENT(1));
	if (!json_equal(migrated, created))
		fail_msg("migration:\n%s\ncreate_all:\n%s", x, y);
	assert_int_equal(json_array_size(created), 3);   /* roles, users, ix_users_username */

	assert_int_equal(fl_migrate_downgrade(m, f->db, "base"), FL_OK);
	assert_int_equal(json_array_size(schema(f->db)), 0);
}

/* ---- manage db ---- */

/* Run fl_cli_db with stdout and stderr captured into `out`/`err`. */
static int cli(struct tmpdb *f, char *out, char *err, size_t cap, int argc, char **argv)
{
	char po[128], pe[128];
	snprintf(po, sizeof po, "%s/out", f->dir);
	snprintf(pe, sizeof pe, "%s/err", f->dir);
	fflush(stdout);
	fflush(stderr);
	int so = dup(1), se = dup(2);
	int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600), fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	const fl_model *models[] = { &role_model, &user_model, NULL };
	const fl_config cfg = { .database_path = f->dbpath };   /* sqlite (dialect 0) */
	int rc = fl_cli_db(argc, argv, &cfg, f->mig, models);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so); close(se); close(fo); close(fe);
	FILE *fp = fopen(po, "r");
	out[fread(out, 1, cap - 1, fp)] = '\0';
	fclose(fp);
	fp = fopen(pe, "r");
	err[fread(err, 1, cap - 1, fp)] = '\0';
	fclose(fp);
	return rc;
}

static void test_cli(void **state)
{
	struct tmpdb *f = *state;
	char out[2048], err[2048];
	put_chain(f);
	char *up[] = { "db", "upgrade" }, *cur[] = { "db", "current" }, *hist[] = { "history" };
	char *down[] = { "db", "downgrade", "base" }, *stamp[] = { "db", "stamp", "bbb222" };
	char *mig[] = { "db", "migrate", "-m", "x" }, *bad[] = { "db", "frobnicate" };
	char *stamp0[] = { "db", "stamp" }, *init[] = { "db", "init" };
	assert_int_equal(cli(f, out, err, sizeof out, 2, up), 0);
	assert_non_null(strstr(err, "Running upgrade <base> -> ccc111, create a"));
	assert_int_equal(cli(f, out, err, sizeof out, 2, cur), 0);
	assert_string_equal(out, "aaa333 (head)\n");
	assert_int_equal(cli(f, out, err, sizeof out, 1, hist), 0);
	assert_string_equal(out, "bbb222 -> aaa333 (head), add c\nccc111 -> bbb222, create b\n"
		"<base> -> ccc111, create a\n");
	assert_int_equal(cli(f, out, err, sizeof out, 3, down), 0);
	assert_int_equal(cli(f, out, err, sizeof out, 2, cur), 0);
	assert_string_equal(out, "");
	assert_int_equal(cli(f, out, err, sizeof out, 3, stamp), 0);
	assert_int_equal(cli(f, out, err, sizeof out, 2, cur), 0);
	assert_string_equal(out, "bbb222\n");
	/* autogenerate needs the database at the head revision (Alembic's rule) */
	assert_int_equal(cli(f, out, err, sizeof out, 4, mig), 1);
	assert_non_null(strstr(err, "not up to date"));
	char *check[] = { "db", "check" }, *mig_bad[] = { "db", "migrate", "-x" };
	assert_int_equal(cli(f, out, err, sizeof out, 2, check), 1);
	assert_non_null(strstr(err, "not up to date"));
	assert_int_equal(cli(f, out, err, sizeof out, 3, mig_bad), 1);
	assert_non_null(strstr(err, "db migrate: unknown option '-x'"));
	assert_int_equal(cli(f, out, err, sizeof out, 2, bad), 1);
	assert_non_null(strstr(err, "unknown subcommand 'frobnicate'"));
	assert_int_equal(cli(f, out, err, sizeof out, 2, stamp0), 1);
	assert_int_equal(cli(f, out, err, sizeof out, 2, init), 1);   /* not empty */
	assert_non_null(strstr(err, "not empty"));
	/* every error is one line */
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	/* a broken file: exit 1 naming it */
	put(f, "eee_x.sql", "-- revision: eee\n");
	assert_int_equal(cli(f, out, err, sizeof out, 2, up), 1);
	assert_non_null(strstr(err, "eee_x.sql:1"));
	/* init on a fresh folder */
	snprintf(f->mig, sizeof f->mig, "%s/new/migrations", f->dir);
	assert_int_equal(cli(f, out, err, sizeof out, 2, init), 0);
	char readme_path[160];
	snprintf(readme_path, sizeof readme_path, "%s/README", f->mig);
	assert_int_equal(access(readme_path, R_OK), 0);
	assert_int_equal(cli(f, out, err, sizeof out, 1, hist), 0);   /* empty chain */
	assert_string_equal(out, "");
}

/* upgrade +N and downgrade -N count from the database's revision. */
static void test_relative_steps(void **state)
{
	struct tmpdb *f = *state;
	put_chain(f);
	fl_migrations *m = load(f, FL_OK);
	m->progress = NULL;
	assert_int_equal(fl_migrate_upgrade(m, f->db, "+1"), FL_OK);
	assert_string_equal(current(f, m), "ccc111");
	assert_int_equal(fl_migrate_upgrade(m, f->db, "+2"), FL_OK);
	assert_string_equal(current(f, m), "aaa333");
	assert_int_equal(fl_migrate_upgrade(m, f->db, "+1"), FL_EMIGRATE);
	assert_string_equal(m->error, "relative revision +1 didn't produce 1 migrations");
	assert_int_equal(fl_migrate_downgrade(m, f->db, "-2"), FL_OK);
	assert_string_equal(current(f, m), "ccc111");
	assert_false(has_table(f->db, "b"));
	assert_int_equal(fl_migrate_downgrade(m, f->db, "-2"), FL_EMIGRATE);
	assert_non_null(strstr(m->error, "didn't produce 2 migrations"));
	assert_int_equal(fl_migrate_upgrade(m, f->db, "+x"), FL_EMIGRATE);
	assert_int_equal(fl_migrate_upgrade(m, f->db, "+0"), FL_EMIGRATE);
	assert_string_equal(current(f, m), "ccc111");
}

/* db revision: an empty revision whose parent is the head; it parses,
 * chains and runs as a no-op. */
static void test_empty_revision(void **state)
{
	struct tmpdb *f = *state;
	fl_migrations *m = load(f, FL_OK);
	char *first, *second;
	assert_int_equal(fl_migrate_revision(m, "Hand written: seed roles", &first), FL_OK);
	assert_non_null(strstr(first, "_hand_written_seed_roles.sql"));
	m = load(f, FL_OK);
	assert_int_equal(m->n, 1);
	const fl_revision *r = m->chain[0];
	assert_null(r->down_revision);
	assert_string_equal(r->message, "Hand written: seed roles");
	assert_string_equal(r->path, first);
	assert_int_equal(fl_migrate_revision(m, "second", &second), FL_OK);
	m = load(f, FL_OK);
	assert_int_equal(m->n, 2);
	assert_string_equal(m->chain[1]->down_revision, r->id);
	m->progress = NULL;
	assert_int_equal(fl_migrate_upgrade(m, f->db, "head"), FL_OK);
	assert_string_equal(current(f, m), m->chain[1]->id);
	assert_int_equal(fl_migrate_downgrade(m, f->db, "base"), FL_OK);
	/* show prints Alembic's log entry and the SQL */
	fl_buf b;
	fl_buf_init(&b, f->arena);
	assert_int_equal(fl_migrate_show(m, m->chain[0]->id, &b), FL_OK);
	const char *want = fl_arena_printf(f->arena, "Rev: %s\nParent: <base>\nPath: %s\n\n"
		"    Hand written: seed roles\n    \n    Revision ID: %s\n    Revises: \n",
		r->id, first, r->id);
	assert_memory_equal(fl_buf_cstr(&b), want, strlen(want));
	assert_non_null(strstr(fl_buf_cstr(&b), "-- upgrade\n-- Written by ./manage db revision"));
	const char *text = fl_buf_cstr(&b);
	assert_string_equal(text + strlen(text) - 14, "\n-- downgrade\n");   /* empty */
	assert_int_equal(fl_migrate_show(m, "nope", &b), FL_EMIGRATE);
	assert_non_null(strstr(m->error, "can't locate revision identified by 'nope'"));
}

/* fl_migrate_offline's text for `range`, which must succeed. */
static const char *offline(struct tmpdb *f, fl_migrations *m, const char *range, bool up)
{
	fl_buf b;
	fl_buf_init(&b, f->arena);
	if (fl_migrate_offline(m, range, up, FL_DIALECT_SQLITE, &b))
		fail_msg("offline %s: %s", range, m->error);
	return fl_buf_cstr(&b);
}

/* upgrade --sql / downgrade --sql: the SQL the runner would run. */
static void test_offline_sql(void **state)
{
	struct tmpdb *f = *state;
	put_chain(f);
	fl_migrations *m = load(f, FL_OK);
	fl_buf b;
	const char *text;
	text = offline(f, m, "bbb222", true);
	assert_string_equal(text,
		"CREATE TABLE IF NOT EXISTS alembic_version (\n"
		"\tversion_num VARCHAR(32) NOT NULL PRIMARY KEY\n);\n\n"
		"-- Running upgrade  -> ccc111\n\nBEGIN TRANSACTION;\n\n"
		"CREATE TABLE a (x INTEGER);\n\n"
		"INSERT INTO alembic_version (version_num) VALUES ('ccc111');\n\nCOMMIT;\n\n"
		"-- Running upgrade ccc111 -> bbb222\n\nBEGIN TRANSACTION;\n\n"
		"CREATE TABLE b (y TEXT);\nINSERT INTO b VALUES ('it''s; -- not a comment');\n\n"
		"UPDATE alembic_version SET version_num='bbb222' WHERE "
		"alembic_version.version_num = 'ccc111';\n\nCOMMIT;\n\n");
	text = offline(f, m, "bbb222:head", true);
	assert_non_null(strstr(text, "-- Running upgrade bbb222 -> aaa333"));
	assert_null(strstr(text, "ccc111 ->"));
	assert_null(strstr(text, "CREATE TABLE IF NOT EXISTS alembic_version"));
	text = offline(f, m, "bbb222:base", false);
	assert_string_equal(text,
		"-- Running downgrade bbb222 -> ccc111\n\nBEGIN TRANSACTION;\n\nDROP TABLE b;\n\n"
		"UPDATE alembic_version SET version_num='ccc111' WHERE "
		"alembic_version.version_num = 'bbb222';\n\nCOMMIT;\n\n"
		"-- Running downgrade ccc111 -> \n\nBEGIN TRANSACTION;\n\nDROP TABLE a;\n\n"
		"DELETE FROM alembic_version WHERE alembic_version.version_num = 'ccc111';\n\n"
		"COMMIT;\n\nDROP TABLE alembic_version;\n\n");
	text = offline(f, m, "head:-1", false);
	assert_non_null(strstr(text, "-- Running downgrade aaa333 -> bbb222"));
	fl_buf_init(&b, f->arena);
	assert_int_equal(fl_migrate_offline(m, "ccc111:+2", true, FL_DIALECT_SQLITE, &b), FL_OK);
	assert_int_equal(fl_migrate_offline(m, "head", false, FL_DIALECT_SQLITE, &b), FL_EMIGRATE);
	assert_string_equal(m->error, "downgrade with --sql requires <fromrev>:<torev>");
	assert_int_equal(fl_migrate_offline(m, "head:ccc111", true, FL_DIALECT_SQLITE, &b), FL_EMIGRATE);
	assert_int_equal(fl_migrate_offline(m, "zzz:head", true, FL_DIALECT_SQLITE, &b), FL_EMIGRATE);
	/* nothing touched the database */
	assert_false(has_table(f->db, "alembic_version") || has_table(f->db, "a"));
	/* a "-- foreign_keys: off" revision: PRAGMAs around its transaction */
	put(f, "ddd444_fk.sql", "-- revision: ddd444\n-- down_revision: aaa333\n"
		"-- foreign_keys: off\n-- upgrade\nDROP TABLE c;\n-- downgrade\nCREATE TABLE c (z INTEGER);\n");
	m = load(f, FL_OK);
	text = offline(f, m, "aaa333:ddd444", true);
	assert_string_equal(text,
		"-- Running upgrade aaa333 -> ddd444\n\nPRAGMA foreign_keys=OFF;\n\n"
		"BEGIN TRANSACTION;\n\nDROP TABLE c;\n\nPRAGMA foreign_key_check;\n\n"
		"UPDATE alembic_version SET version_num='ddd444' WHERE "
		"alembic_version.version_num = 'aaa333';\n\nCOMMIT;\n\nPRAGMA foreign_keys=ON;\n\n");
}

/* The command line: help everywhere, options checked, offline runs that
 * never create the database file. */
static void test_cli_more(void **state)
{
	struct tmpdb *f = *state;
	char out[8192], err[2048];
	put_chain(f);
	char *uph[] = { "db", "upgrade", "--help" }, *dbh[] = { "db", "-h" };
	assert_int_equal(cli(f, out, err, sizeof out, 3, uph), 0);
	assert_true(strncmp(out, "usage: manage db upgrade", 24) == 0);
	assert_int_equal(cli(f, out, err, sizeof out, 2, dbh), 0);
	assert_non_null(strstr(out, "  create_all "));
	char *showh[] = { "db", "show", "head", "-h" };
	assert_int_equal(cli(f, out, err, sizeof out, 4, showh), 0);
	assert_true(strncmp(out, "usage: manage db show", 21) == 0);
	char *extra[] = { "db", "current", "x" }, *badopt[] = { "db", "upgrade", "--frob" };
	assert_int_equal(cli(f, out, err, sizeof out, 3, extra), 1);
	assert_non_null(strstr(err, "db current: unexpected argument 'x'"));
	assert_int_equal(cli(f, out, err, sizeof out, 3, badopt), 1);
	assert_non_null(strstr(err, "db upgrade: unknown option '--frob'"));
	char *two[] = { "db", "upgrade", "a", "b" }, *rev0[] = { "db", "revision" };
	assert_int_equal(cli(f, out, err, sizeof out, 4, two), 1);
	assert_non_null(strstr(err, "unexpected argument 'b'"));
	assert_int_equal(cli(f, out, err, sizeof out, 2, rev0), 1);
	assert_non_null(strstr(err, "-m MSG is required"));
	char *heads[] = { "db", "heads" }, *show[] = { "db", "show", "bbb" };
	assert_int_equal(cli(f, out, err, sizeof out, 2, heads), 0);
	assert_string_equal(out, "aaa333 (head)\n");
	assert_int_equal(cli(f, out, err, sizeof out, 3, show), 0);
	assert_true(strncmp(out, "Rev: bbb222\nParent: ccc111\nPath: ", 33) == 0);
	/* offline: the database file is never created */
	snprintf(f->dbpath, sizeof f->dbpath, "%s/never.sqlite", f->dir);
	char *sql[] = { "db", "upgrade", "--sql", "head" }, *dsql[] = { "db", "downgrade", "--sql", "head:base" };
	char *dsql0[] = { "db", "downgrade", "--sql", "base" };
	assert_int_equal(cli(f, out, err, sizeof out, 4, sql), 0);
	assert_non_null(strstr(out, "INSERT INTO alembic_version (version_num) VALUES ('ccc111');"));
	assert_int_equal(cli(f, out, err, sizeof out, 4, dsql), 0);
	assert_non_null(strstr(out, "DROP TABLE alembic_version;"));
	assert_int_equal(cli(f, out, err, sizeof out, 4, dsql0), 1);
	assert_non_null(strstr(err, "FROM:TO"));
	assert_int_equal(access(f->dbpath, F_OK), -1);
	/* revision -m writes a file; upgrade +1 runs it */
	char *rev[] = { "db", "revision", "-m", "by hand" }, *up1[] = { "db", "upgrade", "+1" };
	assert_int_equal(cli(f, out, err, sizeof out, 4, rev), 0);
	assert_non_null(strstr(out, "_by_hand.sql ...  done"));
	assert_int_equal(cli(f, out, err, sizeof out, 3, up1), 0);
	assert_non_null(strstr(err, "Running upgrade <base> -> ccc111"));
	/* create_all / drop_all print what they did */
	char *ca[] = { "db", "create_all" }, *da[] = { "db", "drop_all" };
	assert_int_equal(cli(f, out, err, sizeof out, 2, ca), 0);
	assert_string_equal(out, "Created table roles\nCreated table users\n");
	assert_int_equal(cli(f, out, err, sizeof out, 2, ca), 0);
	assert_string_equal(out, "Every table exists already.\n");
	assert_int_equal(cli(f, out, err, sizeof out, 2, da), 0);
	assert_string_equal(out, "Dropped table roles\nDropped table users\n");
	assert_int_equal(cli(f, out, err, sizeof out, 2, da), 0);
	assert_string_equal(out, "No table to drop.\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		T(test_chain_order_not_file_order),
		cmocka_unit_test(test_chain_errors),
		T(test_load_errors),
		T(test_upgrade_downgrade_stamp),
		T(test_failing_revision_keeps_last_good),
		T(test_unknown_db_revision),
		T(test_repo_migration_equals_create_all),
		T(test_cli),
		T(test_relative_steps),
		T(test_empty_revision),
		T(test_offline_sql),
		T(test_cli_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
