/* reload_internal.h — the programs' side of `manage runserver -d/-r`
 * (reload.c): re-exec on SIGHUP, and the "Build failed" page.  Everything
 * here but fl_app_reexec runs only when FLAGON_RELOAD=1 is in the
 * program's environment (runserver puts it there; lighttpd passes its
 * environment to the programs it spawns): production pays one flag test
 * per request. */
#ifndef FL_WEB_RELOAD_INTERNAL_H
#define FL_WEB_RELOAD_INTERNAL_H

#include <fcgiapp.h>

#include "web/app_internal.h"

/* Start-up (fl_run, FastCGI only): remember the program's own path
 * (realpath of /proc/self/exe now, before any rebuild replaces the file)
 * for fl_app_reexec, and, when FLAGON_RELOAD=1, install the SIGHUP
 * handler (it only sets a flag; SIGHUP is blocked except while waiting
 * for a request) and find $FLAGON_VAR/run/build-error.txt (FLAGON_VAR, else
 * <root>/var).  Returns 1 when reloading is on, else 0. */
int fl_app_reload_init(fl_app *app);

/* FCGX_Accept_r under the reloader (`req` initialised with
 * FCGI_FAIL_ACCEPT_ON_INTR): a SIGHUP received while idle, or during the
 * request just finished, re-execs the program (fl_app_reexec) before the
 * next request is taken.  Returns what FCGX_Accept_r returns (>= 0: a
 * request). */
int fl_app_reload_accept(fl_app *app, FCGX_Request *req);

/* While runserver's last build failed ($FLAGON_VAR/run/build-error.txt
 * exists), answer the request just accepted with a 500 "Build failed"
 * page showing the compiler's messages (escaped, each file:line:col in
 * bold) and return 1; else return 0 and the request is served as usual.
 * Only under the reloader. */
int fl_app_reload_build_failed(fl_app *app);

/* Replace the process with a fresh copy of the program — the file it was
 * started from (so a rebuilt program runs its new code), else
 * /proc/self/exe — keeping its PID and fd 0, the FastCGI listening socket:
 * the web server never sees the process go and no request is lost.  Every
 * other descriptor above 2 is closed by the exec.  Logs `why`.  Returns
 * only when exec failed (logged). */
void fl_app_reexec(fl_app *app, const char *why);

#endif
