/* toolbar.c — the debug toolbar's collecting and its place in the
 * response (Flask-DebugToolbar's DebugToolbarExtension: process_request,
 * process_response, the redirect interception).  The panel's HTML is
 * toolbar_panel.c.  See web/toolbar.h. */
#include "web/toolbar.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/html.h"
#include "data/db.h"
#include "web/ctx_internal.h"
#include "web/toolbar_internal.h"

/* ---- where the panel goes ---- */

long fl_toolbar_insert_at(const char *html, size_t n)
{
	static const char tag[] = "</body>";
	const size_t tn = sizeof tag - 1;
	for (size_t i = n >= tn ? n - tn + 1 : 0; i-- > 0;)
		if (html[i] == '<' && strncasecmp(html + i, tag, tn) == 0)
			return (long)i;
	static const char doctype[] = "<!doctype html>";
	const size_t dn = sizeof doctype - 1;
	size_t s = 0;
	while (s < n && isspace((unsigned char)html[s]))
		s++;
	if (n - s >= dn && strncasecmp(html + s, doctype, dn) == 0)
		return (long)n;
	return -1;
}

int fl_toolbar_inject(fl_buf *out, const char *html, size_t n, const char *panel, size_t plen)
{
	long at = fl_toolbar_insert_at(html, n);
	if (at < 0)
		return 0;
	fl_buf_append(out, html, (size_t)at);
	fl_buf_append(out, panel, plen);
	fl_buf_append(out, html + at, n - (size_t)at);
	return 1;
}

/* ---- collecting ---- */

/* The database trace (data/db.h): each statement into the request's
 * toolbar. */
static void trace_statement(void *ud, const fl_db_trace_record *r)
{
	fl_toolbar *tb = ud;
	fl_arena *a = tb->c->arena;
	fl_toolbar_sql *s = fl_vec_push(a, &tb->sql);
	s->sql = fl_arena_strdup(a, r->sql);
	s->params = fl_arena_strndup(a, r->params, r->params_len);
	s->usec = r->usec;
	s->rows = r->rows;
	s->error = r->err ? fl_arena_strdup(a, fl_db_errmsg(tb->c->app->db)) : NULL;
}

void fl_toolbar_begin(fl_ctx *c)
{
	fl_toolbar *tb = fl_arena_calloc(c->arena, 1, sizeof *tb);
	tb->c = c;
	tb->t0 = fl_monotonic_us();
	fl_state(c)->toolbar = tb;
	if (c->app && c->app->db)
		fl_db_set_trace(c->app->db, trace_statement, tb);
}

int fl_toolbar_collecting(fl_ctx *c)
{
	return fl_state(c)->toolbar != NULL;
}

void fl_toolbar_template_rendered(fl_ctx *c, const char *name, long long t0)
{
	fl_toolbar *tb = fl_state(c)->toolbar;
	if (!tb)
		return;
	fl_toolbar_template *t = fl_vec_push(c->arena, &tb->templates);
	t->name = name ? fl_arena_strdup(c->arena, name) : NULL;
	t->usec = fl_monotonic_us() - t0;
}

/* ---- the response ---- */

/* Flask-DebugToolbar's _toolbar_codes: the statuses whose pages get it. */
static int toolbar_status(int status)
{
	static const int codes[] = { 200, 201, 400, 401, 403, 404, 405, 500, 501, 502, 503, 504 };
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (codes[i] == status)
			return 1;
	return 0;
}

static int is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Flask-DebugToolbar's redirect.html: the redirect as a page with a link
 * to where it went.  The Location header goes; the others (Set-Cookie)
 * stay. */
static void intercept_redirect(fl_ctx *c, const char *location)
{
	fl_buf b;
	fl_buf_init(&b, c->arena);
	fl_buf_printf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
		"<title>Redirect (%d)</title></head>\n<body>\n<h1>Redirect (%d)</h1>\n"
		"<p>Location: <a href=\"", c->resp.status, c->resp.status);
	fl_html_escape(&b, location, strlen(location));
	fl_buf_puts(&b, "\">");
	fl_html_escape(&b, location, strlen(location));
	fl_buf_puts(&b, "</a></p>\n<p>The debug toolbar has intercepted a redirect to the above "
		"URL for debug viewing purposes.  You can click the above link to continue with "
		"the redirect as normal.  To turn this off, set DEBUG_TB_INTERCEPT_REDIRECTS to "
		"false.</p>\n</body>\n</html>\n");
	fl_response_del_header(&c->resp, "Location");
	fl_app_set_body(c, 200, "text/html; charset=utf-8", b.data, b.len);
}

int fl_toolbar_process_response(fl_ctx *c)
{
	fl_toolbar *tb = fl_state(c)->toolbar;
	if (!tb)
		return 0;
	if (c->app && c->app->db)
		fl_db_set_trace(c->app->db, NULL, NULL);
	fl_response *r = &c->resp;
	if (c->req.method == FL_HEAD || r->content_length_set)
		return 0;
	int intercepted = 0;
	const char *location = fl_response_get_header(r, "Location");
	if (c->config->debug_tb_intercept_redirects && is_redirect(r->status) && location) {
		intercept_redirect(c, location);
		intercepted = 1;
	}
	const char *ct = fl_response_get_header(r, "Content-Type");
	if (!toolbar_status(r->status) || !ct || strncasecmp(ct, "text/html", 9) != 0 ||
	    fl_response_get_header(r, "Content-Encoding") ||
	    fl_toolbar_insert_at(r->body.data, r->body.len) < 0)
		return intercepted;
	fl_buf panel, page;
	fl_buf_init(&panel, c->arena);
	fl_buf_init(&page, c->arena);
	fl_toolbar_render_panel(c, tb, fl_monotonic_us() - tb->t0, &panel);
	fl_toolbar_inject(&page, r->body.data, r->body.len, panel.data, panel.len);
	r->body = page;
	return intercepted;
}
