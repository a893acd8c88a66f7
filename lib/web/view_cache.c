/* view_cache.c — whole-response caching of views (Flask-Caching's
 * @cache.cached(timeout=..., query_string=...)), called by dispatch()
 * around the view of a route whose flags hold FL_ROUTE_CACHE.  The key is
 * the path, and the sorted query arguments' hash only for a route with
 * FL_ROUTE_CACHE_QUERY_STRING (view_cache.h).
 *
 * What is stored is shared by every visitor, so it must hold nothing that
 * belongs to one of them:
 *   - CSRF token.  While a cacheable view runs, csrf_token() (the template
 *     global and fl_make_form_context) yields a placeholder,
 *     "flagon-csrf-" + 32 random hex digits, fresh for each render.  The
 *     body is stored with the placeholder in it and the placeholder next to
 *     it; every response sent — the miss that rendered it and each later
 *     hit — gets the current visitor's token put in its place just before
 *     it leaves.  The placeholder is unguessable, so no data a visitor
 *     typed into the page can make another visitor's token appear there.
 *   - Flashed messages.  The request's flash list is set to empty before
 *     the view runs, so get_flashed_messages() returns [] and nothing is
 *     popped from the session: the messages wait for the next uncached page.
 *   - Cookies and other headers.  Only status, Content-Type and body are
 *     stored (a stored entry is "FLC1 <status> <placeholder>\n<content
 *     type>\n<body>"); Set-Cookie of the view and the session cookie stay
 *     on the live response only.
 * Only 200 responses are stored.  A hit answers X-Cache: HIT, a view run
 * X-Cache: MISS. */
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/ctx_internal.h"
#include "web/sessions.h"
#include "web/view_cache.h"
#include "base/log.h"
#include "base/hex.h"

#define ENTRY_MAGIC "FLC1 "

fl_cache *fl_get_cache(fl_ctx *c)
{
	return c->app->cache;
}

/* Order of query arguments in a key: by name, then by value, bytewise
 * (UTF-8's byte order is code point order: Python's sorted()). */
static int pair_cmp(const void *x, const void *y)
{
	const fl_pair *a = *(const fl_pair *const *)x, *b = *(const fl_pair *const *)y;
	int k = strcmp(a->key, b->key);
	if (k)
		return k;
	size_t n = a->value_len < b->value_len ? a->value_len : b->value_len;
	int v = memcmp(a->value, b->value, n);
	return v ? v : (a->value_len > b->value_len) - (a->value_len < b->value_len);
}

/* Append the SHA-256 (hex) of `args` sorted: Flask-Caching's
 * hash(str(tuple(sorted(request.args.items(multi=True))))), with each name
 * and value length-prefixed ("<len>:<bytes>") so no two lists of
 * arguments hash the same text. */
static void put_args_hash(fl_ctx *c, fl_buf *key, const fl_multidict *args)
{
	const fl_pair **sorted = fl_arena_alloc(c->arena, args->len * sizeof *sorted);
	for (size_t i = 0; i < args->len; i++)
		sorted[i] = &args->items[i];
	qsort(sorted, args->len, sizeof *sorted, pair_cmp);
	fl_buf text;
	fl_buf_init(&text, c->arena);
	for (size_t i = 0; i < args->len; i++) {
		size_t kl = strlen(sorted[i]->key);
		fl_buf_printf(&text, "%zu:", kl);
		fl_buf_append(&text, sorted[i]->key, kl);
		fl_buf_printf(&text, "%zu:", sorted[i]->value_len);
		fl_buf_append(&text, sorted[i]->value, sorted[i]->value_len);
	}
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)(text.data ? text.data : ""), text.len, md);
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	fl_buf_putc(key, '?');
	fl_buf_puts(key, fl_hex_encode(hex, md, sizeof md));
}

/* "view/<blueprint><path>[?<hash>]"; '%', '?' and control characters of
 * the (decoded) path are percent-encoded so a path cannot pose as a
 * query. */
const char *fl_make_view_cache_key(fl_ctx *c, const char *path, const fl_multidict *args)
{
	static const char hex[] = "0123456789ABCDEF";
	fl_buf b;
	fl_buf_init(&b, c->arena);
	fl_buf_puts(&b, "view/");
	fl_buf_puts(&b, c->app->bp->name);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p < 0x20 || *p == 0x7f) {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			fl_buf_append(&b, e, 3);
		} else
			fl_buf_putc(&b, (char)*p);
	}
	if (args && args->len)
		put_args_hash(c, &b, args);
	return fl_buf_cstr(&b);
}

fl_err fl_invalidate_view(fl_ctx *c, const char *path)
{
	const char *key = fl_make_view_cache_key(c, path, NULL);
	fl_err e = fl_cache_delete(c->app->cache, key);
	fl_err e2 = fl_cache_delete_prefix(c->app->cache, fl_arena_printf(c->arena, "%s?", key));
	return e ? e : e2;
}

/* Replace every `ph` in the response body by the visitor's CSRF token. */
static void put_token(fl_ctx *c, const char *ph)
{
	fl_response *r = &c->resp;
	size_t phl = strlen(ph);
	const char *body = r->body.data;
	size_t n = r->body.len;
	const char *hit = body ? memmem(body, n, ph, phl) : NULL;
	if (!hit)
		return;
	const char *token = fl_csrf_token(c);
	size_t tl = strlen(token);
	fl_buf out;
	fl_buf_init(&out, c->arena);
	const char *p = body;
	while (hit) {
		fl_buf_append(&out, p, (size_t)(hit - p));
		fl_buf_append(&out, token, tl);
		p = hit + phl;
		hit = memmem(p, n - (size_t)(p - body), ph, phl);
	}
	fl_buf_append(&out, p, n - (size_t)(p - body));
	r->body = out;
}

/* Build the response from a stored entry; 0 when it is malformed. */
static int replay(fl_ctx *c, const char *v, size_t n)
{
	const char *end = v + n;
	if (n < sizeof ENTRY_MAGIC || memcmp(v, ENTRY_MAGIC, sizeof ENTRY_MAGIC - 1))
		return 0;
	const char *nl1 = memchr(v, '\n', n);
	const char *nl2 = nl1 ? memchr(nl1 + 1, '\n', (size_t)(end - nl1 - 1)) : NULL;
	if (!nl2)
		return 0;
	int status;
	char ph[48];
	const char *line = fl_arena_strndup(c->arena, v, (size_t)(nl1 - v));
	if (sscanf(line, ENTRY_MAGIC "%d %47s", &status, ph) != 2 || status < 200 || status > 599)
		return 0;
	const char *ctype = fl_arena_strndup(c->arena, nl1 + 1, (size_t)(nl2 - nl1 - 1));
	if (fl_response_set_header(&c->resp, "Content-Type", ctype))
		return 0;
	c->resp.status = status;
	fl_buf_init(&c->resp.body, c->arena);
	fl_buf_append(&c->resp.body, nl2 + 1, (size_t)(end - nl2 - 1));
	c->resp.body_set = 1;
	if (strcmp(ph, "-") != 0)
		put_token(c, ph);
	return 1;
}

int fl_app_cache_begin(fl_ctx *c, fl_app_cached_view *cv)
{
	memset(cv, 0, sizeof *cv);
	long t = fl_route_cache_timeout(c->route);
	if (!t || (c->req.method != FL_GET && c->req.method != FL_HEAD))
		return FL_APP_CACHE_OFF;
	cv->timeout = t;
	cv->key = fl_make_view_cache_key(c, c->req.path,
		c->route->flags & FL_ROUTE_CACHE_QUERY_STRING ? &c->req.args : NULL);
	if (strlen(cv->key) > FL_CACHE_MAX_KEY)
		cv->key = NULL;  /* served, never stored */
	fl_cache *cache = c->app->cache;
	if (cv->key && cache) {
		char *v;
		size_t n;
		if (fl_cache_get(cache, cv->key, c->arena, &v, &n) == FL_OK) {
			if (replay(c, v, n)) {
				fl_response_set_header(&c->resp, "X-Cache", "HIT");
				return FL_APP_CACHE_HIT;
			}
			fl_warning("cache: malformed entry for %s; rendering it again", cv->key);
		}
	}
	unsigned char rnd[16];
	if (RAND_bytes(rnd, sizeof rnd) == 1) {
		char *p = cv->placeholder + sprintf(cv->placeholder, "flagon-csrf-");
		fl_hex_encode(p, rnd, sizeof rnd);
		fl_state(c)->csrf_token = cv->placeholder;
	} else {
		/* Without a placeholder the page holds this visitor's token: it
		 * is served but must not be stored. */
		cv->key = NULL;
	}
	/* No flashed messages on a cacheable page; they stay in the session. */
	if (!fl_state(c)->flashes)
		fl_state(c)->flashes = json_array();
	return FL_APP_CACHE_MISS;
}

void fl_app_cache_end(fl_ctx *c, fl_app_cached_view *cv, int status)
{
	fl_request_state *st = fl_state(c);
	if (cv->placeholder[0] && st->csrf_token == cv->placeholder)
		st->csrf_token = NULL;
	if (status != 0 || !c->resp.body_set)
		return;  /* an error page replaces the view's response */
	fl_response *r = &c->resp;
	if (cv->key && r->status == 200 && c->app->cache) {
		const char *ct = fl_response_get_header(r, "Content-Type");
		fl_buf entry;
		fl_buf_init(&entry, c->arena);
		fl_buf_printf(&entry, ENTRY_MAGIC "%d %s\n%s\n", r->status,
			cv->placeholder[0] ? cv->placeholder : "-",
			ct ? ct : "text/html; charset=utf-8");
		fl_buf_append(&entry, r->body.data, r->body.len);
		/* A failing backend has logged; the page is served all the same. */
		fl_cache_set(c->app->cache, cv->key, entry.data, entry.len,
			cv->timeout < 0 ? FL_CACHE_DEFAULT_TIMEOUT : cv->timeout);
	}
	if (cv->placeholder[0])
		put_token(c, cv->placeholder);
	fl_response_set_header(r, "X-Cache", "MISS");
}
