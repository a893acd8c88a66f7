/* guard.c — the crash guard: a fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL)
 * inside application code — a hook, a view, an error handler — jumps back
 * to fl_app_guard so the client still gets its 500 page; the request loop
 * (dispatch.c) then restarts the process, because its memory can no
 * longer be trusted.  Used by dispatch.c and errors.c.
 * In development (fl_debugger_enable) the handler first records the
 * faulting address and the call stack for the error page
 * (web/debugger.h); in production it does nothing more. */
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "web/app_internal.h"
#include "web/ctx_internal.h"
#include "web/debugger.h"

static sigjmp_buf crash_jmp;
static volatile sig_atomic_t in_view;

static void on_fault(int sig, siginfo_t *info, void *uc)
{
	(void)info;
	if (in_view) {
		in_view = 0;
		if (fl_debugger_enabled())
			fl_debugger_capture_fault(sig, uc);
		siglongjmp(crash_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void fl_app_install_crash_guard(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER | SA_SIGINFO;
	int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int fl_app_guard(fl_ctx *c, int (*fn)(fl_ctx *c, const void *ud), const void *ud,
	int *crashed)
{
	int sig = sigsetjmp(crash_jmp, 1);
	if (sig) {
		*crashed = sig;
		return 500;
	}
	in_view = 1;
	int r = fn(c, ud);
	in_view = 0;
	return r;
}
