/* fuzz_route.c — URL rules: the input is "<rule>\n<path>".  The rule is
 * compiled with fl_url_map_new, the path matched against it, and on a
 * match the endpoint is built back with the matched values.  Must never
 * crash, and:
 *   - a match's values rebuild a URL (FL_OK) that percent-decodes back to
 *     the path (when the rule's literal text holds no '%', '?' or '#');
 *   - a strict-slashes redirect target itself matches;
 *   - the allowed mask of a match or a 405 is never empty.
 * Matching backtracks over `path` converters, so a rule with k of them costs
 * O(n^k) on a hostile path (Werkzeug's regexes behave the same).  Rules are
 * written by developers, not clients, so the target keeps to inputs of at
 * most 4 KiB and rules with at most two path converters: otherwise the
 * fuzzer only rediscovers that and `make fuzz` stalls. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "http/http.h"
#include "http/routing.h"

static int view(struct fl_ctx *c)
{
	(void)c;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	if (!nl || size > 4096)
		return 0;
	size_t npath = 0;
	for (const char *p = (const char *)data; p < nl; p++)
		if ((size_t)(nl - p) >= 6 && !memcmp(p, "<path:", 6))
			npath++;
	if (npath > 2)
		return 0;
	fl_arena *a = fl_arena_new(0);
	fl_arena *prev = fl_json_set_arena(a);
	size_t rlen = (size_t)(nl - (const char *)data);
	char *rule = fl_arena_strndup(a, (const char *)data, rlen);
	const char *praw = nl + 1;
	size_t plen = size - rlen - 1;
	char *path = fl_arena_strndup(a, praw, plen);
	/* The method comes from the rule length so every method is reached. */
	fl_method method = (fl_method)(rlen % (FL_METHOD__MAX + 1));

	fl_route routes[] = {
		{ rule, "fuzzed", (unsigned)(rlen * 7) & 0x7fu, view, 0 },
		{ "/fixed/<int:id>", "fixed", 0, view, 0 },
	};
	char why[256];
	fl_url_map *m = fl_url_map_new("bp", routes, 2, why, sizeof why);
	if (!m)
		goto out;

	/* Match contract: the path is decoded, valid UTF-8, a C string. */
	if (!fl_utf8_valid(path, strlen(path)))
		goto done;
	const fl_route *route = NULL;
	fl_view_arg args[FL_MAX_VIEW_ARGS];
	size_t nargs = 0;
	unsigned allowed = 0;
	const char *redirect = NULL;
	fl_match_result res = fl_url_map_match(m, a, path, method, &route, args, &nargs,
		&allowed, &redirect);
	if (res == FL_MATCH_REDIRECT) {
		if (!redirect)
			abort();
		fl_match_result r2 = fl_url_map_match(m, a, redirect, method, &route, args, &nargs,
			&allowed, &redirect);
		if (r2 != FL_MATCH_OK && r2 != FL_MATCH_METHOD)
			abort();
		goto done;
	}
	if (res == FL_MATCH_METHOD && !allowed)
		abort();
	if (res != FL_MATCH_OK)
		goto done;
	if (!route || !allowed || nargs > FL_MAX_VIEW_ARGS)
		abort();

	json_t *values = json_object();
	int all_strings = 1, plain_names = 1;
	for (size_t i = 0; i < nargs; i++) {
		/* "_anchor", "_external"... are url_for options, "q" is ours. */
		if (args[i].name[0] == '_' || !strcmp(args[i].name, "q"))
			plain_names = 0;
		json_t *v = json_string(args[i].value);
		if (!v) {
			all_strings = 0;
			continue;
		}
		json_object_set_new(values, args[i].name, v);
	}
	/* Something for the query string as well. */
	if (plain_names)
		json_object_set_new(values, "q", json_string("a b&c"));
	char *url = NULL;
	fl_err e = fl_url_map_build(m, a, "/s", NULL, route->endpoint, values, &url, why,
		sizeof why);
	if (e != FL_OK) {
		if (all_strings)
			abort();
		goto done;
	}
	if (!url || strncmp(url, "/s/", 3) != 0)
		abort();
	/* Percent-decode the path part and compare with what was matched. */
	if (all_strings && plain_names && route == &routes[0] && !strpbrk(rule, "%?#")) {
		char *q = strchr(url, '?');
		if (!q)
			abort();
		char *dec = NULL;
		size_t declen = 0;
		if (fl_url_unquote(a, url + 2, (size_t)(q - url - 2), false, &dec, &declen) != FL_OK)
			abort();
		if (declen != strlen(path) || memcmp(dec, path, declen) != 0)
			abort();
		if (strcmp(q, "?q=a+b%26c") != 0)
			abort();
	}
done:
	fl_url_map_free(m);
out:
	fl_json_set_arena(prev);
	fl_arena_free(a);
	return 0;
}
