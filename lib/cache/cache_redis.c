/* cache_redis.c — CACHE_TYPE=redis (Flask-Caching's RedisCache) through
 * hiredis: GET, SETEX (SET without a timeout), DEL, and SCAN + DEL for
 * prefixes; every key carries FL_CACHE_REDIS_PREFIX so clear() never
 * touches other data in the same database (sessions, for one).
 *
 * Redis being down must never fail a page: the connection (lib/base/redis.h,
 * shared with the session store's design) has short timeouts, logs one
 * warning per outage and retries lazily; here any failure is a miss
 * (FL_EIO). */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache_internal.h"
#include "base/log.h"
#include "base/redis.h"

#define TIMEOUT_MS 250

typedef struct redis_cache {
	fl_cache base;
	fl_redis *redis;
} redis_cache;

/* One command; NULL on any failure (unreachable, logged by lib/redis; or
 * an error reply, logged here). */
static redisReply *command(redis_cache *rc, int argc, const char **argv, const size_t *lens)
{
	redisReply *r = fl_redis_command_argv(rc->redis, argc, argv, lens);
	if (r && r->type == REDIS_REPLY_ERROR) {
		fl_warning("cache (redis): %s: %s", argv[0], r->str);
		fl_redis_reply_free(r);
		return NULL;
	}
	return r;
}

/* One command whose reply only tells that it worked: FL_EIO when it did
 * not (see command()). */
static fl_err run(redis_cache *rc, int argc, const char **argv, const size_t *lens)
{
	redisReply *r = command(rc, argc, argv, lens);
	if (!r)
		return FL_EIO;
	fl_redis_reply_free(r);
	return FL_OK;
}

/* FL_CACHE_REDIS_PREFIX + key, on the heap. */
static char *full_key(const char *key, size_t *n)
{
	size_t pl = strlen(FL_CACHE_REDIS_PREFIX), kl = strlen(key);
	char *k = malloc(pl + kl + 1);
	if (k) {
		memcpy(k, FL_CACHE_REDIS_PREFIX, pl);
		memcpy(k + pl, key, kl + 1);
		*n = pl + kl;
	}
	return k;
}

static fl_err rd_get(fl_cache *c, const char *key, fl_arena *a, char **value, size_t *len)
{
	redis_cache *rc = (redis_cache *)c;
	size_t kn;
	char *k = full_key(key, &kn);
	if (!k)
		return FL_ENOMEM;
	const char *argv[] = { "GET", k };
	size_t lens[] = { 3, kn };
	redisReply *r = command(rc, 2, argv, lens);
	free(k);
	if (!r)
		return FL_EIO;
	fl_err e = FL_ENOTFOUND;
	if (r->type == REDIS_REPLY_STRING) {
		*value = fl_arena_memdup(a, r->str, r->len);
		*len = r->len;
		e = FL_OK;
	}
	fl_redis_reply_free(r);
	return e;
}

static fl_err rd_set(fl_cache *c, const char *key, const void *value, size_t len, long timeout)
{
	redis_cache *rc = (redis_cache *)c;
	size_t kn;
	char *k = full_key(key, &kn);
	if (!k)
		return FL_ENOMEM;
	char secs[32];
	int n = snprintf(secs, sizeof secs, "%ld", timeout);
	fl_err e;
	if (timeout > 0) {
		const char *argv[] = { "SETEX", k, secs, value };
		size_t lens[] = { 5, kn, (size_t)n, len };
		e = run(rc, 4, argv, lens);
	} else {
		const char *argv[] = { "SET", k, value };
		size_t lens[] = { 3, kn, len };
		e = run(rc, 3, argv, lens);
	}
	free(k);
	return e;
}

static fl_err rd_del(fl_cache *c, const char *key)
{
	redis_cache *rc = (redis_cache *)c;
	size_t kn;
	char *k = full_key(key, &kn);
	if (!k)
		return FL_ENOMEM;
	const char *argv[] = { "DEL", k };
	size_t lens[] = { 3, kn };
	fl_err e = run(rc, 2, argv, lens);
	free(k);
	return e;
}

/* SCAN the keys matching FL_CACHE_REDIS_PREFIX + prefix + "*" (glob
 * characters of the prefix escaped) and DEL them batch by batch. */
static fl_err rd_del_prefix(fl_cache *c, const char *prefix)
{
	redis_cache *rc = (redis_cache *)c;
	size_t kn;
	char *k = full_key(prefix, &kn);
	char *pat = k ? malloc(2 * kn + 2) : NULL;
	if (!pat) {
		free(k);
		return FL_ENOMEM;
	}
	size_t pn = 0;
	for (size_t i = 0; i < kn; i++) {
		if (strchr("*?[]\\", k[i]))
			pat[pn++] = '\\';
		pat[pn++] = k[i];
	}
	pat[pn++] = '*';
	pat[pn] = '\0';
	free(k);
	char cursor[32] = "0";
	fl_err e = FL_OK;
	do {
		const char *argv[] = { "SCAN", cursor, "MATCH", pat, "COUNT", "500" };
		size_t lens[] = { 4, strlen(cursor), 5, pn, 5, 3 };
		redisReply *r = command(rc, 6, argv, lens);
		if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
			r->element[0]->type != REDIS_REPLY_STRING ||
			r->element[1]->type != REDIS_REPLY_ARRAY) {
			if (r)
				fl_redis_reply_free(r);
			e = FL_EIO;
			break;
		}
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		redisReply *keys = r->element[1];
		if (keys->elements) {
			const char **argv2 = malloc((keys->elements + 1) * sizeof *argv2);
			size_t *lens2 = malloc((keys->elements + 1) * sizeof *lens2);
			if (!argv2 || !lens2) {
				free(argv2);
				free(lens2);
				fl_redis_reply_free(r);
				e = FL_ENOMEM;
				break;
			}
			argv2[0] = "DEL";
			lens2[0] = 3;
			for (size_t i = 0; i < keys->elements; i++) {
				argv2[i + 1] = keys->element[i]->str;
				lens2[i + 1] = keys->element[i]->len;
			}
			e = run(rc, (int)keys->elements + 1, argv2, lens2);
			free(argv2);
			free(lens2);
			if (e) {
				fl_redis_reply_free(r);
				break;
			}
		}
		fl_redis_reply_free(r);
	} while (strcmp(cursor, "0") != 0);
	free(pat);
	return e;
}

static fl_err rd_clear(fl_cache *c)
{
	return rd_del_prefix(c, "");
}

/* fl_cache_inc as one script, so INCRBY and the EXPIRE of a new key are
 * one atomic step (no key left without its TTL between the two).  A key
 * Redis has expired does not EXIST: it starts a new window.  The sum is
 * read back with GET: Lua's numbers are doubles, which would round
 * INCRBY's answer beyond 2^53. */
static const char inc_script[] =
	"local new = redis.call('EXISTS', KEYS[1]) == 0\n"
	"redis.call('INCRBY', KEYS[1], ARGV[1])\n"
	"if new and tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end\n"
	"return {redis.call('GET', KEYS[1]), redis.call('TTL', KEYS[1])}\n";

/* GET and TTL in one step; nil when absent. */
static const char counter_script[] =
	"local v = redis.call('GET', KEYS[1])\n"
	"if not v then return nil end\n"
	"return {v, redis.call('TTL', KEYS[1])}\n";

/* TTL's answer as fl_cache_inc's *ttl: -1 (no expiry) is 0; Redis rounds,
 * so a key about to expire may say 0, which is 1 here. */
static long ttl_of(long long t)
{
	return t < 0 ? 0 : t == 0 ? 1 : (long)t;
}

/* Run `script` on FL_CACHE_REDIS_PREFIX + key with `nargs` arguments.  An
 * error reply about the value (INCRBY on a non-integer or past the range)
 * is *bad = FL_EINVAL or FL_ERANGE, not logged; other failures NULL. */
static redisReply *eval(redis_cache *rc, const char *script, const char *key, int nargs,
	const char **args, fl_err *bad)
{
	size_t kn;
	char *k = full_key(key, &kn);
	*bad = FL_OK;
	if (!k)
		return NULL;
	const char *argv[6] = { "EVAL", script, "1", k };
	size_t lens[6] = { 4, strlen(script), 1, kn };
	for (int i = 0; i < nargs && i < 2; i++) {
		argv[4 + i] = args[i];
		lens[4 + i] = strlen(args[i]);
	}
	redisReply *r = fl_redis_command_argv(rc->redis, 4 + nargs, argv, lens);
	free(k);
	if (r && r->type == REDIS_REPLY_ERROR) {
		if (strstr(r->str, "not an integer"))
			*bad = FL_EINVAL;
		else if (strstr(r->str, "overflow"))
			*bad = FL_ERANGE;
		else
			fl_warning("cache (redis): EVAL: %s", r->str);
		fl_redis_reply_free(r);
		return NULL;
	}
	return r;
}

/* A two-element array reply {counter text, integer TTL}. */
static int pair_reply(const redisReply *r, long long *value, long *ttl)
{
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		r->element[1]->type != REDIS_REPLY_INTEGER)
		return 0;
	const redisReply *v = r->element[0];
	if (v->type != REDIS_REPLY_STRING || !fl_cache_parse_counter(v->str, v->len, value))
		return 0;
	*ttl = ttl_of(r->element[1]->integer);
	return 1;
}

static fl_err rd_inc(fl_cache *c, const char *key, long long delta, long timeout,
	long long *value, long *ttl)
{
	char d[32], t[32];
	snprintf(d, sizeof d, "%lld", delta);
	snprintf(t, sizeof t, "%ld", timeout);
	const char *args[] = { d, t };
	fl_err bad;
	redisReply *r = eval((redis_cache *)c, inc_script, key, 2, args, &bad);
	if (!r)
		return bad ? bad : FL_EIO;
	int ok = pair_reply(r, value, ttl);
	fl_redis_reply_free(r);
	if (!ok)
		fl_warning("cache (redis): unexpected reply to the increment of %s", key);
	return ok ? FL_OK : FL_EIO;
}

static fl_err rd_get_counter(fl_cache *c, const char *key, long long *value, long *ttl)
{
	fl_err bad;
	redisReply *r = eval((redis_cache *)c, counter_script, key, 0, NULL, &bad);
	if (!r)
		return bad ? bad : FL_EIO;
	fl_err e = FL_ENOTFOUND;
	if (r->type != REDIS_REPLY_NIL)
		e = pair_reply(r, value, ttl) ? FL_OK : FL_EINVAL;
	fl_redis_reply_free(r);
	return e;
}

static void rd_free(fl_cache *c)
{
	redis_cache *rc = (redis_cache *)c;
	fl_redis_close(rc->redis);
	free(rc);
}

static const fl_cache_ops redis_ops = {
	"redis", rd_get, rd_set, rd_del, rd_del_prefix, rd_clear, rd_inc, rd_get_counter, rd_free,
};

fl_err fl_cache_redis_new(const char *url, long default_timeout, fl_cache **out)
{
	*out = NULL;
	redis_cache *rc = calloc(1, sizeof *rc);
	if (!rc)
		return FL_ENOMEM;
	fl_err e = fl_redis_open(url, TIMEOUT_MS, &rc->redis);
	if (e) {
		free(rc);
		return e;
	}
	rc->base.ops = &redis_ops;
	rc->base.default_timeout = default_timeout;
	*out = &rc->base;
	return FL_OK;
}
