/* toolbar_internal.h — what the debug toolbar collects for one request
 * (toolbar.c) and what its panel is made from (toolbar_panel.c).  Only
 * those two include it; see web/toolbar.h. */
#ifndef FL_TOOLBAR_INTERNAL_H
#define FL_TOOLBAR_INTERNAL_H

#include "base/err.h"
#include "base/vec.h"
#include "web/ctx.h"

/* One SQL statement of the request (data/db.h fl_db_trace_record, copied
 * into the request arena). */
typedef struct fl_toolbar_sql {
	const char *sql;            /* the statement's text */
	const char *params;         /* its bound values as SQLALCHEMY_ECHO prints them */
	long long usec;             /* how long it ran, µs */
	long long rows;             /* rows returned or changed; -1: unknown */
	const char *error;          /* why it failed, or NULL */
} fl_toolbar_sql;

/* One render of a template. */
typedef struct fl_toolbar_template {
	const char *name;           /* the template's name; NULL: a template string */
	long long usec;             /* how long it took, µs (its includes within) */
} fl_toolbar_template;

/* What one request collects (request arena; fl_request_state.toolbar). */
typedef struct fl_toolbar {
	fl_ctx *c;                  /* the request */
	long long t0;               /* fl_monotonic_us() when the request began */
	FL_VEC(fl_toolbar_sql) sql; /* the statements, in order */
	FL_VEC(fl_toolbar_template) templates; /* the renders, in order */
} fl_toolbar;

/* The panel's HTML (FL_TOOLBAR_BEGIN ... FL_TOOLBAR_END) for request `c`
 * from what `tb` collected, `total_us` the request's time so far, into
 * `out` (toolbar_panel.c). */
void fl_toolbar_render_panel(fl_ctx *c, const fl_toolbar *tb, long long total_us, fl_buf *out);

#endif
