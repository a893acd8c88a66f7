/* test_routing.c — lib/http/routing.c: rule compilation, matching (converters,
 * static-before-dynamic, 404/405/strict-slash redirects) and url_for
 * building.  Expected URLs were produced with Flask 2.2 / Werkzeug 2.2
 * url_for and pasted here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "http/routing.h"

static int v_dummy(struct fl_ctx *c)
{
	(void)c;
	return 0;
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET | FL_M_POST, v_dummy, 0 },
	{ "/user/<name>", "user", 0, v_dummy, 0 },
	{ "/user/new", "user_new", FL_M_GET, v_dummy, 0 },
	{ "/roles/<int:id>", "role", FL_M_GET, v_dummy, 0 },
	{ "/n/<int:id>/", "numbered", FL_M_GET, v_dummy, 0 },
	{ "/f/<float:x>", "real", FL_M_GET, v_dummy, 0 },
	{ "/p/<path:p>", "files", FL_M_GET, v_dummy, 0 },
	{ "/login/", "login", FL_M_GET | FL_M_POST, v_dummy, 0 },
	{ "/delete", "delete", FL_M_DELETE, v_dummy, 0 },
	{ "/a/<x>/b/<int:y>", "two", FL_M_GET, v_dummy, 0 },
	{ "/only-post", "only_post", FL_M_POST, v_dummy, 0 },
};
#define NROUTES (sizeof routes / sizeof *routes)

typedef struct fixture {
	fl_arena *a;
	fl_url_map *m;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char why[256] = "";
	f->a = fl_arena_new(0);
	fl_json_set_arena(f->a);
	f->m = fl_url_map_new("main", routes, NROUTES, why, sizeof why);
	if (!f->m) {
		fprintf(stderr, "url map: %s\n", why);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	fl_json_set_arena(NULL);
	fl_url_map_free(f->m);
	fl_arena_free(f->a);
	free(f);
	return 0;
}

typedef struct hit {
	fl_match_result res;
	const fl_route *route;
	fl_view_arg args[FL_MAX_VIEW_ARGS];
	size_t nargs;
	unsigned allowed;
	const char *redirect;
} hit;

static hit match(fixture *f, const char *path, fl_method method)
{
	hit h;
	memset(&h, 0, sizeof h);
	h.res = fl_url_map_match(f->m, f->a, path, method, &h.route, h.args, &h.nargs,
		&h.allowed, &h.redirect);
	return h;
}

#define ASSERT_ENDPOINT(h, ep)                               \
	do {                                                 \
		assert_int_equal((h).res, FL_MATCH_OK);      \
		assert_non_null((h).route);                  \
		assert_string_equal((h).route->endpoint, ep); \
	} while (0)

static void test_method_parse(void **state)
{
	assert_int_equal(fl_method_parse("GET"), FL_GET);
	assert_int_equal(fl_method_parse("HEAD"), FL_HEAD);
	assert_int_equal(fl_method_parse("DELETE"), FL_DELETE);
	assert_int_equal(fl_method_parse("OPTIONS"), FL_OPTIONS);
	assert_int_equal(fl_method_parse("get"), FL_METHOD__MAX);
	assert_int_equal(fl_method_parse("BREW"), FL_METHOD__MAX);
	assert_int_equal(fl_method_parse(""), FL_METHOD__MAX);
	assert_string_equal(fl_method_names[FL_PATCH], "PATCH");
}

static void test_string_converter(void **state)
{
	hit h = match(*state, "/user/alice", FL_GET);
	ASSERT_ENDPOINT(h, "user");
	assert_int_equal(h.nargs, 1);
	assert_string_equal(h.args[0].name, "name");
	assert_string_equal(h.args[0].value, "alice");
	/* Decoded UTF-8 and spaces pass through untouched. */
	h = match(*state, "/user/a b\xe4\xbd\xa0", FL_GET);
	ASSERT_ENDPOINT(h, "user");
	assert_string_equal(h.args[0].value, "a b\xe4\xbd\xa0");
	/* A string argument never takes a '/'. */
	h = match(*state, "/user/a/b", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	/* ...and is never empty. */
	h = match(*state, "/user/", FL_GET);
	assert_int_not_equal(h.res, FL_MATCH_OK);
}

static void test_static_rule_beats_converter(void **state)
{
	/* "/user/<name>" is declared before "/user/new" but loses to it. */
	hit h = match(*state, "/user/new", FL_GET);
	ASSERT_ENDPOINT(h, "user_new");
	assert_int_equal(h.nargs, 0);
	h = match(*state, "/user/newer", FL_GET);
	ASSERT_ENDPOINT(h, "user");

	/* The same with the declaration order reversed. */
	static const fl_route rev[] = {
		{ "/user/new", "user_new", 0, v_dummy, 0 },
		{ "/user/<name>", "user", 0, v_dummy, 0 },
		{ "/<path:p>", "catchall", 0, v_dummy, 0 },
	};
	fixture *f = *state;
	char why[128];
	fl_url_map *m = fl_url_map_new("bp", rev, 3, why, sizeof why);
	assert_non_null(m);
	fl_url_map *saved = f->m;
	f->m = m;
	h = match(f, "/user/new", FL_GET);
	ASSERT_ENDPOINT(h, "user_new");
	h = match(f, "/user/bob", FL_GET);
	ASSERT_ENDPOINT(h, "user");
	h = match(f, "/user/bob/x", FL_GET);
	ASSERT_ENDPOINT(h, "catchall");
	assert_string_equal(h.args[0].value, "user/bob/x");
	f->m = saved;
	fl_url_map_free(m);
}

static void test_int_converter(void **state)
{
	hit h = match(*state, "/roles/42", FL_GET);
	ASSERT_ENDPOINT(h, "role");
	assert_int_equal(h.nargs, 1);
	assert_string_equal(h.args[0].name, "id");
	assert_string_equal(h.args[0].value, "42");
	assert_int_equal(h.args[0].number, 42);
	h = match(*state, "/roles/0", FL_GET);
	ASSERT_ENDPOINT(h, "role");
	assert_int_equal(h.args[0].number, 0);

	static const char *const bad[] = {
		"/roles/12a", "/roles/-1", "/roles/", "/roles/1.5", "/roles/+1",
		"/roles/ 1", "/roles/0x10", "/roles/\xd9\xa3", /* ARABIC-INDIC DIGIT THREE */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		h = match(*state, bad[i], FL_GET);
		if (h.res == FL_MATCH_OK)
			fail_msg("%s matched %s", bad[i], h.route->endpoint);
	}
	h = match(*state, "/roles/12a", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	assert_int_equal(h.allowed, 0);
}

static void test_float_converter(void **state)
{
	hit h = match(*state, "/f/1.5", FL_GET);
	ASSERT_ENDPOINT(h, "real");
	assert_string_equal(h.args[0].value, "1.5");
	assert_true(h.args[0].real > 1.49 && h.args[0].real < 1.51);
	h = match(*state, "/f/0.25", FL_GET);
	ASSERT_ENDPOINT(h, "real");
	assert_true(h.args[0].real == 0.25);
	/* Werkzeug's FloatConverter: \d+\.\d+ only. */
	static const char *const bad[] = { "/f/1", "/f/.5", "/f/5.", "/f/1.2.3", "/f/-1.5", "/f/1e5", "/f/x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		h = match(*state, bad[i], FL_GET);
		if (h.res == FL_MATCH_OK)
			fail_msg("%s matched %s", bad[i], h.route->endpoint);
	}
}

static void test_path_converter(void **state)
{
	hit h = match(*state, "/p/a/b/c.txt", FL_GET);
	ASSERT_ENDPOINT(h, "files");
	assert_string_equal(h.args[0].name, "p");
	assert_string_equal(h.args[0].value, "a/b/c.txt");
	h = match(*state, "/p/x", FL_GET);
	ASSERT_ENDPOINT(h, "files");
	assert_string_equal(h.args[0].value, "x");
	h = match(*state, "/p/dir/", FL_GET);
	ASSERT_ENDPOINT(h, "files");
	assert_string_equal(h.args[0].value, "dir/");
	h = match(*state, "/p/", FL_GET);
	assert_int_not_equal(h.res, FL_MATCH_OK);
}

static void test_two_args(void **state)
{
	hit h = match(*state, "/a/hello/b/7", FL_GET);
	ASSERT_ENDPOINT(h, "two");
	assert_int_equal(h.nargs, 2);
	assert_string_equal(h.args[0].name, "x");
	assert_string_equal(h.args[0].value, "hello");
	assert_string_equal(h.args[1].name, "y");
	assert_int_equal(h.args[1].number, 7);
	h = match(*state, "/a/hello/b/seven", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
}

static void test_not_found(void **state)
{
	hit h = match(*state, "/nowhere", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	assert_int_equal(h.allowed, 0);
	h = match(*state, "", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	h = match(*state, "/user/alice/", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
}

static void test_method_not_allowed(void **state)
{
	/* A GET-only rule: POST is 405 and the allowed set is GET, HEAD, OPTIONS. */
	hit h = match(*state, "/roles/3", FL_POST);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_GET | FL_M(FL_HEAD) | FL_M(FL_OPTIONS));

	/* GET implies HEAD. */
	h = match(*state, "/roles/3", FL_HEAD);
	ASSERT_ENDPOINT(h, "role");
	/* Every rule answers OPTIONS. */
	h = match(*state, "/roles/3", FL_OPTIONS);
	ASSERT_ENDPOINT(h, "role");
	h = match(*state, "/delete", FL_OPTIONS);
	ASSERT_ENDPOINT(h, "delete");

	/* A DELETE-only rule: no HEAD without GET. */
	h = match(*state, "/delete", FL_GET);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_DELETE | FL_M(FL_OPTIONS));
	h = match(*state, "/delete", FL_HEAD);
	assert_int_equal(h.res, FL_MATCH_METHOD);

	h = match(*state, "/only-post", FL_GET);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_POST | FL_M(FL_OPTIONS));

	/* GET|POST rule. */
	h = match(*state, "/", FL_PUT);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_GET | FL_M_POST | FL_M(FL_HEAD) | FL_M(FL_OPTIONS));
	h = match(*state, "/", FL_POST);
	ASSERT_ENDPOINT(h, "index");
	/* An unknown method (TRACE, PROPFIND, "get") on a known path is 405
	 * with the rule's methods, on an unknown path 404 (werkzeug). */
	h = match(*state, "/", FL_METHOD__MAX);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_GET | FL_M_POST | FL_M(FL_HEAD) | FL_M(FL_OPTIONS));
	h = match(*state, "/roles/3", FL_METHOD__MAX);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_GET | FL_M(FL_HEAD) | FL_M(FL_OPTIONS));
	h = match(*state, "/nowhere", FL_METHOD__MAX);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	assert_int_equal(h.allowed, 0);

	/* The allowed mask also comes with a successful match. */
	h = match(*state, "/roles/3", FL_GET);
	assert_int_equal(h.allowed, FL_M_GET | FL_M(FL_HEAD) | FL_M(FL_OPTIONS));
}

static void test_allowed_mask_unions_rules(void **state)
{
	/* Two rules on one path, one per method (Flask's usual pattern). */
	static const fl_route split[] = {
		{ "/item/<int:id>", "item_get", FL_M_GET, v_dummy, 0 },
		{ "/item/<int:id>", "item_del", FL_M_DELETE, v_dummy, 0 },
	};
	fixture *f = *state;
	char why[128];
	fl_url_map *m = fl_url_map_new("api", split, 2, why, sizeof why);
	assert_non_null(m);
	fl_url_map *saved = f->m;
	f->m = m;
	hit h = match(f, "/item/9", FL_DELETE);
	ASSERT_ENDPOINT(h, "item_del");
	assert_int_equal(h.args[0].number, 9);
	h = match(f, "/item/9", FL_GET);
	ASSERT_ENDPOINT(h, "item_get");
	h = match(f, "/item/9", FL_PUT);
	assert_int_equal(h.res, FL_MATCH_METHOD);
	assert_int_equal(h.allowed, FL_M_GET | FL_M(FL_HEAD) | FL_M_DELETE | FL_M(FL_OPTIONS));
	f->m = saved;
	fl_url_map_free(m);
}

static void test_strict_slashes_redirect(void **state)
{
	hit h = match(*state, "/login", FL_GET);
	assert_int_equal(h.res, FL_MATCH_REDIRECT);
	assert_string_equal(h.redirect, "/login/");
	/* Any method the rule takes is redirected (308 keeps it). */
	h = match(*state, "/login", FL_POST);
	assert_int_equal(h.res, FL_MATCH_REDIRECT);
	assert_string_equal(h.redirect, "/login/");
	h = match(*state, "/login/", FL_GET);
	ASSERT_ENDPOINT(h, "login");
	/* With a converter in the rule. */
	h = match(*state, "/n/5", FL_GET);
	assert_int_equal(h.res, FL_MATCH_REDIRECT);
	assert_string_equal(h.redirect, "/n/5/");
	h = match(*state, "/n/5/", FL_GET);
	ASSERT_ENDPOINT(h, "numbered");
	assert_int_equal(h.args[0].number, 5);
	/* Only for a method the slashed rule takes: else 404, as werkzeug
	 * (PUT or TRACE on /login is NotFound there, not a redirect). */
	h = match(*state, "/login", FL_PUT);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	h = match(*state, "/login", FL_METHOD__MAX);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	assert_null(h.redirect);
	/* A rule without the slash does not answer the slashed path. */
	h = match(*state, "/delete/", FL_DELETE);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	/* No redirect when the slashed path would not match either. */
	h = match(*state, "/n/x", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
}

static char *new_map_error(const char *rule)
{
	static char why[256];
	fl_route r[] = {
		{ "/ok", "ok", 0, v_dummy, 0 },
		{ rule, "bad", 0, v_dummy, 0 },
	};
	why[0] = '\0';
	fl_url_map *m = fl_url_map_new("bp", r, 2, why, sizeof why);
	if (m) {
		fl_url_map_free(m);
		return NULL;
	}
	return why;
}

static void test_malformed_rules(void **state)
{
	char *why;
	assert_non_null(why = new_map_error("/x/<uuid:id>"));
	assert_non_null(strstr(why, "uuid"));
	assert_non_null(why = new_map_error("/x/<int:id"));
	assert_non_null(strstr(why, "<"));
	assert_non_null(why = new_map_error("/x/<a>/<int:a>"));
	assert_non_null(strstr(why, "a"));
	assert_non_null(why = new_map_error("x/<a>"));
	assert_true(strlen(why) > 0);
	assert_non_null(new_map_error(""));
	assert_non_null(new_map_error("/x/<>"));
	assert_non_null(new_map_error("/x/<int:>"));
	assert_non_null(new_map_error("/x/<1abc>"));
	assert_non_null(new_map_error("/x/<a b>"));
	assert_non_null(new_map_error("/<a>/<b>/<c>/<d>/<e>/<f>/<g>/<h>/<i>"));
	/* Good rules compile. */
	assert_null(new_map_error("/x/<int:id>/<path:rest>"));
	assert_null(new_map_error("/<a>/<b>/<c>/<d>/<e>/<f>/<g>/<h>"));
	assert_null(new_map_error("/x/<_a1>"));
	/* An empty table is fine. */
	char w[64];
	fl_url_map *m = fl_url_map_new("empty", NULL, 0, w, sizeof w);
	assert_non_null(m);
	fl_url_map_free(m);
}

/* Build helper: returns the URL or NULL, the error in *err. */
static const char *build(fixture *f, const char *script, const char *ep, json_t *values,
	fl_err *err)
{
	char *url = NULL;
	char why[256] = "";
	*err = fl_url_map_build(f->m, f->a, script, NULL, ep, values, &url, why, sizeof why);
	if (*err) {
		assert_true(strlen(why) > 0);
		return NULL;
	}
	assert_non_null(url);
	return url;
}

static void test_build_werkzeug_quoting(void **state)
{
	fixture *f = *state;
	fl_err e;
	json_t *v = json_pack("{s:s, s:s, s:[s,s]}",
		"name", "a b/c?d#e&f=g\xe4\xbd\xa0",
		"q", "x y&z+/?",
		"r", "1", "2");
	assert_non_null(v);
	const char *url = build(f, "", "user", v, &e);
	assert_int_equal(e, FL_OK);
	assert_string_equal(url,
		"/user/a%20b/c%3Fd%23e%26f%3Dg%E4%BD%A0?q=x+y%26z%2B%2F%3F&r=1&r=2");
}

static void test_build_path_and_anchor(void **state)
{
	fixture *f = *state;
	fl_err e;
	const char *url = build(f, "", "files",
		json_pack("{s:s, s:s}", "p", "a b/c", "_anchor", "x y#"), &e);
	assert_int_equal(e, FL_OK);
	assert_string_equal(url, "/p/a%20b/c#x%20y%23");
}

static void test_build_int_and_static(void **state)
{
	fixture *f = *state;
	fl_err e;
	assert_string_equal(build(f, "", "numbered", json_pack("{s:i}", "id", 5), &e), "/n/5/");
	/* A numeric string fits an int converter too (url_for(id='5')). */
	assert_string_equal(build(f, "", "role", json_pack("{s:s}", "id", "17"), &e), "/roles/17");
	/* A value that does not fit the converter is refused. */
	assert_null(build(f, "", "role", json_pack("{s:s}", "id", "abc"), &e));
	assert_int_equal(e, FL_EINVAL);
	/* The static endpoint always exists and is served by the web server
	 * at /static/, outside the blueprint's SCRIPT_NAME. */
	assert_string_equal(build(f, "", "static", json_pack("{s:s}", "filename", "css/style.css"), &e),
		"/static/css/style.css");
	assert_string_equal(build(f, "", "static",
		json_pack("{s:s, s:i}", "filename", "a b.js", "v", 3), &e),
		"/static/a%20b.js?v=3");
	assert_null(build(f, "", "static", json_object(), &e));
	assert_int_equal(e, FL_EINVAL);
}

static void test_build_static_with_heap_values_no_leak(void **state)
{
	/* Values made on the heap (no JSON arena, e.g. a start-up hook):
	 * building a static URL must not leak (LSan). */
	fixture *f = *state;
	fl_err e;
	fl_json_set_arena(NULL);
	json_t *v = json_pack("{s:s, s:i}", "filename", "app.js", "v", 2);
	const char *url = build(f, "", "static", v, &e);
	assert_int_equal(e, FL_OK);
	assert_string_equal(url, "/static/app.js?v=2");
	json_decref(v);
	fl_json_set_arena(f->a);
}

static void test_build_float(void **state)
{
	/* Werkzeug's FloatConverter.to_url is str(value): url_for('real',
	 * x=0.1) == '/f/0.1', url_for('real', x=2.0) == '/f/2.0'. */
	fixture *f = *state;
	fl_err e;
	assert_string_equal(build(f, "", "real", json_pack("{s:f}", "x", 1.5), &e), "/f/1.5");
	assert_string_equal(build(f, "", "real", json_pack("{s:s}", "x", "2.25"), &e), "/f/2.25");
	assert_string_equal(build(f, "", "real", json_pack("{s:f}", "x", 0.1), &e), "/f/0.1");
	assert_string_equal(build(f, "", "real", json_pack("{s:f}", "x", 2.0), &e), "/f/2.0");
}

static void test_build_endpoint_forms(void **state)
{
	fixture *f = *state;
	fl_err e;
	assert_string_equal(build(f, "", "index", NULL, &e), "/");
	assert_string_equal(build(f, "", ".index", NULL, &e), "/");
	assert_string_equal(build(f, "", "main.index", NULL, &e), "/");
	assert_string_equal(build(f, "", "main.login", NULL, &e), "/login/");
	assert_null(build(f, "", "nope", NULL, &e));
	assert_int_equal(e, FL_ENOTFOUND);
	assert_null(build(f, "", "other.index", NULL, &e));
	assert_int_equal(e, FL_ENOTFOUND);
	assert_null(build(f, "", "mainx.index", NULL, &e));
	assert_int_equal(e, FL_ENOTFOUND);
}

static void test_build_missing_value(void **state)
{
	fixture *f = *state;
	fl_err e;
	assert_null(build(f, "", "user", NULL, &e));
	assert_int_equal(e, FL_EINVAL);
	assert_null(build(f, "", "user", json_pack("{s:s}", "other", "x"), &e));
	assert_int_equal(e, FL_EINVAL);
	assert_null(build(f, "", "two", json_pack("{s:s}", "x", "only-x"), &e));
	assert_int_equal(e, FL_EINVAL);
	assert_null(build(f, "", "user", json_pack("{s:s}", "name", ""), &e));
	assert_int_equal(e, FL_EINVAL);
}

static void test_build_script_name_and_external(void **state)
{
	fixture *f = *state;
	fl_err e;
	assert_string_equal(build(f, "/cgi-bin/main", "user", json_pack("{s:s}", "name", "bob"), &e),
		"/cgi-bin/main/user/bob");
	assert_string_equal(build(f, "/cgi-bin/main", "index", NULL, &e), "/cgi-bin/main/");
	assert_string_equal(build(f, "/cgi-bin/main", "two",
		json_pack("{s:s, s:i, s:s}", "x", "q", "y", 3, "page", "2"), &e),
		"/cgi-bin/main/a/q/b/3?page=2");
	/* _external with a server name. */
	char *url = NULL;
	char why[128];
	assert_int_equal(fl_url_map_build(f->m, f->a, "/cgi-bin/main", "http://example.com", "index",
		json_pack("{s:b}", "_external", 1), &url, why, sizeof why), FL_OK);
	assert_string_equal(url, "http://example.com/cgi-bin/main/");
	/* Null values are left out of the query, as Werkzeug skips None. */
	assert_string_equal(build(f, "", "index", json_pack("{s:n, s:i}", "a", "b", 1), &e), "/?b=1");
}

typedef struct listing {
	int n;
	int saw_user, saw_login, saw_delete;
} listing;

static void each_cb(void *ud, const char *endpoint, const char *methods, const char *rule)
{
	listing *l = ud;
	l->n++;
	if (!strcmp(endpoint, "main.user")) {
		l->saw_user = 1;
		assert_string_equal(rule, "/user/<name>");
		assert_string_equal(methods, "GET, HEAD");
	}
	if (!strcmp(endpoint, "main.login")) {
		l->saw_login = 1;
		assert_string_equal(rule, "/login/");
		assert_string_equal(methods, "GET, HEAD, POST");
	}
	if (!strcmp(endpoint, "main.delete")) {
		l->saw_delete = 1;
		assert_string_equal(methods, "DELETE");
	}
}

static void test_each_lists_every_rule(void **state)
{
	fixture *f = *state;
	listing l = { 0, 0, 0, 0 };
	fl_url_map_each(f->m, each_cb, &l);
	assert_int_equal(l.n, (int)NROUTES);
	assert_true(l.saw_user && l.saw_login && l.saw_delete);
}

/* ---- several blueprints in one map (fl_url_map_add) ---- */

static const fl_route session_routes[] = {
	{ "/login/", "login", FL_M_GET, v_dummy, 0 },
	{ "/user/<int:id>", "user", FL_M_GET, v_dummy, 0 },
	{ "/only-session", "only", FL_M_GET, v_dummy, 0 },
};

static void test_blueprints_in_one_map(void **state)
{
	fixture *f = *state;
	char why[256] = "";
	fl_err e;
	assert_int_equal(fl_url_map_add(f->m, "session", session_routes, 3, why, sizeof why), FL_OK);
	assert_string_equal(fl_url_map_blueprint(f->m), "main");
	/* ".x" and a bare "x" are the serving blueprint's, never another's. */
	assert_string_equal(build(f, "/cgi-bin/main", ".login", NULL, &e), "/cgi-bin/main/login/");
	assert_string_equal(build(f, "/cgi-bin/main", "login", NULL, &e), "/cgi-bin/main/login/");
	assert_null(build(f, "/cgi-bin/main", "only", NULL, &e));
	assert_int_equal(e, FL_ENOTFOUND);
	/* "bp.x": that blueprint, mounted beside the current one. */
	assert_string_equal(build(f, "/cgi-bin/main", "session.login", NULL, &e),
		"/cgi-bin/session/login/");
	assert_string_equal(build(f, "/cgi-bin/main", "main.login", NULL, &e), "/cgi-bin/main/login/");
	assert_string_equal(build(f, "/x/y/main", "session.user", json_pack("{s:i, s:s}", "id", 4,
		"next", "/a b"), &e), "/x/y/session/user/4?next=%2Fa+b");
	assert_string_equal(build(f, "main", "session.only", NULL, &e), "/session/only-session");
	assert_string_equal(build(f, NULL, "session.only", NULL, &e), "/only-session");
	/* Converters are checked across blueprints too (BuildError). */
	assert_null(build(f, "/cgi-bin/main", "session.user", json_pack("{s:s}", "id", "abc"), &e));
	assert_int_equal(e, FL_EINVAL);
	assert_null(build(f, "/cgi-bin/main", "session.user", NULL, &e));
	assert_int_equal(e, FL_EINVAL);
	/* Unknown blueprint or endpoint. */
	assert_null(build(f, "/cgi-bin/main", "nope.login", NULL, &e));
	assert_int_equal(e, FL_ENOTFOUND);
	assert_null(build(f, "/cgi-bin/main", "session.nope", NULL, &e));
	assert_int_equal(e, FL_ENOTFOUND);
	/* _external puts the root in front of another blueprint's path too. */
	char *url = NULL;
	assert_int_equal(fl_url_map_build(f->m, f->a, "/cgi-bin/main", "https://h.example",
		"session.login", json_pack("{s:b, s:s}", "_external", 1, "_anchor", "f"), &url, why,
		sizeof why), FL_OK);
	assert_string_equal(url, "https://h.example/cgi-bin/session/login/#f");
	/* Matching sees only the serving blueprint's rules. */
	hit h = match(f, "/only-session", FL_GET);
	assert_int_equal(h.res, FL_MATCH_NOT_FOUND);
	h = match(f, "/user/7", FL_GET);
	assert_int_equal(h.res, FL_MATCH_OK);
	assert_string_equal(h.route->endpoint, "user");
	assert_ptr_equal(h.route, &routes[1]);
}

static void each_count(void *ud, const char *endpoint, const char *methods, const char *rule)
{
	int *n = ud;
	if (!strncmp(endpoint, "session.", 8))
		n[1]++;
	else if (!strncmp(endpoint, "main.", 5))
		n[0]++;
	if (!strcmp(endpoint, "session.user"))
		assert_string_equal(rule, "/user/<int:id>");
}

static void test_each_lists_every_blueprint(void **state)
{
	fixture *f = *state;
	char why[256];
	int n[2] = { 0, 0 };
	assert_int_equal(fl_url_map_add(f->m, "session", session_routes, 3, why, sizeof why), FL_OK);
	fl_url_map_each(f->m, each_count, n);
	assert_int_equal(n[0], (int)NROUTES);
	assert_int_equal(n[1], 3);
}

static void test_add_refuses_bad_blueprints(void **state)
{
	fixture *f = *state;
	char why[256] = "";
	assert_int_equal(fl_url_map_add(f->m, "main", session_routes, 3, why, sizeof why), FL_EINVAL);
	assert_non_null(strstr(why, "twice"));
	assert_int_equal(fl_url_map_add(f->m, "a.b", session_routes, 3, why, sizeof why), FL_EINVAL);
	static const fl_route bad[] = { { "/x/<nope:y>", "x", 0, v_dummy, 0 } };
	fl_url_map *m = fl_url_map_new("a", routes, NROUTES, why, sizeof why);
	assert_non_null(m);
	assert_int_equal(fl_url_map_add(m, "b", bad, 1, why, sizeof why), FL_EINVAL);
	assert_non_null(strstr(why, "unknown converter"));
	fl_url_map_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_method_parse),
		cmocka_unit_test_setup_teardown(test_blueprints_in_one_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_lists_every_blueprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_refuses_bad_blueprints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_converter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_rule_beats_converter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int_converter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_float_converter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_converter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_not_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allowed_mask_unions_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strict_slashes_redirect, setup, teardown),
		cmocka_unit_test(test_malformed_rules),
		cmocka_unit_test_setup_teardown(test_build_werkzeug_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_path_and_anchor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_int_and_static, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_static_with_heap_values_no_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_float, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_endpoint_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_missing_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_script_name_and_external, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_lists_every_rule, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
