/* test_revision_parts.c — revision files with dialect parts ("-- upgrade:
 * mysql" ...): parsing, the part a dialect runs, errors naming the line,
 * and fl_revision_write writing them back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "data/migrate/internal.h"
#include "tmpdb.h"

#define HEAD "-- revision: a1\n-- down_revision: <base>\n"

static void test_parts_parsed(void **state)
{
	fl_arena *a = fl_arena_new(0);
	fl_revision r;
	const char *err;
	const char *text = HEAD                                   /* lines 1-2 */
		"-- upgrade\nCREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"  /* 3-4 */
		"-- downgrade\nDROP TABLE t;\n"                   /* 5-6 */
		"-- upgrade: postgresql\nCREATE TABLE t (id SERIAL NOT NULL, PRIMARY KEY (id));\n"
		"-- upgrade:   mysql  \nCREATE TABLE t (id INTEGER NOT NULL AUTO_INCREMENT, "
		"PRIMARY KEY (id));\n"                            /* 9-10 */
		"-- downgrade: mysql\n\n-- by hand\nDROP TABLE `t`;\n";  /* 11-14 */
	assert_int_equal(fl_revision_parse(a, "x.sql", text, strlen(text), &r, &err), FL_OK);
	assert_string_equal(r.upgrade, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);\n");
	assert_string_equal(r.downgrade, "DROP TABLE t;\n");
	assert_null(r.parts[FL_DIALECT_SQLITE].upgrade);
	assert_null(r.parts[FL_DIALECT_POSTGRESQL].downgrade);
	assert_string_equal(r.parts[FL_DIALECT_MYSQL].downgrade, "\n-- by hand\nDROP TABLE `t`;\n");
	int line;
	/* each database runs its own part, else the plain one */
	assert_string_equal(fl_revision_sql(&r, "mysql", true, &line),
		"CREATE TABLE t (id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));\n");
	assert_int_equal(line, 10);
	assert_string_equal(fl_revision_sql(&r, "mysql", false, &line),
		"\n-- by hand\nDROP TABLE `t`;\n");
	assert_int_equal(line, 12);
	assert_string_equal(fl_revision_sql(&r, "postgresql", true, &line),
		"CREATE TABLE t (id SERIAL NOT NULL, PRIMARY KEY (id));\n");
	assert_int_equal(line, 8);
	assert_string_equal(fl_revision_sql(&r, "postgresql", false, &line), "DROP TABLE t;\n");
	assert_int_equal(line, 6);
	assert_string_equal(fl_revision_sql(&r, "sqlite", true, &line), r.upgrade);
	assert_int_equal(line, 4);
	assert_string_equal(fl_revision_sql(&r, NULL, false, NULL), r.downgrade);
	assert_int_equal(fl_revision_dialect("postgresql"), FL_DIALECT_POSTGRESQL);
	assert_int_equal(fl_revision_dialect("postgres"), FL_DIALECT__MAX);
	fl_arena_free(a);
}

static void test_parts_errors(void **state)
{
	fl_arena *a = fl_arena_new(0);
	struct { const char *text; const char *want; } cases[] = {
		{ HEAD "-- upgrade\n-- downgrade\n-- upgrade: oracle\n",
		  "f.sql:5: unknown dialect 'oracle' in '-- upgrade:'; expected sqlite, mysql or postgresql" },
		{ HEAD "-- upgrade\n-- downgrade\n-- downgrade: mariadb\n", "f.sql:5: unknown dialect 'mariadb'" },
		{ HEAD "-- upgrade\n-- downgrade\n-- upgrade: mysql\nSELECT 1;\n-- upgrade: mysql\n",
		  "f.sql:7: '-- upgrade: mysql' given twice (first on line 5)" },
		{ HEAD "-- upgrade\n-- upgrade: mysql\n-- downgrade\n",
		  "f.sql:4: '-- upgrade: mysql' before the plain '-- upgrade' and '-- downgrade' parts" },
		{ HEAD "-- upgrade: postgresql\n-- upgrade\n-- downgrade\n",
		  "f.sql:3: '-- upgrade: postgresql' before the plain" },
		{ HEAD "-- upgrade\n-- downgrade\n-- upgrade: mysql\n-- downgrade\n",
		  "f.sql:6: '-- downgrade' given twice" },
		{ HEAD "-- upgrade\n-- downgrade\n-- upgrade: mysql\n-- upgrade\n",
		  "f.sql:6: '-- upgrade' given twice" },
		{ HEAD "-- upgrade\n-- downgrade\n-- upgrade: mysql\nCREATE TABLE x (y INT)\n",
		  "f.sql:5: the upgrade: mysql section does not end with a complete statement" },
		{ HEAD "-- upgrade\n-- downgrade\n-- upgrade:\n", "f.sql:5: unknown dialect ''" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_revision r;
		const char *err = NULL;
		assert_int_equal(fl_revision_parse(a, "f.sql", cases[i].text, strlen(cases[i].text),
			&r, &err), FL_EMIGRATE);
		if (!err || !strstr(err, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err ? err : "(null)", cases[i].want);
		assert_null(r.parts[FL_DIALECT_MYSQL].upgrade);
	}
	fl_arena_free(a);
}

/* fl_revision_write writes the plain parts, then the dialect parts in
 * fl_dialect_id order; a NULL part is left out; the file parses back. */
static void test_parts_written(void **state)
{
	struct tmpdb *f = tmpdb_new("revparts");
	fl_migrations *m;
	assert_int_equal(fl_migrations_load(f->arena, f->mig, &m), FL_OK);
	fl_revision_body body = {
		.upgrade = "CREATE TABLE t (x INTEGER);\n",
		.downgrade = "DROP TABLE t;\n",
	};
	body.parts[FL_DIALECT_POSTGRESQL].upgrade = "CREATE TABLE t (x INTEGER);\n";
	body.parts[FL_DIALECT_POSTGRESQL].downgrade = "DROP TABLE t;\n";
	body.parts[FL_DIALECT_MYSQL].upgrade = "CREATE TABLE t (x INTEGER);\n";
	char *path;
	assert_int_equal(fl_revision_write(m, "two parts", &body, &path), FL_OK);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char text[4096];
	size_t n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	const char *tail = strstr(text, "-- upgrade\n");
	assert_non_null(tail);
	assert_string_equal(tail, "-- upgrade\nCREATE TABLE t (x INTEGER);\n-- downgrade\nDROP TABLE t;\n"
		"-- upgrade: mysql\nCREATE TABLE t (x INTEGER);\n"
		"-- upgrade: postgresql\nCREATE TABLE t (x INTEGER);\n"
		"-- downgrade: postgresql\nDROP TABLE t;\n");
	assert_int_equal(fl_migrations_load(f->arena, f->mig, &m), FL_OK);
	assert_int_equal(m->n, 1);
	assert_non_null(m->chain[0]->parts[FL_DIALECT_MYSQL].upgrade);
	assert_null(m->chain[0]->parts[FL_DIALECT_MYSQL].downgrade);
	/* db show lists them too */
	fl_buf out;
	fl_buf_init(&out, f->arena);
	assert_int_equal(fl_migrate_show(m, "head", &out), FL_OK);
	assert_non_null(strstr(fl_buf_cstr(&out), "-- downgrade: postgresql\nDROP TABLE t;\n"));
	tmpdb_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts_parsed),
		cmocka_unit_test(test_parts_errors),
		cmocka_unit_test(test_parts_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
