/* cache.c — the cache interface (Flask-Caching's Cache object): argument
 * checks, timeouts, the clock, the null backend and the CACHE_TYPE factory.
 * The backends are in cache_simple.c, cache_db.c and cache_redis.c;
 * response caching of views is in web/view_cache.c. */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_internal.h"
#include "base/clock.h"
#include "base/config.h"

time_t fl_cache_now(const fl_cache *c)
{
	return c->clock ? c->clock(c->clock_ud) : fl_now();
}

int fl_cache_parse_counter(const char *s, size_t n, long long *out)
{
	size_t i = n && s[0] == '-';
	if (i == n || s[i] < '0' || s[i] > '9' || (s[i] == '0' && (n > i + 1 || i)))
		return 0;   /* empty, "-", a leading zero, "-0" */
	long long v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		int d = s[i] - '0';
		/* Accumulate negatively: LLONG_MIN has no positive twin. */
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, d, &v))
			return 0;
	}
	if (s[0] != '-' && __builtin_mul_overflow(v, -1, &v))
		return 0;
	*out = v;
	return 1;
}

/* ---- the null backend: Flask-Caching's NullCache ---- */

static fl_err null_get(fl_cache *c, const char *key, fl_arena *a, char **value, size_t *len)
{
	return FL_ENOTFOUND;
}

static fl_err null_set(fl_cache *c, const char *key, const void *value, size_t len, long timeout)
{
	return FL_OK;
}

static fl_err null_del(fl_cache *c, const char *key) { return FL_OK; }
static fl_err null_clear(fl_cache *c) { return FL_OK; }
static void null_free(fl_cache *c) { free(c); }

/* BaseCache.inc on a cache that forgets: (nothing or 0) + delta. */
static fl_err null_inc(fl_cache *c, const char *key, long long delta, long timeout,
	long long *value, long *ttl)
{
	*value = delta;
	*ttl = timeout;
	return FL_OK;
}

static fl_err null_get_counter(fl_cache *c, const char *key, long long *value, long *ttl)
{
	return FL_ENOTFOUND;
}

static const fl_cache_ops null_ops = {
	"null", null_get, null_set, null_del, null_del, null_clear, null_inc, null_get_counter,
	null_free,
};

fl_cache *fl_cache_null_new(void)
{
	fl_cache *c = calloc(1, sizeof *c);
	if (c)
		c->ops = &null_ops;
	return c;
}

/* ---- the interface ---- */

fl_err fl_cache_new(const fl_config *cfg, struct fl_db *db, fl_cache **out)
{
	const char *type = cfg->cache_type ? cfg->cache_type : "null";
	long dt = cfg->cache_default_timeout;
	*out = NULL;
	if (!strcmp(type, "null"))
		*out = fl_cache_null_new();
	else if (!strcmp(type, "simple"))
		*out = fl_cache_simple_new(0, 0, dt);
	else if (!strcmp(type, "sqlite")) {
		if (!db)
			return FL_ECONFIG;
		*out = fl_cache_db_new(db, dt);
	} else if (!strcmp(type, "redis"))
		return fl_cache_redis_new(cfg->redis_url, dt, out);
	else
		return FL_ECONFIG;
	if (!*out)
		return FL_ENOMEM;
	(*out)->default_timeout = dt;
	return FL_OK;
}

void fl_cache_free(fl_cache *cache)
{
	if (cache)
		cache->ops->free(cache);
}

const char *fl_cache_type(const fl_cache *cache)
{
	return cache->ops->name;
}

void fl_cache_set_clock(fl_cache *cache, fl_cache_clock_fn now, void *ud)
{
	cache->clock = now;
	cache->clock_ud = ud;
}

long fl_cache_default_timeout(const fl_cache *cache)
{
	return cache->default_timeout;
}

static int key_ok(const char *key)
{
	return key && *key && strlen(key) <= FL_CACHE_MAX_KEY;
}

fl_err fl_cache_get(fl_cache *cache, const char *key, fl_arena *a, char **value, size_t *len)
{
	size_t n = 0;
	if (!key_ok(key))
		return FL_EINVAL;
	fl_err e = cache->ops->get(cache, key, a, value, &n);
	if (len)
		*len = e ? 0 : n;
	return e;
}

fl_err fl_cache_set(fl_cache *cache, const char *key, const void *value, size_t len,
	long timeout)
{
	if (!key_ok(key) || (!value && len))
		return FL_EINVAL;
	if (timeout < 0)
		timeout = cache->default_timeout;
	if (timeout < 0)
		timeout = 0;
	return cache->ops->set(cache, key, value ? value : "", len, timeout);
}

fl_err fl_cache_delete(fl_cache *cache, const char *key)
{
	if (!key_ok(key))
		return FL_EINVAL;
	return cache->ops->del(cache, key);
}

fl_err fl_cache_delete_prefix(fl_cache *cache, const char *prefix)
{
	if (!prefix || strlen(prefix) > FL_CACHE_MAX_KEY)
		return FL_EINVAL;
	if (!*prefix)
		return cache->ops->clear(cache);
	return cache->ops->del_prefix(cache, prefix);
}

fl_err fl_cache_clear(fl_cache *cache)
{
	return cache->ops->clear(cache);
}

fl_err fl_cache_inc(fl_cache *cache, const char *key, long long delta, long timeout,
	long long *value, long *ttl)
{
	long left = 0;
	if (!key_ok(key))
		return FL_EINVAL;
	if (timeout < 0)
		timeout = cache->default_timeout;
	if (timeout < 0)
		timeout = 0;
	fl_err e = cache->ops->inc(cache, key, delta, timeout, value, &left);
	if (ttl)
		*ttl = e ? 0 : left;
	return e;
}

fl_err fl_cache_get_counter(fl_cache *cache, const char *key, long long *value, long *ttl)
{
	long left = 0;
	if (!key_ok(key))
		return FL_EINVAL;
	fl_err e = cache->ops->get_counter(cache, key, value, &left);
	if (ttl)
		*ttl = e ? 0 : left;
	return e;
}
