/* response.h — the response being built for the current request
 * (werkzeug's Response): status, headers, body.
 *
 * Header names must be RFC 7230 tokens and values may not contain CR, LF or
 * other control characters, so no header can be split or forged from input;
 * a bad one is refused with FL_EINVAL and never written.
 */
#ifndef FL_RESPONSE_H
#define FL_RESPONSE_H

#include <stddef.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"

/* One response header. */
typedef struct fl_header {
	const char *name;           /* an RFC 7230 token */
	const char *value;          /* no CR, LF or other control character */
} fl_header;

/* Most headers a response may carry. */
#define FL_MAX_HEADERS 32

/* The response being built (werkzeug's Response). */
typedef struct fl_response {
	fl_arena *arena;            /* the request arena */
	int status;                 /* 200 unless set */
	fl_header headers[FL_MAX_HEADERS]; /* the headers, in order */
	size_t nheaders;            /* headers in use */
	fl_buf body;                /* the body */
	int body_set;               /* a view produced a body */
	/* send_file (web/send_file.h): the Content-Length to announce when it
	 * is not the body's own — a HEAD that reads no file, an X-Sendfile
	 * hand-off whose bytes the web server sends — with the flag set;
	 * fl_response_init clears both. */
	int content_length_set;
	unsigned long long content_length;
} fl_response;

/* fl_status_text — the reason phrase of an HTTP status ("Not Found"), or
 * "Unknown" for codes without one. */
const char *fl_status_text(int status);

/* fl_response_init — an empty 200 response allocating from `a`. */
void fl_response_init(fl_response *r, fl_arena *a);

/* fl_response_add_header — append a header (both strings copied into the
 * arena).  FL_EINVAL when the name is not a token or the value holds a
 * control character; FL_ETOOLARGE past FL_MAX_HEADERS. */
fl_err fl_response_add_header(fl_response *r, const char *name, const char *value);

/* fl_response_set_header — replace every header called `name`
 * (case-insensitive) by one with `value`; same errors as add. */
fl_err fl_response_set_header(fl_response *r, const char *name, const char *value);

/* fl_response_get_header — the first value of header `name`, or NULL. */
const char *fl_response_get_header(const fl_response *r, const char *name);

/* fl_response_del_header — remove every header called `name`. */
void fl_response_del_header(fl_response *r, const char *name);

/* fl_response_serialize — the CGI form of the response ("Status: 200 OK",
 * the headers, Content-Length, a blank line, the body) into `out`.  With
 * `head_only` the body is left out (HEAD requests).  Content-Length is the
 * body's length, or `content_length` when `content_length_set`; 204 and 304
 * carry none. */
void fl_response_serialize(const fl_response *r, int head_only, fl_buf *out);

/* fl_response_serialize_head — what fl_response_serialize writes before
 * the body (status line, headers, Content-Length, the blank line) into
 * `out`.  With fl_response_body_to_send, the request loop writes a
 * response in two pieces without copying its body (a rendered list page
 * is ~15 KB) into one buffer first. */
void fl_response_serialize_head(const fl_response *r, fl_buf *out);

/* fl_response_body_to_send — the bytes fl_response_serialize would put
 * after the head: *data points at the body (borrowed from `r`; "" when it
 * has none) and the length returned is its length, or 0 for `head_only`
 * (HEAD) and for 204 and 304. */
size_t fl_response_body_to_send(const fl_response *r, int head_only, const char **data);

#endif
