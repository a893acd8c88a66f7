/* pytypes.c — Python's strptime/strftime (Lib/_strptime.py) and
 * decimal.Decimal's parsing, str() and quantize() for form fields. */
#include "form/pytypes.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Python's \s for str patterns, on ASCII: space, \t\n\v\f\r and \x1c-\x1f. */
static int py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* ---- strptime ------------------------------------------------------------ */

/* The alternatives of each directive's regular expression, in _strptime's
 * order: 'D' is a digit, "[..]" a class with ranges, anything else itself. */
static const char *const *directive_alts(char d)
{
	static const char *const alt_d[] = { "3[01]", "[12]D", "0[1-9]", "[1-9]", " [1-9]", NULL };
	static const char *const alt_H[] = { "2[0-3]", "[01]D", "D", NULL };
	static const char *const alt_M[] = { "[0-5]D", "D", NULL };
	static const char *const alt_S[] = { "6[01]", "[0-5]D", "D", NULL };
	static const char *const alt_m[] = { "1[0-2]", "0[1-9]", "[1-9]", NULL };
	static const char *const alt_Y[] = { "DDDD", NULL };
	static const char *const alt_y[] = { "DD", NULL };
	switch (d) {
	case 'd': return alt_d;
	case 'H': return alt_H;
	case 'M': return alt_M;
	case 'S': return alt_S;
	case 'm': return alt_m;
	case 'Y': return alt_Y;
	case 'y': return alt_y;
	default: return NULL;
	}
}

/* How many bytes of `s` the alternative `pat` matches, or -1. */
static int alt_match(const char *pat, const char *s)
{
	int n = 0;
	while (*pat) {
		unsigned char c = (unsigned char)s[n];
		if (*pat == 'D') {
			if (!isdigit(c))
				return -1;
			pat++;
		} else if (*pat == '[') {
			int ok = 0;
			for (pat++; *pat != ']'; pat++) {
				if (pat[1] == '-' && pat[2] != ']') {
					ok |= c >= (unsigned char)pat[0] && c <= (unsigned char)pat[2];
					pat += 2;
				} else {
					ok |= c == (unsigned char)*pat;
				}
			}
			pat++;
			if (!ok || !c)
				return -1;
		} else {
			if (c != (unsigned char)*pat)
				return -1;
			pat++;
		}
		n++;
	}
	return n;
}

static void set_part(fl_pydt *t, char d, const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			v = v * 10 + (s[i] - '0');
	switch (d) {
	case 'd': t->day = v; break;
	case 'H': t->hour = v; break;
	case 'M': t->minute = v; break;
	case 'S': t->second = v; break;
	case 'm': t->month = v; break;
	case 'Y': t->year = v; break;
	case 'y': t->year = v <= 68 ? 2000 + v : 1900 + v; break;
	}
}

/* re.match of the format's pattern at `s`: the first way through in the
 * regular expression's order; *end is where it stopped. */
static int match_at(const char *f, const char *s, fl_pydt *t, const char **end)
{
	if (!*f) {
		*end = s;
		return 1;
	}
	if (*f == '%') {
		if (f[1] == '%')
			return *s == '%' && match_at(f + 2, s + 1, t, end);
		const char *const *alts = directive_alts(f[1]);
		for (; alts && *alts; alts++) {
			int n = alt_match(*alts, s);
			if (n < 0)
				continue;
			fl_pydt saved = *t;
			set_part(t, f[1], s, n);
			if (match_at(f + 2, s + n, t, end))
				return 1;
			*t = saved;
		}
		return 0;
	}
	if (py_space((unsigned char)*f)) {
		/* A run of white space in the format is \s+ (greedy). */
		while (py_space((unsigned char)*f))
			f++;
		size_t n = 0;
		while (py_space((unsigned char)s[n]))
			n++;
		for (; n > 0; n--)
			if (match_at(f, s + n, t, end))
				return 1;
		return 0;
	}
	if (tolower((unsigned char)*f) != tolower((unsigned char)*s) || !*s)
		return 0;
	return match_at(f + 1, s + 1, t, end);
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int fl_pydt_parse(const char *fmt, const char *s, fl_pydt *out)
{
	fl_pydt t = { 1900, 1, 1, 0, 0, 0 };
	const char *end = NULL;
	if (!fmt || !s)
		return 0;
	for (const char *p = fmt; *p; p++)   /* a bad directive: ValueError */
		if (*p == '%' && p[1] != '%' && !directive_alts(p[1]))
			return 0;
		else if (*p == '%')
			p++;
	if (!match_at(fmt, s, &t, &end) || *end)
		return 0;
	if (t.year < 1 || t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > days_in_month(t.year, t.month) || t.hour > 23 || t.minute > 59 ||
	    t.second > 59)
		return 0;
	*out = t;
	return 1;
}

const char *fl_pydt_format(fl_arena *a, const char *fmt, const fl_pydt *dt)
{
	fl_buf b;
	fl_buf_init(&b, a);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			fl_buf_putc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'Y': fl_buf_printf(&b, "%04d", dt->year); break;
		case 'y': fl_buf_printf(&b, "%02d", dt->year % 100); break;
		case 'm': fl_buf_printf(&b, "%02d", dt->month); break;
		case 'd': fl_buf_printf(&b, "%02d", dt->day); break;
		case 'H': fl_buf_printf(&b, "%02d", dt->hour); break;
		case 'M': fl_buf_printf(&b, "%02d", dt->minute); break;
		case 'S': fl_buf_printf(&b, "%02d", dt->second); break;
		case '%': fl_buf_putc(&b, '%'); break;
		default: fl_buf_putc(&b, '%'); fl_buf_putc(&b, *p); break;
		}
	}
	return fl_buf_cstr(&b);
}

/* ---- decimal ------------------------------------------------------------- */

/* A finite decimal: sign, coefficient digits without leading zeros ("0"
 * for zero), exponent. */
typedef struct pydec {
	int neg;
	char *digits;
	long long exp;
} pydec;

static char *strip_zeros(char *d)
{
	while (d[0] == '0' && d[1])
		d++;
	return d;
}

/* Decimal.__str__ (to-scientific-string) of a finite value. */
static const char *dec_str(fl_arena *a, const pydec *d)
{
	long long len = (long long)strlen(d->digits);
	long long left = d->exp + len, dot;
	fl_buf b;
	fl_buf_init(&b, a);
	if (d->neg)
		fl_buf_putc(&b, '-');
	dot = d->exp <= 0 && left > -6 ? left : 1;
	if (dot <= 0) {
		fl_buf_puts(&b, "0.");
		for (long long i = 0; i < -dot; i++)
			fl_buf_putc(&b, '0');
		fl_buf_puts(&b, d->digits);
	} else if (dot >= len) {
		fl_buf_puts(&b, d->digits);
		for (long long i = len; i < dot; i++)
			fl_buf_putc(&b, '0');
	} else {
		fl_buf_append(&b, d->digits, (size_t)dot);
		fl_buf_putc(&b, '.');
		fl_buf_puts(&b, d->digits + dot);
	}
	if (left != dot)
		fl_buf_printf(&b, "E%+lld", left - dot);
	return fl_buf_cstr(&b);
}

/* The largest adjusted exponent a decimal may have (Python's is 10^18). */
#define DEC_MAX_ADJUSTED 1000000000000000LL

/* Parse the cleaned text (no space, no '_') of a finite decimal. */
static int dec_parse_finite(fl_arena *a, const char *s, pydec *d)
{
	fl_buf digits;
	fl_buf_init(&digits, a);
	long long frac = 0, exp = 0;
	int seen = 0, dot = 0;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
		} else if (isdigit((unsigned char)*s)) {
			fl_buf_putc(&digits, *s);
			frac += dot;
			seen = 1;
		} else {
			return 0;
		}
	}
	if (!seen)
		return 0;
	if (*s) {
		int eneg = 0, edigits = 0;
		s++;
		if (*s == '+' || *s == '-')
			eneg = *s++ == '-';
		for (; isdigit((unsigned char)*s); s++, edigits++) {
			exp = exp * 10 + (*s - '0');
			if (exp > 100000000000000000LL)   /* 10^17: no overflow below */
				return 0;
		}
		if (!edigits || *s)
			return 0;
		if (eneg)
			exp = -exp;
	}
	d->digits = strip_zeros((char *)fl_buf_cstr(&digits));
	d->exp = exp - frac;
	/* The adjusted exponent (of the number written d.ddd), which the
	 * canonical text keeps: bounding it, not the exponent as written,
	 * makes str() of an accepted decimal acceptable again. */
	long long adjusted = d->exp + (long long)strlen(d->digits) - 1;
	return adjusted >= -DEC_MAX_ADJUSTED && adjusted <= DEC_MAX_ADJUSTED;
}

/* Decimal(s) in canonical text, or NULL. */
const char *fl_pydec_parse(fl_arena *a, const char *s)
{
	if (!s)
		return NULL;
	while (py_space((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && py_space((unsigned char)s[n - 1]))
		n--;
	char *c = fl_arena_alloc(a, n + 1), *o = c;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			*o++ = s[i];
	*o = '\0';
	pydec d = { 0 };
	const char *p = c;
	if (*p == '+' || *p == '-')
		d.neg = *p++ == '-';
	const char *sign = d.neg ? "-" : "";
	if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity"))
		return fl_arena_printf(a, "%sInfinity", sign);
	int snan = !strncasecmp(p, "snan", 4);
	if (snan || !strncasecmp(p, "nan", 3)) {
		const char *payload = p + (snan ? 4 : 3);
		if (strspn(payload, "0123456789") != strlen(payload))
			return NULL;
		while (*payload == '0')
			payload++;
		return fl_arena_printf(a, "%s%s%s", sign, snan ? "sNaN" : "NaN", payload);
	}
	if (!dec_parse_finite(a, p, &d))
		return NULL;
	return dec_str(a, &d);
}

int fl_pydec_is_zero(const char *d)
{
	if (!d || strpbrk(d, "IN"))   /* Infinity, NaN, sNaN are true */
		return 0;
	for (; *d && *d != 'E'; d++)
		if (*d >= '1' && *d <= '9')
			return 0;
	return 1;
}

/* Should dropping `dropped` from a coefficient ending in `last` round up? */
static int round_up(fl_rounding r, int neg, char last, const char *dropped)
{
	int nonzero = strspn(dropped, "0") != strlen(dropped);
	int first = dropped[0] - '0';
	int rest = strspn(dropped + 1, "0") != strlen(dropped + 1);
	switch (r) {
	case FL_ROUND_DOWN: return 0;
	case FL_ROUND_UP: return nonzero;
	case FL_ROUND_CEILING: return nonzero && !neg;
	case FL_ROUND_FLOOR: return nonzero && neg;
	case FL_ROUND_HALF_UP: return first >= 5;
	case FL_ROUND_HALF_DOWN: return first > 5 || (first == 5 && rest);
	default: return first > 5 || (first == 5 && (rest || (last - '0') % 2));
	}
}

const char *fl_pydec_quantize(fl_arena *a, const char *s, int places, fl_rounding r)
{
	pydec d = { 0 };
	const char *p = s;
	if (!s || strpbrk(s, "IN"))
		return s;
	if (*p == '-')
		d.neg = *p++ == '-';
	if (!dec_parse_finite(a, p, &d))
		return s;
	long long q = -(long long)places;
	size_t len = strlen(d.digits);
	fl_buf b;
	fl_buf_init(&b, a);
	if (d.exp >= q) {
		if (d.exp - q > 64)
			return s;
		fl_buf_puts(&b, d.digits);
		for (long long i = q; i < d.exp; i++)
			fl_buf_putc(&b, '0');
	} else {
		long long k = q - d.exp;     /* digits to drop */
		if (k > (long long)len + 64) {
			fl_buf_puts(&b, round_up(r, d.neg, '0', "1") ? "1" : "0");
		} else {
			/* Pad on the left so at least one digit is kept. */
			fl_buf padded;
			fl_buf_init(&padded, a);
			for (long long i = (long long)len; i <= k; i++)
				fl_buf_putc(&padded, '0');
			fl_buf_puts(&padded, d.digits);
			char *all = (char *)fl_buf_cstr(&padded);
			size_t keep = padded.len - (size_t)k;
			const char *dropped = all + keep;
			int up = round_up(r, d.neg, all[keep - 1], dropped);
			all[keep] = '\0';
			for (size_t i = keep; up && i-- > 0;) {   /* add one */
				if (all[i] == '9') {
					all[i] = '0';
				} else {
					all[i]++;
					up = 0;
				}
			}
			if (up)
				fl_buf_putc(&b, '1');
			fl_buf_puts(&b, all);
		}
	}
	d.digits = strip_zeros((char *)fl_buf_cstr(&b));
	d.exp = q;
	if (strlen(d.digits) > 28)   /* past the context's precision */
		return s;
	return dec_str(a, &d);
}
