/* conditional.h — conditional and range requests (werkzeug 2.2's
 * http.is_resource_modified, parse_etags, parse_range_header and
 * Response.make_conditional, as send_file uses them; RFC 7232, RFC 7233).
 * Pure functions over header values; web/send_file.c applies the result.
 */
#ifndef FL_CONDITIONAL_H
#define FL_CONDITIONAL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

#include "base/arena.h"

/* The request headers a conditional answer depends on; each NULL when the
 * request does not carry it. */
typedef struct fl_conditional_request {
	const char *range;              /* Range */
	const char *if_range;           /* If-Range */
	const char *if_modified_since;  /* If-Modified-Since */
	const char *if_none_match;      /* If-None-Match */
	const char *if_match;           /* If-Match */
} fl_conditional_request;

/* What make_conditional decided. */
typedef struct fl_conditional_result {
	int status;                     /* 200, 206, 304, 412 or 416 */
	unsigned long long start;       /* 206: the first byte sent */
	unsigned long long length;      /* 206: how many bytes are sent */
	char content_range[80];         /* 206 "bytes 0-9/100", 416 "bytes * /100" (no
	                                   space before '/'), else "" */
} fl_conditional_result;

/* fl_file_etag — the ETag werkzeug 2.2's send_file makes for a file, without
 * its quotes: "{mtime}-{size}-{adler32(path)}" where mtime is Python's repr
 * of os.stat's float st_mtime (seconds + nanoseconds * 1e-9), size the byte
 * count and the last the zlib adler32 of the UTF-8 `path` as werkzeug was
 * given it ("1700000000.25-12-123456789").  Owned by `a`. */
char *fl_file_etag(fl_arena *a, const struct stat *st, const char *path);

/* fl_is_resource_modified — werkzeug.http.is_resource_modified for a
 * response with `etag` (unquoted, NULL for none) and `last_modified`
 * (seconds; 0 for none): false ("not modified") when If-Modified-Since is a
 * date (RFC 7231's three formats) at or after last_modified, or when
 * If-None-Match lists the etag (weak comparison) or "*"; an If-Match that
 * does not list it as a strong tag makes it modified again.  With
 * `use_if_range` and a Range header, If-Range takes over: a date stands for
 * If-Modified-Since, an entity tag must match strongly.  Returns true when
 * the resource counts as modified (send it). */
bool fl_is_resource_modified(const fl_conditional_request *rq, const char *etag,
	time_t last_modified, bool use_if_range);

/* fl_make_conditional — Response.make_conditional(request,
 * accept_ranges=True, complete_length=length) for a GET or HEAD of a
 * resource of `length` bytes with `etag` and `last_modified` (as above):
 * 206 with the byte range when Range names exactly one satisfiable
 * "bytes" range (and If-Range, when present, still matches); 416 when a
 * Range header is there but cannot be parsed or satisfied (several ranges
 * included, as werkzeug); else 304 when the resource is not modified, or
 * 412 instead when the request also had an If-Match; else 200.  A Range of
 * a 0-byte resource is ignored (200).  Fills `out`. */
void fl_make_conditional(const fl_conditional_request *rq, const char *etag,
	time_t last_modified, unsigned long long length, fl_conditional_result *out);

#endif
