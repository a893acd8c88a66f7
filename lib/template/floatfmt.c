/* floatfmt.c — str(float) for templates: Python's repr, the shortest digit
 * string that reads back as the double, written without printf and strtod
 * for the values pages print most (scores, prices, averages: an integral
 * value, or a few decimals), and by fl_float_repr (base/pyrepr.c) for the
 * rest, so the bytes are the same either way. */
#include <math.h>

#include "base/pyrepr.h"
#include "template/internal.h"

/* Decimal places tried before giving up on the short path, and the
 * largest scaled value it accepts: 15 significant digits.  Below 10^15 a
 * decimal grid of k places is coarser than the doubles around d, so at
 * most one multiple of 10^-k reads back as d, the product d * 10^k (one
 * rounding, error under 0.12) rounds to that multiple, and m / 10^k —
 * two exact doubles, one correctly rounded division — is exactly what
 * strtod makes of the digits.  So the first k whose m reads back is
 * Python's repr. */
#define SHORT_PLACES 6
#define SHORT_LIMIT 1e15

static const double pow10s[SHORT_PLACES + 1] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};

void tv_float(fl_buf *b, double d)
{
	double a = fabs(d);
	/* Python writes 1e16 and up, and under 1e-4, with an exponent; nan
	 * and inf fail the comparisons */
	if (a >= 1e-4 && a < SHORT_LIMIT) {
		/* integral (a score, a count): "%d.0" without rounding */
		unsigned long long whole = (unsigned long long)a;
		if ((double)whole == a) {
			fl_buf_put_fixed(b, signbit(d) != 0, whole, 0);
			return;
		}
		for (int k = 1; k <= SHORT_PLACES; k++) {
			double s = a * pow10s[k];
			if (s >= SHORT_LIMIT)
				break;
			double m = nearbyint(s);
			if (m / pow10s[k] == a) {
				fl_buf_put_fixed(b, signbit(d) != 0, (unsigned long long)m, k);
				return;
			}
		}
	} else if (a == 0) {
		fl_buf_append(b, signbit(d) ? "-0.0" : "0.0", signbit(d) ? 4 : 3);
		return;
	}
	fl_float_repr(b, d);
}
