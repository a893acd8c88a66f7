/* pytypes.h — Python's datetime.strptime/strftime and decimal.Decimal for
 * the Date, DateTime and Decimal fields (inside lib/form; form.c uses it).
 *
 * Decimals stay text: fl_pydec_parse gives str(Decimal(s)), so no float
 * rounding ever touches a typed amount, and fl_pydec_quantize is
 * Decimal.quantize(Decimal(".1") ** places, rounding) done on the digits.
 */
#ifndef FL_FORM_PYTYPES_H
#define FL_FORM_PYTYPES_H

#include "base/arena.h"
#include "form/form.h"

/* A date and time as datetime.datetime holds it (no time zone). */
typedef struct fl_pydt {
	int year;    /* 1..9999 */
	int month;   /* 1..12 */
	int day;     /* 1..31 */
	int hour;    /* 0..23 */
	int minute;  /* 0..59 */
	int second;  /* 0..59 */
} fl_pydt;

/* fl_pydt_parse — datetime.strptime(s, fmt): `fmt` of the directives %Y
 * (4 digits), %y, %m, %d, %H, %M, %S and %%, white space (matching one or
 * more white space characters) and literal characters (matched ignoring
 * ASCII case), matched like Python's _strptime regular expression (the
 * same alternatives in the same order, then no unconverted data left);
 * then the date must exist (2023-02-30 does not; seconds 0-59).  Missing
 * parts are 1900-01-01 00:00:00.  ASCII digits only (Python also takes
 * other Unicode digits).  Returns 1 and fills *out, or 0. */
int fl_pydt_parse(const char *fmt, const char *s, fl_pydt *out);

/* fl_pydt_format — dt.strftime(fmt) for the same directives, in `a`. */
const char *fl_pydt_format(fl_arena *a, const char *fmt, const fl_pydt *dt);

/* fl_pydec_parse — str(decimal.Decimal(s)) in `a`, or NULL when Decimal
 * raises: surrounding white space and every '_' dropped, a sign, digits
 * with an optional '.', an exponent, "Inf"/"Infinity", "NaN"/"sNaN" with
 * payload digits, any case.  A number whose adjusted exponent (the
 * exponent of it written d.ddd) is beyond ±10^15 is refused, where Python
 * allows ±10^18. */
const char *fl_pydec_parse(fl_arena *a, const char *s);

/* fl_pydec_is_zero — 1 when the canonical decimal `d` is a zero (bool()
 * false: "0", "-0.00", "0E+5"). */
int fl_pydec_is_zero(const char *d);

/* fl_pydec_quantize — str(d.quantize(Decimal(".1") ** places, rounding))
 * of the canonical decimal `d`, or `d` itself where Python raises
 * InvalidOperation (infinities, NaNs, more than 28 digits). */
const char *fl_pydec_quantize(fl_arena *a, const char *d, int places, fl_rounding r);

#endif
