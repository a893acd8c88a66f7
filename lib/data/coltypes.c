/* coltypes.c — the values of the column types that need more than
 * SQLite's own: Numeric's exact decimals (parsed strictly, bound as
 * SQLAlchemy binds them, read back as str(decimal.Decimal)), LargeBinary's
 * bytes (bound as BLOBs), and the utcnow default.  See model.h. */
#include "data/model.h"
#include "data/dialect.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- utcnow ---- */

json_t *fl_utcnow(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, sizeof buf - n, ".%06d", (int)(ts.tv_nsec / 1000) % 1000000);
	return json_string(buf);
}

/* ---- Numeric ---- */

/* Longest decimal string a Numeric column accepts (digits, sign, point). */
#define NUMERIC_MAX_TEXT 80

/* The scale rows are read with: the declared one, or SQLAlchemy's
 * _default_decimal_return_scale (10) for Numeric() without precision. */
static unsigned return_scale(const fl_column *c)
{
	return c->precision ? c->scale : 10;
}

/* Most digits before the point Numeric(p, s) allows; -1: unlimited. */
static long max_int_digits(const fl_column *c)
{
	if (!c->precision)
		return -1;
	return c->precision > c->scale ? (long)(c->precision - c->scale) : 0;
}

/* A parsed decimal string: [sign] int_digits [. frac_digits]. */
struct decimal {
	const char *intp, *frac;   /* first digit of each part */
	size_t nint, nfrac;
	bool neg;
};

/* Strict decimal syntax: [+-] digits [. digits] | [+-] . digits; no
 * exponent, no spaces, no inf/nan. */
static bool parse_decimal(const char *s, size_t n, struct decimal *d)
{
	const char *p = s, *end = s + n;
	*d = (struct decimal){ .neg = false };
	if (n == 0 || n > NUMERIC_MAX_TEXT)
		return false;
	if (*p == '+' || *p == '-')
		d->neg = *p++ == '-';
	d->intp = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	d->nint = (size_t)(p - d->intp);
	if (p < end && *p == '.') {
		d->frac = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		d->nfrac = (size_t)(p - d->frac);
	}
	return p == end && d->nint + d->nfrac > 0;
}

/* Digits before the point once leading zeros are gone. */
static size_t significant_int_digits(const struct decimal *d)
{
	size_t lead = 0;
	while (lead < d->nint && d->intp[lead] == '0')
		lead++;
	return d->nint - lead;
}

static bool all_zeros(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '0')
			return false;
	return true;
}

/* Digits of |x| before the point (0 for |x| < 1). */
static size_t double_int_digits(double x)
{
	x = fabs(x);
	size_t n = 0;
	while (x >= 1.0 && n < 400) {
		x /= 10.0;
		n++;
	}
	return n;
}

const char *fl_numeric_invalid(const fl_column *c, json_t *v)
{
	long max = max_int_digits(c);
	size_t digits;
	if (json_is_integer(v)) {
		char buf[32];
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		digits = strlen(buf) - (buf[0] == '-') - (strcmp(buf, "0") == 0);
	} else if (json_is_real(v)) {
		if (!isfinite(json_real_value(v)))
			return "must be a finite number";
		digits = double_int_digits(json_real_value(v));
	} else if (json_is_string(v)) {
		struct decimal d;
		if (!parse_decimal(json_string_value(v), json_string_length(v), &d))
			return "must be a decimal number (digits with an optional sign and point)";
		digits = significant_int_digits(&d);
	} else
		return "must be a number or a decimal string";
	return max >= 0 && digits > (size_t)max ? "has too many digits for its precision" : NULL;
}

/* The value SQLAlchemy's Numeric binds on SQLite for the valid value `v`:
 * float(Decimal(v)), except that an integral value that fits 64 bits is
 * bound as an integer (SQLite's NUMERIC affinity stores such a float as
 * that INTEGER anyway; binding it directly keeps integers past 2^53
 * exact).  A new reference. */
static json_t *numeric_param(json_t *v)
{
	if (!json_is_string(v))
		return json_incref(v);
	struct decimal d;
	const char *s = json_string_value(v);
	parse_decimal(s, json_string_length(v), &d);
	if (all_zeros(d.frac, d.nfrac)) {
		errno = 0;
		long long i = strtoll(s, NULL, 10);   /* stops at the point */
		if (errno != ERANGE)
			return json_integer(i);
	}
	return json_real(strtod(s, NULL));
}

/* The exact decimal text MySQL/MariaDB and PostgreSQL are given for the
 * valid value `v` of Numeric column `c` (their DECIMAL/NUMERIC keep every
 * digit): with a declared precision, `v` rounded to the scale half away
 * from zero, as both servers round it on the way in, and written with
 * exactly `scale` digits after the point ("12345.60"), as both read it
 * back; without one, a decimal string as given and a number with
 * SQLAlchemy's default return scale (10).  A JSON real is first written
 * with that scale ("%.*f": 0.1 + 0.2 in a Numeric(10, 2) is "0.30").  A
 * new reference. */
static json_t *numeric_text(const fl_column *c, json_t *v)
{
	unsigned scale = return_scale(c);
	char num[400];
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof num, "%.*f", (int)scale, json_real_value(v));
	else if (!c->precision)
		return json_incref(v);
	const char *s = json_is_string(v) ? json_string_value(v) : num;
	struct decimal d;
	if (!parse_decimal(s, strlen(s), &d))
		return json_string(s);   /* a real too long for NUMERIC_MAX_TEXT: the server says */
	/* the digits up to the scale, one more in front for a carry */
	char digits[NUMERIC_MAX_TEXT + 400];
	size_t n = 0;
	digits[n++] = '0';
	memcpy(digits + n, d.intp, d.nint);
	n += d.nint;
	for (size_t i = 0; i < scale && n < sizeof digits - 1; i++)
		digits[n++] = i < d.nfrac ? d.frac[i] : '0';
	if (d.nfrac > scale && d.frac[scale] >= '5')
		for (size_t i = n; i-- > 0; ) {
			if (digits[i] != '9') {
				digits[i]++;
				break;
			}
			digits[i] = '0';
		}
	size_t intlen = n - scale, lead = 0;
	while (lead + 1 < intlen && digits[lead] == '0')
		lead++;
	char out[sizeof digits + 3];
	int len = snprintf(out, sizeof out, "%s%.*s%s%.*s",
		d.neg && !all_zeros(digits, n) ? "-" : "", (int)(intlen - lead), digits + lead,
		scale ? "." : "", (int)scale, digits + intlen);
	return json_stringn(out, (size_t)len);
}

/* str(decimal.Decimal(fixed)) for a fixed-point string as "%.*f" writes
 * it: the same text unless Decimal would use scientific notation (its
 * adjusted exponent below -6: "0.0000000000" is "0E-10", "0.00000010"
 * is "1.0E-7"). */
static json_t *decimal_str(const char *fixed, unsigned scale)
{
	bool neg = fixed[0] == '-';
	const char *p = fixed + neg;
	char coef[512];
	size_t n = 0;
	for (; *p && n < sizeof coef - 1; p++)
		if (*p != '.' && (n || *p != '0'))
			coef[n++] = *p;
	if (!n)
		coef[n++] = '0';
	coef[n] = '\0';
	long adjusted = (long)n - 1 - (long)scale;
	if (adjusted >= -6)
		return json_string(fixed);
	char buf[600];
	snprintf(buf, sizeof buf, "%s%c%s%sE%ld", neg ? "-" : "", coef[0], n > 1 ? "." : "",
		coef + 1, adjusted);
	return json_string(buf);
}

/* The row value of a Numeric column whose stored value is `v`: the
 * decimal string SQLAlchemy reads ("%.<scale>f" % value, then
 * str(Decimal)), or `v` itself when it is not a number (TEXT, null). */
static json_t *numeric_value(const fl_column *c, json_t *v)
{
	unsigned scale = return_scale(c);
	char small[512], *buf = small;
	int n;
	if (scale > 300)
		return json_incref(v);   /* no such scale in a real declaration */
	if (json_is_integer(v)) {
		n = snprintf(buf, sizeof small, "%" JSON_INTEGER_FORMAT "%s%.*s", json_integer_value(v),
			scale ? "." : "", (int)scale,
			"0000000000000000000000000000000000000000000000000000000000000000"
			"0000000000000000000000000000000000000000000000000000000000000000"
			"0000000000000000000000000000000000000000000000000000000000000000"
			"0000000000000000000000000000000000000000000000000000000000000000"
			"0000000000000000000000000000000000000000000000000000000000000000");
	} else if (json_is_real(v)) {
		n = snprintf(NULL, 0, "%.*f", (int)scale, json_real_value(v));
		if ((size_t)n >= sizeof small && !(buf = malloc((size_t)n + 1)))
			return NULL;
		snprintf(buf, (size_t)n + 1, "%.*f", (int)scale, json_real_value(v));
	} else
		return json_incref(v);
	json_t *out = decimal_str(buf, scale);
	if (buf != small)
		free(buf);
	return out;
}

/* ---- values by column type ---- */

fl_err fl_column_param(const fl_dialect *d, const fl_column *c, json_t *v, json_t **out)
{
	*out = NULL;
	if (!v)
		return FL_EINVAL;
	if (c->type == FL_TYPE_LARGEBINARY && json_is_string(v))
		*out = fl_db_blob(v);
	else if (c->type == FL_TYPE_NUMERIC && !json_is_null(v)) {
		if (fl_numeric_invalid(c, v))
			return FL_EINVAL;
		*out = d && d->numeric_text ? numeric_text(c, v) : numeric_param(v);
	} else
		*out = json_incref(v);
	return *out ? FL_OK : FL_ENOMEM;
}

json_t *fl_column_value(const fl_column *c, json_t *stored)
{
	if (c->type == FL_TYPE_NUMERIC)
		return numeric_value(c, stored);
	if (c->type == FL_TYPE_BOOLEAN && json_is_integer(stored))
		return json_boolean(json_integer_value(stored));
	if (c->type == FL_TYPE_FLOAT && json_is_integer(stored))
		return json_real((double)json_integer_value(stored));
	return json_incref(stored);
}

bool fl_column_keeps(const fl_column *c, const json_t *stored)
{
	return !stored || json_is_null(stored) ||
		(c->type != FL_TYPE_NUMERIC && !json_is_integer(stored));
}

bool fl_column_converts(const fl_column *c)
{
	return c->type == FL_TYPE_BOOLEAN || c->type == FL_TYPE_FLOAT || c->type == FL_TYPE_NUMERIC;
}
