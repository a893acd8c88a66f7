/* hooks.c — which application-wide tables (hooks, error handlers) a
 * request sees: the application's own, then what each of its blueprints
 * registers for the whole application (Flask's before_app_request,
 * after_app_request, teardown_app_request, app_errorhandler).  The order of
 * running them is dispatch.c's and errors.c's; see web/hooks.h. */
#include <string.h>

#include "web/application.h"
#include "web/ctx_internal.h"

/* The pointer member at byte offset `off` of the table `base` (every
 * member read here is a pointer to the first entry of a table). */
static const void *member(const void *base, size_t off)
{
	const void *p;
	memcpy(&p, (const char *)base + off, sizeof p);
	return p;
}

size_t fl_app_wide_tables(fl_ctx *c, size_t app_off, size_t bp_off, const void ***out)
{
	const fl_blueprint *bp = c->app->bp;
	const fl_application *app = bp->app;
	const fl_blueprint *const only[] = { bp, NULL };
	const fl_blueprint *const *bps = app && app->blueprints ? app->blueprints : only;
	size_t nbps = 0;
	while (bps[nbps])
		nbps++;
	const void **t = fl_arena_alloc(c->arena, (nbps + 1) * sizeof *t);
	size_t n = 0;
	if (app && (t[n] = member(app, app_off)))
		n++;
	for (size_t i = 0; i < nbps; i++)
		if ((t[n] = member(bps[i], bp_off)))
			n++;
	*out = t;
	return n;
}
