/* filters_text.c — Jinja 3.1's string and markup filters that web pages
 * use beyond the core ones of filters.c: tojson (Flask's: sorted keys,
 * ASCII, HTML-safe), center, indent, wordwrap (textwrap.TextWrapper),
 * urlencode, urlize (jinja2.utils.urlize), filesizeformat, xmlattr,
 * forceescape and pprint (pprint.pformat), as jinja2/filters.py and
 * jinja2/utils.py write them. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "base/signing.h"
#include "template/internal.h"

#define FILTER(name) static TPL_FILTER_FN(name)

/* An undefined argument is given as none (not as "not given"). */
#define BIND(...) TPL_BIND(1, __VA_ARGS__)


/* Whether the template autoescapes (Jinja's eval_ctx.autoescape). */
static int autoescape(const struct rctx *r)
{
	return r->autoescape;
}

static json_t *text(fl_buf *b)
{
	return json_stringn_nocheck(b->data ? b->data : "", b->len);
}

static const char *str_of(struct rctx *r, json_t *v, size_t *len)
{
	if (!v) {
		*len = 0;
		return "";
	}
	return tv_cstr(r->a, v, len);
}

static fl_err int_param(struct rctx *r, const struct node *n, json_t *v, json_int_t def,
			const char *what, json_int_t *out)
{
	if (!v || json_is_null(v)) {
		*out = def;
		return FL_OK;
	}
	if (!json_is_integer(v) && !json_is_boolean(v))
		return tpl_fail(r, n, "%s: '%s' object cannot be interpreted as an integer", what,
				tv_typename(v));
	*out = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
	return FL_OK;
}

/* ---- tojson ---- */

struct jkey {
	const char *k;
	size_t len;
	json_t *v;
};

static int cmp_jkey(const void *x, const void *y)
{
	const struct jkey *a = x, *b = y;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->k, b->k, m);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void newline_indent(fl_buf *b, const char *ind, size_t indn, int level)
{
	fl_buf_putc(b, '\n');
	for (int i = 0; i < level; i++)
		fl_buf_append(b, ind, indn);
}

/* json.dumps(v, sort_keys=True, ensure_ascii=True, indent=ind) with
 * Flask's default() for markup (its html) */
static fl_err dump(struct rctx *r, const struct node *n, fl_buf *b, json_t *v, const char *ind,
		   size_t indn, int level)
{
	if (level > 512)
		return tpl_fail(r, n, "maximum recursion depth exceeded while encoding a JSON object");
	size_t hl;
	const char *h = tv_html(v = tpl_whole(v), &hl);
	if (h) {
		if (fl_json_dump_string(h, hl, b))
			return tpl_fail(r, n, "tojson: a string that is not UTF-8");
		return FL_OK;
	}
	if (!v || tpl_callable_kind(v, NULL) >= 0)
		return tpl_fail(r, n, "Object of type %s is not JSON serializable",
				v ? "function" : "Undefined");
	json_t *items = json_is_object(v) ? tv_seq_items(v) : NULL;
	if (json_is_array(v) || items) {
		json_t *a = items ? items : v;
		size_t cnt = json_array_size(a);
		fl_buf_putc(b, '[');
		for (size_t i = 0; i < cnt; i++) {
			if (i)
				fl_buf_puts(b, ind ? "," : ", ");
			if (ind)
				newline_indent(b, ind, indn, level + 1);
			fl_err e = dump(r, n, b, json_array_get(a, i), ind, indn, level + 1);
			if (e)
				return e;
		}
		if (ind && cnt)
			newline_indent(b, ind, indn, level);
		fl_buf_putc(b, ']');
		return FL_OK;
	}
	if (json_is_object(v)) {
		size_t cnt = 0;
		struct jkey *keys = fl_arena_calloc(r->a, json_object_size(v) + 1, sizeof *keys);
		const char *k;
		size_t klen;
		json_t *x;
		json_object_keylen_foreach(v, k, klen, x) {
			if (tv_hidden_key(k, klen))
				continue;
			keys[cnt++] = (struct jkey){k, klen, x};
		}
		qsort(keys, cnt, sizeof *keys, cmp_jkey);
		fl_buf_putc(b, '{');
		for (size_t i = 0; i < cnt; i++) {
			if (i)
				fl_buf_puts(b, ind ? "," : ", ");
			if (ind)
				newline_indent(b, ind, indn, level + 1);
			if (fl_json_dump_string(keys[i].k, keys[i].len, b))
				return tpl_fail(r, n, "tojson: a key that is not UTF-8");
			fl_buf_puts(b, ": ");
			fl_err e = dump(r, n, b, keys[i].v, ind, indn, level + 1);
			if (e)
				return e;
		}
		if (ind && cnt)
			newline_indent(b, ind, indn, level);
		fl_buf_putc(b, '}');
		return FL_OK;
	}
	if (json_is_string(v)) {
		if (fl_json_dump_string(json_string_value(v), json_string_length(v), b))
			return tpl_fail(r, n, "tojson: a string that is not UTF-8");
		return FL_OK;
	}
	if (json_is_integer(v))
		fl_buf_put_int(b, (long long)json_integer_value(v));
	else if (json_is_real(v))
		tv_float(b, json_real_value(v));
	else
		fl_buf_puts(b, json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
	if (b->len > TPL_MAX_BUILD)
		return tpl_fail(r, n, "result too large");
	return FL_OK;
}

FILTER(f_tojson)
{
	BIND("indent");
	const char *ind = NULL;
	size_t indn = 0;
	if (p[0] && !json_is_null(p[0])) {
		if (tv_is_stringish(p[0])) {
			ind = tv_cstr(r->a, p[0], &indn);
		} else {
			json_int_t k;
			fl_err e = int_param(r, n, p[0], 0, "indent", &k);
			if (e)
				return e;
			if (k > 1000)
				return tpl_fail(r, n, "result too large");
			char *sp = fl_arena_alloc(r->a, k > 0 ? (size_t)k + 1 : 1);
			memset(sp, ' ', k > 0 ? (size_t)k : 0);
			ind = sp;
			indn = k > 0 ? (size_t)k : 0;
		}
	}
	fl_buf b, h;
	fl_buf_init(&b, r->a);
	fl_err e = dump(r, n, &b, v, ind, indn, 0);
	if (e)
		return e;
	/* jinja2.utils.htmlsafe_json_dumps */
	fl_buf_init(&h, r->a);
	for (size_t i = 0; i < b.len; i++) {
		switch (b.data[i]) {
		case '<': fl_buf_puts(&h, "\\u003c"); break;
		case '>': fl_buf_puts(&h, "\\u003e"); break;
		case '&': fl_buf_puts(&h, "\\u0026"); break;
		case '\'': fl_buf_puts(&h, "\\u0027"); break;
		default: fl_buf_putc(&h, b.data[i]);
		}
	}
	*out = tpl_markup_n(h.data ? h.data : "", h.len);
	return FL_OK;
}

/* ---- center, indent ---- */

static json_t *like(const json_t *in, fl_buf *b)
{
	return fl_is_markup(in) ? tpl_markup_n(b->data ? b->data : "", b->len) : text(b);
}

FILTER(f_center)
{
	BIND("width");
	json_int_t width;
	fl_err e = int_param(r, n, p[0], 80, "width", &width);
	if (e)
		return e;
	size_t len;
	const char *s = str_of(r, v, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	if ((e = tpl_str_pad(r, n, &b, s, len, width, " ", 1, '^')))
		return e;
	*out = like(v, &b);
	return FL_OK;
}

FILTER(f_indent)
{
	BIND("width", "first", "blank");
	const char *ind = "    ";
	size_t indn = 4;
	if (p[0] && tv_is_stringish(p[0])) {
		ind = tv_cstr(r->a, p[0], &indn);
	} else if (p[0]) {
		json_int_t w;
		fl_err e = int_param(r, n, p[0], 4, "width", &w);
		if (e)
			return e;
		if (w > 4096)
			return tpl_fail(r, n, "result too large");
		char *sp = fl_arena_alloc(r->a, w > 0 ? (size_t)w + 1 : 1);
		memset(sp, ' ', w > 0 ? (size_t)w : 0);
		ind = sp, indn = w > 0 ? (size_t)w : 0;
	}
	int first = tv_truthy(p[1]), blank = tv_truthy(p[2]);
	size_t len, next;
	const char *s = str_of(r, v, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	if (first)
		fl_buf_append(&b, ind, indn);
	/* s + "\n", split into lines */
	char *t = fl_arena_alloc(r->a, len + 2);
	memcpy(t, s, len);
	t[len] = '\n';
	t[len + 1] = '\0';
	for (size_t i = 0, k = 0; i < len + 1; i = next, k++) {
		size_t end = tpl_line_end(t, len + 1, i, &next);
		if (k) {
			fl_buf_putc(&b, '\n');
			if (blank || end > i)
				fl_buf_append(&b, ind, indn);
		}
		fl_buf_append(&b, t + i, end - i);
		if (b.len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	*out = like(v, &b);
	return FL_OK;
}

/* ---- wordwrap: textwrap.TextWrapper(expand_tabs=False,
 * replace_whitespace=False, drop_whitespace=True) ---- */

struct chunk {
	const char *s;
	size_t len;      /* bytes */
	size_t chars;    /* code points */
};

typedef FL_VEC(struct chunk) chunks_t;

/* textwrap's whitespace: ASCII '\t\n\v\f\r ' */
static int tw_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static uint32_t cp_at(const char *s, size_t len, size_t i)
{
	uint32_t cp = (unsigned char)s[i];
	if (cp >= 0x80 && !fl_utf8_decode(s + i, len - i, &cp))
		cp = 0xFFFD;
	return cp;
}

/* The code point before byte i (0 when none), and where it starts. */
static uint32_t cp_before(const char *s, size_t len, size_t i, size_t *start)
{
	if (i == 0) {
		*start = 0;
		return 0;
	}
	size_t j = i - 1;
	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	*start = j;
	return cp_at(s, len, j);
}

static int is_w(struct rctx *r, uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) || cp == '_';
	return r->env->utf8 && iswalnum_l((wint_t)cp, r->env->utf8);
}

/* [^\d\W]: a word character that is not a digit */
static int is_letter(struct rctx *r, uint32_t cp)
{
	if (cp < 0x80)
		return isalpha((int)cp) || cp == '_';
	return is_w(r, cp) && !(r->env->utf8 && iswdigit_l((wint_t)cp, r->env->utf8));
}

/* [\w!"\'&.,?] */
static int is_wp(struct rctx *r, uint32_t cp)
{
	return is_w(r, cp) || (cp && strchr("!\"'&.,?", (int)cp) && cp < 0x80);
}

/* Does s[i..] start with -{2,}\w ? */
static int emdash_at(struct rctx *r, const char *s, size_t len, size_t i)
{
	size_t k = i;
	while (k < len && s[k] == '-')
		k++;
	return k - i >= 2 && k < len && is_w(r, cp_at(s, len, k));
}

/* The end of the word chunk starting at i (TextWrapper.wordsep_re). */
static size_t word_end(struct rctx *r, const char *s, size_t len, size_t i)
{
	size_t st, st2, st3;
	size_t k = i + u8_offset(s + i, len - i, 1);   /* nws+? takes one at least */
	for (;;) {
		if (k >= len || tw_space(s[k]))
			return k;
		uint32_t b1 = cp_before(s, len, k, &st);
		if (s[k] == '-') {
			/* -(?: (?<=lt{2}-) | (?<=lt-lt-)) (?= lt -? lt) */
			uint32_t b2 = cp_before(s, len, st, &st2);
			uint32_t b3 = st2 < st ? cp_before(s, len, st2, &st3) : 0;
			int behind = (is_letter(r, b1) && is_letter(r, b2)) ||
				     (is_letter(r, b1) && b2 == '-' && is_letter(r, b3));
			if (behind && k + 1 < len) {
				size_t a1 = k + 1;
				uint32_t c1 = cp_at(s, len, a1);
				size_t a2 = a1 + u8_offset(s + a1, len - a1, 1);
				if (is_letter(r, c1) && a2 < len) {
					if (s[a2] == '-')
						a2++;
					if (a2 < len && is_letter(r, cp_at(s, len, a2)))
						return k + 1;
				}
			}
		}
		if (is_wp(r, b1) && emdash_at(r, s, len, k))
			return k;
		k += u8_offset(s + k, len - k, 1);
	}
}

static void add_chunk(struct rctx *r, chunks_t *c, const char *s, size_t len)
{
	struct chunk *ch = fl_vec_push(r->a, c);
	ch->s = s;
	ch->len = len;
	ch->chars = fl_utf8_count(s, len);
}

static void split_chunks(struct rctx *r, const char *s, size_t len, int hyphens, chunks_t *c)
{
	for (size_t i = 0; i < len;) {
		size_t j = i;
		if (tw_space(s[i])) {
			while (j < len && tw_space(s[j]))
				j++;
		} else if (!hyphens) {
			while (j < len && !tw_space(s[j]))
				j++;
		} else {
			size_t st;
			if (s[i] == '-' && is_wp(r, cp_before(s, len, i, &st)) && emdash_at(r, s, len, i)) {
				while (j < len && s[j] == '-')
					j++;
			} else {
				j = word_end(r, s, len, i);
			}
		}
		add_chunk(r, c, s + i, j - i);
		i = j;
	}
}

static int blank_chunk(const struct chunk *c)
{
	for (size_t i = 0; i < c->len;) {
		size_t adv;
		if (!tpl_space_at(c->s, c->len, i, &adv))
			return 0;
		i += adv;
	}
	return 1;
}

/* TextWrapper._wrap_chunks for one paragraph, lines joined by wrapstring */
static void wrap_para(struct rctx *r, const char *s, size_t len, size_t width, int breaklong,
		      int hyphens, const char *ws, size_t wsn, fl_buf *out)
{
	chunks_t c = {0};
	split_chunks(r, s, len, hyphens, &c);
	size_t next = 0, lines = 0;
	while (next < c.len) {
		size_t cur = 0, count = 0;
		int have_piece = 0;
		if (blank_chunk(&c.items[next]) && lines)
			next++;
		size_t first = next;
		/* the line's chunks are c.items[first .. next), plus a piece */
		struct chunk piece = {0};
		while (next < c.len && cur + c.items[next].chars <= width) {
			cur += c.items[next].chars;
			next++;
			count++;
		}
		if (next < c.len && c.items[next].chars > width) {
			/* _handle_long_word */
			size_t space = width < 1 ? 1 : width - cur;
			if (breaklong) {
				struct chunk *ch = &c.items[next];
				size_t end = space;
				if (hyphens && ch->chars > space) {
					/* chunk.rfind('-', 0, space_left) */
					size_t lim = u8_offset(ch->s, ch->len, space);
					for (size_t k = lim; k-- > 0;) {
						if (ch->s[k] == '-') {
							int other = 0;
							for (size_t q = 0; q < k; q++)
								other |= ch->s[q] != '-';
							if (k > 0 && other)
								end = fl_utf8_count(ch->s, k) + 1;
							break;
						}
					}
				}
				size_t cut = u8_offset(ch->s, ch->len, end);
				piece = (struct chunk){ch->s, cut, fl_utf8_count(ch->s, cut)};
				have_piece = 1;
				ch->s += cut;
				ch->len -= cut;
				ch->chars -= piece.chars;
			} else if (!count) {
				next++;
				count++;
			}
		}
		/* drop trailing white space of the line */
		size_t last = next;
		int use_piece = have_piece && !blank_chunk(&piece);
		if (!have_piece && last > first && blank_chunk(&c.items[last - 1]))
			last--;
		if (last == first && !use_piece)
			continue;
		if (lines)
			fl_buf_append(out, ws, wsn);
		for (size_t k = first; k < last; k++)
			fl_buf_append(out, c.items[k].s, c.items[k].len);
		if (use_piece)
			fl_buf_append(out, piece.s, piece.len);
		lines++;
	}
}

FILTER(f_wordwrap)
{
	BIND("width", "break_long_words", "wrapstring", "break_on_hyphens");
	json_int_t width;
	fl_err e = int_param(r, n, p[0], 79, "width", &width);
	if (e)
		return e;
	if (width <= 0)
		return tpl_fail(r, n, "invalid width %lld (must be > 0)", (long long)width);
	int breaklong = p[1] ? tv_truthy(p[1]) : 1, hyphens = p[3] ? tv_truthy(p[3]) : 1;
	const char *ws = "\n";
	size_t wsn = 1;
	if (p[2] && !json_is_null(p[2]))
		ws = tv_cstr(r->a, p[2], &wsn);
	size_t len, next;
	const char *s = str_of(r, v, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	for (size_t i = 0, k = 0; i < len; i = next, k++) {
		size_t end = tpl_line_end(s, len, i, &next);
		if (k)
			fl_buf_append(&b, ws, wsn);
		wrap_para(r, s + i, end - i, (size_t)width, breaklong, hyphens, ws, wsn, &b);
		if (b.len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	*out = text(&b);
	return FL_OK;
}

/* ---- urlencode ---- */

/* jinja2.utils.url_quote: quote_from_bytes with safe "/" (or nothing and
 * "+" for spaces for a query string) */
static void url_quote(struct rctx *r, fl_buf *b, json_t *v, int for_qs)
{
	size_t len;
	const char *s = str_of(r, v, &len);
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !for_qs)) {
			fl_buf_putc(b, (char)c);
		} else if (c == ' ' && for_qs) {
			fl_buf_putc(b, '+');
		} else {
			fl_buf_putc(b, '%');
			fl_buf_putc(b, hex[c >> 4]);
			fl_buf_putc(b, hex[c & 15]);
		}
	}
}

FILTER(f_urlencode)
{
	TPL_NOARGS();
	fl_buf b;
	fl_buf_init(&b, r->a);
	if (!v || tv_is_stringish(v) || json_is_number(v) || json_is_boolean(v) || json_is_null(v)) {
		url_quote(r, &b, v ? v : json_string(""), 0);
		*out = text(&b);
		return FL_OK;
	}
	json_t *pairs = json_is_object(v) && !tv_seq_items(v) ? tv_items(v) : tv_iter(v);
	if (!pairs)
		return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(v));
	for (size_t i = 0; i < json_array_size(pairs); i++) {
		json_t *pr = json_array_get(pairs, i);
		json_t *items = tv_seq_items(pr) ? tv_seq_items(pr) : pr;
		if (!json_is_array(items) || json_array_size(items) != 2)
			return tpl_fail(r, n, "urlencode: item %zu is not a (key, value) pair", i);
		if (i)
			fl_buf_putc(&b, '&');
		url_quote(r, &b, json_array_get(items, 0), 1);
		fl_buf_putc(&b, '=');
		url_quote(r, &b, json_array_get(items, 1), 1);
	}
	*out = text(&b);
	return FL_OK;
}

/* ---- urlize (jinja2.utils.urlize) ---- */

static int w_or(struct rctx *r, const char *s, size_t len, size_t i, const char *extra, size_t *adv)
{
	uint32_t cp = cp_at(s, len, i);
	*adv = u8_offset(s + i, len - i, 1);
	return is_w(r, cp) || (cp < 0x80 && cp && strchr(extra, (int)cp));
}

/* (?::[\d]{1,5})?(?:[/?#]\S*)?$ from byte i (the word has no white space) */
static int url_rest(const char *s, size_t len, size_t i)
{
	if (i < len && s[i] == ':') {
		size_t k = ++i;
		while (i < len && isdigit((unsigned char)s[i]) && i - k < 5)
			i++;
		if (i == k)
			return 0;
	}
	return i == len || s[i] == '/' || s[i] == '?' || s[i] == '#';
}

static int ci_prefix(const char *s, size_t len, const char *p)
{
	size_t pl = strlen(p);
	return len >= pl && !strncasecmp(s, p, pl);
}

/* _http_re */
static int http_match(struct rctx *r, const char *s, size_t len)
{
	size_t i = 0, adv;
	int scheme = 0;
	if (ci_prefix(s, len, "https://"))
		i = 8, scheme = 1;
	else if (ci_prefix(s, len, "http://"))
		i = 7, scheme = 1;
	else if (ci_prefix(s, len, "www."))
		i = 4, scheme = 1;
	/* the host: a run of [\w%.-] */
	size_t h = i;
	while (h < len && w_or(r, s, len, h, "%.-", &adv))
		h += adv;
	if (scheme && h > i && url_rest(s, len, h)) {
		/* labels [\w%-]+ separated by dots, the last a tld */
		size_t lastdot = h;
		for (size_t k = h; k-- > i;)
			if (s[k] == '.') {
				lastdot = k;
				break;
			}
		size_t ts = lastdot == h ? i : lastdot + 1;
		int ok = ts < h;
		for (size_t k = i; k < ts && ok; k++)
			if (s[k] == '.' && (k == i || s[k - 1] == '.'))
				ok = 0;
		if (ok) {
			size_t tl = h - ts, alpha = 1;
			for (size_t k = ts; k < h; k++)
				alpha &= isalpha((unsigned char)s[k]) != 0;
			if (alpha && tl >= 2 && tl <= 63)
				return 1;
			if (ci_prefix(s + ts, tl, "xn--") && tl >= 6 && tl <= 63) {
				int w = 1;
				for (size_t k = ts + 4; k < h && w; k += adv)
					w = w_or(r, s, len, k, "%", &adv);
				if (w)
					return 1;
			}
		}
	}
	if (i >= 7 && s[i - 1] == '/') {
		/* https?:// IPv4 or [IPv6] */
		size_t k = i;
		int parts = 0, ok = 1;
		while (ok && parts < 4) {
			size_t d = k;
			while (k < len && isdigit((unsigned char)s[k]) && k - d < 3)
				k++;
			ok = k > d;
			parts++;
			if (ok && parts < 4)
				ok = k < len && s[k++] == '.';
		}
		if (ok && url_rest(s, len, k))
			return 1;
		if (i < len && s[i] == '[') {
			const char *close = memchr(s + i, ']', len - i);
			if (close) {
				size_t colons = 0, good = 1;
				for (const char *q = s + i + 1; q < close; q++) {
					colons += *q == ':';
					good &= isxdigit((unsigned char)*q) || *q == ':';
				}
				if (good && colons >= 2 && url_rest(s, len, (size_t)(close - s) + 1))
					return 1;
			}
		}
	}
	/* ([\w%-]{2,63}\.)+ (com|net|int|edu|gov|org|info|mil) without a scheme */
	static const char *const tlds[] = {"com", "net", "int", "edu", "gov", "org", "info", "mil"};
	size_t e = 0;
	while (e < len && w_or(r, s, len, e, "%.-", &adv))
		e += adv;
	if (!url_rest(s, len, e))
		return 0;
	for (size_t t = 0; t < sizeof tlds / sizeof tlds[0]; t++) {
		size_t tl = strlen(tlds[t]);
		if (e < tl + 3 || strncasecmp(s + e - tl, tlds[t], tl) || s[e - tl - 1] != '.')
			continue;
		size_t k = 0, ok = 1, labels = 0;
		while (k < e - tl && ok) {
			size_t d = k, cp = 0;
			while (k < e - tl && s[k] != '.') {
				w_or(r, s, len, k, "%-", &adv);
				k += adv;
				cp++;
			}
			ok = cp >= 2 && cp <= 63 && k < e - tl && s[k] == '.';
			(void)d;
			k++;
			labels++;
		}
		if (ok && labels)
			return 1;
	}
	return 0;
}

/* _email_re: ^\S+@\w[\w.-]*\.\w+$ */
static int email_match(struct rctx *r, const char *s, size_t len)
{
	const char *at = NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at || at == s)
		return 0;
	size_t d = (size_t)(at - s) + 1, adv, lastdot = 0;
	if (d >= len || !w_or(r, s, len, d, "", &adv))
		return 0;
	for (size_t k = d; k < len; k += adv) {
		if (!w_or(r, s, len, k, ".-", &adv))
			return 0;
		if (s[k] == '.')
			lastdot = k;
	}
	if (lastdot <= d || lastdot + 1 >= len)
		return 0;
	for (size_t k = lastdot + 1; k < len; k += adv)
		if (!w_or(r, s, len, k, "", &adv))
			return 0;
	return 1;
}

static size_t count_sub(const char *s, size_t len, const char *p)
{
	size_t pl = strlen(p), c = 0;
	for (const char *q = s; (q = memmem(q, (size_t)(s + len - q), p, pl)); q += pl)
		c++;
	return c;
}

static void trim_url(fl_buf *b, const char *s, size_t len, json_int_t limit)
{
	if (limit >= 0 && fl_utf8_count(s, len) > (size_t)limit) {
		fl_buf_append(b, s, u8_offset(s, len, (size_t)limit));
		fl_buf_puts(b, "...");
	} else {
		fl_buf_append(b, s, len);
	}
}

static void urlize_word(struct rctx *r, fl_buf *b, const char *w, size_t len, json_int_t limit,
			const char *attrs, json_t *schemes)
{
	size_t hs = 0;
	for (;;) {
		if (hs < len && (w[hs] == '(' || w[hs] == '<'))
			hs++;
		else if (len - hs >= 4 && !memcmp(w + hs, "&lt;", 4))
			hs += 4;
		else
			break;
	}
	const char *m = w + hs;
	size_t ml = len - hs, te = ml;
	for (;;) {
		if (te > 0 && strchr(")>.,\n", m[te - 1]) && m[te - 1])
			te--;
		else if (te >= 4 && !memcmp(m + te - 4, "&gt;", 4))
			te -= 4;
		else
			break;
	}
	fl_buf mid;
	fl_buf_init(&mid, r->a);
	fl_buf_append(&mid, m, te);
	const char *tail = m + te;
	size_t tl = ml - te;
	static const char *const pairs[][2] = {{"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}};
	for (size_t k = 0; k < 3; k++) {
		size_t sc = count_sub(fl_buf_cstr(&mid), mid.len, pairs[k][0]);
		if (sc <= count_sub(fl_buf_cstr(&mid), mid.len, pairs[k][1]))
			continue;
		size_t times = count_sub(tail, tl, pairs[k][1]);
		if (times > sc)
			times = sc;
		for (size_t t = 0; t < times; t++) {
			const char *hit = memmem(tail, tl, pairs[k][1], strlen(pairs[k][1]));
			size_t end = (size_t)(hit - tail) + strlen(pairs[k][1]);
			fl_buf_append(&mid, tail, end);
			tail += end;
			tl -= end;
		}
	}
	fl_buf_append(b, w, hs);
	const char *ms = fl_buf_cstr(&mid);
	size_t mn = mid.len;
	if (http_match(r, ms, mn)) {
		int has_scheme = (mn >= 8 && !memcmp(ms, "https://", 8)) ||
				 (mn >= 7 && !memcmp(ms, "http://", 7));
		fl_buf_puts(b, has_scheme ? "<a href=\"" : "<a href=\"https://");
		fl_buf_append(b, ms, mn);
		fl_buf_printf(b, "\"%s>", attrs);
		trim_url(b, ms, mn, limit);
		fl_buf_puts(b, "</a>");
	} else if (mn > 7 && !strncmp(ms, "mailto:", 7) && email_match(r, ms + 7, mn - 7)) {
		fl_buf_puts(b, "<a href=\"");
		fl_buf_append(b, ms, mn);
		fl_buf_puts(b, "\">");
		fl_buf_append(b, ms + 7, mn - 7);
		fl_buf_puts(b, "</a>");
	} else if (memchr(ms, '@', mn) && strncmp(ms, "www.", mn < 4 ? mn : 4) &&
		   !memchr(ms, ':', mn) && email_match(r, ms, mn)) {
		fl_buf_puts(b, "<a href=\"mailto:");
		fl_buf_append(b, ms, mn);
		fl_buf_puts(b, "\">");
		fl_buf_append(b, ms, mn);
		fl_buf_puts(b, "</a>");
	} else {
		for (size_t k = 0; k < json_array_size(schemes); k++) {
			size_t sl;
			const char *sch = tv_cstr(r->a, json_array_get(schemes, k), &sl);
			if (mn <= sl || memcmp(ms, sch, sl))
				continue;  /* middle != scheme and middle.startswith(scheme) */
			/* Jinja rewrites middle for every matching scheme */
			fl_buf nm;
			fl_buf_init(&nm, r->a);
			fl_buf_puts(&nm, "<a href=\"");
			fl_buf_append(&nm, ms, mn);
			fl_buf_printf(&nm, "\"%s>", attrs);
			fl_buf_append(&nm, ms, mn);
			fl_buf_puts(&nm, "</a>");
			ms = fl_buf_cstr(&nm);
			mn = nm.len;
		}
		fl_buf_append(b, ms, mn);
	}
	fl_buf_append(b, tail, tl);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

FILTER(f_urlize)
{
	BIND("trim_url_limit", "nofollow", "target", "rel", "extra_schemes");
	json_int_t limit;
	fl_err e = int_param(r, n, p[0], -1, "trim_url_limit", &limit);
	if (e)
		return e;
	/* rel: the words of rel, "nofollow", and Flask's policy "noopener", sorted, once each */
	const char *words[64];
	size_t nw = 0;
	char *relbuf = NULL;
	if (p[3] && !json_is_null(p[3])) {
		size_t rl;
		relbuf = fl_arena_strdup(r->a, tv_cstr(r->a, p[3], &rl));
		for (char *tok = strtok(relbuf, " \t\n\r\f\v"); tok && nw < 60; tok = strtok(NULL, " \t\n\r\f\v"))
			words[nw++] = tok;
	}
	if (tv_truthy(p[1]))
		words[nw++] = "nofollow";
	words[nw++] = "noopener";
	qsort(words, nw, sizeof *words, cmp_str);
	fl_buf attrs, tmp;
	fl_buf_init(&attrs, r->a);
	fl_buf_init(&tmp, r->a);
	for (size_t i = 0; i < nw; i++) {
		if (i && !strcmp(words[i], words[i - 1]))
			continue;
		if (tmp.len)
			fl_buf_putc(&tmp, ' ');
		fl_buf_puts(&tmp, words[i]);
	}
	fl_buf_puts(&attrs, " rel=\"");
	fl_html_escape(&attrs, fl_buf_cstr(&tmp), tmp.len);
	fl_buf_putc(&attrs, '"');
	if (p[2] && !json_is_null(p[2])) {
		size_t tl;
		const char *t = tv_cstr(r->a, p[2], &tl);
		if (tl) {
			fl_buf_puts(&attrs, " target=\"");
			fl_html_escape(&attrs, t, tl);
			fl_buf_putc(&attrs, '"');
		}
	}
	json_t *schemes = p[4] && !json_is_null(p[4]) ? tv_iter(p[4]) : json_array();
	if (!schemes)
		return tpl_fail(r, n, "extra_schemes must be a list of strings");
	for (size_t k = 0; k < json_array_size(schemes); k++) {
		json_t *sv = json_array_get(schemes, k);
		size_t sl, i = 0, adv;
		const char *sch = tv_cstr(r->a, sv, &sl);
		while (i < sl && w_or(r, sch, sl, i, ".+-", &adv))
			i += adv;
		int ok = fl_utf8_count(sch, i) >= 2 && i < sl && sch[i] == ':';
		size_t slashes = ok ? sl - i - 1 : 0;
		ok = ok && slashes <= 2 && strspn(sch + i + 1, "/") == slashes;
		if (!ok) {
			fl_buf rep;
			fl_buf_init(&rep, r->a);
			tv_repr(&rep, sv);
			return tpl_fail(r, n, "%s is not a valid URI scheme prefix.", fl_buf_cstr(&rep));
		}
	}
	size_t len;
	const char *s = str_of(r, v, &len);
	fl_buf esc, b;
	fl_buf_init(&esc, r->a);
	fl_buf_init(&b, r->a);
	if (fl_is_markup(v))
		fl_buf_append(&esc, s, len);
	else
		fl_html_escape(&esc, s, len);
	const char *t = fl_buf_cstr(&esc);
	for (size_t i = 0; i < esc.len;) {
		size_t j = i, adv;
		if (tpl_space_at(t, esc.len, i, &adv)) {
			while (j < esc.len && tpl_space_at(t, esc.len, j, &adv))
				j += adv;
			fl_buf_append(&b, t + i, j - i);
		} else {
			while (j < esc.len && !tpl_space_at(t, esc.len, j, &adv))
				j += adv;
			urlize_word(r, &b, t + i, j - i, limit, fl_buf_cstr(&attrs), schemes);
		}
		i = j;
		if (b.len > TPL_MAX_BUILD)
			return tpl_fail(r, n, "result too large");
	}
	*out = autoescape(r) ? tpl_markup_n(b.data ? b.data : "", b.len) : text(&b);
	return FL_OK;
}

/* ---- filesizeformat, xmlattr, forceescape ---- */

FILTER(f_filesizeformat)
{
	BIND("binary");
	double bytes;
	if (tv_is_number(v)) {
		bytes = tv_number(v);
	} else {
		size_t len;
		const char *s = str_of(r, v, &len);
		char *end;
		bytes = tv_is_stringish(v) ? strtod(s, &end) : 0;
		if (!tv_is_stringish(v) || end == s || *end)
			return tpl_fail(r, n, "could not convert %s to float", tv_typename(v));
	}
	int bin = tv_truthy(p[0]);
	double base = bin ? 1024 : 1000;
	static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
	static const char *const two[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
	fl_buf b;
	fl_buf_init(&b, r->a);
	if (bytes == 1) {
		fl_buf_puts(&b, "1 Byte");
	} else if (bytes < base) {
		fl_buf_printf(&b, "%.0f Bytes", trunc(bytes) == 0 ? 0.0 : trunc(bytes));
	} else {
		/* Python compares the float with the exact integer base ** k,
		 * which a long double holds (5^27 < 2^64), and divides by the
		 * integer rounded to a double */
		long double exact = base;
		double unit = base;
		size_t i;
		for (i = 0; i < 8; i++) {
			exact *= base;
			unit = (double)exact;
			if ((long double)bytes < exact)
				break;
		}
		if (i == 8)
			i = 7;
		fl_buf_printf(&b, "%.1f %s", base * bytes / unit, bin ? two[i] : dec[i]);
	}
	*out = text(&b);
	return FL_OK;
}

FILTER(f_xmlattr)
{
	BIND("autospace");
	v = tpl_whole(v);
	if (!json_is_object(v) || fl_is_markup(v) || tpl_callable_kind(v, NULL) >= 0)
		return tpl_fail(r, n, "'%s' object has no attribute 'items'", tv_typename(v));
	fl_buf b;
	fl_buf_init(&b, r->a);
	const char *k;
	size_t klen;
	json_t *x;
	json_object_keylen_foreach(v, k, klen, x) {
		if (tv_hidden_key(k, klen) || !x || json_is_null(x) || x == r->undef)
			continue;
		for (size_t i = 0; i < klen; i++)
			if (strchr(" \t\n\r\f\v/>=", k[i]) && k[i]) {
				fl_buf rep;
				fl_buf_init(&rep, r->a);
				tv_repr(&rep, json_stringn_nocheck(k, klen));
				return tpl_fail(r, n, "Invalid character in attribute name: %s",
						fl_buf_cstr(&rep));
			}
		json_t *sv;
		fl_err e = tpl_as_string(r, n, x, &sv);
		if (e)
			return e;
		fl_buf_putc(&b, ' ');
		fl_html_escape(&b, k, klen);
		fl_buf_puts(&b, "=\"");
		size_t vl;
		const char *vs = tv_cstr(r->a, sv, &vl);
		if (fl_is_markup(sv))
			fl_buf_append(&b, vs, vl);
		else
			fl_html_escape(&b, vs, vl);
		fl_buf_putc(&b, '"');
	}
	size_t skip = (b.len && !(p[0] ? tv_truthy(p[0]) : 1)) ? 1 : 0;
	const char *s = b.data ? b.data + skip : "";
	size_t sl = b.len - skip;
	*out = autoescape(r) ? tpl_markup_n(s, sl) : json_stringn_nocheck(s, sl);
	return FL_OK;
}

FILTER(f_forceescape)
{
	TPL_NOARGS();
	size_t len;
	const char *s = str_of(r, v, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	fl_html_escape(&b, s, len);
	*out = tpl_markup_n(b.data ? b.data : "", b.len);
	return FL_OK;
}

/* ---- pprint (pprint.pformat, width 80, sort_dicts) ---- */

static void safe_repr(fl_buf *b, json_t *v, int depth);

static struct jkey *sorted_items(fl_arena *a, json_t *v, size_t *cnt)
{
	v = tpl_whole(v);
	struct jkey *keys = fl_arena_calloc(a, json_object_size(v) + 1, sizeof *keys);
	const char *k;
	size_t klen;
	json_t *x;
	*cnt = 0;
	json_object_keylen_foreach(v, k, klen, x)
		if (!tv_hidden_key(k, klen))
			keys[(*cnt)++] = (struct jkey){k, klen, x};
	qsort(keys, *cnt, sizeof *keys, cmp_jkey);
	return keys;
}

static int plain_dict(json_t *v)
{
	return json_is_object(v) && !fl_is_markup(v) && tpl_callable_kind(v, NULL) < 0 &&
	       !tv_seq_items(v);
}

/* pprint's _safe_repr: repr with dict keys sorted */
static void safe_repr(fl_buf *b, json_t *v, int depth)
{
	if (depth > 64) {
		fl_buf_puts(b, "...");
		return;
	}
	json_t *items = json_is_object(v) ? tv_seq_items(v) : NULL;
	if (plain_dict(v)) {
		size_t cnt;
		struct jkey *keys = sorted_items(b->arena, v, &cnt);
		fl_buf_putc(b, '{');
		for (size_t i = 0; i < cnt; i++) {
			if (i)
				fl_buf_puts(b, ", ");
			tv_repr(b, json_stringn_nocheck(keys[i].k, keys[i].len));
			fl_buf_puts(b, ": ");
			safe_repr(b, keys[i].v, depth + 1);
		}
		fl_buf_putc(b, '}');
	} else if (json_is_array(v) || items) {
		json_t *a = items ? items : v;
		size_t cnt = json_array_size(a);
		fl_buf_putc(b, items ? '(' : '[');
		for (size_t i = 0; i < cnt; i++) {
			if (i)
				fl_buf_puts(b, ", ");
			safe_repr(b, json_array_get(a, i), depth + 1);
		}
		fl_buf_puts(b, items ? (cnt == 1 ? ",)" : ")") : "]");
	} else {
		tv_repr(b, v);
	}
}

static size_t width_of(fl_buf *b)
{
	return fl_utf8_count(b->data, b->len);
}

static void pp_format(struct rctx *r, fl_buf *out, json_t *v, size_t indent, size_t allowance,
		      int level);

static void pp_items(struct rctx *r, fl_buf *out, json_t *a, size_t indent, size_t allowance,
		     int level)
{
	indent += 1;
	size_t cnt = json_array_size(a);
	for (size_t i = 0; i < cnt; i++) {
		if (i) {
			fl_buf_puts(out, ",\n");
			for (size_t k = 0; k < indent; k++)
				fl_buf_putc(out, ' ');
		}
		pp_format(r, out, json_array_get(a, i), indent, i + 1 == cnt ? allowance : 1, level);
	}
}

static void repr_str(fl_buf *b, const char *s, size_t len)
{
	tv_repr(b, json_stringn_nocheck(s, len));
}

static void pp_str(struct rctx *r, fl_buf *out, const char *s, size_t len, size_t indent,
		   size_t allowance, int level)
{
	FL_VEC(fl_buf) list = {0};
	if (level == 1)
		indent += 1, allowance += 1;
	long maxw1 = 80 - (long)indent, maxw = maxw1;
	size_t next;
	fl_buf rep;
	for (size_t i = 0; i < len; i = next) {
		tpl_line_end(s, len, i, &next);
		fl_buf_init(&rep, r->a);
		repr_str(&rep, s + i, next - i);
		if (next >= len)
			maxw1 -= (long)allowance;
		if ((long)width_of(&rep) <= maxw1) {
			*fl_vec_push(r->a, &list) = rep;
			continue;
		}
		/* re.findall(r'\S*\s*', line) without the empty last part */
		long maxw2 = maxw;
		size_t cs = i, ce = i;  /* current = line[cs:ce] */
		for (size_t j = i; j < next;) {
			size_t k = j, adv;
			while (k < next && !tpl_space_at(s, next, k, &adv))
				k += adv;
			while (k < next && tpl_space_at(s, next, k, &adv))
				k += adv;
			if (k >= next && next >= len)
				maxw2 -= (long)allowance;
			fl_buf cand;
			fl_buf_init(&cand, r->a);
			repr_str(&cand, s + cs, k - cs);
			if ((long)width_of(&cand) > maxw2) {
				if (ce > cs) {
					fl_buf c;
					fl_buf_init(&c, r->a);
					repr_str(&c, s + cs, ce - cs);
					*fl_vec_push(r->a, &list) = c;
				}
				cs = j;
			}
			ce = k;
			j = k;
		}
		if (ce > cs) {
			fl_buf c;
			fl_buf_init(&c, r->a);
			repr_str(&c, s + cs, ce - cs);
			*fl_vec_push(r->a, &list) = c;
		}
	}
	if (list.len == 1) {
		fl_buf_append(out, rep.data, rep.len);
		return;
	}
	if (level == 1)
		fl_buf_putc(out, '(');
	for (size_t i = 0; i < list.len; i++) {
		if (i) {
			fl_buf_putc(out, '\n');
			for (size_t k = 0; k < indent; k++)
				fl_buf_putc(out, ' ');
		}
		fl_buf_append(out, list.items[i].data, list.items[i].len);
	}
	if (level == 1)
		fl_buf_putc(out, ')');
}

static void pp_format(struct rctx *r, fl_buf *out, json_t *v, size_t indent, size_t allowance,
		      int level)
{
	fl_buf rep;
	fl_buf_init(&rep, r->a);
	safe_repr(&rep, v, 0);
	long maxw = 80 - (long)indent - (long)allowance;
	json_t *items = json_is_object(v) ? tv_seq_items(v) : NULL;
	if ((long)width_of(&rep) <= maxw || level > 64) {
		fl_buf_append(out, rep.data, rep.len);
		return;
	}
	if (plain_dict(v)) {
		size_t cnt;
		struct jkey *keys = sorted_items(r->a, v, &cnt);
		fl_buf_putc(out, '{');
		size_t ind = indent + 1;
		for (size_t i = 0; i < cnt; i++) {
			fl_buf kr;
			fl_buf_init(&kr, r->a);
			repr_str(&kr, keys[i].k, keys[i].len);
			fl_buf_append(out, kr.data, kr.len);
			fl_buf_puts(out, ": ");
			pp_format(r, out, keys[i].v, ind + width_of(&kr) + 2,
				  i + 1 == cnt ? allowance + 1 : 1, level + 1);
			if (i + 1 < cnt) {
				fl_buf_puts(out, ",\n");
				for (size_t k = 0; k < ind; k++)
					fl_buf_putc(out, ' ');
			}
		}
		fl_buf_putc(out, '}');
	} else if (json_is_array(v)) {
		fl_buf_putc(out, '[');
		pp_items(r, out, v, indent, allowance + 1, level + 1);
		fl_buf_putc(out, ']');
	} else if (items) {
		size_t cnt = json_array_size(items);
		fl_buf_putc(out, '(');
		pp_items(r, out, items, indent, allowance + (cnt == 1 ? 2 : 1), level + 1);
		fl_buf_puts(out, cnt == 1 ? ",)" : ")");
	} else if (json_is_string(v) && json_string_length(v)) {
		pp_str(r, out, json_string_value(v), json_string_length(v), indent, allowance, level + 1);
	} else {
		fl_buf_append(out, rep.data, rep.len);
	}
}

FILTER(f_pprint)
{
	TPL_NOARGS();
	fl_buf b;
	fl_buf_init(&b, r->a);
	pp_format(r, &b, v, 0, 0, 0);
	if (b.len > TPL_MAX_BUILD)
		return tpl_fail(r, n, "result too large");
	*out = text(&b);
	return FL_OK;
}

/* Each sees a callable object (a form field) as its string (objects = 0). */
static const struct tpl_filter text_filters[] = {
	{"center", f_center, 0}, {"filesizeformat", f_filesizeformat, 0},
	{"forceescape", f_forceescape, 0}, {"indent", f_indent, 0}, {"pprint", f_pprint, 0},
	{"tojson", f_tojson, 0}, {"urlencode", f_urlencode, 0}, {"urlize", f_urlize, 0},
	{"wordwrap", f_wordwrap, 0}, {"xmlattr", f_xmlattr, 0},
};

const struct tpl_filter *tpl_find_text_filter(const char *name)
{
	for (size_t i = 0; i < sizeof text_filters / sizeof text_filters[0]; i++)
		if (!strcmp(text_filters[i].name, name))
			return &text_filters[i];
	return NULL;
}
