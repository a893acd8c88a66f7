/* debugger.c — the development error page's record of an error (a crash's
 * stack captured in the signal handler, fl_app_fail's message and stack,
 * a template error); the page and the answer are debugger_page.c.  See
 * web/debugger.h. */
#include "web/debugger.h"

#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "web/ctx_internal.h"
#include "web/debugger_internal.h"
#include "base/log.h"

static volatile sig_atomic_t enabled;

/* The crash guard's record, written in the signal handler. */
static uintptr_t fault_pcs[FL_BACKTRACE_MAX];
static int fault_n;

void fl_debugger_enable(void)
{
	fl_backtrace_prime();
	enabled = 1;
}

int fl_debugger_enabled(void)
{
	return enabled;
}

/* The faulting instruction's address in the handler's context, or 0. */
static uintptr_t fault_pc(void *uc)
{
	const ucontext_t *u = uc;
	if (!u)
		return 0;
#if defined(__x86_64__)
	return (uintptr_t)u->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)u->uc_mcontext.pc;
#else
	return 0;
#endif
}

void fl_debugger_capture_fault(int sig, void *uc)
{
	(void)sig;
	uintptr_t raw[FL_BACKTRACE_MAX];
	int n = fl_backtrace_capture(raw, FL_BACKTRACE_MAX, 0);
	uintptr_t pc = fault_pc(uc);
	/* The stack runs through the handler and the kernel's signal frame
	 * before the faulting function: start at the faulting address. */
	int from = -1;
	for (int i = 0; pc && i < n && from < 0; i++)
		if (raw[i] == pc)
			from = i;
	fault_n = 0;
	if (from < 0 && pc)
		fault_pcs[fault_n++] = pc;
	for (int i = from < 0 ? 0 : from; i < n && fault_n < FL_BACKTRACE_MAX; i++)
		fault_pcs[fault_n++] = raw[i];
}

/* The request's record, made on first use. */
static fl_debug_error *record(fl_ctx *c)
{
	fl_request_state *st = fl_state(c);
	if (!st->debug_error) {
		st->debug_error = fl_arena_alloc(c->arena, sizeof *st->debug_error);
		memset(st->debug_error, 0, sizeof *st->debug_error);
	}
	return st->debug_error;
}

void fl_debugger_note_crash(fl_ctx *c, int sig)
{
	fl_debug_error *e = record(c);
	e->signal = sig;
	memcpy(e->pcs, fault_pcs, (size_t)fault_n * sizeof *fault_pcs);
	e->npcs = fault_n;
	e->exact = 1;
}

void fl_debugger_note_error(fl_ctx *c, const char *message)
{
	fl_debug_error *e = record(c);
	if (e->message || e->signal)
		return;
	e->message = fl_arena_strdup(c->arena, message ? message : "unknown error");
	/* Leave out this function and fl_app_fail. */
	e->npcs = fl_backtrace_capture(e->pcs, FL_BACKTRACE_MAX, 2);
	e->exact = 0;
}

void fl_debugger_note_template(fl_ctx *c, const fl_tpl_error *err)
{
	fl_debug_error *e = record(c);
	if (e->has_template)
		return;
	e->has_template = 1;
	e->terr = *err;
}

int fl_debugger_has_error(fl_ctx *c)
{
	return fl_state(c)->debug_error != NULL;
}

const char *fl_debugger_headline(fl_ctx *c, const fl_debug_error *e)
{
	if (e->signal) {
		const char *abbrev = sigabbrev_np(e->signal);
		const char *descr = sigdescr_np(e->signal);
		return fl_arena_printf(c->arena, "SIG%s \xe2\x80\x94 %s", abbrev ? abbrev : "?",
			descr ? descr : "unknown signal");
	}
	if (e->has_template)
		return fl_arena_printf(c->arena, "template %s:%d:%d: %s", e->terr.file,
			e->terr.line, e->terr.column, e->terr.message);
	return e->message ? e->message : "unhandled error";
}
