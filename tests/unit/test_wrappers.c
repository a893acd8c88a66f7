/* test_wrappers.c — lib/web/wrappers.c: request.url, .host, .scheme,
 * .referrer, .endpoint and the root of _external URLs, with and without
 * SERVER_NAME and a trusted proxy.  Expected URLs were produced with
 * werkzeug 2.2's get_current_url / get_host (Debian's python3-werkzeug). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web/ctx.h"

static fl_arena *arena;
static fl_config cfg;

static int setup(void **state)
{
	(void)state;
	arena = fl_arena_new(0);
	fl_json_set_arena(arena);
	memset(&cfg, 0, sizeof cfg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_json_set_arena(NULL);
	fl_arena_free(arena);
	return 0;
}

/* A context for GET script+path?query with the CGI variables `env`. */
static fl_ctx *ctx(char **env, const char *script, const char *path, const char *query)
{
	fl_ctx *c = fl_ctx_new(NULL, arena);
	c->config = &cfg;
	c->req.envp = env;
	c->req.script_name = script;
	c->req.path = path;
	c->req.query_string = query;
	c->req.remote_addr = fl_request_env(&c->req, "REMOTE_ADDR");
	return c;
}

static void test_url_like_werkzeug(void **state)
{
	(void)state;
	char *env[] = { "HTTP_HOST=h:8080", "REMOTE_ADDR=127.0.0.1", NULL };
	fl_ctx *c = ctx(env, "/cgi-bin/main", "/user/Jos\xc3\xa9 a%b?#/x",
		"q=1&x=%C3%A9 \xc3\xa9&y=a b<>\"");
	/* get_current_url('http', 'h:8080', '/cgi-bin/main', '/user/José a%b?#/x',
	 *                 'q=1&x=%C3%A9 é&y=a b<>"') */
	assert_string_equal(fl_request_url(c),
		"http://h:8080/cgi-bin/main/user/Jos\xc3\xa9%20a%25b%3F%23/x"
		"?q=1&x=\xc3\xa9%20\xc3\xa9&y=a%20b%3C%3E%22");
	c = ctx(env, "/cgi-bin/main/", "/", "");
	assert_string_equal(fl_request_url(c), "http://h:8080/cgi-bin/main/");
	/* An escape of a byte that starts no UTF-8 character stays. */
	c = ctx(env, "/s", "/p", "a=%FF%41%2f");
	assert_string_equal(fl_request_url(c), "http://h:8080/s/p?a=%FFA%2f");
}

static void test_host_and_scheme(void **state)
{
	(void)state;
	char *plain[] = { "HTTP_HOST=site.example:80", NULL };
	fl_ctx *c = ctx(plain, "/s", "/", NULL);
	assert_string_equal(fl_request_scheme(c), "http");
	assert_string_equal(fl_request_host(c), "site.example");   /* get_host drops :80 */
	char *tls[] = { "HTTPS=on", "HTTP_HOST=site.example:443", NULL };
	c = ctx(tls, "/s", "/", NULL);
	assert_string_equal(fl_request_scheme(c), "https");
	assert_string_equal(fl_request_host(c), "site.example");
	char *v6[] = { "HTTP_HOST=[::1]:8080", NULL };
	assert_string_equal(fl_request_host(ctx(v6, "/s", "/", NULL)), "[::1]:8080");
	/* No Host (HTTP/1.0): the server's name and port. */
	char *none[] = { "SERVER_NAME=srv.example", "SERVER_PORT=8080", NULL };
	assert_string_equal(fl_request_host(ctx(none, "/s", "/", NULL)), "srv.example:8080");
}

static void test_bad_host_is_never_used(void **state)
{
	(void)state;
	const char *bad[] = { "evil/x", "a b", "e\"vil", "u@evil", "evil:8o", "[zz]", ":80", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char host[64];
		snprintf(host, sizeof host, "HTTP_HOST=%s", bad[i]);
		char *env[] = { host, "SERVER_NAME=srv.example", "SERVER_PORT=80", NULL };
		assert_string_equal(fl_request_host(ctx(env, "/s", "/", NULL)), "srv.example");
		cfg.server_name = "cfg.example";
		assert_string_equal(fl_request_host(ctx(env, "/s", "/", NULL)), "cfg.example");
		cfg.server_name = NULL;
	}
	char *nothing[] = { "HTTP_HOST=a b", NULL };
	assert_string_equal(fl_request_host(ctx(nothing, "/s", "/", NULL)), "localhost");
}

static char *forwarded[] = {
	"HTTP_HOST=site.example", "REMOTE_ADDR=10.0.0.2",
	"HTTP_X_FORWARDED_HOST=client.example, proxy.example:8443",
	"HTTP_X_FORWARDED_PROTO=http, https", NULL,
};

static void test_trusted_proxy(void **state)
{
	(void)state;
	/* No TRUSTED_PROXIES: the headers are the client's words. */
	fl_ctx *c = ctx(forwarded, "/s", "/p", NULL);
	assert_string_equal(fl_request_host(c), "site.example");
	assert_string_equal(fl_request_scheme(c), "http");
	/* From a trusted proxy: the last entry (ProxyFix x_host=1, x_proto=1). */
	cfg.trusted_proxies = "192.0.2.1, 10.0.0.2";
	c = ctx(forwarded, "/s", "/p", NULL);
	assert_string_equal(fl_request_host(c), "proxy.example:8443");
	assert_string_equal(fl_request_scheme(c), "https");
	assert_string_equal(fl_request_url(c), "https://proxy.example:8443/s/p");
	assert_string_equal(fl_external_url_root(c), "https://proxy.example:8443");
	/* From another address: ignored. */
	cfg.trusted_proxies = "192.0.2.1, ::1";
	c = ctx(forwarded, "/s", "/p", NULL);
	assert_string_equal(fl_request_host(c), "site.example");
	/* A trusted proxy's junk is ignored too. */
	cfg.trusted_proxies = "10.0.0.2";
	char *junk[] = { "HTTP_HOST=site.example", "REMOTE_ADDR=10.0.0.2",
		"HTTP_X_FORWARDED_HOST=evil.example/x", "HTTP_X_FORWARDED_PROTO=javascript", NULL };
	c = ctx(junk, "/s", "/p", NULL);
	assert_string_equal(fl_request_host(c), "site.example");
	assert_string_equal(fl_request_scheme(c), "http");
	cfg.trusted_proxies = NULL;
}

static void test_external_root(void **state)
{
	(void)state;
	char *env[] = { "HTTP_HOST=site.example:8080", NULL };
	/* Without SERVER_NAME: the request's. */
	assert_string_equal(fl_external_url_root(ctx(env, "/s", "/", NULL)), "http://site.example:8080");
	/* With it: SERVER_NAME and PREFERRED_URL_SCHEME, whatever the Host. */
	cfg.server_name = "flagon.example";
	cfg.preferred_url_scheme = "https";
	assert_string_equal(fl_external_url_root(ctx(env, "/s", "/", NULL)), "https://flagon.example");
	cfg.preferred_url_scheme = NULL;
	assert_string_equal(fl_external_url_root(ctx(env, "/s", "/", NULL)), "http://flagon.example");
	cfg.server_name = NULL;
}

static void test_endpoint_and_referrer(void **state)
{
	(void)state;
	char *env[] = { "HTTP_REFERER=http://x.example/a?b", NULL };
	fl_ctx *c = ctx(env, "/s", "/", NULL);
	assert_null(fl_request_endpoint(c));     /* before routing */
	assert_null(fl_request_blueprint(c));
	assert_string_equal(fl_request_referrer(c), "http://x.example/a?b");
	static const fl_route r = { "/", "index", 0, NULL, 0 };
	c->route = &r;
	assert_string_equal(fl_request_endpoint(c), "index");   /* no application: no blueprint */
	char *none[] = { NULL };
	assert_null(fl_request_referrer(ctx(none, "/s", "/", NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_url_like_werkzeug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_and_scheme, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_host_is_never_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trusted_proxy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_and_referrer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
