/* accept.h — the Accept request header (werkzeug's parse_accept_header and
 * MIMEAccept, 2.2): which media types the client takes, and how much.
 *
 *     fl_accept acc;
 *     fl_parse_accept(arena, fl_get_header(c, "Accept"), &acc);
 *     if (fl_accept_mimetype(&acc, "application/json")) ...
 *
 * Parsing follows werkzeug byte for byte (tests/unit/test_accept.c compares
 * with /usr/bin/python3): the same items, the same qualities, the same
 * order (most specific first, then highest quality, then as sent), the same
 * matching of `type/subtype;params` against `*` wildcards.  One deliberate
 * difference: werkzeug's `"application/json" in accept` ignores the
 * quality, so "application/json;q=0" would count as accepting JSON;
 * fl_accept_mimetype asks for a quality above 0, as RFC 9110 §12.4.2 says
 * (q=0 means "not acceptable").  Case is folded for ASCII letters only.
 */
#ifndef FL_ACCEPT_H
#define FL_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* One media range of an Accept header, as werkzeug keeps it. */
typedef struct fl_accept_item {
	const char *value;          /* "text/html;level=1", as sent (without q=) */
	double quality;             /* 0 .. 1; 1 when the q parameter is absent or empty */
	/* The value lower-cased and split at '/' and ';' (werkzeug's
	 * _normalize_mime), in header order: type, subtype, parameters —
	 * what matching compares (arena strings). */
	char **parts;
	size_t nparts;              /* entries of parts */
} fl_accept_item;

/* A parsed Accept header (werkzeug's MIMEAccept). */
typedef struct fl_accept {
	fl_accept_item *items;      /* most specific first, then by quality (arena) */
	size_t n;                   /* items in use */
	bool provided;              /* the header was present and not empty */
} fl_accept;

/* fl_parse_accept — parse Accept header `header` (a C string; NULL or ""
 * for an absent header: no item, `provided` false, so that every quality
 * is 0, as werkzeug's Accept(None)) into `out`, items allocated in `a`.
 * Never fails: a malformed piece becomes an item that matches nothing
 * (werkzeug's regular expression, which skips nothing either). */
void fl_parse_accept(fl_arena *a, const char *header, fl_accept *out);

/* fl_accept_quality — MIMEAccept.quality(mimetype): the quality of the
 * first (most specific) item that matches `mimetype` ("type/subtype"
 * with optional ";params"; "*" wildcards in the item match anything), or 0
 * when none does.  A `mimetype` without '/' matches nothing. */
double fl_accept_quality(const fl_accept *acc, const char *mimetype);

/* fl_accept_mimetype — whether the client accepts `mimetype`: its
 * fl_accept_quality is above 0 (RFC 9110: q=0 excludes). */
bool fl_accept_mimetype(const fl_accept *acc, const char *mimetype);

/* fl_accept_best_match — MIMEAccept.best_match(matches, default): of the
 * `n` types in `matches` (the server's, in its order of preference), the
 * one the client likes best (highest quality, then the most specific item,
 * then the earlier in `matches`); `dflt` when none has a quality above 0.
 * Returns one of the `matches` pointers or `dflt`. */
const char *fl_accept_best_match(const fl_accept *acc, const char *const *matches, size_t n,
	const char *dflt);

#endif
