/* cache.c — the cache interface (Flask-Caching's Cache object): argument
 * checks, timeouts, the clock, the null backend and the CACHE_TYPE factory.
 * The backends are in cache_simple.c, cache_sqlite.c and cache_redis.c;
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

static const fl_cache_ops null_ops = {
	"null", null_get, null_set, null_del, null_del, null_clear, null_free,
};

fl_cache *fl_cache_null_new(void)
{
	fl_cache *c = calloc(1, sizeof *c);
	if (c)
		c->ops = &null_ops;
	return c;
}

/* ---- the interface ---- */

fl_err fl_cache_new(const fl_config *cfg, struct sqlite3 *db, fl_cache **out)
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
		*out = fl_cache_sqlite_new(db, dt);
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
