/* filters_seq.c — Jinja 3.1's sequence filters (jinja2/filters.py: sum,
 * sort, dictsort, groupby, map, select, reject, selectattr, rejectattr,
 * batch, slice, unique, min, max, items, attr, random), the tests escaped,
 * filter and test (jinja2/tests.py), and calling a filter or a test by its
 * name at render time (Environment.call_filter / call_test). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <string.h>

#include "template/internal.h"

/* The most values (lists plus their items) batch and slice may build: a
 * json_t costs well over 16 bytes, so this keeps them within TPL_MAX_BUILD
 * bytes' worth of the arena. */
#define SEQ_MAX_ITEMS (TPL_MAX_BUILD / 16)

#define BINDP(...) TPL_BIND(0, __VA_ARGS__)

/* ---- calling a filter or a test by name ---- */

static fl_err find_named(struct rctx *r, const struct node *n, json_t *name, int is_filter,
			 struct tpl_named *out)
{
	memset(out, 0, sizeof *out);
	const char *s = json_is_string(name) ? json_string_value(name) : NULL;
	if (s) {
		out->user = tpl_user_find(is_filter ? &r->env->filters : &r->env->tests, s);
		if (!out->user && is_filter)
			out->filter = tpl_find_filter(s);
		else if (!out->user)
			out->test = tpl_find_test(s);
	}
	if (!out->user && !out->filter && !out->test) {
		fl_buf b;
		fl_buf_init(&b, r->a);
		if (name)
			tv_repr(&b, name);
		else
			fl_buf_puts(&b, "Undefined");
		return tpl_fail(r, n, "No %s named %s.", is_filter ? "filter" : "test", fl_buf_cstr(&b));
	}
	/* The callee's own errors name it, at the caller's position. */
	out->at = *n;
	out->at.str = s;
	return FL_OK;
}

fl_err tpl_find_named_filter(struct rctx *r, const struct node *n, json_t *name,
			     struct tpl_named *out)
{
	return find_named(r, n, name, 1, out);
}

fl_err tpl_find_named_test(struct rctx *r, const struct node *n, json_t *name,
			   struct tpl_named *out)
{
	return find_named(r, n, name, 0, out);
}

/* The application's filter or test: fn(value, args…, **kwargs). */
static fl_err call_user(struct rctx *r, const struct tpl_named *f, json_t *v, json_t **args,
			size_t nargs, const char **kwn, json_t **kwv, size_t nkw, json_t **out)
{
	json_t *a = json_array(), *kw = json_object();
	json_array_append(a, v ? v : json_null());
	for (size_t i = 0; i < nargs; i++)
		json_array_append(a, args[i] ? args[i] : json_null());
	for (size_t i = 0; i < nkw; i++)
		json_object_set_nocheck(kw, kwn[i], kwv[i] ? kwv[i] : json_null());
	fl_tpl_error ferr;
	memset(&ferr, 0, sizeof ferr);
	*out = f->user->fn(r->ud, r->a, a, kw, &ferr);
	if (!*out)
		return tpl_fail(r, &f->at, "%s", ferr.message[0] ? ferr.message : "function call failed");
	return FL_OK;
}

fl_err tpl_apply_filter(struct rctx *r, const struct tpl_named *f, json_t *v, json_t **args,
			size_t nargs, const char **kwn, json_t **kwv, size_t nkw, json_t **out)
{
	if (f->user)
		return call_user(r, f, v, args, nargs, kwn, kwv, nkw, out);
	fl_err e;
	if (!f->filter->objects && (e = tpl_as_string(r, &f->at, v, &v)))
		return e;
	return f->filter->fn(r, &f->at, v, args, nargs, kwn, kwv, nkw, out);
}

fl_err tpl_apply_test(struct rctx *r, const struct tpl_named *t, json_t *v, json_t **args,
		      size_t nargs, const char **kwn, json_t **kwv, size_t nkw, int *res)
{
	if (t->user) {
		json_t *got;
		fl_err e = call_user(r, t, v, args, nargs, kwn, kwv, nkw, &got);
		*res = !e && tv_truthy(got);
		return e;
	}
	if (nkw)
		return tpl_fail(r, &t->at, "test '%s' got an unexpected keyword argument '%s'",
				t->at.str, kwn[0]);
	return t->test->fn(r, &t->at, v, args, nargs, res);
}

/* ---- attribute paths (make_attrgetter) ---- */

/* _prepare_attribute_parts: a string splits at dots, all-digit parts
 * being indexes; an integer is one index; none is no part at all. */
static void parse_path(struct rctx *r, json_t *attr, const char *s, size_t len, struct tpl_getter *g)
{
	g->n = 0;
	g->parts = NULL;
	if (!attr || json_is_null(attr))
		return;
	if (!s) {
		g->parts = fl_arena_calloc(r->a, 1, sizeof *g->parts);
		g->n = 1;
		/* another type is an item key no JSON object or list can hold */
		g->parts[0].i = json_is_integer(attr) ? json_integer_value(attr) : -1;
		return;
	}
	size_t cnt = 1;
	for (size_t i = 0; i < len; i++)
		cnt += s[i] == '.';
	g->parts = fl_arena_calloc(r->a, cnt, sizeof *g->parts);
	for (size_t i = 0;; ) {
		size_t j = i;
		while (j < len && s[j] != '.')
			j++;
		struct tpl_path_part *p = &g->parts[g->n++];
		int digits = j > i;
		json_int_t idx = 0;
		for (size_t k = i; k < j && digits; k++) {
			digits = s[k] >= '0' && s[k] <= '9';
			if (idx > (json_int_t)(1LL << 58))
				idx = (json_int_t)(1LL << 58);  /* past any list's end */
			idx = idx * 10 + (s[k] - '0');
		}
		if (digits) {
			p->i = idx;
		} else {
			char *name = fl_arena_alloc(r->a, j - i + 1);
			memcpy(name, s + i, j - i);
			name[j - i] = '\0';
			p->s = name;
		}
		if (j >= len)
			break;
		i = j + 1;
	}
}

void tpl_make_getter(struct rctx *r, json_t *attr, json_t *deflt, int lower, struct tpl_getter *g)
{
	size_t len = 0;
	const char *s = tv_is_stringish(attr) ? tv_cstr(r->a, attr, &len) : NULL;
	parse_path(r, attr, s, len, g);
	g->deflt = deflt && !json_is_null(deflt) ? deflt : NULL;
	g->lower = lower;
}

/* Environment.getitem(obj, part): the item, else (for a name) the
 * attribute; NULL when neither exists. */
static json_t *get_part(struct rctx *r, json_t *obj, const struct tpl_path_part *p)
{
	json_t *v = NULL;
	if (p->s) {
		if (json_is_object(obj) && !fl_is_markup(obj))
			v = tpl_member(obj, p->s);
	} else if (p->i >= 0) {
		json_t *items = tv_seq_items(obj);
		if (items)
			obj = items;
		if (json_is_array(obj)) {
			v = json_array_get(obj, (size_t)p->i);
		} else if (tv_is_stringish(obj)) {
			size_t len;
			const char *s = tv_cstr(r->a, obj, &len);
			if ((size_t)p->i < fl_utf8_count(s, len)) {
				size_t off = u8_offset(s, len, (size_t)p->i);
				size_t k = u8_offset(s + off, len - off, 1);
				v = fl_is_markup(obj) ? tpl_markup_n(s + off, k) : json_stringn_nocheck(s + off, k);
			}
		}
	}
	return v == r->undef ? NULL : v;
}

/* Jinja's Undefined message for obj's missing `p`. */
static fl_err undefined_part(struct rctx *r, const struct node *n, json_t *obj, const struct tpl_path_part *p)
{
	if (p->s)
		return tpl_fail(r, n, "'%s object' has no attribute '%s'", tv_typename(obj), p->s);
	return tpl_fail(r, n, "%s object has no element %lld", tv_typename(obj), (long long)p->i);
}

static json_t *lowered(struct rctx *r, json_t *v)
{
	if (!tv_is_stringish(v))
		return v;
	size_t len;
	const char *s = tv_cstr(r->a, v, &len);
	fl_buf b;
	fl_buf_init(&b, r->a);
	u8_case(&b, r->env->utf8, s, len, 'l');
	return json_stringn_nocheck(b.data ? b.data : "", b.len);
}

/* The attrgetter of g applied to item; *out NULL when undefined.  Going
 * on from an undefined part is an error, as Jinja's Undefined raises. */
fl_err tpl_getter_get(struct rctx *r, const struct node *n, const struct tpl_getter *g,
		      json_t *item, json_t **out)
{
	json_t *prev = NULL;
	const struct tpl_path_part *missing = NULL;
	for (size_t i = 0; i < g->n; i++) {
		if (!item)
			return prev ? undefined_part(r, n, prev, missing)
				    : tpl_fail(r, n, "'value' is undefined");
		prev = item;
		missing = &g->parts[i];
		item = get_part(r, item, missing);
		if (!item && g->deflt)
			item = g->deflt;
	}
	*out = g->lower ? lowered(r, item) : item;
	return FL_OK;
}

/* A value that goes into a list: undefined is stored as none. */
static json_t *stored(json_t *v)
{
	return v ? v : json_null();
}

/* ---- comparing and sorting ---- */

static fl_err cmp_or_fail(struct rctx *r, const struct node *n, json_t *x, json_t *y, int *c)
{
	if (!tv_cmp(x, y, c))
		return FL_OK;
	/* lists compare by their first unequal items: Python names those */
	while (json_is_array(x) && json_is_array(y)) {
		size_t i = 0;
		while (i < json_array_size(x) && i < json_array_size(y) &&
		       tv_eq(json_array_get(x, i), json_array_get(y, i)))
			i++;
		if (i >= json_array_size(x) || i >= json_array_size(y))
			break;
		x = json_array_get(x, i);
		y = json_array_get(y, i);
	}
	return tpl_fail(r, n, "'<' not supported between instances of '%s' and '%s'",
			tv_typename(x), tv_typename(y));
}

/* Stable merge sort of v[0..n) by key (Python's sorted, reverse keeping
 * equal items in their order); a pair that cannot be ordered fails. */
static fl_err merge_sort(struct rctx *r, const struct node *n, struct tpl_keyed *v, struct tpl_keyed *tmp,
			 size_t cnt, int reverse)
{
	if (cnt < 2)
		return FL_OK;
	size_t h = cnt / 2;
	fl_err e;
	if ((e = merge_sort(r, n, v, tmp, h, reverse)) ||
	    (e = merge_sort(r, n, v + h, tmp, cnt - h, reverse)))
		return e;
	size_t i = 0, j = h, k = 0;
	while (i < h && j < cnt) {
		int c;
		/* take the right one only when it must come first */
		if ((e = cmp_or_fail(r, n, v[j].key, v[i].key, &c)))
			return e;
		if (reverse ? c > 0 : c < 0)
			tmp[k++] = v[j++];
		else
			tmp[k++] = v[i++];
	}
	while (i < h)
		tmp[k++] = v[i++];
	while (j < cnt)
		tmp[k++] = v[j++];
	memcpy(v, tmp, cnt * sizeof *v);
	return FL_OK;
}

fl_err tpl_sort_keyed(struct rctx *r, const struct node *n, struct tpl_keyed *v, size_t cnt,
		      int reverse)
{
	struct tpl_keyed *tmp = fl_arena_calloc(r->a, cnt + 1, sizeof *tmp);
	return merge_sort(r, n, v, tmp, cnt, reverse);
}

/* The items of v as a list, or a "not iterable" error. */
static fl_err items_of(struct rctx *r, const struct node *n, json_t *v, json_t **items)
{
	*items = tv_iter(v);
	if (!*items)
		return tpl_fail(r, n, "'%s' object is not iterable", tv_typename(v));
	return FL_OK;
}

static json_t *tuple2(json_t *a, json_t *b)
{
	json_t *items = json_array();
	json_array_append(items, stored(a));
	json_array_append(items, stored(b));
	return fl_tpl_sequence(NULL, items);
}

/* ---- sum ---- */

/* Python's start + x for the types JSON has: numbers (an int that
 * overflows becomes a float) and lists. */
static fl_err add(struct rctx *r, const struct node *n, json_t *x, json_t *y, int own,
		  json_t **out)
{
	if (tv_is_number(x) && tv_is_number(y)) {
		if (!json_is_real(x) && !json_is_real(y)) {
			json_int_t a = json_is_integer(x) ? json_integer_value(x) : json_is_true(x);
			json_int_t b = json_is_integer(y) ? json_integer_value(y) : json_is_true(y), s;
			if (!__builtin_add_overflow(a, b, &s)) {
				*out = json_integer(s);
				return FL_OK;
			}
		}
		*out = json_real(tv_number(x) + tv_number(y));
		return FL_OK;
	}
	if (json_is_array(x) && json_is_array(y)) {
		if (json_array_size(x) + json_array_size(y) > SEQ_MAX_ITEMS)
			return tpl_fail(r, n, "result too large");
		json_t *s = own ? x : json_array();  /* start + y is a new list; ours grows in place */
		if (!own)
			json_array_extend(s, x);
		json_array_extend(s, y);
		*out = s;
		return FL_OK;
	}
	if (!y)
		return tpl_fail(r, n, "'value' is undefined");
	return tpl_fail(r, n, "unsupported operand type(s) for +: '%s' and '%s'", tv_typename(x),
			tv_typename(y));
}

static TPL_FILTER_FN(tpl_f_sum)
{
	BINDP("attribute", "start");
	json_t *items, *acc = p[1] ? p[1] : json_integer(0);
	struct tpl_getter g;
	fl_err e;
	if ((e = items_of(r, n, v, &items)))
		return e;
	if (tv_is_stringish(acc))
		return tpl_fail(r, n, "sum() can't sum strings [use ''.join(seq) instead]");
	tpl_make_getter(r, p[0], NULL, 0, &g);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *x = json_array_get(items, i);
		if (p[0] && !json_is_null(p[0]) && (e = tpl_getter_get(r, n, &g, x, &x)))
			return e;
		if ((e = add(r, n, acc, x, i > 0, &acc)))
			return e;
	}
	*out = acc;
	return FL_OK;
}

/* ---- sort, dictsort, unique, min, max ---- */

static TPL_FILTER_FN(tpl_f_sort)
{
	BINDP("reverse", "case_sensitive", "attribute");
	json_t *items;
	fl_err e;
	if ((e = items_of(r, n, v, &items)))
		return e;
	/* make_multi_attrgetter: "a,b" gives a list of keys per item */
	int lower = !tv_truthy(p[1]);
	size_t nattr = 1, cnt = json_array_size(items);
	struct tpl_getter *gs;
	if (tv_is_stringish(p[2])) {
		size_t len;
		const char *s = tv_cstr(r->a, p[2], &len);
		for (size_t i = 0; i < len; i++)
			nattr += s[i] == ',';
		gs = fl_arena_calloc(r->a, nattr, sizeof *gs);
		for (size_t i = 0, k = 0; k < nattr; k++) {
			size_t j = i;
			while (j < len && s[j] != ',')
				j++;
			json_t *one = json_stringn_nocheck(s + i, j - i);
			tpl_make_getter(r, one, NULL, lower, &gs[k]);
			i = j + 1;
		}
	} else {
		gs = fl_arena_calloc(r->a, 1, sizeof *gs);
		tpl_make_getter(r, p[2], NULL, lower, &gs[0]);
	}
	struct tpl_keyed *kv = fl_arena_calloc(r->a, cnt + 1, sizeof *kv);
	for (size_t i = 0; i < cnt; i++) {
		kv[i].item = json_array_get(items, i);
		kv[i].key = json_array();
		for (size_t k = 0; k < nattr; k++) {
			json_t *key;
			if ((e = tpl_getter_get(r, n, &gs[k], kv[i].item, &key)))
				return e;
			json_array_append(kv[i].key, stored(key));
		}
	}
	if ((e = tpl_sort_keyed(r, n, kv, cnt, tv_truthy(p[0]))))
		return e;
	json_t *res = json_array();
	for (size_t i = 0; i < cnt; i++)
		json_array_append(res, kv[i].item);
	*out = res;
	return FL_OK;
}

int tpl_is_mapping(const json_t *v)
{
	return json_is_object(v) && !fl_is_markup(v) && tpl_callable_kind(v, NULL) < 0 &&
	       !tv_seq_items(v);
}

static TPL_FILTER_FN(tpl_f_dictsort)
{
	BINDP("case_sensitive", "by", "reverse");
	int pos;
	const char *by = p[1] && json_is_string(p[1]) ? json_string_value(p[1]) : p[1] ? "" : "key";
	if (!strcmp(by, "key"))
		pos = 0;
	else if (!strcmp(by, "value"))
		pos = 1;
	else
		return tpl_fail(r, n, "You can only sort by either \"key\" or \"value\"");
	if (!tpl_is_mapping(v))
		return tpl_fail(r, n, "'%s' object has no attribute 'items'", tv_typename(v));
	json_t *pairs = tv_items(v);
	size_t cnt = json_array_size(pairs);
	struct tpl_keyed *kv = fl_arena_calloc(r->a, cnt + 1, sizeof *kv);
	for (size_t i = 0; i < cnt; i++) {
		json_t *pair = json_array_get(pairs, i);
		kv[i].item = tuple2(json_array_get(pair, 0), json_array_get(pair, 1));
		kv[i].key = json_array_get(pair, (size_t)pos);
		if (!tv_truthy(p[0]))
			kv[i].key = lowered(r, kv[i].key);
	}
	fl_err e = tpl_sort_keyed(r, n, kv, cnt, tv_truthy(p[2]));
	if (e)
		return e;
	json_t *res = json_array();
	for (size_t i = 0; i < cnt; i++)
		json_array_append(res, kv[i].item);
	*out = res;
	return FL_OK;
}

/* A key of a Python set: numbers equal across int, float and bool;
 * strings (markup too) by their text; none; anything else unhashable. */
static const char *hash_key(struct rctx *r, json_t *k, size_t *len)
{
	fl_buf b;
	fl_buf_init(&b, r->a);
	if (!k || json_is_null(k)) {
		fl_buf_puts(&b, "N");
	} else if (tv_is_number(k)) {
		double d = tv_number(k);
		fl_buf_putc(&b, 'n');
		if (!json_is_real(k) || (d == (double)(long long)d && d > -9e18 && d < 9e18))
			fl_buf_printf(&b, "%lld", json_is_real(k) ? (long long)d
				: json_is_integer(k) ? (long long)json_integer_value(k) : (long long)json_is_true(k));
		else
			tv_float(&b, d);
	} else if (tv_is_stringish(k)) {
		size_t n;
		const char *s = tv_cstr(r->a, k, &n);
		fl_buf_putc(&b, 's');
		fl_buf_append(&b, s, n);
	} else {
		return NULL;
	}
	*len = b.len;
	return fl_buf_cstr(&b);
}

static TPL_FILTER_FN(tpl_f_unique)
{
	BINDP("case_sensitive", "attribute");
	json_t *items, *seen = json_object(), *res = json_array();
	struct tpl_getter g;
	fl_err e;
	if ((e = items_of(r, n, v, &items)))
		return e;
	tpl_make_getter(r, p[1], NULL, !tv_truthy(p[0]), &g);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *x = json_array_get(items, i), *key;
		size_t kl;
		if ((e = tpl_getter_get(r, n, &g, x, &key)))
			return e;
		const char *hk = hash_key(r, key, &kl);
		if (!hk)
			return tpl_fail(r, n, "unhashable type: '%s'", tv_typename(key));
		if (json_object_getn(seen, hk, kl))
			continue;
		json_object_setn_nocheck(seen, hk, kl, json_true());
		json_array_append(res, x);
	}
	*out = res;
	return FL_OK;
}

static fl_err min_max(struct rctx *r, const struct node *n, json_t *v, json_t **args, size_t nargs,
		      const char **kwn, json_t **kwv, size_t nkw, int want, json_t **out)
{
	BINDP("case_sensitive", "attribute");
	json_t *items, *best = NULL, *bestkey = NULL;
	struct tpl_getter g;
	fl_err e;
	if ((e = items_of(r, n, v, &items)))
		return e;
	*out = NULL;  /* "No aggregated item, sequence was empty." */
	tpl_make_getter(r, p[1], NULL, !tv_truthy(p[0]), &g);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *x = json_array_get(items, i), *key;
		int c;
		if ((e = tpl_getter_get(r, n, &g, x, &key)))
			return e;
		if (!i) {
			best = x;
			bestkey = key;
			continue;
		}
		if ((e = cmp_or_fail(r, n, key, bestkey, &c)))
			return e;
		if ((c > 0) - (c < 0) == want) {
			best = x;
			bestkey = key;
		}
	}
	*out = best;
	return FL_OK;
}

static TPL_FILTER_FN(tpl_f_min) { return min_max(r, n, v, args, nargs, kwn, kwv, nkw, -1, out); }
static TPL_FILTER_FN(tpl_f_max) { return min_max(r, n, v, args, nargs, kwn, kwv, nkw, 1, out); }

/* ---- groupby ---- */

static TPL_FILTER_FN(tpl_f_groupby)
{
	BINDP("attribute", "default", "case_sensitive");
	if (!p[0])
		return tpl_fail(r, n, "groupby() missing 1 required positional argument: 'attribute'");
	json_t *items, *res = json_array();
	struct tpl_getter g, show;
	fl_err e;
	if ((e = items_of(r, n, v, &items)))
		return e;
	int lower = !tv_truthy(p[2]);
	tpl_make_getter(r, p[0], p[1], lower, &g);
	tpl_make_getter(r, p[0], p[1], 0, &show);
	size_t cnt = json_array_size(items);
	struct tpl_keyed *kv = fl_arena_calloc(r->a, cnt + 1, sizeof *kv);
	for (size_t i = 0; i < cnt; i++) {
		kv[i].item = json_array_get(items, i);
		if ((e = tpl_getter_get(r, n, &g, kv[i].item, &kv[i].key)))
			return e;
		if (!kv[i].key && cnt > 1)
			return tpl_fail(r, n, "'<' not supported between instances of 'Undefined' and '%s'",
					tv_typename(kv[i ? 0 : 1].item));
	}
	if ((e = tpl_sort_keyed(r, n, kv, cnt, 0)))
		return e;
	for (size_t i = 0; i < cnt;) {
		size_t j = i + 1;
		while (j < cnt && tv_eq(kv[j].key, kv[i].key))
			j++;
		json_t *list = json_array(), *grouper = kv[i].key;
		for (size_t k = i; k < j; k++)
			json_array_append(list, kv[k].item);
		/* the group's key keeps the case of its first item */
		if (lower && (e = tpl_getter_get(r, n, &show, kv[i].item, &grouper)))
			return e;
		json_t *attrs = json_object();
		json_object_set_nocheck(attrs, "grouper", stored(grouper));
		json_object_set_nocheck(attrs, "list", list);
		json_t *pair = json_array();
		json_array_append(pair, stored(grouper));
		json_array_append(pair, list);
		json_array_append_new(res, fl_tpl_sequence(attrs, pair));
		i = j;
	}
	*out = res;
	return FL_OK;
}

/* ---- map, select, reject, selectattr, rejectattr ---- */

static TPL_FILTER_FN(tpl_f_map)
{
	json_t *items, *res = json_array();
	fl_err e;
	*out = res;
	if (!tv_truthy(v))
		return FL_OK;
	if ((e = items_of(r, n, v, &items)))
		return e;
	size_t cnt = json_array_size(items);
	size_t ai = nkw;
	for (size_t k = 0; k < nkw && !nargs; k++)
		if (!strcmp(kwn[k], "attribute"))
			ai = k;
	if (ai < nkw) {
		json_t *deflt = NULL;
		for (size_t k = 0; k < nkw; k++) {
			if (k == ai)
				continue;
			if (strcmp(kwn[k], "default"))
				return tpl_fail(r, n, "Unexpected keyword argument '%s'", kwn[k]);
			deflt = kwv[k];
		}
		struct tpl_getter g;
		tpl_make_getter(r, kwv[ai], deflt, 0, &g);
		for (size_t i = 0; i < cnt; i++) {
			json_t *x;
			if ((e = tpl_getter_get(r, n, &g, json_array_get(items, i), &x)))
				return e;
			json_array_append(res, stored(x));
		}
		return FL_OK;
	}
	if (!nargs)
		return tpl_fail(r, n, "map requires a filter argument");
	struct tpl_named f;
	if ((e = tpl_find_named_filter(r, n, args[0], &f)))
		return e;
	for (size_t i = 0; i < cnt; i++) {
		json_t *x;
		if ((e = tpl_apply_filter(r, &f, json_array_get(items, i), args + 1, nargs - 1, kwn, kwv,
					  nkw, &x)))
			return e;
		json_array_append(res, stored(x));
	}
	return FL_OK;
}

/* select/reject (attr 0) and selectattr/rejectattr (attr 1); keep: the
 * test result an item must give to stay. */
static fl_err select_reject(struct rctx *r, const struct node *n, json_t *v, json_t **args,
			    size_t nargs, const char **kwn, json_t **kwv, size_t nkw, int attr,
			    int keep, json_t **out)
{
	json_t *items, *res = json_array();
	struct tpl_getter g;
	struct tpl_named t;
	fl_err e;
	*out = res;
	if (!tv_truthy(v))
		return FL_OK;
	if ((e = items_of(r, n, v, &items)))
		return e;
	if (attr) {
		if (!nargs)
			return tpl_fail(r, n, "Missing parameter for attribute name");
		tpl_make_getter(r, args[0], NULL, 0, &g);
	}
	size_t off = (size_t)attr;
	int has_test = nargs > off;
	if (has_test && (e = tpl_find_named_test(r, n, args[off], &t)))
		return e;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *x = json_array_get(items, i), *y = x;
		int ok;
		if (attr && (e = tpl_getter_get(r, n, &g, x, &y)))
			return e;
		if (!has_test)
			ok = tv_truthy(y);
		else if ((e = tpl_apply_test(r, &t, y, args + off + 1, nargs - off - 1, kwn, kwv, nkw, &ok)))
			return e;
		if (!ok == !keep)
			json_array_append(res, x);
	}
	return FL_OK;
}

static TPL_FILTER_FN(tpl_f_select) { return select_reject(r, n, v, args, nargs, kwn, kwv, nkw, 0, 1, out); }
static TPL_FILTER_FN(tpl_f_reject) { return select_reject(r, n, v, args, nargs, kwn, kwv, nkw, 0, 0, out); }
static TPL_FILTER_FN(tpl_f_selectattr) { return select_reject(r, n, v, args, nargs, kwn, kwv, nkw, 1, 1, out); }
static TPL_FILTER_FN(tpl_f_rejectattr) { return select_reject(r, n, v, args, nargs, kwn, kwv, nkw, 1, 0, out); }

/* ---- batch, slice ---- */

static fl_err count_arg(struct rctx *r, const struct node *n, json_t *x, const char *what,
			json_int_t *out)
{
	if (!x)
		return tpl_fail(r, n, "%s() missing 1 required positional argument: '%s'", n->str, what);
	if (!json_is_integer(x) && !json_is_boolean(x))
		return tpl_fail(r, n, "'%s' object cannot be interpreted as an integer", tv_typename(x));
	*out = json_is_integer(x) ? json_integer_value(x) : json_is_true(x);
	return FL_OK;
}

static TPL_FILTER_FN(tpl_f_batch)
{
	BINDP("linecount", "fill_with");
	json_t *items, *res = json_array(), *tmp = json_array();
	json_int_t lc;
	fl_err e;
	if ((e = count_arg(r, n, p[0], "linecount", &lc)) || (e = items_of(r, n, v, &items)))
		return e;
	size_t cnt = json_array_size(items);
	json_t *fill = p[1] && !json_is_null(p[1]) ? p[1] : NULL;
	for (size_t i = 0; i < cnt; i++) {
		if ((json_int_t)json_array_size(tmp) == lc) {
			json_array_append_new(res, tmp);
			tmp = json_array();
		}
		json_array_append(tmp, json_array_get(items, i));
	}
	if (json_array_size(tmp)) {
		if (fill && (json_int_t)json_array_size(tmp) < lc) {
			if ((size_t)lc - json_array_size(tmp) > SEQ_MAX_ITEMS)
				return tpl_fail(r, n, "result too large");
			while ((json_int_t)json_array_size(tmp) < lc)
				json_array_append(tmp, fill);
		}
		json_array_append_new(res, tmp);
	}
	*out = res;
	return FL_OK;
}

static TPL_FILTER_FN(tpl_f_slice)
{
	BINDP("slices", "fill_with");
	json_t *items, *res = json_array();
	json_int_t slices;
	fl_err e;
	if ((e = count_arg(r, n, p[0], "slices", &slices)) || (e = items_of(r, n, v, &items)))
		return e;
	if (slices == 0)
		return tpl_fail(r, n, "integer division or modulo by zero");
	json_int_t len = (json_int_t)json_array_size(items);
	if (slices > 0 && (size_t)slices > SEQ_MAX_ITEMS)
		return tpl_fail(r, n, "result too large");
	/* Python's floor division and modulo */
	json_int_t per = len / slices, extra = len % slices;
	if (extra && (extra < 0) != (slices < 0)) {
		per--;
		extra += slices;
	}
	json_t *fill = p[1] && !json_is_null(p[1]) ? p[1] : NULL;
	json_int_t offset = 0;
	for (json_int_t sn = 0; sn < slices; sn++) {
		json_int_t start = offset + sn * per;
		if (sn < extra)
			offset++;
		json_int_t end = offset + (sn + 1) * per;
		json_t *tmp = json_array();
		for (json_int_t i = start < 0 ? 0 : start; i < end && i < len; i++)
			json_array_append(tmp, json_array_get(items, (size_t)i));
		if (fill && sn >= extra)
			json_array_append(tmp, fill);
		json_array_append_new(res, tmp);
	}
	*out = res;
	return FL_OK;
}

/* ---- items, attr, random ---- */

static TPL_FILTER_FN(tpl_f_items)
{
	if (nargs || nkw)
		return tpl_fail(r, n, "filter 'items' takes no arguments");
	json_t *res = json_array();
	*out = res;
	if (!v)
		return FL_OK;
	if (!tpl_is_mapping(v))
		return tpl_fail(r, n, "Can only get item pairs from a mapping.");
	json_t *pairs = tv_items(v);
	for (size_t i = 0; i < json_array_size(pairs); i++) {
		json_t *pair = json_array_get(pairs, i);
		json_array_append_new(res, tuple2(json_array_get(pair, 0), json_array_get(pair, 1)));
	}
	return FL_OK;
}

static TPL_FILTER_FN(tpl_f_attr)
{
	BINDP("name");
	if (!p[0])
		return tpl_fail(r, n, "do_attr() missing 1 required positional argument: 'name'");
	if (!tv_is_stringish(p[0]))
		return tpl_fail(r, n, "attribute name must be string, not '%s'", tv_typename(p[0]));
	if (!v)
		return tpl_fail(r, n, "'value' is undefined");
	*out = NULL;
	/* A dict's keys are not attributes (getattr); the attributes of an
	 * object (a form's field, a named tuple) are. */
	if (json_is_object(v) && !fl_is_markup(v) && !tpl_is_mapping(v)) {
		size_t len;
		*out = json_object_get(v, tv_cstr(r->a, p[0], &len));
		if (*out == r->undef)
			*out = NULL;
	}
	return FL_OK;
}

static TPL_FILTER_FN(tpl_f_random)
{
	if (nargs || nkw)
		return tpl_fail(r, n, "filter 'random' takes no arguments");
	json_t *items;
	fl_err e;
	if (tpl_is_mapping(v))
		return tpl_fail(r, n, "random item of a dict: KeyError");
	if ((e = items_of(r, n, v, &items)))
		return e;
	size_t cnt = json_array_size(items);
	/* "No random item, sequence was empty." */
	*out = cnt ? json_array_get(items, arc4random_uniform((uint32_t)(cnt > UINT32_MAX ? UINT32_MAX : cnt)))
		   : NULL;
	return FL_OK;
}

/* ---- tests ---- */

static TPL_TEST_FN(tpl_t_escaped)
{
	if (nargs)
		return tpl_fail(r, n, "test '%s' takes 0 arguments (%zu given)", n->str, nargs);
	/* hasattr(value, "__html__"): markup, and objects that print as
	 * their call (a WTForms field) */
	*res = fl_is_markup(v) || tpl_callable_kind(v, NULL) == TPL_OBJECT;
	return FL_OK;
}

static fl_err exists(struct rctx *r, const struct node *n, json_t *v, size_t nargs, int filter,
		     int *res)
{
	if (nargs)
		return tpl_fail(r, n, "test '%s' takes 0 arguments (%zu given)", n->str, nargs);
	*res = 0;
	if (json_is_array(v) || tpl_is_mapping(v))
		return tpl_fail(r, n, "unhashable type: '%s'", tv_typename(v));
	if (!json_is_string(v))
		return FL_OK;
	const char *s = json_string_value(v);
	*res = filter ? tpl_user_find(&r->env->filters, s) || tpl_find_filter(s)
		      : tpl_user_find(&r->env->tests, s) || tpl_find_test(s);
	return FL_OK;
}

static TPL_TEST_FN(tpl_t_filter) { return exists(r, n, v, nargs, 1, res); }
static TPL_TEST_FN(tpl_t_test) { return exists(r, n, v, nargs, 0, res); }

/* Every sequence filter takes a callable object as it is (objects = 1). */
static const struct tpl_filter seq_filters[] = {
	{"attr", tpl_f_attr, 1}, {"batch", tpl_f_batch, 1}, {"dictsort", tpl_f_dictsort, 1},
	{"groupby", tpl_f_groupby, 1}, {"items", tpl_f_items, 1}, {"map", tpl_f_map, 1},
	{"max", tpl_f_max, 1}, {"min", tpl_f_min, 1}, {"random", tpl_f_random, 1},
	{"reject", tpl_f_reject, 1}, {"rejectattr", tpl_f_rejectattr, 1},
	{"select", tpl_f_select, 1}, {"selectattr", tpl_f_selectattr, 1},
	{"slice", tpl_f_slice, 1}, {"sort", tpl_f_sort, 1}, {"sum", tpl_f_sum, 1},
	{"unique", tpl_f_unique, 1},
};

static const struct tpl_test seq_tests[] = {
	{"escaped", tpl_t_escaped}, {"filter", tpl_t_filter}, {"test", tpl_t_test},
};

const struct tpl_filter *tpl_find_seq_filter(const char *name)
{
	for (size_t i = 0; i < sizeof seq_filters / sizeof seq_filters[0]; i++)
		if (!strcmp(seq_filters[i].name, name))
			return &seq_filters[i];
	return NULL;
}

const struct tpl_test *tpl_find_seq_test(const char *name)
{
	for (size_t i = 0; i < sizeof seq_tests / sizeof seq_tests[0]; i++)
		if (!strcmp(seq_tests[i].name, name))
			return &seq_tests[i];
	return NULL;
}
