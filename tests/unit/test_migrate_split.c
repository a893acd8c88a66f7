/* test_migrate_split.c — where a revision's statements end in each
 * dialect's quoting (fl_sql_statement_end), and the runner on the servers
 * tests/run.sh starts (FLAGON_TEST_DB=mysql|postgresql|all): revisions
 * whose statements hold ';' inside dollar quotes, E'' strings, backquotes
 * and comments run whole, and their parts are the dialect's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/db_uri.h"
#include "data/db.h"
#include "data/driver_internal.h"
#include "data/migrate/migrate.h"
#include "dbserver.h"
#include "tmpdb.h"

/* The statements of `sql` in dialect d, joined by "|", trimmed of the
 * leading blanks; an incomplete tail is given as "<rest>". */
static const char *split(fl_arena *a, const char *sql, fl_dialect_id d, bool backslash)
{
	fl_buf b;
	fl_buf_init(&b, a);
	const char *end;
	while ((end = fl_sql_statement_end(a, sql, d, backslash))) {
		while (*sql == ' ' || *sql == '\n')
			sql++;
		fl_buf_printf(&b, "%.*s|", (int)(end - sql), sql);
		sql = end;
	}
	if (fl_sql_has_statement(sql, d))
		fl_buf_printf(&b, "<%s>", sql);
	return fl_buf_cstr(&b);
}

static void test_split_per_dialect(void **state)
{
	fl_arena *a = fl_arena_new(0);
	const fl_dialect_id S = FL_DIALECT_SQLITE, M = FL_DIALECT_MYSQL, P = FL_DIALECT_POSTGRESQL;
	struct { fl_dialect_id d; bool bs; const char *sql, *want; } cases[] = {
		{ P, false, "SELECT 1; SELECT 2;", "SELECT 1;|SELECT 2;|" },
		{ P, false, "CREATE FUNCTION f() RETURNS int AS $$ BEGIN x; RETURN 1; END $$ LANGUAGE plpgsql;"
		  " SELECT 'a;b';", "CREATE FUNCTION f() RETURNS int AS $$ BEGIN x; RETURN 1; END $$ "
		  "LANGUAGE plpgsql;|SELECT 'a;b';|" },
		{ P, false, "SELECT $fn$ ;$$; $fn$; SELECT 2;", "SELECT $fn$ ;$$; $fn$;|SELECT 2;|" },
		{ P, false, "SELECT E'it\\'s;'; SELECT 'a\\'; SELECT 3;",
		  "SELECT E'it\\'s;';|SELECT 'a\\';|SELECT 3;|" },
		{ P, false, "SELECT $1; SELECT a$b; SELECT 2", "SELECT $1;|SELECT a$b;|< SELECT 2>" },
		{ P, false, "/* a /* nested; */ still; */ SELECT 1; -- x;\nSELECT \"a;\";",
		  "/* a /* nested; */ still; */ SELECT 1;|-- x;\nSELECT \"a;\";|" },
		{ P, false, "SELECT $$never closed;", "<SELECT $$never closed;>" },
		{ M, false, "CREATE TABLE `a;b` (x INT); # c;\nSELECT 'x\\'; SELECT 2;",
		  "CREATE TABLE `a;b` (x INT);|# c;\nSELECT 'x\\';|SELECT 2;|" },
		{ M, true, "SELECT 'x\\'; y'; SELECT 2;", "SELECT 'x\\'; y';|SELECT 2;|" },
		{ M, false, "SELECT 1--1; SELECT 2; -- c;\n", "SELECT 1--1;|SELECT 2;|" },
		{ M, false, "SELECT \"a;\" /* b; */;", "SELECT \"a;\" /* b; */;|" },
		{ S, false, "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET z = 1; END; SELECT 1;",
		  "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET z = 1; END;|SELECT 1;|" },
		{ S, false, "-- only a comment\n", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = split(a, cases[i].sql, cases[i].d, cases[i].bs);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
	fl_arena_free(a);
}

/* A dollar-quoted function body and an E'' string inside dialect parts
 * parse as complete statements, and a part that is not is refused. */
static void test_parts_checked_in_their_dialect(void **state)
{
	fl_arena *a = fl_arena_new(0);
	fl_revision r;
	const char *err;
	const char *text = "-- revision: a1\n-- down_revision: <base>\n-- upgrade\n-- downgrade\n"
		"-- upgrade: postgresql\nSELECT $x$ ' $x$;\nSELECT E'\\'';\n";
	assert_int_equal(fl_revision_parse(a, "x.sql", text, strlen(text), &r, &err), FL_OK);
	text = "-- revision: a1\n-- down_revision: <base>\n-- upgrade\n-- downgrade\n"
		"-- upgrade: postgresql\nSELECT $x$ ; ;\n";
	assert_int_equal(fl_revision_parse(a, "x.sql", text, strlen(text), &r, &err), FL_EMIGRATE);
	assert_non_null(strstr(err, "x.sql:5: the upgrade: postgresql section does not end"));
	fl_arena_free(a);
}

/* ---- the runner on the servers ---- */

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const char quoting_revision[] =
	"-- revision: q1\n-- down_revision: <base>\n-- message: quoting\n"
	"-- upgrade\nCREATE TABLE mq_t (v TEXT);\nINSERT INTO mq_t VALUES ('plain;');\n"
	"-- downgrade\nDROP TABLE mq_t;\n"
	"-- upgrade: mysql\nCREATE TABLE `mq_t` (v TEXT); # a comment; with semicolons\n"
	"INSERT INTO mq_t VALUES ('my;sql'), ('a' = 'a');\n"
	"-- upgrade: postgresql\nCREATE TABLE mq_t (v TEXT);\n"
	"CREATE FUNCTION mq_f() RETURNS text AS $body$ BEGIN RETURN 'pg;' || $$;$$; END; $body$ "
	"LANGUAGE plpgsql;\nINSERT INTO mq_t VALUES (mq_f()), (E'it\\'s;');\n"
	"-- downgrade: postgresql\nDROP FUNCTION mq_f();\nDROP TABLE mq_t;\n";

static void run_on(const char *kind, const char *want)
{
	const char *text = dbserver_uri(kind);
	if (!text)
		skip();
	struct tmpdb *t = tmpdb_new("migsplit");
	fl_db_uri uri;
	fl_db *db;
	assert_int_equal(fl_db_uri_parse(text, &uri, NULL, 0), FL_OK);
	fl_driver_options opt = { .uri = &uri, .connect_timeout = 5 };
	if (fl_db_open_driver(fl_driver_for(uri.dialect), &opt, NULL, &db))
		fail_msg("%s: %s", kind, fl_db_errmsg(db));
	/* what an earlier run that failed may have left */
	fl_db_exec_script(db, "DROP TABLE IF EXISTS mq_t");
	fl_db_exec_script(db, "DROP TABLE IF EXISTS alembic_version");
	if (uri.dialect == FL_DIALECT_POSTGRESQL)
		fl_db_exec_script(db, "DROP FUNCTION IF EXISTS mq_f()");
	put(t->mig, "q1_quoting.sql", quoting_revision);
	fl_migrations *m;
	assert_int_equal(fl_migrations_load(t->arena, t->mig, &m), FL_OK);
	if (fl_migrate_upgrade(m, db, "head"))
		fail_msg("%s upgrade: %s", kind, m->error);
	json_t *rows;
	assert_int_equal(fl_db_query(db, "SELECT v FROM mq_t ORDER BY v", NULL, &rows), FL_OK);
	char *got = json_dumps(rows, JSON_COMPACT);   /* in the JSON arena */
	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", kind, got, want);
	if (fl_migrate_downgrade(m, db, "base"))
		fail_msg("%s downgrade: %s", kind, m->error);
	assert_int_equal(fl_db_query(db, "SELECT v FROM mq_t", NULL, &rows), FL_ENOTABLE);
	fl_db_exec_script(db, "DROP TABLE IF EXISTS alembic_version");
	fl_db_close(db);
	fl_db_uri_free(&uri);
	tmpdb_free(t);
}

static void test_runner_mysql(void **state)
{
	/* no own downgrade part: the plain DROP TABLE runs */
	run_on("mysql", "[{\"v\":\"1\"},{\"v\":\"my;sql\"}]");
}

static void test_runner_postgresql(void **state)
{
	run_on("postgresql", "[{\"v\":\"it's;\"},{\"v\":\"pg;;\"}]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_per_dialect),
		cmocka_unit_test(test_parts_checked_in_their_dialect),
		cmocka_unit_test(test_runner_mysql),
		cmocka_unit_test(test_runner_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
