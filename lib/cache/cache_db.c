/* cache_db.c — CACHE_TYPE=sqlite: the cache as a table of the application
 * database (SQLite, MySQL/MariaDB or PostgreSQL: the type keeps its first
 * name), so every FastCGI process on every host sees the same entries and
 * a delete in one is seen by all.
 *
 *   CREATE TABLE flagon_cache("key" <key> PRIMARY KEY, value <bytes>,
 *                             expiry BIGINT NOT NULL DEFAULT 0)
 *
 * with the dialect's types (data/dialect.h: TEXT/BLOB, VARBINARY(2048)/
 * LONGBLOB, VARCHAR(2048) COLLATE "C"/BYTEA).  `expiry` is a Unix time, 0
 * for never.  A set is one upsert (the dialect's put_upsert).  A counter
 * (fl_cache_inc) is its decimal text in `value` (an INTEGER that an older
 * SQLite cache wrote is read too), changed by compare-and-set: read the
 * row, then write the new count only WHERE the row still holds what was
 * read (or insert it only if absent), again after a concurrent writer got
 * there first — so processes counting at once never lose a count, on
 * every database, without a transaction of its own.  The cache uses the
 * application's own connection through fl_db_aside (data/db.h): a view
 * that invalidates a page inside its write transaction would otherwise
 * wait on its own lock, and the cache's statements neither begin the
 * request's transaction nor count in its statements.  The table is created
 * when the cache is made and again if someone dropped it (outside a
 * transaction).  Every failure is logged and reported as FL_EIO, which
 * callers treat as a miss. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache/cache_internal.h"
#include "base/log.h"
#include "base/utf8.h"
#include "data/dialect.h"
#include "data/kvtable.h"

enum {
	ST_GET, ST_SET, ST_ADD, ST_DEL, ST_DEL_RANGE, ST_CLEAR, ST_PRUNE, ST_ROW, ST_RESET,
	ST_COUNT, ST__MAX
};

#define T "flagon_cache"

static const char *const fixed_sql[ST__MAX] = {
	[ST_GET] = "SELECT value FROM " T " WHERE \"key\" = ? AND (expiry = 0 OR expiry > ?)",
	[ST_DEL] = "DELETE FROM " T " WHERE \"key\" = ?",
	/* key >= prefix AND key < the smallest string above every string
	 * starting with it: uses the primary key (compared byte by byte). */
	[ST_DEL_RANGE] = "DELETE FROM " T " WHERE \"key\" >= ? AND \"key\" < ?",
	[ST_CLEAR] = "DELETE FROM " T,
	[ST_PRUNE] = "DELETE FROM " T " WHERE expiry <> 0 AND expiry <= ?",
	[ST_ROW] = "SELECT value, expiry FROM " T " WHERE \"key\" = ?",
	/* an expired entry starts a new window, unless someone else did */
	[ST_RESET] = "UPDATE " T " SET value = ?, expiry = ? WHERE \"key\" = ? AND expiry = ?",
	/* a live counter counts, unless someone else changed it meanwhile */
	[ST_COUNT] = "UPDATE " T " SET value = ? WHERE \"key\" = ? AND expiry = ? AND value = ?",
};

/* Expired rows are deleted every PRUNE_EVERY sets of a process. */
#define PRUNE_EVERY 64

/* How many times fl_cache_inc reads and writes again after another
 * process changed the counter under it before giving up (FL_EIO); between
 * tries it waits a random time up to INC_BACKOFF_US << try (at most 64
 * times that), so processes counting one key at once spread out. */
#define INC_ATTEMPTS 100
#define INC_BACKOFF_US 20

typedef struct db_cache {
	fl_cache base;
	fl_db *db;                  /* borrowed */
	fl_arena *arena;            /* the SQL below */
	const char *sql[ST__MAX];
	const char *create_sql;
	unsigned sets;
} db_cache;

static fl_err fail(db_cache *dc, const char *what)
{
	fl_warning("cache (database): %s: %s", what, fl_db_errmsg(dc->db));
	return FL_EIO;
}

/* Run statement `q` with `params` (stolen); rows and changes as
 * fl_db_aside. */
static fl_err run(db_cache *dc, int q, json_t *params, json_t **rows, int *changes,
	const char *what)
{
	fl_err e = fl_kv_table_run(dc->db, dc->create_sql, dc->sql[q], params, rows, changes);
	json_decref(params);
	return e ? fail(dc, what) : FL_OK;
}

/* The bytes of `len` at `p` as a BLOB parameter. */
static json_t *blob(const void *p, size_t len)
{
	json_t *s = json_stringn_nocheck(p, len);
	json_t *b = fl_db_blob(s);
	json_decref(s);
	return b;
}

static json_t *counter_blob(long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	return blob(buf, (size_t)n);
}

static fl_err prune_now_and_then(db_cache *dc, time_t now)
{
	if (++dc->sets % PRUNE_EVERY)
		return FL_OK;
	return run(dc, ST_PRUNE, json_pack("[I]", (json_int_t)now), NULL, NULL, "prune");
}

static fl_err db_get(fl_cache *c, const char *key, fl_arena *a, char **value, size_t *len)
{
	db_cache *dc = (db_cache *)c;
	json_t *rows;
	fl_err e = run(dc, ST_GET, json_pack("[sI]", key, (json_int_t)fl_cache_now(c)), &rows, NULL,
		"get");
	if (e)
		return e;
	json_t *v = json_object_get(json_array_get(rows, 0), "value");
	char num[32];
	const char *p = num;
	size_t n = 0;
	if (!json_array_size(rows))
		e = FL_ENOTFOUND;
	else if (json_is_string(v)) {
		p = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v))   /* a counter an older SQLite cache wrote */
		n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (!e) {
		*value = fl_arena_memdup(a, p, n);
		*len = n;
	}
	json_decref(rows);
	return e;
}

static fl_err db_set(fl_cache *c, const char *key, const void *value, size_t len, long timeout)
{
	db_cache *dc = (db_cache *)c;
	if (len > (size_t)0x7fffffff)
		return FL_ETOOLARGE;
	time_t now = fl_cache_now(c);
	fl_err e = prune_now_and_then(dc, now);
	if (e)
		return e;
	return run(dc, ST_SET, json_pack("[soI]", key, blob(value, len),
		(json_int_t)(timeout > 0 ? now + timeout : 0)), NULL, NULL, "set");
}

static fl_err db_del(fl_cache *c, const char *key)
{
	return run((db_cache *)c, ST_DEL, json_pack("[s]", key), NULL, NULL, "delete");
}

/* The smallest string above every string that starts with the `n` bytes
 * of `hi` (which it overwrites): the last character incremented (a code
 * point, so the bound is UTF-8 when the prefix is, as PostgreSQL wants),
 * trailing characters that cannot be dropped first.  0: no bound (every
 * key matches). */
static size_t upper_bound(char *hi, size_t n)
{
	while (n) {
		size_t i = n - 1;
		while (i && ((unsigned char)hi[i] & 0xC0) == 0x80)
			i--;
		uint32_t cp;
		if (fl_utf8_decode(hi + i, n - i, &cp) == n - i) {
			if (cp < 0x10FFFF) {
				cp = cp == 0xD7FF ? 0xE000 : cp + 1;
				return i + fl_utf8_encode(cp, hi + i);   /* never longer */
			}
		} else if ((unsigned char)hi[n - 1] != 0xFF) {   /* not UTF-8: bytes */
			hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
			return n;
		} else
			i = n - 1;
		n = i;
	}
	return 0;
}

static fl_err db_del_prefix(fl_cache *c, const char *prefix)
{
	db_cache *dc = (db_cache *)c;
	size_t n = strlen(prefix);
	char *hi = malloc(n + 4);
	if (!hi)
		return FL_ENOMEM;
	memcpy(hi, prefix, n);
	n = upper_bound(hi, n);
	fl_err e = n ? run(dc, ST_DEL_RANGE, json_pack("[ss#]", prefix, hi, n), NULL, NULL,
		"delete by prefix") : run(dc, ST_CLEAR, NULL, NULL, NULL, "delete by prefix");
	free(hi);
	return e;
}

static fl_err db_clear(fl_cache *c)
{
	return run((db_cache *)c, ST_CLEAR, NULL, NULL, NULL, "clear");
}

/* The counter in a row's `value`: an INTEGER (an older SQLite cache), or
 * the text fl_cache_set/inc stored. */
static int value_counter(json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 1;
	}
	return json_is_string(v) &&
		fl_cache_parse_counter(json_string_value(v), json_string_length(v), out);
}

/* The row of `key` (expired or not): FL_OK with its value (a new
 * reference) and expiry, FL_ENOTFOUND, FL_EIO. */
static fl_err read_row(db_cache *dc, const char *key, json_t **value, long long *expiry)
{
	json_t *rows;
	fl_err e = run(dc, ST_ROW, json_pack("[s]", key), &rows, NULL, "read a counter");
	if (e)
		return e;
	json_t *row = json_array_get(rows, 0);
	if (row) {
		*value = json_incref(json_object_get(row, "value"));
		*expiry = json_integer_value(json_object_get(row, "expiry"));
	}
	json_decref(rows);
	return row ? FL_OK : FL_ENOTFOUND;
}

static bool live(long long expiry, time_t now)
{
	return expiry == 0 || expiry > (long long)now;
}

/* One compare-and-set step of fl_cache_inc: FL_OK and *done (*value,
 * *ttl set), FL_OK and not *done (someone else wrote first: try again),
 * or the error. */
static fl_err inc_once(db_cache *dc, const char *key, long long delta, long long expiry_new,
	time_t now, long long *value, long *ttl, bool *done)
{
	json_t *old = NULL;
	long long expiry = 0, count;
	int changed = 0;
	fl_err e = read_row(dc, key, &old, &expiry);
	if (e == FL_ENOTFOUND) {   /* a new window, unless a row appears meanwhile */
		e = run(dc, ST_ADD, json_pack("[soI]", key, counter_blob(delta),
			(json_int_t)expiry_new), NULL, &changed, "increment");
		count = delta;
		expiry = expiry_new;
	} else if (e)
		return e;
	else if (!live(expiry, now)) {
		e = run(dc, ST_RESET, json_pack("[oIsI]", counter_blob(delta), (json_int_t)expiry_new,
			key, (json_int_t)expiry), NULL, &changed, "increment");
		count = delta;
		expiry = expiry_new;
	} else if (!value_counter(old, &count))
		e = FL_EINVAL;
	else if (__builtin_add_overflow(count, delta, &count))
		e = FL_ERANGE;
	else {
		json_t *was = json_is_integer(old) ? json_incref(old) : fl_db_blob(old);
		e = run(dc, ST_COUNT, json_pack("[osIo]", counter_blob(count), key,
			(json_int_t)expiry, was), NULL, &changed, "increment");
	}
	json_decref(old);
	if (e || !(*done = changed > 0))
		return e;
	*value = count;
	*ttl = expiry ? (long)(expiry - now) : 0;
	return FL_OK;
}

static fl_err db_inc(fl_cache *c, const char *key, long long delta, long timeout,
	long long *value, long *ttl)
{
	db_cache *dc = (db_cache *)c;
	time_t now = fl_cache_now(c);
	fl_err e = prune_now_and_then(dc, now);
	bool done = false;
	for (int i = 0; !e && !done && i < INC_ATTEMPTS; i++) {
		if (i)
			usleep((useconds_t)(random() % ((long)INC_BACKOFF_US << (i < 6 ? i : 6))));
		e = inc_once(dc, key, delta, timeout > 0 ? now + timeout : 0, now, value, ttl, &done);
	}
	if (e || done)
		return e;
	fl_warning("cache (database): increment %s: the counter kept changing under it", key);
	return FL_EIO;
}

static fl_err db_get_counter(fl_cache *c, const char *key, long long *value, long *ttl)
{
	db_cache *dc = (db_cache *)c;
	time_t now = fl_cache_now(c);
	json_t *v = NULL;
	long long expiry = 0;
	fl_err e = read_row(dc, key, &v, &expiry);
	if (!e && !live(expiry, now))
		e = FL_ENOTFOUND;
	else if (!e && !value_counter(v, value))
		e = FL_EINVAL;
	else if (!e)
		*ttl = expiry ? (long)(expiry - now) : 0;
	json_decref(v);
	return e;
}

static void db_free(fl_cache *c)
{
	db_cache *dc = (db_cache *)c;
	fl_arena_free(dc->arena);
	free(dc);
}

static const fl_cache_ops db_ops = {
	"sqlite", db_get, db_set, db_del, db_del_prefix, db_clear, db_inc, db_get_counter, db_free,
};

/* The statements and the CREATE TABLE of `dc` for its connection's
 * dialect. */
static void write_sql(db_cache *dc)
{
	static const char *const columns[] = { "key", "value", "expiry", NULL };
	const fl_dialect *d = fl_db_dialect(dc->db);
	fl_buf b;
	for (int i = 0; i < ST__MAX; i++)
		dc->sql[i] = fixed_sql[i];
	dc->sql[ST_SET] = fl_kv_table_upsert_sql(dc->db, dc->arena, T, columns, true);
	dc->sql[ST_ADD] = fl_kv_table_upsert_sql(dc->db, dc->arena, T, columns, false);
	fl_buf_init(&b, dc->arena);
	fl_buf_printf(&b, "CREATE TABLE IF NOT EXISTS " T " (\"key\" %s NOT NULL PRIMARY KEY, "
		"value %s, expiry BIGINT NOT NULL DEFAULT 0)", d->key_type, d->bytes_type);
	dc->create_sql = fl_buf_cstr(&b);
}

fl_cache *fl_cache_db_new(fl_db *db, long default_timeout)
{
	db_cache *dc = calloc(1, sizeof *dc);
	if (!dc || !(dc->arena = fl_arena_new(0))) {
		free(dc);
		return NULL;
	}
	dc->base.ops = &db_ops;
	dc->base.default_timeout = default_timeout;
	dc->db = db;
	write_sql(dc);
	if (fl_kv_table_create(db, dc->create_sql))   /* made on first use then */
		fail(dc, "cannot create table " T);
	return &dc->base;
}
