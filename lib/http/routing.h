/* routing.h — URL rules, matching and building (werkzeug.routing).
 *
 * A rule is a path pattern with converters: "/user/<name>",
 * "/roles/<int:id>", "/files/<path:p>".  Converters: `string` (the default:
 * one or more characters except '/'), `int` (decimal digits), `float`
 * (digits with a dot), `path` (anything, slashes included).  Rules ending in
 * '/' are "strict slashes" rules: the same path without the slash answers a
 * 308 redirect to it, as in Werkzeug.  GET rules also accept HEAD, and every
 * rule answers OPTIONS.
 *
 * A URL map is built once per process from the route tables of every
 * blueprint of the application: it matches the paths of the blueprint the
 * program serves and builds the URLs of all (one endpoint map for every
 * program, so url_for('session.login') works from main).  Match and build
 * never allocate on the heap.
 */
#ifndef FL_ROUTING_H
#define FL_ROUTING_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* HTTP methods, with a name table (fl_method_names) and bit flags for rules. */
typedef enum fl_method {
	FL_GET,
	FL_HEAD,
	FL_POST,
	FL_PUT,
	FL_PATCH,
	FL_DELETE,
	FL_OPTIONS,
	FL_METHOD__MAX
} fl_method;

/* The name of each fl_method ("GET", "HEAD", ...). */
extern const char *const fl_method_names[FL_METHOD__MAX];

/* FL_M(method) — the bit of `method` in a route's methods; FL_M_GET ...
 * FL_M_DELETE are the usual ones, OR-ed: FL_M_GET | FL_M_POST. */
#define FL_M(m) (1u << (m))
#define FL_M_GET FL_M(FL_GET)
#define FL_M_POST FL_M(FL_POST)
#define FL_M_PUT FL_M(FL_PUT)
#define FL_M_PATCH FL_M(FL_PATCH)
#define FL_M_DELETE FL_M(FL_DELETE)

/* fl_method_parse — the method named `s` (case-sensitive, as HTTP says), or
 * FL_METHOD__MAX when unknown. */
fl_method fl_method_parse(const char *s);

struct fl_ctx;
/* A view function.  Return 0 when the response is built, or an HTTP status
 * (>= 400) to abort with that error page (Flask's abort(), in web/). */
typedef int (*fl_view_fn)(struct fl_ctx *c);

/* Route flags. */
#define FL_ROUTE_CSRF_EXEMPT 0x1u  /* like @csrf.exempt */
#define FL_ROUTE_CACHED      0x2u  /* like @cache.cached(): see FL_ROUTE_CACHE */
/* With FL_ROUTE_CACHE: like @cache.cached(query_string=True), the query
 * arguments are part of the cache key (sorted, so ?a=1&b=2 and ?b=2&a=1
 * share a page); without it every query string gets the page of the bare
 * path.  See web/view_cache.h. */
#define FL_ROUTE_CACHE_QUERY_STRING 0x4u
/* Like Flask-Login's @login_required: an anonymous visitor (no
 * fl_current_user) gets fl_unauthorized — a redirect to the application's
 * login_view with ?next=, or 401 — instead of the view.  Checked after
 * the before_request hooks and the CSRF check (web/login.h). */
#define FL_ROUTE_LOGIN_REQUIRED 0x8u

/* FL_ROUTE_CACHE(seconds) — the flags of a route whose GET/HEAD responses
 * are cached whole for `seconds` (1 .. FL_ROUTE_CACHE_MAX), like
 * @cache.cached(timeout=seconds); FL_ROUTE_CACHE_DEFAULT caches them for
 * CACHE_DEFAULT_TIMEOUT.  As in Flask-Caching the query string is not part
 * of the key (a view whose page depends on it adds
 * FL_ROUTE_CACHE_QUERY_STRING).  OR it with the other flags:
 *     { "/cats/", "getcats", FL_M_GET | FL_M_POST, cats_view, FL_ROUTE_CACHE(50) }
 *     { "/list", "list", FL_M_GET, list_view,
 *       FL_ROUTE_CACHE(50) | FL_ROUTE_CACHE_QUERY_STRING }      // ?page=N
 * The timeout lives in the flag word's upper 24 bits so that route tables
 * keep their five positional fields (a sixth member would trip
 * -Wmissing-field-initializers in every existing table).  See cache.h. */
#define FL_ROUTE_CACHE_MAX 0xFFFFFFu
#define FL_ROUTE_CACHE(seconds) (FL_ROUTE_CACHED | (((unsigned)(seconds) & FL_ROUTE_CACHE_MAX) << 8))
#define FL_ROUTE_CACHE_DEFAULT FL_ROUTE_CACHED

/* One entry of a blueprint's route table (Flask's @bp.route). */
typedef struct fl_route {
	const char *rule;      /* "/user/<name>" */
	const char *endpoint;  /* "user": url_for("user") or url_for(".user") */
	unsigned methods;      /* FL_M_GET | FL_M_POST; 0 means GET */
	fl_view_fn view;            /* the view function */
	unsigned flags;        /* FL_ROUTE_* */
} fl_route;

/* fl_route_cache_timeout — a route's response cache timeout: 0 when it is
 * not cached, -1 for CACHE_DEFAULT_TIMEOUT, else seconds. */
static inline long fl_route_cache_timeout(const fl_route *r)
{
	if (!(r->flags & FL_ROUTE_CACHED))
		return 0;
	unsigned t = (r->flags >> 8) & FL_ROUTE_CACHE_MAX;
	return t ? (long)t : -1;
}

/* One matched converter value.  `value` is the decoded text; for int
 * rules `number` holds it parsed. */
typedef struct fl_view_arg {
	const char *name;           /* the converter's argument name ("id") */
	const char *value;          /* the matched text, decoded */
	long long number;           /* <int:>: the value */
	double real;                /* <float:>: the value */
} fl_view_arg;

/* Most converters one rule may hold. */
#define FL_MAX_VIEW_ARGS 8

/* A compiled URL map (werkzeug's Map; opaque). */
typedef struct fl_url_map fl_url_map;

/* fl_url_map_new — compile `n` routes (the table is not copied and must
 * outlive the map) for a blueprint named `blueprint` (an identifier, or ""
 * / NULL for none): the blueprint the program serves, whose rules
 * fl_url_map_match looks at.  More blueprints of the same application are
 * added with fl_url_map_add, for url_for only.  A "static" endpoint for
 * "/static/<path:filename>" is always known to url_for.  Returns NULL and
 * a reason in `why` when a rule is malformed (unknown converter, unclosed
 * '<', duplicate argument). */
fl_url_map *fl_url_map_new(const char *blueprint, const fl_route *routes, size_t n,
	char *why, size_t whylen);

/* fl_url_map_add — add the `n` routes of another blueprint of the
 * application, named `blueprint` (an identifier, unique in the map), to
 * map `m` (Flask's app.register_blueprint): fl_url_map_build then builds
 * "blueprint.endpoint", mounted beside the serving blueprint; matching
 * ignores them (each blueprint is its own program).  The table must
 * outlive the map.  Returns FL_OK; FL_EINVAL with a reason in `why` for a
 * malformed rule, a bad or duplicate blueprint name (the map must then be
 * freed, not used); FL_ENOMEM. */
fl_err fl_url_map_add(fl_url_map *m, const char *blueprint, const fl_route *routes, size_t n,
	char *why, size_t whylen);

/* fl_url_map_blueprint — the name of the blueprint `m` serves (the one
 * fl_url_map_new was given; "" for none).  Owned by the map. */
const char *fl_url_map_blueprint(const fl_url_map *m);

/* fl_url_map_free — release a map. */
void fl_url_map_free(fl_url_map *m);

/* What fl_url_map_match found. */
typedef enum fl_match_result {
	FL_MATCH_OK,         /* *route and args are set */
	FL_MATCH_NOT_FOUND,  /* 404 */
	FL_MATCH_METHOD,     /* 405: *allowed holds the methods the path accepts */
	FL_MATCH_REDIRECT,   /* 308 to *redirect (the path with a trailing slash) */
	FL_MATCH__MAX
} fl_match_result;

/* fl_url_map_match — find the rule for `path` (already percent-decoded,
 * valid UTF-8) and `method`, which may be FL_METHOD__MAX for a method
 * Flagon does not know (TRACE, PROPFIND, "get"): no rule takes it, so a
 * known path gives FL_MATCH_METHOD and an unknown one FL_MATCH_NOT_FOUND,
 * as in werkzeug.  The strict-slashes redirect, too, is only made for a
 * rule that takes the method (werkzeug).  Static rules win over rules with converters.
 * View arguments are written to args[0..*nargs) and live in `a`; for a
 * redirect, *redirect is the new path (arena).  *allowed is always the
 * method bit mask the path accepts (for the Allow header). */
fl_match_result fl_url_map_match(const fl_url_map *m, fl_arena *a, const char *path,
	fl_method method, const fl_route **route, fl_view_arg *args, size_t *nargs,
	unsigned *allowed, const char **redirect);

/* fl_url_map_build — url_for: the URL of `endpoint` with `values` (a JSON
 * object; may be NULL) filling the rule's converters and the rest appended
 * as a query string, in order.  Endpoints resolve as in Flask: ".index"
 * and a bare "index" are the serving blueprint's, "session.login" is
 * blueprint "session"'s (added with fl_url_map_add), "static" is
 * /static/<filename>; nothing else is tried.  The serving blueprint is
 * mounted at `script_name` ("/cgi-bin/main"; NULL: no prefix), another
 * one at `script_name` with its last component replaced by the other
 * blueprint's name ("/cgi-bin/session").  `_anchor` adds a fragment;
 * `_external` (true) prefixes `url_root` ("https://example.com": scheme
 * and host, no trailing slash; NULL: nothing).  Values are
 * percent-encoded like Werkzeug's, and checked by their converter (an
 * <int:> refuses "abc").  Returns FL_ENOTFOUND for an unknown endpoint or
 * blueprint, FL_EINVAL when a converter value is missing or does not fit
 * the converter (reason in `why`, Werkzeug's BuildError).  The URL is
 * allocated in `a`. */
fl_err fl_url_map_build(const fl_url_map *m, fl_arena *a, const char *script_name,
	const char *url_root, const char *endpoint, json_t *values, char **url,
	char *why, size_t whylen);

/* fl_url_map_each — call `fn` for every rule of every blueprint (for
 * `manage routes`), blueprint by blueprint in the order they were added,
 * with its endpoint as "blueprint.endpoint" and its methods as text
 * ("GET, HEAD, POST"). */
void fl_url_map_each(const fl_url_map *m,
	void (*fn)(void *ud, const char *endpoint, const char *methods, const char *rule),
	void *ud);

#endif
