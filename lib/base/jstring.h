/* jstring.h — jansson strings made with one cheap UTF-8 check.
 *
 * json_string()/json_stringn() check UTF-8 one byte at a time through a
 * function call per byte, ~350 of the ~500 instructions a short string
 * costs; the pages make dozens per request (url_for results, form fields,
 * the request object: issue #20).  These check with fl_utf8_valid (a
 * tight loop over ASCII) and then let jansson copy without checking.
 */
#ifndef FL_JSTRING_H
#define FL_JSTRING_H

#include <jansson.h>
#include <stddef.h>

/* fl_json_stringn — json_stringn(s, len): a new JSON string of the `len`
 * bytes at `s` (NUL bytes allowed), in the current jansson arena (see
 * fl_json_set_arena); the caller owns the reference.  NULL when `s` is
 * NULL or the bytes are not strict UTF-8 — the same strings jansson turns
 * away (overlong forms, surrogates, past U+10FFFF, cut short). */
json_t *fl_json_stringn(const char *s, size_t len);

/* fl_json_string — json_string(s): fl_json_stringn of the NUL-terminated
 * `s`; NULL for NULL or for bytes that are not strict UTF-8. */
json_t *fl_json_string(const char *s);

/* fl_json_string_const — fl_json_string(s) for a string a program
 * defines once (a form field's name, label or class name), shared: the
 * first call for a text makes it on the heap and keeps it for the process's
 * life, later calls return a new reference to it, without a copy or a
 * check (issue #20).  Texts are told apart by their bytes, so `s` need not
 * live on.  The memo holds up to 256 texts of up to 64 bytes; past that, or
 * for NULL or bytes that are not UTF-8, it is fl_json_string(s).  Never
 * give it per-request data: the memo would fill with it.  The shared value
 * is read-only (templates cannot change it: the engine changes only values
 * of the render's arena). */
json_t *fl_json_string_const(const char *s);

#endif
