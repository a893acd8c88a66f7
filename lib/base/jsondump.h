/* jsondump.h — JSON text exactly as jansson's json_dumps writes it, for
 * values that may hold compact rows (base/row.h).
 *
 * Why not json_dumps: jansson would print a compact row without its
 * columns (they are not members: base/row.h), and turning
 * every row into an object first is the per-row hashing compact rows
 * avoid.  This writer prints a compact row as the object it stands for
 * (columns in sorted-key order when asked, from the shape's order computed
 * once) and everything else byte for byte as jansson 2.14 does with the
 * same flags: objects, arrays, indentation, key order, integers, strings
 * that need no escape and reals whose "%.17g" text is exact (80.0, 92.5)
 * are written here; other reals and strings that need escaping are handed
 * to jansson itself (fuzz_jsondump holds the two writers to the same
 * bytes).  It skips jansson's cycle check (a hash insert of a printed
 * pointer per container): a depth limit (FL_JSON_DUMP_MAX_DEPTH,
 * FL_ERANGE) stands in for it.  The output goes into an arena buffer, so
 * nothing is allocated per value.
 */
#ifndef FL_JSONDUMP_H
#define FL_JSONDUMP_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* Deepest nesting fl_json_dump writes (a cycle made through the C API
 * ends here instead of looping). */
#define FL_JSON_DUMP_MAX_DEPTH 2048

/* fl_json_dump — append to `out` the text json_dumps(v, flags) would give,
 * compact rows written as objects.  `flags` as jansson's (JSON_INDENT(n),
 * JSON_COMPACT, JSON_SORT_KEYS, JSON_ENSURE_ASCII, JSON_ESCAPE_SLASH,
 * JSON_REAL_PRECISION(n), JSON_ENCODE_ANY); without JSON_ENCODE_ANY a
 * value that is not an array or object is refused, as jansson refuses it.
 * Errors (the text appended so far is left in `out`): FL_EINVAL (NULL,
 * a refused top-level value), FL_EUTF8 (a string jansson refuses: not
 * UTF-8), FL_ERANGE (nested deeper than FL_JSON_DUMP_MAX_DEPTH). */
fl_err fl_json_dump(const json_t *v, size_t flags, fl_buf *out);

#endif
