/* cache_internal.h — what cache.c and its backends (cache_simple.c,
 * cache_db.c, cache_redis.c) share.  Not part of the public API.
 *
 * A backend is a table of operations; fl_cache is embedded first in each
 * backend's own struct.  cache.c checks arguments and resolves the timeout
 * before calling a backend, so backends see `timeout` as 0 (forever) or a
 * positive number of seconds. */
#ifndef FL_CACHE_INTERNAL_H
#define FL_CACHE_INTERNAL_H

#include "cache/cache.h"

typedef struct fl_cache_ops {
	const char *name;
	fl_err (*get)(fl_cache *c, const char *key, fl_arena *a, char **value, size_t *len);
	fl_err (*set)(fl_cache *c, const char *key, const void *value, size_t len, long timeout);
	fl_err (*del)(fl_cache *c, const char *key);
	fl_err (*del_prefix)(fl_cache *c, const char *prefix);
	fl_err (*clear)(fl_cache *c);
	/* timeout: 0 (never) or seconds, resolved; ttl never NULL. */
	fl_err (*inc)(fl_cache *c, const char *key, long long delta, long timeout,
		long long *value, long *ttl);
	fl_err (*get_counter)(fl_cache *c, const char *key, long long *value, long *ttl);
	void (*free)(fl_cache *c);
} fl_cache_ops;

struct fl_cache {
	const fl_cache_ops *ops;
	long default_timeout;
	fl_cache_clock_fn clock;    /* NULL: time(NULL) */
	void *clock_ud;
};

/* The current time on the cache's clock. */
time_t fl_cache_now(const fl_cache *c);

/* Whether the `n` bytes at `s` are a counter's text (see cache.h: "0", or
 * an optional '-' and digits without a leading zero) that fits a long
 * long; if so, its value in *out. */
int fl_cache_parse_counter(const char *s, size_t n, long long *out);

#endif
