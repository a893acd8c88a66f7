/* methods.c — the Python methods a template can call on its values, as an
 * unsandboxed Jinja environment (Flask's) lets it: str's (and markupsafe's
 * Markup's, which escape their string arguments and stay markup), list's
 * and dict's, plus Jinja's loop.cycle().
 *
 * Mutating methods (list.append, dict.update, …) change the value in place
 * and return None, as in Python, so `{% set _ = l.append(1) %}` works and
 * `{{ l.append(1) }}` prints "None".  They only change containers that the
 * render's arena owns — the caller's context under fl_render (which builds
 * it in the request arena, as Jinja's context holds the caller's objects)
 * and every list or dict the template built; a container from anywhere else
 * (an env global, a heap context) is refused with an error rather than
 * grown with arena memory it would later free. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <string.h>
#include <wctype.h>

#include "template/internal.h"

struct margs {
	json_t **p;      /* bound parameters, NULL where not given */
	json_t **pos;    /* all positional (format, update) */
	size_t npos;
	const char **kwn;
	json_t **kwv;
	size_t nkw;
};

typedef fl_err (*method_fn)(struct rctx *r, const struct node *n, json_t *self,
			    struct margs *a, json_t **out);

struct method {
	const char *name;
	method_fn fn;
	unsigned char min, max;   /* positional arguments */
	const char *kw;           /* "sep maxsplit": keyword names of the parameters, in
				     order; NULL: positional only; "*": any (format) */
};

#define METHOD(name) \
	static fl_err name(struct rctx *r, const struct node *n, json_t *self, struct margs *a, \
			   json_t **out)

/* ---- Python's str helpers, shared with filters_text.c ---- */

int tpl_space_at(const char *s, size_t len, size_t i, size_t *adv)
{
	uint32_t cp = (unsigned char)s[i];
	size_t k = 1;
	if (cp >= 0x80 && !(k = fl_utf8_decode(s + i, len - i, &cp)))
		k = 1, cp = 0xFFFD;
	*adv = k;
	return fl_unicode_isspace(cp);
}

size_t tpl_line_end(const char *s, size_t len, size_t i, size_t *next)
{
	for (size_t j = i; j < len;) {
		unsigned char c = (unsigned char)s[j];
		size_t k = 0;
		if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e))
			k = 1;
		else if (c == '\r')
			k = j + 1 < len && s[j + 1] == '\n' ? 2 : 1;
		else if (c == 0xC2 && j + 1 < len && (unsigned char)s[j + 1] == 0x85)
			k = 2;
		else if (c == 0xE2 && j + 2 < len && (unsigned char)s[j + 1] == 0x80 &&
			 ((unsigned char)s[j + 2] == 0xA8 || (unsigned char)s[j + 2] == 0xA9))
			k = 3;
		if (k) {
			*next = j + k;
			return j;
		}
		j++;
	}
	*next = len;
	return len;
}

fl_err tpl_str_pad(struct rctx *r, const struct node *n, fl_buf *out, const char *s, size_t len,
		   json_int_t width, const char *fill, size_t filln, char align)
{
	json_int_t chars = (json_int_t)fl_utf8_count(s, len);
	if (width <= chars) {
		fl_buf_append(out, s, len);
		return FL_OK;
	}
	if ((unsigned long long)(width - chars) > TPL_MAX_BUILD / (filln ? filln : 1))
		return tpl_fail(r, n, "result too large");
	json_int_t pad = width - chars, left;
	if (align == '<')
		left = 0;
	else if (align == '>')
		left = pad;
	else  /* str.center: the odd one goes left when the width is odd */
		left = pad / 2 + (pad & width & 1);
	for (json_int_t k = 0; k < left; k++)
		fl_buf_append(out, fill, filln);
	fl_buf_append(out, s, len);
	for (json_int_t k = left; k < pad; k++)
		fl_buf_append(out, fill, filln);
	return FL_OK;
}

void tpl_str_strip(const char *s, size_t *i, size_t *j, const char *chars, size_t cl, int left,
		   int right)
{
	size_t adv;
	/* chars are code points: compare whole UTF-8 sequences */
#define IN_CHARS(p, k) (memmem(chars, cl, (p), (k)) != NULL)
	while (left && *i < *j) {
		size_t k = u8_offset(s + *i, *j - *i, 1);
		if (chars ? !IN_CHARS(s + *i, k) : !tpl_space_at(s, *j, *i, &adv))
			break;
		*i += k;
	}
	while (right && *j > *i) {
		size_t st = *j - 1;
		while (st > *i && ((unsigned char)s[st] & 0xC0) == 0x80)
			st--;
		if (chars ? !IN_CHARS(s + st, *j - st) : !tpl_space_at(s, *j, st, &adv))
			break;
		*j = st;
	}
#undef IN_CHARS
}

/* ---- arguments ---- */

static fl_err bind(struct rctx *r, const struct node *n, const struct method *m,
		   json_t **pos, size_t npos, const char **kwn, json_t **kwv, size_t nkw,
		   struct margs *a)
{
	a->pos = pos, a->npos = npos, a->kwn = kwn, a->kwv = kwv, a->nkw = nkw;
	a->p = fl_arena_calloc(r->a, (size_t)m->max + 1, sizeof *a->p);
	if (m->kw && !strcmp(m->kw, "*"))
		return FL_OK;
	if (npos > m->max)
		return tpl_fail(r, n, "%s() takes at most %u argument%s (%zu given)", m->name, m->max,
				m->max == 1 ? "" : "s", npos);
	for (size_t i = 0; i < npos; i++)
		a->p[i] = pos[i] ? pos[i] : json_null();
	size_t given = npos;
	for (size_t k = 0; k < nkw; k++) {
		if (!m->kw)
			return tpl_fail(r, n, "%s() takes no keyword arguments", m->name);
		size_t idx = 0, wl = strlen(kwn[k]);
		const char *w = m->kw;
		for (;;) {
			size_t l = strcspn(w, " ");
			if (l == wl && !memcmp(w, kwn[k], l))
				break;
			if (!w[l]) {
				idx = m->max;
				break;
			}
			w += l + 1;
			idx++;
		}
		if (idx >= m->max)
			return tpl_fail(r, n, "%s() got an unexpected keyword argument '%s'", m->name, kwn[k]);
		if (a->p[idx])
			return tpl_fail(r, n, "%s() got multiple values for argument '%s'", m->name, kwn[k]);
		a->p[idx] = kwv[k] ? kwv[k] : json_null();
		given++;
	}
	if (given < m->min || (m->min && !a->p[m->min - 1]))
		return tpl_fail(r, n, "%s() takes at least %u argument%s (%zu given)", m->name, m->min,
				m->min == 1 ? "" : "s", given);
	return FL_OK;
}

static fl_err int_arg(struct rctx *r, const struct node *n, json_t *v, json_int_t def,
		      json_int_t *out)
{
	if (!v || json_is_null(v)) {
		*out = def;
		return FL_OK;
	}
	if (!json_is_integer(v) && !json_is_boolean(v))
		return tpl_fail(r, n, "'%s' object cannot be interpreted as an integer", tv_typename(v));
	*out = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
	return FL_OK;
}

/* A str argument (markup's html; with `esc`, plain text escaped when the
 * receiver is markup: markupsafe's _escape_argspec, for the methods Markup
 * wraps — the others see the argument as it is). */
static fl_err str_arg(struct rctx *r, const struct node *n, json_t *self, json_t *v, int esc,
		      const char *what, const char **s, size_t *len)
{
	if (!tv_is_stringish(v))
		return tpl_fail(r, n, "%s must be str, not %s", what, tv_typename(v));
	*s = tv_cstr(r->a, v, len);
	if (esc && fl_is_markup(self) && !fl_is_markup(v)) {
		fl_buf b;
		fl_buf_init(&b, r->a);
		fl_html_escape(&b, *s, *len);
		*s = fl_buf_cstr(&b);
		*len = b.len;
	}
	return FL_OK;
}

static json_t *str_like(json_t *self, const char *s, size_t len)
{
	return fl_is_markup(self) ? tpl_markup_n(s, len) : json_stringn_nocheck(s, len);
}

static const char *self_str(struct rctx *r, json_t *self, size_t *len)
{
	return tv_cstr(r->a, self, len);
}

/* ---- str: case ---- */

static fl_err casemap(struct rctx *r, json_t *self, int mode, json_t **out)
{
	*out = tv_casemap(r->a, r->env->utf8, self, mode);
	return FL_OK;
}

METHOD(m_upper) { (void)n, (void)a; return casemap(r, self, 'u', out); }
METHOD(m_lower) { (void)n, (void)a; return casemap(r, self, 'l', out); }
static uint32_t next_cp(const char *s, size_t len, size_t *i);
static int cp_class(struct rctx *r, uint32_t cp, int what);

/* Python's str.title: a cased letter is upper after an uncased character,
 * lower after a cased one (Jinja's title filter splits words otherwise) */
METHOD(m_title)
{
	(void)n, (void)a;
	size_t len;
	const char *s = self_str(r, self, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	int prev_cased = 0;
	for (size_t i = 0; i < len;) {
		size_t start = i;
		uint32_t cp = next_cp(s, len, &i);
		int cased = cp_class(r, cp, 'l') || cp_class(r, cp, 'u');
		if (cased)
			u8_case(&b, r->env->utf8, s + start, i - start, prev_cased ? 'l' : 'u');
		else
			fl_buf_append(&b, s + start, i - start);
		prev_cased = cased;
	}
	*out = tv_like(self, &b);
	return FL_OK;
}
METHOD(m_capitalize) { (void)n, (void)a; return casemap(r, self, 'c', out); }

METHOD(m_casefold)
{
	(void)n, (void)a;
	size_t len;
	const char *s = self_str(r, self, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	u8_case(&b, r->env->utf8, s, len, 'l');
	*out = json_stringn_nocheck(b.data ? b.data : "", b.len);  /* Markup does not wrap it */
	return FL_OK;
}

/* Code point classes, by the env's UTF-8 locale (ASCII without one). */
static int cp_class(struct rctx *r, uint32_t cp, int what)
{
	locale_t loc = r->env->utf8;
	if (cp < 0x80 || !loc) {
		int c = cp < 0x80 ? (int)cp : 0;
		switch (what) {
		case 'a': return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		case 'd': return c >= '0' && c <= '9';
		case 'l': return c >= 'a' && c <= 'z';
		default: return c >= 'A' && c <= 'Z';
		}
	}
	switch (what) {
	case 'a': return iswalpha_l((wint_t)cp, loc);
	case 'd': return iswdigit_l((wint_t)cp, loc);
	case 'l': return iswlower_l((wint_t)cp, loc);
	default: return iswupper_l((wint_t)cp, loc);
	}
}

static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
	uint32_t cp = (unsigned char)s[*i];
	size_t k = 1;
	if (cp >= 0x80 && !(k = fl_utf8_decode(s + *i, len - *i, &cp)))
		k = 1, cp = 0xFFFD;
	*i += k;
	return cp;
}

/* str.isdigit/isalpha/isalnum/isspace: non-empty and every code point in
 * the class; islower/isupper: a cased one and none of the other case;
 * istitle: Python's word-case rule. */
static fl_err is_class(struct rctx *r, json_t *self, int what, json_t **out)
{
	size_t len;
	const char *s = self_str(r, self, &len);
	int ok = len > 0, cased = 0, prev_cased = 0;
	for (size_t i = 0; i < len && ok;) {
		uint32_t cp = next_cp(s, len, &i);
		int lo = cp_class(r, cp, 'l'), up = cp_class(r, cp, 'u');
		switch (what) {
		case 'd': ok = cp_class(r, cp, 'd'); break;
		case 'a': ok = cp_class(r, cp, 'a'); break;
		case 'n': ok = cp_class(r, cp, 'a') || cp_class(r, cp, 'd'); break;
		case 's': ok = fl_unicode_isspace(cp); break;
		case 'l': if (up) ok = 0; cased |= lo; break;
		case 'u': if (lo) ok = 0; cased |= up; break;
		case 't':
			if (up) {
				if (prev_cased)
					ok = 0;
				prev_cased = cased = 1;
			} else if (lo) {
				if (!prev_cased)
					ok = 0;
				prev_cased = 1;
			} else {
				prev_cased = 0;
			}
			break;
		}
	}
	if (what == 'l' || what == 'u' || what == 't')
		ok = ok && cased;
	*out = json_boolean(ok);
	return FL_OK;
}

METHOD(m_isdigit) { (void)n, (void)a; return is_class(r, self, 'd', out); }
METHOD(m_isalpha) { (void)n, (void)a; return is_class(r, self, 'a', out); }
METHOD(m_isalnum) { (void)n, (void)a; return is_class(r, self, 'n', out); }
METHOD(m_isspace) { (void)n, (void)a; return is_class(r, self, 's', out); }
METHOD(m_islower) { (void)n, (void)a; return is_class(r, self, 'l', out); }
METHOD(m_isupper) { (void)n, (void)a; return is_class(r, self, 'u', out); }
METHOD(m_istitle) { (void)n, (void)a; return is_class(r, self, 't', out); }

METHOD(m_swapcase)
{
	(void)n, (void)a;
	size_t len;
	const char *s = self_str(r, self, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	for (size_t i = 0; i < len;) {
		size_t start = i;
		uint32_t cp = next_cp(s, len, &i);
		if (cp_class(r, cp, 'l'))
			u8_case(&b, r->env->utf8, s + start, i - start, 'u');
		else if (cp_class(r, cp, 'u'))
			u8_case(&b, r->env->utf8, s + start, i - start, 'l');
		else
			fl_buf_append(&b, s + start, i - start);
	}
	*out = tv_like(self, &b);
	return FL_OK;
}

/* ---- str: strip, pad ---- */

static fl_err strip(struct rctx *r, const struct node *n, json_t *self, struct margs *a,
		    int left, int right, json_t **out)
{
	size_t len, cl = 0;
	const char *s = self_str(r, self, &len), *chars = NULL;
	if (a->p[0] && !json_is_null(a->p[0])) {
		fl_err e = str_arg(r, n, self, a->p[0], 1, "strip arg", &chars, &cl);
		if (e)
			return e;
	}
	size_t i = 0, j = len;
	tpl_str_strip(s, &i, &j, chars, cl, left, right);
	*out = str_like(self, s + i, j - i);
	return FL_OK;
}

METHOD(m_strip) { return strip(r, n, self, a, 1, 1, out); }
METHOD(m_lstrip) { return strip(r, n, self, a, 1, 0, out); }
METHOD(m_rstrip) { return strip(r, n, self, a, 0, 1, out); }

static fl_err justify(struct rctx *r, const struct node *n, json_t *self, struct margs *a,
		      char align, json_t **out)
{
	json_int_t width;
	fl_err e = int_arg(r, n, a->p[0], 0, &width);
	if (e)
		return e;
	const char *fill = " ";
	size_t fl = 1;
	if (a->p[1]) {
		if ((e = str_arg(r, n, self, a->p[1], 1, "The fill character", &fill, &fl)))
			return e;
		if (fl_utf8_count(fill, fl) != 1)
			return tpl_fail(r, n, "The fill character must be exactly one character long");
	}
	size_t len;
	const char *s = self_str(r, self, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	if ((e = tpl_str_pad(r, n, &b, s, len, width, fill, fl, align)))
		return e;
	*out = tv_like(self, &b);
	return FL_OK;
}

METHOD(m_ljust) { return justify(r, n, self, a, '<', out); }
METHOD(m_rjust) { return justify(r, n, self, a, '>', out); }
METHOD(m_center) { return justify(r, n, self, a, '^', out); }

METHOD(m_zfill)
{
	json_int_t width;
	fl_err e = int_arg(r, n, a->p[0], 0, &width);
	if (e)
		return e;
	size_t len;
	const char *s = self_str(r, self, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	size_t sign = len && (s[0] == '+' || s[0] == '-');
	fl_buf_append(&b, s, sign);
	if ((e = tpl_str_pad(r, n, &b, s + sign, len - sign, width - (json_int_t)sign, "0", 1, '>')))
		return e;
	*out = tv_like(self, &b);
	return FL_OK;
}

/* ---- str: search ---- */

/* The byte range of s[start:end] (code point indices, Python's slice rules). */
static fl_err sub_range(struct rctx *r, const struct node *n, const char *s, size_t len,
			struct margs *a, size_t *lo, size_t *hi)
{
	json_int_t cnt = (json_int_t)fl_utf8_count(s, len), st, en;
	fl_err e;
	if ((e = int_arg(r, n, a->p[1], 0, &st)) || (e = int_arg(r, n, a->p[2], cnt, &en)))
		return e;
	if (st < 0 && (st += cnt) < 0)
		st = 0;
	if (en < 0 && (en += cnt) < 0)
		en = 0;
	if (st > cnt)
		st = cnt;
	if (en > cnt)
		en = cnt;
	*lo = u8_offset(s, len, (size_t)st);
	*hi = en > st ? u8_offset(s, len, (size_t)en) : *lo;
	if (st > en)
		*lo = *hi = (size_t)-1;  /* empty and out of range: nothing found */
	return FL_OK;
}

static fl_err search(struct rctx *r, const struct node *n, json_t *self, struct margs *a,
		     int mode, json_t **out)
{
	size_t len, sl = 0, lo, hi;
	const char *s = self_str(r, self, &len), *sub = "";
	fl_err e;
	if ((e = str_arg(r, n, self, a->p[0], 0, "must be str", &sub, &sl)) ||
	    (e = sub_range(r, n, s, len, a, &lo, &hi)))
		return e;
	if (mode == 'c') {
		json_int_t c = 0;
		if (lo != (size_t)-1) {
			if (!sl)
				c = (json_int_t)fl_utf8_count(s + lo, hi - lo) + 1;
			else
				for (const char *p = s + lo; (p = memmem(p, (size_t)(s + hi - p), sub, sl)); p += sl)
					c++;
		}
		*out = json_integer(c);
		return FL_OK;
	}
	const char *hit = NULL;
	if (lo != (size_t)-1 && sl <= hi - lo) {
		if (mode == 'f' || mode == 'i') {
			hit = sl ? memmem(s + lo, hi - lo, sub, sl) : s + lo;
		} else {
			for (size_t k = hi - sl + 1; k-- > lo;)
				if (!memcmp(s + k, sub, sl)) {
					hit = s + k;
					break;
				}
		}
	}
	if (!hit && (mode == 'i' || mode == 'I'))
		return tpl_fail(r, n, "substring not found");
	*out = json_integer(hit ? (json_int_t)fl_utf8_count(s, (size_t)(hit - s)) : -1);
	return FL_OK;
}

METHOD(m_count) { return search(r, n, self, a, 'c', out); }
METHOD(m_find) { return search(r, n, self, a, 'f', out); }
METHOD(m_rfind) { return search(r, n, self, a, 'r', out); }
METHOD(m_index) { return search(r, n, self, a, 'i', out); }
METHOD(m_rindex) { return search(r, n, self, a, 'I', out); }

static fl_err affix(struct rctx *r, const struct node *n, json_t *self, struct margs *a, int end,
		    json_t **out)
{
	size_t len, lo, hi;
	const char *s = self_str(r, self, &len);
	json_t *pre = a->p[0];
	json_t *one[1] = {pre};
	json_t **cands = one;
	size_t nc = 1;
	if (json_is_array(pre) || tv_seq_items(pre)) {
		json_t *items = json_is_array(pre) ? pre : tv_seq_items(pre);
		nc = json_array_size(items);
		cands = fl_arena_calloc(r->a, nc + 1, sizeof *cands);
		for (size_t i = 0; i < nc; i++)
			cands[i] = json_array_get(items, i);
	}
	fl_err e = sub_range(r, n, s, len, a, &lo, &hi);
	if (e)
		return e;
	int ok = 0;
	for (size_t i = 0; i < nc && !ok; i++) {
		if (!tv_is_stringish(cands[i]))
			return tpl_fail(r, n, "%s first arg must be str or a tuple of str, not %s",
					end ? "endswith" : "startswith", tv_typename(cands[i]));
		size_t pl;
		const char *p = tv_cstr(r->a, cands[i], &pl);
		ok = lo != (size_t)-1 && pl <= hi - lo && !memcmp(end ? s + hi - pl : s + lo, p, pl);
	}
	*out = json_boolean(ok);
	return FL_OK;
}

METHOD(m_startswith) { return affix(r, n, self, a, 0, out); }
METHOD(m_endswith) { return affix(r, n, self, a, 1, out); }

/* ---- str: replace, split, partition, join, format ---- */

METHOD(m_replace)
{
	size_t len, ol, nl;
	const char *s = self_str(r, self, &len), *o, *nw;
	json_int_t count;
	fl_err e;
	if ((e = str_arg(r, n, self, a->p[0], 1, "replace() argument 1", &o, &ol)) ||
	    (e = str_arg(r, n, self, a->p[1], 1, "replace() argument 2", &nw, &nl)) ||
	    (e = int_arg(r, n, a->p[2], -1, &count)))
		return e;
	fl_buf b;
	fl_buf_init(&b, r->a);
	if ((e = tpl_str_replace(r, n, &b, s, len, o, ol, nw, nl, count)))
		return e;
	*out = tv_like(self, &b);
	return FL_OK;
}

fl_err tpl_str_replace(struct rctx *r, const struct node *n, fl_buf *b, const char *s,
		       size_t len, const char *o, size_t ol, const char *nw, size_t nl,
		       json_int_t count)
{
	size_t i = 0;
	for (json_int_t done = 0; count < 0 || done < count; done++) {
		if (ol == 0) {
			/* Python inserts `new` before every character and at the end */
			fl_buf_append(b, nw, nl);
			if (i >= len)
				break;
			size_t k = u8_offset(s + i, len - i, 1);
			fl_buf_append(b, s + i, k);
			i += k;
		} else {
			const char *hit = memmem(s + i, len - i, o, ol);
			if (!hit)
				break;
			fl_buf_append(b, s + i, (size_t)(hit - (s + i)));
			fl_buf_append(b, nw, nl);
			i = (size_t)(hit - s) + ol;
		}
		if (b->len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	if (i < len)
		fl_buf_append(b, s + i, len - i);
	return FL_OK;
}

static fl_err split(struct rctx *r, const struct node *n, json_t *self, struct margs *a,
		    int rev, json_t **out)
{
	size_t len, pl = 0;
	const char *s = self_str(r, self, &len), *p = NULL;
	json_int_t max;
	fl_err e = int_arg(r, n, a->p[1], -1, &max);
	if (e)
		return e;
	if (a->p[0] && !json_is_null(a->p[0])) {
		if ((e = str_arg(r, n, self, a->p[0], 0, "must be str or None, not", &p, &pl)))
			return e;
		if (!pl)
			return tpl_fail(r, n, "empty separator");
	}
	/* pieces as [start, end) byte pairs, in the order found */
	FL_VEC(size_t) cut = {0};
	size_t i = rev ? len : 0;
	json_int_t done = 0;
	if (p) {
		for (;;) {
			const char *hit = NULL;
			if (max < 0 || done < max) {
				if (!rev) {
					hit = memmem(s + i, len - i, p, pl);
				} else {
					for (size_t k = i >= pl ? i - pl + 1 : 0; k-- > 0;)
						if (!memcmp(s + k, p, pl)) {
							hit = s + k;
							break;
						}
				}
			}
			if (!hit) {
				*fl_vec_push(r->a, &cut) = rev ? 0 : i;
				*fl_vec_push(r->a, &cut) = rev ? i : len;
				break;
			}
			size_t h = (size_t)(hit - s);
			*fl_vec_push(r->a, &cut) = rev ? h + pl : i;
			*fl_vec_push(r->a, &cut) = rev ? i : h;
			i = rev ? h : h + pl;
			done++;
		}
	} else {
		size_t adv;
		for (;;) {
			/* skip white space, then take a word (or the rest at the limit) */
			if (!rev) {
				while (i < len && tpl_space_at(s, len, i, &adv))
					i += adv;
				if (i >= len)
					break;
				if (max >= 0 && done >= max) {
					/* the rest as it is, trailing white space kept */
					*fl_vec_push(r->a, &cut) = i;
					*fl_vec_push(r->a, &cut) = len;
					break;
				}
				size_t j = i;
				while (j < len && !tpl_space_at(s, len, j, &adv))
					j += adv;
				*fl_vec_push(r->a, &cut) = i;
				*fl_vec_push(r->a, &cut) = j;
				i = j;
			} else {
				while (i > 0) {
					size_t st = i - 1;
					while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
						st--;
					if (!tpl_space_at(s, len, st, &adv))
						break;
					i = st;
				}
				if (i == 0)
					break;
				if (max >= 0 && done >= max) {
					*fl_vec_push(r->a, &cut) = 0;
					*fl_vec_push(r->a, &cut) = i;
					break;
				}
				size_t j = i;
				while (j > 0) {
					size_t st = j - 1;
					while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
						st--;
					if (tpl_space_at(s, len, st, &adv))
						break;
					j = st;
				}
				*fl_vec_push(r->a, &cut) = j;
				*fl_vec_push(r->a, &cut) = i;
				i = j;
			}
			done++;
		}
	}
	json_t *res = json_array();
	size_t pieces = cut.len / 2;
	for (size_t k = 0; k < pieces; k++) {
		size_t idx = rev ? pieces - 1 - k : k;
		size_t st = cut.items[2 * idx], en = cut.items[2 * idx + 1];
		json_array_append_new(res, str_like(self, s + st, en - st));
	}
	*out = res;
	return FL_OK;
}

METHOD(m_split) { return split(r, n, self, a, 0, out); }
METHOD(m_rsplit) { return split(r, n, self, a, 1, out); }

METHOD(m_splitlines)
{
	(void)n;
	size_t len, next;
	const char *s = self_str(r, self, &len);
	int keep = tv_truthy(a->p[0]);
	json_t *res = json_array();
	for (size_t i = 0; i < len; i = next) {
		size_t end = tpl_line_end(s, len, i, &next);
		json_array_append_new(res, str_like(self, s + i, (keep ? next : end) - i));
	}
	*out = res;
	return FL_OK;
}

static fl_err partition(struct rctx *r, const struct node *n, json_t *self, struct margs *a,
			int rev, json_t **out)
{
	size_t len, pl;
	const char *s = self_str(r, self, &len), *p;
	fl_err e = str_arg(r, n, self, a->p[0], 1, "must be str", &p, &pl);
	if (e)
		return e;
	if (!pl)
		return tpl_fail(r, n, "empty separator");
	const char *hit = NULL;
	if (!rev) {
		hit = memmem(s, len, p, pl);
	} else if (pl <= len) {
		for (size_t k = len - pl + 1; k-- > 0;)
			if (!memcmp(s + k, p, pl)) {
				hit = s + k;
				break;
			}
	}
	json_t *items = json_array();
	if (!hit) {
		json_array_append_new(items, str_like(self, rev ? "" : s, rev ? 0 : len));
		json_array_append_new(items, str_like(self, "", 0));
		json_array_append_new(items, str_like(self, rev ? s : "", rev ? len : 0));
	} else {
		size_t h = (size_t)(hit - s);
		json_array_append_new(items, str_like(self, s, h));
		json_array_append_new(items, str_like(self, p, pl));
		json_array_append_new(items, str_like(self, s + h + pl, len - h - pl));
	}
	*out = fl_tpl_sequence(NULL, items);  /* a tuple */
	return FL_OK;
}

METHOD(m_partition) { return partition(r, n, self, a, 0, out); }
METHOD(m_rpartition) { return partition(r, n, self, a, 1, out); }

METHOD(m_join)
{
	json_t *items = tv_iter(a->p[0]);
	if (!items || !a->p[0])
		return tpl_fail(r, n, "can only join an iterable");
	size_t len;
	const char *s = self_str(r, self, &len);
	int mk = fl_is_markup(self);
	fl_buf b;
	fl_buf_init(&b, r->a);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *x = json_array_get(items, i);
		fl_err e = tpl_as_string(r, n, x, &x);
		if (e)
			return e;
		if (i)
			fl_buf_append(&b, s, len);
		if (mk) {  /* Markup.join escapes every item */
			size_t xl;
			const char *xs = tv_cstr(r->a, x, &xl);
			if (fl_is_markup(x))
				fl_buf_append(&b, xs, xl);
			else
				fl_html_escape(&b, xs, xl);
		} else if (!tv_is_stringish(x)) {
			return tpl_fail(r, n, "sequence item %zu: expected str instance, %s found", i,
					tv_typename(x));
		} else {
			tv_str(&b, x);
		}
		if (b.len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	*out = tv_like(self, &b);
	return FL_OK;
}

METHOD(m_format)
{
	size_t len;
	const char *s = self_str(r, self, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	fl_err e = tpl_strformat(r, n, &b, s, len, a->pos, a->npos, a->kwn, a->kwv, a->nkw,
				 fl_is_markup(self));
	if (!e)
		*out = tv_like(self, &b);
	return e;
}

static fl_err affix_remove(struct rctx *r, const struct node *n, json_t *self, struct margs *a,
			   int end, json_t **out)
{
	size_t len, pl = 0;
	const char *s = self_str(r, self, &len), *p = "";
	fl_err e = str_arg(r, n, self, a->p[0], 0, "argument", &p, &pl);
	if (e)
		return e;
	/* str's own method: a plain str even for markup */
	if (pl <= len && !memcmp(end ? s + len - pl : s, p, pl))
		*out = json_stringn_nocheck(end ? s : s + pl, len - pl);
	else
		*out = json_stringn_nocheck(s, len);
	return FL_OK;
}

METHOD(m_removeprefix) { return affix_remove(r, n, self, a, 0, out); }
METHOD(m_removesuffix) { return affix_remove(r, n, self, a, 1, out); }

static const struct method str_methods[] = {
	{"capitalize", m_capitalize, 0, 0, NULL}, {"casefold", m_casefold, 0, 0, NULL},
	{"center", m_center, 1, 2, NULL}, {"count", m_count, 1, 3, NULL},
	{"endswith", m_endswith, 1, 3, NULL}, {"find", m_find, 1, 3, NULL},
	{"format", m_format, 0, 0, "*"}, {"index", m_index, 1, 3, NULL},
	{"isalnum", m_isalnum, 0, 0, NULL}, {"isalpha", m_isalpha, 0, 0, NULL},
	{"isdecimal", m_isdigit, 0, 0, NULL}, {"isdigit", m_isdigit, 0, 0, NULL},
	{"islower", m_islower, 0, 0, NULL}, {"isnumeric", m_isdigit, 0, 0, NULL},
	{"isspace", m_isspace, 0, 0, NULL}, {"istitle", m_istitle, 0, 0, NULL},
	{"isupper", m_isupper, 0, 0, NULL}, {"join", m_join, 1, 1, NULL},
	{"ljust", m_ljust, 1, 2, NULL}, {"lower", m_lower, 0, 0, NULL},
	{"lstrip", m_lstrip, 0, 1, NULL}, {"partition", m_partition, 1, 1, NULL},
	{"removeprefix", m_removeprefix, 1, 1, NULL}, {"removesuffix", m_removesuffix, 1, 1, NULL},
	{"replace", m_replace, 2, 3, NULL}, {"rfind", m_rfind, 1, 3, NULL},
	{"rindex", m_rindex, 1, 3, NULL}, {"rjust", m_rjust, 1, 2, NULL},
	{"rpartition", m_rpartition, 1, 1, NULL}, {"rsplit", m_rsplit, 0, 2, "sep maxsplit"},
	{"rstrip", m_rstrip, 0, 1, NULL}, {"split", m_split, 0, 2, "sep maxsplit"},
	{"splitlines", m_splitlines, 0, 1, "keepends"}, {"startswith", m_startswith, 1, 3, NULL},
	{"strip", m_strip, 0, 1, NULL}, {"swapcase", m_swapcase, 0, 0, NULL},
	{"title", m_title, 0, 0, NULL}, {"upper", m_upper, 0, 0, NULL},
	{"zfill", m_zfill, 1, 1, NULL},
};

/* ---- list ---- */

static fl_err owned(struct rctx *r, const struct node *n, json_t *self, const char *name)
{
	if (fl_arena_owns(r->a, self))
		return FL_OK;
	return tpl_fail(r, n, "%s() cannot change this %s: it does not belong to the render "
			"(an env global or a context made outside the render's arena); use a copy()",
			name, tv_typename(self));
}

#define MUTATES(name) \
	do { \
		fl_err me_ = owned(r, n, self, name); \
		if (me_) \
			return me_; \
	} while (0)

METHOD(m_append)
{
	MUTATES("append");
	if (json_array_size(self) >= TPL_MAX_BUILD)
		return tpl_fail(r, n, "result too large");
	json_array_append(self, a->p[0]);
	*out = json_null();
	return FL_OK;
}

METHOD(m_extend)
{
	MUTATES("extend");
	json_t *items = a->p[0] ? tv_iter(a->p[0]) : NULL;
	if (!items)
		return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(a->p[0]));
	if (json_array_size(self) + json_array_size(items) > TPL_MAX_BUILD)
		return tpl_fail(r, n, "result too large");
	json_array_extend(self, items);
	*out = json_null();
	return FL_OK;
}

/* Python's index normalisation for insert (clamped) and pop (checked). */
static json_int_t norm_index(json_int_t i, json_int_t len)
{
	return i < 0 ? i + len : i;
}

METHOD(m_insert)
{
	MUTATES("insert");
	json_int_t i, len = (json_int_t)json_array_size(self);
	fl_err e = int_arg(r, n, a->p[0], 0, &i);
	if (e)
		return e;
	i = norm_index(i, len);
	i = i < 0 ? 0 : i > len ? len : i;
	json_array_insert(self, (size_t)i, a->p[1]);
	*out = json_null();
	return FL_OK;
}

METHOD(m_lpop)
{
	MUTATES("pop");
	json_int_t i, len = (json_int_t)json_array_size(self);
	fl_err e = int_arg(r, n, a->p[0], -1, &i);
	if (e)
		return e;
	if (!len)
		return tpl_fail(r, n, "pop from empty list");
	i = norm_index(i, len);
	if (i < 0 || i >= len)
		return tpl_fail(r, n, "pop index out of range");
	*out = json_array_get(self, (size_t)i);
	json_incref(*out);
	json_array_remove(self, (size_t)i);
	return FL_OK;
}

static json_int_t find_item(json_t *list, json_t *x, json_int_t from, json_int_t to)
{
	for (json_int_t i = from; i < to && i < (json_int_t)json_array_size(list); i++)
		if (tv_eq(json_array_get(list, (size_t)i), x))
			return i;
	return -1;
}

METHOD(m_remove)
{
	MUTATES("remove");
	json_int_t i = find_item(self, a->p[0], 0, (json_int_t)json_array_size(self));
	if (i < 0)
		return tpl_fail(r, n, "list.remove(x): x not in list");
	json_array_remove(self, (size_t)i);
	*out = json_null();
	return FL_OK;
}

METHOD(m_lindex)
{
	json_int_t len = (json_int_t)json_array_size(self), st, en;
	fl_err e;
	if ((e = int_arg(r, n, a->p[1], 0, &st)) || (e = int_arg(r, n, a->p[2], len, &en)))
		return e;
	if (st < 0 && (st += len) < 0)
		st = 0;
	if (en < 0 && (en += len) < 0)
		en = 0;
	json_int_t i = find_item(self, a->p[0], st, en);
	if (i < 0)
		return tpl_fail(r, n, "%s is not in list", "value");
	*out = json_integer(i);
	return FL_OK;
}

METHOD(m_lcount)
{
	(void)r, (void)n;
	json_int_t c = 0;
	for (size_t i = 0; i < json_array_size(self); i++)
		c += tv_eq(json_array_get(self, i), a->p[0]);
	*out = json_integer(c);
	return FL_OK;
}

METHOD(m_lcopy)
{
	(void)r, (void)n, (void)a;
	json_t *c = json_array();
	json_array_extend(c, self);
	*out = c;
	return FL_OK;
}

METHOD(m_lclear)
{
	(void)a;
	MUTATES("clear");
	json_array_clear(self);
	*out = json_null();
	return FL_OK;
}

METHOD(m_lreverse)
{
	(void)a;
	MUTATES("reverse");
	size_t len = json_array_size(self);
	json_t *c = json_array();
	for (size_t i = len; i > 0; i--)
		json_array_append(c, json_array_get(self, i - 1));
	json_array_clear(self);
	json_array_extend(self, c);
	*out = json_null();
	return FL_OK;
}

METHOD(m_lsort)
{
	MUTATES("sort");
	if (a->p[0] && !json_is_null(a->p[0]))
		return tpl_fail(r, n, "sort(key=...) is not supported in templates; use the sort filter");
	size_t len = json_array_size(self);
	struct tpl_keyed *v = fl_arena_calloc(r->a, len + 1, sizeof *v);
	for (size_t i = 0; i < len; i++)
		v[i].key = v[i].item = json_array_get(self, i);
	fl_err e = tpl_sort_keyed(r, n, v, len, tv_truthy(a->p[1]));
	if (e)
		return e;
	json_t *c = json_array();
	for (size_t i = 0; i < len; i++)
		json_array_append(c, v[i].item);
	json_array_clear(self);
	json_array_extend(self, c);
	*out = json_null();
	return FL_OK;
}

static const struct method list_methods[] = {
	{"append", m_append, 1, 1, NULL}, {"clear", m_lclear, 0, 0, NULL},
	{"copy", m_lcopy, 0, 0, NULL}, {"count", m_lcount, 1, 1, NULL},
	{"extend", m_extend, 1, 1, NULL}, {"index", m_lindex, 1, 3, NULL},
	{"insert", m_insert, 2, 2, NULL}, {"pop", m_lpop, 0, 1, NULL},
	{"remove", m_remove, 1, 1, NULL}, {"reverse", m_lreverse, 0, 0, NULL},
	{"sort", m_lsort, 0, 2, "key reverse"},
};

/* ---- tuple (sequence objects: partition's result, groupby's items) ---- */

METHOD(m_tcount) { return m_lcount(r, n, tv_seq_items(self), a, out); }
METHOD(m_tindex) { return m_lindex(r, n, tv_seq_items(self), a, out); }

static const struct method tuple_methods[] = {
	{"count", m_tcount, 1, 1, NULL}, {"index", m_tindex, 1, 3, NULL},
};

/* ---- dict ---- */

static const char *key_of(struct rctx *r, const struct node *n, json_t *k, fl_err *e)
{
	*e = FL_OK;
	if (json_is_string(k))
		return json_string_value(k);
	if (fl_is_markup(k)) {
		size_t l;
		return tv_html(k, &l);
	}
	*e = tpl_fail(r, n, "dict keys are strings here: %s key given", tv_typename(k));
	return NULL;
}

/* items() as a list of [key, value] lists: the engine's for/set unpack
 * lists (tuples are lists here) */
METHOD(m_items) { (void)n, (void)a; *out = tv_items(self); (void)r; return FL_OK; }
METHOD(m_keys) { (void)n, (void)a, (void)r; *out = tv_iter(self); return FL_OK; }

METHOD(m_values)
{
	(void)r, (void)n, (void)a;
	json_t *v = json_array(), *x;
	const char *k;
	size_t klen;
	json_object_keylen_foreach(self, k, klen, x)
		if (!tv_hidden_key(k, klen))
			json_array_append(v, x);
	*out = v;
	return FL_OK;
}

METHOD(m_get)
{
	(void)r, (void)n;
	json_t *v = json_is_string(a->p[0]) ? json_object_get(self, json_string_value(a->p[0])) : NULL;
	*out = v ? v : a->p[1] ? a->p[1] : json_null();
	return FL_OK;
}

METHOD(m_setdefault)
{
	fl_err e;
	const char *k = key_of(r, n, a->p[0], &e);
	if (e)
		return e;
	json_t *v = json_object_get(self, k);
	if (!v) {
		MUTATES("setdefault");
		v = a->p[1] ? a->p[1] : json_null();
		json_object_set(self, k, v);
	}
	*out = v;
	return FL_OK;
}

METHOD(m_dpop)
{
	fl_err e;
	const char *k = key_of(r, n, a->p[0], &e);
	if (e)
		return e;
	json_t *v = json_object_get(self, k);
	if (!v) {
		if (!a->p[1])
			return tpl_fail(r, n, "'%s'", k);
		*out = a->p[1];
		return FL_OK;
	}
	MUTATES("pop");
	json_incref(v);
	json_object_del(self, k);
	*out = v;
	return FL_OK;
}

METHOD(m_update)
{
	MUTATES("update");
	if (a->npos > 1)
		return tpl_fail(r, n, "update expected at most 1 argument, got %zu", a->npos);
	json_t *src = a->npos ? a->pos[0] : NULL;
	if (src && json_is_object(src) && !fl_is_markup(src) && tpl_callable_kind(src, NULL) < 0 &&
	    !tv_seq_items(src)) {
		const char *k;
		size_t klen;
		json_t *x;
		src = tpl_whole(src);
		json_object_keylen_foreach(src, k, klen, x)
			if (!tv_hidden_key(k, klen))
				json_object_setn(self, k, klen, x);
	} else if (src && !json_is_null(src)) {
		json_t *items = tv_iter(src);
		if (!items)
			return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(src));
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *pair = json_array_get(items, i);
			json_t *pi = tv_seq_items(pair) ? tv_seq_items(pair) : pair;
			if (!json_is_array(pi) || json_array_size(pi) != 2)
				return tpl_fail(r, n, "dictionary update sequence element #%zu has the wrong length", i);
			fl_err e;
			const char *k = key_of(r, n, json_array_get(pi, 0), &e);
			if (e)
				return e;
			json_object_set(self, k, json_array_get(pi, 1));
		}
	}
	for (size_t i = 0; i < a->nkw; i++)
		json_object_set(self, a->kwn[i], a->kwv[i] ? a->kwv[i] : json_null());
	*out = json_null();
	return FL_OK;
}

METHOD(m_dcopy)
{
	(void)r, (void)n, (void)a;
	json_t *c = json_object();
	tv_add_members(c, self);
	*out = c;
	return FL_OK;
}

METHOD(m_dclear)
{
	(void)a;
	MUTATES("clear");
	json_object_clear(self);
	*out = json_null();
	return FL_OK;
}

static const struct method dict_methods[] = {
	{"clear", m_dclear, 0, 0, NULL}, {"copy", m_dcopy, 0, 0, NULL},
	{"get", m_get, 1, 2, NULL}, {"items", m_items, 0, 0, NULL},
	{"keys", m_keys, 0, 0, NULL}, {"pop", m_dpop, 1, 2, NULL},
	{"setdefault", m_setdefault, 1, 2, NULL}, {"update", m_update, 0, 0, "*"},
	{"values", m_values, 0, 0, NULL},
};

/* ---- dispatch ---- */

static const struct method *lookup(const struct method *t, size_t cnt, const char *name)
{
	for (size_t i = 0; i < cnt; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

#define LOOKUP(t, name) lookup(t, sizeof t / sizeof t[0], name)

fl_err tpl_call_method(struct rctx *r, const struct node *n, json_t *obj, const char *name,
		       json_t **pos, size_t npos, const char **kwn, json_t **kwv, size_t nkw,
		       json_t **out, int *done)
{
	const struct method *m = NULL;
	*done = 1;
	if (json_is_object(obj) && !fl_is_markup(obj)) {
		if (tv_seq_items(obj)) {
			m = LOOKUP(tuple_methods, name);
		} else {
			/* a dict, a callable object's attributes (WTForms' field),
			 * or Jinja's loop object: loop.cycle(a, b, …) */
			json_t *i0 = json_object_get(obj, "index0");
			if (!strcmp(name, "cycle") && json_is_integer(i0)) {
				if (!npos)
					return tpl_fail(r, n, "no items for cycling given");
				*out = pos[json_integer_value(i0) % (json_int_t)npos];
				return FL_OK;
			}
			m = LOOKUP(dict_methods, name);
		}
	} else if (json_is_array(obj)) {
		m = LOOKUP(list_methods, name);
	} else if (tv_is_stringish(obj)) {
		m = LOOKUP(str_methods, name);
	}
	if (!m) {
		*done = 0;
		return FL_OK;
	}
	struct margs a;
	fl_err e = bind(r, n, m, pos, npos, kwn, kwv, nkw, &a);
	if (e)
		return e;
	return m->fn(r, n, obj, &a, out);
}
