/* pyrepr.c — Python's float repr (see pyrepr.h).  Tries 1 to 17
 * significant digits and keeps the first that round-trips through strtod,
 * then lays the digits out the way float.__repr__ does. */
#include "pyrepr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void fl_float_repr(fl_buf *b, double d)
{
	if (isnan(d)) {
		fl_buf_puts(b, "nan");
		return;
	}
	if (isinf(d)) {
		fl_buf_puts(b, d < 0 ? "-inf" : "inf");
		return;
	}
	/* Fast path (issue #9): an integral value below 1e16 (a score of 80.0,
	 * most stored floats) is its integer digits and ".0" — exactly what the
	 * search below finds, since every integer of that size is a double and
	 * no shorter digit string can name it — without formatting and parsing
	 * it up to 17 times (a 100-row student list spent 15 % of its time
	 * here).  1e16 and up are written with an exponent, as Python does. */
	if (fabs(d) < 1e16 && d == trunc(d)) {
		fl_buf_printf(b, "%s%lld.0", signbit(d) ? "-" : "", (long long)fabs(d));
		return;
	}
	char tmp[64];
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	char dig[32];
	size_t nd = 0;
	const char *s = tmp;
	if (*s == '-')
		s++;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			dig[nd++] = *s;
	int exp = atoi(s + 1);
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	if (signbit(d))
		fl_buf_putc(b, '-');
	if (exp >= -4 && exp < 16) {
		if (exp >= 0) {
			for (int i = 0; i <= exp; i++)
				fl_buf_putc(b, (size_t)i < nd ? dig[i] : '0');
			fl_buf_putc(b, '.');
			if ((size_t)exp + 1 < nd)
				fl_buf_append(b, dig + exp + 1, nd - (size_t)exp - 1);
			else
				fl_buf_putc(b, '0');
		} else {
			fl_buf_puts(b, "0.");
			for (int i = 0; i < -exp - 1; i++)
				fl_buf_putc(b, '0');
			fl_buf_append(b, dig, nd);
		}
		return;
	}
	fl_buf_putc(b, dig[0]);
	if (nd > 1) {
		fl_buf_putc(b, '.');
		fl_buf_append(b, dig + 1, nd - 1);
	}
	fl_buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
}
