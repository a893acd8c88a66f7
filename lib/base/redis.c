/* redis.c — see redis.h. */
#include "base/redis.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"

struct fl_redis {
	fl_redis_url url;
	int timeout_ms;
	redisContext *c;
	long long retry_at;   /* monotonic ms before which we do not reconnect */
	int down;             /* an outage is being reported (log once) */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* A decimal number in [lo, hi] made of the n bytes at s. */
static int parse_num(const char *s, size_t n, long lo, long hi, int *out)
{
	long v = 0;
	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

fl_err fl_redis_parse_url(const char *url, fl_redis_url *out)
{
	memset(out, 0, sizeof *out);
	out->port = 6379;
	if (!url || strncmp(url, "redis://", 8) != 0)
		return FL_ECONFIG;
	const char *p = url + 8;
	const char *end = p + strcspn(p, "/?#");
	const char *at = memrchr(p, '@', (size_t)(end - p));
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon) {
			if (copy_part(out->user, sizeof out->user, p, (size_t)(colon - p)) ||
			    copy_part(out->password, sizeof out->password, colon + 1,
				    (size_t)(at - colon - 1)))
				return FL_ECONFIG;
		} else if (copy_part(out->password, sizeof out->password, p, (size_t)(at - p))) {
			return FL_ECONFIG;   /* redis://password@host, as redis-py reads it */
		}
		p = at + 1;
	}
	const char *host_end, *port_start = NULL;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (!rb)
			return FL_ECONFIG;
		if (copy_part(out->host, sizeof out->host, p + 1, (size_t)(rb - p - 1)))
			return FL_ECONFIG;
		host_end = rb + 1;
		if (host_end < end) {
			if (*host_end != ':')
				return FL_ECONFIG;
			port_start = host_end + 1;
		}
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		host_end = colon ? colon : end;
		if (copy_part(out->host, sizeof out->host, p, (size_t)(host_end - p)))
			return FL_ECONFIG;
		if (colon)
			port_start = colon + 1;
	}
	if (!out->host[0])
		return FL_ECONFIG;
	if (port_start && parse_num(port_start, (size_t)(end - port_start), 1, 65535, &out->port))
		return FL_ECONFIG;
	if (*end == '/') {
		const char *db = end + 1;
		size_t n = strcspn(db, "?#");
		if (n && parse_num(db, n, 0, 100000, &out->db))
			return FL_ECONFIG;
		end = db + n;
	}
	if (*end)
		return FL_ECONFIG;   /* query options are not supported */
	return FL_OK;
}

fl_err fl_redis_open(const char *url, int timeout_ms, fl_redis **out)
{
	*out = NULL;
	fl_redis *r = calloc(1, sizeof *r);
	if (!r)
		return FL_ENOMEM;
	if (fl_redis_parse_url(url, &r->url) != FL_OK) {
		fl_error("REDIS_URL '%s' is not redis://[[user]:password@]host[:port][/db]",
			url ? url : "");
		free(r);
		return FL_ECONFIG;
	}
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : FL_REDIS_TIMEOUT_MS;
	*out = r;
	return FL_OK;
}

static void drop(fl_redis *r, const char *why)
{
	if (!r->down)
		fl_error("redis %s:%d: %s", r->url.host, r->url.port, why);
	r->down = 1;
	if (r->c)
		redisFree(r->c);
	r->c = NULL;
	r->retry_at = now_ms() + FL_REDIS_RETRY_MS;
}

/* A reply to a set-up command that must be +OK. */
static int setup_ok(fl_redis *r, redisReply *rep, const char *what)
{
	int ok = rep && rep->type == REDIS_REPLY_STATUS;
	if (!ok) {
		char why[300];
		snprintf(why, sizeof why, "%s failed: %s", what,
			rep && rep->type == REDIS_REPLY_ERROR ? rep->str
			: r->c && r->c->errstr[0] ? r->c->errstr : "no reply");
		drop(r, why);
	}
	if (rep)
		freeReplyObject(rep);
	return ok;
}

static int ensure(fl_redis *r)
{
	if (r->c)
		return 1;
	if (now_ms() < r->retry_at)
		return 0;
	struct timeval tv = { r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000 };
	r->c = redisConnectWithTimeout(r->url.host, r->url.port, tv);
	if (!r->c) {
		drop(r, "out of memory");
		return 0;
	}
	if (r->c->err) {
		drop(r, r->c->errstr);
		return 0;
	}
	redisSetTimeout(r->c, tv);
	if (r->url.password[0]) {
		redisReply *rep = r->url.user[0]
			? redisCommand(r->c, "AUTH %s %s", r->url.user, r->url.password)
			: redisCommand(r->c, "AUTH %s", r->url.password);
		if (!setup_ok(r, rep, "AUTH"))
			return 0;
	}
	if (r->url.db && !setup_ok(r, redisCommand(r->c, "SELECT %d", r->url.db), "SELECT"))
		return 0;
	if (r->down)
		fl_info("redis %s:%d: connected again", r->url.host, r->url.port);
	r->down = 0;
	return 1;
}

static redisReply *checked(fl_redis *r, void *reply)
{
	if (!reply) {
		drop(r, r->c && r->c->errstr[0] ? r->c->errstr : "no reply");
		return NULL;
	}
	return reply;
}

redisReply *fl_redis_command(fl_redis *r, const char *fmt, ...)
{
	if (!r || !ensure(r))
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	void *reply = redisvCommand(r->c, fmt, ap);
	va_end(ap);
	return checked(r, reply);
}

redisReply *fl_redis_command_argv(fl_redis *r, int argc, const char **argv,
                                  const size_t *argvlen)
{
	if (!r || !ensure(r))
		return NULL;
	return checked(r, redisCommandArgv(r->c, argc, argv, argvlen));
}

void fl_redis_reply_free(redisReply *rep)
{
	if (rep)
		freeReplyObject(rep);
}

int fl_redis_connected(const fl_redis *r)
{
	return r && r->c != NULL;
}

void fl_redis_close(fl_redis *r)
{
	if (!r)
		return;
	if (r->c)
		redisFree(r->c);
	free(r);
}
