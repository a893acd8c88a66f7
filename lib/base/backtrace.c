/* backtrace.c — capture with glibc's backtrace(), symbolize with libdw's
 * dwfl (elfutils), as eu-stack and systemd-coredump do.  Development
 * only (web/debugger.c, web/guard.c). */
#include "base/backtrace.h"

#include <elfutils/libdwfl.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void fl_backtrace_prime(void)
{
	void *pcs[2];
	(void)backtrace(pcs, 2);
}

__attribute__((noinline)) int fl_backtrace_capture(uintptr_t *pcs, int max, int skip)
{
	void *raw[FL_BACKTRACE_MAX + 8];
	if (max > FL_BACKTRACE_MAX)
		max = FL_BACKTRACE_MAX;
	if (skip < 0)
		skip = 0;
	int got = backtrace(raw, max + skip + 4 > FL_BACKTRACE_MAX + 8
		? FL_BACKTRACE_MAX + 8 : max + skip + 4);
	/* The caller's frame starts at our return address; before it come
	 * this function and whatever wraps backtrace() (ASan intercepts it). */
	void *ret = __builtin_return_address(0);
	int first = 1;
	for (int i = 0; i < got && i < 4; i++)
		if (raw[i] == ret) {
			first = i;
			break;
		}
	int n = 0;
	for (int i = first + skip; i < got && n < max; i++)
		pcs[n++] = (uintptr_t)raw[i];
	return n;
}

/* dwfl_lineinfo's file name made absolute with the compilation directory
 * when it is relative. */
static const char *source_path(Dwfl_Line *line, const char *file, fl_arena *a)
{
	if (!file)
		return NULL;
	const char *dir = file[0] == '/' ? NULL : dwfl_line_comp_dir(line);
	return dir && *dir ? fl_arena_printf(a, "%s/%s", dir, file) : fl_arena_strdup(a, file);
}

int fl_backtrace_symbolize(const uintptr_t *pcs, int n, int exact, fl_arena *a, fl_frame *out)
{
	for (int i = 0; i < n; i++)
		out[i] = (fl_frame){ .pc = pcs[i] };
	char *debuginfo_path = NULL;
	const Dwfl_Callbacks cb = {
		.find_elf = dwfl_linux_proc_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.debuginfo_path = &debuginfo_path,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	if (!dwfl)
		return -1;
	if (dwfl_linux_proc_report(dwfl, getpid()) != 0 ||
	    dwfl_report_end(dwfl, NULL, NULL) != 0) {
		dwfl_end(dwfl);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		Dwarf_Addr addr = pcs[i] - (i >= exact && pcs[i] ? 1 : 0);
		Dwfl_Module *m = dwfl_addrmodule(dwfl, addr);
		if (!m)
			continue;
		const char *mainfile = NULL;
		const char *mod = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
		out[i].module = fl_arena_strdup(a, mainfile ? mainfile : mod ? mod : "?");
		const char *fn = dwfl_module_addrname(m, addr);
		if (fn)
			out[i].function = fl_arena_strdup(a, fn);
		Dwfl_Line *line = dwfl_module_getsrc(m, addr);
		int lineno = 0;
		const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
		if (file) {
			out[i].file = source_path(line, file, a);
			out[i].line = lineno;
		}
	}
	dwfl_end(dwfl);
	return 0;
}

const char *fl_frame_format(const fl_frame *f, fl_arena *a)
{
	const char *fn = f->function ? f->function : "??";
	if (f->file)
		return fl_arena_printf(a, "%s at %s:%d", fn, f->file, f->line);
	if (f->module)
		return fl_arena_printf(a, "%s in %s", fn, f->module);
	return fl_arena_printf(a, "0x%lx", (unsigned long)f->pc);
}
