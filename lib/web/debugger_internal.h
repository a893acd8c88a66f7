/* debugger_internal.h — what debugger.c (the record of an error and the
 * answer) hands debugger_page.c (the HTML).  Not part of the public API. */
#ifndef FL_DEBUGGER_INTERNAL_H
#define FL_DEBUGGER_INTERNAL_H

#include <stdint.h>

#include "base/backtrace.h"
#include "template/template.h"
#include "web/ctx.h"

/* One request's unhandled error, in its arena (fl_request_state.debug_error). */
typedef struct fl_debug_error {
	int signal;                 /* the crash's signal, or 0 */
	const char *message;        /* fl_app_fail's text, or NULL */
	uintptr_t pcs[FL_BACKTRACE_MAX]; /* the call stack, innermost first */
	int npcs;                   /* entries of pcs */
	int exact;                  /* how many leading pcs are not return addresses */
	int has_template;           /* terr holds a template error */
	fl_tpl_error terr;
} fl_debug_error;

/* Write the development page for error `e` of request `c`, whose stack
 * symbolized is `frames[0..n)`, into `out` (debugger_page.c). */
void fl_debugger_page(fl_ctx *c, const fl_debug_error *e, const fl_frame *frames, int n,
	fl_buf *out);

/* The headline of `e`: "SIGSEGV — Segmentation fault", the message, or
 * "template error" (debugger.c), in the request arena. */
const char *fl_debugger_headline(fl_ctx *c, const fl_debug_error *e);

#endif
