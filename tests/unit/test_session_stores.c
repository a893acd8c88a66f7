/* test_session_stores.c — the server-side session stores (the database
 * store on SQLite, MariaDB and PostgreSQL — the servers when FLAGON_TEST_DB
 * selects them — filesystem, redis) and their signed session ids, driven through
 * fl_session_open/fl_session_save with a controllable clock.  The redis
 * tests start a private redis-server on a free loopback port (skipped when
 * redis-server is not installed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/config.h"
#include "data/db.h"
#include "base/redis.h"
#include "session/session.h"
#include "arena_fixture.h"
#include "missing.h"
#include "dbserver_open.h"

#define T0 1700000000L
#define LIFETIME 100L

static fl_session_config cfg;
static char tmpdir[256];

static int setup(void **state)
{
	arena_setup(state);
	fl_session_config_init(&cfg);
	cfg.secret_key = "store-test-secret";
	cfg.permanent_lifetime = LIFETIME;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/flagon-stores-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int rm_tree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static int teardown(void **state)
{
	arena_teardown(state);
	rm_tree(tmpdir);
	return 0;
}

/* ---- helpers: one "request" ---- */

/* Open with `cookie` at `now`; the session lands in *s. */
static fl_err req_open(const fl_session_store *st, const char *cookie, time_t now, fl_session *s)
{
	return fl_session_open(st, &cfg, arena, cookie, now, s);
}

/* Save at `now`; returns the cookie value sent (NULL: none; "" deletion). */
static const char *req_save(const fl_session_store *st, fl_session *s, time_t now, fl_err *err)
{
	fl_cookie c;
	fl_err e = fl_session_save(st, &cfg, arena, s, now, &c);
	if (err)
		*err = e;
	else
		assert_int_equal(e, FL_OK);
	if (!c.key)
		return NULL;
	if (c.value && *c.value) {
		/* server-side stores: always permanent, Expires = now + lifetime */
		assert_true(c.expires_set);
		assert_int_equal(c.expires, now + LIFETIME);
	} else {
		assert_int_equal(c.max_age, 0);
	}
	return c.value ? c.value : "";
}

/* A new session holding {"user": name}, saved at `now`; its cookie. */
static const char *new_session(const fl_session_store *st, const char *name, time_t now)
{
	fl_session s;
	assert_int_equal(req_open(st, NULL, now, &s), FL_OK);
	assert_true(s.is_new);
	json_object_set_new(s.data, "user", json_string(name));
	const char *cookie = req_save(st, &s, now, NULL);
	assert_non_null(cookie);
	assert_non_null(s.sid);
	assert_true(fl_session_sid_valid(s.sid));
	return cookie;
}

/* The "user" the session behind `cookie` holds at `now`, or NULL. */
static const char *user_of(const fl_session_store *st, const char *cookie, time_t now)
{
	fl_session s;
	req_open(st, cookie, now, &s);
	return json_string_value(json_object_get(s.data, "user"));
}

/* ---- session ids ---- */

static void test_sid_new_and_sign(void **state)
{
	char *a, *b, *signed_a, *back;
	assert_int_equal(fl_session_sid_new(arena, &a), FL_OK);
	assert_int_equal(fl_session_sid_new(arena, &b), FL_OK);
	assert_int_equal(strlen(a), FL_SESSION_SID_LEN);
	assert_true(fl_session_sid_valid(a));
	assert_string_not_equal(a, b);
	assert_int_equal(fl_session_sid_sign(&cfg, arena, a, &signed_a), FL_OK);
	assert_int_equal(strncmp(signed_a, a, strlen(a)), 0);
	assert_int_equal(signed_a[strlen(a)], '.');
	assert_int_equal(fl_session_sid_unsign(&cfg, arena, signed_a, &back), FL_OK);
	assert_string_equal(back, a);
}

static void test_sid_forged(void **state)
{
	char *sid, *signed_sid, *back;
	fl_session_sid_new(arena, &sid);
	fl_session_sid_sign(&cfg, arena, sid, &signed_sid);
	/* another id under the same signature */
	char *forged = fl_arena_strdup(arena, signed_sid);
	forged[0] = forged[0] == 'A' ? 'B' : 'A';
	assert_int_equal(fl_session_sid_unsign(&cfg, arena, forged, &back), FL_EBADSIG);
	/* signed with another key */
	fl_session_config other = cfg;
	other.secret_key = "another-key";
	assert_int_equal(fl_session_sid_unsign(&other, arena, signed_sid, &back), FL_EBADSIG);
	/* no signature at all, or a signed value that is not an id */
	assert_int_not_equal(fl_session_sid_unsign(&cfg, arena, sid, &back), FL_OK);
	assert_int_equal(fl_session_sid_unsign(&cfg, arena, "", &back), FL_EBADSIG);
	assert_false(fl_session_sid_valid("../../etc/passwd"));
	assert_false(fl_session_sid_valid("short"));
	char path_like[FL_SESSION_SID_LEN + 1];
	memset(path_like, 'a', FL_SESSION_SID_LEN);
	path_like[FL_SESSION_SID_LEN] = '\0';
	path_like[5] = '/';
	assert_false(fl_session_sid_valid(path_like));
	char *s2;
	assert_int_equal(fl_session_sid_sign(&cfg, arena, path_like, &s2), FL_EINVAL);
	/* a Flask signed-cookie session is not a session id */
	assert_int_not_equal(fl_session_sid_unsign(&cfg, arena,
		"eyJhZ2UiOjE4fQ.awKLpA.slVzeZKvBoHqZ3BOASkbf5eIQ1U", &back), FL_OK);
}

/* ---- the behaviour every server-side store shares ---- */

static void check_store(const fl_session_store *st)
{
	assert_true(st->permanent);
	const char *cookie = new_session(st, "alice", T0);
	/* read back, later but within the lifetime */
	assert_string_equal(user_of(st, cookie, T0 + LIFETIME - 1), "alice");

	/* changed data keeps the id */
	fl_session s;
	req_open(st, cookie, T0 + 1, &s);
	const char *sid = fl_arena_strdup(arena, s.sid);
	json_object_set_new(s.data, "user", json_string("bob"));
	const char *cookie2 = req_save(st, &s, T0 + 1, NULL);
	assert_string_equal(cookie2, cookie);
	assert_string_equal(s.sid, sid);
	assert_string_equal(user_of(st, cookie, T0 + 2), "bob");

	/* a forged id, an unknown id, garbage: empty sessions, never an error */
	char *forged = fl_arena_strdup(arena, cookie);
	forged[3] = forged[3] == 'x' ? 'y' : 'x';
	req_open(st, forged, T0 + 2, &s);
	assert_true(s.is_new);
	assert_null(s.sid);
	char *unknown, *unknown_cookie;
	fl_session_sid_new(arena, &unknown);
	fl_session_sid_sign(&cfg, arena, unknown, &unknown_cookie);
	assert_int_equal(req_open(st, unknown_cookie, T0 + 2, &s), FL_OK);
	assert_true(s.is_new);
	assert_null(s.sid);
	assert_int_equal(req_open(st, "garbage;\"\\", T0 + 2, &s), FL_OK);
	assert_true(s.is_new);
	/* ... and saving it then uses a new random id, never the unknown one */
	json_object_set_new(s.data, "user", json_string("carol"));
	const char *cookie3 = req_save(st, &s, T0 + 2, NULL);
	assert_string_not_equal(s.sid, unknown);
	assert_string_not_equal(cookie3, cookie);
	assert_string_equal(user_of(st, cookie3, T0 + 3), "carol");

	/* unchanged permanent session is refreshed: the expiry moves on */
	req_open(st, cookie3, T0 + 50, &s);
	assert_non_null(req_save(st, &s, T0 + 50, NULL));
	assert_string_equal(user_of(st, cookie3, T0 + 2 + LIFETIME + 10), "carol");

	/* expiry: the record of `cookie` was last saved at T0 + 1 */
	req_open(st, cookie, T0 + 1 + LIFETIME, &s);
	assert_true(s.is_new);
	assert_null(s.sid);

	/* session.clear(): the record is deleted and a deletion cookie sent */
	const char *cookie4 = new_session(st, "dave", T0 + 10);
	req_open(st, cookie4, T0 + 11, &s);
	json_object_clear(s.data);
	assert_string_equal(req_save(st, &s, T0 + 11, NULL), "");
	assert_null(user_of(st, cookie4, T0 + 12));

	/* an empty session that stays empty sends nothing */
	req_open(st, NULL, T0 + 12, &s);
	assert_null(req_save(st, &s, T0 + 12, NULL));

	/* regenerate: new id, same data, the old id is dead */
	const char *cookie5 = new_session(st, "erin", T0 + 20);
	req_open(st, cookie5, T0 + 21, &s);
	const char *old_sid = fl_arena_strdup(arena, s.sid);
	fl_session_regenerate_id(st, &cfg, arena, &s);
	const char *cookie6 = req_save(st, &s, T0 + 21, NULL);
	assert_non_null(cookie6);
	assert_string_not_equal(s.sid, old_sid);
	assert_string_not_equal(cookie6, cookie5);
	assert_null(user_of(st, cookie5, T0 + 22));
	assert_string_equal(user_of(st, cookie6, T0 + 22), "erin");

	/* regenerate on a brand-new session then store: a fresh id */
	req_open(st, cookie5, T0 + 23, &s);
	fl_session_regenerate_id(st, &cfg, arena, &s);
	json_object_set_new(s.data, "user", json_string("frank"));
	const char *cookie7 = req_save(st, &s, T0 + 23, NULL);
	assert_string_not_equal(cookie7, cookie5);
	assert_string_equal(user_of(st, cookie7, T0 + 24), "frank");

	/* tagged JSON and non-ASCII survive */
	req_open(st, NULL, T0 + 30, &s);
	json_object_set_new(s.data, "t", fl_tag_tuple(json_pack("[i,s]", 1, "x")));
	json_object_set_new(s.data, "user", json_string("小明"));
	const char *cookie8 = req_save(st, &s, T0 + 30, NULL);
	req_open(st, cookie8, T0 + 31, &s);
	assert_string_equal(json_string_value(json_object_get(s.data, "user")), "小明");
	assert_true(json_is_array(json_object_get(json_object_get(s.data, "t"), " t")));
}

/* ---- the database store: SQLite, MariaDB, PostgreSQL ---- */

/* A connection to the database of `kind` (dbserver_open.h; SQLite: a
 * file in tmpdir) with no session table yet; NULL when not selected. */
static fl_db *open_kind(const char *kind)
{
	char path[400];
	snprintf(path, sizeof path, "%s/app.sqlite", tmpdir);
	fl_db *db = dbserver_open(kind, path);
	if (db)
		assert_int_equal(fl_db_exec_script(db, "DROP TABLE IF EXISTS "
			FL_SESSION_SQLITE_TABLE), FL_OK);
	return db;
}

static long long count_rows(fl_db *db, const char *where)
{
	char sql[256];
	json_t *rows;
	snprintf(sql, sizeof sql, "SELECT count(*) AS n FROM " FL_SESSION_SQLITE_TABLE " %s", where);
	assert_int_equal(fl_db_query(db, sql, NULL, &rows), FL_OK);
	return json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
}

/* Save, open, change, expire, delete (check_store) on `kind`. */
static void store_on(const char *kind)
{
	fl_db *db = open_kind(kind);
	if (!db)
		skip();
	fl_session_store *st;
	assert_int_equal(fl_session_db_store(db, &st), FL_OK);
	assert_string_equal(st->type, "sqlite");
	check_store(st);
	fl_session_store_free(st);
	fl_db_close(db);
}

static void test_sqlite_store(void **state)
{
	store_on("sqlite");
}

static void test_mysql_store(void **state)
{
	store_on("mysql");
}

static void test_postgresql_store(void **state)
{
	store_on("postgresql");
}

/* Expired records swept; a dropped table made again; a second store
 * shares the records; the store's statements neither begin a transaction
 * nor count as the request's. */
static void purge_and_recreate(const char *kind)
{
	fl_db *db = open_kind(kind);
	if (!db)
		skip();
	fl_session_store *st;
	assert_int_equal(fl_session_db_store(db, &st), FL_OK);
	uint64_t n = fl_db_statement_count(db);
	new_session(st, "old", T0);                   /* expires T0 + LIFETIME */
	assert_false(fl_db_in_transaction(db));
	assert_int_equal(fl_db_statement_count(db), n);
	assert_int_equal(count_rows(db, ""), 1);
	new_session(st, "kept", T0 + LIFETIME + 1);   /* no sweep yet: "old" stays */
	assert_int_equal(count_rows(db, ""), 2);
	new_session(st, "live", T0 + FL_SESSION_PURGE_INTERVAL - 10);
	new_session(st, "new", T0 + FL_SESSION_PURGE_INTERVAL + 1);   /* sweeps */
	assert_int_equal(count_rows(db, ""), 2);      /* "live" and "new" */
	assert_int_equal(count_rows(db, "WHERE data LIKE '%old%' OR data LIKE '%kept%'"), 0);

	/* someone drops the table: the store makes it again */
	assert_int_equal(fl_db_exec_script(db, "DROP TABLE " FL_SESSION_SQLITE_TABLE), FL_OK);
	const char *cookie = new_session(st, "again", T0 + 1000);
	assert_string_equal(user_of(st, cookie, T0 + 1001), "again");
	fl_session_store_free(st);

	/* a second store on the same database shares the records */
	fl_session_store *st2;
	assert_int_equal(fl_session_db_store(db, &st2), FL_OK);
	assert_string_equal(user_of(st2, cookie, T0 + 1001), "again");
	fl_session_store_free(st2);
	fl_db_close(db);
}

static void test_sqlite_purge_and_recreate(void **state)
{
	purge_and_recreate("sqlite");
}

static void test_mysql_purge_and_recreate(void **state)
{
	purge_and_recreate("mysql");
}

static void test_postgresql_purge_and_recreate(void **state)
{
	purge_and_recreate("postgresql");
}

/* Within an open transaction of the request, the save joins it: committed
 * with the request's work, or rolled back with it. */
static void joins_open_transaction(const char *kind)
{
	fl_db *db = open_kind(kind);
	if (!db)
		skip();
	fl_session_store *st;
	assert_int_equal(fl_session_db_store(db, &st), FL_OK);
	assert_int_equal(fl_db_exec_script(db, "DROP TABLE IF EXISTS t"), FL_OK);
	assert_int_equal(fl_db_exec_script(db, "CREATE TABLE t (x INTEGER)"), FL_OK);
	assert_int_equal(fl_db_execute(db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL), FL_OK);
	assert_true(fl_db_in_transaction(db));
	const char *cookie = new_session(st, "in-tx", T0);   /* no deadlock, no error */
	assert_int_equal(fl_db_commit(db), FL_OK);
	assert_string_equal(user_of(st, cookie, T0 + 1), "in-tx");
	assert_int_equal(fl_db_execute(db, "INSERT INTO t VALUES (2)", NULL, NULL, NULL), FL_OK);
	const char *gone = new_session(st, "rolled-back", T0);
	assert_int_equal(fl_db_rollback(db), FL_OK);
	assert_null(user_of(st, gone, T0 + 1));
	fl_session_store_free(st);
	fl_db_close(db);
}

static void test_sqlite_joins_open_transaction(void **state)
{
	joins_open_transaction("sqlite");
}

static void test_mysql_joins_open_transaction(void **state)
{
	joins_open_transaction("mysql");
}

static void test_postgresql_joins_open_transaction(void **state)
{
	joins_open_transaction("postgresql");
}

/* ---- filesystem ---- */

static int count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' ? !prefix : prefix && strncmp(e->d_name, prefix,
			strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void test_fs_store(void **state)
{
	char dir[400];
	snprintf(dir, sizeof dir, "%s/var/sessions", tmpdir);
	fl_session_store *st;
	assert_int_equal(fl_session_fs_store(dir, &st), FL_OK);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	check_store(st);
	assert_int_equal(count_files(dir, ".tmp-"), 0);   /* no temp file left */

	/* a record file: mode 0600, "<expiry>\n<json>\n" */
	fl_session s;
	req_open(st, NULL, T0, &s);
	json_object_set_new(s.data, "k", json_string("v"));
	req_save(st, &s, T0, NULL);
	char path[600], buf[200];
	snprintf(path, sizeof path, "%s/%s", dir, s.sid);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char want[100];
	snprintf(want, sizeof want, "%ld\n{\"k\":\"v\"}\n", T0 + LIFETIME);
	assert_string_equal(buf, want);

	/* a corrupt record is an empty session */
	char *cookie;
	fl_session_sid_sign(&cfg, arena, s.sid, &cookie);
	f = fopen(path, "w");
	fputs("garbage", f);
	fclose(f);
	assert_int_equal(req_open(st, cookie, T0 + 1, &s), FL_OK);
	assert_true(s.is_new);
	fl_session_store_free(st);
}

static void test_fs_sweep(void **state)
{
	char dir[400];
	snprintf(dir, sizeof dir, "%s/sweep", tmpdir);
	fl_session_store *st;
	assert_int_equal(fl_session_fs_store(dir, &st), FL_OK);
	new_session(st, "a", T0);
	new_session(st, "b", T0 + 1);
	assert_int_equal(count_files(dir, NULL), 2);
	/* a stale temporary file of a crashed writer */
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s/.tmp-crashed", dir);
	FILE *f = fopen(tmp, "w");
	fclose(f);
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, tmp, old, 0), 0);
	/* an expired record read is removed at once */
	const char *c = new_session(st, "c", T0 + 2);
	assert_null(user_of(st, c, T0 + 2 + LIFETIME));
	assert_int_equal(count_files(dir, NULL), 2);
	/* the sweep (on a save after the interval) removes the rest */
	new_session(st, "d", T0 + FL_SESSION_PURGE_INTERVAL + 10);
	assert_int_equal(count_files(dir, NULL), 1);
	assert_int_equal(count_files(dir, ".tmp-"), 0);
	fl_session_store_free(st);
}

/* ---- fl_session_purge (./manage session purge) ---- */

/* Three records: two that expire at T0 + LIFETIME and T0 + 1 + LIFETIME,
 * one live until T0 + 50 + LIFETIME.  Purging at T0 + 1 + LIFETIME
 * removes the first two, counts them, and keeps the live one. */
static void check_purge(fl_session_store *st)
{
	long removed = -1;
	/* the first save of a process sweeps (nothing has expired yet) */
	new_session(st, "old", T0);
	new_session(st, "older", T0 + 1);
	const char *live = new_session(st, "live", T0 + 50);
	assert_int_equal(fl_session_purge(st, T0 + 10, &removed), FL_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(fl_session_purge(st, T0 + 1 + LIFETIME, &removed), FL_OK);
	assert_int_equal(removed, 2);
	assert_string_equal(user_of(st, live, T0 + 1 + LIFETIME), "live");
	assert_int_equal(fl_session_purge(st, T0 + 1 + LIFETIME, &removed), FL_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(fl_session_purge(st, T0 + 50 + LIFETIME, NULL), FL_OK);
	assert_null(user_of(st, live, T0 + 49 + LIFETIME));
}

static void test_purge(void **state)
{
	fl_db *db = open_kind("sqlite");
	fl_session_store *st;
	long removed = -1;
	assert_int_equal(fl_session_db_store(db, &st), FL_OK);
	check_purge(st);
	assert_int_equal(count_rows(db, ""), 0);
	fl_session_store_free(st);
	fl_db_close(db);

	char dir[400];
	snprintf(dir, sizeof dir, "%s/purge", tmpdir);
	assert_int_equal(fl_session_fs_store(dir, &st), FL_OK);
	check_purge(st);
	assert_int_equal(count_files(dir, NULL), 0);
	fl_session_store_free(st);

	/* nothing to purge: the signed cookie, and Redis (TTLs) — no server
	 * needed, the store connects lazily and purge never connects */
	assert_int_equal(fl_session_purge(fl_session_cookie_store(), T0, &removed), FL_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(fl_session_redis_store("redis://127.0.0.1:1/0", 50, &st), FL_OK);
	removed = -1;
	assert_int_equal(fl_session_purge(st, T0, &removed), FL_OK);
	assert_int_equal(removed, 0);
	fl_session_store_free(st);
	assert_int_equal(fl_session_purge(NULL, T0, &removed), FL_EINVAL);
}

/* The sweep the stores run by themselves: anonymous records (a CSRF
 * token and nothing else) do not pile up for PERMANENT_SESSION_LIFETIME. */
static void test_automatic_purge_of_anonymous_sessions(void **state)
{
	fl_db *db = open_kind("sqlite");
	fl_session_store *st;
	assert_int_equal(fl_session_db_store(db, &st), FL_OK);
	for (int i = 0; i < 20; i++)
		new_session(st, "anonymous", T0 + i);
	assert_int_equal(count_rows(db, ""), 20);
	/* later than LIFETIME and the purge interval: one save sweeps them */
	new_session(st, "visitor", T0 + LIFETIME + FL_SESSION_PURGE_INTERVAL);
	assert_int_equal(count_rows(db, ""), 1);
	fl_session_store_free(st);
	fl_db_close(db);
}

/* fl_session_store_open: the store SESSION_TYPE names. */
static void test_store_open_from_config(void **state)
{
	fl_config c;
	fl_session_store *st = NULL;
	fl_db *db = open_kind("sqlite");
	memset(&c, 0, sizeof c);
	c.root = tmpdir;
	c.session_type = "null";
	assert_int_equal(fl_session_store_open(&c, db, &st), FL_OK);
	assert_ptr_equal(st, fl_session_cookie_store());
	fl_session_store_free(st);
	c.session_type = "sqlite";
	assert_int_equal(fl_session_store_open(&c, db, &st), FL_OK);
	assert_string_equal(st->type, "sqlite");
	fl_session_store_free(st);
	assert_int_equal(fl_session_store_open(&c, NULL, &st), FL_EINVAL);
	c.session_type = "filesystem";
	unsetenv("FLAGON_VAR");
	assert_int_equal(fl_session_store_open(&c, db, &st), FL_OK);
	assert_string_equal(st->type, "filesystem");
	fl_session_store_free(st);
	char dir[400];
	struct stat sb;
	snprintf(dir, sizeof dir, "%s/var/sessions", tmpdir);
	assert_int_equal(stat(dir, &sb), 0);
	char *d = fl_session_fs_dir(&c);
	assert_string_equal(d, dir);
	free(d);
	setenv("FLAGON_VAR", "/srv/x", 1);
	d = fl_session_fs_dir(&c);
	assert_string_equal(d, "/srv/x/sessions");
	free(d);
	unsetenv("FLAGON_VAR");
	c.session_type = "redis";
	c.redis_url = "http://nope";
	assert_int_equal(fl_session_store_open(&c, db, &st), FL_ECONFIG);
	c.session_type = "memcached";
	assert_int_equal(fl_session_store_open(&c, db, &st), FL_ECONFIG);

	/* the settings: every SESSION_* key */
	fl_session_config sc;
	c.secret_key = "k";
	c.permanent_session_lifetime = 77;
	c.session_cookie_name = "sid";
	c.session_cookie_path = "/app";
	c.session_cookie_samesite = "Strict";
	c.session_cookie_httponly = 1;
	fl_session_config_from(&sc, &c);
	assert_string_equal(sc.secret_key, "k");
	assert_int_equal(sc.permanent_lifetime, 77);
	assert_string_equal(sc.cookie_name, "sid");
	assert_string_equal(sc.path, "/app");
	assert_string_equal(sc.samesite, "Strict");
	assert_true(sc.httponly);
	assert_false(sc.secure);
	fl_db_close(db);
}

static void test_fs_bad_dir(void **state)
{
	fl_session_store *st = NULL;
	assert_int_equal(fl_session_fs_store("/proc/flagon-no/sessions", &st), FL_EIO);
	assert_null(st);
}

/* ---- two processes at once ---- */

typedef fl_session_store *(*store_maker)(void *ud);

/* Both children read and rewrite the same session and create their own
 * ones, ROUNDS times each: every read must see a whole record. */
#define ROUNDS 150
static int child_work(fl_session_store *st, const char *shared_cookie, int id)
{
	fl_arena *a = fl_arena_new(0);
	fl_json_set_arena(a);
	int bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		fl_session s;
		fl_err e = fl_session_open(st, &cfg, a, shared_cookie, T0 + 1, &s);
		json_t *user = json_object_get(s.data, "user");
		if (e || !json_is_string(user) || strcmp(json_string_value(user), "shared") != 0)
			bad++;
		json_object_set_new(s.data, "writer", json_integer(id * 1000 + i));
		fl_cookie c;
		if (fl_session_save(st, &cfg, a, &s, T0 + 1, &c) != FL_OK || !c.value)
			bad++;
		/* a session of its own */
		fl_session mine;
		fl_session_open(st, &cfg, a, NULL, T0 + 1, &mine);
		json_object_set_new(mine.data, "user", json_integer(i));
		if (fl_session_save(st, &cfg, a, &mine, T0 + 1, &c) != FL_OK)
			bad++;
		fl_arena_reset(a);
	}
	fl_json_set_arena(NULL);
	fl_arena_free(a);
	return bad;
}

static void run_two(store_maker make, void *ud)
{
	fl_session_store *st = make(ud);
	const char *shared = new_session(st, "shared", T0);
	char *cookie = strdup(shared);
	fl_session_store_free(st);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			fl_session_store *mine = make(ud);   /* each process its own */
			int bad = mine ? child_work(mine, cookie, k + 1) : 1;
			_exit(bad ? 1 : 0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	st = make(ud);
	fl_session s;
	req_open(st, cookie, T0 + 2, &s);
	assert_string_equal(json_string_value(json_object_get(s.data, "user")), "shared");
	assert_true(json_is_integer(json_object_get(s.data, "writer")));
	free(cookie);
	fl_session_store_free(st);
}

static fl_db *child_db;   /* the database maker's connection (one per process) */

/* Where make_db's store keeps its records. */
struct db_where {
	const char *kind;   /* "sqlite", "mysql", "postgresql" */
	const char *path;   /* SQLite's file */
};

static fl_session_store *make_db(void *ud)
{
	const struct db_where *w = ud;
	fl_session_store *st = NULL;
	if (child_db)
		fl_db_close(child_db);
	child_db = dbserver_open(w->kind, w->path);
	if (!child_db || fl_session_db_store(child_db, &st) != FL_OK)
		return NULL;
	return st;
}

static fl_session_store *make_fs(void *ud)
{
	fl_session_store *st = NULL;
	return fl_session_fs_store(ud, &st) == FL_OK ? st : NULL;
}

/* Two processes saving one session at once, each with its own
 * connection: every upsert of the one id succeeds. */
static void two_processes(const char *kind)
{
	char path[400];
	snprintf(path, sizeof path, "%s/two.sqlite", tmpdir);
	struct db_where w = { kind, path };
	fl_db *db = strcmp(kind, "sqlite") ? open_kind(kind) : NULL;
	if (strcmp(kind, "sqlite") && !db)
		skip();
	fl_db_close(db);
	run_two(make_db, &w);
	fl_db_close(child_db);
	child_db = NULL;
}

static void test_sqlite_two_processes(void **state)
{
	two_processes("sqlite");
}

static void test_mysql_two_processes(void **state)
{
	two_processes("mysql");
}

static void test_postgresql_two_processes(void **state)
{
	two_processes("postgresql");
}

static void test_fs_two_processes(void **state)
{
	char dir[400];
	snprintf(dir, sizeof dir, "%s/two", tmpdir);
	run_two(make_fs, dir);
	assert_int_equal(count_files(dir, ".tmp-"), 0);
	assert_int_equal(count_files(dir, NULL), 1 + 2 * ROUNDS);
}

/* ---- redis ---- */

static void test_redis_url(void **state)
{
	fl_redis_url u;
	assert_int_equal(fl_redis_parse_url("redis://127.0.0.1:6379/0", &u), FL_OK);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 6379);
	assert_int_equal(u.db, 0);
	assert_int_equal(fl_redis_parse_url("redis://localhost", &u), FL_OK);
	assert_int_equal(u.port, 6379);
	assert_int_equal(fl_redis_parse_url("redis://:pw@h:7000/3", &u), FL_OK);
	assert_string_equal(u.password, "pw");
	assert_string_equal(u.host, "h");
	assert_int_equal(u.port, 7000);
	assert_int_equal(u.db, 3);
	assert_int_equal(fl_redis_parse_url("redis://user:p@ss@[::1]:6380/", &u), FL_OK);
	assert_string_equal(u.user, "user");
	assert_string_equal(u.password, "p@ss");
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 6380);
	const char *bad[] = { "http://h", "redis://", "redis://h:0", "redis://h:70000",
		"redis://h:x", "redis://h/x", "redis://h/1?ssl=1", "redis://[::1", NULL };
	for (int i = 0; bad[i]; i++)
		assert_int_equal(fl_redis_parse_url(bad[i], &u), FL_ECONFIG);
	fl_session_store *st = NULL;
	assert_int_equal(fl_session_redis_store("redis://h:x", 0, &st), FL_ECONFIG);
	assert_null(st);
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
}

static pid_t start_redis(int port)
{
	pid_t pid = fork();
	if (pid == 0) {
		char p[16];
		snprintf(p, sizeof p, "%d", port);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execlp("redis-server", "redis-server", "--port", p, "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", tmpdir, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop_redis(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void test_redis_store(void **state)
{
	if (system("command -v redis-server >/dev/null 2>&1") != 0)
		missing("redis-server is not installed");
	int port = free_port();
	pid_t pid = start_redis(port);
	char url[64];
	snprintf(url, sizeof url, "redis://127.0.0.1:%d/2", port);
	fl_session_store *st;
	assert_int_equal(fl_session_redis_store(url, 0, &st), FL_OK);
	/* wait for the server: up to 5 s */
	fl_redis *probe;
	assert_int_equal(fl_redis_open(url, 0, &probe), FL_OK);
	redisReply *rep = NULL;
	for (int i = 0; i < 50 && !rep; i++) {
		usleep(100 * 1000);
		rep = fl_redis_command(probe, "PING");
	}
	assert_non_null(rep);
	fl_redis_reply_free(rep);

	/* Redis keeps its own clock: check the common behaviour at "now". */
	time_t now = time(NULL);
	fl_session s;
	const char *cookie = new_session(st, "alice", now);
	assert_string_equal(user_of(st, cookie, now), "alice");
	req_open(st, cookie, now, &s);
	const char *sid = fl_arena_strdup(arena, s.sid);
	rep = fl_redis_command(probe, "TTL session:%s", sid);
	assert_non_null(rep);
	assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
	assert_true(rep->integer > LIFETIME - 5 && rep->integer <= LIFETIME);
	fl_redis_reply_free(rep);
	rep = fl_redis_command(probe, "GET session:%s", sid);
	assert_string_equal(rep->str, "{\"user\":\"alice\"}");
	fl_redis_reply_free(rep);

	/* forged and unknown ids */
	char *forged = fl_arena_strdup(arena, cookie);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	assert_null(user_of(st, forged, now));
	/* clear deletes the key */
	req_open(st, cookie, now, &s);
	json_object_clear(s.data);
	assert_string_equal(req_save(st, &s, now, NULL), "");
	rep = fl_redis_command(probe, "EXISTS session:%s", sid);
	assert_int_equal(rep->integer, 0);
	fl_redis_reply_free(rep);
	/* regenerate */
	const char *c2 = new_session(st, "bob", now);
	req_open(st, c2, now, &s);
	fl_session_regenerate_id(st, &cfg, arena, &s);
	const char *c3 = req_save(st, &s, now, NULL);
	assert_string_not_equal(c2, c3);
	assert_null(user_of(st, c2, now));
	assert_string_equal(user_of(st, c3, now), "bob");
	/* expiry by the server: a 1 s lifetime */
	cfg.permanent_lifetime = 1;
	req_open(st, NULL, now, &s);
	json_object_set_new(s.data, "user", json_string("brief"));
	fl_cookie ck;
	assert_int_equal(fl_session_save(st, &cfg, arena, &s, now, &ck), FL_OK);
	const char *brief = ck.value;
	assert_string_equal(user_of(st, brief, now), "brief");
	usleep(2100 * 1000);
	assert_null(user_of(st, brief, now));
	cfg.permanent_lifetime = LIFETIME;

	/* the server goes away: empty sessions and errors, no crash */
	stop_redis(pid);
	fl_err e = req_open(st, c3, now, &s);
	assert_int_equal(e, FL_EIO);
	assert_true(s.is_new);
	json_object_set_new(s.data, "user", json_string("x"));
	fl_err se;
	req_save(st, &s, now, &se);
	assert_int_equal(se, FL_EIO);
	/* ... and comes back on the same port: the store reconnects */
	pid = start_redis(port);
	const char *back = NULL;
	for (int i = 0; i < 40 && !back; i++) {
		usleep(100 * 1000);
		req_open(st, NULL, now, &s);
		json_object_set_new(s.data, "user", json_string("again"));
		fl_cookie c;
		if (fl_session_save(st, &cfg, arena, &s, now, &c) == FL_OK)
			back = c.value;
	}
	assert_non_null(back);
	assert_string_equal(user_of(st, back, now), "again");
	fl_redis_close(probe);
	fl_session_store_free(st);
	stop_redis(pid);
}

static void test_redis_down_is_fast(void **state)
{
	char url[64];
	snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", free_port());
	fl_session_store *st;
	assert_int_equal(fl_session_redis_store(url, 0, &st), FL_OK);   /* no connect yet */
	const char *fake = "x";
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 20; i++) {
		fl_session s;
		char *sid, *cookie;
		fl_session_sid_new(arena, &sid);
		fl_session_sid_sign(&cfg, arena, sid, &cookie);
		req_open(st, i ? cookie : fake, T0, &s);
		assert_true(s.is_new);
		assert_non_null(s.data);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	assert_true(secs < 1.0);
	fl_session_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sid_new_and_sign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sid_forged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mysql_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_postgresql_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_purge_and_recreate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mysql_purge_and_recreate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_postgresql_purge_and_recreate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_joins_open_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mysql_joins_open_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_postgresql_joins_open_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_two_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mysql_two_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_postgresql_two_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_bad_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_automatic_purge_of_anonymous_sessions, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_store_open_from_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fs_two_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_down_is_fast, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
