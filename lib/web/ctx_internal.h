/* ctx_internal.h — the private part of a request context.  Only the
 * sources of lib/web/ include it; not part of the public API.
 *
 * A context is allocated (fl_ctx_new) as an fl_request_state whose first
 * member is the public fl_ctx that views see; fl_state() goes back from
 * one to the other, container_of style.  So the public struct holds only
 * what a view may read, and what the library keeps per request — the
 * opened session, the flashes popped for this request, the CSRF token, the
 * abort message, the deferred work — stays behind it. */
#ifndef FL_CTX_INTERNAL_H
#define FL_CTX_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "session/session.h"
#include "web/app_internal.h"

/* At most this many fl_defer() calls per request. */
#define FL_MAX_DEFERRED 8

typedef struct fl_request_state {
	fl_ctx pub;                 /* what views see */
	fl_session *session;        /* opened on first use (sessions.c), else NULL */
	json_t *flashes;            /* popped once per request (sessions.c) */
	const char *csrf_token;     /* this request's token, or view_cache.c's placeholder */
	const char *abort_message;  /* fl_abort's message, shown on the error page */
	struct { fl_deferred_fn fn; void *ud; } deferred[FL_MAX_DEFERRED];
	size_t ndeferred;           /* entries of deferred in use */
} fl_request_state;

/* The private state of context `c` (made by fl_ctx_new). */
static inline fl_request_state *fl_state(fl_ctx *c)
{
	return (fl_request_state *)(void *)((char *)c - offsetof(fl_request_state, pub));
}

#endif
