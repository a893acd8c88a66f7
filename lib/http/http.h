/* http.h — HTTP and URL utilities (werkzeug.http and werkzeug.urls, 2.2).
 *
 * UTF-8 checking, percent-decoding and -encoding, the Cookie request header,
 * the Set-Cookie response header, HTTP dates, header-safety checks and
 * Content-Type parsing.  All inputs are byte strings with explicit lengths
 * unless documented as C strings; results live in the fl_arena passed in.
 */
#ifndef FL_HTTP_H
#define FL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hex.h"
#include "base/multidict.h"
#include "base/utf8.h"

/* fl_url_unquote (percent-decoding) lives in base/hex.h, included above. */

/* Which bytes fl_url_quote leaves alone.  All modes keep werkzeug's
 * _always_safe set: ALPHA DIGIT "-._~" "$!'()*+,;". */
typedef enum fl_quote_mode {
	/* werkzeug _fast_url_quote (safe "/:"): what url_for does with the
	 * value of a <name>, <string:> or <path:> converter. */
	FL_QUOTE_PATH,
	/* werkzeug url_quote(safe="/:|+"): the static parts of a rule. */
	FL_QUOTE_RULE,
	/* werkzeug _fast_url_quote_plus: query keys and values; '+' becomes
	 * %2B and a space becomes '+'; '/', ':' '=' '&' are escaped. */
	FL_QUOTE_PLUS,
	/* werkzeug url_quote(safe=":&%=+$!*'(),"): a raw query string as
	 * request.url shows it (its escapes kept). */
	FL_QUOTE_QUERY,
	/* werkzeug url_quote(safe=""): only _always_safe is kept; what
	 * send_file does to a download name for RFC 5987's filename*. */
	FL_QUOTE_ALWAYS
} fl_quote_mode;

/* fl_url_quote_buf — append `n` bytes of `s` to `b`, percent-encoding every
 * byte outside the mode's safe set as "%XX" (upper-case hex). */
void fl_url_quote_buf(fl_buf *b, const char *s, size_t n, fl_quote_mode mode);

/* fl_uri_to_iri_buf — append `n` bytes of the URI text `s` (a path or a
 * query, as quoted by fl_url_quote_buf) to `b` as werkzeug 2.2's
 * uri_to_iri shows it: an escape of a UTF-8 character (%C3%A9) becomes the
 * character, an escape of an ASCII character that is not reserved (%41)
 * becomes it, while reserved ones (%2F %25 %20 %3F %23 %26 ...,
 * urls._to_iri_unsafe) and bytes that start no UTF-8 character stay
 * escaped.  Used for request.url. */
void fl_uri_to_iri_buf(fl_buf *b, const char *s, size_t n);

/* fl_url_quote — like fl_url_quote_buf but returns a new string owned by `a`. */
char *fl_url_quote(fl_arena *a, const char *s, size_t n, fl_quote_mode mode);

/* fl_url_encode — append the pairs of `md` to `b` as a query string, like
 * werkzeug url_encode(sort=False): in order, "k=v" joined by '&', both sides
 * quoted with FL_QUOTE_PLUS ("a b&c" -> "a+b%26c").  Pairs whose value is
 * NULL are skipped (werkzeug skips None).  Nothing is appended for an empty
 * multidict; no leading '?'. */
void fl_url_encode(fl_buf *b, const fl_multidict *md);

/* fl_parse_cookie — parse a Cookie request header (`n` bytes of `s`) into
 * `out`, appending pairs in header order, exactly like werkzeug 2.2
 * parse_cookie / _cookie_parse_impl: pairs split at ';', keys stripped,
 * empty keys skipped, a key without '=' gets "", a value in double quotes is
 * unquoted with _cookie_unquote (backslash escapes and \ooo octal escapes).
 * fl_multidict_get gives the first value, as MultiDict does.  Where werkzeug
 * would decode with errors="replace", Flagon drops a pair whose key or value
 * is not valid UTF-8 or holds a NUL byte (a "\000" escape in a quoted
 * value), so no value is cut short and a forged byte never
 * reaches a handler.  Like werkzeug, parsing stops at a value its grammar
 * cannot match (a bare LF inside an unquoted value).  Never fails for input
 * reasons; returns FL_OK. */
fl_err fl_parse_cookie(fl_arena *a, const char *s, size_t n, fl_multidict *out);

/* A cookie to send (Set-Cookie).  Start with fl_cookie_init (a zeroed
 * struct means max_age 0, i.e. an already expired cookie), then fill in. */
typedef struct fl_cookie {
	const char *key;      /* RFC 6265 token, required */
	const char *value;    /* cookie-octets, may be "" or NULL (= "") */
	long max_age;         /* seconds; -1 = unset */
	time_t expires;       /* absolute time; 0 = unset unless expires_set */
	bool expires_set;     /* send `expires` even when it is 0 (the epoch) */
	const char *path;     /* NULL = "/"; printable ASCII except ';' */
	const char *domain;   /* NULL = none; host name with a '.' */
	bool secure;                /* the Secure attribute */
	bool httponly;              /* the HttpOnly attribute */
	const char *samesite; /* NULL, or "Strict"/"Lax"/"None" (any case) */
	time_t now;           /* 0 = time(NULL); used for Expires = now+max_age */
} fl_cookie;

/* fl_cookie_init — a cookie with `key`/`value` and every option unset
 * (max_age = -1, path "/"), like werkzeug dump_cookie's defaults. */
void fl_cookie_init(fl_cookie *c, const char *key, const char *value);

/* fl_dump_cookie — the Set-Cookie header value (without "Set-Cookie: ") for
 * `c`, byte for byte like werkzeug 2.2 dump_cookie: "key=value" then
 * Domain, Expires, Max-Age, Secure, HttpOnly, Path, SameSite in that order,
 * joined by "; ".  When only max_age is set, Expires = now + max_age
 * (sync_expires).  The string is owned by `a`.
 * Unlike werkzeug, nothing is quoted: the value is sent raw and must be
 * RFC 6265 cookie-octets (%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E).
 * Errors (FL_EINVAL, the caller answers 400): key not a non-empty token,
 * value not cookie-octets, max_age < -1, a path with CTLs, non-ASCII or ';',
 * a domain without '.' or with other than [A-Za-z0-9.-] (":port" is
 * stripped first, like werkzeug), a bad samesite; FL_ERANGE when a date
 * cannot be formatted.  The result never holds CR, LF or a stray ';'. */
fl_err fl_dump_cookie(fl_arena *a, const fl_cookie *c, char **out);

/* fl_http_date — format `t` as an RFC 7231 IMF-fixdate into `buf`
 * ("Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes + NUL), like werkzeug
 * http_date.  Errors: FL_ERANGE when the year is outside 0..9999. */
fl_err fl_http_date(time_t t, char buf[30]);

/* fl_parse_http_date — parse an HTTP date (C string) into `*out`.  Accepts
 * the three formats RFC 7231 §7.1.1.1 requires recipients to accept:
 * IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
 * ("Sun Nov  6 08:49:37 1994").  Errors: FL_EINVAL on anything else. */
fl_err fl_parse_http_date(const char *s, time_t *out);

/* fl_header_value_ok — true when the C string `s` can go into a header
 * value: no CR, LF, NUL or other CTL (0x00-0x1F, 0x7F) except HTAB. */
bool fl_header_value_ok(const char *s);

/* fl_cookie_value_ok — true when every byte of the C string `s` is an
 * RFC 6265 cookie-octet (%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E): a
 * value fl_dump_cookie sends raw.  "" is fine. */
bool fl_cookie_value_ok(const char *s);

/* fl_header_name_ok — true when `s` is a non-empty RFC 7230 token
 * (ALPHA DIGIT and !#$%&'*+-.^_`|~). */
bool fl_header_name_ok(const char *s);

/* fl_parse_content_type — split a Content-Type-like header (C string, NULL
 * allowed) into its media type, lower-cased (werkzeug Request.mimetype), in
 * a new string in `a`, and its parameters appended to `params` in order,
 * following werkzeug 2.2 parse_options_header: names lower-cased; values
 * are a quoted-string or everything up to ';' or ','; a value in quotes is
 * unquoted by unquote_header_value (quotes dropped, then "\\" -> "\" and
 * "\"" -> '"'; a filename starting with "\\" is kept raw), e.g.
 * `multipart/form-data; boundary="x y"` -> "multipart/form-data",
 * {boundary: "x y"}.  Where werkzeug keeps the last of repeated names,
 * callers should too.  A parameter without a value ("a" or "a=") is left
 * out (werkzeug: None).  Parameters are read only when ';' directly follows
 * the type, and parsing stops at a piece that does not match (keeping what
 * came before).  An RFC 2231 name such as "filename*" is stored under that
 * name, undecoded.  An empty or NULL header gives "".
 * Errors: FL_EUTF8 when the header is not valid UTF-8. */
fl_err fl_parse_content_type(fl_arena *a, const char *header, char **mimetype,
			     fl_multidict *params);

/* fl_mimetype_is_json — werkzeug's Request.is_json for a mimetype as
 * fl_parse_content_type gives it (lower case, no parameters): true for
 * "application/json" and for any "application/" type ending in "+json".
 * Like werkzeug (mt.startswith("application/") and mt.endswith("+json")),
 * "application/+json", with an empty subtype before the suffix, counts.
 * The request parses such a body as JSON and the resource layer accepts
 * it; both ask this one function.  NULL is false. */
bool fl_mimetype_is_json(const char *mimetype);

#endif
