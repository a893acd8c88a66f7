/* view_cache.h — Flask-Caching in views: the process cache for a view's
 * own get/set, and whole-response caching (@cache.cached(timeout=50)).
 * The backends are cache/cache.h, chosen by CACHE_TYPE once at start-up.
 *
 * Whole-response caching: a route whose flags hold FL_ROUTE_CACHE(seconds)
 * (routing.h) has its GET/HEAD responses cached under the key
 * "view/<blueprint><path>[?<query>]".  The request loop answers a hit
 * without running the view (X-Cache: HIT) and stores a 200 produced by the
 * view (X-Cache: MISS): status, Content-Type and body only — never
 * Set-Cookie or other headers.  Cached pages hold no per-visitor data:
 * while a cacheable view runs, csrf_token() yields a random placeholder that
 * is replaced by the current visitor's token in every response sent (hit or
 * miss), and get_flashed_messages() yields nothing (the messages stay in the
 * session for the next uncached page).  Templates of cached views must not
 * print other per-visitor values (session, g, cookies).  A view that
 * changes what a cached page shows calls fl_invalidate_view().
 */
#ifndef FL_VIEW_CACHE_H
#define FL_VIEW_CACHE_H

#include "base/err.h"
#include "cache/cache.h"
#include "web/ctx.h"

/* fl_get_cache — the process cache, for a view's own get/set (never NULL:
 * the null cache when CACHE_TYPE is null). */
fl_cache *fl_get_cache(fl_ctx *c);

/* fl_make_view_cache_key — the cache key of the response to GET `path`
 * (relative to the blueprint, like request.path) with query string `query`
 * (NULL or "" for none), in the request arena. */
const char *fl_make_view_cache_key(fl_ctx *c, const char *path, const char *query);

/* fl_invalidate_view — forget the cached responses of `path`
 * (relative to the blueprint, e.g. "/cats/"), with every query string.
 * Call it after a change that alters that page; every process then serves a
 * fresh page (sqlite/redis).  Errors: FL_EIO (backend unavailable; logged). */
fl_err fl_invalidate_view(fl_ctx *c, const char *path);

#endif
