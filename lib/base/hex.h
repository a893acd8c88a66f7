/* hex.h — hexadecimal: bytes as lower-case hex (Python's bytes.hex(),
 * hashlib's hexdigest()) and the %XX escapes of URLs (urllib's unquote),
 * which both HTTP (http/) and DATABASE_URI (base/db_uri.h) decode. */
#ifndef FL_HEX_H
#define FL_HEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* fl_hex_encode — write the `n` bytes at `in` to `out` as 2*n lower-case
 * hex digits and a NUL: `out` must hold 2*n + 1 bytes (the caller's).
 * Returns `out`.  Never fails. */
char *fl_hex_encode(char *out, const void *in, size_t n);

/* fl_hex_value — the value 0..15 of the hex digit `c` (either case), or -1
 * when `c` is not one. */
int fl_hex_value(unsigned char c);

/* fl_url_unquote — percent-decode `n` bytes of `s` into a new NUL-terminated
 * string in `a`; its length in bytes (it may hold NUL) goes to `*outlen`
 * (may be NULL).  With `plus`, '+' decodes to a space first (form and query
 * mode, werkzeug url_unquote_plus).  Like werkzeug's _unquote_to_bytes, an
 * escape that is not '%' followed by two hex digits (either case) is kept
 * literally: "%zz" stays "%zz", a trailing "%4" stays "%4".
 * Errors: FL_EUTF8 when the decoded bytes are not valid UTF-8 (werkzeug
 * would substitute U+FFFD; Flagon refuses, the caller answers 400). */
fl_err fl_url_unquote(fl_arena *a, const char *s, size_t n, bool plus,
		      char **out, size_t *outlen);

#endif
