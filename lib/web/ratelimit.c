/* ratelimit.c — fixed-window rate limits over the cache's counters
 * (fl_cache_inc), and the limit on failed logins (see ratelimit.h).
 * The store is the application's `limits` cache, chosen at start-up
 * (app.c). */
#include <openssl/sha.h>
#include <string.h>

#include "web/ctx_internal.h"
#include "web/helpers.h"
#include "web/ratelimit.h"
#include "base/log.h"

/* Keys longer than this are hashed (the cache's keys are bounded). */
#define MAX_RAW_KEY 256

/* The store of the counts, or NULL (a context without an application). */
static fl_cache *store_of(fl_ctx *c)
{
	return c->app ? c->app->limits : NULL;
}

/* "ratelimit/<scope>/<key>": the key percent-encoded but for letters,
 * digits and "-._~@+", so that no byte of it can end the scope or pose as
 * another key; a long key as "sha256:<hex>" (':' is always encoded in the
 * first form, so the two never meet). */
static const char *bucket_key(fl_ctx *c, const char *scope, const char *key)
{
	static const char hex[] = "0123456789ABCDEF";
	fl_buf b;
	fl_buf_init(&b, c->arena);
	fl_buf_puts(&b, "ratelimit/");
	fl_buf_puts(&b, scope);
	fl_buf_putc(&b, '/');
	size_t n = strlen(key);
	if (n > MAX_RAW_KEY) {
		unsigned char md[SHA256_DIGEST_LENGTH];
		SHA256((const unsigned char *)key, n, md);
		fl_buf_puts(&b, "sha256:");
		for (size_t i = 0; i < sizeof md; i++) {
			fl_buf_putc(&b, hex[md[i] >> 4]);
			fl_buf_putc(&b, hex[md[i] & 15]);
		}
		return fl_buf_cstr(&b);
	}
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr("-._~@+", *p))
			fl_buf_putc(&b, (char)*p);
		else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			fl_buf_append(&b, e, 3);
		}
	}
	return fl_buf_cstr(&b);
}

/* The wait a count of `n` with `ttl` seconds left means under `limit`. */
static long wait_for(const fl_rate_limit *limit, long long n, long ttl)
{
	if (n < limit->amount)
		return 0;
	return ttl > 0 ? ttl : limit->window;  /* a key without expiry: not ours */
}

long fl_rate_limit_test(fl_ctx *c, const fl_rate_limit *limit, const char *key)
{
	fl_cache *store = store_of(c);
	if (!store || limit->amount <= 0)
		return 0;
	long long n;
	long ttl;
	const char *k = bucket_key(c, limit->scope, key ? key : "");
	fl_err e = fl_cache_get_counter(store, k, &n, &ttl);
	if (e == FL_EINVAL)
		fl_warning("rate limit: %s holds no counter; not limiting", k);
	return e ? 0 : wait_for(limit, n, ttl);
}

long fl_rate_limit_hit(fl_ctx *c, const fl_rate_limit *limit, const char *key)
{
	fl_cache *store = store_of(c);
	if (!store || limit->amount <= 0)
		return 0;
	long long n;
	long ttl;
	const char *k = bucket_key(c, limit->scope, key ? key : "");
	fl_err e = fl_cache_inc(store, k, 1, limit->window, &n, &ttl);
	if (e == FL_EINVAL || e == FL_ERANGE)
		fl_warning("rate limit: cannot count %s: %s", k, fl_strerror(e));
	return e ? 0 : wait_for(limit, n, ttl);
}

void fl_rate_limit_clear(fl_ctx *c, const fl_rate_limit *limit, const char *key)
{
	fl_cache *store = store_of(c);
	if (!store || limit->amount <= 0)   /* nothing was counted */
		return;
	long long n;
	const char *k = bucket_key(c, limit->scope, key ? key : "");
	/* Most successful logins follow no failure: a read, not a write. */
	if (fl_cache_get_counter(store, k, &n, NULL) != FL_ENOTFOUND)
		fl_cache_delete(store, k);
}

/* ---- failed logins ---- */

static fl_rate_limit per_username(fl_ctx *c)
{
	return (fl_rate_limit){ "login/username", c->config->login_failures_per_username,
		c->config->login_failure_window };
}

static fl_rate_limit per_address(fl_ctx *c)
{
	return (fl_rate_limit){ "login/address", c->config->login_failures_per_address,
		c->config->login_failure_window };
}

static const char *address(fl_ctx *c)
{
	return c->req.remote_addr ? c->req.remote_addr : "";
}

int fl_login_check(fl_ctx *c, const char *username)
{
	fl_rate_limit u = per_username(c), a = per_address(c);
	long wait = fl_rate_limit_test(c, &u, username);
	long wait_addr = fl_rate_limit_test(c, &a, address(c));
	if (wait_addr > wait)
		wait = wait_addr;
	if (!wait)
		return 0;
	return fl_abort_retry_after(c, 429, wait,
		"Too many failed login attempts; try again in %ld second%s.", wait,
		wait == 1 ? "" : "s");
}

void fl_login_failed(fl_ctx *c, const char *username)
{
	fl_rate_limit u = per_username(c), a = per_address(c);
	/* A limit is reached about once per window and key (later attempts
	 * are refused before they can fail): worth a line in the log. */
	long wait = fl_rate_limit_hit(c, &u, username);
	if (wait)
		fl_warning("login: %ld failures for username '%s' (last from %s); refused for %ld s",
			u.amount, username ? username : "", address(c), wait);
	wait = fl_rate_limit_hit(c, &a, address(c));
	if (wait)
		fl_warning("login: %ld failures from address %s; refused for %ld s", a.amount,
			address(c), wait);
}

void fl_login_succeeded(fl_ctx *c, const char *username)
{
	fl_rate_limit u = per_username(c);
	fl_rate_limit_clear(c, &u, username);
}
