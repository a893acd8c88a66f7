/* toolbar_panel.c — the debug toolbar's HTML: a bar fixed to the right of
 * the page with one button per panel (SQL, Templates, Request, Response,
 * Session, Config) and the request's total time; a click opens a panel.
 * Inline CSS and JavaScript only, every value HTML-escaped, every id and
 * class under "flDebug" (Flask-DebugToolbar's) so that the page's own
 * styles and scripts are not disturbed.  See web/toolbar.h. */
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/html.h"
#include "web/ctx_internal.h"
#include "web/sessions.h"
#include "web/toolbar.h"
#include "web/toolbar_internal.h"

/* CGI variables worth seeing in the Request panel (the request's headers
 * are shown from fl_app_request_json). */
static const char *const cgi_vars[] = {
	"REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
	"CONTENT_TYPE", "CONTENT_LENGTH", "REMOTE_ADDR", "REMOTE_PORT", "SERVER_NAME",
	"SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "GATEWAY_INTERFACE", "HTTPS",
	"REDIRECT_STATUS", NULL,
};

static const char style[] =
	"<style>"
	"#flDebug{all:initial;font:12px/1.4 sans-serif;color:#222}"
	"#flDebug *{box-sizing:border-box}"
	"#flDebugBar{position:fixed;top:0;right:0;z-index:2147483646;background:#2b2b2b;"
	"color:#eee;width:200px;max-height:100%;overflow:auto;padding:6px;"
	"font:12px/1.4 sans-serif;box-shadow:0 0 6px #000}"
	"#flDebugBar a{display:block;color:#eee;text-decoration:none;padding:4px 6px;"
	"border-bottom:1px solid #444;cursor:pointer}"
	"#flDebugBar a:hover{background:#444}"
	"#flDebugBar small{display:block;color:#aaa}"
	"#flDebugTab{position:fixed;top:0;right:0;z-index:2147483646;background:#2b2b2b;"
	"color:#eee;padding:4px 8px;cursor:pointer;font:12px sans-serif}"
	".flDebugPanel{position:fixed;top:0;left:0;right:200px;bottom:0;z-index:2147483645;"
	"background:#fff;color:#222;overflow:auto;padding:10px 14px;font:12px/1.4 sans-serif;"
	"border-right:2px solid #2b2b2b}"
	".flDebugPanel h3{font:bold 15px sans-serif;margin:0 0 8px}"
	".flDebugPanel h4{font:bold 13px sans-serif;margin:12px 0 4px}"
	".flDebugPanel table{border-collapse:collapse;width:100%;margin-bottom:8px}"
	".flDebugPanel th,.flDebugPanel td{border:1px solid #ccc;padding:3px 5px;"
	"text-align:left;vertical-align:top;font:12px/1.4 monospace;white-space:pre-wrap;"
	"word-break:break-all}"
	".flDebugPanel th{background:#eee;white-space:nowrap}"
	".flDebugPanel td.flDebugN{white-space:nowrap;word-break:normal}"
	".flDebugPanel pre{font:12px/1.4 monospace;white-space:pre-wrap;margin:0}"
	".flDebugPanel .flDebugErr{color:#b00}"
	"[hidden]{display:none!important}"
	"</style>";

/* Open one panel at a time; "Hide" folds the bar into a tab (remembered by
 * the browser for the next page). */
static const char script[] =
	"<script>(function(){"
	"var d=document,bar=d.getElementById('flDebugBar'),tab=d.getElementById('flDebugTab'),"
	"ps=d.querySelectorAll('#flDebug .flDebugPanel');"
	"function hideAll(){for(var i=0;i<ps.length;i++)ps[i].hidden=true;}"
	"function fold(f){bar.hidden=f;tab.hidden=!f;if(f)hideAll();"
	"try{localStorage.flDebugHidden=f?'1':'';}catch(e){}}"
	"bar.addEventListener('click',function(e){var a=e.target.closest('a');if(!a)return;"
	"e.preventDefault();if(a.id==='flDebugHide'){fold(true);return;}"
	"var p=d.getElementById(a.getAttribute('data-panel'));if(!p)return;"
	"var open=!p.hidden;hideAll();p.hidden=open;});"
	"tab.addEventListener('click',function(){fold(false);});"
	"d.addEventListener('keydown',function(e){if(e.key==='Escape')hideAll();});"
	"try{if(localStorage.flDebugHidden)fold(true);}catch(e){}"
	"})();</script>";

/* ---- escaping helpers ---- */

static void esc(fl_buf *b, const char *s)
{
	if (s)
		fl_html_escape(b, s, strlen(s));
}

static void put_ms(fl_buf *b, long long usec)
{
	fl_buf_printf(b, "%lld.%03lld ms", usec / 1000, usec % 1000);
}

/* A JSON value as text: a string as it is, anything else as compact JSON
 * (null for none), HTML-escaped. */
static int put_chunk(const char *s, size_t n, void *ud)
{
	fl_html_escape(ud, s, n);
	return 0;
}

static void put_value(fl_buf *b, const json_t *v, size_t flags)
{
	if (json_is_string(v))
		fl_html_escape(b, json_string_value(v), json_string_length(v));
	else if (v)
		json_dump_callback(v, put_chunk, b, flags | JSON_ENCODE_ANY);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A two-column table of the JSON object `o` sorted by key (secrets masked),
 * under heading `title`; "None" when empty. */
static void object_table(fl_ctx *c, fl_buf *b, const char *title, const json_t *o)
{
	fl_buf_puts(b, "<h4>");
	esc(b, title);
	fl_buf_puts(b, "</h4>");
	size_t n = json_is_object(o) ? json_object_size(o) : 0;
	if (!n) {
		fl_buf_puts(b, "<p>None</p>");
		return;
	}
	json_t *m = fl_app_masked_json(c, o);
	const char **keys = fl_arena_alloc(c->arena, n * sizeof *keys);
	size_t i = 0;
	const char *k;
	json_t *v;
	json_object_foreach(m, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof *keys, by_name);
	fl_buf_puts(b, "<table><tr><th>Name</th><th>Value</th></tr>");
	for (i = 0; i < n; i++) {
		fl_buf_puts(b, "<tr><td>");
		esc(b, keys[i]);
		fl_buf_puts(b, "</td><td>");
		put_value(b, json_object_get(m, keys[i]), JSON_COMPACT);
		fl_buf_puts(b, "</td></tr>");
	}
	fl_buf_puts(b, "</table>");
	json_decref(m);
}

static void panel_open(fl_buf *b, const char *id, const char *title)
{
	fl_buf_printf(b, "<div class=\"flDebugPanel\" id=\"%s\" hidden><h3>%s</h3>", id, title);
}

/* ---- the panels ---- */

static long long sql_total(const fl_toolbar *tb)
{
	long long t = 0;
	for (size_t i = 0; i < tb->sql.len; i++)
		t += tb->sql.items[i].usec;
	return t;
}

static void sql_panel(const fl_toolbar *tb, fl_buf *b)
{
	panel_open(b, "flDebugSQL", "SQL queries");
	fl_buf_printf(b, "<p>%zu statement%s in ", tb->sql.len, tb->sql.len == 1 ? "" : "s");
	put_ms(b, sql_total(tb));
	fl_buf_puts(b, "</p>");
	if (tb->sql.len)
		fl_buf_puts(b, "<table><tr><th>#</th><th>Statement</th><th>Parameters</th>"
			"<th>Time</th><th>Rows</th></tr>");
	for (size_t i = 0; i < tb->sql.len; i++) {
		const fl_toolbar_sql *s = &tb->sql.items[i];
		fl_buf_printf(b, "<tr><td>%zu</td><td class=\"flDebugSql\">", i + 1);
		esc(b, s->sql);
		if (s->error) {
			fl_buf_puts(b, "<br><span class=\"flDebugErr\">");
			esc(b, s->error);
			fl_buf_puts(b, "</span>");
		}
		fl_buf_puts(b, "</td><td class=\"flDebugParams\">");
		esc(b, s->params);
		fl_buf_puts(b, "</td><td class=\"flDebugN\">");
		put_ms(b, s->usec);
		fl_buf_puts(b, "</td><td class=\"flDebugN\">");
		if (s->rows >= 0)
			fl_buf_put_int(b, s->rows);
		fl_buf_puts(b, "</td></tr>");
	}
	if (tb->sql.len)
		fl_buf_puts(b, "</table>");
	fl_buf_puts(b, "</div>");
}

static void templates_panel(const fl_toolbar *tb, fl_buf *b)
{
	panel_open(b, "flDebugTemplates", "Templates");
	if (!tb->templates.len)
		fl_buf_puts(b, "<p>No template rendered.</p>");
	else
		fl_buf_puts(b, "<table><tr><th>Template</th><th>Time</th></tr>");
	for (size_t i = 0; i < tb->templates.len; i++) {
		const fl_toolbar_template *t = &tb->templates.items[i];
		fl_buf_puts(b, "<tr><td class=\"flDebugTemplate\">");
		esc(b, t->name ? t->name : "(template string)");
		fl_buf_puts(b, "</td><td class=\"flDebugN\">");
		put_ms(b, t->usec);
		fl_buf_puts(b, "</td></tr>");
	}
	if (tb->templates.len)
		fl_buf_puts(b, "</table>");
	fl_buf_puts(b, "</div>");
}

static void request_panel(fl_ctx *c, fl_buf *b)
{
	json_t *r = fl_app_request_json(c);
	panel_open(b, "flDebugRequest", "Request");
	fl_buf_puts(b, "<p>");
	esc(b, c->req.method_name);
	fl_buf_putc(b, ' ');
	put_value(b, json_object_get(r, "url"), 0);
	fl_buf_puts(b, " &#8594; endpoint ");
	put_value(b, json_object_get(r, "endpoint"), 0);
	fl_buf_puts(b, "</p>");
	json_t *va = json_object();
	for (size_t i = 0; i < c->nview_args; i++)
		json_object_set_new(va, c->view_args[i].name, json_string(c->view_args[i].value));
	object_table(c, b, "View arguments", va);
	json_decref(va);
	object_table(c, b, "GET arguments (request.args)", json_object_get(r, "args"));
	object_table(c, b, "Form (request.form)", json_object_get(r, "form"));
	object_table(c, b, "Cookies (request.cookies)", json_object_get(r, "cookies"));
	object_table(c, b, "Headers", json_object_get(r, "headers"));
	json_t *env = json_object();
	for (const char *const *v = cgi_vars; *v; v++) {
		const char *val = fl_request_env(&c->req, *v);
		if (val)
			json_object_set_new(env, *v, json_string(val));
	}
	object_table(c, b, "CGI variables", env);
	json_decref(env);
	fl_buf_puts(b, "</div>");
}

static void response_panel(fl_ctx *c, fl_buf *b)
{
	const fl_response *r = &c->resp;
	panel_open(b, "flDebugResponse", "Response");
	fl_buf_printf(b, "<p>Status: %d ", r->status);
	esc(b, fl_status_text(r->status));
	fl_buf_puts(b, "</p><table><tr><th>Header</th><th>Value</th></tr>");
	for (size_t i = 0; i < r->nheaders; i++) {
		fl_buf_puts(b, "<tr><td>");
		esc(b, r->headers[i].name);
		fl_buf_puts(b, "</td><td>");
		esc(b, r->headers[i].value);
		fl_buf_puts(b, "</td></tr>");
	}
	fl_buf_puts(b, "</table><p>Content-Length counts this toolbar too.</p></div>");
}

static void session_panel(fl_ctx *c, fl_buf *b)
{
	panel_open(b, "flDebugSession", "Session");
	json_t *s = fl_app_masked_json(c, fl_get_session(c));
	fl_buf_puts(b, "<pre class=\"flDebugSessionJson\">");
	put_value(b, s, JSON_INDENT(2) | JSON_SORT_KEYS);
	fl_buf_puts(b, "</pre>");
	json_decref(s);
	object_table(c, b, "g", c->g);
	fl_buf_puts(b, "</div>");
}

static void config_panel(fl_ctx *c, fl_buf *b)
{
	panel_open(b, "flDebugConfig", "Config");
	json_t *cfg = fl_config_masked_json(c->config);
	object_table(c, b, fl_config_names[c->config->cls], cfg);
	json_decref(cfg);
	fl_buf_puts(b, "</div>");
}

/* One button of the bar: the panel's name and a line under it. */
static void button(fl_buf *b, const char *panel, const char *name)
{
	fl_buf_printf(b, "<a data-panel=\"%s\" href=\"#\">%s<small>", panel, name);
}

void fl_toolbar_render_panel(fl_ctx *c, const fl_toolbar *tb, long long total_us, fl_buf *out)
{
	fl_buf_puts(out, FL_TOOLBAR_BEGIN "<div id=\"flDebug\">");
	fl_buf_puts(out, style);
	fl_buf_puts(out, "<div id=\"flDebugTab\" hidden>FL</div><div id=\"flDebugBar\">"
		"<a id=\"flDebugHide\" href=\"#\">Hide &#187;</a>"
		"<a data-panel=\"\" href=\"#\">Flagon debug toolbar<small>Total: "
		"<span id=\"flDebugTotal\">");
	put_ms(out, total_us);
	fl_buf_puts(out, "</span></small></a>");
	button(out, "flDebugSQL", "SQL");
	fl_buf_printf(out, "%zu in ", tb->sql.len);
	put_ms(out, sql_total(tb));
	fl_buf_puts(out, "</small></a>");
	button(out, "flDebugTemplates", "Templates");
	fl_buf_printf(out, "%zu rendered</small></a>", tb->templates.len);
	button(out, "flDebugRequest", "Request");
	esc(out, c->req.method_name);
	fl_buf_putc(out, ' ');
	esc(out, c->req.path);
	fl_buf_puts(out, "</small></a>");
	button(out, "flDebugResponse", "Response");
	fl_buf_printf(out, "%d</small></a>", c->resp.status);
	button(out, "flDebugSession", "Session");
	fl_buf_puts(out, "and g</small></a>");
	button(out, "flDebugConfig", "Config");
	esc(out, fl_config_names[c->config->cls]);
	fl_buf_puts(out, "</small></a></div>");
	sql_panel(tb, out);
	templates_panel(tb, out);
	request_panel(c, out);
	response_panel(c, out);
	session_panel(c, out);
	config_panel(c, out);
	fl_buf_puts(out, script);
	fl_buf_puts(out, "</div>" FL_TOOLBAR_END);
}
