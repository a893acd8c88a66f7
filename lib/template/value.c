/* value.c — Python semantics for JSON values: truthiness, str(), repr(),
 * equality and ordering, len(), plus markup and UTF-8 helpers. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "base/pyrepr.h"
#include "base/row.h"
#include "template/internal.h"

/* ---- markup ----
 * A markup value is an object with one member whose key is MARKUP_KEY.
 * That key starts with a NUL byte, which no data can carry: jansson's
 * parser refuses a NUL in an object key (request bodies, session cookies
 * and records, cached values), and every key given as a C string — by
 * json_pack, json_object_set, a database column name, json_copy or
 * json_deep_copy — ends before it.  Only tpl_markup_n (json_object_setn)
 * writes it, so {"__html__": "<script>"} from data is a dict like any
 * other and is escaped, as Jinja escapes a dict. */

#define MARKUP_KEY "\0__html__"
#define MARKUP_KEY_LEN (sizeof MARKUP_KEY - 1)

json_t *tpl_markup_n(const char *html, size_t n)
{
	json_t *o = json_object();
	json_object_setn_new_nocheck(o, MARKUP_KEY, MARKUP_KEY_LEN,
		json_stringn_nocheck(html ? html : "", n));
	return o;
}

json_t *fl_markup(const char *html)
{
	return tpl_markup_n(html, html ? strlen(html) : 0);
}

/* The size is checked first, and the one member is read through the
 * object's iterator rather than a hash lookup: the check runs for every
 * value a template prints and every row or dict it touches. */
const char *tv_html(const json_t *v, size_t *len)
{
	if (!json_is_object(v) || json_object_size(v) != 1)
		return NULL;
	void *it = json_object_iter((json_t *)v);
	if (json_object_iter_key_len(it) != MARKUP_KEY_LEN ||
	    memcmp(json_object_iter_key(it), MARKUP_KEY, MARKUP_KEY_LEN) != 0)
		return NULL;
	json_t *h = json_object_iter_value(it);
	if (!json_is_string(h))
		return NULL;
	if (len)
		*len = json_string_length(h);
	return json_string_value(h);
}

const char *fl_markup_html(const json_t *v, size_t *len)
{
	return tv_html(v, len);
}

int fl_is_markup(const json_t *v)
{
	return tv_html(v, NULL) != NULL;
}

/* ---- callables ----
 * A macro or a global function is an object with one member: its kind's
 * key, which starts with a NUL byte like MARKUP_KEY (so data shaped like
 * {"__fl_macro__": 0} is a dict, never something a template can call),
 * and its index in the render's or the env's table.
 *
 * A callable object (fl_tpl_callable) is an object whose FIRST member is
 * CALL_KEY, holding [function, user data] as two integers, followed by its
 * attributes.  Only fl_tpl_callable writes that key, so data cannot name a
 * C function for a template to call; the engine hides the member from
 * iteration, len(), items()/values() and printing (tv_hidden_key), so the
 * addresses never reach a page. */

static const struct { const char *key; size_t len; } callable_keys[] = {
	[TPL_MACRO] = { "\0__fl_macro__", sizeof "\0__fl_macro__" - 1 },
	[TPL_FUNC] = { "\0__fl_func__", sizeof "\0__fl_func__" - 1 },
	[TPL_OBJECT] = { "\0__fl_call__", sizeof "\0__fl_call__" - 1 },
};

int tv_hidden_key(const char *key, size_t len)
{
	return len > 0 && key[0] == '\0';
}

json_t *tpl_callable_new(enum tpl_callable kind, size_t index)
{
	json_t *o = json_object();
	json_object_setn_new_nocheck(o, callable_keys[kind].key, callable_keys[kind].len,
		json_integer((json_int_t)index));
	return o;
}

#define ITEMS_KEY "\0__fl_items__"
#define ITEMS_KEY_LEN (sizeof ITEMS_KEY - 1)

void tv_add_members(json_t *o, const json_t *attrs)
{
	const char *k;
	size_t klen;
	json_t *v;
	if (json_is_object(attrs) && !fl_is_markup(attrs))
		json_object_keylen_foreach((json_t *)attrs, k, klen, v)
			if (!tv_hidden_key(k, klen))
				json_object_setn_nocheck(o, k, klen, v);
}

json_t *fl_tpl_callable(json_t *attrs, fl_tpl_function fn, void *ud)
{
	json_t *o = json_object(), *target = json_array();
	json_array_append_new(target, json_integer((json_int_t)(intptr_t)fn));
	json_array_append_new(target, json_integer((json_int_t)(intptr_t)ud));
	json_object_setn_new_nocheck(o, callable_keys[TPL_OBJECT].key,
		callable_keys[TPL_OBJECT].len, target);
	/* attrs made by fl_tpl_sequence: a callable sequence (WTForms'
	 * RadioField), its items the SECOND member (tv_seq_items) */
	json_t *items = tpl_callable_kind(attrs, NULL) < 0 ? tv_seq_items(attrs) : NULL;
	if (items)
		json_object_setn_nocheck(o, ITEMS_KEY, ITEMS_KEY_LEN, items);
	tv_add_members(o, attrs);
	return o;
}

/* ---- sequence objects ----
 * An object that is also a sequence (fl_tpl_sequence) has ITEMS_KEY as its
 * FIRST member (the second after CALL_KEY for a callable one), holding the
 * array its iteration gives; its other members are its attributes.  Like
 * the marks above, only the engine can write it. */

json_t *fl_tpl_sequence(json_t *attrs, json_t *items)
{
	json_t *o = json_object();
	json_object_setn_new_nocheck(o, ITEMS_KEY, ITEMS_KEY_LEN,
		json_is_array(items) ? json_incref(items) : json_array());
	tv_add_members(o, attrs);
	return o;
}

json_t *tv_seq_items(const json_t *v)
{
	if (!json_is_object(v))
		return NULL;
	void *it = json_object_iter((json_t *)v);
	if (it && json_object_iter_key_len(it) == callable_keys[TPL_OBJECT].len &&
	    !memcmp(json_object_iter_key(it), callable_keys[TPL_OBJECT].key,
	            callable_keys[TPL_OBJECT].len))
		it = json_object_iter_next((json_t *)v, it);
	if (!it || json_object_iter_key_len(it) != ITEMS_KEY_LEN ||
	    memcmp(json_object_iter_key(it), ITEMS_KEY, ITEMS_KEY_LEN) != 0)
		return NULL;
	json_t *items = json_object_iter_value(it);
	return json_is_array(items) ? items : NULL;
}

int tpl_callable_kind(const json_t *v, json_int_t *index)
{
	if (!json_is_object(v))
		return -1;
	void *it = json_object_iter((json_t *)v);
	if (!it)
		return -1;
	size_t klen = json_object_iter_key_len(it);
	const char *key = json_object_iter_key(it);
	if (!tv_hidden_key(key, klen) || klen < 7)
		return -1;
	/* the one candidate, by the letter after "\0__fl_"; then the whole key */
	int k = key[6] == 'm' ? TPL_MACRO : key[6] == 'f' ? TPL_FUNC : key[6] == 'c' ? TPL_OBJECT : -1;
	if (k < 0 || klen != callable_keys[k].len || memcmp(key, callable_keys[k].key, klen) != 0)
		return -1;
	if (k == TPL_OBJECT)
		return json_array_size(json_object_iter_value(it)) == 2 ? k : -1;
	if (json_object_size(v) != 1)
		return -1;
	if (index)
		*index = json_integer_value(json_object_iter_value(it));
	return k;
}

int tpl_callable_target(const json_t *v, fl_tpl_function *fn, void **ud)
{
	if (tpl_callable_kind(v, NULL) != TPL_OBJECT)
		return 0;
	json_t *t = json_object_iter_value(json_object_iter((json_t *)v));
	*fn = (fl_tpl_function)(intptr_t)json_integer_value(json_array_get(t, 0));
	*ud = (void *)(intptr_t)json_integer_value(json_array_get(t, 1));
	return 1;
}

int fl_tpl_is_callable(const json_t *v)
{
	return tpl_callable_kind(v, NULL) == TPL_OBJECT;
}

int tv_is_stringish(const json_t *v)
{
	return json_is_string(v) || fl_is_markup(v);
}

/* ---- truthiness, types ---- */

int tv_truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n;
		if (tv_html(v, &n))
			return n > 0;
		if (tpl_callable_kind(v, NULL) >= 0)
			return 1;  /* a function or an object, as in Python */
		json_t *items = tv_seq_items(v);
		if (items)
			return json_array_size(items) > 0 || json_object_size(v) > 1;
		return fl_row_size(v) > 0;  /* a compact row's columns count */
	}
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_TRUE: return 1;
	default: return 0;
	}
}

const char *tv_typename(const json_t *v)
{
	if (!v)
		return "Undefined";
	if (fl_is_markup(v))
		return "Markup";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		switch (tpl_callable_kind(v, NULL)) {
		case TPL_MACRO: case TPL_FUNC: return "function";
		case TPL_OBJECT: return "object";
		default: return tv_seq_items(v) ? "tuple" : "dict";
		}
	case JSON_ARRAY: return "list";
	case JSON_STRING: return "str";
	case JSON_INTEGER: return "int";
	case JSON_REAL: return "float";
	case JSON_TRUE: case JSON_FALSE: return "bool";
	default: return "NoneType";
	}
}

int tv_is_number(const json_t *v)
{
	return json_is_number(v) || json_is_boolean(v);
}

double tv_number(const json_t *v)
{
	if (json_is_integer(v))
		return (double)json_integer_value(v);
	if (json_is_real(v))
		return json_real_value(v);
	return json_is_true(v) ? 1.0 : 0.0;
}

/* ---- str() and repr() ---- */

/* Python's float repr, shared with the JSON serializer and url_for. */
static void repr_string(fl_buf *b, const char *s, size_t n)
{
	char q = '\'';
	if (memchr(s, '\'', n) && !memchr(s, '"', n))
		q = '"';
	fl_buf_putc(b, q);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' || c == (unsigned char)q) {
			fl_buf_putc(b, '\\');
			fl_buf_putc(b, (char)c);
		} else if (c == '\n') {
			fl_buf_puts(b, "\\n");
		} else if (c == '\r') {
			fl_buf_puts(b, "\\r");
		} else if (c == '\t') {
			fl_buf_puts(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			fl_buf_printf(b, "\\x%02x", c);
		} else {
			fl_buf_putc(b, (char)c);
		}
	}
	fl_buf_putc(b, q);
}

static void str_or_repr(fl_buf *b, const json_t *v, int repr, int depth)
{
	size_t n;
	const char *h;
	if (!(v = tpl_whole(v)))
		return;
	if (depth > 32) {  /* self-referencing JSON is possible through the C API */
		fl_buf_puts(b, "...");
		return;
	}
	if ((h = tv_html(v, &n))) {
		if (!repr) {
			fl_buf_append(b, h, n);
		} else {
			fl_buf_puts(b, "Markup(");
			repr_string(b, h, n);
			fl_buf_putc(b, ')');
		}
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (repr)
			repr_string(b, json_string_value(v), json_string_length(v));
		else
			fl_buf_append(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		fl_buf_put_int(b, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		tv_float(b, json_real_value(v));
		break;
	case JSON_TRUE: fl_buf_puts(b, "True"); break;
	case JSON_FALSE: fl_buf_puts(b, "False"); break;
	case JSON_NULL: fl_buf_puts(b, "None"); break;
	case JSON_ARRAY: {
		fl_buf_putc(b, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				fl_buf_puts(b, ", ");
			str_or_repr(b, json_array_get(v, i), 1, depth + 1);
		}
		fl_buf_putc(b, ']');
		break;
	}
	case JSON_OBJECT: {
		const char *k;
		size_t klen;
		json_t *x;
		int first = 1;
		switch (tpl_callable_kind(v, NULL)) {
		case TPL_MACRO: case TPL_FUNC:
			fl_buf_puts(b, "<function>");
			return;
		case TPL_OBJECT:
			/* printed by the engine as its call (tpl_print); inside a
			 * list or a dict it is an object without a repr of its own */
			fl_buf_puts(b, "<object>");
			return;
		}
		json_t *items = tv_seq_items(v);
		if (items) {
			/* printed as Python prints a tuple (a named tuple's
			 * str is its tuple's, as Jinja's _GroupTuple) */
			size_t cnt = json_array_size(items);
			fl_buf_putc(b, '(');
			for (size_t i = 0; i < cnt; i++) {
				if (i)
					fl_buf_puts(b, ", ");
				str_or_repr(b, json_array_get(items, i), 1, depth + 1);
			}
			fl_buf_puts(b, cnt == 1 ? ",)" : ")");
			return;
		}
		fl_buf_putc(b, '{');
		json_object_keylen_foreach((json_t *)v, k, klen, x) {
			if (tv_hidden_key(k, klen))
				continue;
			if (!first)
				fl_buf_puts(b, ", ");
			first = 0;
			repr_string(b, k, klen);
			fl_buf_puts(b, ": ");
			str_or_repr(b, x, 1, depth + 1);
		}
		fl_buf_putc(b, '}');
		break;
	}
	}
}

void tv_str(fl_buf *b, const json_t *v)
{
	str_or_repr(b, v, 0, 0);
}

void tv_repr(fl_buf *b, const json_t *v)
{
	if (!v)
		fl_buf_puts(b, "Undefined");
	str_or_repr(b, v, 1, 0);
}

const char *tv_cstr(fl_arena *a, const json_t *v, size_t *len)
{
	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	const char *h = tv_html(v, len);
	if (h)
		return h;
	fl_buf b;
	fl_buf_init(&b, a);
	tv_str(&b, v);
	*len = b.len;
	return fl_buf_cstr(&b);
}

/* ---- comparison ---- */

static const char *sval(const json_t *v, size_t *n)
{
	if (json_is_string(v)) {
		*n = json_string_length(v);
		return json_string_value(v);
	}
	return tv_html(v, n);
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

int tv_eq(const json_t *x, const json_t *y)
{
	if (x == y)
		return 1;
	if (!(x = tpl_whole(x)) || !(y = tpl_whole(y)))
		return 0;
	if (tv_is_number(x) && tv_is_number(y)) {
		if (json_is_integer(x) && json_is_integer(y))
			return json_integer_value(x) == json_integer_value(y);
		return tv_number(x) == tv_number(y);
	}
	size_t xn, yn;
	const char *xs = sval(x, &xn), *ys = sval(y, &yn);
	if (xs || ys)
		return xs && ys && xn == yn && !memcmp(xs, ys, xn);
	if (json_typeof(x) != json_typeof(y))
		return 0;
	if (json_is_array(x)) {
		if (json_array_size(x) != json_array_size(y))
			return 0;
		for (size_t i = 0; i < json_array_size(x); i++)
			if (!tv_eq(json_array_get(x, i), json_array_get(y, i)))
				return 0;
		return 1;
	}
	if (json_is_object(x)) {
		const char *k;
		size_t klen;
		json_t *v;
		if (tpl_callable_kind(x, NULL) >= 0 || tpl_callable_kind(y, NULL) >= 0)
			return 0;  /* functions and objects are equal only to themselves */
		if (json_object_size(x) != json_object_size(y))
			return 0;
		json_object_keylen_foreach((json_t *)x, k, klen, v) {
			if (!tv_eq(v, json_object_getn(y, k, klen)))
				return 0;
		}
		return 1;
	}
	return 1;  /* null == null */
}

int tv_cmp(const json_t *x, const json_t *y, int *res)
{
	if (!x || !y)
		return -1;
	if (tv_is_number(x) && tv_is_number(y)) {
		if (json_is_integer(x) && json_is_integer(y)) {
			json_int_t a = json_integer_value(x), b = json_integer_value(y);
			*res = (a > b) - (a < b);
		} else {
			double a = tv_number(x), b = tv_number(y);
			*res = (a > b) - (a < b);
		}
		return 0;
	}
	size_t xn, yn;
	const char *xs = sval(x, &xn), *ys = sval(y, &yn);
	if (xs && ys) {
		/* UTF-8 byte order is code point order, like Python's str. */
		*res = cmp_bytes(xs, xn, ys, yn);
		return 0;
	}
	if (json_is_array(x) && json_is_array(y)) {
		size_t n = json_array_size(x), m = json_array_size(y);
		for (size_t i = 0; i < n && i < m; i++) {
			json_t *a = json_array_get(x, i), *b = json_array_get(y, i);
			if (tv_eq(a, b))
				continue;
			return tv_cmp(a, b, res);
		}
		*res = (n > m) - (n < m);
		return 0;
	}
	return -1;
}

/* ---- containers ---- */

long long tv_len(const json_t *v)
{
	size_t n;
	const char *s;
	if (!(v = tpl_whole(v)))
		return 0;
	if ((s = sval(v, &n)))
		return (long long)fl_utf8_count(s, n);
	if (json_is_array(v))
		return (long long)json_array_size(v);
	if (tpl_callable_kind(v, NULL) >= 0)
		return -1;  /* Python: object of type 'function' has no len() */
	json_t *items = tv_seq_items(v);
	if (items)
		return (long long)json_array_size(items);
	if (json_is_object(v))  /* a namespace has no len() in Jinja */
		return tpl_is_namespace(v) ? -1 : (long long)json_object_size(v);
	return -1;
}

json_t *tv_items(json_t *obj)
{
	json_t *out = json_array();
	obj = tpl_whole(obj);
	const char *k;
	size_t klen;
	json_t *v;
	json_object_keylen_foreach(obj, k, klen, v) {
		if (tv_hidden_key(k, klen))
			continue;
		json_t *pair = json_array();
		json_array_append_new(pair, json_stringn_nocheck(k, klen));
		json_array_append(pair, v);
		json_array_append_new(out, pair);
	}
	return out;
}

json_t *tv_iter(json_t *v)
{
	if (!(v = tpl_whole(v)))
		return json_array();
	if (json_is_array(v))
		return v;
	json_t *items = tv_seq_items(v);
	if (items)
		return items;
	size_t n;
	const char *s = sval(v, &n);
	if (s) {
		json_t *out = json_array();
		for (size_t i = 0; i < n;) {
			size_t j = u8_offset(s + i, n - i, 1);
			json_array_append_new(out, json_stringn_nocheck(s + i, j));
			i += j;
		}
		return out;
	}
	if (json_is_object(v) && tpl_callable_kind(v, NULL) < 0) {
		json_t *out = json_array();
		const char *k;
		size_t klen;
		json_t *x;
		json_object_keylen_foreach(v, k, klen, x)
			if (!tv_hidden_key(k, klen))
				json_array_append_new(out, json_stringn_nocheck(k, klen));
		return out;
	}
	return NULL;
}

json_t *tv_like(const json_t *in, const fl_buf *b)
{
	const char *s = b->data ? b->data : "";
	return fl_is_markup(in) ? tpl_markup_n(s, b->len) : json_stringn_nocheck(s, b->len);
}

json_t *tv_casemap(fl_arena *a, locale_t loc, const json_t *v, int mode)
{
	size_t len = 0;
	const char *s = v ? tv_cstr(a, v, &len) : "";
	fl_buf b;
	fl_buf_init(&b, a);
	u8_case(&b, loc, s, len, mode);
	return tv_like(v, &b);
}

/* ---- UTF-8 ---- */

size_t u8_offset(const char *s, size_t n, size_t i)
{
	size_t off = 0;
	while (i > 0 && off < n) {
		off++;
		while (off < n && ((unsigned char)s[off] & 0xC0) == 0x80)
			off++;
		i--;
	}
	return off;
}

/* Decode one code point at s (n > 0 bytes); *adv gets its length.  Bytes
 * that are not valid UTF-8 come back as -1 with *adv = 1. */
static long u8_decode(const unsigned char *s, size_t n, size_t *adv)
{
	unsigned char c = s[0];
	size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
		: (c & 0xF8) == 0xF0 ? 4 : 0;
	*adv = 1;
	if (!len || len > n)
		return -1;
	long cp = len == 1 ? c : c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*adv = len;
	return cp;
}

static void u8_put(fl_buf *b, long cp)
{
	char u[4];
	fl_buf_append(b, u, fl_utf8_encode((uint32_t)cp, u));
}

static long map_case(locale_t loc, long cp, int upper)
{
	if (cp < 0x80)
		return upper ? (cp >= 'a' && cp <= 'z' ? cp - 32 : cp)
			     : (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
	if (!loc)
		return cp;
	return upper ? (long)towupper_l((wint_t)cp, loc) : (long)towlower_l((wint_t)cp, loc);
}

/* Python's str.upper()/.title()/.lower() where one code point maps to
 * several (Unicode's SpecialCasing.txt, the unconditional Latin entries):
 * "straße".upper() is "STRASSE", "ß".capitalize() is "Ss" (mode 'u' upper,
 * 't' title case, 'l' lower).  NULL for the rest,
 * which map_case maps one to one. */
static const char *special_case(long cp, int mode)
{
	static const struct { long cp; const char *upper, *title; } tab[] = {
		{ 0xDF, "SS", "Ss" },                     /* ß */
		{ 0x149, "\xca\xbcN", "\xca\xbcN" },      /* ŉ */
		{ 0xFB00, "FF", "Ff" }, { 0xFB01, "FI", "Fi" }, { 0xFB02, "FL", "Fl" },
		{ 0xFB03, "FFI", "Ffi" }, { 0xFB04, "FFL", "Ffl" },
		{ 0xFB05, "ST", "St" }, { 0xFB06, "ST", "St" },
	};
	if (mode == 'l')
		return cp == 0x130 ? "i\xcc\x87" : NULL;   /* İ: i + combining dot above */
	if (cp < 0xDF || (cp > 0x149 && cp < 0xFB00) || cp > 0xFB06)
		return NULL;
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].cp == cp)
			return mode == 'u' ? tab[i].upper : tab[i].title;
	return NULL;
}

static int title_sep(locale_t loc, long cp)
{
	/* Jinja's do_title splits words at runs of [-\s({\[<]. */
	if (cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' ||
	    cp == ' ' || (cp >= '\t' && cp <= '\r') || (cp >= 0x1c && cp <= 0x1f))
		return 1;
	return cp >= 0x80 && loc && iswspace_l((wint_t)cp, loc);
}

void u8_case(fl_buf *b, locale_t loc, const char *s, size_t n, int mode)
{
	const unsigned char *u = (const unsigned char *)s;
	int word_start = 1;
	for (size_t i = 0; i < n;) {
		size_t adv;
		long cp = u8_decode(u + i, n - i, &adv);
		if (cp < 0) {
			fl_buf_putc(b, s[i]);
			i++;
			continue;
		}
		int upper;
		switch (mode) {
		case 'u': upper = 1; break;
		case 'l': upper = 0; break;
		case 'c': upper = i == 0; break;
		default: upper = word_start; break;
		}
		if (mode == 't') {
			word_start = title_sep(loc, cp);
			if (word_start) {
				u8_put(b, cp);
				i += adv;
				continue;
			}
		}
		/* Jinja's title filter upper-cases a word's first letter,
		 * capitalize is str.capitalize (title case). */
		const char *special = cp >= 0xDF ? special_case(cp, upper ? (mode == 'c' ? 't' : 'u')
			: 'l') : NULL;
		if (special)
			fl_buf_append(b, special, strlen(special));
		else
			u8_put(b, map_case(loc, cp, upper));
		i += adv;
	}
}
