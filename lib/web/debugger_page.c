/* debugger_page.c — the development error page (web/debugger.h) and the
 * answer it makes (fl_debugger_respond, which also writes the backtrace on
 * stderr): the error, the backtrace, the source or template lines around the
 * failing line, the request, the session and g, secrets masked, every
 * value escaped.  Written in C rather than as a template: the page must
 * show even when the application's templates are what is broken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/ctx_internal.h"
#include "web/debugger_internal.h"
#include "web/sessions.h"
#include "base/html.h"
#include "base/log.h"

#define CONTEXT_LINES 5
#define MAX_LINE 400            /* bytes of one source line shown */

static void esc(fl_buf *out, const char *s)
{
	if (s)
		fl_html_escape(out, s, strlen(s));
}

static void row(fl_buf *out, const char *name, const char *value, int masked)
{
	fl_buf_puts(out, "<tr><th>");
	esc(out, name);
	fl_buf_puts(out, "</th><td>");
	if (masked)
		fl_buf_puts(out, FL_CONFIG_MASK);
	else
		esc(out, value);
	fl_buf_puts(out, "</td></tr>\n");
}

static void section(fl_buf *out, const char *title)
{
	fl_buf_puts(out, "<h3>");
	esc(out, title);
	fl_buf_puts(out, "</h3>\n<table>\n");
}

/* A multidict as a table, secrets masked. */
static void multidict_table(fl_buf *out, fl_ctx *c, const char *title, const fl_multidict *md)
{
	section(out, title);
	for (size_t i = 0; i < md->len; i++) {
		const fl_pair *p = &md->items[i];
		row(out, p->key, p->value, fl_app_is_secret_name(c, p->key));
	}
	if (!md->len)
		fl_buf_puts(out, "<tr><td><em>none</em></td></tr>\n");
	fl_buf_puts(out, "</table>\n");
}

/* The request headers as werkzeug names them (wrappers.c's request
 * object: "User-Agent"), secrets masked. */
static void headers_table(fl_buf *out, fl_ctx *c)
{
	section(out, "Headers");
	const char *k;
	json_t *v, *headers = json_object_get(fl_app_request_json(c), "headers");
	json_object_foreach(headers, k, v)
		row(out, k, json_string_value(v), fl_app_is_secret_name(c, k));
	fl_buf_puts(out, "</table>\n");
}

static void json_block(fl_buf *out, fl_ctx *c, const char *title, json_t *v)
{
	fl_buf_puts(out, "<h3>");
	esc(out, title);
	fl_buf_puts(out, "</h3>\n<pre class=json>");
	json_t *m = fl_app_masked_json(c, v);
	char *s = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(m);
	esc(out, s ? s : "(cannot show)");
	if (s) {
		json_free_t release;
		json_get_alloc_funcs(NULL, &release);
		release(s);
	}
	fl_buf_puts(out, "</pre>\n");
}

/* The lines of `path` around `line` (1-based), that one marked, with a
 * caret under `column` (1-based; 0: none).  Nothing when unreadable. */
static void source_lines(fl_buf *out, const char *title, const char *path, int line, int column)
{
	FILE *f = path && line > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return;
	fl_buf_puts(out, "<h3>");
	esc(out, title);
	fl_buf_puts(out, "</h3>\n<pre class=source>");
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	for (int n = 1; n <= line + CONTEXT_LINES && (len = getline(&text, &cap, f)) >= 0; n++) {
		if (n < line - CONTEXT_LINES)
			continue;
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			len--;
		if (len > MAX_LINE)
			len = MAX_LINE;
		fl_buf_printf(out, "<span class=\"%s\">%s%5d  ", n == line ? "line current" : "line",
			n == line ? "&gt;" : " ", n);
		fl_html_escape(out, text, (size_t)len);
		fl_buf_puts(out, "</span>\n");
		if (n == line && column > 0 && column <= MAX_LINE) {
			fl_buf_printf(out, "<span class=caret>%*s^</span>\n", 8 + column - 1, "");
		}
	}
	free(text);
	fclose(f);
	fl_buf_puts(out, "</pre>\n");
}

static int readable(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (f)
		fclose(f);
	return f != NULL;
}

/* The frame whose source to show: the innermost in the application
 * (under its root, not the library's lib/), else the innermost readable
 * one; -1 for none. */
static int source_frame(fl_ctx *c, const fl_frame *frames, int n)
{
	const char *root = c->app ? c->app->root : NULL;
	size_t rl = root ? strlen(root) : 0;
	int any = -1;
	for (int i = 0; i < n; i++) {
		const char *f = frames[i].file;
		if (!f || !frames[i].line || !readable(f))
			continue;
		if (any < 0)
			any = i;
		if (root && strncmp(f, root, rl) == 0 && f[rl] == '/' && strncmp(f + rl, "/lib/", 5))
			return i;
	}
	return any;
}

static const char style[] =
	"<style>body{font-family:sans-serif;margin:1em 2em;color:#000}"
	"h1{color:#b00}h2{font-family:monospace;background:#fee;padding:.4em}"
	"pre{background:#f4f4f4;padding:.5em;overflow:auto}"
	".current{background:#fdd;font-weight:bold}.caret{color:#b00}"
	"table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;"
	"padding:.1em .6em;border-bottom:1px solid #ddd;font-family:monospace}"
	"ol.frames li{font-family:monospace;margin:.2em 0}"
	".module{color:#777}</style>\n";

static void frames_list(fl_buf *out, const fl_frame *frames, int n, int chosen)
{
	fl_buf_puts(out, "<h3>Traceback <small>(most recent call first)</small></h3>\n"
		"<ol class=frames start=0>\n");
	for (int i = 0; i < n; i++) {
		const fl_frame *f = &frames[i];
		fl_buf_printf(out, "<li%s><b>", i == chosen ? " class=current" : "");
		esc(out, f->function ? f->function : "??");
		fl_buf_puts(out, "</b>");
		if (f->file) {
			fl_buf_puts(out, " at <code>");
			esc(out, f->file);
			fl_buf_printf(out, ":%d</code>", f->line);
		} else if (!f->module)
			fl_buf_printf(out, " 0x%lx", (unsigned long)f->pc);
		if (f->module) {
			const char *base = strrchr(f->module, '/');
			fl_buf_puts(out, " <span class=module>in ");
			esc(out, base ? base + 1 : f->module);
			fl_buf_puts(out, "</span>");
		}
		fl_buf_puts(out, "\n");
	}
	fl_buf_puts(out, "</ol>\n");
}

static void template_part(fl_ctx *c, const fl_tpl_error *t, fl_buf *out)
{
	fl_buf_puts(out, "<h3>Template error</h3>\n<p><code>");
	esc(out, t->file);
	fl_buf_printf(out, ":%d:%d</code>: ", t->line, t->column);
	esc(out, t->message);
	fl_buf_puts(out, "</p>\n");
	char *path = c->app && c->app->templates ? fl_tpl_source_path(c->app->templates, t->file)
		: NULL;
	source_lines(out, path ? path : t->file, path, t->line, t->column);
	free(path);
}

void fl_debugger_page(fl_ctx *c, const fl_debug_error *e, const fl_frame *frames, int n,
	fl_buf *out)
{
	const char *headline = fl_debugger_headline(c, e);
	fl_buf_puts(out, "<!doctype html>\n<html lang=en>\n<meta charset=utf-8>\n<title>");
	esc(out, headline);
	fl_buf_puts(out, " // Flagon Debugger</title>\n");
	fl_buf_puts(out, style);
	fl_buf_puts(out, "<h1>Internal Server Error</h1>\n<h2>");
	esc(out, headline);
	fl_buf_puts(out, "</h2>\n<p>");
	esc(out, c->req.method_name);
	fl_buf_puts(out, " ");
	esc(out, c->req.script_name);
	esc(out, c->req.path);
	fl_buf_puts(out, " &mdash; development error page (DEBUG is on; production shows the "
		"plain 500 page)</p>\n");
	if (e->has_template)
		template_part(c, &e->terr, out);
	int chosen = source_frame(c, frames, n);
	if (chosen >= 0)
		source_lines(out, fl_arena_printf(c->arena, "%s:%d", frames[chosen].file,
			frames[chosen].line), frames[chosen].file, frames[chosen].line, 0);
	if (n)
		frames_list(out, frames, n, chosen);
	fl_buf_puts(out, "<h2>Request</h2>\n");
	section(out, "Request");
	row(out, "method", c->req.method_name, 0);
	row(out, "path", c->req.path, 0);
	row(out, "script_name", c->req.script_name, 0);
	row(out, "remote_addr", c->req.remote_addr, 0);
	fl_buf_puts(out, "</table>\n");
	multidict_table(out, c, "Query arguments (request.args)", &c->req.args);
	multidict_table(out, c, "Form (request.form)", &c->req.form);
	headers_table(out, c);
	multidict_table(out, c, "Cookies (request.cookies)", &c->req.cookies);
	json_block(out, c, "Session", fl_get_session(c));
	json_block(out, c, "g", c->g);
	fl_buf_puts(out, "</html>\n");
}

void fl_debugger_respond(fl_ctx *c)
{
	const fl_debug_error *e = fl_state(c)->debug_error;
	fl_frame *frames = fl_arena_alloc(c->arena, (size_t)(e->npcs ? e->npcs : 1) * sizeof *frames);
	if (e->npcs)
		fl_backtrace_symbolize(e->pcs, e->npcs, e->exact, c->arena, frames);
	/* The terminal: werkzeug logs the traceback it shows. */
	fl_error("%s %s: %s (development error page)", c->req.method_name ? c->req.method_name : "-",
		c->req.path ? c->req.path : "-", fl_debugger_headline(c, e));
	if (e->npcs)
		fl_error("backtrace (most recent call first):");
	for (int i = 0; i < e->npcs; i++)
		fl_error("  #%d %s", i, fl_frame_format(&frames[i], c->arena));
	fl_buf html;
	fl_buf_init(&html, c->arena);
	fl_debugger_page(c, e, frames, e->npcs, &html);
	fl_response_init(&c->resp, c->arena);
	fl_app_set_body(c, 500, "text/html; charset=utf-8", html.data, html.len);
}
