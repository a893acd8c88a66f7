/* pyformat.c — Python's printf-style `str % args` (the `format` filter and
 * the `%` operator on strings): %s %r %d %i %u %x %X %o %e %E %f %F %g %G %c
 * %%, flags "-+ #0", width and precision (or *), and %(name)s with a dict. */
#include <stdio.h>
#include <string.h>

#include "template/internal.h"

struct spec {
	char flags[8];
	int width, prec;   /* -1: not given */
	char conv;
};

static void pad(fl_buf *out, const char *s, size_t n, const struct spec *sp)
{
	size_t chars = fl_utf8_count(s, n);
	size_t w = sp->width > 0 ? (size_t)sp->width : 0;
	int left = strchr(sp->flags, '-') != NULL;
	if (!left)
		for (size_t i = chars; i < w; i++)
			fl_buf_putc(out, ' ');
	fl_buf_append(out, s, n);
	if (left)
		for (size_t i = chars; i < w; i++)
			fl_buf_putc(out, ' ');
}

/* One conversion of v (NULL = undefined) appended to out. */
static fl_err convert(struct rctx *r, const struct node *n, fl_buf *out, const struct spec *sp,
		      json_t *v, int escape_args)
{
	char cfmt[48], num[512];
	int w = sp->width > 300 ? 300 : sp->width, p = sp->prec > 300 ? 300 : sp->prec;
	switch (sp->conv) {
	case 's': case 'r': case 'a': {
		fl_buf t;
		fl_buf_init(&t, r->a);
		if (sp->conv == 's')
			tv_str(&t, v);
		else
			tv_repr(&t, v);
		size_t len = t.len;
		if (sp->prec >= 0)
			len = u8_offset(t.data ? t.data : "", t.len, (size_t)sp->prec);
		if (escape_args && !(sp->conv == 's' && fl_is_markup(v))) {
			fl_buf e;
			fl_buf_init(&e, r->a);
			fl_html_escape(&e, fl_buf_cstr(&t), len);
			pad(out, fl_buf_cstr(&e), e.len, sp);
		} else {
			pad(out, fl_buf_cstr(&t), len, sp);
		}
		return FL_OK;
	}
	case 'c': {
		if (json_is_string(v) && fl_utf8_count(json_string_value(v), json_string_length(v)) == 1) {
			pad(out, json_string_value(v), json_string_length(v), sp);
			return FL_OK;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0x10FFFF)
			return tpl_fail(r, n, "%%c requires int or char");
		json_int_t cp = json_integer_value(v);
		char u[4];
		pad(out, u, fl_utf8_encode((uint32_t)cp, u), sp);
		return FL_OK;
	}
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
		json_int_t iv;
		int is_int = json_is_integer(v) || json_is_boolean(v);
		if (json_is_real(v) && sp->conv != 'x' && sp->conv != 'X' && sp->conv != 'o') {
			double d = json_real_value(v);
			if (!(d > -9.2e18 && d < 9.2e18))
				return tpl_fail(r, n, "cannot convert float to integer");
			iv = (json_int_t)d;
		} else if (is_int) {
			iv = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
		} else {
			return tpl_fail(r, n, "%%%c format: %s is required, not %s", sp->conv,
					sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'o'
						? "an integer" : "a real number",
					tv_typename(v));
		}
		char c = sp->conv == 'i' || sp->conv == 'u' ? 'd' : sp->conv;
		int neg = iv < 0;
		unsigned long long mag = neg ? 0ULL - (unsigned long long)iv : (unsigned long long)iv;
		/* Python formats the magnitude and adds the sign itself (C's %x
		 * would show two's complement). */
		char digits[80];
		snprintf(digits, sizeof digits, c == 'd' ? "%llu" : c == 'x' ? "%llx" : c == 'X' ? "%llX" : "%llo", mag);
		char body[400];
		size_t nd = strlen(digits);
		size_t want = p > 0 && (size_t)p > nd ? (size_t)p : nd;
		memset(body, '0', want - nd);
		memcpy(body + (want - nd), digits, nd + 1);
		const char *prefix = "";
		if (strchr(sp->flags, '#'))
			prefix = c == 'x' ? "0x" : c == 'X' ? "0X" : c == 'o' ? "0o" : "";
		const char *sign = neg ? "-" : strchr(sp->flags, '+') ? "+" : strchr(sp->flags, ' ') ? " " : "";
		int len = snprintf(num, sizeof num, "%s%s%s", sign, prefix, body);
		if (strchr(sp->flags, '0') && !strchr(sp->flags, '-') && w > len) {
			size_t head = strlen(sign) + strlen(prefix);
			char tmp[512];
			snprintf(tmp, sizeof tmp, "%.*s%0*d%s", (int)head, num, w - len, 0, num + head);
			snprintf(num, sizeof num, "%s", tmp);
		}
		pad(out, num, strlen(num), sp);
		return FL_OK;
	}
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
		if (!tv_is_number(v))
			return tpl_fail(r, n, "must be real number, not %s", tv_typename(v));
		snprintf(cfmt, sizeof cfmt, "%%%s*.*%c", sp->flags, sp->conv);
		snprintf(num, sizeof num, cfmt, w < 0 ? 0 : w, p < 0 ? 6 : p, tv_number(v));
		fl_buf_puts(out, num);
		return FL_OK;
	}
	default:
		return tpl_fail(r, n, "unsupported format character '%c'", sp->conv);
	}
}

fl_err tpl_pyformat(struct rctx *r, const struct node *n, fl_buf *out, const char *fmt,
		    size_t len, json_t *args, json_t *kwargs, int escape_args)
{
	size_t argi = 0, nargs = args ? json_array_size(args) : 0;
	int used_mapping = 0;
	for (size_t i = 0; i < len;) {
		if (fmt[i] != '%') {
			const char *pct = memchr(fmt + i, '%', len - i);
			size_t end = pct ? (size_t)(pct - fmt) : len;
			fl_buf_append(out, fmt + i, end - i);
			i = end;
			continue;
		}
		i++;
		json_t *v = NULL;
		int have = 0;
		if (i < len && fmt[i] == '(') {
			const char *close = memchr(fmt + i, ')', len - i);
			if (!close)
				return tpl_fail(r, n, "incomplete format key");
			if (!kwargs)
				return tpl_fail(r, n, "format requires a mapping");
			char *key = fl_arena_strndup(r->a, fmt + i + 1, (size_t)(close - fmt) - i - 1);
			v = json_object_get(kwargs, key);
			if (!v)
				return tpl_fail(r, n, "'%s'", key);
			have = used_mapping = 1;
			i = (size_t)(close - fmt) + 1;
		}
		struct spec sp = {.width = -1, .prec = -1};
		size_t nf = 0;
		while (i < len && strchr("-+ #0", fmt[i]) && fmt[i]) {
			if (nf < sizeof sp.flags - 1 && !memchr(sp.flags, fmt[i], nf))
				sp.flags[nf++] = fmt[i];
			i++;
		}
		for (int part = 0; part < 2; part++) {
			int *dst = part ? &sp.prec : &sp.width;
			if (part) {
				if (i >= len || fmt[i] != '.')
					break;
				i++;
				*dst = 0;
			}
			if (i < len && fmt[i] == '*') {
				i++;
				if (argi >= nargs || !json_is_integer(json_array_get(args, argi)))
					return tpl_fail(r, n, "* wants int");
				json_int_t x = json_integer_value(json_array_get(args, argi++));
				*dst = x < 0 ? (part ? 0 : (int)-(x < -1000 ? -1000 : x)) : (int)(x > 1000 ? 1000 : x);
				if (x < 0 && !part && nf < sizeof sp.flags - 1)
					sp.flags[nf++] = '-';
				continue;
			}
			while (i < len && fmt[i] >= '0' && fmt[i] <= '9') {
				if (*dst < 0)
					*dst = 0;
				if (*dst < 100000)
					*dst = *dst * 10 + (fmt[i] - '0');
				i++;
			}
		}
		while (i < len && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L'))
			i++;
		if (i >= len)
			return tpl_fail(r, n, "incomplete format");
		sp.conv = fmt[i++];
		if (sp.conv == '%') {
			fl_buf_putc(out, '%');
			continue;
		}
		if (!have) {
			if (kwargs) {
				v = kwargs;  /* "%s" % {'a': 1} formats the dict itself */
				used_mapping = 1;
			} else if (argi < nargs) {
				v = json_array_get(args, argi++);
			} else {
				return tpl_fail(r, n, "not enough arguments for format string");
			}
		}
		fl_err e = convert(r, n, out, &sp, v, escape_args);
		if (e)
			return e;
		if (out->len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	if (argi < nargs && !used_mapping)
		return tpl_fail(r, n, "not all arguments converted during string formatting");
	return FL_OK;
}
