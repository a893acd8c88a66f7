/* filters.c — Jinja's builtin filters and tests (jinja2/filters.py,
 * jinja2/tests.py) for the supported subset, with the same defaults. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "template/internal.h"

#define FILTER(name) static TPL_FILTER_FN(name)

#define BIND(...) TPL_BIND(0, __VA_ARGS__)


static json_t *mkstr(fl_buf *b)
{
	return json_stringn_nocheck(b->data ? b->data : "", b->len);
}

static json_int_t intarg(json_t *v, json_int_t def)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (json_int_t)json_real_value(v);
	if (json_is_boolean(v))
		return json_is_true(v);
	return def;
}

/* ---- escaping ---- */

static json_t *escape(struct rctx *r, json_t *v)
{
	if (fl_is_markup(v))
		return v;
	size_t len;
	const char *s = v ? tv_cstr(r->a, v, &len) : "";
	fl_buf b;
	fl_buf_init(&b, r->a);
	if (!v)
		len = 0;
	fl_html_escape(&b, s, len);
	return tpl_markup_n(b.data, b.len);
}

FILTER(f_safe)
{
	TPL_NOARGS();
	if (fl_is_markup(v)) {
		*out = v;
		return FL_OK;
	}
	size_t len = 0;
	const char *s = v ? tv_cstr(r->a, v, &len) : "";
	*out = tpl_markup_n(s, len);
	return FL_OK;
}

FILTER(f_escape)
{
	TPL_NOARGS();
	*out = escape(r, v);
	return FL_OK;
}

/* ---- strings ---- */

static const char *sarg(struct rctx *r, json_t *v, size_t *len)
{
	if (!v) {
		*len = 0;
		return "";
	}
	return tv_cstr(r->a, v, len);
}

static fl_err casemap(struct rctx *r, json_t *v, int mode, json_t **out)
{
	*out = tv_casemap(r->a, r->env->utf8, v, mode);
	return FL_OK;
}

FILTER(f_lower) { TPL_NOARGS(); return casemap(r, v, 'l', out); }
FILTER(f_upper) { TPL_NOARGS(); return casemap(r, v, 'u', out); }
FILTER(f_title) { TPL_NOARGS(); return casemap(r, v, 't', out); }
FILTER(f_capitalize) { TPL_NOARGS(); return casemap(r, v, 'c', out); }

static int py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

FILTER(f_trim)
{
	BIND("chars");
	size_t len, cl = 0;
	const char *s = sarg(r, v, &len), *chars = NULL;
	if (p[0] && !json_is_null(p[0]))
		chars = tv_cstr(r->a, p[0], &cl);
	size_t i = 0, j = len;
	tpl_str_strip(s, &i, &j, chars, cl, 1, 1);
	fl_buf b;
	fl_buf_init(&b, r->a);
	fl_buf_append(&b, s + i, j - i);
	*out = tv_like(v, &b);
	return FL_OK;
}

/* Python's html.unescape (markupsafe's Markup.unescape) */
struct entity { const char *name, *text; };
static const struct entity entities[] = {
#include "template/entities.inc"
};

static int cmp_entity(const void *k, const void *e)
{
	return strcmp(k, ((const struct entity *)e)->name);
}

static const char *entity_text(const char *name)
{
	const struct entity *e = bsearch(name, entities, sizeof entities / sizeof entities[0],
					 sizeof entities[0], cmp_entity);
	return e ? e->text : NULL;
}

/* html._invalid_charrefs: what C1 controls and a few others become */
static uint32_t charref_fix(unsigned long cp, int *drop)
{
	static const uint16_t c1[32] = {
		0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030,
		0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c,
		0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
		0x017e, 0x0178};
	*drop = 0;
	if (cp == 0)
		return 0xFFFD;
	if (cp == 0x0d)
		return '\r';
	if (cp >= 0x80 && cp <= 0x9f)
		return c1[cp - 0x80];
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0xFFFD;
	/* html._invalid_codepoints are removed */
	if ((cp >= 0x1 && cp <= 0x8) || cp == 0xb || (cp >= 0xe && cp <= 0x1f) ||
	    (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		*drop = 1;
	return (uint32_t)cp;
}

static void unescape(fl_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (s[i] != '&') {
			fl_buf_putc(b, s[i++]);
			continue;
		}
		size_t j = i + 1;
		if (j < n && s[j] == '#') {
			int hex = j + 1 < n && (s[j + 1] == 'x' || s[j + 1] == 'X');
			size_t k = j + 1 + (size_t)hex, start = k;
			unsigned long cp = 0;
			while (k < n && (hex ? isxdigit((unsigned char)s[k]) : isdigit((unsigned char)s[k]))) {
				char c = s[k++];
				if (cp <= 0x10FFFF)
					cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10);
			}
			if (k > start) {
				if (k < n && s[k] == ';')
					k++;
				int drop;
				uint32_t u = charref_fix(cp, &drop);
				if (!drop) {
					char e[4];
					fl_buf_append(b, e, fl_utf8_encode(u, e));
				}
				i = k;
				continue;
			}
			fl_buf_putc(b, s[i++]);
			continue;
		}
		/* [^\t\n\f <&#;]{1,32};? */
		size_t k = j;
		while (k < n && k - j < 32 && !strchr("\t\n\f <&#;", s[k]) && s[k])
			k++;
		if (k == j) {
			fl_buf_putc(b, s[i++]);
			continue;
		}
		size_t end = k < n && s[k] == ';' ? k + 1 : k;
		char name[40];
		memcpy(name, s + j, end - j);
		name[end - j] = '\0';
		const char *t = entity_text(name);
		size_t used = end - j;
		/* else the longest name that is a prefix (legacy "&eacute" etc.) */
		for (size_t x = end - j - 1; !t && x > 1; x--) {
			name[x] = '\0';
			t = entity_text(name);
			used = x;
		}
		if (!t) {
			fl_buf_append(b, s + i, end - i);
		} else {
			fl_buf_puts(b, t);
			fl_buf_append(b, s + j + used, end - j - used);
		}
		i = end;
	}
}

FILTER(f_striptags)
{
	TPL_NOARGS();
	size_t len;
	const char *s = sarg(r, v, &len);
	fl_buf t, w, u;
	fl_buf_init(&t, r->a);
	/* markupsafe: drop <!-- comments -->, then <tags>, then squeeze
	 * whitespace, then unescape. */
	for (size_t i = 0; i < len;) {
		if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
			const char *end = memmem(s + i + 4, len - i - 4, "-->", 3);
			if (end) {
				i = (size_t)(end - s) + 3;
				continue;
			}
		}
		fl_buf_putc(&t, s[i++]);
	}
	fl_buf_init(&w, r->a);
	for (size_t i = 0; i < t.len;) {
		if (t.data[i] == '<') {
			const char *end = memchr(t.data + i, '>', t.len - i);
			if (end) {
				i = (size_t)(end - t.data) + 1;
				continue;
			}
		}
		fl_buf_putc(&w, t.data[i++]);
	}
	fl_buf_init(&t, r->a);
	for (size_t i = 0; i < w.len;) {
		while (i < w.len && py_space((unsigned char)w.data[i]))
			i++;
		size_t j = i;
		while (j < w.len && !py_space((unsigned char)w.data[j]))
			j++;
		if (j > i) {
			if (t.len)
				fl_buf_putc(&t, ' ');
			fl_buf_append(&t, w.data + i, j - i);
		}
		i = j;
	}
	fl_buf_init(&u, r->a);
	unescape(&u, fl_buf_cstr(&t), t.len);
	*out = mkstr(&u);
	return FL_OK;
}

FILTER(f_truncate)
{
	BIND("length", "killwords", "end", "leeway");
	json_int_t length = p[0] ? intarg(p[0], 255) : 255;
	json_int_t leeway = p[3] && !json_is_null(p[3]) ? intarg(p[3], 5) : 5;
	size_t el, len;
	const char *end = p[2] ? tv_cstr(r->a, p[2], &el) : "...";
	if (!p[2])
		el = 3;
	json_int_t endlen = (json_int_t)fl_utf8_count(end, el);
	if (length < endlen)
		return tpl_fail(r, n, "expected length >= %lld, got %lld", (long long)endlen,
				(long long)length);
	if (leeway < 0)
		return tpl_fail(r, n, "expected leeway >= 0, got %lld", (long long)leeway);
	const char *s = sarg(r, v, &len);
	json_int_t chars = (json_int_t)fl_utf8_count(s, len);
	if (chars <= length + leeway) {
		*out = v && tv_is_stringish(v) ? v : json_stringn_nocheck(s, len);
		return FL_OK;
	}
	size_t cut = u8_offset(s, len, (size_t)(length - endlen));
	if (!tv_truthy(p[1])) {
		/* rsplit(" ", 1)[0]: drop the last partial word */
		for (size_t i = cut; i > 0; i--) {
			if (s[i - 1] == ' ') {
				cut = i - 1;
				break;
			}
		}
	}
	fl_buf b;
	fl_buf_init(&b, r->a);
	fl_buf_append(&b, s, cut);
	if (fl_is_markup(v) && !fl_is_markup(p[2]))
		fl_html_escape(&b, end, el);
	else
		fl_buf_append(&b, end, el);
	*out = tv_like(v, &b);
	return FL_OK;
}

FILTER(f_format)
{
	if (nargs && nkw)
		return tpl_fail(r, n, "can't handle positional and keyword arguments at the same time");
	json_t *a = NULL, *kw = NULL;
	if (nkw) {
		kw = json_object();
		for (size_t i = 0; i < nkw; i++)
			json_object_set_nocheck(kw, kwn[i], kwv[i] ? kwv[i] : json_null());
	} else {
		a = json_array();
		for (size_t i = 0; i < nargs; i++)
			json_array_append(a, args[i] ? args[i] : json_null());
	}
	size_t len;
	const char *s = sarg(r, v, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	fl_err e = tpl_pyformat(r, n, &b, s, len, a, kw, fl_is_markup(v));
	if (!e)
		*out = tv_like(v, &b);
	return e;
}

FILTER(f_string)
{
	TPL_NOARGS();
	if (tv_is_stringish(v)) {
		*out = v;
		return FL_OK;
	}
	size_t len;
	const char *s = sarg(r, v, &len);
	*out = json_stringn_nocheck(s, len);
	return FL_OK;
}

FILTER(f_replace)
{
	BIND("old", "new", "count");
	if (!p[0] || !p[1])
		return tpl_fail(r, n, "filter 'replace' needs old and new strings");
	size_t len, ol, nl;
	const char *s = sarg(r, v, &len);
	const char *o = tv_cstr(r->a, p[0], &ol), *nw = tv_cstr(r->a, p[1], &nl);
	json_int_t count = p[2] && !json_is_null(p[2]) ? intarg(p[2], -1) : -1;
	/* Jinja's do_replace: without autoescape a plain str.replace */
	int mk = r->autoescape && (fl_is_markup(v) || fl_is_markup(p[0]) || fl_is_markup(p[1]));
	fl_buf b, eo, en, es;
	if (mk) {
		/* Jinja escapes every non-markup side first, then replaces. */
		fl_buf_init(&es, r->a);
		fl_buf_init(&eo, r->a);
		fl_buf_init(&en, r->a);
		if (fl_is_markup(v)) fl_buf_append(&es, s, len); else fl_html_escape(&es, s, len);
		if (fl_is_markup(p[0])) fl_buf_append(&eo, o, ol); else fl_html_escape(&eo, o, ol);
		if (fl_is_markup(p[1])) fl_buf_append(&en, nw, nl); else fl_html_escape(&en, nw, nl);
		s = fl_buf_cstr(&es), len = es.len;
		o = fl_buf_cstr(&eo), ol = eo.len;
		nw = fl_buf_cstr(&en), nl = en.len;
	}
	fl_buf_init(&b, r->a);
	size_t i = 0;
	for (json_int_t done = 0; count < 0 || done < count; done++) {
		if (ol == 0) {
			/* Python inserts `new` between every character. */
			fl_buf_append(&b, nw, nl);
			if (i >= len)
				break;
			size_t k = u8_offset(s + i, len - i, 1);
			fl_buf_append(&b, s + i, k);
			i += k;
			if (b.len > TPL_MAX_BUILD)
				return tpl_fail(r, n, "result too large");
			continue;
		}
		const char *hit = memmem(s + i, len - i, o, ol);
		if (!hit)
			break;
		fl_buf_append(&b, s + i, (size_t)(hit - (s + i)));
		fl_buf_append(&b, nw, nl);
		i = (size_t)(hit - s) + ol;
		if (b.len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	if (i < len)
		fl_buf_append(&b, s + i, len - i);
	*out = mk ? tpl_markup_n(b.data, b.len) : mkstr(&b);
	return FL_OK;
}

FILTER(f_wordcount)
{
	TPL_NOARGS();
	size_t len, words = 0;
	const char *s = sarg(r, v, &len);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '_' || c >= 0x80) {
			words++;
			while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_' || (unsigned char)s[i] >= 0x80))
				i++;
		} else {
			i++;
		}
	}
	*out = json_integer((json_int_t)words);
	return FL_OK;
}

/* ---- values ---- */

FILTER(f_default)
{
	BIND("default_value", "boolean");
	if (!v || (tv_truthy(p[1]) && !tv_truthy(v)))
		*out = p[0] ? p[0] : json_string("");
	else
		*out = v;
	return FL_OK;
}

FILTER(f_length)
{
	TPL_NOARGS();
	long long len = tv_len(v);
	if (len < 0)
		return tpl_fail(r, n, "object of type '%s' has no len()", tv_typename(v));
	*out = json_integer(len);
	return FL_OK;
}

FILTER(f_join)
{
	BIND("d", "attribute");
	json_t *items = tv_iter(v);
	if (!items)
		return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(v));
	struct tpl_getter attr;  /* join(attribute=): make_attrgetter */
	tpl_make_getter(r, p[1], NULL, 0, &attr);
	size_t n_items = json_array_size(items), dl = 0;
	const char *d = p[0] ? tv_cstr(r->a, p[0], &dl) : "";
	int any_markup = fl_is_markup(p[0]);
	json_t **vals = fl_arena_calloc(r->a, n_items + 1, sizeof *vals);
	for (size_t i = 0; i < n_items; i++) {
		fl_err e = tpl_getter_get(r, n, &attr, json_array_get(items, i), &vals[i]);
		if (e)
			return e;
		any_markup |= fl_is_markup(vals[i]);
	}
	if (!r->autoescape)
		any_markup = 0;  /* Jinja's do_join: str(d).join(map(str, value)) */
	fl_buf b;
	fl_buf_init(&b, r->a);
	for (size_t i = 0; i < n_items; i++) {
		size_t l;
		const char *s;
		if (i) {
			if (any_markup && !fl_is_markup(p[0]))
				fl_html_escape(&b, d, dl);
			else
				fl_buf_append(&b, d, dl);
		}
		if (!vals[i])
			continue;
		s = tv_cstr(r->a, vals[i], &l);
		if (any_markup && !fl_is_markup(vals[i]))
			fl_html_escape(&b, s, l);
		else
			fl_buf_append(&b, s, l);
	}
	/* with autoescape, a join that saw markup is markup */
	*out = any_markup ? tpl_markup_n(b.data, b.len) : mkstr(&b);
	return FL_OK;
}

/* Python's round(x, ndigits): correctly rounded, ties to even. */
static double py_round(double x, json_int_t nd)
{
	if (!isfinite(x) || nd > 320)
		return x;
	if (nd >= 0) {
		char tmp[512];
		snprintf(tmp, sizeof tmp, "%.*f", (int)nd, x);
		return strtod(tmp, NULL);
	}
	if (nd < -308)
		return 0.0 * x;
	double m = pow(10.0, (double)-nd);
	return nearbyint(x / m) * m;
}

FILTER(f_round)
{
	BIND("precision", "method");
	json_int_t prec = p[0] ? intarg(p[0], 0) : 0;
	const char *method = p[1] && json_is_string(p[1]) ? json_string_value(p[1]) : "common";
	if (strcmp(method, "common") && strcmp(method, "ceil") && strcmp(method, "floor"))
		return tpl_fail(r, n, "method must be common, ceil or floor");
	if (!tv_is_number(v))
		return tpl_fail(r, n, "type %s doesn't define __round__ method", tv_typename(v));
	if (!strcmp(method, "common")) {
		if (!json_is_real(v) && prec >= 0) {  /* round(int) stays an int */
			*out = json_integer(intarg(v, 0));
			return FL_OK;
		}
		if (!json_is_real(v)) {
			*out = json_integer((json_int_t)py_round(tv_number(v), prec));
			return FL_OK;
		}
		*out = json_real(py_round(json_real_value(v), prec));
		return FL_OK;
	}
	double m = pow(10.0, (double)prec), x = tv_number(v) * m;
	x = method[0] == 'c' ? ceil(x) : floor(x);
	*out = isfinite(x / m) ? json_real(x / m) : v;
	return FL_OK;
}

/* Narrow s[*i, *end) past the white space (py_space) at both ends, which
 * float() and int() ignore. */
static void strip_py_space(const char *s, size_t *i, size_t *end)
{
	while (*i < *end && py_space((unsigned char)s[*i]))
		(*i)++;
	while (*end > *i && py_space((unsigned char)s[*end - 1]))
		(*end)--;
}

/* Python's float() of a string: whitespace around, underscores between
 * digits, inf/nan; no hex. */
static int parse_float(const char *s, size_t len, double *d)
{
	char tmp[128];
	size_t m = 0, i = 0;
	strip_py_space(s, &i, &len);
	if (i == len || len - i >= sizeof tmp)
		return 0;
	for (; i < len; i++) {
		char c = s[i];
		if (c == '_') {
			if (!m || !isdigit((unsigned char)tmp[m - 1]) || i + 1 >= len ||
			    !isdigit((unsigned char)s[i + 1]))
				return 0;
			continue;
		}
		if (c == 'x' || c == 'X' || c == '(' || c == 'p' || c == 'P')
			return 0;
		tmp[m++] = c;
	}
	tmp[m] = '\0';
	char *end;
	errno = 0;
	*d = strtod(tmp, &end);
	return *end == '\0';
}

static int parse_int(const char *s, size_t len, int base, json_int_t *out)
{
	char tmp[128];
	size_t m = 0, i = 0;
	strip_py_space(s, &i, &len);
	if (i == len || len - i >= sizeof tmp || base < 0 || base == 1 || base > 36)
		return 0;
	if (s[i] == '+' || s[i] == '-')
		tmp[m++] = s[i++];
	/* Python's int(s, base): 0x/0o/0b prefixes for bases 16/8/2, and base 0
	 * picks the base from the prefix (10 without one) */
	if (len - i > 2 && s[i] == '0') {
		char p = (char)tolower((unsigned char)s[i + 1]);
		int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
		if (pb && (base == 0 || base == pb)) {
			base = pb;
			i += 2;
		}
	}
	if (base == 0)
		base = 10;
	for (; i < len; i++)
		if (s[i] != '_')
			tmp[m++] = s[i];
	tmp[m] = '\0';
	char *end;
	errno = 0;
	if (m && (tmp[m - 1] == '+' || tmp[m - 1] == '-' || tmp[m - 1] == ' ' || tmp[0 + (tmp[0] == '+' || tmp[0] == '-')] == ' '))
		return 0;
	long long v = strtoll(tmp, &end, base);
	if (*end || errno || end == tmp || isspace((unsigned char)tmp[0]))
		return 0;
	*out = v;
	return 1;
}

/* int(undefined) and float(undefined) raise in Jinja (Undefined's __int__
 * and __float__ fail), unlike a value that merely does not convert. */
static fl_err undefined_input(struct rctx *r, const struct node *n)
{
	const char *name = n->a && n->a->kind == N_NAME ? n->a->str : "value";
	return tpl_fail(r, n, "'%s' is undefined", name);
}

FILTER(f_int)
{
	if (!v)
		return undefined_input(r, n);
	BIND("default", "base");
	json_t *def = p[0] ? p[0] : json_integer(0);
	int base = (int)(p[1] ? intarg(p[1], 10) : 10);
	json_int_t iv;
	double d;
	*out = def;
	if (json_is_integer(v) || json_is_boolean(v)) {
		*out = json_integer(intarg(v, 0));
	} else if (json_is_real(v)) {
		d = json_real_value(v);
		if (isfinite(d) && fabs(d) < 9.2e18)
			*out = json_integer((json_int_t)d);
	} else if (tv_is_stringish(v)) {
		size_t len;
		const char *s = tv_cstr(r->a, v, &len);
		if (parse_int(s, len, base, &iv))
			*out = json_integer(iv);
		else if (parse_float(s, len, &d) && isfinite(d) && fabs(d) < 9.2e18)
			*out = json_integer((json_int_t)d);
	}
	return FL_OK;
}

FILTER(f_float)
{
	if (!v)
		return undefined_input(r, n);
	BIND("default");
	double d;
	*out = p[0] ? p[0] : json_real(0.0);
	if (tv_is_number(v)) {
		*out = json_real(tv_number(v));
	} else if (tv_is_stringish(v)) {
		size_t len;
		const char *s = tv_cstr(r->a, v, &len);
		if (parse_float(s, len, &d) && isfinite(d))  /* JSON cannot hold inf/nan */
			*out = json_real(d);
	}
	return FL_OK;
}

FILTER(f_abs)
{
	TPL_NOARGS();
	if (json_is_real(v))
		*out = json_real(fabs(json_real_value(v)));
	else if (tv_is_number(v) && intarg(v, 0) != LLONG_MIN)
		*out = json_integer(llabs(intarg(v, 0)));
	else
		return tpl_fail(r, n, "bad operand type for abs(): '%s'", tv_typename(v));
	return FL_OK;
}

static fl_err first_last(struct rctx *r, const struct node *n, json_t *v, int last, json_t **out)
{
	json_t *items = tv_iter(v);
	if (!items)
		return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(v));
	size_t len = json_array_size(items);
	*out = len ? json_array_get(items, last ? len - 1 : 0) : NULL;
	return FL_OK;
}

FILTER(f_first) { TPL_NOARGS(); return first_last(r, n, v, 0, out); }
FILTER(f_last) { TPL_NOARGS(); return first_last(r, n, v, 1, out); }

FILTER(f_list)
{
	TPL_NOARGS();
	*out = tv_iter(v);
	if (!*out)
		return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(v));
	return FL_OK;
}

FILTER(f_reverse)
{
	TPL_NOARGS();
	if (tv_is_stringish(v)) {
		size_t len;
		const char *s = tv_cstr(r->a, v, &len);
		fl_buf b;
		fl_buf_init(&b, r->a);
		for (size_t i = len; i > 0;) {
			size_t j = i - 1;
			while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
				j--;
			fl_buf_append(&b, s + j, i - j);
			i = j;
		}
		*out = tv_like(v, &b);
		return FL_OK;
	}
	json_t *items = tv_iter(v);
	if (!items)
		return tpl_fail(r, n, "argument to reverse() must be a sequence or iterable");
	json_t *res = json_array();
	for (size_t i = json_array_size(items); i > 0; i--)
		json_array_append(res, json_array_get(items, i - 1));
	*out = res;
	return FL_OK;
}

/* objects: 1 when the filter takes a callable object (a form field) as it
 * is, 0 when it sees the object's string (its call's HTML). */
static const struct tpl_filter filters[] = {
	{"abs", f_abs, 0}, {"capitalize", f_capitalize, 0}, {"count", f_length, 1},
	{"d", f_default, 1}, {"default", f_default, 1}, {"e", f_escape, 0},
	{"escape", f_escape, 0}, {"first", f_first, 1}, {"float", f_float, 0},
	{"format", f_format, 0}, {"int", f_int, 0}, {"join", f_join, 0}, {"last", f_last, 1},
	{"length", f_length, 1}, {"list", f_list, 1}, {"lower", f_lower, 0},
	{"replace", f_replace, 0}, {"reverse", f_reverse, 1}, {"round", f_round, 0},
	{"safe", f_safe, 0}, {"string", f_string, 0}, {"striptags", f_striptags, 0},
	{"title", f_title, 0}, {"trim", f_trim, 0}, {"truncate", f_truncate, 0},
	{"upper", f_upper, 0}, {"wordcount", f_wordcount, 0},
};

const struct tpl_filter *tpl_find_filter(const char *name)
{
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
		if (!strcmp(filters[i].name, name))
			return &filters[i];
	const struct tpl_filter *f = tpl_find_seq_filter(name);
	return f ? f : tpl_find_text_filter(name);
}

/* ---- tests ---- */

#define TEST(name) \
	static fl_err name(struct rctx *r, const struct node *n, json_t *v, json_t **args, \
			   size_t nargs, int *res)

static fl_err need_args(struct rctx *r, const struct node *n, size_t nargs, size_t want)
{
	if (nargs != want)
		return tpl_fail(r, n, "test '%s' takes %zu argument%s (%zu given)", n->str, want,
				want == 1 ? "" : "s", nargs);
	return FL_OK;
}

TEST(t_defined) { *res = v != NULL; return need_args(r, n, nargs, 0); }
TEST(t_undefined) { *res = v == NULL; return need_args(r, n, nargs, 0); }
TEST(t_none) { *res = json_is_null(v); return need_args(r, n, nargs, 0); }
TEST(t_number) { *res = tv_is_number(v); return need_args(r, n, nargs, 0); }
TEST(t_string) { *res = tv_is_stringish(v); return need_args(r, n, nargs, 0); }
TEST(t_mapping) { *res = tpl_is_mapping(v); return need_args(r, n, nargs, 0); }
/* len() and __getitem__ (iter() for `iterable`): undefined too, as Jinja's
 * Undefined is an empty sequence; not a function or a callable object. */
TEST(t_sequence)
{
	*res = !v || json_is_array(v) || tv_is_stringish(v) ||
	       (json_is_object(v) && tpl_callable_kind(v, NULL) < 0);
	return need_args(r, n, nargs, 0);
}
TEST(t_boolean) { *res = json_is_boolean(v); return need_args(r, n, nargs, 0); }
TEST(t_true) { *res = json_is_true(v); return need_args(r, n, nargs, 0); }
TEST(t_false) { *res = json_is_false(v); return need_args(r, n, nargs, 0); }
TEST(t_integer) { *res = json_is_integer(v); return need_args(r, n, nargs, 0); }
TEST(t_float) { *res = json_is_real(v); return need_args(r, n, nargs, 0); }

TEST(t_callable)
{
	*res = tpl_callable_kind(v, NULL) >= 0;
	return need_args(r, n, nargs, 0);
}

static fl_err parity(struct rctx *r, const struct node *n, json_t *v, size_t nargs, int odd, int *res)
{
	fl_err e = need_args(r, n, nargs, 0);
	if (e)
		return e;
	if (!tv_is_number(v))
		return tpl_fail(r, n, "unsupported operand type(s) for %%: '%s' and 'int'", tv_typename(v));
	if (json_is_real(v)) {  /* Python: value % 2 == 1, 3.0 is odd */
		double m = fmod(json_real_value(v), 2.0);
		*res = (m < 0 ? m + 2.0 : m) == (odd ? 1.0 : 0.0);
		return FL_OK;
	}
	*res = (intarg(v, 0) % 2 != 0) == odd;
	return FL_OK;
}

TEST(t_odd) { return parity(r, n, v, nargs, 1, res); }
TEST(t_even) { return parity(r, n, v, nargs, 0, res); }

TEST(t_divisibleby)
{
	fl_err e = need_args(r, n, nargs, 1);
	if (e)
		return e;
	if (!tv_is_number(v) || !tv_is_number(args[0]))
		return tpl_fail(r, n, "divisibleby needs numbers");
	if (tv_number(args[0]) == 0)
		return tpl_fail(r, n, "integer division or modulo by zero");
	*res = fmod(tv_number(v), tv_number(args[0])) == 0;
	return FL_OK;
}

TEST(t_eq) { fl_err e = need_args(r, n, nargs, 1); *res = !e && tv_eq(v, args[0]); return e; }
TEST(t_ne) { fl_err e = need_args(r, n, nargs, 1); *res = !e && !tv_eq(v, args[0]); return e; }

static fl_err order(struct rctx *r, const struct node *n, json_t *v, json_t **args, size_t nargs,
		    int *res, int want_lt, int want_eq, int want_gt)
{
	int c;
	fl_err e = need_args(r, n, nargs, 1);
	if (e)
		return e;
	if (tv_cmp(v, args[0], &c))
		return tpl_fail(r, n, "comparison not supported between instances of '%s' and '%s'",
				tv_typename(v), tv_typename(args[0]));
	*res = c < 0 ? want_lt : c == 0 ? want_eq : want_gt;
	return FL_OK;
}

TEST(t_lt) { return order(r, n, v, args, nargs, res, 1, 0, 0); }
TEST(t_le) { return order(r, n, v, args, nargs, res, 1, 1, 0); }
TEST(t_gt) { return order(r, n, v, args, nargs, res, 0, 0, 1); }
TEST(t_ge) { return order(r, n, v, args, nargs, res, 0, 1, 1); }

TEST(t_in)
{
	fl_err e = need_args(r, n, nargs, 1);
	if (e)
		return e;
	json_t *c = args[0];
	*res = 0;
	if (tv_is_stringish(c) && tv_is_stringish(v)) {
		size_t a, b;
		const char *hay = tv_cstr(r->a, c, &a), *needle = tv_cstr(r->a, v, &b);
		*res = b == 0 || memmem(hay, a, needle, b) != NULL;
	} else if (json_is_array(c)) {
		for (size_t i = 0; i < json_array_size(c) && !*res; i++)
			*res = tv_eq(v, json_array_get(c, i));
	} else if (json_is_object(c)) {
		*res = json_is_string(v) && tpl_member(c, json_string_value(v));
	}
	return FL_OK;
}

/* str(value).islower() / isupper(): a cased character, and no character
 * the other way; Unicode through u8_case. */
static int has_case(struct rctx *r, const json_t *v, int upper)
{
	size_t len;
	const char *s = v ? tv_cstr(r->a, v, &len) : "";
	if (!v)
		len = 0;
	fl_buf same, other;
	fl_buf_init(&same, r->a);
	fl_buf_init(&other, r->a);
	u8_case(&same, r->env->utf8, s, len, upper ? 'u' : 'l');
	u8_case(&other, r->env->utf8, s, len, upper ? 'l' : 'u');
	return same.len == len && !memcmp(same.data ? same.data : "", s, len) &&
	       (other.len != len || memcmp(other.data ? other.data : "", s, len));
}

TEST(t_lower) { *res = has_case(r, v, 0); return need_args(r, n, nargs, 0); }
TEST(t_upper) { *res = has_case(r, v, 1); return need_args(r, n, nargs, 0); }

TEST(t_sameas)
{
	fl_err e = need_args(r, n, nargs, 1);
	*res = !e && (v == args[0] || (json_is_null(v) && json_is_null(args[0])) ||
		      (json_is_true(v) && json_is_true(args[0])) ||
		      (json_is_false(v) && json_is_false(args[0])));
	return e;
}

static const struct tpl_test tests[] = {
	{"!=", t_ne}, {"<", t_lt}, {"<=", t_le}, {"==", t_eq}, {">", t_gt}, {">=", t_ge},
	{"boolean", t_boolean}, {"callable", t_callable}, {"defined", t_defined},
	{"divisibleby", t_divisibleby}, {"eq", t_eq}, {"equalto", t_eq}, {"even", t_even},
	{"false", t_false}, {"float", t_float}, {"ge", t_ge}, {"greaterthan", t_gt}, {"gt", t_gt},
	{"in", t_in}, {"integer", t_integer}, {"iterable", t_sequence}, {"le", t_le},
	{"lessthan", t_lt}, {"lower", t_lower}, {"lt", t_lt}, {"mapping", t_mapping},
	{"ne", t_ne}, {"none", t_none}, {"number", t_number}, {"odd", t_odd},
	{"sameas", t_sameas}, {"sequence", t_sequence}, {"string", t_string}, {"true", t_true},
	{"undefined", t_undefined}, {"upper", t_upper},
};

const struct tpl_test *tpl_find_test(const char *name)
{
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
		if (!strcmp(tests[i].name, name))
			return &tests[i];
	return tpl_find_seq_test(name);  /* escaped, filter, test */
}

/* ---- shared with the other filter files ---- */

fl_err tpl_bind_params(struct rctx *r, const struct node *n, const char *const *params,
		       json_t **args, size_t nargs, const char **kwn, json_t **kwv, size_t nkw,
		       json_t **slots, int undefined_is_none)
{
	size_t np = 0;
	while (params[np])
		np++;
	if (nargs > np)
		return tpl_fail(r, n, "filter '%s' takes at most %zu argument%s (%zu given)", n->str,
				np, np == 1 ? "" : "s", nargs);
	for (size_t i = 0; i < np; i++)
		slots[i] = i >= nargs ? NULL : args[i] ? args[i] : undefined_is_none ? json_null()
			: NULL;
	for (size_t k = 0; k < nkw; k++) {
		size_t i;
		for (i = 0; i < np && strcmp(params[i], kwn[k]); i++)
			;
		if (i == np)
			return tpl_fail(r, n, "filter '%s' got an unexpected keyword argument '%s'",
					n->str, kwn[k]);
		if (i < nargs || slots[i])
			return tpl_fail(r, n, "filter '%s' got multiple values for argument '%s'", n->str,
					kwn[k]);
		slots[i] = kwv[k] ? kwv[k] : undefined_is_none ? json_null() : NULL;
	}
	return FL_OK;
}
