/* cache_redis.c — CACHE_TYPE=redis (Flask-Caching's RedisCache) through
 * hiredis: GET, SETEX (SET without a timeout), DEL, and SCAN + DEL for
 * prefixes; every key carries FL_CACHE_REDIS_PREFIX so clear() never
 * touches other data in the same database (sessions, for one).
 *
 * Redis being down must never fail a page: connecting and each command
 * have short timeouts; on any error the connection is dropped, the call
 * answers FL_EIO (a miss), one warning is logged per outage, and no
 * reconnection is tried for RETRY_SECONDS so a dead server does not cost
 * every request a connect timeout. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "cache_internal.h"
#include "log.h"

#define CONNECT_TIMEOUT_MS 250
#define COMMAND_TIMEOUT_MS 500
#define RETRY_SECONDS 1

typedef struct redis_cache {
	fl_cache base;
	char host[256];
	int port;
	int dbnum;
	char password[256];
	redisContext *ctx;
	struct timespec retry_at;   /* CLOCK_MONOTONIC; no connect before it */
	int down;                   /* an outage was logged */
} redis_cache;

static struct timeval ms(int n)
{
	struct timeval tv = { n / 1000, (n % 1000) * 1000 };
	return tv;
}

static void drop(redis_cache *rc, const char *why)
{
	if (!rc->down)
		fl_warning("cache (redis %s:%d): %s; serving without the cache", rc->host, rc->port,
			why);
	rc->down = 1;
	if (rc->ctx)
		redisFree(rc->ctx);
	rc->ctx = NULL;
	clock_gettime(CLOCK_MONOTONIC, &rc->retry_at);
	rc->retry_at.tv_sec += RETRY_SECONDS;
}

/* One command; NULL (connection dropped, logged) on any failure. */
static redisReply *command(redis_cache *rc, int argc, const char **argv, const size_t *lens)
{
	if (!rc->ctx) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (rc->down && (now.tv_sec < rc->retry_at.tv_sec ||
			(now.tv_sec == rc->retry_at.tv_sec && now.tv_nsec < rc->retry_at.tv_nsec)))
			return NULL;
		rc->ctx = redisConnectWithTimeout(rc->host, rc->port, ms(CONNECT_TIMEOUT_MS));
		if (!rc->ctx || rc->ctx->err) {
			drop(rc, rc->ctx ? rc->ctx->errstr : "cannot connect");
			return NULL;
		}
		redisSetTimeout(rc->ctx, ms(COMMAND_TIMEOUT_MS));
		redisReply *r = NULL;
		if (rc->password[0]) {
			r = redisCommand(rc->ctx, "AUTH %s", rc->password);
			if (!r || r->type == REDIS_REPLY_ERROR) {
				drop(rc, r ? r->str : rc->ctx->errstr);
				if (r)
					freeReplyObject(r);
				return NULL;
			}
			freeReplyObject(r);
		}
		if (rc->dbnum) {
			r = redisCommand(rc->ctx, "SELECT %d", rc->dbnum);
			if (!r || r->type == REDIS_REPLY_ERROR) {
				drop(rc, r ? r->str : rc->ctx->errstr);
				if (r)
					freeReplyObject(r);
				return NULL;
			}
			freeReplyObject(r);
		}
		if (rc->down)
			fl_info("cache (redis %s:%d): connected again", rc->host, rc->port);
		rc->down = 0;
	}
	redisReply *r = redisCommandArgv(rc->ctx, argc, argv, lens);
	if (!r) {
		drop(rc, rc->ctx->errstr[0] ? rc->ctx->errstr : "no reply");
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		fl_warning("cache (redis): %s: %s", argv[0], r->str);
		freeReplyObject(r);
		return NULL;
	}
	return r;
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
		*value = fl_cache_copy_out(a, r->str, r->len);
		*len = r->len;
		e = FL_OK;
	}
	freeReplyObject(r);
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
	redisReply *r;
	if (timeout > 0) {
		const char *argv[] = { "SETEX", k, secs, value };
		size_t lens[] = { 5, kn, (size_t)n, len };
		r = command(rc, 4, argv, lens);
	} else {
		const char *argv[] = { "SET", k, value };
		size_t lens[] = { 3, kn, len };
		r = command(rc, 3, argv, lens);
	}
	free(k);
	if (!r)
		return FL_EIO;
	freeReplyObject(r);
	return FL_OK;
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
	redisReply *r = command(rc, 2, argv, lens);
	free(k);
	if (!r)
		return FL_EIO;
	freeReplyObject(r);
	return FL_OK;
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
				freeReplyObject(r);
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
				freeReplyObject(r);
				e = FL_ENOMEM;
				break;
			}
			argv2[0] = "DEL";
			lens2[0] = 3;
			for (size_t i = 0; i < keys->elements; i++) {
				argv2[i + 1] = keys->element[i]->str;
				lens2[i + 1] = keys->element[i]->len;
			}
			redisReply *d = command(rc, (int)keys->elements + 1, argv2, lens2);
			free(argv2);
			free(lens2);
			if (!d) {
				freeReplyObject(r);
				e = FL_EIO;
				break;
			}
			freeReplyObject(d);
		}
		freeReplyObject(r);
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
	if (rc->ctx)
		redisFree(rc->ctx);
	free(rc);
}

static const fl_cache_ops redis_ops = {
	"redis", rd_get, rd_set, rd_del, rd_del_prefix, rd_clear, rd_free,
};

/* redis://[[user]:password@]host[:port][/db] */
static int parse_url(redis_cache *rc, const char *url)
{
	const char *p;
	if (!url || strncmp(url, "redis://", 8) != 0)
		return -1;
	p = url + 8;
	const char *end = p + strcspn(p, "/?#");
	const char *at = memchr(p, '@', (size_t)(end - p));
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon) {
			size_t n = (size_t)(at - colon - 1);
			if (n >= sizeof rc->password)
				return -1;
			memcpy(rc->password, colon + 1, n);
			rc->password[n] = '\0';
		}
		p = at + 1;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	const char *host_end = colon ? colon : end;
	size_t hn = (size_t)(host_end - p);
	if (hn >= sizeof rc->host)
		return -1;
	memcpy(rc->host, p, hn);
	rc->host[hn] = '\0';
	if (!hn)
		strcpy(rc->host, "127.0.0.1");
	rc->port = 6379;
	if (colon) {
		char *e;
		long port = strtol(colon + 1, &e, 10);
		if (e != end || port < 1 || port > 65535)
			return -1;
		rc->port = (int)port;
	}
	rc->dbnum = 0;
	if (*end == '/' && end[1] && end[1] != '?' && end[1] != '#') {
		char *e;
		long db = strtol(end + 1, &e, 10);
		if ((*e && *e != '?' && *e != '#') || db < 0 || db > 1000000)
			return -1;
		rc->dbnum = (int)db;
	}
	return 0;
}

fl_err fl_cache_redis_new(const char *url, long default_timeout, fl_cache **out)
{
	*out = NULL;
	redis_cache *rc = calloc(1, sizeof *rc);
	if (!rc)
		return FL_ENOMEM;
	if (parse_url(rc, url)) {
		free(rc);
		return FL_ECONFIG;
	}
	rc->base.ops = &redis_ops;
	rc->base.default_timeout = default_timeout;
	*out = &rc->base;
	return FL_OK;
}
