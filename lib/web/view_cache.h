/* view_cache.h — Flask-Caching in views: the process cache for a view's
 * own get/set, and whole-response caching (@cache.cached(timeout=50)).
 * The backends are cache/cache.h, chosen by CACHE_TYPE once at start-up.
 *
 * Whole-response caching: a route whose flags hold FL_ROUTE_CACHE(seconds)
 * (routing.h) has its GET/HEAD responses cached under the key
 * "view/<blueprint><path>" (Flask-Caching's "view/%s" % request.path).  As
 * in Flask-Caching the query string is not part of it: /cats/?x=1 and
 * /cats/?x=2 are the page of /cats/, so no client can defeat the cache or
 * make every GET a write by varying it.  A view whose page depends on its
 * query arguments (pagination, a search) says so with
 * FL_ROUTE_CACHE_QUERY_STRING (@cache.cached(query_string=True)): its key
 * is then "view/<blueprint><path>?<hash>", the hash a SHA-256 of the
 * decoded arguments sorted by name, then value, so the order they come in
 * does not matter (?a=1&b=2 is ?b=2&a=1) but every name and value does.
 * The request loop answers a hit
 * without running the view (X-Cache: HIT) and stores a 200 produced by the
 * view (X-Cache: MISS): status, Content-Type and body only — never
 * Set-Cookie or other headers.  Cached pages hold no per-visitor data:
 * while a cacheable view runs, csrf_token() yields a random placeholder that
 * is replaced by the current visitor's token in every response sent (hit or
 * miss), and get_flashed_messages() yields nothing (the messages stay in the
 * session for the next uncached page).  Templates of cached views must not
 * print other per-visitor values (session, g, cookies), nor read the query
 * string unless the route has FL_ROUTE_CACHE_QUERY_STRING.  A view that
 * changes what a cached page shows calls fl_invalidate_view().
 */
#ifndef FL_VIEW_CACHE_H
#define FL_VIEW_CACHE_H

#include "base/err.h"
#include "base/multidict.h"
#include "cache/cache.h"
#include "web/ctx.h"

/* fl_get_cache — the process cache, for a view's own get/set (never NULL:
 * the null cache when CACHE_TYPE is null). */
fl_cache *fl_get_cache(fl_ctx *c);

/* fl_make_view_cache_key — the cache key of the response to GET `path`
 * (relative to the blueprint, like request.path), in the request arena:
 * "view/<blueprint><path>", and "?<hash of args>" when `args` (the query
 * arguments of a FL_ROUTE_CACHE_QUERY_STRING route, request.args) is not
 * NULL and holds any (see above: sorted, SHA-256, 64 hex digits). */
const char *fl_make_view_cache_key(fl_ctx *c, const char *path, const fl_multidict *args);

/* fl_invalidate_view — forget the cached responses of `path`
 * (relative to the blueprint, e.g. "/cats/"), for every query string.
 * Call it after a change that alters that page; every process then serves a
 * fresh page (sqlite/redis).  Errors: FL_EIO (backend unavailable; logged). */
fl_err fl_invalidate_view(fl_ctx *c, const char *path);

#endif
