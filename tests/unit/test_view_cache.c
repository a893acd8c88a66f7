/* test_view_cache.c — the keys of cached views (web/view_cache.h) and the
 * request loop's look-up and store around a view (fl_app_cache_begin/end),
 * on a minimal application with a simple cache: the query string is not
 * part of a key unless the route has FL_ROUTE_CACHE_QUERY_STRING
 * (Flask-Caching's query_string=True), and then the arguments count sorted.
 * Over HTTP with several processes: tests/integration/test_animals.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/ctx_internal.h"   /* struct fl_app, fl_app_cache_begin/end */
#include "web/helpers.h"
#include "web/view_cache.h"
#include "arena_fixture.h"

static const fl_route routes[] = {
	{ "/cats/", "getcats", FL_M_GET, NULL, FL_ROUTE_CACHE(50) },
	{ "/list", "list", FL_M_GET, NULL, FL_ROUTE_CACHE(50) | FL_ROUTE_CACHE_QUERY_STRING },
};

static const fl_blueprint bp = { .name = "animals" };
static struct fl_app app;

static int setup(void **state)
{
	arena_setup(state);
	memset(&app, 0, sizeof app);
	app.bp = &bp;
	app.cache = fl_cache_simple_new(0, 0, 300);
	return 0;
}

static int teardown(void **state)
{
	fl_cache_free(app.cache);
	return arena_teardown(state);
}

/* The query "k=v&k=v..." as request.args (no decoding needed here). */
static fl_multidict *args_of(const char *query)
{
	fl_multidict *md = fl_arena_calloc(arena, 1, sizeof *md);
	fl_multidict_init(md, arena);
	char *q = fl_arena_printf(arena, "%s", query), *save = NULL;
	for (char *p = strtok_r(q, "&", &save); p; p = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(p, '=');
		*eq = '\0';
		fl_multidict_add(md, p, eq + 1, strlen(eq + 1));
	}
	return md;
}

/* A GET of `path`?`query` matched to `route`. */
static fl_ctx *get(const fl_route *route, const char *path, const char *query)
{
	fl_ctx *c = fl_ctx_new(&app, arena);
	c->req.arena = arena;
	c->req.method = FL_GET;
	c->req.method_name = "GET";
	c->req.path = path;
	c->req.query_string = query;
	c->req.args = *args_of(query);
	c->route = route;
	return c;
}

/* Serve a GET the way dispatch() does, the view answering `body`; returns
 * the X-Cache header. */
static const char *serve(const fl_route *route, const char *path, const char *query,
	const char *body)
{
	fl_ctx *c = get(route, path, query);
	fl_app_cached_view cv;
	int r = fl_app_cache_begin(c, &cv);
	assert_int_not_equal(r, FL_APP_CACHE_OFF);
	if (r == FL_APP_CACHE_MISS) {
		assert_int_equal(fl_text(c, 200, NULL, body), 0);
		fl_app_cache_end(c, &cv, 0);
	}
	return fl_response_get_header(&c->resp, "X-Cache");
}

static const char *key(const char *path, const char *query)
{
	return fl_make_view_cache_key(get(&routes[1], path, query), path, args_of(query));
}

static void test_keys(void **state)
{
	fl_ctx *c = get(&routes[0], "/cats/", "");
	assert_string_equal(fl_make_view_cache_key(c, "/cats/", NULL), "view/animals/cats/");
	/* Percent-encoded: a path cannot pose as a query. */
	assert_string_equal(fl_make_view_cache_key(c, "/a?b%\n", NULL), "view/animals/a%3Fb%25%0A");
	/* No arguments: the bare path. */
	assert_string_equal(key("/list", ""), "view/animals/list");
	/* The hash of the sorted arguments: 64 hex digits. */
	const char *k = key("/list", "a=1&b=2");
	assert_int_equal(strlen(k), strlen("view/animals/list?") + 64);
	assert_memory_equal(k, "view/animals/list?", strlen("view/animals/list?"));
	assert_string_equal(k, key("/list", "b=2&a=1"));              /* order: no matter */
	assert_string_equal(key("/list", "a=2&a=1&b=0"), key("/list", "b=0&a=1&a=2"));
	/* Every name and value counts. */
	const char *other[] = { "a=1&b=3", "a=1&c=2", "a=1", "a=1&b=2&b=2", "a=1&b=", "a=1b=2",
		"a=12&b=", "b=1&a=2" };
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		if (strcmp(key("/list", other[i]), k) == 0)
			fail_msg("?%s has the key of ?a=1&b=2", other[i]);
	assert_string_not_equal(key("/list", "a=1"), key("/list", "a=1&a=1"));
	assert_string_not_equal(key("/list", "a=1"), key("/other", "a=1"));
}

static void test_query_string_is_not_in_the_key(void **state)
{
	assert_string_equal(serve(&routes[0], "/cats/", "x=1", "page 1"), "MISS");
	assert_string_equal(serve(&routes[0], "/cats/", "x=2", "page 2"), "HIT");
	assert_string_equal(serve(&routes[0], "/cats/", "", "page 3"), "HIT");
	/* One entry: the page of /cats/, rendered by the first request. */
	char *v;
	size_t n;
	assert_int_equal(fl_cache_get(app.cache, "view/animals/cats/", arena, &v, &n), FL_OK);
	assert_non_null(strstr(v, "page 1"));
	assert_int_equal(fl_cache_delete_prefix(app.cache, "view/animals/cats/"), FL_OK);
	assert_int_equal(fl_cache_get(app.cache, "view/animals/cats/", arena, &v, &n),
		FL_ENOTFOUND);
}

static void test_query_string_opted_in(void **state)
{
	assert_string_equal(serve(&routes[1], "/list", "page=2&per_page=5", "2/5"), "MISS");
	assert_string_equal(serve(&routes[1], "/list", "per_page=5&page=2", "x"), "HIT");
	assert_string_equal(serve(&routes[1], "/list", "page=3&per_page=5", "3/5"), "MISS");
	assert_string_equal(serve(&routes[1], "/list", "", "all"), "MISS");
	assert_string_equal(serve(&routes[1], "/list", "", "x"), "HIT");
	/* fl_invalidate_view forgets the page with every query string. */
	fl_ctx *c = get(&routes[1], "/list", "");
	assert_int_equal(fl_invalidate_view(c, "/list"), FL_OK);
	assert_string_equal(serve(&routes[1], "/list", "page=2&per_page=5", "2/5"), "MISS");
	assert_string_equal(serve(&routes[1], "/list", "", "all"), "MISS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_string_is_not_in_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_string_opted_in, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
