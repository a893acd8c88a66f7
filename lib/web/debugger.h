/* debugger.h — the development error page (werkzeug's debugger as
 * `flask run --debug` shows it, without its console): for a crash in a
 * view (a signal caught by the crash guard) or an unhandled error (a bug
 * the library caught, fl_app_fail; a template that does not compile or
 * render), the page shows the signal or the error, the C backtrace with
 * the function, file and line of each frame (base/backtrace.h: libdw),
 * the source lines around the failing line (or the template's lines
 * around the error, its column marked), and the request — method, path,
 * query arguments, form fields, headers, cookies — the session and `g`,
 * every value whose name says it is a secret (password, secret, token,
 * key, csrf; the Authorization and Cookie headers; the session cookie)
 * shown as "********".  The program's stderr (the terminal, the server's
 * error log) gets the same backtrace as text, one "  #N function at
 * file:line" line a frame.
 *
 * Development only: fl_run enables it when config.debug is set (the
 * development configuration; never testing or production), and nothing
 * of it runs otherwise — the request loop tests one pointer of the
 * request's state (set only here) before its error page.  As in Flask,
 * where with DEBUG the exception propagates past every errorhandler to
 * the debugger (Flask.handle_exception re-raises when
 * PROPAGATE_EXCEPTIONS, which DEBUG turns on), the page wins over the
 * application's 500 handler in development; in production the handler
 * answers as before.  An abort(500) is an HTTP error, not an unhandled
 * one: it gets the ordinary error page, as in Flask.
 */
#ifndef FL_DEBUGGER_H
#define FL_DEBUGGER_H

#include "template/template.h"
#include "web/ctx.h"

/* fl_debugger_enable — turn the development error page on for this
 * process (fl_run, once, when config.debug is set): primes the
 * backtrace so that the crash guard can capture one inside its signal
 * handler. */
void fl_debugger_enable(void);

/* fl_debugger_enabled — 1 once fl_debugger_enable ran, else 0.
 * Async-signal-safe. */
int fl_debugger_enabled(void);

/* fl_debugger_capture_fault — record signal `sig` and the call stack at
 * the fault (`uc`: the handler's ucontext_t, for the faulting
 * instruction's address) in a static buffer, for fl_debugger_note_crash.
 * Called from the crash guard's signal handler only; async-signal-safe
 * (after fl_debugger_enable). */
void fl_debugger_capture_fault(int sig, void *uc);

/* fl_debugger_note_crash — request `c` crashed with signal `sig` inside
 * the application (dispatch.c, after the crash guard's jump): its error
 * page becomes the development page with the stack
 * fl_debugger_capture_fault recorded.  Call only when enabled. */
void fl_debugger_note_crash(fl_ctx *c, int sig);

/* fl_debugger_note_error — an unhandled error in request `c` (fl_app_fail:
 * `message`, copied): the page shows it with the call stack of the
 * caller.  The first error of a request is kept; later ones are ignored.
 * Call only when enabled. */
void fl_debugger_note_error(fl_ctx *c, const char *message);

/* fl_debugger_note_template — template error `err` (fl_render: a
 * template that does not compile or render) in request `c`: the page
 * shows its file, line, column, message and the template's lines around
 * it.  Call only when enabled. */
void fl_debugger_note_template(fl_ctx *c, const fl_tpl_error *err);

/* fl_debugger_has_error — 1 when something above was noted for request
 * `c` (the request loop then answers with fl_debugger_respond instead of
 * the error page), else 0. */
int fl_debugger_has_error(fl_ctx *c);

/* fl_debugger_respond — answer request `c` with the development page
 * (status 500, text/html, in the request arena) and write the backtrace
 * to stderr (fl_error lines).  Only after fl_debugger_has_error. */
void fl_debugger_respond(fl_ctx *c);

#endif
