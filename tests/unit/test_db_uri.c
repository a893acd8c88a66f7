/* test_db_uri.c — DATABASE_URI in SQLAlchemy's forms (base/db_uri.h):
 * every form parsed as SQLAlchemy's own make_url parses it (an oracle run
 * with Debian's python3-sqlalchemy), the errors naming the part that is
 * wrong, and the password in no message and no display. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/db_uri.h"

/* Every form the parser must read as make_url does. */
static const char *const good[] = {
	"sqlite:///var/data.sqlite",
	"sqlite:////srv/flasky/data.sqlite",
	"sqlite://",
	"sqlite:///",
	"sqlite:///:memory:",
	"sqlite+pysqlite:///a%20b.db",
	"mysql+pymysql://user:pass@127.0.0.1:3306/my_flask",
	"mysql://u:p%40ss%3Aw%2Fd@db.example.com/flasky?charset=utf8mb4",
	"mariadb://flasky@/flasky?unix_socket=/run/mysqld/mysqld.sock",
	"mariadb+mariadbconnector://a:b@h:1/d",
	"postgresql://flasky:secret@[::1]:5432/flasky?sslmode=require",
	"postgresql://flasky@/flasky?host=/var/run/postgresql",
	"postgresql+psycopg2://u@h/db?sslmode=verify-full&application_name=flasky+web",
	"postgres://u:pw@h/db",
	"postgresql://u:pa:ss/w?rd@h/db",
	"mysql://a@b@h/db",
	"mysql://h/db?a=1&b=2&a=3",
	"mysql://h/db?empty=&flag&x=%C3%A9&&",
	"postgresql://%C3%BCser:p%25w@h/db",
	"mysql://u:p+w@h/db",
	"mysql://h:3306",
	"mysql://h/",
	"postgresql://",
	"mysql://u:@h/db",
	"mysql://u:p@h/db?ssl_ca=%2Fetc%2Fca.pem",
	"postgresql://u@h/db?options=-c%20statement_timeout%3D5000",
	"mysql://u:pw@[2001:db8::1]/db",
	"mysql://u:pw@h:65535/db%2Fx",
	"mysql://%zz:%4@h/db",
	NULL,
};

/* What make_url gives for each of `good`: one JSON line each,
 * [username, password, host, port, database, [[key, value], ...]] with
 * repeated keys together in the order of their first appearance. */
static json_t *oracle(void)
{
	char path[] = "/tmp/test_db_uri.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	for (const char *const *u = good; *u; u++)
		fprintf(f, "%s\n", *u);
	fclose(f);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import sys, json\n"
		"from sqlalchemy.engine import make_url\n"
		"for line in open(sys.argv[1]):\n"
		"    u = make_url(line.rstrip(\"\\n\"))\n"
		"    q = [[k, x] for k, v in u.query.items() for x in (v if isinstance(v, tuple) else (v,))]\n"
		"    print(json.dumps([u.username, u.password, u.host, u.port, u.database, q]))\n"
		"' %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	json_t *lines = json_array();
	char line[4096];
	while (fgets(line, sizeof line, p)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		json_array_append_new(lines, j);
	}
	assert_int_equal(pclose(p), 0);
	unlink(path);
	return lines;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Ours in the oracle's shape. */
static json_t *ours(const fl_db_uri *u)
{
	json_t *q = json_array();
	for (size_t i = 0; i < u->nquery; i++) {
		size_t j = 0;
		while (strcmp(u->query[j].key, u->query[i].key) != 0)
			j++;
		if (j < i)
			continue;   /* listed with its first appearance */
		for (j = i; j < u->nquery; j++)
			if (strcmp(u->query[j].key, u->query[i].key) == 0)
				json_array_append_new(q, json_pack("[ss]", u->query[j].key,
					u->query[j].value));
	}
	return json_pack("[oooooo]", str_or_null(u->username), str_or_null(u->password),
		str_or_null(u->host), u->port ? json_integer(u->port) : json_null(),
		str_or_null(u->database), q);
}

static void parses_as_make_url(void **state)
{
	(void)state;
	json_t *expected = oracle();
	size_t i = 0;
	for (const char *const *t = good; *t; t++, i++) {
		fl_db_uri u;
		char why[256];
		assert_int_equal(fl_db_uri_parse(*t, &u, why, sizeof why), FL_OK);
		json_t *got = ours(&u);
		if (!json_equal(got, json_array_get(expected, i))) {
			char g[512] = "", e[512] = "";
			json_dumpb(got, g, sizeof g - 1, JSON_COMPACT);
			json_dumpb(json_array_get(expected, i), e, sizeof e - 1, JSON_COMPACT);
			fail_msg("%s:\n  ours:       %s\n  make_url's: %s", *t, g, e);
		}
		json_decref(got);
		fl_db_uri_free(&u);
	}
	assert_int_equal(i, json_array_size(expected));
	json_decref(expected);
}

static void dialects_and_drivers(void **state)
{
	(void)state;
	static const struct {
		const char *text, *backend, *driver;
		fl_dialect_id dialect;
	} cases[] = {
		{ "sqlite:///x.db", "sqlite", NULL, FL_DIALECT_SQLITE },
		{ "mysql://h/db", "mysql", NULL, FL_DIALECT_MYSQL },
		{ "mysql+pymysql://h/db", "mysql", "pymysql", FL_DIALECT_MYSQL },
		{ "mariadb://h/db", "mariadb", NULL, FL_DIALECT_MYSQL },
		{ "mariadb+mariadbconnector://h/db", "mariadb", "mariadbconnector", FL_DIALECT_MYSQL },
		{ "postgresql://h/db", "postgresql", NULL, FL_DIALECT_POSTGRESQL },
		{ "postgresql+psycopg2://h/db", "postgresql", "psycopg2", FL_DIALECT_POSTGRESQL },
		{ "postgres://h/db", "postgres", NULL, FL_DIALECT_POSTGRESQL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_db_uri u;
		assert_int_equal(fl_db_uri_parse(cases[i].text, &u, NULL, 0), FL_OK);
		assert_int_equal(u.dialect, cases[i].dialect);
		assert_string_equal(u.backend, cases[i].backend);
		if (cases[i].driver)
			assert_string_equal(u.driver, cases[i].driver);
		else
			assert_null(u.driver);
		assert_string_equal(u.text, cases[i].text);
		fl_db_uri_free(&u);
	}
	assert_string_equal(fl_dialect_id_name(FL_DIALECT_SQLITE), "sqlite");
	assert_string_equal(fl_dialect_id_name(FL_DIALECT_MYSQL), "mysql");
	assert_string_equal(fl_dialect_id_name(FL_DIALECT_POSTGRESQL), "postgresql");
	assert_string_equal(fl_dialect_id_name(FL_DIALECT__MAX), "?");
}

static void unix_sockets(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "mariadb://u@/db?unix_socket=/run/mysqld/mysqld.sock", "/run/mysqld/mysqld.sock" },
		{ "mysql+pymysql://u@localhost/db?charset=utf8mb4&unix_socket=%2Ftmp%2Fm.sock", "/tmp/m.sock" },
		{ "postgresql://u@/db?host=/var/run/postgresql", "/var/run/postgresql" },
		{ "postgresql://u@/db?host=db.example.com", NULL },   /* a TCP host */
		{ "postgresql://u@h/db?sslmode=disable", NULL },
		{ "mysql://u@h/db", NULL },
		{ "sqlite:///x.db", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_db_uri u;
		assert_int_equal(fl_db_uri_parse(cases[i][0], &u, NULL, 0), FL_OK);
		const char *s = fl_db_uri_socket(&u);
		if (cases[i][1])
			assert_string_equal(s, cases[i][1]);
		else
			assert_null(s);
		fl_db_uri_free(&u);
	}
	fl_db_uri u;
	assert_int_equal(fl_db_uri_parse("mysql://h/db?a=1&b=2&a=3", &u, NULL, 0), FL_OK);
	assert_string_equal(fl_db_uri_get(&u, "a"), "3");   /* the last one wins */
	assert_string_equal(fl_db_uri_get(&u, "b"), "2");
	assert_null(fl_db_uri_get(&u, "c"));
	assert_int_equal(u.nquery, 3);
	assert_string_equal(u.query[2].key, "a");
	fl_db_uri_free(&u);
}

/* A password no message and no display may ever show. */
#define PW "Zq7SeCrEt"

/* Each bad URI, and a piece of the message that must name the part. */
static const char *const bad[][2] = {
	{ "mysql://u:" PW "@h:abc/db", "port 'abc' is not a number" },
	{ "mysql://u:" PW "@h:0/db", "port 0 is out of range (1-65535)" },
	{ "mysql://u:" PW "@h:65536/db", "port 65536 is out of range" },
	{ "mysql://u:" PW "@h:99999999999999999999/db", "out of range" },
	{ "mysql://u:" PW "@h:/db", "port after ':' is empty" },
	{ "oracle://u:" PW "@h/db", "unknown database 'oracle' (sqlite, mysql, mariadb, postgresql)" },
	{ "MySQL://u:" PW "@h/db", "unknown database 'MySQL'" },
	{ "mysql+://u:" PW "@h/db", "driver '' after 'mysql+'" },
	{ "mysql:u:" PW "@h/db", "no '://'" },
	{ "u:" PW "@h/db", "no '://'" },
	{ "://u:" PW "@h/db", "no '://'" },
	{ "", "no '://'" },
	{ "mysql://u:p@" PW "@h/db", "an '@' follows the password" },
	{ "mysql://u:" PW "@ss@h/db", "%40" },
	{ "mysql://u:" PW "%00@h/db", "the password holds a NUL" },
	{ "mysql://u:" PW "%FF@h/db", "the password is not UTF-8" },
	{ "mysql://u%FF:" PW "@h/db", "the username is not UTF-8" },
	{ "postgresql://u:" PW "@[::1/db", "no closing ']'" },
	{ "postgresql://u:" PW "@[::1]x/db", "unexpected 'x' after the IPv6 host '[::1]'" },
	{ "postgresql://u:" PW "@[]/db", "IPv6 host '[]' is empty" },
	{ "postgresql://u:" PW "@a b/db", "host 'a b' is not a host name" },
	{ "postgresql://u:" PW "@h/db?=x", "empty name" },
	{ "postgresql://u:" PW "@h/db?sslmode=%FF", "value is not UTF-8" },
	{ "postgresql://u:" PW "@h/db\n", "control character at offset" },
	{ "sqlite://u:" PW "@h/x.db", "sqlite takes a file path, not a user" },
	{ "sqlite://var/data.sqlite", "not a host ('var')" },
	{ "sqlite://:5/x.db", "sqlite takes a file path" },
};

static void errors_name_the_part_never_the_password(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		fl_db_uri u;
		char why[256];
		assert_int_equal(fl_db_uri_parse(bad[i][0], &u, why, sizeof why), FL_EINVAL);
		if (!strstr(why, bad[i][1]))
			fail_msg("%s: '%s' lacks '%s'", bad[i][0], why, bad[i][1]);
		if (strstr(why, PW) || strstr(why, "SeCrEt"))
			fail_msg("%s: the message shows the password: '%s'", bad[i][0], why);
		assert_null(strchr(why, '\n'));
		/* display never shows it either, whatever the text */
		fl_arena *a = fl_arena_new(0);
		if (u.text && strstr(fl_db_uri_display(&u, a), PW) && strstr(bad[i][0], "://u:" PW "@"))
			fail_msg("%s: display shows the password", bad[i][0]);
		fl_arena_free(a);
		fl_db_uri_free(&u);
	}
	/* No room for a message: still refused, nothing written. */
	fl_db_uri u;
	assert_int_equal(fl_db_uri_parse("mysql://h:x/db", &u, NULL, 0), FL_EINVAL);
	fl_db_uri_free(&u);
	fl_db_uri_free(&u);   /* twice: a cleared URI is fine */
	fl_db_uri_free(NULL);
}

static void display_masks_the_password(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "mysql+pymysql://user:" PW "@127.0.0.1:3306/my_flask",
		  "mysql+pymysql://user:********@127.0.0.1:3306/my_flask" },
		{ "postgresql://u:p%40" PW "@[::1]/db?sslmode=require",
		  "postgresql://u:********@[::1]/db?sslmode=require" },
		{ "postgresql://u:pa:ss/w?rd" PW "@h/db", "postgresql://u:********@h/db" },
		{ "mysql://u:@h/db", "mysql://u:********@h/db" },
		{ "mysql://u@h/db", "mysql://u@h/db" },
		{ "sqlite:////var/a:b@c.sqlite", "sqlite:////var/a:b@c.sqlite" },
		{ "postgresql://", "postgresql://" },
	};
	fl_arena *a = fl_arena_new(0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_db_uri u;
		assert_int_equal(fl_db_uri_parse(cases[i][0], &u, NULL, 0), FL_OK);
		assert_string_equal(fl_db_uri_display(&u, a), cases[i][1]);
		fl_db_uri_free(&u);
	}
	size_t start;
	assert_int_equal(fl_uri_password_span("redis://:pw@h/0", &start), 2);
	assert_int_equal(start, 9);
	assert_int_equal(fl_uri_password_span("redis://h/0", &start), 0);
	assert_int_equal(start, 0);
	assert_int_equal(fl_uri_password_span("no uri", &start), 0);
	fl_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_as_make_url),
		cmocka_unit_test(dialects_and_drivers),
		cmocka_unit_test(unix_sockets),
		cmocka_unit_test(errors_name_the_part_never_the_password),
		cmocka_unit_test(display_masks_the_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
