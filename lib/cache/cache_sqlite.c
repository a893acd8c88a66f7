/* cache_sqlite.c — CACHE_TYPE=sqlite: the cache as a table of the
 * application database, so every FastCGI process (and every program) sees
 * the same entries and a delete in one is seen by all.
 *
 *   CREATE TABLE flagon_cache(key TEXT PRIMARY KEY, value BLOB, expiry INTEGER)
 *
 * `expiry` is a Unix time, 0 for never.  A counter (fl_cache_inc) is an
 * INTEGER in `value`, added to by one UPSERT so that processes counting at
 * once never lose a count.  The cache uses the application's
 * own connection (not a second one): a view that invalidates a page inside
 * its write transaction would otherwise wait on its own lock.  Statements
 * are prepared once (SQLITE_PREPARE_PERSISTENT) and kept; the table is
 * created on first use, and again if someone dropped it.  Every failure is
 * logged and reported as FL_EIO, which callers treat as a miss. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache_internal.h"
#include "base/log.h"

enum { ST_GET, ST_SET, ST_DEL, ST_DEL_RANGE, ST_CLEAR, ST_PRUNE, ST_INC, ST_COUNTER, ST__MAX };

/* A counter is stored as an INTEGER; one fl_cache_set wrote ("3", a BLOB)
 * counts too.  IS_COUNTER holds for exactly the values whose text is a
 * counter's (cache.h): CAST drops what is not a number ("abc" -> 0, "007" ->
 * 7), so it does not survive the round trip. */
#define IS_COUNTER "CAST(CAST(value AS INTEGER) AS TEXT) = CAST(value AS TEXT)"
#define EXPIRED "(expiry <> 0 AND expiry <= ?4)"

static const char *const sql_text[ST__MAX] = {
	[ST_GET] = "SELECT value FROM " FL_CACHE_SQLITE_TABLE
		" WHERE key = ?1 AND (expiry = 0 OR expiry > ?2)",
	[ST_SET] = "INSERT OR REPLACE INTO " FL_CACHE_SQLITE_TABLE
		"(key, value, expiry) VALUES (?1, ?2, ?3)",
	[ST_DEL] = "DELETE FROM " FL_CACHE_SQLITE_TABLE " WHERE key = ?1",
	/* key >= prefix AND key < prefix-with-last-byte-incremented: uses the
	 * primary key index (BINARY collation compares bytes). */
	[ST_DEL_RANGE] = "DELETE FROM " FL_CACHE_SQLITE_TABLE " WHERE key >= ?1 AND key < ?2",
	[ST_CLEAR] = "DELETE FROM " FL_CACHE_SQLITE_TABLE,
	[ST_PRUNE] = "DELETE FROM " FL_CACHE_SQLITE_TABLE " WHERE expiry <> 0 AND expiry <= ?1",
	/* fl_cache_inc in one statement: a new or expired key starts a window
	 * at ?2 (the delta) until ?3; a live counter adds ?2 and keeps its
	 * expiry (the SET expressions read the row as it was).  A live key that
	 * is not a counter, or a sum past the range of an INTEGER (SQLite would
	 * make it a REAL), fails the WHERE: nothing changes and no row is
	 * returned. */
	[ST_INC] = "INSERT INTO " FL_CACHE_SQLITE_TABLE "(key, value, expiry) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(key) DO UPDATE SET "
		"value = CASE WHEN " EXPIRED " THEN ?2 ELSE CAST(value AS INTEGER) + ?2 END, "
		"expiry = CASE WHEN " EXPIRED " THEN ?3 ELSE expiry END "
		"WHERE " EXPIRED " OR (" IS_COUNTER
		" AND typeof(CAST(value AS INTEGER) + ?2) = 'integer') "
		"RETURNING value, expiry",
	[ST_COUNTER] = "SELECT value, expiry FROM " FL_CACHE_SQLITE_TABLE
		" WHERE key = ?1 AND (expiry = 0 OR expiry > ?2)",
};

/* Expired rows are deleted every PRUNE_EVERY sets of a process. */
#define PRUNE_EVERY 64

typedef struct sqlite_cache {
	fl_cache base;
	sqlite3 *db;                /* borrowed */
	sqlite3_stmt *st[ST__MAX];
	int ready;                  /* table exists and statements are prepared */
	unsigned sets;
} sqlite_cache;

static void finalize_all(sqlite_cache *sc)
{
	for (int i = 0; i < ST__MAX; i++) {
		sqlite3_finalize(sc->st[i]);
		sc->st[i] = NULL;
	}
	sc->ready = 0;
}

static fl_err fail(sqlite_cache *sc, const char *what)
{
	fl_warning("cache (sqlite): %s: %s", what, sqlite3_errmsg(sc->db));
	/* The table may have been dropped: start over on the next call. */
	finalize_all(sc);
	return FL_EIO;
}

static fl_err ensure(sqlite_cache *sc)
{
	if (sc->ready)
		return FL_OK;
	if (sqlite3_exec(sc->db, "CREATE TABLE IF NOT EXISTS " FL_CACHE_SQLITE_TABLE
		"(key TEXT PRIMARY KEY, value BLOB, expiry INTEGER NOT NULL DEFAULT 0)",
		NULL, NULL, NULL) != SQLITE_OK)
		return fail(sc, "cannot create table " FL_CACHE_SQLITE_TABLE);
	for (int i = 0; i < ST__MAX; i++)
		if (sqlite3_prepare_v3(sc->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
			&sc->st[i], NULL) != SQLITE_OK)
			return fail(sc, "cannot prepare a statement");
	sc->ready = 1;
	return FL_OK;
}

/* Run a statement that returns no row; resets it. */
static fl_err run(sqlite_cache *sc, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? FL_OK : fail(sc, what);
}

static fl_err sq_get(fl_cache *c, const char *key, fl_arena *a, char **value, size_t *len)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	if (e)
		return e;
	sqlite3_stmt *st = sc->st[ST_GET];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)fl_cache_now(c));
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		*value = fl_arena_memdup(a, p, n);
		*len = n;
		e = FL_OK;
	} else if (rc == SQLITE_DONE)
		e = FL_ENOTFOUND;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(sc, "get");
	return e;
}

static fl_err sq_set(fl_cache *c, const char *key, const void *value, size_t len, long timeout)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	if (e)
		return e;
	if (len > (size_t)0x7fffffff)
		return FL_ETOOLARGE;
	time_t now = fl_cache_now(c);
	if (++sc->sets % PRUNE_EVERY == 0) {
		sqlite3_bind_int64(sc->st[ST_PRUNE], 1, (sqlite3_int64)now);
		if ((e = run(sc, sc->st[ST_PRUNE], "prune")))
			return e;
	}
	sqlite3_stmt *st = sc->st[ST_SET];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, timeout > 0 ? (sqlite3_int64)now + timeout : 0);
	return run(sc, st, "set");
}

static fl_err sq_del(fl_cache *c, const char *key)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	if (e)
		return e;
	sqlite3_bind_text(sc->st[ST_DEL], 1, key, -1, SQLITE_STATIC);
	return run(sc, sc->st[ST_DEL], "delete");
}

static fl_err sq_del_prefix(fl_cache *c, const char *prefix)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	if (e)
		return e;
	size_t n = strlen(prefix);
	char *hi = strdup(prefix);
	if (!hi)
		return FL_ENOMEM;
	/* The smallest string above every string starting with `prefix`:
	 * drop trailing 0xFF bytes, then increment the last one. */
	while (n && (unsigned char)hi[n - 1] == 0xFF)
		n--;
	sqlite3_stmt *st = sc->st[n ? ST_DEL_RANGE : ST_CLEAR];
	if (n) {
		hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hi, (int)n, SQLITE_STATIC);
	}
	e = run(sc, st, "delete by prefix");
	free(hi);
	return e;
}

static fl_err sq_clear(fl_cache *c)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	return e ? e : run(sc, sc->st[ST_CLEAR], "clear");
}

/* The counter of the row ST_COUNTER is on (INTEGER, or text fl_cache_set
 * stored). */
static int row_counter(sqlite3_stmt *st, long long *value)
{
	if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		*value = sqlite3_column_int64(st, 0);
		return 1;
	}
	const char *p = sqlite3_column_blob(st, 0);
	return fl_cache_parse_counter(p ? p : "", (size_t)sqlite3_column_bytes(st, 0), value);
}

/* Read the counter `key`: FL_OK, FL_ENOTFOUND, FL_EINVAL (not a counter). */
static fl_err read_counter(sqlite_cache *sc, const char *key, time_t now, long long *value,
	long *ttl)
{
	sqlite3_stmt *st = sc->st[ST_COUNTER];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	int rc = sqlite3_step(st);
	fl_err e = FL_ENOTFOUND;
	if (rc == SQLITE_ROW) {
		sqlite3_int64 expiry = sqlite3_column_int64(st, 1);
		e = row_counter(st, value) ? FL_OK : FL_EINVAL;
		*ttl = expiry ? (long)(expiry - now) : 0;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(sc, "read a counter");
	return e;
}

static fl_err sq_inc(fl_cache *c, const char *key, long long delta, long timeout,
	long long *value, long *ttl)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	if (e)
		return e;
	time_t now = fl_cache_now(c);
	if (++sc->sets % PRUNE_EVERY == 0) {
		sqlite3_bind_int64(sc->st[ST_PRUNE], 1, (sqlite3_int64)now);
		if ((e = run(sc, sc->st[ST_PRUNE], "prune")))
			return e;
	}
	sqlite3_stmt *st = sc->st[ST_INC];
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)delta);
	sqlite3_bind_int64(st, 3, timeout > 0 ? (sqlite3_int64)now + timeout : 0);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	int rc = sqlite3_step(st);
	int refused = rc == SQLITE_DONE;   /* no row: the WHERE refused */
	if (rc == SQLITE_ROW) {
		sqlite3_int64 expiry = sqlite3_column_int64(st, 1);
		*value = sqlite3_column_int64(st, 0);
		*ttl = expiry ? (long)(expiry - now) : 0;
		rc = sqlite3_step(st);    /* to the end: the write is done */
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return fail(sc, "increment");
	if (!refused)
		return FL_OK;
	/* Nothing changed: the key holds something else, or the sum would
	 * overflow. */
	long long old;
	long left;
	e = read_counter(sc, key, now, &old, &left);
	return e == FL_OK ? FL_ERANGE : e == FL_ENOTFOUND ? FL_EINVAL : e;
}

static fl_err sq_get_counter(fl_cache *c, const char *key, long long *value, long *ttl)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	fl_err e = ensure(sc);
	return e ? e : read_counter(sc, key, fl_cache_now(c), value, ttl);
}

static void sq_free(fl_cache *c)
{
	sqlite_cache *sc = (sqlite_cache *)c;
	finalize_all(sc);
	free(sc);
}

static const fl_cache_ops sqlite_ops = {
	"sqlite", sq_get, sq_set, sq_del, sq_del_prefix, sq_clear, sq_inc, sq_get_counter, sq_free,
};

fl_cache *fl_cache_sqlite_new(struct sqlite3 *db, long default_timeout)
{
	sqlite_cache *sc = calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	sc->base.ops = &sqlite_ops;
	sc->base.default_timeout = default_timeout;
	sc->db = db;
	return &sc->base;
}
