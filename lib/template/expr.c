/* expr.c — evaluate expressions with Python's semantics (what Jinja's
 * generated code and runtime do): names, attributes, items, operators,
 * calls, filters and tests.  A NULL result means undefined. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "template/internal.h"

/* The name an expression stands for, for "'x' is undefined" messages. */
static const char *what(const struct node *n)
{
	if (n->kind == N_NAME || n->kind == N_GETATTR)
		return n->str;
	if (n->kind == N_GETITEM && n->b->kind == N_CONST && json_is_string(n->b->value))
		return json_string_value(n->b->value);
	return "value";
}

static fl_err undefined_err(struct rctx *r, const struct node *n)
{
	return tpl_fail(r, n, "'%s' is undefined", what(n));
}

/* ---- attribute, item, slice ---- */

static json_t *getitem(json_t *obj, json_t *key)
{
	if (!obj || (fl_is_markup(obj) && !json_is_integer(key)))
		return NULL;
	json_t *items = json_is_integer(key) ? tv_seq_items(obj) : NULL;
	if (items)
		obj = items;   /* a sequence object's item by index */
	if (json_is_object(obj)) {
		if (json_is_string(key))
			return tpl_member(obj, json_string_value(key));
		return NULL;
	}
	if (!json_is_integer(key))
		return NULL;
	json_int_t i = json_integer_value(key);
	if (json_is_array(obj)) {
		json_int_t n = (json_int_t)json_array_size(obj);
		if (i < 0)
			i += n;
		return i >= 0 && i < n ? json_array_get(obj, (size_t)i) : NULL;
	}
	size_t len;
	const char *s = json_is_string(obj) ? json_string_value(obj) : tv_html(obj, &len);
	if (!s)
		return NULL;
	len = json_is_string(obj) ? json_string_length(obj) : len;
	json_int_t n = (json_int_t)fl_utf8_count(s, len);
	if (i < 0)
		i += n;
	if (i < 0 || i >= n)
		return NULL;
	size_t off = u8_offset(s, len, (size_t)i);
	size_t end = off + u8_offset(s + off, len - off, 1);
	return json_stringn_nocheck(s + off, end - off);
}

/* One bound of slice.indices(): `x` when it is an integer (negative counts
 * from the end), clamped to where step `st` can walk; else `def`. */
static json_int_t slice_bound(json_t *x, json_int_t def, json_int_t len, json_int_t st)
{
	if (!x || !json_is_integer(x))
		return def;
	json_int_t v = json_integer_value(x);
	if (v < 0)
		v += len;
	if (v < 0)
		v = st > 0 ? 0 : -1;
	if (v >= len)
		v = st > 0 ? len : len - 1;
	return v;
}

/* Python's slice.indices(); returns the number of items selected. */
static json_int_t slice_indices(json_int_t len, json_t *a, json_t *b, json_t *c,
				json_int_t *start, json_int_t *step)
{
	json_int_t st = c && json_is_integer(c) ? json_integer_value(c) : 1;
	if (st == 0)
		return -1;
	json_int_t lo = slice_bound(a, st > 0 ? 0 : len - 1, len, st);
	json_int_t hi = slice_bound(b, st > 0 ? len : -1, len, st);
	*start = lo;
	*step = st;
	if (st > 0)
		return hi > lo ? (hi - lo + st - 1) / st : 0;
	return lo > hi ? (lo - hi - st - 1) / -st : 0;
}

static fl_err eval_slice(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	json_t *obj, *p[3] = {NULL, NULL, NULL};
	fl_err e = tpl_eval(r, f, n->a, &obj);
	for (int i = 0; i < 3 && !e; i++)
		if (n->list.v[i])
			e = tpl_eval(r, f, n->list.v[i], &p[i]);
	if (e)
		return e;
	for (int i = 0; i < 3; i++)
		if (p[i] && !json_is_integer(p[i]) && !json_is_null(p[i]))
			return tpl_fail(r, n, "slice indices must be integers or None");
	*out = NULL;
	if (!obj)
		return FL_OK;
	json_int_t start, step;
	if (json_is_array(obj)) {
		json_int_t cnt = slice_indices((json_int_t)json_array_size(obj), p[0], p[1], p[2], &start, &step);
		if (cnt < 0)
			return tpl_fail(r, n, "slice step cannot be zero");
		json_t *res = json_array();
		for (json_int_t i = 0; i < cnt; i++)
			json_array_append(res, json_array_get(obj, (size_t)(start + i * step)));
		*out = res;
		return FL_OK;
	}
	if (!tv_is_stringish(obj))
		return tpl_fail(r, n, "'%s' object is not subscriptable", tv_typename(obj));
	size_t len;
	const char *s = tv_cstr(r->a, obj, &len);
	json_int_t cnt = slice_indices((json_int_t)fl_utf8_count(s, len), p[0], p[1], p[2], &start, &step);
	if (cnt < 0)
		return tpl_fail(r, n, "slice step cannot be zero");
	fl_buf b;
	fl_buf_init(&b, r->a);
	for (json_int_t i = 0; i < cnt; i++) {
		size_t off = u8_offset(s, len, (size_t)(start + i * step));
		fl_buf_append(&b, s + off, u8_offset(s + off, len - off, 1));
	}
	*out = fl_is_markup(obj) ? tpl_markup_n(b.data, b.len)
				 : json_stringn_nocheck(b.data ? b.data : "", b.len);
	return FL_OK;
}

/* ---- operators ---- */

static json_t *str_concat(struct rctx *r, json_t *x, json_t *y)
{
	/* markupsafe: markup + plain escapes the plain side */
	int mx = fl_is_markup(x), my = fl_is_markup(y);
	size_t xn, yn;
	const char *xs = tv_cstr(r->a, x, &xn), *ys = tv_cstr(r->a, y, &yn);
	fl_buf b;
	fl_buf_init(&b, r->a);
	if (mx || my) {
		if (mx || !x)
			fl_buf_append(&b, xs, xn);
		else
			fl_html_escape(&b, xs, xn);
		if (my || !y)
			fl_buf_append(&b, ys, yn);
		else
			fl_html_escape(&b, ys, yn);
		return tpl_markup_n(b.data, b.len);
	}
	fl_buf_append(&b, xs, xn);
	fl_buf_append(&b, ys, yn);
	return json_stringn_nocheck(b.data, b.len);
}

/* str(v) as a plain string (markup loses its mark): what str_join joins. */
static json_t *tv_plain(struct rctx *r, json_t *v)
{
	size_t n;
	const char *s;
	if (!v || json_is_string(v))
		return v;
	s = tv_cstr(r->a, v, &n);
	return json_stringn_nocheck(s, n);
}

static const char *opname(int op)
{
	static const char *const names[] = {"+", "-", "*", "/", "//", "%", "**", "~"};
	return names[op];
}

static json_t *repeat(struct rctx *r, json_t *seq, json_int_t times)
{
	if (json_is_array(seq)) {
		json_t *out = json_array();
		for (json_int_t i = 0; i < times; i++)
			json_array_extend(out, seq);
		return out;
	}
	size_t n;
	const char *s = tv_cstr(r->a, seq, &n);
	fl_buf b;
	fl_buf_init(&b, r->a);
	for (json_int_t i = 0; i < times; i++)
		fl_buf_append(&b, s, n);
	return fl_is_markup(seq) ? tpl_markup_n(b.data, b.len)
				 : json_stringn_nocheck(b.data ? b.data : "", b.len);
}

static fl_err int_arith(struct rctx *r, const struct node *n, json_int_t a, json_int_t b,
			json_t **out)
{
	json_int_t v;
	switch (n->op) {
	case OP_ADD:
		if (__builtin_add_overflow(a, b, &v))
			goto big;
		break;
	case OP_SUB:
		if (__builtin_sub_overflow(a, b, &v))
			goto big;
		break;
	case OP_MUL:
		if (__builtin_mul_overflow(a, b, &v))
			goto big;
		break;
	case OP_FLOORDIV:
	case OP_MOD:
		if (b == 0)
			return tpl_fail(r, n, "integer division or modulo by zero");
		if (b == -1) {  /* avoid LLONG_MIN / -1 */
			v = n->op == OP_MOD ? 0 : -a;
			if (n->op == OP_FLOORDIV && a == LLONG_MIN)
				goto big;
			break;
		}
		v = n->op == OP_FLOORDIV ? a / b : a % b;
		if ((a % b != 0) && ((a < 0) != (b < 0)))
			v = n->op == OP_FLOORDIV ? v - 1 : v + b;
		break;
	case OP_POW:
		if (b < 0)
			goto big;
		v = 1;
		for (json_int_t i = 0; i < b; i++) {
			if (__builtin_mul_overflow(v, a, &v))
				goto big;
			if (v == 0 || v == 1)
				break;
		}
		if (v == -1 && a == -1)
			v = b % 2 ? -1 : 1;
		break;
	default:
		goto big;
	}
	*out = json_integer(v);
	return FL_OK;
big:
	/* No big integers: results that do not fit become floats. */
	return 1;
}

static fl_err arith(struct rctx *r, const struct node *n, json_t *x, json_t *y, json_t **out)
{
	if (n->op == OP_CONCAT) {
		fl_err e;
		if ((e = tpl_as_string(r, n, x, &x)) || (e = tpl_as_string(r, n, y, &y)))
			return e;
		/* Jinja's markup_join under autoescape, str_join without it */
		*out = r->autoescape ? str_concat(r, x, y) : str_concat(r, tv_plain(r, x), tv_plain(r, y));
		return FL_OK;
	}
	if (!x)
		return undefined_err(r, n->a);
	if (!y)
		return undefined_err(r, n->b);
	if (tv_is_number(x) && tv_is_number(y)) {
		int xi = !json_is_real(x), yi = !json_is_real(y);
		if (xi && yi && n->op != OP_DIV) {
			json_int_t a = json_is_integer(x) ? json_integer_value(x) : json_is_true(x);
			json_int_t b = json_is_integer(y) ? json_integer_value(y) : json_is_true(y);
			fl_err e = int_arith(r, n, a, b, out);
			if (e != 1)
				return e;
		}
		double a = tv_number(x), b = tv_number(y), v;
		switch (n->op) {
		case OP_ADD: v = a + b; break;
		case OP_SUB: v = a - b; break;
		case OP_MUL: v = a * b; break;
		case OP_DIV:
			if (b == 0)
				return tpl_fail(r, n, "division by zero");
			v = a / b;
			break;
		case OP_FLOORDIV:
			if (b == 0)
				return tpl_fail(r, n, "float divmod()");
			v = floor(a / b);
			break;
		case OP_MOD:
			if (b == 0)
				return tpl_fail(r, n, "float modulo");
			v = fmod(a, b);
			if (v != 0 && ((v < 0) != (b < 0)))
				v += b;
			break;
		default:
			if (a == 0 && b < 0)
				return tpl_fail(r, n, "0.0 cannot be raised to a negative power");
			v = pow(a, b);
			break;
		}
		/* JSON has no inf or nan, so there is no value to hold them */
		if (!isfinite(v))
			return tpl_fail(r, n, "float result out of range");
		*out = json_real(v);
		return FL_OK;
	}
	if (n->op == OP_ADD && tv_is_stringish(x) && tv_is_stringish(y)) {
		*out = str_concat(r, x, y);
		return FL_OK;
	}
	if (n->op == OP_ADD && json_is_array(x) && json_is_array(y)) {
		json_t *v = json_array();
		json_array_extend(v, x);
		json_array_extend(v, y);
		*out = v;
		return FL_OK;
	}
	if (n->op == OP_MUL && (json_is_integer(x) || json_is_integer(y))) {
		json_t *seq = json_is_integer(x) ? y : x;
		json_int_t times = json_integer_value(json_is_integer(x) ? x : y);
		if (json_is_array(seq) || tv_is_stringish(seq)) {
			long long len = tv_len(seq);
			if (times < 0)
				times = 0;
			if (len > 0 && times > (json_int_t)(TPL_MAX_BUILD / (unsigned long long)len))
				return tpl_fail(r, n, "result too large");
			*out = repeat(r, seq, times);
			return FL_OK;
		}
	}
	if (n->op == OP_MOD && tv_is_stringish(x)) {
		size_t len;
		const char *fmt = tv_cstr(r->a, x, &len);
		json_t *args = json_is_array(y) ? y : NULL, *kwargs = NULL;
		if (!args && json_is_object(y) && !fl_is_markup(y))
			kwargs = y;
		if (!args && !kwargs) {
			args = json_array();
			json_array_append(args, y);
		}
		fl_buf b;
		fl_buf_init(&b, r->a);
		fl_err e = tpl_pyformat(r, n, &b, fmt, len, args, kwargs, fl_is_markup(x));
		if (e)
			return e;
		*out = fl_is_markup(x) ? tpl_markup_n(b.data, b.len)
				       : json_stringn_nocheck(b.data ? b.data : "", b.len);
		return FL_OK;
	}
	return tpl_fail(r, n, "unsupported operand type(s) for %s: '%s' and '%s'", opname(n->op),
			tv_typename(x), tv_typename(y));
}

static fl_err contains(struct rctx *r, const struct node *n, json_t *x, json_t *y, int *res)
{
	*res = 0;
	if (!y)
		return FL_OK;
	if (tv_is_stringish(y)) {
		if (!tv_is_stringish(x))
			return tpl_fail(r, n, "'in <string>' requires string as left operand, not %s",
					tv_typename(x));
		size_t xn, yn;
		const char *xs = tv_cstr(r->a, x, &xn), *ys = tv_cstr(r->a, y, &yn);
		*res = xn == 0 || memmem(ys, yn, xs, xn) != NULL;
		return FL_OK;
	}
	json_t *items = tv_seq_items(y);
	if (items)
		y = items;  /* a tuple (fl_tpl_sequence) holds its items */
	if (json_is_array(y)) {
		for (size_t i = 0; i < json_array_size(y) && !*res; i++)
			*res = tv_eq(x, json_array_get(y, i));
		return FL_OK;
	}
	if (json_is_object(y)) {
		*res = json_is_string(x) && tpl_member(y, json_string_value(x)) != NULL;
		return FL_OK;
	}
	return tpl_fail(r, n, "argument of type '%s' is not iterable", tv_typename(y));
}

static fl_err compare(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	static const char *const sym[] = {[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">="};
	json_t *left;
	fl_err e = tpl_eval(r, f, n->a, &left);
	if (e)
		return e;
	int ok = 1;
	for (size_t i = 0; i < n->list.n && ok; i++) {
		json_t *right;
		int op = n->ops[i], c;
		if ((e = tpl_eval(r, f, n->list.v[i], &right)))
			return e;
		switch (op) {
		case OP_EQ: ok = tv_eq(left, right); break;
		case OP_NE: ok = !tv_eq(left, right); break;
		case OP_IN:
		case OP_NOTIN:
			if ((e = contains(r, n, left, right, &ok)))
				return e;
			ok = op == OP_IN ? ok : !ok;
			break;
		default:
			if (tv_cmp(left, right, &c))
				return tpl_fail(r, n, "'%s' not supported between instances of '%s' and '%s'",
						sym[op], tv_typename(left), tv_typename(right));
			ok = op == OP_LT ? c < 0 : op == OP_LE ? c <= 0 : op == OP_GT ? c > 0 : c >= 0;
		}
		left = right;
	}
	*out = json_boolean(ok);
	return FL_OK;
}

/* ---- calls ---- */

struct args {
	json_t **pos;
	size_t npos;
	const char **kwn;
	json_t **kwv;
	size_t nkw;
};

/* The parser's name for a **mapping argument (no keyword can be "**"). */
static int is_spread(const char *kwn)
{
	return kwn[0] == '*' && kwn[1] == '*' && !kwn[2];
}

static fl_err eval_args(struct rctx *r, struct frame *f, const struct node *n, struct args *a)
{
	a->npos = n->list.n;
	a->nkw = n->nnames;
	/* one allocation for both: a page makes dozens of calls */
	a->pos = fl_arena_calloc(r->a, a->npos + a->nkw + 2, sizeof *a->pos);
	a->kwv = a->pos + a->npos + 1;
	a->kwn = n->names;
	for (size_t i = 0; i < a->npos; i++) {
		fl_err e = tpl_eval(r, f, n->list.v[i], &a->pos[i]);
		if (e)
			return e;
	}
	size_t expand = 0;
	int spread = 0;  /* a **mapping, even an empty one, to take out */
	for (size_t i = 0; i < a->nkw; i++) {
		fl_err e = tpl_eval(r, f, n->list2.v[i], &a->kwv[i]);
		if (e)
			return e;
		if (is_spread(a->kwn[i])) {
			if (a->kwv[i] && !json_is_object(a->kwv[i]))
				return tpl_fail(r, n, "argument after ** must be a mapping");
			tpl_whole(a->kwv[i]);  /* a row or lazy object: its members, all */
			expand += json_object_size(a->kwv[i]);
			spread = 1;
		}
	}
	if (!spread)
		return FL_OK;
	/* Spread each **mapping into name/value pairs, in place of its marker. */
	const char **kwn = fl_arena_calloc(r->a, a->nkw + expand + 1, sizeof *kwn);
	json_t **kwv = fl_arena_calloc(r->a, a->nkw + expand + 1, sizeof *kwv);
	size_t k = 0;
	for (size_t i = 0; i < a->nkw; i++) {
		if (!is_spread(a->kwn[i])) {
			kwn[k] = a->kwn[i];
			kwv[k++] = a->kwv[i];
			continue;
		}
		const char *key;
		size_t klen;
		json_t *v;
		json_object_keylen_foreach(a->kwv[i], key, klen, v) {
			if (tv_hidden_key(key, klen))
				continue;
			kwn[k] = key;
			kwv[k++] = v;
		}
	}
	a->kwn = kwn;
	a->kwv = kwv;
	a->nkw = k;
	return FL_OK;
}

/* Call C function `fn` (a global's or a callable object's) with the
 * evaluated arguments as an array and an object. */
static fl_err call_c(struct rctx *r, const struct node *n, fl_tpl_function fn, void *ud,
		     json_t *args, json_t *kwargs, json_t **out)
{
	fl_tpl_error ferr;
	memset(&ferr, 0, sizeof ferr);
	/* C code reads objects with jansson: a lazy argument is filled first */
	size_t i;
	json_t *x;
	const char *k;
	json_array_foreach(args, i, x)
		if (json_is_object(x))
			tpl_lazy_whole(x);
	if (json_object_size(kwargs))
		json_object_foreach(kwargs, k, x)
			if (json_is_object(x))
				tpl_lazy_whole(x);
	*out = fn(ud, r->a, args, kwargs, &ferr);
	if (!*out && ferr.line && r->err) {  /* an error inside loop() or self.x() */
		*r->err = ferr;
		return FL_ETEMPLATE;
	}
	if (!*out)
		return tpl_fail(r, n, "%s", ferr.message[0] ? ferr.message : "function call failed");
	return FL_OK;
}

/* Call C function `fn` with the evaluated arguments packed into an array
 * (`first`, when given, then the positional ones) and an object.  The
 * pair is the render's scratch pair, emptied after the call, unless a
 * call is already using it (a function that renders: loop(), self.x())
 * or the function kept a reference to it (then it is the function's, and
 * the next call makes a new pair): a page's dozens of url_for() calls
 * then make no containers. */
static fl_err call_packed(struct rctx *r, const struct node *n, fl_tpl_function fn, void *ud,
			  const struct args *a, json_t *first, json_t **out)
{
	int scratch = !r->packing;
	json_t *args = scratch ? r->pack_args : NULL, *kwargs = scratch ? r->pack_kwargs : NULL;
	if (!args)
		args = json_array();
	if (!kwargs)
		kwargs = json_object();
	if (first)
		json_array_append(args, first);
	for (size_t i = 0; i < a->npos; i++)
		json_array_append(args, a->pos[i] ? a->pos[i] : json_null());
	for (size_t i = 0; i < a->nkw; i++)
		json_object_set_nocheck(kwargs, a->kwn[i], a->kwv[i] ? a->kwv[i] : json_null());
	r->packing += scratch;
	fl_err e = call_c(r, n, fn, ud, args, kwargs, out);
	r->packing -= scratch;
	if (scratch) {
		/* one reference is ours; more: the function kept the container */
		r->pack_args = args->refcount == 1 && !json_array_clear(args) ? args : NULL;
		r->pack_kwargs = kwargs->refcount == 1 && !json_object_clear(kwargs) ? kwargs : NULL;
	}
	return e;
}

/* Call the env's global function `idx` (a TPL_FUNC handle's index). */
static fl_err call_function(struct rctx *r, const struct node *n, json_int_t idx, struct args *a,
			    json_t **out)
{
	if (idx < 0 || (size_t)idx >= r->env->nfuncs || !r->env->funcs[idx].fn)
		return tpl_fail(r, n, "'dict' object is not callable");
	return call_packed(r, n, r->env->funcs[idx].fn, r->ud, a, NULL, out);
}

/* ---- call sites that keep their result (struct tpl_call_memo) ---- */

/* The value kept for call site `n` when `fn` (what its name is in this
 * render) is still the function it came from and that function's stamp
 * for the render is the one it was kept under; else NULL. */
static json_t *memo_get(const struct rctx *r, const struct node *n, const json_t *fn)
{
	const struct tpl_call_memo *m = n->memo;
	if (!m || !m->handle || fn != m->handle || m->idx >= r->env->nfuncs)
		return NULL;
	const struct tpl_func *g = &r->env->funcs[m->idx];
	const char *stamp;
	if (g->handle != fn || g->fn != m->fn || !g->stamp || !(stamp = g->stamp(r->ud, NULL, NULL)) ||
	    strcmp(stamp, m->stamp) != 0)
		return NULL;
	return json_incref(m->value);
}

static int memo_keeps(const json_t *v)
{
	return json_is_string(v) || json_is_number(v) || json_is_boolean(v) || json_is_null(v);
}

/* Call the env's function `idx` for call site `n` (literal arguments
 * only, not filled yet), and keep the result when the function's stamp
 * lets it. */
static fl_err call_and_keep(struct rctx *r, const struct node *n, json_int_t idx,
			    const struct args *a, json_t **out)
{
	if (idx < 0 || (size_t)idx >= r->env->nfuncs || !r->env->funcs[idx].fn)
		return tpl_fail(r, n, "'dict' object is not callable");
	const struct tpl_func *g = &r->env->funcs[idx];
	/* arguments of its own: the function sees them once more in stamp() */
	json_t *args = json_array(), *kwargs = json_object();
	for (size_t i = 0; i < a->npos; i++)
		json_array_append(args, a->pos[i] ? a->pos[i] : json_null());
	for (size_t i = 0; i < a->nkw; i++)
		json_object_set_nocheck(kwargs, a->kwn[i], a->kwv[i] ? a->kwv[i] : json_null());
	const char *stamp = g->stamp(r->ud, args, kwargs);
	fl_tpl_function fn = g->fn;
	const json_t *handle = g->handle;
	fl_err e = call_c(r, n, fn, r->ud, args, kwargs, out);
	struct tpl_call_memo *m = n->memo;
	if (e || !stamp || !memo_keeps(*out) || m->handle)
		return e;
	fl_arena *prev = fl_json_set_arena(m->arena);
	m->value = json_deep_copy(*out);
	fl_json_set_arena(prev);
	m->stamp = fl_arena_strdup(m->arena, stamp);
	if (m->value && m->stamp) {
		m->fn = fn;
		m->idx = (size_t)idx;
		m->handle = handle;
	}
	return FL_OK;
}

fl_err tpl_call_object(struct rctx *r, const struct node *n, json_t *obj, json_t *args,
		       json_t *kwargs, json_t **out)
{
	fl_tpl_function fn;
	void *ud;
	if (!tpl_callable_target(obj, &fn, &ud))
		return tpl_fail(r, n, "'%s' object is not callable", tv_typename(obj));
	return call_c(r, n, fn, ud, args ? args : json_array(), kwargs ? kwargs : json_object(), out);
}

fl_err tpl_as_string(struct rctx *r, const struct node *n, json_t *v, json_t **out)
{
	/* only an object can be callable: the strings and numbers a page
	 * prints pass without a call */
	if (!json_is_object(v) || tpl_callable_kind(v, NULL) != TPL_OBJECT) {
		*out = v;
		return FL_OK;
	}
	return tpl_call_object(r, n, v, NULL, NULL, out);
}

fl_err tpl_eval_call(struct rctx *r, struct frame *f, const struct node *n, json_t *caller,
		     fl_buf *into, int *printed, json_t **out)
{
	const struct node *callee = n->a;
	json_t *fn = NULL, *obj = NULL;
	struct args a;
	fl_err e;
	int found = 0;
	if (callee->kind == N_NAME) {
		fn = tpl_lookup_name(r, f, callee, &found);
		if (!found && !strcmp(callee->str, "super")) {
			if (n->list.n || n->nnames)
				return tpl_fail(r, n, "super() takes no arguments");
			return tpl_super(r, n, out);
		}
		if (!found)
			fn = tpl_env_global(r->env, callee->str);
		if (n->memo && (*out = memo_get(r, n, fn)))
			return FL_OK;
	} else if (callee->kind == N_GETATTR) {
		if ((e = tpl_eval(r, f, callee->a, &obj)))
			return e;
		fn = json_is_object(obj) ? tpl_row_attr(obj, callee->str) : NULL;
		if (!fn)
			fn = tpl_lazy_get(obj, callee->str);
	} else if ((e = tpl_eval(r, f, callee, &fn))) {
		return e;
	}
	if ((e = eval_args(r, f, n, &a)))
		return e;
	/* what fn is, found once: a macro, a function, a callable object */
	json_int_t idx = -1;
	int kind = tpl_callable_kind(fn, &idx);
	if (callee->kind == N_GETATTR && (!fn || json_is_object(obj))) {
		int done;
		json_t *res = NULL;
		if (kind < 0) {
			if ((e = tpl_call_method(r, n, tpl_whole(obj), callee->str, a.pos, a.npos, a.kwn, a.kwv,
						 a.nkw, &res, &done)))
				return e;
			if (done) {
				*out = res;
				return FL_OK;
			}
		}
	}
	if (!fn)
		return undefined_err(r, callee);
	switch (kind) {
	case TPL_MACRO:
		if (into)
			*printed = 1;
		return tpl_invoke_index(r, n, idx, a.pos, a.npos, a.kwn, a.kwv, a.nkw, caller, into,
					out);
	case TPL_FUNC:
		if (n->memo && !n->memo->handle && idx >= 0 && (size_t)idx < r->env->nfuncs &&
		    r->env->funcs[idx].stamp)
			return call_and_keep(r, n, idx, &a, out);
		return call_function(r, n, idx, &a, out);
	case TPL_OBJECT: {
		fl_tpl_function cfn;
		void *ud;
		if (!tpl_callable_target(fn, &cfn, &ud))
			return tpl_fail(r, n, "'%s' object is not callable", tv_typename(fn));
		return call_packed(r, n, cfn, ud, &a, NULL, out);
	}
	}
	return tpl_fail(r, n, "'%s' object is not callable", tv_typename(fn));
}

/* An application's filter or test: fn(value, args…, **kwargs), the value
 * first in `args` (undefined passed as null). */
static fl_err call_user(struct rctx *r, const struct node *n, json_t *v, struct args *a,
			json_t **out)
{
	return call_packed(r, n, n->user->fn, r->ud, a, v ? v : json_null(), out);
}

static fl_err eval_filter(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	json_t *v;
	struct args a;
	fl_err e = tpl_eval(r, f, n->a, &v);
	if (!e)
		e = eval_args(r, f, n, &a);
	if (e)
		return e;
	if (n->user)
		return call_user(r, n, v, &a, out);
	if (!n->filter->objects && (e = tpl_as_string(r, n, v, &v)))
		return e;
	return n->filter->fn(r, n, v, a.pos, a.npos, a.kwn, a.kwv, a.nkw, out);
}

static fl_err eval_test(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	json_t *v;
	struct args a;
	int res = 0;
	fl_err e = tpl_eval(r, f, n->a, &v);
	if (!e)
		e = eval_args(r, f, n, &a);
	if (!e && n->user) {
		json_t *got;
		if (!(e = call_user(r, n, v, &a, &got)))
			res = tv_truthy(got);
	} else if (!e) {
		e = n->test->fn(r, n, v, a.pos, a.npos, &res);
	}
	if (e)
		return e;
	*out = json_boolean(n->op ? !res : res);
	return FL_OK;
}

static fl_err eval_literal(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	json_t *v, *res = n->kind == N_LIST ? json_array() : json_object();
	for (size_t i = 0; i < n->list.n; i++) {
		fl_err e = tpl_eval(r, f, n->list.v[i], &v);
		if (e)
			return e;
		if (n->kind == N_LIST) {
			json_array_append(res, v ? v : json_null());
			continue;
		}
		size_t kl;
		const char *k = tv_cstr(r->a, v, &kl);
		if ((e = tpl_eval(r, f, n->list2.v[i], &v)))
			return e;
		json_object_set(res, k, v ? v : json_null());
	}
	*out = res;
	return FL_OK;
}

static fl_err eval_unary(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	json_t *v;
	fl_err e = tpl_eval(r, f, n->a, &v);
	if (e)
		return e;
	if (n->kind == N_NOT) {
		*out = json_boolean(!tv_truthy(v));
		return FL_OK;
	}
	if (!v)
		return undefined_err(r, n->a);
	if (!tv_is_number(v))
		return tpl_fail(r, n, "bad operand type for unary %c: '%s'", n->kind == N_NEG ? '-' : '+',
				tv_typename(v));
	if (n->kind == N_POS)
		*out = json_is_real(v) ? v : json_integer(json_is_integer(v) ? json_integer_value(v) : json_is_true(v));
	else if (json_is_real(v))
		*out = json_real(-json_real_value(v));
	else if (json_is_integer(v) && json_integer_value(v) == LLONG_MIN)
		*out = json_real(-(double)LLONG_MIN);
	else
		*out = json_integer(-(json_is_integer(v) ? json_integer_value(v) : json_is_true(v)));
	return FL_OK;
}

fl_err tpl_eval(struct rctx *r, struct frame *f, const struct node *n, json_t **out)
{
	json_t *x, *y;
	fl_err e;
	if (++r->steps > TPL_MAX_STEPS)
		return tpl_fail(r, n, "template too expensive to render");
	*out = NULL;
	switch (n->kind) {
	case N_CONST:
		*out = n->value;
		return FL_OK;
	case N_NAME:
		*out = tpl_name_value(r, f, n);
		return FL_OK;
	case N_GETATTR:
		if (n->a->kind == N_NAME) {  /* name.attr: the name without a call */
			r->steps++;
			x = tpl_name_value(r, f, n->a);
		} else if ((e = tpl_eval(r, f, n->a, &x))) {
			return e;
		}
		*out = tpl_attr_value(r, NULL, x, n->str);
		return FL_OK;
	case N_GETITEM:
		if ((e = tpl_eval(r, f, n->a, &x)) || (e = tpl_eval(r, f, n->b, &y)))
			return e;
		*out = getitem(x, y);
		if (*out == r->undef)
			*out = NULL;
		else if (!*out && json_is_object(x) && json_is_string(y))  /* m['name'] */
			*out = tpl_macro_attr(r, x, json_string_value(y));
		return FL_OK;
	case N_SLICE:
		return eval_slice(r, f, n, out);
	case N_BIN:
		if ((e = tpl_eval(r, f, n->a, &x)) || (e = tpl_eval(r, f, n->b, &y)))
			return e;
		return arith(r, n, x, y, out);
	case N_AND:
	case N_OR:
		if ((e = tpl_eval(r, f, n->a, &x)))
			return e;
		if (tv_truthy(x) == (n->kind == N_OR)) {
			*out = x;
			return FL_OK;
		}
		return tpl_eval(r, f, n->b, out);
	case N_NOT:
	case N_NEG:
	case N_POS:
		return eval_unary(r, f, n, out);
	case N_CMP:
		return compare(r, f, n, out);
	case N_COND:
		if ((e = tpl_eval(r, f, n->a, &x)))
			return e;
		if (tv_truthy(x))
			return tpl_eval(r, f, n->b, out);
		return n->c ? tpl_eval(r, f, n->c, out) : FL_OK;
	case N_CALL:
		return tpl_eval_call(r, f, n, NULL, NULL, NULL, out);
	case N_FILTER:
		return eval_filter(r, f, n, out);
	case N_TEST:
		return eval_test(r, f, n, out);
	case N_LIST:
	case N_DICT:
		return eval_literal(r, f, n, out);
	default:
		return tpl_fail(r, n, "not an expression");
	}
}
