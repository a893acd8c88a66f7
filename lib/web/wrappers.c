/* wrappers.c — what Flask's wrappers.Request adds to the parsed request:
 * its own URL (werkzeug's request.url, .host, .scheme, .referrer), Flask's
 * request.endpoint and .blueprint, the `request` object templates see,
 * and url_for's URL building on the application's one URL map, _external
 * included.
 *
 * Trust: the Host header and the X-Forwarded-* headers are the client's
 * (or a proxy's) words.  A Host that is not a plain host[:port]
 * (base/netaddr.h) is never used: SERVER_NAME, then the server's own
 * SERVER_NAME[:SERVER_PORT], take its place.  X-Forwarded-Proto and
 * X-Forwarded-Host are read only from a peer listed in TRUSTED_PROXIES,
 * and only their last entry, the one that proxy added (werkzeug's ProxyFix
 * with x_proto=1, x_host=1). */
#include <string.h>
#include <strings.h>

#include "base/jstring.h"
#include "web/ctx_internal.h"
#include "base/netaddr.h"
#include "http/http.h"

/* x, y and z joined, in the arena (what "%s%s%s" would print, without
 * printf's format walk: these run on every page). */
static const char *concat3(fl_arena *a, const char *x, const char *y, const char *z)
{
	size_t nx = strlen(x), ny = strlen(y), nz = strlen(z);
	char *s = fl_arena_alloc(a, nx + ny + nz + 1);
	memcpy(s, x, nx);
	memcpy(s + nx, y, ny);
	memcpy(s + nx + ny, z, nz + 1);
	return s;
}

/* The last comma-separated entry of `v`, trimmed (ProxyFix's
 * values[-trusted] with one trusted hop), in the arena. */
static const char *last_entry(fl_arena *a, const char *v)
{
	const char *comma = strrchr(v, ',');
	const char *s = comma ? comma + 1 : v;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return fl_arena_strndup(a, s, n);
}

/* The X-Forwarded-* header `name` when the peer is a trusted proxy and
 * sent it, else NULL. */
static const char *forwarded(fl_ctx *c, const char *name)
{
	if (!c->config->trusted_proxies || !fl_addr_in_list(c->req.remote_addr, c->config->trusted_proxies))
		return NULL;
	const char *v = fl_get_header(c, name);
	return v && *v ? last_entry(c->arena, v) : NULL;
}

const char *fl_request_scheme(fl_ctx *c)
{
	const char *p = forwarded(c, "X-Forwarded-Proto");
	if (p && (!strcasecmp(p, "https") || !strcasecmp(p, "http")))
		return strcasecmp(p, "https") ? "http" : "https";
	const char *https = fl_request_env(&c->req, "HTTPS");
	if (https && (!strcasecmp(https, "on") || !strcmp(https, "1")))
		return "https";
	const char *rs = fl_request_env(&c->req, "REQUEST_SCHEME");
	return rs && !strcasecmp(rs, "https") ? "https" : "http";
}

/* werkzeug's get_host: the default port of the scheme is left out. */
static const char *strip_default_port(fl_ctx *c, const char *host, const char *scheme)
{
	size_t n = strlen(host);
	const char *port = !strcmp(scheme, "https") ? ":443" : ":80";
	size_t pl = strlen(port);
	if (n > pl && !strcmp(host + n - pl, port))
		return fl_arena_strndup(c->arena, host, n - pl);
	return host;
}

static int usable(const char *host)
{
	return host && *host && fl_host_is_valid(host, strlen(host));
}

/* fl_request_host for a request whose scheme is known. */
static const char *host_of(fl_ctx *c, const char *scheme)
{
	const char *h = forwarded(c, "X-Forwarded-Host");
	if (!usable(h))
		h = fl_get_header(c, "Host");
	if (!usable(h))
		h = c->config->server_name;
	if (!usable(h)) {
		const char *name = fl_request_env(&c->req, "SERVER_NAME");
		const char *port = fl_request_env(&c->req, "SERVER_PORT");
		h = port && *port ? concat3(c->arena, name ? name : "", ":", port) : name;
	}
	if (!usable(h))
		h = "localhost";
	return strip_default_port(c, h, scheme);
}

const char *fl_request_host(fl_ctx *c)
{
	return host_of(c, fl_request_scheme(c));
}

/* fl_request_url with the scheme and host already known. */
static const char *url_of(fl_ctx *c, const char *scheme, const char *host)
{
	fl_buf uri, out;
	fl_buf_init(&uri, c->arena);
	fl_buf_init(&out, c->arena);
	/* werkzeug's get_current_url: root path without its trailing
	 * slashes, '/', the path without its leading ones, '?' query. */
	const char *root = c->req.script_name ? c->req.script_name : "";
	size_t rn = strlen(root);
	while (rn && root[rn - 1] == '/')
		rn--;
	fl_url_quote_buf(&uri, root, rn, FL_QUOTE_PATH);
	fl_buf_putc(&uri, '/');
	const char *path = c->req.path ? c->req.path : "";
	while (*path == '/')
		path++;
	fl_url_quote_buf(&uri, path, strlen(path), FL_QUOTE_PATH);
	fl_buf_puts(&out, scheme);
	fl_buf_puts(&out, "://");
	fl_buf_puts(&out, host);
	fl_uri_to_iri_buf(&out, uri.data, uri.len);
	const char *q = c->req.query_string;
	if (q && *q) {
		fl_buf qb;
		fl_buf_init(&qb, c->arena);
		fl_url_quote_buf(&qb, q, strlen(q), FL_QUOTE_QUERY);
		fl_buf_putc(&out, '?');
		fl_uri_to_iri_buf(&out, qb.data, qb.len);
	}
	return fl_buf_cstr(&out);
}

const char *fl_request_url(fl_ctx *c)
{
	const char *scheme = fl_request_scheme(c);
	return url_of(c, scheme, host_of(c, scheme));
}

const char *fl_request_blueprint(fl_ctx *c)
{
	return c->route && c->app && *c->app->bp->name ? c->app->bp->name : NULL;
}

const char *fl_request_endpoint(fl_ctx *c)
{
	if (!c->route)
		return NULL;
	const char *bp = fl_request_blueprint(c);
	return bp ? concat3(c->arena, bp, ".", c->route->endpoint) : c->route->endpoint;
}

const char *fl_request_referrer(fl_ctx *c)
{
	return fl_get_header(c, "Referer");
}

const char *fl_external_url_root(fl_ctx *c)
{
	if (c->config->server_name)
		return fl_arena_printf(c->arena, "%s://%s", c->config->preferred_url_scheme
			? c->config->preferred_url_scheme : "http", c->config->server_name);
	return fl_arena_printf(c->arena, "%s://%s", fl_request_scheme(c), fl_request_host(c));
}

/* The URL the memo holds for url_for(endpoint, **values) (UTF-8, its
 * length in *n), else NULL with the memo key in key/klen for the build. */
static const char *known_url(fl_ctx *c, const char *mount, const char *endpoint,
	json_t *values, char key[FL_URL_MEMO_KEY_MAX], size_t *klen, size_t *n)
{
	*klen = c->app->url_memo ? fl_url_memo_key(key, mount, endpoint, values) : 0;
	return fl_url_memo_get(c->app->url_memo, key, *klen, n);
}

/* Build what the memo did not know, and tell it. */
static fl_err build_url(fl_ctx *c, fl_arena *a, const char *mount, const char *endpoint,
	json_t *values, const char *key, size_t klen, char **url, char *why, size_t whylen)
{
	json_t *ext = values ? json_object_get(values, "_external") : NULL;
	fl_err e = fl_url_map_build(c->app->url_map, a, mount,
		json_is_true(ext) ? fl_external_url_root(c) : NULL, endpoint, values, url, why, whylen);
	if (!e)
		fl_url_memo_put(c->app->url_memo, key, klen, *url);
	return e;
}

fl_err fl_app_build_url(fl_ctx *c, fl_arena *a, const char *endpoint, json_t *values,
	char **url, char *why, size_t whylen)
{
	const char *mount = fl_app_script_name(c);
	char key[FL_URL_MEMO_KEY_MAX];
	size_t klen, n;
	const char *known = known_url(c, mount, endpoint, values, key, &klen, &n);
	if (known) {
		*url = fl_arena_strndup(a, known, n);
		return FL_OK;
	}
	return build_url(c, a, mount, endpoint, values, key, klen, url, why, whylen);
}

json_t *fl_app_build_url_json(fl_ctx *c, fl_arena *a, const char *endpoint, json_t *values,
	char *why, size_t whylen)
{
	const char *mount = fl_app_script_name(c);
	char key[FL_URL_MEMO_KEY_MAX];
	size_t klen, n;
	const char *known = known_url(c, mount, endpoint, values, key, &klen, &n);
	if (known)
		return json_stringn_nocheck(known, n);
	char *url;
	if (build_url(c, a, mount, endpoint, values, key, klen, &url, why, whylen))
		return NULL;
	json_t *s = fl_json_string(url);
	if (!s)
		snprintf(why, whylen, "url_for(%s): the URL is not UTF-8", endpoint);
	return s;
}

/* werkzeug's EnvironHeaders key: HTTP_USER_AGENT -> "User-Agent" (the
 * name after "HTTP_", '_' -> '-', then Python's str.title()). */
static const char *header_name(fl_arena *a, const char *var, size_t n)
{
	char *k = fl_arena_strndup(a, var, n);
	int up = 1;
	for (char *p = k; *p; p++) {
		char ch = *p == '_' ? '-' : *p;
		int alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
		if (alpha)
			ch = up ? (char)(ch & ~0x20) : (char)(ch | 0x20);
		*p = ch;
		up = !alpha;
	}
	return k;
}

/* request.headers: every header the server passed, by werkzeug's names. */
static json_t *headers_json(fl_ctx *c)
{
	json_t *h = json_object();
	for (char **e = c->req.envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		const char *name = *e;
		if (!strncmp(name, "HTTP_", 5))
			name += 5;
		else if (strncmp(name, "CONTENT_TYPE=", 13) && strncmp(name, "CONTENT_LENGTH=", 15))
			continue;
		if (!eq[1] && name == *e)   /* an empty CONTENT_* is no header */
			continue;
		json_object_set_new(h, header_name(c->arena, name, (size_t)(eq - name)),
			fl_json_string(eq + 1));
	}
	return h;
}

static void put_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new_nocheck(o, k, v ? fl_json_string(v) : json_null());
}

json_t *fl_app_request_json(fl_ctx *c)
{
	json_t *r = fl_request_to_json(&c->req);
	/* the scheme and host once for all three */
	const char *scheme = fl_request_scheme(c);
	const char *host = host_of(c, scheme);
	put_str(r, "url", url_of(c, scheme, host));
	put_str(r, "host", host);
	put_str(r, "scheme", scheme);
	put_str(r, "endpoint", fl_request_endpoint(c));
	put_str(r, "blueprint", fl_request_blueprint(c));
	put_str(r, "referrer", fl_request_referrer(c));
	json_object_set_new_nocheck(r, "headers", headers_json(c));
	return r;
}
