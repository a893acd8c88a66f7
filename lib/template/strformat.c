/* strformat.c — Python's str.format() (PEP 3101, string.Formatter) for the
 * `'{} {}'.format(a, b)` method of strings, and markupsafe's
 * Markup.format() (EscapeFormatter) for markup: replacement fields by
 * position, automatic numbering and name, `.attr` and `[index]` lookups,
 * conversions !s !r !a, nested fields in a spec (`{:{w}}`), and the format
 * spec mini-language of str, int, bool and float: fill, align, sign, z, #,
 * 0, width, `,` `_` grouping, precision, types s d n c b o x X e E f F g G %.
 * Errors carry Python's messages. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "template/internal.h"

/* A parsed format spec. */
struct fspec {
	const char *fill;   /* one code point; NULL: not given (a space) */
	size_t filln;
	char align;         /* < > ^ = or 0 */
	char sign;          /* + - space or 0 */
	int alt, zero;
	long long width, prec;  /* -1: not given */
	char group;         /* , _ or 0 */
	char type;          /* 0: none */
};

static int align_char(char c)
{
	return c == '<' || c == '>' || c == '^' || c == '=';
}

static long long digits(const char *s, size_t len, size_t *i)
{
	long long v = -1;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (v < 0)
			v = 0;
		if (v < 1000000000LL)
			v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	return v;
}

static fl_err parse_spec(struct rctx *r, const struct node *n, const char *s, size_t len,
			 struct fspec *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->width = sp->prec = -1;
	size_t i = 0, cl = len ? u8_offset(s, len, 1) : 0;
	if (len > cl && align_char(s[cl])) {
		sp->fill = s;
		sp->filln = cl;
		sp->align = s[cl];
		i = cl + 1;
	} else if (len && align_char(s[0])) {
		sp->align = s[0];
		i = 1;
	}
	if (i < len && (s[i] == '+' || s[i] == '-' || s[i] == ' '))
		sp->sign = s[i++];
	if (i < len && s[i] == 'z')
		i++;
	if (i < len && s[i] == '#')
		sp->alt = 1, i++;
	if (i < len && s[i] == '0') {
		sp->zero = 1;
		if (!sp->fill)
			sp->fill = "0", sp->filln = 1;
		if (!sp->align)
			sp->align = '=';
	}
	sp->width = digits(s, len, &i);
	if (i < len && (s[i] == ',' || s[i] == '_'))
		sp->group = s[i++];
	if (i < len && (s[i] == ',' || s[i] == '_'))
		return tpl_fail(r, n, "Cannot specify both ',' and '_'.");
	if (i < len && s[i] == '.') {
		i++;
		sp->prec = digits(s, len, &i);
		if (sp->prec < 0)
			return tpl_fail(r, n, "Format specifier missing precision");
	}
	if (i < len)
		sp->type = s[i++];
	if (i < len)
		return tpl_fail(r, n, "Invalid format specifier");
	if (sp->width > (long long)TPL_MAX_BUILD || sp->prec > 1000)
		return tpl_fail(r, n, "result too large");
	return FL_OK;
}

/* Append `body` (n bytes, `chars` code points) padded to the spec's
 * width; `head` (sign and prefix) goes before the padding for '='. */
static void pad(fl_buf *out, const struct fspec *sp, char def_align, const char *head,
		size_t headn, const char *body, size_t bodyn)
{
	size_t chars = fl_utf8_count(head, headn) + fl_utf8_count(body, bodyn);
	size_t w = sp->width > 0 ? (size_t)sp->width : 0, fill = w > chars ? w - chars : 0;
	char align = sp->align ? sp->align : def_align;
	const char *f = sp->fill ? sp->fill : " ";
	size_t fl = sp->fill ? sp->filln : 1;
	size_t left = align == '>' || align == '=' ? fill : align == '^' ? fill / 2 : 0;
	if (align == '=')
		fl_buf_append(out, head, headn);
	for (size_t k = 0; k < left; k++)
		fl_buf_append(out, f, fl);
	if (align != '=')
		fl_buf_append(out, head, headn);
	fl_buf_append(out, body, bodyn);
	for (size_t k = left; k < fill; k++)
		fl_buf_append(out, f, fl);
}

/* Insert `sep` every `every` digits of the n digits at d (from the right). */
static void group_digits(fl_buf *b, const char *d, size_t n, char sep, size_t every)
{
	for (size_t i = 0; i < n; i++) {
		if (sep && i && (n - i) % every == 0)
			fl_buf_putc(b, sep);
		fl_buf_putc(b, d[i]);
	}
}

/* The digits of a number laid out with grouping and, for the '0' flag,
 * zero padding that counts the separators as Python does. */
static void number_body(fl_buf *b, const struct fspec *sp, size_t headn, const char *d, size_t n,
			const char *rest, size_t restn, size_t every)
{
	size_t want = 0;
	if (sp->zero && sp->align == '=' && sp->fill && sp->fill[0] == '0' && sp->width > 0)
		want = (size_t)sp->width > headn + restn ? (size_t)sp->width - headn - restn : 0;
	size_t nd = n;
	for (;;) {
		size_t len = nd + (sp->group && nd ? (nd - 1) / every : 0);
		if (len >= want)
			break;
		nd++;
	}
	char *z = fl_arena_alloc(b->arena, nd + 1);
	memset(z, '0', nd - n);
	memcpy(z + (nd - n), d, n);
	group_digits(b, z, nd, sp->group, every);
	fl_buf_append(b, rest, restn);
}

static fl_err fmt_int(struct rctx *r, const struct node *n, fl_buf *out, json_int_t v,
		      const struct fspec *sp)
{
	char t = sp->type ? sp->type : 'd';
	if (sp->prec >= 0)
		return tpl_fail(r, n, "Precision not allowed in integer format specifier");
	if (sp->group == ',' && t != 'd' && t != 'n')
		return tpl_fail(r, n, "Cannot specify ',' with '%c'.", t);
	if (t == 'n' && sp->group)
		return tpl_fail(r, n, "Cannot specify '%c' with 'n'.", sp->group);
	if (t == 'c') {
		if (sp->sign)
			return tpl_fail(r, n, "Sign not allowed with integer format specifier 'c'");
		if (sp->alt)
			return tpl_fail(r, n, "Alternate form (#) not allowed with integer format specifier 'c'");
		if (v < 0 || v > 0x10FFFF)
			return tpl_fail(r, n, "%%c arg not in range(0x110000)");
		char u[4];
		size_t k = fl_utf8_encode((uint32_t)v, u);
		pad(out, sp, '>', "", 0, u, k);
		return FL_OK;
	}
	unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char d[80];
	const char *prefix = "";
	switch (t) {
	case 'd': case 'n': snprintf(d, sizeof d, "%llu", mag); break;
	case 'x': snprintf(d, sizeof d, "%llx", mag); prefix = "0x"; break;
	case 'X': snprintf(d, sizeof d, "%llX", mag); prefix = "0X"; break;
	case 'o': snprintf(d, sizeof d, "%llo", mag); prefix = "0o"; break;
	case 'b': {
		size_t k = 0;
		char tmp[72];
		do {
			tmp[k++] = (char)('0' + (mag & 1));
			mag >>= 1;
		} while (mag);
		for (size_t i = 0; i < k; i++)
			d[i] = tmp[k - 1 - i];
		d[k] = '\0';
		prefix = "0b";
		break;
	}
	default:
		return tpl_fail(r, n, "Unknown format code '%c' for object of type 'int'", t);
	}
	fl_buf head, body;
	fl_buf_init(&head, r->a);
	fl_buf_init(&body, r->a);
	if (v < 0)
		fl_buf_putc(&head, '-');
	else if (sp->sign == '+' || sp->sign == ' ')
		fl_buf_putc(&head, sp->sign);
	if (sp->alt)
		fl_buf_puts(&head, prefix);
	number_body(&body, sp, head.len, d, strlen(d), "", 0, t == 'd' || t == 'n' ? 3 : 4);
	pad(out, sp, '>', fl_buf_cstr(&head), head.len, fl_buf_cstr(&body), body.len);
	return FL_OK;
}

static fl_err fmt_float(struct rctx *r, const struct node *n, fl_buf *out, double x,
			const struct fspec *sp)
{
	char t = sp->type;
	if (t && !strchr("eEfFgGn%", t))
		return tpl_fail(r, n, "Unknown format code '%c' for object of type 'float'", t);
	if (t == 'n' && sp->group)
		return tpl_fail(r, n, "Cannot specify '%c' with 'n'.", sp->group);
	int prec = sp->prec >= 0 ? (int)sp->prec : 6;
	double a = fabs(x);
	fl_buf num;
	fl_buf_init(&num, r->a);
	char cfmt[16];
	if (!t && sp->prec < 0) {
		tv_float(&num, a);
	} else if (!t || t == 'n') {
		snprintf(cfmt, sizeof cfmt, "%%%s.*g", sp->alt ? "#" : "");
		fl_buf_printf(&num, cfmt, prec ? prec : 1, a);
		/* Python's general format without a type keeps one decimal */
		if (!t && isfinite(a) && !memchr(num.data, '.', num.len) && !memchr(num.data, 'e', num.len))
			fl_buf_puts(&num, ".0");
	} else if (t == '%') {
		snprintf(cfmt, sizeof cfmt, "%%%s.*f", sp->alt ? "#" : "");
		fl_buf_printf(&num, cfmt, prec, a * 100.0);
		fl_buf_putc(&num, '%');
	} else {
		snprintf(cfmt, sizeof cfmt, "%%%s.*%c", sp->alt ? "#" : "", t);
		fl_buf_printf(&num, cfmt, prec, a);
	}
	const char *s = fl_buf_cstr(&num);
	if (!isfinite(a)) {  /* Python writes inf and nan in lower case but for F, E, G */
		fl_buf_init(&num, r->a);
		fl_buf_puts(&num, isnan(a) ? (t == 'F' || t == 'E' || t == 'G' ? "NAN" : "nan")
					   : (t == 'F' || t == 'E' || t == 'G' ? "INF" : "inf"));
		if (t == '%')
			fl_buf_putc(&num, '%');
		s = fl_buf_cstr(&num);
	}
	size_t intn = strspn(s, "0123456789");
	fl_buf head, body;
	fl_buf_init(&head, r->a);
	fl_buf_init(&body, r->a);
	if (signbit(x) && !isnan(x))
		fl_buf_putc(&head, '-');
	else if (sp->sign == '+' || sp->sign == ' ')
		fl_buf_putc(&head, sp->sign);
	number_body(&body, sp, head.len, s, intn, s + intn, num.len - intn, 3);
	pad(out, sp, '>', fl_buf_cstr(&head), head.len, fl_buf_cstr(&body), body.len);
	return FL_OK;
}

static fl_err fmt_str(struct rctx *r, const struct node *n, fl_buf *out, const char *s,
		      size_t len, const struct fspec *sp)
{
	if (sp->type && sp->type != 's')
		return tpl_fail(r, n, "Unknown format code '%c' for object of type 'str'", sp->type);
	if (sp->sign)
		return tpl_fail(r, n, "Sign not allowed in string format specifier");
	if (sp->alt)
		return tpl_fail(r, n, "Alternate form (#) not allowed in string format specifier");
	if (sp->align == '=')
		return tpl_fail(r, n, "'=' alignment not allowed in string format specifier");
	if (sp->group)
		return tpl_fail(r, n, "Cannot specify '%c' with 's'.", sp->group);
	if (sp->prec >= 0)
		len = u8_offset(s, len, (size_t)sp->prec);
	pad(out, sp, '<', "", 0, s, len);
	return FL_OK;
}

fl_err tpl_format_value(struct rctx *r, const struct node *n, fl_buf *out, json_t *v,
			const char *spec, size_t speclen)
{
	struct fspec sp;
	if (!speclen || json_is_null(v) || !v || json_is_array(v) ||
	    (json_is_object(v) && !fl_is_markup(v))) {
		if (speclen)
			return tpl_fail(r, n, "unsupported format string passed to %s.__format__",
					tv_typename(v));
		tv_str(out, v);
		return FL_OK;
	}
	fl_err e = parse_spec(r, n, spec, speclen, &sp);
	if (e)
		return e;
	if (tv_is_stringish(v)) {
		size_t len;
		const char *s = tv_cstr(r->a, v, &len);
		return fmt_str(r, n, out, s, len, &sp);
	}
	if (json_is_real(v) || (sp.type && strchr("eEfFgG%", sp.type)))
		return fmt_float(r, n, out, tv_number(v), &sp);
	return fmt_int(r, n, out, json_is_integer(v) ? json_integer_value(v) : json_is_true(v), &sp);
}

/* ---- the replacement fields ---- */

struct fstate {
	json_t **pos;
	size_t npos;
	const char **kwn;
	json_t **kwv;
	size_t nkw;
	long long auto_next;   /* -1: manual numbering was used */
	int manual;
	int escape;            /* Markup.format: escape what is not markup */
};

/* The value a field name (`0`, ``, `name`, `0.attr[1]`) stands for. */
static fl_err field_value(struct rctx *r, const struct node *n, struct fstate *fs,
			  const char *f, size_t len, json_t **out)
{
	size_t i = strcspn(f, ".["), k;
	if (i > len)
		i = len;
	json_t *v = NULL;
	if (i == 0) {
		if (fs->manual)
			return tpl_fail(r, n, "cannot switch from manual field specification to automatic field numbering");
		fs->auto_next++;
		if ((size_t)fs->auto_next >= fs->npos)
			return tpl_fail(r, n, "Replacement index %lld out of range for positional args tuple",
					fs->auto_next);
		v = fs->pos[fs->auto_next];
	} else if (strspn(f, "0123456789") >= i) {
		if (fs->auto_next >= 0)
			return tpl_fail(r, n, "cannot switch from automatic field numbering to manual field specification");
		fs->manual = 1;
		size_t j = 0;
		long long idx = digits(f, i, &j);
		if (idx < 0 || (size_t)idx >= fs->npos)
			return tpl_fail(r, n, "Replacement index %lld out of range for positional args tuple", idx);
		v = fs->pos[idx];
	} else {
		for (k = 0; k < fs->nkw; k++)
			if (strlen(fs->kwn[k]) == i && !memcmp(fs->kwn[k], f, i))
				break;
		if (k == fs->nkw)
			return tpl_fail(r, n, "'%.*s'", (int)i, f);
		v = fs->kwv[k];
	}
	while (i < len) {
		int attr = f[i] == '.';
		size_t start = ++i;
		if (attr) {
			i += strcspn(f + i, ".[");
			if (i > len)
				i = len;
		} else {
			const char *close = memchr(f + i, ']', len - i);
			if (!close)
				return tpl_fail(r, n, "Missing ']' in format string");
			i = (size_t)(close - f);
		}
		if (i == start)
			return tpl_fail(r, n, "Empty attribute in format string");
		const char *key = fl_arena_strndup(r->a, f + start, i - start);
		if (!attr)
			i++;  /* past ']' */
		json_t *items = tv_seq_items(v);
		size_t kl = strlen(key);
		if (!attr && strspn(key, "0123456789") == kl && (json_is_array(v) || items || tv_is_stringish(v))) {
			json_t *seq = items ? items : v;
			size_t j = 0;
			long long idx = digits(key, kl, &j);
			if (tv_is_stringish(seq)) {
				size_t sl;
				const char *s = tv_cstr(r->a, seq, &sl);
				if ((size_t)idx >= fl_utf8_count(s, sl))
					return tpl_fail(r, n, "string index out of range");
				size_t off = u8_offset(s, sl, (size_t)idx);
				v = json_stringn_nocheck(s + off, u8_offset(s + off, sl - off, 1));
			} else if ((size_t)idx >= json_array_size(seq)) {
				return tpl_fail(r, n, "%s index out of range", tv_typename(v));
			} else {
				v = json_array_get(seq, (size_t)idx);
			}
		} else if (json_is_object(v) && !fl_is_markup(v) && !tv_hidden_key(key, kl) &&
			   tpl_member(tpl_whole(v), key)) {
			/* `.name` reads a dict's member too: Flagon's rows stand
			 * for the model objects of a Flask application. */
			v = json_object_get(v, key);
		} else if (attr) {
			return tpl_fail(r, n, "'%s' object has no attribute '%s'", tv_typename(v), key);
		} else if (json_is_array(v)) {
			return tpl_fail(r, n, "list indices must be integers or slices, not str");
		} else {
			return tpl_fail(r, n, "'%s'", key);
		}
	}
	*out = v;
	return FL_OK;
}

static fl_err vformat(struct rctx *r, const struct node *n, struct fstate *fs, fl_buf *out,
		      const char *fmt, size_t len, int depth);

/* One replacement field `{...}` (its inside: f, len). */
static fl_err field(struct rctx *r, const struct node *n, struct fstate *fs, fl_buf *out,
		    const char *f, size_t len, int depth)
{
	size_t i = 0;
	int bracket = 0;
	while (i < len && (bracket || (f[i] != '!' && f[i] != ':'))) {
		if (f[i] == '[')
			bracket = 1;
		else if (f[i] == ']')
			bracket = 0;
		i++;
	}
	size_t namelen = i;
	char conv = 0;
	if (i < len && f[i] == '!') {
		if (i + 1 >= len)
			return tpl_fail(r, n, "end of string while looking for conversion specifier");
		conv = f[i + 1];
		i += 2;
		if (i < len && f[i] != ':')
			return tpl_fail(r, n, "expected ':' after conversion specifier");
		if (conv != 's' && conv != 'r' && conv != 'a')
			return tpl_fail(r, n, "Unknown conversion specifier %c", conv);
	}
	const char *spec = "";
	size_t specn = 0;
	if (i < len && f[i] == ':') {
		fl_buf sb;
		fl_buf_init(&sb, r->a);
		fl_err e = vformat(r, n, fs, &sb, f + i + 1, len - i - 1, depth + 1);
		if (e)
			return e;
		spec = fl_buf_cstr(&sb);
		specn = sb.len;
	}
	json_t *v;
	fl_err e = field_value(r, n, fs, f, namelen, &v);
	if (e)
		return e;
	if ((e = tpl_as_string(r, n, v, &v)))
		return e;
	if (conv) {
		fl_buf cb;
		fl_buf_init(&cb, r->a);
		if (conv == 's')
			tv_str(&cb, v);
		else
			tv_repr(&cb, v);
		if (conv == 'a') {  /* ascii(): repr with non-ASCII escaped */
			fl_buf ab;
			fl_buf_init(&ab, r->a);
			for (size_t at = 0; at < cb.len;) {
				uint32_t cp = (unsigned char)cb.data[at];
				size_t k = 1;
				if (cp >= 0x80 && !(k = fl_utf8_decode(cb.data + at, cb.len - at, &cp)))
					k = 1;
				if (cp < 0x80)
					fl_buf_putc(&ab, (char)cp);
				else
					fl_buf_printf(&ab, cp < 0x100 ? "\\x%02x" : cp < 0x10000 ? "\\u%04x" : "\\U%08x",
						      (unsigned)cp);
				at += k;
			}
			cb = ab;
		}
		v = json_stringn_nocheck(cb.data ? cb.data : "", cb.len);
	}
	if (fs->escape && fl_is_markup(v)) {
		if (specn)
			return tpl_fail(r, n, "Unsupported format specification for Markup.");
		size_t hl;
		const char *h = tv_html(v, &hl);
		fl_buf_append(out, h, hl);
		return FL_OK;
	}
	if (!fs->escape)
		return tpl_format_value(r, n, out, v, spec, specn);
	fl_buf t;
	fl_buf_init(&t, r->a);
	if ((e = tpl_format_value(r, n, &t, v, spec, specn)))
		return e;
	fl_html_escape(out, fl_buf_cstr(&t), t.len);
	return FL_OK;
}

static fl_err vformat(struct rctx *r, const struct node *n, struct fstate *fs, fl_buf *out,
		      const char *fmt, size_t len, int depth)
{
	if (depth > 1)
		return tpl_fail(r, n, "Max string recursion exceeded");
	for (size_t i = 0; i < len;) {
		char c = fmt[i];
		if (c != '{' && c != '}') {
			size_t k = strcspn(fmt + i, "{}");
			if (k > len - i)
				k = len - i;
			fl_buf_append(out, fmt + i, k);
			i += k;
			continue;
		}
		if (i + 1 < len && fmt[i + 1] == c) {
			fl_buf_putc(out, c);
			i += 2;
			continue;
		}
		if (c == '}')
			return tpl_fail(r, n, "Single '}' encountered in format string");
		/* the matching '}', counting nested fields of the spec */
		size_t j = i + 1;
		int nest = 1;
		for (; j < len; j++) {
			if (fmt[j] == '{')
				nest++;
			else if (fmt[j] == '}' && --nest == 0)
				break;
		}
		if (j >= len)
			return tpl_fail(r, n, nest > 1 ? "expected '}' before end of string"
						       : "Single '{' encountered in format string");
		fl_err e = field(r, n, fs, out, fmt + i + 1, j - i - 1, depth);
		if (e)
			return e;
		if (out->len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
		i = j + 1;
	}
	return FL_OK;
}

fl_err tpl_strformat(struct rctx *r, const struct node *n, fl_buf *out, const char *fmt,
		     size_t len, json_t **pos, size_t npos, const char **kwn, json_t **kwv,
		     size_t nkw, int escape)
{
	struct fstate fs = {pos, npos, kwn, kwv, nkw, -1, 0, escape};
	return vformat(r, n, &fs, out, fmt, len, 0);
}
