/* pynum.h — numbers typed by people, read and written the way Python does:
 * WTForms' IntegerField and FloatField coerce with int() and float(), a
 * view reads ?page= with int(), and a float field shows str(x). */
#ifndef FL_PYNUM_H
#define FL_PYNUM_H

#include <stdbool.h>

#include "base/arena.h"

/* fl_parse_int — Python int(s): surrounding whitespace, a sign, digits with
 * single underscores between them.  Returns 1 and sets *out, or 0 (nothing
 * set) for NULL, anything else, or a value outside long long. */
int fl_parse_int(const char *s, long long *out);

/* fl_parse_decimal — a strict decimal integer, for numbers that machines
 * write (Content-Length, RFC 9110 §8.6: 1*DIGIT) and for query arguments
 * read with type=int: ASCII digits only, with one leading '-' when
 * `allow_minus`.  Unlike fl_parse_int (Python's int()), no surrounding
 * white space, no '+', no underscores: " 1", "+1", "1_0" and "-0" without
 * allow_minus are refused.  Returns 1 and sets *out, or 0 (nothing set)
 * for NULL, "", anything else, or a value outside long long. */
int fl_parse_decimal(const char *s, bool allow_minus, long long *out);

/* fl_parse_float — Python float(s): surrounding whitespace, decimal
 * notation with an optional exponent and single underscores between
 * digits, "inf"/"infinity"/"nan" in any case with a sign.  Returns 1 and
 * sets *out, or 0 (nothing set) when `s` is NULL or not such a number. */
int fl_parse_float(const char *s, double *out);

/* fl_format_float — Python's str(x) for a float (its repr: the shortest
 * digits that read back as x, see fl_float_repr), as a string in arena `a`. */
const char *fl_format_float(fl_arena *a, double x);

#endif
