/* test_cache.c — Flask-Caching's backends: null, simple (LRU, bounds),
 * the database cache on SQLite, MariaDB and PostgreSQL (shared between
 * processes; the servers when FLAGON_TEST_DB selects them), redis (a real redis-server on a free
 * port; down → miss, never a crash); timeouts on a controllable clock;
 * counters (cache.inc with a fixed window, for rate limits) on every
 * backend, atomic across processes; the CACHE_TYPE factory and route cache
 * flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "cache/cache.h"
#include "base/config.h"
#include "http/routing.h"
#include "arena_fixture.h"
#include "missing.h"
#include "dbserver_open.h"

/* ---- a clock the tests move ---- */

static time_t fake_now = 1700000000;

static time_t fake_clock(void *ud)
{
	return *(time_t *)ud;
}

static int setup_arena(void **state)
{
	fake_now = 1700000000;
	return arena_setup(state);
}

/* get as a C string, or NULL on a miss (any error). */
static const char *get(fl_cache *c, const char *key)
{
	char *v = NULL;
	size_t n;
	return fl_cache_get(c, key, arena, &v, &n) == FL_OK ? v : NULL;
}

static void put(fl_cache *c, const char *key, const char *value, long timeout)
{
	assert_int_equal(fl_cache_set(c, key, value, strlen(value), timeout), FL_OK);
}

/* ---- what every storing backend must do ---- */

static void check_get_set_delete(fl_cache *c)
{
	assert_null(get(c, "a"));
	assert_int_equal(fl_cache_get(c, "a", arena, &(char *){ NULL }, NULL), FL_ENOTFOUND);
	put(c, "a", "one", 0);
	assert_string_equal(get(c, "a"), "one");
	put(c, "a", "uno", 0);                       /* replaces */
	assert_string_equal(get(c, "a"), "uno");
	/* Binary values with NULs round-trip, with their length. */
	char *v;
	size_t n;
	assert_int_equal(fl_cache_set(c, "bin", "x\0y\n\xff", 5, 0), FL_OK);
	assert_int_equal(fl_cache_get(c, "bin", arena, &v, &n), FL_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(v, "x\0y\n\xff", 5);
	assert_int_equal(v[5], '\0');
	/* Empty value. */
	put(c, "empty", "", 0);
	assert_string_equal(get(c, "empty"), "");
	assert_int_equal(fl_cache_delete(c, "a"), FL_OK);
	assert_null(get(c, "a"));
	assert_int_equal(fl_cache_delete(c, "a"), FL_OK);   /* absent: fine */
	/* Bad keys. */
	assert_int_equal(fl_cache_set(c, "", "x", 1, 0), FL_EINVAL);
	char *longkey = fl_arena_alloc(arena, FL_CACHE_MAX_KEY + 2);
	memset(longkey, 'k', FL_CACHE_MAX_KEY + 1);
	longkey[FL_CACHE_MAX_KEY + 1] = '\0';
	assert_int_equal(fl_cache_set(c, longkey, "x", 1, 0), FL_EINVAL);
	assert_int_equal(fl_cache_get(c, longkey, arena, &v, &n), FL_EINVAL);
}

static void check_prefix_and_clear(fl_cache *c)
{
	put(c, "view/animals/cats/", "1", 0);
	put(c, "view/animals/cats/?page=2", "2", 0);
	put(c, "view/animals/cats/x", "3", 0);
	put(c, "view/animals/dogs/", "4", 0);
	put(c, "view/animals/cats*", "5", 0);      /* glob characters are literal */
	assert_int_equal(fl_cache_delete_prefix(c, "view/animals/cats/?"), FL_OK);
	assert_string_equal(get(c, "view/animals/cats/"), "1");
	assert_null(get(c, "view/animals/cats/?page=2"));
	assert_string_equal(get(c, "view/animals/cats/x"), "3");
	assert_int_equal(fl_cache_delete_prefix(c, "view/animals/cats*"), FL_OK);
	assert_null(get(c, "view/animals/cats*"));
	assert_string_equal(get(c, "view/animals/cats/"), "1");
	assert_int_equal(fl_cache_delete_prefix(c, "view/animals/cats"), FL_OK);
	assert_null(get(c, "view/animals/cats/"));
	assert_null(get(c, "view/animals/cats/x"));
	assert_string_equal(get(c, "view/animals/dogs/"), "4");
	assert_int_equal(fl_cache_clear(c), FL_OK);
	assert_null(get(c, "view/animals/dogs/"));
}

/* Expiry on the fake clock (not for redis, whose server keeps time). */
static void check_expiry(fl_cache *c)
{
	fl_cache_set_clock(c, fake_clock, &fake_now);
	put(c, "short", "s", 10);
	put(c, "forever", "f", 0);
	put(c, "dflt", "d", FL_CACHE_DEFAULT_TIMEOUT);  /* the cache's default: 300 */
	fake_now += 9;
	assert_string_equal(get(c, "short"), "s");
	fake_now += 1;                                 /* exactly the timeout: gone */
	assert_null(get(c, "short"));
	assert_string_equal(get(c, "dflt"), "d");
	fake_now += 290;
	assert_null(get(c, "dflt"));
	fake_now += 100000000;
	assert_string_equal(get(c, "forever"), "f");
	/* Setting again restarts the timeout. */
	put(c, "short", "s2", 10);
	fake_now += 5;
	put(c, "short", "s3", 10);
	fake_now += 6;
	assert_string_equal(get(c, "short"), "s3");
	fl_cache_set_clock(c, NULL, NULL);
}

/* Counters (fl_cache_inc, fl_cache_get_counter): what every storing
 * backend must do, on the real clock. */
static void check_counters(fl_cache *c)
{
	long long v = -1;
	long ttl = -1;
	assert_int_equal(fl_cache_get_counter(c, "n", &v, &ttl), FL_ENOTFOUND);
	for (long long i = 1; i <= 10; i++) {
		assert_int_equal(fl_cache_inc(c, "n", 1, 60, &v, &ttl), FL_OK);
		assert_int_equal(v, i);
		assert_true(ttl >= 58 && ttl <= 60);       /* the window of the first */
	}
	assert_int_equal(fl_cache_get_counter(c, "n", &v, &ttl), FL_OK);
	assert_int_equal(v, 10);
	assert_true(ttl >= 58 && ttl <= 60);
	assert_string_equal(get(c, "n"), "10");          /* a counter is decimal text */
	assert_int_equal(fl_cache_inc(c, "n", -13, 60, &v, NULL), FL_OK);
	assert_int_equal(v, -3);
	assert_int_equal(fl_cache_inc(c, "n", 0, 60, &v, NULL), FL_OK);
	assert_int_equal(v, -3);
	assert_string_equal(get(c, "n"), "-3");
	/* Timeouts: the default, and never. */
	assert_int_equal(fl_cache_inc(c, "d", 5, FL_CACHE_DEFAULT_TIMEOUT, &v, &ttl), FL_OK);
	assert_int_equal(v, 5);
	assert_true(ttl >= 298 && ttl <= 300);
	assert_int_equal(fl_cache_inc(c, "f", 1, 0, &v, &ttl), FL_OK);
	assert_int_equal(ttl, 0);
	assert_int_equal(fl_cache_inc(c, "f", 1, 60, &v, &ttl), FL_OK);   /* keeps "never" */
	assert_int_equal(v, 2);
	assert_int_equal(ttl, 0);
	/* What fl_cache_set stored counts when it is a counter's text. */
	put(c, "s", "41", 0);
	assert_int_equal(fl_cache_get_counter(c, "s", &v, &ttl), FL_OK);
	assert_int_equal(v, 41);
	assert_int_equal(fl_cache_inc(c, "s", 1, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 42);
	assert_int_equal(ttl, 0);
	/* Anything else is not a counter: refused, left as it is. */
	const char *bad[] = { "abc", "007", "-0", "", " 1", "1 ", "1.5", "+1", "-",
		"9223372036854775808" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		put(c, "x", bad[i], 0);
		if (fl_cache_inc(c, "x", 1, 60, &v, &ttl) != FL_EINVAL)
			fail_msg("inc of '%s' was not refused", bad[i]);
		assert_int_equal(fl_cache_get_counter(c, "x", &v, &ttl), FL_EINVAL);
		assert_string_equal(get(c, "x"), bad[i]);
	}
	/* The range of a long long, both ends. */
	put(c, "max", "9223372036854775807", 0);
	assert_int_equal(fl_cache_inc(c, "max", 1, 60, &v, &ttl), FL_ERANGE);
	assert_string_equal(get(c, "max"), "9223372036854775807");
	assert_int_equal(fl_cache_get_counter(c, "max", &v, NULL), FL_OK);
	assert_true(v == 9223372036854775807LL);
	put(c, "min", "-9223372036854775808", 0);
	assert_int_equal(fl_cache_inc(c, "min", -1, 60, &v, &ttl), FL_ERANGE);
	assert_int_equal(fl_cache_inc(c, "min", 1, 60, &v, &ttl), FL_OK);
	assert_true(v == -9223372036854775807LL);
	/* Deleting forgets; bad keys. */
	assert_int_equal(fl_cache_delete(c, "n"), FL_OK);
	assert_int_equal(fl_cache_get_counter(c, "n", &v, &ttl), FL_ENOTFOUND);
	assert_int_equal(fl_cache_inc(c, "n", 1, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 1);
	assert_int_equal(fl_cache_inc(c, "", 1, 60, &v, &ttl), FL_EINVAL);
	assert_int_equal(fl_cache_get_counter(c, "", &v, &ttl), FL_EINVAL);
	assert_int_equal(fl_cache_clear(c), FL_OK);
}

/* A counter's window on the fake clock: fixed from the first count, then
 * a new one (not for redis, whose server keeps time). */
static void check_counter_window(fl_cache *c)
{
	long long v;
	long ttl;
	fl_cache_set_clock(c, fake_clock, &fake_now);
	assert_int_equal(fl_cache_inc(c, "w", 1, 60, &v, &ttl), FL_OK);
	assert_int_equal(ttl, 60);
	fake_now += 59;
	assert_int_equal(fl_cache_inc(c, "w", 1, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 2);
	assert_int_equal(ttl, 1);                        /* the window does not slide */
	assert_int_equal(fl_cache_get_counter(c, "w", &v, &ttl), FL_OK);
	assert_int_equal(ttl, 1);
	fake_now += 1;                                   /* exactly the timeout: gone */
	assert_int_equal(fl_cache_get_counter(c, "w", &v, &ttl), FL_ENOTFOUND);
	assert_null(get(c, "w"));
	assert_int_equal(fl_cache_inc(c, "w", 1, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 1);                          /* a new window */
	assert_int_equal(ttl, 60);
	/* An expired value that was not a counter is simply gone too. */
	put(c, "e", "abc", 10);
	fake_now += 10;
	assert_int_equal(fl_cache_inc(c, "e", 3, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 3);
	fl_cache_set_clock(c, NULL, NULL);
}

/* ---- null ---- */

static void test_null(void **state)
{
	fl_cache *c = fl_cache_null_new();
	assert_string_equal(fl_cache_type(c), "null");
	put(c, "a", "one", 0);
	assert_null(get(c, "a"));
	assert_int_equal(fl_cache_delete(c, "a"), FL_OK);
	assert_int_equal(fl_cache_clear(c), FL_OK);
	/* Flask-Caching's NullCache.inc: nothing stored, the sum of nothing. */
	long long v;
	long ttl;
	assert_int_equal(fl_cache_inc(c, "n", 3, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 3);
	assert_int_equal(ttl, 60);
	assert_int_equal(fl_cache_inc(c, "n", 3, 60, &v, &ttl), FL_OK);
	assert_int_equal(v, 3);
	assert_int_equal(fl_cache_get_counter(c, "n", &v, &ttl), FL_ENOTFOUND);
	fl_cache_free(c);
}

/* ---- simple ---- */

static void test_simple_basics(void **state)
{
	fl_cache *c = fl_cache_simple_new(0, 0, 300);
	assert_string_equal(fl_cache_type(c), "simple");
	check_get_set_delete(c);
	check_prefix_and_clear(c);
	check_expiry(c);
	check_counters(c);
	check_counter_window(c);
	fl_cache_free(c);
}

static void test_simple_lru_bound(void **state)
{
	fl_cache *c = fl_cache_simple_new(3, 0, 300);
	put(c, "a", "1", 0);
	put(c, "b", "2", 0);
	put(c, "c", "3", 0);
	assert_string_equal(get(c, "a"), "1");  /* a is now the most recent */
	put(c, "d", "4", 0);                    /* evicts b, the least recent */
	assert_null(get(c, "b"));
	assert_string_equal(get(c, "a"), "1");
	assert_string_equal(get(c, "c"), "3");
	assert_string_equal(get(c, "d"), "4");
	/* Many more keys: never more than 3. */
	char key[16];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		put(c, key, "v", 0);
	}
	int live = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		live += get(c, key) != NULL;
	}
	assert_int_equal(live, 3);
	assert_string_equal(get(c, "k999"), "v");
	fl_cache_free(c);
}

static void test_simple_expired_go_first(void **state)
{
	fl_cache *c = fl_cache_simple_new(3, 0, 300);
	fl_cache_set_clock(c, fake_clock, &fake_now);
	put(c, "old", "1", 0);
	put(c, "brief", "2", 5);
	put(c, "c", "3", 0);
	fake_now += 10;
	put(c, "d", "4", 0);   /* the expired entry makes room, not "old" */
	assert_string_equal(get(c, "old"), "1");
	assert_string_equal(get(c, "c"), "3");
	assert_string_equal(get(c, "d"), "4");
	fl_cache_free(c);
}

static void test_simple_byte_bound(void **state)
{
	fl_cache *c = fl_cache_simple_new(100, 100, 300);
	char big[41];
	memset(big, 'x', 40);
	big[40] = '\0';
	put(c, "a", big, 0);    /* 41 bytes with the key */
	put(c, "b", big, 0);    /* 82 */
	put(c, "c", big, 0);    /* would be 123: a goes */
	assert_null(get(c, "a"));
	assert_non_null(get(c, "b"));
	assert_non_null(get(c, "c"));
	char huge[200];
	memset(huge, 'y', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_int_equal(fl_cache_set(c, "h", huge, strlen(huge), 0), FL_ETOOLARGE);
	assert_null(get(c, "h"));
	fl_cache_free(c);
}

/* ---- sqlite ---- */

static char dbdir[64];
static char dbpath[128];

static int setup_sqlite(void **state)
{
	setup_arena(state);
	strcpy(dbdir, "/tmp/fl_test_cache_XXXXXX");
	assert_non_null(mkdtemp(dbdir));
	snprintf(dbpath, sizeof dbpath, "%s/app.sqlite", dbdir);
	return 0;
}

static int teardown_sqlite(void **state)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dbdir);
	return arena_teardown(state);
}

static fl_db *open_db(void)
{
	fl_db *db;
	assert_int_equal(fl_db_open(dbpath, &db), FL_OK);   /* WAL, a 5 s busy timeout */
	return db;
}

static void test_sqlite_basics(void **state)
{
	fl_db *db = open_db();
	fl_cache *c = fl_cache_db_new(db, 300);
	assert_string_equal(fl_cache_type(c), "sqlite");
	check_get_set_delete(c);
	check_prefix_and_clear(c);
	check_expiry(c);
	check_counters(c);
	check_counter_window(c);
	fl_cache_free(c);
	fl_db_close(db);
}

static void test_sqlite_table(void **state)
{
	fl_db *db = open_db();
	sqlite3 *h = fl_db_sqlite_handle(db);
	fl_cache *c = fl_cache_db_new(db, 300);
	/* The table is made with the cache, at start-up. */
	sqlite3_stmt *st;
	const char *q = "SELECT sql FROM sqlite_master WHERE name = '" FL_CACHE_SQLITE_TABLE "'";
	assert_int_equal(sqlite3_prepare_v2(h, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 0),
		"\"key\" TEXT NOT NULL PRIMARY KEY"));
	sqlite3_finalize(st);
	put(c, "k", "v", 0);
	/* Expiry is an absolute Unix time. */
	fl_cache_set_clock(c, fake_clock, &fake_now);
	put(c, "t", "v", 50);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT expiry FROM flagon_cache WHERE key = 't'",
		-1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), fake_now + 50);
	sqlite3_finalize(st);
	/* Someone drops the table: it is made again. */
	assert_int_equal(fl_db_exec_script(db, "DROP TABLE flagon_cache"), FL_OK);
	assert_null(get(c, "k"));
	put(c, "k", "again", 0);
	assert_string_equal(get(c, "k"), "again");
	/* A counter an older cache stored as an INTEGER still counts. */
	assert_int_equal(fl_db_exec_script(db, "INSERT INTO flagon_cache VALUES ('old', 41, 0)"),
		FL_OK);
	long long v;
	assert_int_equal(fl_cache_inc(c, "old", 1, 0, &v, NULL), FL_OK);
	assert_int_equal(v, 42);
	assert_string_equal(get(c, "old"), "42");
	/* Writes inside the application's open transaction join it, and
	 * neither begin one nor count as the request's statements. */
	uint64_t n = fl_db_statement_count(db);
	assert_int_equal(fl_cache_delete(c, "k"), FL_OK);
	assert_false(fl_db_in_transaction(db));
	assert_int_equal(fl_db_statement_count(db), n);
	put(c, "k", "again", 0);
	assert_int_equal(fl_db_begin(db), FL_OK);
	assert_int_equal(fl_cache_delete(c, "k"), FL_OK);
	assert_int_equal(fl_db_rollback(db), FL_OK);
	assert_string_equal(get(c, "k"), "again");
	fl_cache_free(c);
	fl_db_close(db);
}

/* Run `fn` in a child process with its own connection and cache; wait. */
static void in_child(void (*fn)(fl_cache *))
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fl_db *db;
		if (fl_db_open(dbpath, &db) != FL_OK)
			_exit(2);
		fl_cache *c = fl_cache_db_new(db, 300);
		fn(c);
		fl_cache_free(c);
		fl_db_close(db);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void child_sets(fl_cache *c)
{
	if (fl_cache_set(c, "view/animals/cats/", "page from the child", 19, 50) != FL_OK)
		_exit(4);
}

static void child_invalidates(fl_cache *c)
{
	if (fl_cache_delete(c, "view/animals/cats/") != FL_OK)
		_exit(5);
}

static void child_reads(fl_cache *c)
{
	fl_arena *a = fl_arena_new(0);
	char *v;
	size_t n;
	if (fl_cache_get(c, "parent", a, &v, &n) != FL_OK || strcmp(v, "from the parent") != 0)
		_exit(6);
	fl_arena_free(a);
}

static void test_sqlite_shared_between_processes(void **state)
{
	fl_db *db = open_db();
	fl_cache *c = fl_cache_db_new(db, 300);
	assert_null(get(c, "view/animals/cats/"));
	in_child(child_sets);
	assert_string_equal(get(c, "view/animals/cats/"), "page from the child");
	in_child(child_invalidates);
	assert_null(get(c, "view/animals/cats/"));
	put(c, "parent", "from the parent", 0);
	in_child(child_reads);
	fl_cache_free(c);
	fl_db_close(db);
}

/* Children counting one key at once, each with its own connection: the
 * compare-and-set loses no count. */
#define COUNTERS 4
#define COUNTS 150

/* The database cache of `kind` in a fresh table (dbserver_open.h: NULL
 * when the kind is not selected). */
static fl_db *open_kind(const char *kind, fl_cache **c)
{
	fl_db *db = dbserver_open(kind, dbpath);
	if (!db)
		return NULL;
	assert_int_equal(fl_db_exec_script(db, "DROP TABLE IF EXISTS " FL_CACHE_SQLITE_TABLE), FL_OK);
	*c = fl_cache_db_new(db, 300);
	return db;
}

/* Children counting one key and replacing another at once, each with its
 * own connection to the database of `kind`: compare-and-set loses no
 * count, and two upserts of one key never fail. */
static void counter_shared(const char *kind)
{
	fl_cache *c;
	fl_db *db = open_kind(kind, &c);
	if (!db)
		skip();
	long long v;
	long ttl;
	assert_int_equal(fl_cache_inc(c, "ratelimit/x", 1, 60, &v, &ttl), FL_OK);
	pid_t pids[COUNTERS];
	for (int i = 0; i < COUNTERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			fl_db *cdb = dbserver_open(kind, dbpath);
			fl_cache *cc = fl_cache_db_new(cdb, 300);
			char page[32];
			snprintf(page, sizeof page, "page from child %d", i);
			for (int k = 0; k < COUNTS; k++) {
				long long n;
				if (fl_cache_inc(cc, "ratelimit/x", 1, 60, &n, NULL) != FL_OK)
					_exit(4);
				if (k % 10 == 0 &&
				    fl_cache_set(cc, "view/shared", page, strlen(page), 0) != FL_OK)
					_exit(5);
			}
			fl_cache_free(cc);
			fl_db_close(cdb);
			_exit(0);
		}
	}
	for (int i = 0; i < COUNTERS; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(fl_cache_get_counter(c, "ratelimit/x", &v, &ttl), FL_OK);
	assert_int_equal(v, 1 + COUNTERS * COUNTS);
	assert_true(ttl >= 50 && ttl <= 60);              /* the first count's window */
	assert_non_null(strstr(get(c, "view/shared"), "page from child "));
	fl_cache_free(c);
	fl_db_close(db);
}

static void test_sqlite_counter_shared_between_processes(void **state)
{
	counter_shared("sqlite");
}

/* ---- the database cache on MariaDB and PostgreSQL ---- */

/* Every check of the SQLite cache, on the server of `kind`: set, get,
 * delete, delete by prefix, clear, expiry, counters and their windows. */
static void basics_on(const char *kind)
{
	fl_cache *c;
	fl_db *db = open_kind(kind, &c);
	if (!db)
		skip();
	check_get_set_delete(c);
	check_prefix_and_clear(c);
	check_expiry(c);
	check_counters(c);
	check_counter_window(c);
	/* bytes of every value, and a prefix that ends in a multibyte character */
	assert_int_equal(fl_cache_set(c, "bin", "a\0\xff\x80z", 5, 0), FL_OK);
	char *v;
	size_t n;
	assert_int_equal(fl_cache_get(c, "bin", arena, &v, &n), FL_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(v, "a\0\xff\x80z", 5);
	put(c, "view/caf\xc3\xa9/1", "x", 0);
	put(c, "view/caf\xc3\xaa", "y", 0);
	assert_int_equal(fl_cache_delete_prefix(c, "view/caf\xc3\xa9"), FL_OK);
	assert_null(get(c, "view/caf\xc3\xa9/1"));
	assert_string_equal(get(c, "view/caf\xc3\xaa"), "y");
	/* its statements neither begin a transaction nor count */
	uint64_t count = fl_db_statement_count(db);
	put(c, "k", "v", 0);
	assert_false(fl_db_in_transaction(db));
	assert_int_equal(fl_db_statement_count(db), count);
	/* someone drops the table: a miss, then it is made again */
	assert_int_equal(fl_db_exec_script(db, "DROP TABLE " FL_CACHE_SQLITE_TABLE), FL_OK);
	assert_null(get(c, "k"));
	put(c, "k", "again", 0);
	assert_string_equal(get(c, "k"), "again");
	fl_cache_free(c);
	fl_db_close(db);
}

static void test_mysql_basics(void **state)
{
	basics_on("mysql");
}

static void test_postgresql_basics(void **state)
{
	basics_on("postgresql");
}

static void test_mysql_counter_shared_between_processes(void **state)
{
	counter_shared("mysql");
}

static void test_postgresql_counter_shared_between_processes(void **state)
{
	counter_shared("postgresql");
}

/* ---- redis ---- */

static int redis_port;
static pid_t redis_pid;

static int pick_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) || getsockname(s, (struct sockaddr *)&sa, &len))
		return -1;
	close(s);
	return ntohs(sa.sin_port);
}

static int port_open(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int ok = s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof sa) == 0;
	if (s >= 0)
		close(s);
	return ok;
}

static int start_redis(void)
{
	char port[16];
	snprintf(port, sizeof port, "%d", redis_port);
	redis_pid = fork();
	if (redis_pid < 0)
		return -1;
	if (redis_pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", "/tmp", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		if (port_open(redis_port))
			return 0;
		usleep(50000);
	}
	return -1;
}

static void stop_redis(void)
{
	if (redis_pid > 0) {
		kill(redis_pid, SIGTERM);
		waitpid(redis_pid, NULL, 0);
		redis_pid = 0;
	}
}

static int setup_redis(void **state)
{
	setup_arena(state);
	if (access("/usr/bin/redis-server", X_OK) != 0 && system("command -v redis-server >/dev/null") != 0)
		return 0;   /* the test skips */
	redis_port = pick_port();
	if (redis_port <= 0 || start_redis() != 0) {
		stop_redis();
		redis_port = 0;
	}
	return 0;
}

static int teardown_redis(void **state)
{
	stop_redis();
	return arena_teardown(state);
}

static fl_cache *redis_cache(void)
{
	char url[64];
	fl_cache *c;
	snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", redis_port);
	assert_int_equal(fl_cache_redis_new(url, 300, &c), FL_OK);
	return c;
}

/* Ask redis directly (redis-cli): the output of `args`. */
static char *redis_cli(const char *args)
{
	static char out[256];
	char cmd[256];
	snprintf(cmd, sizeof cmd, "redis-cli -p %d %s", redis_port, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	if (n && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return out;
}

static void test_redis_basics(void **state)
{
	if (!redis_port)
		missing("redis-server is not installed or did not start");
	fl_cache *c = redis_cache();
	assert_string_equal(fl_cache_type(c), "redis");
	check_get_set_delete(c);
	check_prefix_and_clear(c);
	/* Keys carry the prefix; SETEX gives them a TTL; clear() leaves other
	 * keys (sessions) alone. */
	put(c, "view/x", "v", 50);
	long ttl = atol(redis_cli("ttl " FL_CACHE_REDIS_PREFIX "view/x"));
	assert_true(ttl > 40 && ttl <= 50);
	put(c, "forever", "v", 0);
	assert_string_equal(redis_cli("ttl " FL_CACHE_REDIS_PREFIX "forever"), "-1");
	put(c, "dflt", "v", FL_CACHE_DEFAULT_TIMEOUT);
	ttl = atol(redis_cli("ttl " FL_CACHE_REDIS_PREFIX "dflt"));
	assert_true(ttl > 290 && ttl <= 300);
	redis_cli("set session:abc keep");
	assert_int_equal(fl_cache_clear(c), FL_OK);
	assert_string_equal(redis_cli("get session:abc"), "keep");
	assert_string_equal(redis_cli("exists " FL_CACHE_REDIS_PREFIX "forever"), "0");
	fl_cache_free(c);
}

static void test_redis_counters(void **state)
{
	if (!redis_port)
		missing("redis-server is not installed or did not start");
	fl_cache *c = redis_cache();
	check_counters(c);
	/* INCRBY's key, with the TTL the first count gave it. */
	long long v;
	long ttl;
	assert_int_equal(fl_cache_inc(c, "ratelimit/a", 1, 50, &v, &ttl), FL_OK);
	assert_int_equal(fl_cache_inc(c, "ratelimit/a", 1, 50, &v, &ttl), FL_OK);
	assert_string_equal(redis_cli("get " FL_CACHE_REDIS_PREFIX "ratelimit/a"), "2");
	long t = atol(redis_cli("ttl " FL_CACHE_REDIS_PREFIX "ratelimit/a"));
	assert_true(t > 40 && t <= 50);
	/* A window ends when Redis expires the key; the next count starts one. */
	assert_int_equal(fl_cache_inc(c, "brief", 1, 1, &v, &ttl), FL_OK);
	assert_int_equal(fl_cache_inc(c, "brief", 1, 1, &v, &ttl), FL_OK);
	assert_int_equal(v, 2);
	assert_int_equal(ttl, 1);
	usleep(1200000);
	assert_int_equal(fl_cache_get_counter(c, "brief", &v, &ttl), FL_ENOTFOUND);
	assert_int_equal(fl_cache_inc(c, "brief", 1, 1, &v, &ttl), FL_OK);
	assert_int_equal(v, 1);
	/* Down: a failure, never a crash. */
	stop_redis();
	assert_int_equal(fl_cache_inc(c, "ratelimit/a", 1, 50, &v, &ttl), FL_EIO);
	assert_int_equal(fl_cache_get_counter(c, "ratelimit/a", &v, &ttl), FL_EIO);
	fl_cache_free(c);
}

static void test_redis_expiry(void **state)
{
	if (!redis_port)
		missing("redis-server is not installed or did not start");
	fl_cache *c = redis_cache();
	put(c, "brief", "b", 1);
	assert_string_equal(get(c, "brief"), "b");
	usleep(1200000);
	assert_null(get(c, "brief"));
	fl_cache_free(c);
}

static void test_redis_down_is_a_miss(void **state)
{
	if (!redis_port)
		missing("redis-server is not installed or did not start");
	fl_cache *c = redis_cache();
	put(c, "k", "v", 0);
	stop_redis();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *v;
	assert_int_equal(fl_cache_get(c, "k", arena, &v, NULL), FL_EIO);
	assert_int_equal(fl_cache_set(c, "k", "v", 1, 0), FL_EIO);
	assert_int_equal(fl_cache_delete(c, "k"), FL_EIO);
	assert_int_equal(fl_cache_delete_prefix(c, "k"), FL_EIO);
	assert_int_equal(fl_cache_clear(c), FL_EIO);
	for (int i = 0; i < 100; i++)   /* no connect attempt per call */
		assert_null(get(c, "k"));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	/* Back up: served again after the retry delay. */
	assert_int_equal(start_redis(), 0);
	usleep(1100000);
	put(c, "k", "again", 0);
	assert_string_equal(get(c, "k"), "again");
	fl_cache_free(c);
}

static void test_redis_never_started(void **state)
{
	/* Port 1 on loopback: nobody there. */
	fl_cache *c;
	assert_int_equal(fl_cache_redis_new("redis://127.0.0.1:1", 300, &c), FL_OK);
	assert_null(get(c, "k"));
	assert_int_equal(fl_cache_set(c, "k", "v", 1, 10), FL_EIO);
	fl_cache_free(c);
}

static void test_redis_urls(void **state)
{
	fl_cache *c;
	const char *good[] = { "redis://127.0.0.1:6379/0", "redis://localhost", "redis://:pw@h:1/3",
		"redis://user:pw@h/2", "redis://h:6380" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		assert_int_equal(fl_cache_redis_new(good[i], 300, &c), FL_OK);
		fl_cache_free(c);
	}
	const char *bad[] = { "http://h", "redis://h:0", "redis://h:99999", "redis://h:x",
		"redis://h/abc", "redis://h/-1", "", NULL };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fl_cache_redis_new(bad[i], 300, &c), FL_ECONFIG);
		assert_null(c);
	}
}

/* ---- the factory and route flags ---- */

static void test_cache_new_by_type(void **state)
{
	fl_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.cache_default_timeout = 77;
	cfg.redis_url = "redis://127.0.0.1:6379/0";
	const char *types[] = { "null", "simple", "redis" };
	for (size_t i = 0; i < 3; i++) {
		fl_cache *c;
		cfg.cache_type = types[i];
		assert_int_equal(fl_cache_new(&cfg, NULL, &c), FL_OK);
		assert_string_equal(fl_cache_type(c), types[i]);
		assert_int_equal(fl_cache_default_timeout(c), 77);
		fl_cache_free(c);
	}
	fl_cache *c;
	cfg.cache_type = "sqlite";
	assert_int_equal(fl_cache_new(&cfg, NULL, &c), FL_ECONFIG);   /* needs the database */
	fl_db *db;
	assert_int_equal(fl_db_open(":memory:", &db), FL_OK);
	assert_int_equal(fl_cache_new(&cfg, db, &c), FL_OK);
	assert_string_equal(fl_cache_type(c), "sqlite");
	fl_cache_free(c);
	fl_db_close(db);
	cfg.cache_type = "memcached";
	assert_int_equal(fl_cache_new(&cfg, NULL, &c), FL_ECONFIG);
	cfg.cache_type = "redis";
	cfg.redis_url = "nonsense";
	assert_int_equal(fl_cache_new(&cfg, NULL, &c), FL_ECONFIG);
}

static void test_route_cache_flags(void **state)
{
	fl_route r = { "/cats/", "getcats", FL_M_GET, NULL, 0 };
	assert_int_equal(fl_route_cache_timeout(&r), 0);
	r.flags = FL_ROUTE_CACHE(50);
	assert_int_equal(fl_route_cache_timeout(&r), 50);
	r.flags = FL_ROUTE_CSRF_EXEMPT | FL_ROUTE_CACHE(FL_ROUTE_CACHE_MAX);
	assert_int_equal(fl_route_cache_timeout(&r), (long)FL_ROUTE_CACHE_MAX);
	assert_true(r.flags & FL_ROUTE_CSRF_EXEMPT);
	r.flags = FL_ROUTE_CACHE_DEFAULT;
	assert_int_equal(fl_route_cache_timeout(&r), -1);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_null, setup_arena, arena_teardown),
		cmocka_unit_test_setup_teardown(test_simple_basics, setup_arena, arena_teardown),
		cmocka_unit_test_setup_teardown(test_simple_lru_bound, setup_arena, arena_teardown),
		cmocka_unit_test_setup_teardown(test_simple_expired_go_first, setup_arena, arena_teardown),
		cmocka_unit_test_setup_teardown(test_simple_byte_bound, setup_arena, arena_teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_basics, setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_sqlite_table, setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_sqlite_shared_between_processes, setup_sqlite,
			teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_sqlite_counter_shared_between_processes,
			setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_mysql_basics, setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_postgresql_basics, setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_mysql_counter_shared_between_processes,
			setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_postgresql_counter_shared_between_processes,
			setup_sqlite, teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_redis_basics, setup_redis, teardown_redis),
		cmocka_unit_test_setup_teardown(test_redis_counters, setup_redis, teardown_redis),
		cmocka_unit_test_setup_teardown(test_redis_expiry, setup_redis, teardown_redis),
		cmocka_unit_test_setup_teardown(test_redis_down_is_a_miss, setup_redis, teardown_redis),
		cmocka_unit_test_setup_teardown(test_redis_never_started, setup_arena, arena_teardown),
		cmocka_unit_test(test_redis_urls),
		cmocka_unit_test(test_cache_new_by_type),
		cmocka_unit_test(test_route_cache_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
