/* reload.c — the programs' side of `manage runserver -d/-r` (see
 * reload_internal.h and cli/cmd_runserver.c): after a successful rebuild
 * runserver sends SIGHUP to the processes of each program whose binary
 * changed, and each re-execs itself between two requests; while a build
 * is broken, every request gets the compiler's messages.  Also the re-exec
 * that restarts a program after a crash (dispatch.c). */
#include "web/reload_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/html.h"
#include "base/log.h"

/* The program's own file, saved at start-up: at reload time
 * /proc/self/exe is the old inode, which a relink has unlinked. */
static char self_path[PATH_MAX];
static char build_error_path[PATH_MAX];
static volatile sig_atomic_t reload_pending;
static sigset_t hup_set;

static void on_hup(int sig)
{
	(void)sig;
	reload_pending = 1;
}

int fl_app_reload_init(fl_app *app)
{
	if (!realpath("/proc/self/exe", self_path))
		self_path[0] = '\0';
	const char *on = getenv("FLAGON_RELOAD");
	if (!on || strcmp(on, "1"))
		return 0;
	const char *var = getenv("FLAGON_VAR");
	if (var && *var)
		snprintf(build_error_path, sizeof build_error_path, "%s/run/build-error.txt", var);
	else
		snprintf(build_error_path, sizeof build_error_path, "%s/var/run/build-error.txt",
			app->root);
	sigemptyset(&hup_set);
	sigaddset(&hup_set, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup_set, NULL);   /* busy until the first accept */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;   /* no SA_RESTART: an idle accept must return EINTR */
	sigaction(SIGHUP, &sa, NULL);
	return 1;
}

int fl_app_reload_accept(fl_app *app, FCGX_Request *req)
{
	for (;;) {
		/* A SIGHUP that came during the request just served is
		 * delivered here, then acted on before the next accept. */
		sigprocmask(SIG_UNBLOCK, &hup_set, NULL);
		if (reload_pending) {
			reload_pending = 0;
			sigprocmask(SIG_BLOCK, &hup_set, NULL);
			fl_app_reexec(app, "reloading: the program was rebuilt");
			continue;   /* exec failed (logged): go on with this build */
		}
		int rc = FCGX_Accept_r(req);
		sigprocmask(SIG_BLOCK, &hup_set, NULL);
		/* Our SIGHUP: reload.  Any other signal that interrupted the
		 * accept (libfcgi's SIGTERM and SIGUSR1 handlers: lighttpd
		 * stopping) ends the loop, as FCGX_Accept_r would without
		 * FCGI_FAIL_ACCEPT_ON_INTR. */
		if (rc == -EINTR && reload_pending)
			continue;
		return rc;
	}
}

void fl_app_reexec(fl_app *app, const char *why)
{
	fl_info("%s: re-executing %s", why, self_path[0] ? self_path : "/proc/self/exe");
	/* Descriptors the process opened (database, log files, sockets) must
	 * not pile up in the new copy: 0 (the listening socket), 1 and 2
	 * stay. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	execl(self_path[0] ? self_path : "/proc/self/exe", app->bp->name, (char *)NULL);
	fl_error("cannot re-execute %s: %s", self_path[0] ? self_path : "/proc/self/exe",
		strerror(errno));
}

/* ---- the "Build failed" page ---- */

/* Read at most `max` bytes of `path` into the arena, NUL-terminated.
 * NULL when it cannot be opened (gone: the build was fixed). */
static char *read_head(fl_arena *a, const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *p = fl_arena_alloc(a, max + 1);
	size_t n = 0;
	while (n < max) {
		ssize_t got = read(fd, p + n, max - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	p[n] = '\0';
	*len = n;
	return p;
}

/* Length of a compiler location at the start of `s` ("path:LINE:" or
 * "path:LINE:COL:", the colon included), else 0. */
static size_t location_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ':' && s[i] != ' ' && s[i] != '\n')
		i++;
	if (i == 0 || i >= n || s[i] != ':')
		return 0;
	int parts = 0;
	while (parts < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i >= n || s[i] != ':')
			return 0;
		parts++;
	}
	return parts ? i + 1 : 0;
}

/* The compiler's output, escaped, each line's location in bold. */
static void put_messages(fl_buf *b, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) + 1 : n;
		size_t loc = location_len(s, len);
		if (loc) {
			fl_buf_puts(b, "<b>");
			fl_html_escape(b, s, loc);
			fl_buf_puts(b, "</b>");
		}
		fl_html_escape(b, s + loc, len - loc);
		s += len;
		n -= len;
	}
}

int fl_app_reload_build_failed(fl_app *app)
{
	size_t len = 0;
	char *text = read_head(app->arena, build_error_path, 256 * 1024, &len);
	if (!text)
		return 0;
	fl_buf b;
	fl_buf_init(&b, app->arena);
	fl_buf_puts(&b,
		"Status: 500 Internal Server Error\r\n"
		"Content-Type: text/html; charset=utf-8\r\n"
		"Cache-Control: no-store\r\n"
		"X-Content-Type-Options: nosniff\r\n"
		"X-Frame-Options: DENY\r\n"
		"Referrer-Policy: strict-origin-when-cross-origin\r\n\r\n"
		"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>Build failed</title><style>"
		"body{font-family:sans-serif;margin:2em}"
		"pre{background:#fdf2f2;border:1px solid #e0b4b4;padding:1em;overflow:auto}"
		"b{color:#9f3a38}</style></head><body>\n<h1>Build failed</h1>\n<p>");
	fl_buf_puts(&b, "The last build of the application failed; <code>");
	fl_html_escape(&b, app->bp->name, strlen(app->bp->name));
	fl_buf_puts(&b, "</code> still runs the last good build. "
		"Fix the error and save: <code>manage runserver</code> rebuilds, "
		"and this page goes away once a build succeeds.</p>\n<pre>");
	put_messages(&b, text, len);
	fl_buf_puts(&b, "</pre>\n</body></html>\n");
	FCGX_PutStr(b.data, (int)b.len, app->fcgi->out);
	FCGX_Finish_r(app->fcgi);
	fl_arena_reset(app->arena);
	return 1;
}
