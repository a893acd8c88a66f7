/* hooks.c — which application-wide tables (hooks, error handlers) the
 * requests of a process see: the application's own, then what each of its
 * blueprints registers for the whole application (Flask's
 * before_app_request, after_app_request, teardown_app_request,
 * app_errorhandler).  Collected once at start-up; the order of running
 * them is dispatch.c's and errors.c's (see web/hooks.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "web/app_internal.h"
#include "web/application.h"

/* Where each kind lives: its member in fl_application and in fl_blueprint. */
static const struct {
	size_t app_off, bp_off;
} members[FL_WIDE__MAX] = {
	[FL_WIDE_BEFORE] = { offsetof(fl_application, before_request),
			     offsetof(fl_blueprint, before_app_request) },
	[FL_WIDE_AFTER] = { offsetof(fl_application, after_request),
			    offsetof(fl_blueprint, after_app_request) },
	[FL_WIDE_TEARDOWN] = { offsetof(fl_application, teardown_request),
			       offsetof(fl_blueprint, teardown_app_request) },
	[FL_WIDE_ERRORS] = { offsetof(fl_application, error_handlers),
			     offsetof(fl_blueprint, app_error_handlers) },
};

/* The pointer member at byte offset `off` of the struct `base` (each
 * member read here points to the first entry of a table). */
static const void *member(const void *base, size_t off)
{
	const void *p;
	memcpy(&p, (const char *)base + off, sizeof p);
	return p;
}

int fl_app_collect_wide(fl_app *app)
{
	const fl_blueprint *bp = app->bp;
	const fl_application *application = bp->app;
	const fl_blueprint *const only[] = { bp, NULL };
	const fl_blueprint *const *bps = application && application->blueprints
		? application->blueprints : only;
	size_t nbps = 0;
	while (bps[nbps])
		nbps++;
	for (int k = 0; k < FL_WIDE__MAX; k++) {
		fl_app_wide *w = &app->wide[k];
		if (!(w->tables = calloc(nbps + 1, sizeof *w->tables)))
			return -1;
		w->n = 0;
		if (application && (w->tables[w->n] = member(application, members[k].app_off)))
			w->n++;
		for (size_t i = 0; i < nbps; i++)
			if ((w->tables[w->n] = member(bps[i], members[k].bp_off)))
				w->n++;
	}
	return 0;
}

void fl_app_free_wide(fl_app *app)
{
	for (int k = 0; k < FL_WIDE__MAX; k++) {
		free(app->wide[k].tables);
		app->wide[k].tables = NULL;
		app->wide[k].n = 0;
	}
}
