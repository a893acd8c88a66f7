/* toolbar.h — the debug toolbar (Flask-DebugToolbar), development only.
 *
 * With DEBUG_TB_ENABLED (default: DEBUG, so on in the development
 * configuration, off in testing; refused in production), every HTML page a
 * blueprint answers carries a panel just before its last </body>: the SQL
 * statements the request ran (text, bound values, time each, rows, total),
 * the templates it rendered and their time, the request (method, path,
 * args, form, cookies, headers, the CGI variables of interest), the
 * response (status and headers as sent, Content-Length aside), the session
 * (JSON), the configuration (every key; secrets masked:
 * fl_config_masked_json) and the total time of the request.  The panel is
 * self-contained — inline CSS and a few lines of inline JavaScript to open
 * a panel or hide the toolbar, no file to serve — so every application
 * gets it without a route or a static folder.  Everything shown is
 * HTML-escaped.
 *
 * As Flask-DebugToolbar, it is added only to responses with a status of
 * 200, 201, 400, 401, 403, 404, 405, 500, 501, 502, 503 or 504 whose
 * Content-Type is text/html and that are not compressed (Content-Encoding),
 * where the body has a "</body>" (the last one, in any case) or begins with
 * "<!doctype html>" (then the panel is appended).  Never to HEAD, JSON,
 * files (send_file), or a response the view cache stores: the page is
 * stored before the toolbar is added, so the cached copy never holds one
 * visitor's toolbar.  The response's Content-Length counts the panel.
 *
 * DEBUG_TB_INTERCEPT_REDIRECTS: a 301, 302, 303, 307 or 308 answer becomes a
 * 200 page "Redirect (302)" with a link to its Location (and the toolbar),
 * so the statements of the request that redirected can be read.  Off by
 * default, where Flask-DebugToolbar's default is on: Flasky's forms
 * post/redirect/get, and a form that stops on an extra page would surprise
 * more than help.  Flask-DebugToolbar intercepts 301-304; 304 is no
 * redirect and 307/308 are, so Flagon takes 301, 302, 303, 307 and 308.
 *
 * Off, it costs one test of a flag per request (web/dispatch.c) and one
 * per render (web/templating.c): no clock is read, no statement traced.
 * Not available: Flask-DebugToolbar's DEBUG_TB_HOSTS, DEBUG_TB_PANELS,
 * the profiler, the template editor, the logging and route-list panels.
 */
#ifndef FL_TOOLBAR_H
#define FL_TOOLBAR_H

#include <stddef.h>

#include "base/arena.h"
#include "web/ctx.h"

/* The markers around the injected panel, so that a test (or a person)
 * can find and cut it: the page without what lies between them, markers
 * included, is the page without the toolbar. */
#define FL_TOOLBAR_BEGIN "<!-- flagon-debug-toolbar -->"
#define FL_TOOLBAR_END "<!-- /flagon-debug-toolbar -->"

/* fl_toolbar_insert_at — where the toolbar goes in the HTML `html` (`n`
 * bytes, not NUL-terminated): the offset of its last "</body>" in any
 * case; else `n` when the page begins with "<!doctype html>" (any case,
 * after leading whitespace); else -1: no place, the page is left as is
 * (Flask-DebugToolbar's process_response). */
long fl_toolbar_insert_at(const char *html, size_t n);

/* fl_toolbar_inject — write into `out` the page `html` (`n` bytes) with
 * `panel` (`plen` bytes) inserted where fl_toolbar_insert_at says.  Returns
 * 1 when inserted; 0 when the page has no such place, and `out` is then
 * untouched. */
int fl_toolbar_inject(fl_buf *out, const char *html, size_t n, const char *panel, size_t plen);

/* ---- called by the request loop (only when DEBUG_TB_ENABLED) ---- */

/* fl_toolbar_begin — start collecting for request `c`: the clock of the
 * total time, the application's database trace (data/db.h
 * fl_db_set_trace) into the request arena.  dispatch.c calls it first
 * thing when c->config->debug_tb_enabled. */
void fl_toolbar_begin(fl_ctx *c);

/* fl_toolbar_template_rendered — record that template `name` (NULL: a
 * template string, render_template_string) was rendered from `t0`
 * (fl_monotonic_us()) until now, for request `c`; nothing when the
 * toolbar is not collecting for `c` (templating.c). */
void fl_toolbar_template_rendered(fl_ctx *c, const char *name, long long t0);

/* fl_toolbar_collecting — 1 when the toolbar collects for request `c`
 * (fl_toolbar_begin ran), else 0: one test, for the render's clock. */
int fl_toolbar_collecting(fl_ctx *c);

/* fl_toolbar_process_response — after the after_request hooks, the
 * session's cookie and the response's own headers, before it is written:
 * stop the trace, intercept a redirect (DEBUG_TB_INTERCEPT_REDIRECTS) and
 * add the panel where it belongs (see the top of this file).  Returns 1
 * when a redirect was replaced by its page (its headers are then to be
 * finished again), else 0.  Nothing happens for a request the toolbar
 * did not begin. */
int fl_toolbar_process_response(fl_ctx *c);

#endif
