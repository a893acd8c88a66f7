/* test_ratelimit.c — web/ratelimit.h on a context with a minimal
 * application whose store is a simple cache on a clock the tests move:
 * fixed windows, keys (encoded, long ones hashed), the failed-login limits
 * (per username, per address, reset by a success, 429 with Retry-After),
 * limits turned off, and a store that fails (limits nothing).  Counting on
 * the real backends, across processes, is test_cache.c; over HTTP,
 * tests/integration/test_login_limits.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/ctx_internal.h"   /* struct fl_app: its config and store */
#include "web/helpers.h"
#include "web/ratelimit.h"
#include "arena_fixture.h"

static time_t now = 1700000000;

static time_t clock_fn(void *ud)
{
	return *(time_t *)ud;
}

static struct fl_app app;

static int setup(void **state)
{
	arena_setup(state);
	memset(&app, 0, sizeof app);
	now = 1700000000;
	app.limits = fl_cache_simple_new(0, 0, 300);
	fl_cache_set_clock(app.limits, clock_fn, &now);
	app.config.login_failures_per_username = 3;
	app.config.login_failures_per_address = 5;
	app.config.login_failure_window = 60;
	return 0;
}

static int teardown(void **state)
{
	fl_cache_free(app.limits);
	return arena_teardown(state);
}

/* A request from `addr` to the application. */
static fl_ctx *request(const char *addr)
{
	fl_ctx *c = fl_ctx_new(&app, arena);
	c->req.arena = arena;
	c->req.method = FL_POST;
	c->req.method_name = "POST";
	c->req.path = "/login";
	c->req.remote_addr = addr;
	return c;
}

/* The stored count of `key`, or -1 when there is none. */
static long long count(const char *key)
{
	long long n;
	return fl_cache_get_counter(app.limits, key, &n, NULL) == FL_OK ? n : -1;
}

static void test_fixed_window(void **state)
{
	fl_ctx *c = request("10.0.0.1");
	const fl_rate_limit l = { "things", 2, 60 };
	assert_int_equal(fl_rate_limit_test(c, &l, "k"), 0);
	assert_int_equal(fl_rate_limit_hit(c, &l, "k"), 0);        /* 1 of 2 */
	now += 10;
	assert_int_equal(fl_rate_limit_test(c, &l, "k"), 0);
	assert_int_equal(fl_rate_limit_hit(c, &l, "k"), 50);       /* 2 of 2: wait */
	assert_int_equal(fl_rate_limit_test(c, &l, "k"), 50);      /* counts nothing */
	assert_int_equal(count("ratelimit/things/k"), 2);
	assert_int_equal(fl_rate_limit_test(c, &l, "other"), 0);   /* per key */
	now += 49;
	assert_int_equal(fl_rate_limit_test(c, &l, "k"), 1);
	now += 1;                                                  /* the window ends */
	assert_int_equal(fl_rate_limit_test(c, &l, "k"), 0);
	assert_int_equal(fl_rate_limit_hit(c, &l, "k"), 0);
	fl_rate_limit_clear(c, &l, "k");
	assert_int_equal(count("ratelimit/things/k"), -1);
	fl_rate_limit_clear(c, &l, "k");                           /* nothing: fine */
	/* No limit, no application: never limited, nothing counted. */
	const fl_rate_limit off = { "off", 0, 60 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(fl_rate_limit_hit(c, &off, "k"), 0);
	assert_int_equal(count("ratelimit/off/k"), -1);
	fl_ctx *bare = fl_ctx_new(NULL, arena);
	for (int i = 0; i < 5; i++)
		assert_int_equal(fl_rate_limit_hit(bare, &l, "k"), 0);
}

static void test_keys(void **state)
{
	fl_ctx *c = request("10.0.0.1");
	const fl_rate_limit l = { "s", 1, 60 };
	/* Percent-encoded: no key poses as another or leaves its scope. */
	fl_rate_limit_hit(c, &l, "a/b %41\xc3\xa9");
	assert_int_equal(count("ratelimit/s/a%2Fb%20%2541%C3%A9"), 1);
	assert_int_equal(fl_rate_limit_test(c, &l, "a%2Fb%20%2541%C3%A9"), 0);
	fl_rate_limit_hit(c, &l, "Az09-._~@+");
	assert_int_equal(count("ratelimit/s/Az09-._~@+"), 1);
	fl_rate_limit_hit(c, &l, "");
	assert_int_equal(count("ratelimit/s/"), 1);
	assert_int_equal(fl_rate_limit_test(c, &l, NULL), 60);     /* NULL is "" */
	/* A long key is hashed, and still one key. */
	char big[3000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(fl_rate_limit_hit(c, &l, big), 60);
	assert_int_equal(fl_rate_limit_test(c, &l, big), 60);
	big[0] = 'y';
	assert_int_equal(fl_rate_limit_test(c, &l, big), 0);
	/* Named by the SHA-256 of the key (':' never appears in an encoded one). */
	big[0] = 'x';
	assert_int_equal(count("ratelimit/s/sha256:"
		"043E5F028E0C782C40DDDE04D3EE4957BD5C32BA58547BC53A705CA338CFE08A"), 1);
}

static void test_login_per_username(void **state)
{
	for (int i = 0; i < 3; i++) {
		fl_ctx *c = request("10.0.0.1");
		assert_int_equal(fl_login_check(c, "alice"), 0);
		fl_login_failed(c, "alice");
	}
	fl_ctx *c = request("10.0.0.1");
	now += 20;
	assert_int_equal(fl_login_check(c, "alice"), 429);
	assert_string_equal(fl_response_get_header(&c->resp, "Retry-After"), "40");
	assert_string_equal(fl_state(c)->abort_message,
		"Too many failed login attempts; try again in 40 seconds.");
	/* Another username from the same address: allowed (3 of 5). */
	assert_int_equal(fl_login_check(request("10.0.0.1"), "bob"), 0);
	/* Alice from anywhere: refused; one second before the end: "1 second". */
	now += 39;
	c = request("10.9.9.9");
	assert_int_equal(fl_login_check(c, "alice"), 429);
	assert_string_equal(fl_response_get_header(&c->resp, "Retry-After"), "1");
	assert_string_equal(fl_state(c)->abort_message,
		"Too many failed login attempts; try again in 1 second.");
	now += 1;
	assert_int_equal(fl_login_check(request("10.0.0.1"), "alice"), 0);
}

static void test_login_success_resets_the_username(void **state)
{
	fl_ctx *c = request("10.0.0.1");
	fl_login_failed(c, "alice");
	fl_login_failed(c, "alice");
	assert_int_equal(count("ratelimit/login/username/alice"), 2);
	fl_login_succeeded(c, "alice");
	assert_int_equal(count("ratelimit/login/username/alice"), -1);
	assert_int_equal(count("ratelimit/login/address/10.0.0.1"), 2);   /* kept */
	fl_login_failed(c, "alice");
	fl_login_failed(c, "alice");
	assert_int_equal(fl_login_check(request("10.0.0.1"), "alice"), 0);
}

static void test_login_per_address(void **state)
{
	const char *names[] = { "a", "b", "c", "d", "e" };
	for (int i = 0; i < 5; i++) {
		fl_ctx *c = request("192.0.2.7");
		assert_int_equal(fl_login_check(c, names[i]), 0);
		fl_login_failed(c, names[i]);
	}
	fl_ctx *c = request("192.0.2.7");
	assert_int_equal(fl_login_check(c, "f"), 429);
	assert_string_equal(fl_response_get_header(&c->resp, "Retry-After"), "60");
	/* Another address, the same usernames: each has 1 of 3. */
	assert_int_equal(fl_login_check(request("192.0.2.8"), "a"), 0);
	/* Without REMOTE_ADDR (plain CGI from a shell): "" is an address. */
	c = request(NULL);
	fl_login_failed(c, "z");
	assert_int_equal(count("ratelimit/login/address/"), 1);
}

static void test_login_limits_off(void **state)
{
	app.config.login_failures_per_username = 0;
	app.config.login_failures_per_address = 0;
	for (int i = 0; i < 20; i++) {
		fl_ctx *c = request("10.0.0.1");
		assert_int_equal(fl_login_check(c, "alice"), 0);
		fl_login_failed(c, "alice");
	}
	assert_int_equal(count("ratelimit/login/username/alice"), -1);
	assert_int_equal(count("ratelimit/login/address/10.0.0.1"), -1);
}

static void test_failing_store_limits_nothing(void **state)
{
	fl_cache_free(app.limits);
	/* Redis that is not there: every call fails (logged), nobody is
	 * locked out. */
	assert_int_equal(fl_cache_redis_new("redis://127.0.0.1:1", 300, &app.limits), FL_OK);
	for (int i = 0; i < 5; i++) {
		fl_ctx *c = request("10.0.0.1");
		assert_int_equal(fl_login_check(c, "alice"), 0);
		fl_login_failed(c, "alice");
	}
	/* A key that holds no counter: not limited either. */
	fl_cache_free(app.limits);
	app.limits = fl_cache_simple_new(0, 0, 300);
	assert_int_equal(fl_cache_set(app.limits, "ratelimit/login/username/alice", "junk", 4, 0),
		FL_OK);
	fl_ctx *c = request("10.0.0.1");
	fl_login_failed(c, "alice");
	assert_int_equal(fl_login_check(c, "alice"), 0);
}

static void test_abort_retry_after(void **state)
{
	fl_ctx *c = request("10.0.0.1");
	assert_int_equal(fl_abort_retry_after(c, 503, 120, "down for %s", "maintenance"), 503);
	assert_string_equal(fl_response_get_header(&c->resp, "Retry-After"), "120");
	assert_string_equal(fl_state(c)->abort_message, "down for maintenance");
	c = request("10.0.0.1");
	assert_int_equal(fl_abort_retry_after(c, 429, 0, NULL), 429);
	assert_string_equal(fl_response_get_header(&c->resp, "Retry-After"), "1");
	assert_null(fl_state(c)->abort_message);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixed_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_per_username, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_success_resets_the_username, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_limits_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_store_limits_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_retry_after, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
