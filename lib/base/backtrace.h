/* backtrace.h — the C call stack of the running program, symbolized from
 * its own debug info with libdw (elfutils): for each frame the function,
 * the source file and line, and the module (program or shared library).
 * What the development error page (web/debugger.h) and the terminal show
 * for a crash or an unhandled error, as werkzeug's debugger shows a
 * Python traceback.  Development only: nothing here runs in production.
 */
#ifndef FL_BACKTRACE_H
#define FL_BACKTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* The most frames fl_backtrace_capture keeps. */
#define FL_BACKTRACE_MAX 64

/* One symbolized frame; the strings live in the arena given to
 * fl_backtrace_symbolize, NULL when unknown. */
typedef struct fl_frame {
	uintptr_t pc;           /* the address as captured */
	const char *module;     /* the program's or library's file path */
	const char *function;   /* the symbol containing pc ("segv_view") */
	const char *file;       /* the source file, absolute when the debug
	                           info gives its compilation directory */
	int line;               /* 1-based source line, 0 when unknown */
} fl_frame;

/* fl_backtrace_prime — load what glibc's backtrace() loads lazily
 * (libgcc_s's unwinder), so that fl_backtrace_capture can then run inside
 * a signal handler without calling malloc or dlopen.  Call once, outside
 * any handler; harmless to call again. */
void fl_backtrace_prime(void);

/* fl_backtrace_capture — store at most `max` (<= FL_BACKTRACE_MAX) return
 * addresses of the current call stack, innermost first, in `pcs` (the
 * caller's array), leaving out the `skip` innermost frames (this
 * function's caller counts as frame 0).  Returns how many were stored.
 * Async-signal-safe once fl_backtrace_prime has run. */
int fl_backtrace_capture(uintptr_t *pcs, int max, int skip);

/* fl_backtrace_symbolize — fill `out[0..n)` for the `n` addresses `pcs`
 * of this process with libdw (dwfl_linux_proc_report on getpid(),
 * dwfl_module_addrname, dwfl_module_getsrc): every address but the first
 * `exact` ones is a return address, looked up at pc - 1 so that its line
 * is the call's, not the next statement's (the first of a fault's
 * backtrace is the faulting instruction itself: exact = 1).  Strings are
 * copied into `a`.  Returns 0, or -1 when libdw cannot read this process
 * (the frames then hold only their addresses). */
int fl_backtrace_symbolize(const uintptr_t *pcs, int n, int exact, fl_arena *a, fl_frame *out);

/* fl_frame_format — "funcname at file:line" (or "funcname in module",
 * or "0x<pc>" with less known) for frame `f`, in `a`: the text of one
 * frame on the terminal and on the error page. */
const char *fl_frame_format(const fl_frame *f, fl_arena *a);

#endif
