/* test_model_types.c — the column types and options of issue 17:
 * LargeBinary bytes, Numeric exact decimals (compared with SQLAlchemy 1.4's
 * Numeric on the same SQLite file), onupdate, and the utcnow default. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/row.h"
#include "data/dialect.h"
#include "data/model.h"
#include "data/query.h"
#include "oracle.h"
#include "tmpdb.h"

/* ---- models ---- */

static const fl_column file_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64),
	FL_COLUMN_TEXT("note"),
	FL_COLUMN_LARGEBINARY("data"),
	FL_COLUMN_END,
};
static const fl_model File = { .name = "File", .tablename = "files", .columns = file_columns };

static const fl_column price_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_NUMERIC("n0", 15, 0),
	FL_COLUMN_NUMERIC("n2", 15, 2),
	FL_COLUMN_NUMERIC("n4", 15, 4),
	FL_COLUMN_NUMERIC("nd", 0, 0),      /* Numeric(): SQLAlchemy's return scale 10 */
	FL_COLUMN_NUMERIC("n20", 20, 0),
	FL_COLUMN_END,
};
static const fl_model Price = { .name = "Price", .tablename = "prices", .columns = price_columns };

static int calls;
static json_t *next_version(void)
{
	return json_integer(++calls);
}

static const fl_column post_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 64),
	FL_COLUMN_DATETIME("created_at", FL_DEFAULT_UTCNOW),
	FL_COLUMN_DATETIME("updated_at", FL_ONUPDATE_UTCNOW),
	FL_COLUMN_INTEGER("version", FL_DEFAULT("0"), FL_ONUPDATE_FN(next_version)),
	FL_COLUMN_STRING("state", 16, FL_ONUPDATE("\"edited\"")),
	FL_COLUMN_END,
};
static const fl_model Post = { .name = "Post", .tablename = "posts", .columns = post_columns };

static const fl_model *const models[] = { &File, &Price, &Post, NULL };

static int setup(void **state)
{
	*state = tmpdb_new("types");
	struct tmpdb *t = *state;
	assert_int_equal(fl_create_all(t->db, t->arena, models), FL_OK);
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

static json_t *get(struct tmpdb *t, const fl_model *m, json_int_t id)
{
	json_t *row = NULL;
	assert_int_equal(fl_get(t->db, t->arena, m, json_integer(id), &row), FL_OK);
	assert_non_null(row);
	return row;
}

static json_t *sql1(struct tmpdb *t, const char *sql, json_t *params)
{
	json_t *rows = NULL;
	assert_int_equal(fl_db_query(t->db, sql, params, &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 1);
	return json_array_get(rows, 0);
}

static void assert_bytes(json_t *v, const char *want, size_t n)
{
	assert_true(json_is_string(v));
	assert_int_equal(json_string_length(v), n);
	assert_memory_equal(json_string_value(v), want, n);
}

/* ---- LargeBinary ---- */

/* A PNG's signature and IHDR chunk: NULs, 0x89, CR/LF, 0x1a. */
static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xff" "a";

static void largebinary_round_trips_every_byte(void **state)
{
	struct tmpdb *t = *state;
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	json_t *row = json_pack("{s:i, s:s, s:o}", "id", 1, "name", "all",
		"data", json_stringn_nocheck(all, sizeof all));
	assert_int_equal(fl_db_add(t->db, &File, row), FL_OK);
	assert_int_equal(fl_db_add(t->db, &File, json_pack("{s:i, s:s, s:o}", "id", 2, "name",
		"png", "data", json_stringn_nocheck(png, sizeof png - 1))), FL_OK);
	assert_int_equal(fl_db_add(t->db, &File, json_pack("{s:i, s:s, s:s}", "id", 3, "name",
		"empty", "data", "")), FL_OK);
	assert_int_equal(fl_db_commit(t->db), FL_OK);

	assert_bytes(json_object_get(get(t, &File, 1), "data"), all, sizeof all);
	assert_bytes(json_object_get(get(t, &File, 2), "data"), png, sizeof png - 1);
	assert_bytes(json_object_get(get(t, &File, 3), "data"), "", 0);
	/* Stored as a BLOB, every byte counted (a TEXT bind would stop at NUL). */
	json_t *r = sql1(t, "SELECT typeof(data) AS t, length(data) AS n, hex(data) AS h "
		"FROM files WHERE id = 2", NULL);
	assert_string_equal(json_string_value(json_object_get(r, "t")), "blob");
	assert_int_equal(json_integer_value(json_object_get(r, "n")), sizeof png - 1);
	assert_string_equal(json_string_value(json_object_get(r, "h")), "89504E470D0A1A0A0000000D"
		"494844520000001000000010080600000" "01FF3FF61");

	/* update */
	json_t *row2 = get(t, &File, 2);
	json_object_set_new(row2, "data", json_stringn_nocheck(all + 200, 56));
	assert_int_equal(fl_db_update(t->db, &File, row2), FL_OK);
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	assert_bytes(json_object_get(get(t, &File, 2), "data"), all + 200, 56);

	/* a filter on the column binds through fl_column_param: a BLOB */
	const fl_column *c = fl_model_column(&File, "data");
	json_t *p = NULL;
	assert_int_equal(fl_column_param(NULL, c, json_stringn_nocheck(all, sizeof all), &p), FL_OK);
	assert_non_null(fl_db_param_blob(p));
	r = sql1(t, "SELECT id FROM files WHERE data = ?", json_pack("[o]", p));
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 1);
	/* ... where the same bytes bound as TEXT match nothing (TEXT < BLOB) */
	json_t *rows;
	assert_int_equal(fl_db_query(t->db, "SELECT id FROM files WHERE data = ?",
		json_pack("[o]", json_stringn_nocheck(png, 4)), &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 0);
	assert_null(fl_db_param_blob(json_string("x")));
	assert_null(fl_db_blob(json_integer(1)));
}

static void blob_reads_and_text_checks(void **state)
{
	struct tmpdb *t = *state;
	/* any BLOB reads as its bytes; TEXT keeps its UTF-8 check */
	json_t *r = sql1(t, "SELECT x'00ff41' AS b", NULL);
	assert_bytes(json_object_get(r, "b"), "\0\xff" "A", 3);
	json_t *rows;
	assert_int_equal(fl_db_query(t->db, "SELECT CAST(x'ff' AS TEXT) AS t", NULL, &rows),
		FL_EUTF8);
	/* JSON cannot hold bytes that are not UTF-8: serializing refuses */
	assert_null(json_dumps(r, JSON_COMPACT));
	/* bytes that are UTF-8 serialize as text */
	json_t *u = json_pack("{s:o}", "b", json_stringn_nocheck("ok", 2));
	char *s = json_dumps(u, JSON_COMPACT);
	assert_string_equal(s, "{\"b\":\"ok\"}");
	/* s is in the test arena (jansson allocates there) */
}

static void text_refuses_invalid_utf8(void **state)
{
	struct tmpdb *t = *state;
	json_t *row = json_pack("{s:i, s:o}", "id", 9, "note", json_stringn_nocheck("a\xff", 2));
	assert_int_equal(fl_db_add(t->db, &File, row), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "note");
	assert_non_null(strstr(fl_db_errmsg(t->db), "UTF-8"));
	row = json_pack("{s:i, s:o}", "id", 9, "name", json_stringn_nocheck("\xc3(", 2));
	assert_int_equal(fl_db_add(t->db, &File, row), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "name");
	/* the same bytes are fine in a LargeBinary column */
	row = json_pack("{s:i, s:o}", "id", 9, "data", json_stringn_nocheck("a\xff", 2));
	assert_int_equal(fl_db_add(t->db, &File, row), FL_OK);
	/* and a LargeBinary takes only strings */
	row = json_pack("{s:i, s:i}", "id", 10, "data", 5);
	assert_int_equal(fl_db_add(t->db, &File, row), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "data");
	fl_db_rollback(t->db);
}

/* ---- Numeric ---- */

/* The values both sides write: decimal strings through Flagon and
 * Decimal(v) through SQLAlchemy. */
static const char *const decimals[] = {
	"0.1", "1.10", "-0.005", "12345678901.23", "0", "12", "1.105", "-7.5", "+.5", "3.",
	"999999999.9999", "0.0000001", "100", "-0.00",
};
#define NDEC (sizeof decimals / sizeof *decimals)
static const char *const cols[] = { "n0", "n2", "n4", "nd" };
#define NCOL (sizeof cols / sizeof *cols)

/* SQLAlchemy's str(Decimal) of columns n0 n2 n4 nd of rows lo.. of the
 * database at `dbpath`, one line per row, fields separated by spaces;
 * with `insert`, SQLAlchemy first inserts `decimals` as those rows. */
static char **sqlalchemy(struct tmpdb *t, bool insert, int lo)
{
	char script[2048];
	snprintf(script, sizeof script,
		"import sys, warnings, decimal\n"
		"warnings.simplefilter('ignore')\n"
		"import sqlalchemy as sa\n"
		"e = sa.create_engine('sqlite:///%s')\n"
		"md = sa.MetaData()\n"
		"t = sa.Table('prices', md, sa.Column('id', sa.Integer, primary_key=True),\n"
		"  sa.Column('n0', sa.Numeric(15, 0)), sa.Column('n2', sa.Numeric(15, 2)),\n"
		"  sa.Column('n4', sa.Numeric(15, 4)), sa.Column('nd', sa.Numeric()),\n"
		"  sa.Column('n20', sa.Numeric(20, 0)))\n"
		"values = [bytes.fromhex(l.strip()).decode() for l in sys.stdin]\n"
		"lo, hi = %d, %d + len(values)\n"
		"if %d:\n"
		"  with e.begin() as c:\n"
		"    for i, v in enumerate(values):\n"
		"      d = decimal.Decimal(v)\n"
		"      c.execute(t.insert().values(id=lo + i, n0=d, n2=d, n4=d, nd=d))\n"
		"with e.connect() as c:\n"
		"  for r in c.execute(sa.select(t.c.n0, t.c.n2, t.c.n4, t.c.nd)"
		".where(t.c.id >= lo, t.c.id < hi).order_by(t.c.id)):\n"
		"    print(' '.join(str(x) for x in r))\n", t->dbpath, lo, lo, insert);
	char **out = oracle_run(t->arena, script, decimals, NDEC);
	assert_non_null(out);
	return out;
}

/* Our rows lo.. give the same lines. */
static void assert_rows_match(struct tmpdb *t, int lo, char **expected)
{
	for (size_t i = 0; i < NDEC; i++) {
		json_t *row = get(t, &Price, lo + (int)i);
		char ours[512] = "";
		for (size_t k = 0; k < NCOL; k++) {
			json_t *v = json_object_get(row, cols[k]);
			assert_true(json_is_string(v));
			strcat(ours, k ? " " : "");
			strcat(ours, json_string_value(v));
		}
		if (strcmp(ours, expected[i]) != 0)
			fail_msg("%s: ours \"%s\", SQLAlchemy's \"%s\"", decimals[i], ours, expected[i]);
	}
}

static void numeric_matches_sqlalchemy(void **state)
{
	struct tmpdb *t = *state;
	/* Flagon writes rows 1.., SQLAlchemy reads them */
	for (size_t i = 0; i < NDEC; i++) {
		json_t *row = json_pack("{s:i}", "id", (int)i + 1);
		for (size_t k = 0; k < NCOL; k++)
			json_object_set_new(row, cols[k], json_string(decimals[i]));
		assert_int_equal(fl_db_add(t->db, &Price, row), FL_OK);
		/* the written row shows what the database now holds */
		json_t *again = get(t, &Price, (json_int_t)i + 1);
		for (size_t k = 0; k < NCOL; k++)
			assert_string_equal(json_string_value(json_object_get(row, cols[k])),
				json_string_value(json_object_get(again, cols[k])));
	}
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	assert_rows_match(t, 1, sqlalchemy(t, false, 1));
	/* SQLAlchemy writes rows 101.., Flagon reads them as SQLAlchemy does */
	assert_rows_match(t, 101, sqlalchemy(t, true, 101));

	/* a few exact answers, as documentation */
	json_t *r = get(t, &Price, 2);   /* "1.10" */
	assert_string_equal(json_string_value(json_object_get(r, "n2")), "1.10");
	assert_string_equal(json_string_value(json_object_get(r, "n0")), "1");
	assert_string_equal(json_string_value(json_object_get(r, "nd")), "1.1000000000");
	r = get(t, &Price, 3);           /* "-0.005" */
	assert_string_equal(json_string_value(json_object_get(r, "n2")), "-0.01");
	assert_string_equal(json_string_value(json_object_get(r, "n4")), "-0.0050");
	r = get(t, &Price, 5);           /* "0" */
	assert_string_equal(json_string_value(json_object_get(r, "nd")), "0E-10");
	r = get(t, &Price, 4);
	assert_string_equal(json_string_value(json_object_get(r, "n2")), "12345678901.23");
}

static void numeric_takes_json_numbers_and_big_integers(void **state)
{
	struct tmpdb *t = *state;
	json_t *row = json_pack("{s:i, s:f, s:i, s:s}", "id", 50, "n2", 2.5, "n4", 42,
		"n20", "1234567890123456789");
	assert_int_equal(fl_db_add(t->db, &Price, row), FL_OK);
	assert_string_equal(json_string_value(json_object_get(row, "n2")), "2.50");
	assert_string_equal(json_string_value(json_object_get(row, "n4")), "42.0000");
	json_t *got = get(t, &Price, 50);
	assert_string_equal(json_string_value(json_object_get(got, "n2")), "2.50");
	/* past 15 digits an integer stays exact (it fits 64 bits) */
	assert_string_equal(json_string_value(json_object_get(got, "n20")), "1234567890123456789");
	assert_true(json_is_null(json_object_get(got, "n0")));
	/* update through a decimal string; the row shows the stored form */
	json_t *upd = json_pack("{s:i, s:s}", "id", 50, "n2", "7.1");
	assert_int_equal(fl_db_update(t->db, &Price, upd), FL_OK);
	assert_string_equal(json_string_value(json_object_get(upd, "n2")), "7.10");
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	assert_string_equal(json_string_value(json_object_get(get(t, &Price, 50), "n2")), "7.10");
	/* filters bind a decimal string as the number it is */
	json_t *p = NULL;
	assert_int_equal(fl_column_param(NULL, fl_model_column(&Price, "n2"), json_string("7.10"), &p),
		FL_OK);
	json_t *r = sql1(t, "SELECT id FROM prices WHERE n2 = ?", json_pack("[o]", p));
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 50);
	/* a TEXT value written by other means comes back as stored */
	assert_int_equal(fl_db_exec_script(t->db,
		"INSERT INTO prices (id, n2) VALUES (51, 'n/a')"), FL_OK);
	assert_string_equal(json_string_value(json_object_get(get(t, &Price, 51), "n2")), "n/a");
}

static void numeric_refuses_bad_values(void **state)
{
	struct tmpdb *t = *state;
	const fl_column *n2 = fl_model_column(&Price, "n2");
	static const char *const bad[] = {
		"1e400", "1e2", "abc", "", "-", ".", "1.2.3", " 1", "1 ", "0x10", "inf", "nan",
		"1,5", "12345678901234.5",   /* 14 digits before the point; Numeric(15, 2) takes 13 */
		"00000000000000000000000000000000000000000000000000000000000000000000000000000000001",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *row = json_pack("{s:i, s:s}", "id", 60, "n2", bad[i]);
		if (fl_db_add(t->db, &Price, row) != FL_EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_string_equal(fl_db_error_column(t->db), "n2");
	}
	assert_non_null(fl_numeric_invalid(n2, json_real(1e20)));
	assert_non_null(fl_numeric_invalid(n2, json_integer(10000000000000LL)));
	assert_null(fl_numeric_invalid(n2, json_integer(9999999999999LL)));
	assert_null(fl_numeric_invalid(n2, json_string("0000000000000001.999")));
	assert_non_null(fl_numeric_invalid(n2, json_true()));
	assert_non_null(fl_numeric_invalid(n2, json_array()));
	/* Numeric() has no limit on the digits */
	assert_non_null(fl_numeric_invalid(fl_model_column(&Price, "nd"), json_string("1e3")));
	assert_null(fl_numeric_invalid(fl_model_column(&Price, "nd"),
		json_string("123456789012345678901234567890")));
	json_t *p;
	assert_int_equal(fl_column_param(NULL, n2, json_string("x"), &p), FL_EINVAL);
	fl_db_rollback(t->db);
}

/* On MySQL/MariaDB and PostgreSQL a Numeric value is bound as its exact
 * decimal text, rounded to the scale half away from zero as the servers
 * round it (no server needed: the text is the dialect's). */
static void numeric_text_on_servers(void **state)
{
	static const struct { const char *col; const char *in; const char *out; } cases[] = {
		{ "n2", "12345.67", "12345.67" },
		{ "n2", "12345.675", "12345.68" },
		{ "n2", "-12345.675", "-12345.68" },
		{ "n2", "999.995", "1000.00" },
		{ "n2", "7.1", "7.10" },
		{ "n2", "-0.001", "0.00" },
		{ "n2", "000.5", "0.50" },
		{ "n0", "2.5", "3" },
		{ "n20", "12345678901234567890", "12345678901234567890" },
		{ "nd", "0.1", "0.1" },    /* Numeric(): as given */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *p = NULL, *in = json_string(cases[i].in);
		assert_int_equal(fl_column_param(&fl_dialect_postgresql,
			fl_model_column(&Price, cases[i].col), in, &p), FL_OK);
		assert_string_equal(json_string_value(p), cases[i].out);
		json_decref(p);
		json_decref(in);
	}
	json_t *p = NULL;
	json_t *sum = json_real(0.1 + 0.2), *five = json_integer(5), *s = json_string("12345.67");
	/* 0.1 + 0.2 is 0.30000000000000004 as a double: NUMERIC(15, 2) holds 0.30 */
	assert_int_equal(fl_column_param(&fl_dialect_mysql, fl_model_column(&Price, "n2"),
		sum, &p), FL_OK);
	assert_string_equal(json_string_value(p), "0.30");
	json_decref(p);
	assert_int_equal(fl_column_param(&fl_dialect_mysql, fl_model_column(&Price, "n2"),
		five, &p), FL_OK);
	assert_string_equal(json_string_value(p), "5.00");
	json_decref(p);
	/* SQLite keeps SQLAlchemy's float */
	assert_int_equal(fl_column_param(&fl_dialect_sqlite, fl_model_column(&Price, "n2"),
		s, &p), FL_OK);
	assert_true(json_is_real(p));
	json_decref(p);
	json_decref(sum);
	json_decref(five);
	json_decref(s);
}

/* ---- onupdate and utcnow ---- */

static bool is_utc_datetime(const char *s)
{
	/* "YYYY-MM-DD HH:MM:SS.ffffff" */
	static const char shape[] = "dddd-dd-dd dd:dd:dd.dddddd";
	if (strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

static void utcnow_is_sqlalchemys_format(void **state)
{
	(void)state;
	json_t *a = fl_utcnow(), *b = fl_utcnow();
	assert_true(is_utc_datetime(json_string_value(a)));
	assert_true(strcmp(json_string_value(a), json_string_value(b)) <= 0);   /* sorts as time */
	/* the same second as the wall clock, in UTC */
	char now[32];
	struct tm tm;
	time_t t0 = time(NULL);
	gmtime_r(&t0, &tm);
	strftime(now, sizeof now, "%Y-%m-%d %H:%M", &tm);
	json_t *c = fl_utcnow();
	assert_memory_equal(json_string_value(c), now, 13);   /* to the hour, no race */
	/* Python parses it as SQLAlchemy's DateTime storage format */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import datetime,sys; "
		"datetime.datetime.strptime(sys.argv[1], '%%Y-%%m-%%d %%H:%%M:%%S.%%f')\" '%s'",
		json_string_value(c));
	assert_int_equal(system(cmd), 0);
	json_decref(a);   /* no arena in this test: heap values */
	json_decref(b);
	json_decref(c);
}

static void onupdate_applies_on_update_only(void **state)
{
	struct tmpdb *t = *state;
	json_t *row = json_pack("{s:i, s:s}", "id", 1, "title", "first");
	assert_int_equal(fl_db_add(t->db, &Post, row), FL_OK);
	/* insert: the default fires, onupdate does not */
	assert_true(is_utc_datetime(json_string_value(json_object_get(row, "created_at"))));
	assert_null(json_object_get(row, "updated_at"));
	assert_int_equal(json_integer_value(json_object_get(row, "version")), 0);
	json_t *got = get(t, &Post, 1);
	assert_true(json_is_null(json_object_get(got, "updated_at")));
	assert_true(json_is_null(json_object_get(got, "state")));

	/* update without those columns: onupdate fills them, the row shows them */
	calls = 0;
	json_t *upd = json_pack("{s:i, s:s}", "id", 1, "title", "second");
	assert_int_equal(fl_db_update(t->db, &Post, upd), FL_OK);
	const char *stamp = json_string_value(json_object_get(upd, "updated_at"));
	assert_non_null(stamp);
	assert_true(is_utc_datetime(stamp));
	assert_int_equal(json_integer_value(json_object_get(upd, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(upd, "state")), "edited");
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	got = get(t, &Post, 1);
	assert_string_equal(json_string_value(json_object_get(got, "updated_at")), stamp);
	assert_int_equal(json_integer_value(json_object_get(got, "version")), 1);
	assert_true(strcmp(stamp, json_string_value(json_object_get(got, "created_at"))) >= 0);

	/* a column the update sets itself wins over its onupdate */
	upd = json_pack("{s:i, s:s, s:s, s:i}", "id", 1, "title", "third", "state", "draft",
		"version", 10);
	assert_int_equal(fl_db_update(t->db, &Post, upd), FL_OK);
	got = get(t, &Post, 1);
	assert_string_equal(json_string_value(json_object_get(got, "state")), "draft");
	assert_int_equal(json_integer_value(json_object_get(got, "version")), 10);

	/* nothing to change: no UPDATE, so no onupdate either */
	upd = json_pack("{s:i}", "id", 1);
	assert_int_equal(fl_db_update(t->db, &Post, upd), FL_OK);
	assert_null(json_object_get(upd, "updated_at"));
	assert_int_equal(json_integer_value(json_object_get(get(t, &Post, 1), "version")), 10);
	assert_int_equal(fl_db_commit(t->db), FL_OK);

	/* for a query's bulk update: the values object gets what it lacks */
	json_t *values = json_pack("{s:s, s:s}", "title", "bulk", "state", "kept");
	assert_int_equal(fl_model_apply_onupdate(&Post, values), FL_OK);
	assert_string_equal(json_string_value(json_object_get(values, "state")), "kept");
	assert_true(is_utc_datetime(json_string_value(json_object_get(values, "updated_at"))));
	assert_true(json_is_integer(json_object_get(values, "version")));
	assert_null(json_object_get(values, "created_at"));
}

/* ---- the query builder binds as the column does ---- */

/* filter_by/filter/in_ compare a LargeBinary column as a BLOB and a
 * Numeric one as a number; a bulk update applies onupdate and binds its
 * values through the column too. */
static void queries_bind_as_the_column_does(void **state)
{
	struct tmpdb *t = *state;
	json_t *bytes = json_stringn_nocheck(png, sizeof png - 1), *row, *rows;
	assert_int_equal(fl_db_add(t->db, &File, json_pack("{s:i, s:O}", "id", 1, "data", bytes)),
		FL_OK);
	assert_int_equal(fl_db_add(t->db, &Price, json_pack("{s:i, s:s}", "id", 1, "n2", "12.50")),
		FL_OK);
	assert_int_equal(fl_db_add(t->db, &Price, json_pack("{s:i, s:s}", "id", 2, "n2", "3.10")),
		FL_OK);
	assert_int_equal(fl_db_commit(t->db), FL_OK);

	assert_int_equal(fl_query_first(fl_query_filter_by(fl_query_new(t->db, t->arena, &File),
		"data", bytes), &row), FL_OK);
	assert_non_null(row);
	assert_int_equal(fl_query_first(fl_query_filter_by(fl_query_new(t->db, t->arena, &File),
		"data", json_string("PNG")), &row), FL_OK);
	assert_null(row);
	/* in_() of bytes has no JSON list to travel in: refused, by name */
	fl_query *q = fl_query_filter(fl_query_new(t->db, t->arena, &File), "data", FL_OP_IN,
		json_pack("[O]", bytes));
	assert_int_equal(fl_query_all(q, &rows), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "data");

	/* "12.5" and 12.5 find the row stored as 12.50; a bad decimal is refused */
	assert_int_equal(fl_query_first(fl_query_filter_by(fl_query_new(t->db, t->arena, &Price),
		"n2", json_string("12.5")), &row), FL_OK);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "n2")), "12.50");
	assert_int_equal(fl_query_all(fl_query_filter(fl_query_new(t->db, t->arena, &Price), "n2",
		FL_OP_IN, json_pack("[s, f]", "3.1", 12.5)), &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 2);
	assert_int_equal(fl_query_all(fl_query_filter(fl_query_new(t->db, t->arena, &Price), "n2",
		FL_OP_BETWEEN, json_pack("[s, s]", "3.00", "4")), &rows), FL_OK);
	assert_int_equal(json_array_size(rows), 1);
	assert_int_equal(fl_query_all(fl_query_filter_by(fl_query_new(t->db, t->arena, &Price),
		"n2", json_string("1e400")), &rows), FL_EINVAL);
	assert_string_equal(fl_db_error_column(t->db), "n2");

	/* bulk update: onupdate fills what the values lack, the caller's
	 * object is left alone, and "7.25" lands as a number */
	assert_int_equal(fl_db_add(t->db, &Post, json_pack("{s:i, s:s}", "id", 1, "title", "a")),
		FL_OK);
	calls = 0;
	json_t *values = json_pack("{s:s}", "title", "bulk");
	long n = 0;
	assert_int_equal(fl_query_update(fl_query_new(t->db, t->arena, &Post), values, &n), FL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(json_object_size(values), 1);
	assert_int_equal(fl_query_update(fl_query_filter_by(fl_query_new(t->db, t->arena, &Price),
		"id", json_integer(2)), json_pack("{s:s}", "n2", "7.25"), &n), FL_OK);
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	row = get(t, &Post, 1);
	assert_string_equal(json_string_value(json_object_get(row, "state")), "edited");
	assert_int_equal(json_integer_value(json_object_get(row, "version")), 1);
	assert_true(is_utc_datetime(json_string_value(json_object_get(row, "updated_at"))));
	assert_string_equal(json_string_value(json_object_get(get(t, &Price, 2), "n2")), "7.25");
	json_t *stored = sql1(t, "SELECT typeof(n2) AS t FROM prices WHERE id = 2", NULL);
	assert_string_equal(json_string_value(json_object_get(stored, "t")), "real");
	json_decref(bytes);
}

static const fl_column broken_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 64),
	FL_COLUMN_STRING("state", 16, FL_ONUPDATE("not json")),
	FL_COLUMN_END,
};
static const fl_model Broken = { .name = "Broken", .tablename = "posts", .columns = broken_columns };

static void bad_onupdate_is_refused(void **state)
{
	struct tmpdb *t = *state;
	json_t *upd = json_pack("{s:i, s:s}", "id", 1, "title", "x");
	assert_int_equal(fl_db_update(t->db, &Broken, upd), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(t->db), "onupdate"));
	fl_db_rollback(t->db);
}

/* ---- compact rows are converted like plain ones ---- */

static const fl_column mixed_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_FLOAT("f"),
	FL_COLUMN_BOOLEAN("b"),
	FL_COLUMN_NUMERIC("n", 10, 2),
	FL_COLUMN_STRING("s", 16),
	FL_COLUMN_END,
};
static const fl_model Mixed = { .name = "Mixed", .tablename = "mixed", .columns = mixed_columns };

/* fl_query_compact's rows hold what plain rows hold: a Float stored as an
 * integer (a table declared without REAL affinity) reads as a real, a
 * Boolean's 0/1 as false/true, a Numeric as its decimal string, NULL as
 * null, and a Float that is a real stays itself (fl_column_keeps). */
static void compact_rows_convert_like_plain(void **state)
{
	struct tmpdb *t = *state;
	assert_int_equal(fl_db_execute(t->db, "CREATE TABLE mixed (id INTEGER PRIMARY KEY, "
		"f NUMERIC, b INTEGER, n NUMERIC, s TEXT)", NULL, NULL, NULL), FL_OK);
	assert_int_equal(fl_db_execute(t->db, "INSERT INTO mixed VALUES (1, 2, 1, 3, 'a'), "
		"(2, 2.5, 0, 7.25, 'b'), (3, NULL, NULL, NULL, NULL)", NULL, NULL, NULL), FL_OK);
	assert_int_equal(fl_db_commit(t->db), FL_OK);
	json_t *rows[2];
	for (int k = 0; k < 2; k++) {
		fl_query *q = fl_query_order_by(fl_query_new(t->db, t->arena, &Mixed), "id", false);
		if (k)
			fl_query_compact(q);
		assert_int_equal(fl_query_all(q, &rows[k]), FL_OK);
		assert_int_equal(json_array_size(rows[k]), 3);
	}
	for (size_t i = 0; i < 3; i++) {
		json_t *row = json_array_get(rows[1], i), *o = fl_row_object(row);
		assert_true(fl_row_is_compact(row));
		char *want = json_dumps(json_array_get(rows[0], i), JSON_COMPACT | JSON_SORT_KEYS);
		char *got = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		assert_string_equal(got, want);
		json_free_t release;   /* the dumps come from jansson's allocator */
		json_get_alloc_funcs(NULL, &release);
		release(want);
		release(got);
		json_decref(o);
	}
	json_t *first = json_array_get(rows[1], 0);
	assert_true(json_is_real(fl_row_get(first, "f")));
	assert_true(json_is_true(fl_row_get(first, "b")));
	assert_string_equal(json_string_value(fl_row_get(first, "n")), "3.00");
	json_decref(rows[0]);
	json_decref(rows[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(largebinary_round_trips_every_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(blob_reads_and_text_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(text_refuses_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(numeric_matches_sqlalchemy, setup, teardown),
		cmocka_unit_test_setup_teardown(numeric_takes_json_numbers_and_big_integers, setup,
			teardown),
		cmocka_unit_test_setup_teardown(numeric_refuses_bad_values, setup, teardown),
		cmocka_unit_test(numeric_text_on_servers),
		cmocka_unit_test(utcnow_is_sqlalchemys_format),
		cmocka_unit_test_setup_teardown(onupdate_applies_on_update_only, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_onupdate_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(compact_rows_convert_like_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(queries_bind_as_the_column_does, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
