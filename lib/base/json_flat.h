/* json_flat.h — a fast path for the JSON of a session cookie.
 *
 * A session is a flat object of short strings, booleans and small integers
 * ({"csrf_token":"…","known":true,"name":"bench"}), parsed on every
 * request that carries one; jansson's general parser cost ~14k
 * instructions for that one (issue #20).  This reads exactly that shape,
 * written compactly as Python's json.dumps(separators=(",", ":")) writes
 * it, and leaves everything else to jansson.
 */
#ifndef FL_JSON_FLAT_H
#define FL_JSON_FLAT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* fl_json_loads_flat — parse the `len` bytes at `text` when they are a
 * JSON object with no whitespace whose members are strings without
 * backslash escapes (printable ASCII or valid UTF-8), true, false, null or
 * integers of at most 18 digits.  On success *out is a new object in the
 * current jansson arena — the value json_loadb() would return (a key given
 * twice keeps its last value, as jansson does) — and it returns true.  It
 * returns false, *out untouched, for every other text, valid JSON or not:
 * the caller then asks jansson, which gives the answer or the error. */
bool fl_json_loads_flat(const char *text, size_t len, json_t **out);

#endif
