/* formparser.h — request body parsers (werkzeug.formparser,
 * werkzeug.sansio.multipart and Request.get_json, werkzeug 2.2).
 *
 * Query strings and urlencoded forms, multipart/form-data and JSON bodies.
 * Every parser is bounded (fields, parts, header lines, JSON depth), runs in
 * time linear in its input, and either succeeds completely or stores
 * nothing the caller should use (on an error the output may hold a prefix;
 * the caller answers 4xx and discards it).
 */
#ifndef FL_FORMPARSER_H
#define FL_FORMPARSER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/multidict.h"

#define FL_FORM_MAX_FIELDS 1000        /* default max_fields / max_parts */
#define FL_JSON_MAX_DEPTH 32           /* default max_depth */
#define FL_MULTIPART_MAX_HEADERS 32    /* header lines per part */
#define FL_MULTIPART_MAX_LINE 8192     /* bytes per part header line */

/* fl_parse_urlencoded — parse a query string or an
 * application/x-www-form-urlencoded body (`n` bytes of `s`) into `out`,
 * like werkzeug url_decode: pairs separated by '&' only (not ';'), empty
 * pairs skipped, split at the first '=', a pair without '=' gets value "",
 * '+' is a space, "%XX" is decoded and bad escapes stay literal (see
 * fl_url_unquote).  Values keep their length (fl_pair.value_len): a
 * "%00" stays in the value, which the caller must check (fl_request
 * refuses such a value with 400; it never cuts it short).
 * Errors: FL_EUTF8 when a decoded key or value is not valid UTF-8 (werkzeug
 * would insert U+FFFD; Flagon rejects the whole input, nothing to store);
 * FL_ENUL for a key that decodes to a NUL byte (keys are C strings);
 * FL_ETOOLARGE for more than `max_fields` pairs (0 selects
 * FL_FORM_MAX_FIELDS), like werkzeug's max_form_parts (413). */
fl_err fl_parse_urlencoded(fl_arena *a, const char *s, size_t n, size_t max_fields,
			   fl_multidict *out);

/* One uploaded file (a multipart part with a filename parameter). */
typedef struct fl_file {
	const char *name;          /* form field name (UTF-8) */
	const char *filename;      /* for display only, never a path: the part
				    * after the last '/' or '\', control bytes
				    * replaced by '_'; may be "" (an empty file
				    * input) */
	const char *content_type;  /* the part's Content-Type, or NULL */
	const char *data;          /* the bytes; binary-safe, points into the
				    * body passed to fl_parse_multipart */
	size_t len;                /* bytes in data */
} fl_file;

/* The files of a request, in body order (werkzeug request.files); a
 * vector (base/vec.h: items, len, cap) growing in `arena`. */
typedef struct fl_files {
	fl_arena *arena;            /* where the list allocates */
	fl_file *items;             /* the files */
	size_t len;                 /* how many files */
	size_t cap;                 /* room in items */
} fl_files;

/* fl_files_init — an empty list that allocates from `a`. */
void fl_files_init(fl_files *f, fl_arena *a);

/* fl_files_get — the first file of field `name`, or NULL. */
const fl_file *fl_files_get(const fl_files *f, const char *name);

/* fl_multipart_boundary_ok — true when the C string `b` is a valid
 * RFC 2046 boundary: 1..70 bchars (DIGIT ALPHA '()+_,-./:=? and space), not
 * ending in a space. */
bool fl_multipart_boundary_ok(const char *b);

/* fl_parse_multipart — parse a multipart/form-data body (RFC 7578) of `n`
 * bytes with `boundary` (from the Content-Type, unquoted) the way werkzeug
 * 2.2's MultipartDecoder does: anything before the first "--boundary" is a
 * preamble and ignored; delimiters are a line break + "--boundary" followed
 * by optional spaces/tabs and a line break, or by "--" for the last one;
 * like werkzeug, line breaks may be CRLF, LF or CR; a "--boundary" in the
 * data not followed by that is data.  Each part needs a Content-Disposition
 * header with a name; with a filename (or RFC 2231 filename*, whose
 * percent-decoded UTF-8 text is only used for the display name) parameter
 * the part goes to `files`
 * (binary-safe, data pointing into `body`), otherwise its value, which must
 * be UTF-8, is added to `form` with its length (a NUL byte in it is kept,
 * for the caller to refuse, as fl_request does).  Header continuation
 * lines are joined.
 * Anything after the closing delimiter (the epilogue) is ignored.  Runs in
 * time linear in `n` (memmem scans).
 * Errors: FL_EINVAL for a bad boundary; FL_EMALFORMED for no closing
 * delimiter, a part without header/body separator, a header line without
 * ':' or longer than FL_MULTIPART_MAX_LINE, more than
 * FL_MULTIPART_MAX_HEADERS header lines, no Content-Disposition or no name;
 * FL_ENUL for a NUL byte in a part's header lines (so in a field name) or
 * in a percent-decoded filename*; FL_EUTF8 for a header or field value
 * that is not UTF-8; FL_ETOOLARGE for
 * more than `max_parts` parts (0 selects FL_FORM_MAX_FIELDS), as werkzeug's
 * max_form_parts (413). */
fl_err fl_parse_multipart(fl_arena *a, const char *body, size_t n, const char *boundary,
			  size_t max_parts, fl_multidict *form, fl_files *files);

/* fl_parse_json_body — decode a JSON request body (`n` bytes of `s`) into
 * `*out`.  The body must be UTF-8 and nest arrays/objects at most
 * `max_depth` deep (0 selects FL_JSON_MAX_DEPTH); the depth is checked by a
 * linear scan before jansson runs, so jansson's recursion never goes deep.
 * Any JSON value is accepted at the top (JSON_DECODE_ANY, as Flask's
 * json.loads); duplicate object keys are allowed and the last one wins, as
 * in Flask; trailing garbage is an error.  Unlike Python, "\u0000" in a
 * string or key is refused (FL_ENUL, "a string holds a NUL character"),
 * like a NUL in form data, so no string is ever cut short where it is used
 * as a C string; integers beyond 64 bits are rejected too (jansson's
 * defaults).  The value is allocated by
 * jansson's current allocator (the caller points it at the request arena
 * with fl_json_set_arena); the caller owns the reference.
 * On error `*message` (owned by `a`, may be NULL to ignore) is a text for
 * the 400 answer in Flask's words: "Failed to decode JSON object: <why>".
 * Errors: FL_EUTF8 (invalid UTF-8), FL_ENUL (a "\u0000"), FL_EMALFORMED
 * (too deep, or not JSON); all mean 400, as SPEC §7 asks for deep
 * nesting. */
fl_err fl_parse_json_body(fl_arena *a, const char *s, size_t n, size_t max_depth,
			  json_t **out, char **message);

#endif
