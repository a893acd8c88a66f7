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

static void rd_free(fl_cache *c)
{
	redis_cache *rc = (redis_cache *)c;
	fl_redis_close(rc->redis);
	free(rc);
}

static const fl_cache_ops redis_ops = {
	"redis", rd_get, rd_set, rd_del, rd_del_prefix, rd_clear, rd_free,
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
