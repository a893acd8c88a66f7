/* cache.h — Flask-Caching's backends: a key/value cache with timeouts.
 *
 * CACHE_TYPE picks the backend, created once per process at start-up:
 *
 *   null    nothing is ever stored (every get is a miss) — the default
 *   simple  in-process, bounded (FL_CACHE_SIMPLE_THRESHOLD entries,
 *           FL_CACHE_SIMPLE_MAX_BYTES bytes), least recently used entries
 *           evicted first.  Each FastCGI process has its own: a POST served
 *           by one process cannot invalidate what another one holds, so use
 *           it only with one process per program.
 *   sqlite  table `flagon_cache("key" PRIMARY KEY, value, expiry)` in the
 *           application database — SQLite, MySQL/MariaDB or PostgreSQL
 *           alike (the name is the first one it had) — created at start-up
 *           with that database's types; shared by every process, program
 *           and host using that database.
 *   redis   REDIS_URL (redis://[:password@]host[:port][/db]); keys are
 *           FL_CACHE_REDIS_PREFIX + key, stored with SETEX.  When Redis is
 *           down every call is a miss (logged once per outage, retried after
 *           a second): the cache never fails a page.
 *
 * Timeouts are seconds, as in Flask-Caching: FL_CACHE_DEFAULT_TIMEOUT (-1)
 * means CACHE_DEFAULT_TIMEOUT, 0 means "never expires".
 *
 * Counters (cache.inc): fl_cache_inc adds to an integer atomically on every
 * backend, keeping the expiry the first count gave it — the fixed windows
 * of rate limits (web/ratelimit.h).
 *
 * Whole-response caching of views (@cache.cached) and the cache of a view
 * are web/view_cache.h: only web/ knows the request.
 */
#ifndef FL_CACHE_H
#define FL_CACHE_H

#include <stddef.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"

struct fl_config;
struct fl_db;

/* A cache backend of the CACHE_TYPE kind (opaque; one per process). */
typedef struct fl_cache fl_cache;

/* Timeout argument meaning "CACHE_DEFAULT_TIMEOUT". */
#define FL_CACHE_DEFAULT_TIMEOUT (-1L)

/* The database backend's table (tell `manage db check`/`migrate` to ignore it). */
#define FL_CACHE_SQLITE_TABLE "flagon_cache"

/* Prefix of every key the redis backend writes. */
#define FL_CACHE_REDIS_PREFIX "flagon_cache:"

/* Bounds of the simple backend (Flask-Caching's CACHE_THRESHOLD is 500). */
#define FL_CACHE_SIMPLE_THRESHOLD 500
#define FL_CACHE_SIMPLE_MAX_BYTES (32u * 1024 * 1024)

/* Longest key accepted (longer ones: FL_EINVAL; views are then not cached). */
#define FL_CACHE_MAX_KEY 2048

/* A clock for expiry: seconds since the epoch.  Tests install their own. */
typedef time_t (*fl_cache_clock_fn)(void *ud);

/* ---- creating a cache ---- */

/* fl_cache_new — the backend CACHE_TYPE of `cfg` names, with its
 * CACHE_DEFAULT_TIMEOUT; `db` is the application's database connection
 * (borrowed; used by the sqlite backend — fl_cache_db_new — may be NULL
 * otherwise).  Redis is not contacted yet (it connects on first use).
 * Heap object; free with fl_cache_free() before closing `db`.
 * Errors: FL_ECONFIG (unknown type, bad REDIS_URL, sqlite without db),
 * FL_ENOMEM. */
fl_err fl_cache_new(const struct fl_config *cfg, struct fl_db *db, fl_cache **out);

/* fl_cache_null_new — a cache that stores nothing.  NULL only on ENOMEM. */
fl_cache *fl_cache_null_new(void);

/* fl_cache_simple_new — an in-process LRU cache of at most `max_entries`
 * entries and `max_bytes` bytes of keys + values (0: the defaults above).
 * NULL only on ENOMEM. */
fl_cache *fl_cache_simple_new(size_t max_entries, size_t max_bytes, long default_timeout);

/* fl_cache_db_new — CACHE_TYPE=sqlite: a cache in table flagon_cache of
 * the database `db` (SQLite, MySQL/MariaDB or PostgreSQL; borrowed: it
 * must outlive the cache), on that connection through fl_db_aside
 * (data/db.h: its statements never begin the request's transaction and
 * join it when one is open).  The table is created now when missing (a
 * failure is logged, and it is tried again on first use), and again
 * whenever someone dropped it.  Its type is still "sqlite".  NULL only on
 * ENOMEM. */
fl_cache *fl_cache_db_new(struct fl_db *db, long default_timeout);

/* fl_cache_redis_new — a Redis cache at `url` (redis://[:pass@]host[:port][/db]).
 * Connects on first use.  Errors: FL_ECONFIG (malformed URL), FL_ENOMEM. */
fl_err fl_cache_redis_new(const char *url, long default_timeout, fl_cache **out);

/* fl_cache_free — release the cache (closing its Redis connection,
 * its table's statements stay in the connection's cache).  NULL is ignored. */
void fl_cache_free(fl_cache *cache);

/* fl_cache_type — "null", "simple", "sqlite" or "redis". */
const char *fl_cache_type(const fl_cache *cache);

/* fl_cache_set_clock — use `now(ud)` instead of time(NULL) for expiry
 * (tests).  NULL restores the system clock.  The redis backend expires
 * keys on the server's clock and ignores this. */
void fl_cache_set_clock(fl_cache *cache, fl_cache_clock_fn now, void *ud);

/* fl_cache_default_timeout — CACHE_DEFAULT_TIMEOUT of this cache. */
long fl_cache_default_timeout(const fl_cache *cache);

/* ---- key/value operations (cache.get/set/delete/clear) ---- */

/* fl_cache_get — cache.get(key): on a hit, *value is a copy of the stored
 * bytes in `a`, NUL-terminated (the NUL is not counted in *len; len may be
 * NULL).  Errors: FL_ENOTFOUND (absent or expired), FL_EIO (backend
 * unavailable, logged: treat as a miss), FL_EINVAL (key too long). */
fl_err fl_cache_get(fl_cache *cache, const char *key, fl_arena *a, char **value, size_t *len);

/* fl_cache_set — cache.set(key, value, timeout): store `len` bytes for
 * `timeout` seconds (FL_CACHE_DEFAULT_TIMEOUT: the default; 0: forever),
 * replacing any previous value.  The null cache accepts and forgets.
 * Errors: FL_EIO (backend unavailable, logged), FL_EINVAL, FL_ENOMEM,
 * FL_ETOOLARGE (larger than the simple cache's byte bound). */
fl_err fl_cache_set(fl_cache *cache, const char *key, const void *value, size_t len,
	long timeout);

/* fl_cache_delete — cache.delete(key).  Deleting an absent key is FL_OK.
 * Errors: FL_EIO, FL_EINVAL. */
fl_err fl_cache_delete(fl_cache *cache, const char *key);

/* fl_cache_delete_prefix — delete every key that starts with `prefix`
 * (redis: SCAN + DEL over this cache's keys).  Errors: FL_EIO. */
fl_err fl_cache_delete_prefix(fl_cache *cache, const char *prefix);

/* fl_cache_clear — cache.clear(): delete every key of this cache (redis:
 * only keys under FL_CACHE_REDIS_PREFIX).  Errors: FL_EIO. */
fl_err fl_cache_clear(fl_cache *cache);

/* ---- counters (cache.inc; Flask-Limiter's fixed windows) ----
 *
 * A counter is a key holding a decimal integer ("0", "-3", "42": no sign
 * but '-', no leading zeros), the way Redis keeps INCR's; fl_cache_get reads
 * it as that text.  Incrementing is atomic on every backend — simple: in
 * the process; sqlite: compare-and-set (the row written only if it still
 * holds what was read, read again otherwise); redis: one script (INCRBY, and
 * EXPIRE for a new key) — so processes counting the same key at once never
 * lose a count. */

/* fl_cache_inc — cache.inc(key, delta) with a fixed window: add `delta` to
 * the counter `key` and put the sum in *value.  A key that is absent or
 * expired starts from 0 and expires `timeout` seconds from now
 * (FL_CACHE_DEFAULT_TIMEOUT: the default; 0: never); a live key keeps its
 * expiry, so every count until then falls in one window.  *ttl (may be
 * NULL): the seconds the key has left (at least 1), or 0 when it never
 * expires.  The null cache stores nothing: *value is `delta` (Flask-Caching's
 * NullCache).  Errors: FL_EINVAL (bad key, or the key holds something that
 * is not a counter: nothing changed), FL_ERANGE (the sum overflows a long
 * long; redis, sqlite: nothing changed), FL_EIO (backend unavailable,
 * logged), FL_ENOMEM. */
fl_err fl_cache_inc(fl_cache *cache, const char *key, long long delta, long timeout,
	long long *value, long *ttl);

/* fl_cache_get_counter — read the counter `key` without changing it:
 * *value and *ttl (may be NULL) as fl_cache_inc would give them.
 * Errors: FL_ENOTFOUND (absent or expired; the null cache always),
 * FL_EINVAL (bad key, or not a counter), FL_EIO (backend unavailable,
 * logged). */
fl_err fl_cache_get_counter(fl_cache *cache, const char *key, long long *value, long *ttl);

#endif
