/* jsondump.c — jansson's json_dumps, rewritten so that compact rows print
 * as the objects they stand for.  The layout rules (dump_indent, the
 * separators, the sorted-key order) follow jansson 2.14's dump.c; the
 * scalars it writes itself (integers, strings that need no escape, reals
 * whose %.17g text is exact) are byte for byte jansson's, and the others
 * (escaped strings, other reals) are written by jansson.  See jsondump.h. */
#include "base/jsondump.h"
#include "base/row.h"
#include "base/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INDENT(flags) ((flags) & 0x1F)
#define PRECISION(flags) (((flags) >> 11) & 0x1F)

struct dump {
	size_t flags;
	fl_buf *out;
};

/* The output is a few bytes at a time: while they fit the buffer's spare
 * room they are copied in place (fl_buf keeps its NUL), otherwise
 * fl_buf_append grows it. */
static inline void put(struct dump *d, const char *s, size_t n)
{
	fl_buf *b = d->out;
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else {
		fl_buf_append(b, s, n);
	}
}

static inline void put_char(struct dump *d, char c)
{
	put(d, &c, 1);
}

/* jansson's dump_indent: a newline and depth * n spaces with
 * JSON_INDENT(n), else one space where `space` asks (after a comma) unless
 * JSON_COMPACT. */
static void put_indent(struct dump *d, size_t depth, int space)
{
	size_t n = INDENT(d->flags);
	if (n > 0) {
		put_char(d, '\n');
		for (size_t i = 0; i < depth * n; i++)
			put_char(d, ' ');
	} else if (space && !(d->flags & JSON_COMPACT)) {
		put_char(d, ' ');
	}
}

/* After a member or an item: a comma and the next line's indent, or the
 * closing bracket's indent after the last one (jansson's layout). */
static void put_after(struct dump *d, int more, size_t depth)
{
	if (more) {
		put_char(d, ',');
		put_indent(d, depth + 1, 1);
	} else {
		put_indent(d, depth, 0);
	}
}

/* A scalar written by jansson (reals, strings that need escaping). */
static fl_err put_by_jansson(struct dump *d, const json_t *v)
{
	char small[128];
	size_t flags = (d->flags & ~(size_t)0x1F) | JSON_ENCODE_ANY;
	size_t n = json_dumpb(v, small, sizeof small, flags);
	if (n == 0)
		return FL_EUTF8;   /* the only scalar jansson refuses: a bad string */
	if (n <= sizeof small) {
		put(d, small, n);
		return FL_OK;
	}
	char *big = fl_arena_alloc(d->out->arena, n);
	if (json_dumpb(v, big, n, flags) != n)
		return FL_EUTF8;
	fl_buf_append(d->out, big, n);
	return FL_OK;
}

/* What a byte asks of a string's writer: nothing (0), an escape (1: '"',
 * '\\', a control character), or a UTF-8 check (2: bytes from 0x80).
 * '/' is 0 here: JSON_ESCAPE_SLASH is checked apart. */
static const unsigned char byte_class[256] = {
	[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 2,
};

/* Whether jansson writes `s` as it is between quotes: no '"', '\\' or
 * control character (nor '/' under JSON_ESCAPE_SLASH), and either ASCII
 * or (without JSON_ENSURE_ASCII) UTF-8 that jansson accepts — its check
 * is fl_utf8_valid's: no overlong form, surrogate or code point past
 * U+10FFFF.  DEL (0x7f) is written as it is. */
static int plain_text(const char *s, size_t n, size_t flags)
{
	unsigned char seen = 0;
	for (size_t i = 0; i < n; i++)
		seen |= byte_class[(unsigned char)s[i]];
	if (seen & 1)
		return 0;
	if ((flags & JSON_ESCAPE_SLASH) && memchr(s, '/', n))
		return 0;
	return !seen || (!(flags & JSON_ENSURE_ASCII) && fl_utf8_valid(s, n));
}

static fl_err put_string(struct dump *d, const char *s, size_t n, const json_t *v)
{
	if (plain_text(s, n, d->flags)) {
		put_char(d, '"');
		put(d, s, n);
		put_char(d, '"');
		return FL_OK;
	}
	if (v)
		return put_by_jansson(d, v);
	json_t *tmp = json_stringn_nocheck(s, n);   /* a key: rare, only when escaped */
	fl_err err = tmp ? put_by_jansson(d, tmp) : FL_ENOMEM;
	json_decref(tmp);
	return err;
}

/* Decimal digits of `u` into `buf` (room for 20), most significant
 * first; returns how many. */
static size_t put_digits(uint64_t u, char *buf)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* jansson's text for the reals most data holds, without printf: values
 * k / 2^m (k an integer below 2^53, m <= 8: 80.0, 92.5, 67.25) whose
 * decimal expansion, k * 5^m / 10^m, is exact and has at most 17
 * significant digits, so that "%.17g" prints exactly those digits, in
 * fixed notation (its decimal exponent is in [-4, 17)).  jansson then adds
 * ".0" to a text without '.' or 'e'.  Returns the length written to `buf`
 * (room for 48), or 0 when the value is left to jansson. */
static size_t exact_real(double v, char *buf)
{
	static const uint64_t pow5[] = { 1, 5, 25, 125, 625, 3125, 15625, 78125, 390625 };
	if (!isfinite(v))
		return 0;
	double x = fabs(v);
	uint64_t k;
	size_t m = 0;
	for (;; m++, x *= 2) {   /* doubling is exact: x stays below 2^53 */
		if (x >= 9007199254740992.0)
			return 0;
		k = (uint64_t)x;
		if ((double)k == x)
			break;
		if (m == 8)
			return 0;
	}
	if (k > UINT64_MAX / pow5[m])
		return 0;
	char dig[20];
	size_t nd = put_digits(k * pow5[m], dig), nz = 0;
	while (nz < nd - 1 && dig[nd - 1 - nz] == '0')
		nz++;
	long exp10 = (long)nd - 1 - (long)m;
	if (k == 0)
		exp10 = 0;
	if (nd - nz > 17 || exp10 < -4 || exp10 >= 17)
		return 0;
	size_t n = 0;
	if (signbit(v))
		buf[n++] = '-';
	size_t whole = nd > m ? nd - m : 0;   /* digits before the point */
	if (whole) {
		memcpy(buf + n, dig, whole);
		n += whole;
	} else {
		buf[n++] = '0';
	}
	/* the fraction: m digits (zeros first when nd < m), trailing zeros
	 * dropped, as %g drops them */
	size_t lead = m > nd ? m - nd : 0, last = nd;
	while (last > whole && dig[last - 1] == '0')
		last--;
	buf[n++] = '.';
	if (last == whole && !lead) {
		buf[n++] = '0';   /* jansson's ".0" */
		return n;
	}
	memset(buf + n, '0', lead);
	n += lead;
	memcpy(buf + n, dig + whole, last - whole);
	return n + last - whole;
}

static fl_err put_real(struct dump *d, const json_t *v)
{
	char buf[48];
	size_t n = PRECISION(d->flags) ? 0 : exact_real(json_real_value(v), buf);
	if (!n)
		return put_by_jansson(d, v);
	put(d, buf, n);
	return FL_OK;
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

/* jansson's compare_keys: bytes, then the shorter first. */
static int cmp_members(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static fl_err put_value(struct dump *d, const json_t *v, size_t depth);

/* One member of an object at `depth` and what follows it. */
static fl_err put_member(struct dump *d, const char *key, size_t len, const json_t *value,
	size_t depth, int more)
{
	fl_err err = put_string(d, key, len, NULL);
	if (err)
		return err;
	if (d->flags & JSON_COMPACT)
		put_char(d, ':');
	else
		put(d, ": ", 2);
	if ((err = put_value(d, value, depth + 1)))
		return err;
	put_after(d, more, depth);
	return FL_OK;
}

/* A compact row with nothing but its columns (the common case): written
 * straight from its cells, in the shape's sorted order when asked. */
static fl_err put_columns(struct dump *d, json_t *const *cells, const fl_row_shape *s,
	size_t depth)
{
	size_t n = s->ncols;
	put_char(d, '{');
	if (n == 0) {
		put_char(d, '}');
		return FL_OK;
	}
	put_indent(d, depth + 1, 0);
	int sorted = (d->flags & JSON_SORT_KEYS) != 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = sorted ? s->sorted[i] : i;
		fl_err err = put_member(d, s->names[k], s->lens[k], cells[k], depth,
			i + 1 < n);
		if (err)
			return err;
	}
	put_char(d, '}');
	return FL_OK;
}

/* The members of object `v` (a compact row's columns first: its `cells`
 * of shape `s`, NULL for a plain object; then its ordinary members), in
 * order. */
static size_t collect(const json_t *v, json_t **cells, const fl_row_shape *s,
		      struct member *m)
{
	size_t n = 0;
	if (cells)
		for (size_t i = 0; i < s->ncols; i++)
			m[n++] = (struct member){ s->names[i], s->lens[i], cells[i] };
	const char *k;
	size_t klen;
	json_t *x;
	json_object_keylen_foreach((json_t *)v, k, klen, x)
		m[n++] = (struct member){ k, klen, x };
	return n;
}

static fl_err put_object(struct dump *d, const json_t *v, size_t depth)
{
	fl_row_shape *s = NULL;
	json_t **cells = fl_row_cells(v, &s);
	if (cells && json_object_size(v) == 0)
		return put_columns(d, cells, s, depth);
	size_t n = (cells ? s->ncols : 0) + json_object_size(v);
	put_char(d, '{');
	if (n == 0) {
		put_char(d, '}');
		return FL_OK;
	}
	struct member *m = fl_arena_alloc(d->out->arena, n * sizeof *m);
	n = collect(v, cells, s, m);
	if (d->flags & JSON_SORT_KEYS)
		qsort(m, n, sizeof *m, cmp_members);
	put_indent(d, depth + 1, 0);
	for (size_t i = 0; i < n; i++) {
		fl_err err = put_member(d, m[i].key, m[i].len, m[i].value, depth, i + 1 < n);
		if (err)
			return err;
	}
	put_char(d, '}');
	return FL_OK;
}

static fl_err put_array(struct dump *d, const json_t *v, size_t depth)
{
	size_t n = json_array_size(v);
	put_char(d, '[');
	if (n == 0) {
		put_char(d, ']');
		return FL_OK;
	}
	put_indent(d, depth + 1, 0);
	for (size_t i = 0; i < n; i++) {
		fl_err err = put_value(d, json_array_get(v, i), depth + 1);
		if (err)
			return err;
		put_after(d, i + 1 < n, depth);
	}
	put_char(d, ']');
	return FL_OK;
}

static fl_err put_value(struct dump *d, const json_t *v, size_t depth)
{
	if (!v)
		return FL_EINVAL;
	if (depth > FL_JSON_DUMP_MAX_DEPTH)
		return FL_ERANGE;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(d, v, depth);
	case JSON_ARRAY:
		return put_array(d, v, depth);
	case JSON_STRING:
		return put_string(d, json_string_value(v), json_string_length(v), v);
	case JSON_INTEGER:
		fl_buf_put_int(d->out, json_integer_value(v));
		return FL_OK;
	case JSON_REAL:
		return put_real(d, v);
	case JSON_TRUE:
		put(d, "true", 4);
		return FL_OK;
	case JSON_FALSE:
		put(d, "false", 5);
		return FL_OK;
	case JSON_NULL:
		put(d, "null", 4);
		return FL_OK;
	}
	return FL_EINVAL;
}

fl_err fl_json_dump(const json_t *v, size_t flags, fl_buf *out)
{
	if (!v || !out)
		return FL_EINVAL;
	if (!(flags & JSON_ENCODE_ANY) && !json_is_object(v) && !json_is_array(v))
		return FL_EINVAL;
	struct dump d = { .flags = flags, .out = out };
	return put_value(&d, v, 0);
}
