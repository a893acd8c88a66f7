/* cache_simple.c — CACHE_TYPE=simple: an in-process cache (Flask-Caching's
 * SimpleCache), bounded in entries and bytes, least recently used first out.
 *
 * A hash table (chained, FNV-1a) finds entries; a doubly linked list keeps
 * them in use order, most recent at the head.  Expired entries are dropped
 * when met and before anything live is evicted.  Per process: it cannot see
 * a change made in another FastCGI process (see cache.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "cache/cache_internal.h"

typedef struct entry {
	struct entry *next_hash;
	struct entry *prev, *next;     /* use order: head = most recent */
	uint32_t hash;
	time_t expiry;                 /* 0 = never */
	size_t klen, vlen;
	char *key;                     /* key and value in one allocation */
	char *value;
} entry;

typedef struct simple_cache {
	fl_cache base;
	entry **buckets;
	size_t nbuckets;               /* a power of two */
	entry *head, *tail;
	size_t count, bytes;
	size_t max_entries, max_bytes;
} simple_cache;

static void unlink_use(simple_cache *sc, entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		sc->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		sc->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(simple_cache *sc, entry *e)
{
	e->prev = NULL;
	e->next = sc->head;
	if (sc->head)
		sc->head->prev = e;
	sc->head = e;
	if (!sc->tail)
		sc->tail = e;
}

static entry **slot_of(simple_cache *sc, const char *key, size_t klen, uint32_t h)
{
	entry **p = &sc->buckets[h & (sc->nbuckets - 1)];
	while (*p && !((*p)->hash == h && (*p)->klen == klen && !memcmp((*p)->key, key, klen)))
		p = &(*p)->next_hash;
	return p;
}

static void remove_entry(simple_cache *sc, entry *e)
{
	entry **p = slot_of(sc, e->key, e->klen, e->hash);
	if (*p == e)
		*p = e->next_hash;
	unlink_use(sc, e);
	sc->count--;
	sc->bytes -= e->klen + e->vlen;
	free(e);
}

static int expired(const simple_cache *sc, const entry *e, time_t now)
{
	return e->expiry && e->expiry <= now;
}

static fl_err simple_get(fl_cache *c, const char *key, fl_arena *a, char **value, size_t *len)
{
	simple_cache *sc = (simple_cache *)c;
	size_t klen = strlen(key);
	entry *e = *slot_of(sc, key, klen, fl_hash_fnv1a(key, klen));
	if (!e)
		return FL_ENOTFOUND;
	if (expired(sc, e, fl_cache_now(c))) {
		remove_entry(sc, e);
		return FL_ENOTFOUND;
	}
	unlink_use(sc, e);
	push_front(sc, e);
	*value = fl_arena_memdup(a, e->value, e->vlen);
	*len = e->vlen;
	return FL_OK;
}

/* Make room for `need` more bytes and one more entry: expired entries
 * first, then the least recently used. */
static void make_room(simple_cache *sc, size_t need, time_t now)
{
	if (sc->count + 1 > sc->max_entries || sc->bytes + need > sc->max_bytes)
		for (entry *e = sc->tail, *prev; e; e = prev) {
			prev = e->prev;
			if (expired(sc, e, now))
				remove_entry(sc, e);
		}
	while (sc->tail && (sc->count + 1 > sc->max_entries || sc->bytes + need > sc->max_bytes))
		remove_entry(sc, sc->tail);
}

/* Store `len` bytes under `key` (hash `h`) until `expiry` (0: never),
 * replacing what was there. */
static fl_err store(simple_cache *sc, const char *key, size_t klen, uint32_t h,
	const void *value, size_t len, time_t expiry, time_t now)
{
	entry *old = *slot_of(sc, key, klen, h);
	if (old)
		remove_entry(sc, old);
	if (klen + len > sc->max_bytes)
		return FL_ETOOLARGE;
	make_room(sc, klen + len, now);
	entry *e = malloc(sizeof *e + klen + 1 + len + 1);
	if (!e)
		return FL_ENOMEM;
	memset(e, 0, sizeof *e);
	e->key = (char *)(e + 1);
	e->value = e->key + klen + 1;
	memcpy(e->key, key, klen + 1);
	memcpy(e->value, value, len);
	e->value[len] = '\0';
	e->klen = klen;
	e->vlen = len;
	e->hash = h;
	e->expiry = expiry;
	entry **slot = &sc->buckets[h & (sc->nbuckets - 1)];
	e->next_hash = *slot;
	*slot = e;
	push_front(sc, e);
	sc->count++;
	sc->bytes += klen + len;
	return FL_OK;
}

static fl_err simple_set(fl_cache *c, const char *key, const void *value, size_t len, long timeout)
{
	simple_cache *sc = (simple_cache *)c;
	size_t klen = strlen(key);
	time_t now = fl_cache_now(c);
	return store(sc, key, klen, fl_hash_fnv1a(key, klen), value, len, timeout > 0 ? now + timeout : 0,
		now);
}

/* The live entry of `key`, or NULL (an expired one is dropped). */
static entry *live_entry(simple_cache *sc, const char *key, size_t klen, uint32_t h, time_t now)
{
	entry *e = *slot_of(sc, key, klen, h);
	if (e && expired(sc, e, now)) {
		remove_entry(sc, e);
		e = NULL;
	}
	return e;
}

static fl_err simple_inc(fl_cache *c, const char *key, long long delta, long timeout,
	long long *value, long *ttl)
{
	simple_cache *sc = (simple_cache *)c;
	size_t klen = strlen(key);
	uint32_t h = fl_hash_fnv1a(key, klen);
	time_t now = fl_cache_now(c);
	entry *e = live_entry(sc, key, klen, h, now);
	long long n = 0;
	time_t expiry = timeout > 0 ? now + timeout : 0;
	if (e) {
		if (!fl_cache_parse_counter(e->value, e->vlen, &n))
			return FL_EINVAL;
		expiry = e->expiry;
	}
	if (__builtin_add_overflow(n, delta, &n))
		return FL_ERANGE;
	char text[24];
	int len = snprintf(text, sizeof text, "%lld", n);
	fl_err err = store(sc, key, klen, h, text, (size_t)len, expiry, now);
	if (err)
		return err;
	*value = n;
	*ttl = expiry ? (long)(expiry - now) : 0;
	return FL_OK;
}

static fl_err simple_get_counter(fl_cache *c, const char *key, long long *value, long *ttl)
{
	simple_cache *sc = (simple_cache *)c;
	size_t klen = strlen(key);
	time_t now = fl_cache_now(c);
	entry *e = live_entry(sc, key, klen, fl_hash_fnv1a(key, klen), now);
	if (!e)
		return FL_ENOTFOUND;
	if (!fl_cache_parse_counter(e->value, e->vlen, value))
		return FL_EINVAL;
	*ttl = e->expiry ? (long)(e->expiry - now) : 0;
	return FL_OK;
}

static fl_err simple_del(fl_cache *c, const char *key)
{
	simple_cache *sc = (simple_cache *)c;
	size_t klen = strlen(key);
	entry *e = *slot_of(sc, key, klen, fl_hash_fnv1a(key, klen));
	if (e)
		remove_entry(sc, e);
	return FL_OK;
}

static fl_err simple_del_prefix(fl_cache *c, const char *prefix)
{
	simple_cache *sc = (simple_cache *)c;
	size_t plen = strlen(prefix);
	for (entry *e = sc->head, *next; e; e = next) {
		next = e->next;
		if (e->klen >= plen && !memcmp(e->key, prefix, plen))
			remove_entry(sc, e);
	}
	return FL_OK;
}

static fl_err simple_clear(fl_cache *c)
{
	simple_cache *sc = (simple_cache *)c;
	while (sc->head)
		remove_entry(sc, sc->head);
	return FL_OK;
}

static void simple_free(fl_cache *c)
{
	simple_cache *sc = (simple_cache *)c;
	simple_clear(c);
	free(sc->buckets);
	free(sc);
}

static const fl_cache_ops simple_ops = {
	"simple", simple_get, simple_set, simple_del, simple_del_prefix, simple_clear, simple_inc,
	simple_get_counter, simple_free,
};

fl_cache *fl_cache_simple_new(size_t max_entries, size_t max_bytes, long default_timeout)
{
	simple_cache *sc = calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	sc->base.ops = &simple_ops;
	sc->base.default_timeout = default_timeout;
	sc->max_entries = max_entries ? max_entries : FL_CACHE_SIMPLE_THRESHOLD;
	sc->max_bytes = max_bytes ? max_bytes : FL_CACHE_SIMPLE_MAX_BYTES;
	sc->nbuckets = 16;
	while (sc->nbuckets < sc->max_entries && sc->nbuckets < (1u << 20))
		sc->nbuckets <<= 1;
	sc->buckets = calloc(sc->nbuckets, sizeof *sc->buckets);
	if (!sc->buckets) {
		free(sc);
		return NULL;
	}
	return &sc->base;
}
