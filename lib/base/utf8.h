/* utf8.h — UTF-8 checks every layer needs (request input, column names,
 * mail headers, form lengths), and the encoding and decoding of one code
 * point (template string escapes, case mapping, JSON escapes). */
#ifndef FL_UTF8_H
#define FL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fl_utf8_valid — true when the `n` bytes at `s` are strict UTF-8
 * (RFC 3629): no overlong forms, no surrogates (U+D800..DFFF), nothing above
 * U+10FFFF, no truncated sequence.  NUL bytes are valid (U+0000). */
bool fl_utf8_valid(const char *s, size_t n);

/* fl_utf8_length — the number of code points in the NUL-terminated UTF-8
 * string `s` (Python's len(str)); NULL is 0.  It counts the bytes that are
 * not continuation bytes (10xxxxxx), so for invalid input a stray
 * continuation byte counts 0 and a truncated sequence 1. */
size_t fl_utf8_length(const char *s);

/* fl_utf8_count — fl_utf8_length of the `n` bytes at `s`, NUL bytes
 * included (each is U+0000): the length of a jansson string with
 * json_string_length() bytes, which may hold NULs.  `s` may be NULL when
 * `n` is 0. */
size_t fl_utf8_count(const char *s, size_t n);

/* fl_unicode_isspace — Python's str.isspace() for the one code point `cp`:
 * the 29 code points of Unicode's White_Space property with bidirectional
 * type WS, B or S or general category Zs (U+0009..000D, U+001C..0020,
 * U+0085, U+00A0, U+1680, U+2000..200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000), exactly chr(cp).isspace() on Python 3.11. */
bool fl_unicode_isspace(uint32_t cp);

/* fl_utf8_is_blank — true when the `n` bytes at `s` are empty or hold only
 * white space by fl_unicode_isspace: Python's `not s.strip()`, the test
 * WTForms' DataRequired and Optional make, and the one rule every Flagon
 * layer uses for "blank" (form validators, the resource layer's `nonempty`
 * arguments, blueprints).  `s` may be NULL (blank).  Bytes that are not
 * UTF-8, and NUL, are not white space: such text is not blank. */
bool fl_utf8_is_blank(const char *s, size_t n);

/* fl_utf8_decode — the code point whose strict UTF-8 (RFC 3629) sequence
 * starts the `n` bytes at `s`: stores it in *cp (when `cp` is not NULL) and
 * returns the sequence's length, 1 to 4 bytes.  Returns 0, *cp untouched,
 * when `n` is 0 or the bytes are no such sequence: a continuation byte, a
 * lead byte C0, C1 or F5..FF, an overlong form, a surrogate (U+D800..DFFF),
 * a code point past U+10FFFF, or a sequence cut short by `n` — the same
 * rules as fl_utf8_valid, which holds exactly when the decodes tile the
 * input.  Python's bytes.decode("utf-8") raises on these bytes. */
size_t fl_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* fl_utf8_encode — write the UTF-8 form of code point `cp` (RFC 3629,
 * section 3) to `out`, which has room for 4 bytes, and return its length
 * (1 to 4); no NUL is appended, and U+0000 is the one byte 0.  For a
 * Unicode scalar value (at most U+10FFFF, not a surrogate) this is
 * Python's chr(cp).encode("utf-8").  Surrogates and U+110000..U+1FFFFF,
 * which RFC 3629 excludes, get the same bit layout (as Python's
 * "surrogatepass" error handler does for surrogates), so text decoded
 * leniently writes back as it was read; a caller that must emit valid
 * UTF-8 checks `cp` first.  Returns 0, writing nothing, for `cp` above
 * 0x1FFFFF, which 4 bytes cannot hold. */
size_t fl_utf8_encode(uint32_t cp, char out[4]);

#endif
