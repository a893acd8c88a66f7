/* utf8.h — UTF-8 checks every layer needs (request input, column names,
 * mail headers, form lengths). */
#ifndef FL_UTF8_H
#define FL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* fl_utf8_valid — true when the `n` bytes at `s` are strict UTF-8
 * (RFC 3629): no overlong forms, no surrogates (U+D800..DFFF), nothing above
 * U+10FFFF, no truncated sequence.  NUL bytes are valid (U+0000). */
bool fl_utf8_valid(const char *s, size_t n);

/* fl_utf8_length — the number of code points in the NUL-terminated UTF-8
 * string `s` (Python's len(str)); invalid bytes count one each; NULL is 0. */
size_t fl_utf8_length(const char *s);

#endif
