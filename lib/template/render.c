/* render.c — run a compiled tree and write the output (what the Python
 * code Jinja generates does): statements, blocks and inheritance, macros,
 * includes and imports.  Expressions are evaluated in expr.c. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "template/internal.h"

/* Output beyond this is an error, so no template can exhaust memory. */
#define TPL_MAX_OUTPUT (64u << 20)

/* One block name and its definitions, most derived first. */
struct bchain {
	const char *name;
	FL_VEC(const struct node *) defs;
};

/* One template invocation: a render, an include or an import. */
struct tstate {
	FL_VEC(struct bchain) chains;
	const struct tpl *parent;     /* set by {% extends %} */
	const struct node *extends;   /* that tag, for error positions */
	struct bchain *cur;           /* block being rendered, for super() */
	size_t cur_idx;
	struct frame *top;            /* the template's top-level scope */
	json_t *self;                 /* `self` (TemplateReference), when used */
};

fl_err tpl_fail(struct rctx *r, const struct node *n, const char *fmt, ...)
{
	fl_tpl_error *e = r->err;
	if (e) {
		va_list ap;
		snprintf(e->file, sizeof e->file, "%s", n ? n->file : "");
		e->line = n ? n->line : 0;
		e->column = n ? n->col : 0;
		va_start(ap, fmt);
		vsnprintf(e->message, sizeof e->message, fmt, ap);
		va_end(ap);
	}
	return FL_ETEMPLATE;
}

/* ---- scopes ---- */

struct frame *tpl_frame(struct rctx *r, struct frame *parent)
{
	/* vars stays NULL until a name is bound by name: most frames (a
	 * loop's, a macro's) hold only slots */
	struct frame *f = fl_arena_calloc(r->a, 1, sizeof *f);
	f->parent = parent;
	f->known = 1;
	return f;
}

struct frame *tpl_frame_for(struct rctx *r, struct frame *parent, const struct node *owner)
{
	struct frame *f = tpl_frame(r, parent);
	f->owner = owner;
	f->initials = owner->slotmask;
	if (owner->nslots)
		f->slots = fl_arena_calloc(r->a, owner->nslots, sizeof *f->slots);
	return f;
}

/* The index of `name` among f's slots, or -1; the last one of a name
 * given twice ({% for a, a in … %}: the second target wins, as in
 * Python). */
static long slot_of(const struct frame *f, const char *name)
{
	for (size_t i = f->owner ? f->owner->nslots : 0; i-- > 0;)
		if (!strcmp(f->owner->slotnames[i], name))
			return (long)i;
	return -1;
}

/* A name looked up past the engine's own frames: in the render's context,
 * then its globals.  The engine never binds a name in either (every
 * assignment goes to a frame it made), so the answer is the same all
 * render long: remembered by the name's pointer, which the resolver
 * makes one per distinct name of a template (resolve.c), in a small
 * direct-mapped table — a page's url_for, request, config, form… hash
 * once per render, not once per use. */
static json_t *lookup_outer(struct rctx *r, const char *name, int *found)
{
	struct tpl_outer *c = &r->outer[((uintptr_t)name >> 3) % TPL_OUTER_CACHE];
	if (c->name == name) {
		*found = c->found;
		return c->value;
	}
	json_t *v = NULL;
	*found = 0;
	for (struct frame *f = &r->root; f; f = f->parent) {
		if (f->known && !(f->initials & TPL_INITIAL(name)))
			continue;
		if (f->vars && (v = json_object_get(f->vars, name))) {
			*found = 1;
			if (v == r->undef)
				v = NULL;
			break;
		}
	}
	*c = (struct tpl_outer){name, v, *found};
	return v;
}

json_t *tpl_lookup(struct rctx *r, struct frame *f, const char *name, int *found)
{
	for (; f; f = f->parent) {
		if (f == &r->root)
			return lookup_outer(r, name, found);
		/* no hashing where no name of this initial was ever bound */
		if (f->known && !(f->initials & TPL_INITIAL(name)))
			continue;
		long i = slot_of(f, name);
		json_t *v = i >= 0 ? f->slots[i] : f->vars ? json_object_get(f->vars, name) : NULL;
		if (v) {
			*found = 1;
			return v == r->undef ? NULL : v;
		}
	}
	*found = 0;
	return NULL;
}

json_t *tpl_lookup_name(struct rctx *r, struct frame *f, const struct node *n, int *found)
{
	/* The resolver proved that nothing between here and the binding
	 * scope can bind the name: find that scope's frame by its node (a
	 * pointer compare per frame, no hashing).  Not on the chain (a block
	 * rendered from elsewhere) or not bound yet: by name, as Jinja would
	 * find it. */
	if (n->scope) {
		for (struct frame *g = f; g; g = g->parent) {
			if (g->owner != n->scope)
				continue;
			json_t *v = g->slots[n->slot];
			if (v) {
				*found = 1;
				return v == r->undef ? NULL : v;
			}
			break;
		}
	}
	return tpl_lookup(r, f, n->str, found);
}

/* Does f itself bind `name` (to anything, undefined included)? */
static int frame_binds(const struct frame *f, const char *name)
{
	long i = slot_of(f, name);
	return i >= 0 ? f->slots[i] != NULL : f->vars && json_object_get(f->vars, name);
}

void tpl_bind(struct rctx *r, struct frame *f, const char *name, json_t *v)
{
	/* An undefined value still shadows outer bindings of the name. */
	tpl_frame_set(f, name, v ? v : r->undef);
}

void tpl_frame_set(struct frame *f, const char *name, json_t *v)
{
	long i = slot_of(f, name);
	if (i >= 0) {
		f->slots[i] = json_incref(v);
		return;
	}
	/* Names are template identifiers (ASCII), so jansson need not check
	 * them. */
	if (!f->vars)
		f->vars = json_object();
	json_object_set_nocheck(f->vars, name, v);
	f->initials |= TPL_INITIAL(name);
}

json_t *tpl_buf_value(struct rctx *r, const fl_buf *b)
{
	if (r->autoescape)
		return tpl_markup_n(b->data, b->len);
	return json_stringn_nocheck(b->data ? b->data : "", b->len);
}

/* Run fn(r, arg) from inside an fl_tpl_function (loop(), self.x()): an
 * error keeps its own file, line and column (expr.c's call_c copies err
 * back when its line is set). */
static json_t *nested_result(struct rctx *r, fl_err e, fl_buf *b, fl_tpl_error *err)
{
	if (!e)
		return tpl_buf_value(r, b);
	if (r->err)
		*err = *r->err;
	if (!err->message[0])
		snprintf(err->message, sizeof err->message, "render failed");
	return NULL;
}

/* ---- macros ---- */

json_t *tpl_new_callable(struct rctx *r, const struct node *def, struct frame *closure)
{
	*fl_vec_push(r->a, &r->calls) = (struct callable){def, closure, NULL, r->autoescape};
	return tpl_callable_new(TPL_MACRO, r->calls.len - 1);
}

static fl_err depth_enter(struct rctx *r, const struct node *at)
{
	if (r->depth >= TPL_MAX_DEPTH)
		return tpl_fail(r, at, "maximum recursion depth exceeded");
	r->depth++;
	return FL_OK;
}

/* Bind a macro's parameters in f: positional, then keyword, then the
 * default (evaluated in f, so it may use earlier parameters), else
 * undefined.  Extra arguments go to varargs / kwargs. */
static fl_err bind_params(struct rctx *r, const struct node *at, const struct node *m,
			  struct frame *f, json_t **args, size_t nargs, const char **kwn,
			  json_t **kwv, size_t nkw, json_t *caller)
{
	/* varargs and kwargs exist only where the body reads them (Jinja's
	 * macro_body declares them then only, so an include in the body does
	 * not see them otherwise either) */
	json_t *varargs = m->op & TPL_MACRO_VARARGS ? json_array() : NULL;
	json_t *kwargs = m->op & TPL_MACRO_KWARGS ? json_object() : NULL;
	for (size_t i = 0; i < m->nnames; i++) {
		const char *p = m->names[i];
		json_t *v = NULL;
		int have = 0;
		if (i < nargs) {
			v = args[i];
			have = 1;
		}
		for (size_t k = 0; k < nkw; k++) {
			if (strcmp(kwn[k], p))
				continue;
			if (have)
				return tpl_fail(r, at, "macro '%s' got multiple values for argument '%s'",
						m->str ? m->str : "caller", p);
			v = kwv[k];
			have = 1;
		}
		if (!have && m->list2.n > i && m->list2.v[i]) {
			fl_err e = tpl_eval(r, f, m->list2.v[i], &v);
			if (e)
				return e;
		}
		f->slots[i] = json_incref(v ? v : r->undef);  /* parameter i is slot i (resolve.c) */
	}
	const char *mname = m->str ? m->str : "caller";
	/* Jinja's Macro: extra arguments only when the body reads varargs /
	 * kwargs, a {% call %} only when it reads caller. */
	if (nargs > m->nnames && !(m->op & TPL_MACRO_VARARGS))
		return tpl_fail(r, at, "macro '%s' takes not more than %zu argument(s)", mname,
				m->nnames);
	for (size_t i = m->nnames; i < nargs; i++)
		json_array_append(varargs, args[i] ? args[i] : json_null());
	for (size_t k = 0; k < nkw; k++) {
		int known = 0;
		for (size_t i = 0; i < m->nnames; i++)
			known |= !strcmp(kwn[k], m->names[i]);
		if (known || !strcmp(kwn[k], "**"))  /* "**": an empty **mapping */
			continue;
		if (!strcmp(kwn[k], "caller") && (m->op & TPL_MACRO_CALLER)) {
			tpl_bind(r, f, "caller", kwv[k] ? kwv[k] : json_null());
			continue;
		}
		if (!(m->op & TPL_MACRO_KWARGS))
			return tpl_fail(r, at, "macro '%s' takes no keyword argument '%s'", mname, kwn[k]);
		json_object_set_nocheck(kwargs, kwn[k], kwv[k] ? kwv[k] : json_null());
	}
	if (caller && !(m->op & TPL_MACRO_CALLER)) {
		if (!(m->op & TPL_MACRO_KWARGS))
			return tpl_fail(r, at, "macro '%s' was invoked with two values for the special"
					" caller argument. This is most likely a bug.", mname);
		json_object_set_nocheck(kwargs, "caller", caller);
	}
	if (varargs) {
		tpl_frame_set(f, "varargs", varargs);
		json_decref(varargs);
	}
	if (kwargs) {
		tpl_frame_set(f, "kwargs", kwargs);
		json_decref(kwargs);
	}
	return FL_OK;
}

fl_err tpl_invoke_index(struct rctx *r, const struct node *at, json_int_t idx, json_t **args,
			size_t nargs, const char **kwn, json_t **kwv, size_t nkw, json_t *caller,
			fl_buf *into, json_t **out)
{
	struct callable *c = idx >= 0 && (size_t)idx < r->calls.len
		? fl_vec_at(&r->calls, (size_t)idx) : NULL;
	if (!c)
		return tpl_fail(r, at, "'dict' object is not callable");
	const struct node *m = c->node;
	fl_err e = depth_enter(r, at);
	if (e)
		return e;
	struct frame *f = tpl_frame_for(r, c->closure, m);
	e = bind_params(r, at, m, f, args, nargs, kwn, kwv, nkw, caller);
	if (!e && caller)
		tpl_frame_set(f, "caller", caller);
	else if (!e && (m->op & TPL_MACRO_CALLER) && !frame_binds(f, "caller"))
		tpl_bind(r, f, "caller", NULL);  /* Jinja: "No caller defined" */
	fl_buf b;
	fl_buf_init(&b, r->a);
	/* The body prints as where it was defined; the result is markup when
	 * the caller autoescapes (Jinja's Macro.__call__ with the caller's
	 * eval context).  A result {{ printed }} at once is that markup's (or
	 * string's) bytes as they are, so it goes straight to `into`. */
	int ae = r->autoescape;
	r->autoescape = c->autoescape;
	if (!e)
		e = tpl_exec(r, f, &m->list, into ? into : &b);
	r->autoescape = ae;
	r->depth--;
	*out = NULL;
	if (!e && !into)
		*out = tpl_buf_value(r, &b);
	return e;
}

json_t *tpl_macro_attr(struct rctx *r, const json_t *fn, const char *name)
{
	json_int_t idx = -1;
	if (tpl_callable_kind(fn, &idx) != TPL_MACRO || idx < 0 || (size_t)idx >= r->calls.len)
		return NULL;
	const struct node *m = fl_vec_at(&r->calls, (size_t)idx)->node;
	if (!strcmp(name, "name"))  /* a {% call %} block's is None */
		return m->str ? json_string(m->str) : json_null();
	if (!strcmp(name, "arguments")) {
		json_t *items = json_array();
		for (size_t i = 0; i < m->nnames; i++)
			json_array_append_new(items, json_string(m->names[i]));
		json_t *tuple = fl_tpl_sequence(NULL, items);
		json_decref(items);
		return tuple;
	}
	if (!strcmp(name, "catch_varargs"))
		return json_boolean(m->op & TPL_MACRO_VARARGS);
	if (!strcmp(name, "catch_kwargs"))
		return json_boolean(m->op & TPL_MACRO_KWARGS);
	if (!strcmp(name, "caller"))
		return json_boolean(m->op & TPL_MACRO_CALLER);
	return NULL;
}

/* ---- blocks ---- */

static struct bchain *find_chain(struct tstate *st, const char *name)
{
	for (size_t i = 0; i < st->chains.len; i++)
		if (!strcmp(st->chains.items[i].name, name))
			return &st->chains.items[i];
	return NULL;
}

static void self_add(struct rctx *r, struct tstate *st);

static void add_blocks(struct rctx *r, struct tstate *st, const struct tpl *t)
{
	for (size_t i = 0; i < t->nblocks; i++) {
		struct bchain *c = find_chain(st, t->blocks[i].name);
		if (!c) {
			/* super() may hold a pointer into the array, which a push
			 * can move */
			size_t cur = st->cur ? (size_t)(st->cur - st->chains.items) : 0;
			c = fl_vec_push(r->a, &st->chains);
			if (st->cur)
				st->cur = &st->chains.items[cur];
			*c = (struct bchain){ .name = t->blocks[i].name };
		}
		*fl_vec_push(r->a, &c->defs) = t->blocks[i].node;
	}
	if (st->self)
		self_add(r, st);
}

/* Render definition `idx` of block chain `c`: in `f` (the template's top
 * level, or the enclosing scope of a scoped block), in a scope of its own
 * when it assigns, printing as its own template does. */
static fl_err render_chain(struct rctx *r, struct frame *f, struct bchain *c, size_t idx,
			   fl_buf *out)
{
	struct tstate *st = r->st;
	const struct node *def = c->defs.items[idx];
	if (def->op & TPL_BLOCK_REQUIRED)
		return tpl_fail(r, def, "Required block '%s' not found.", c->name);
	struct bchain *save = st->cur;
	size_t save_idx = st->cur_idx;
	int ae = r->autoescape;
	st->cur = c;
	st->cur_idx = idx;
	r->autoescape = (def->op & TPL_BLOCK_AUTOESCAPE) != 0;
	fl_err e = tpl_exec(r, def->op & TPL_BLOCK_ASSIGNS ? tpl_frame(r, f) : f, &def->list, out);
	r->autoescape = ae;
	st->cur = save;
	st->cur_idx = save_idx;
	return e;
}

static fl_err exec_block(struct rctx *r, struct frame *f, const struct node *n, fl_buf *out)
{
	struct bchain *c = r->st ? find_chain(r->st, n->str) : NULL;
	if (!c)  /* a block in a macro called from elsewhere: render it plainly */
		return tpl_exec(r, f, &n->list, out);
	/* Jinja: a block sees the loop and with variables around it only
	 * when scoped; otherwise the template's context. */
	return render_chain(r, n->op & TPL_BLOCK_SCOPED ? f : r->st->top, c, 0, out);
}

/* ---- self: Jinja's TemplateReference, self.name() renders a block ---- */

struct blockref {
	struct rctx *r;
	struct tstate *st;
	const char *name;
	const struct node *at;
};

static json_t *self_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	struct blockref *b = ud;
	struct rctx *r = b->r;
	(void)kwargs;
	if (json_array_size(args)) {
		snprintf(err->message, sizeof err->message, "a block takes no arguments");
		return NULL;
	}
	struct bchain *c = find_chain(b->st, b->name);
	struct tstate *save = r->st;
	fl_buf out;
	fl_buf_init(&out, a);
	fl_err e = depth_enter(r, b->at);
	if (!e) {
		r->st = b->st;
		e = render_chain(r, b->st->top, c, 0, &out);
		r->st = save;
		r->depth--;
	}
	return nested_result(r, e, &out, err);
}

/* Give `self` a member for each block name it does not have yet. */
static void self_add(struct rctx *r, struct tstate *st)
{
	for (size_t i = 0; i < st->chains.len; i++) {
		const char *name = st->chains.items[i].name;
		if (json_object_get(st->self, name))
			continue;
		struct blockref *b = fl_arena_calloc(r->a, 1, sizeof *b);
		*b = (struct blockref){r, st, name, st->chains.items[i].defs.items[0]};
		json_object_set_new_nocheck(st->self, name, fl_tpl_callable(NULL, self_call, b));
	}
}

/* Bind `self` in the template's top scope when `t` mentions it. */
static void self_bind(struct rctx *r, struct tstate *st, const struct tpl *t)
{
	if (!t->uses_self || st->self)
		return;
	st->self = json_object();
	self_add(r, st);
	tpl_bind(r, st->top, "self", st->self);
}

fl_err tpl_super(struct rctx *r, const struct node *at, json_t **out)
{
	struct tstate *st = r->st;
	if (!st || !st->cur)
		return tpl_fail(r, at, "super() called outside of a block");
	if (st->cur_idx + 1 >= st->cur->defs.len)
		return tpl_fail(r, at, "there is no parent block called '%s'.", st->cur->name);
	fl_err e = depth_enter(r, at);
	if (e)
		return e;
	fl_buf b;
	fl_buf_init(&b, r->a);
	/* a block's own frame is the template's top level */
	e = render_chain(r, st->top, st->cur, st->cur_idx + 1, &b);
	r->depth--;
	if (!e)
		*out = tpl_buf_value(r, &b);
	return e;
}

/* ---- loading other templates ---- */

struct frame *tpl_globals_frame(struct rctx *r)
{
	return r->globals.vars ? &r->globals : NULL;
}

/* Resolve a template-name value to a compiled template.  *t stays NULL
 * when it does not exist and `missing_ok`. */
static fl_err load(struct rctx *r, const struct node *at, json_t *name, int missing_ok,
		   const struct tpl **t)
{
	*t = NULL;
	if (json_is_array(name)) {  /* include ["a.html", "b.html"]: the first that exists */
		for (size_t i = 0; i < json_array_size(name); i++) {
			fl_err e = load(r, at, json_array_get(name, i), 1, t);
			if (e || *t)
				return e;
		}
		if (missing_ok)
			return FL_OK;
		return tpl_fail(r, at, "none of the templates given were found");
	}
	if (!json_is_string(name))
		return tpl_fail(r, at, "template name must be a string, not '%s'", tv_typename(name));
	const char *s = json_string_value(name);
	if (strlen(s) != json_string_length(name))
		return tpl_fail(r, at, "template '%s' not found", s);
	fl_tpl_error sub;
	memset(&sub, 0, sizeof sub);
	struct tpl *tp;
	fl_err e = tpl_env_load(r->env, s, &tp, &sub);
	if (e == FL_ETEMPLATE) {
		if (r->err)
			*r->err = sub;
		return e;
	}
	if (e == FL_ENOTFOUND && missing_ok)
		return FL_OK;
	if (e)
		return tpl_fail(r, at, "template '%s' not found", s);
	*t = tp;
	return FL_OK;
}

/* Render t's top level in a new invocation state with `f` as its scope. */
static fl_err render_in(struct rctx *r, const struct node *at, const struct tpl *t,
			struct frame *f, fl_buf *out)
{
	fl_err e = depth_enter(r, at);
	if (e)
		return e;
	e = tpl_render_tpl(r, t, f, out);
	r->depth--;
	return e;
}

static fl_err exec_include(struct rctx *r, struct frame *f, const struct node *n, fl_buf *out)
{
	json_t *name;
	const struct tpl *t;
	fl_err e = tpl_eval(r, f, n->a, &name);
	if (!e)
		e = load(r, n, name, n->op, &t);
	if (e || !t)
		return e;
	/* without context: the globals only (in Flask session, request, g,
	 * config, url_for…), none of the render's context */
	return render_in(r, n, t, tpl_frame(r, n->op & TPL_NO_CONTEXT ? tpl_globals_frame(r) : f),
			 out);
}

/* The names a module exports: Jinja's context.exported_vars, every
 * top-level name but those starting with "_" (a copy only when there
 * are such names). */
static json_t *exported(json_t *vars)
{
	const char *k;
	json_t *v, *out = NULL;
	void *tmp;
	json_object_foreach_safe(vars, tmp, k, v) {
		if (k[0] != '_')
			continue;
		if (!out)
			out = json_copy(vars);
		json_object_del(out, k);
	}
	return out ? out : vars;
}

/* Run a template for its macros and top-level variables (import). */
static fl_err import_module(struct rctx *r, struct frame *f, const struct node *n,
			    json_t **module)
{
	json_t *name;
	const struct tpl *t;
	fl_err e = tpl_eval(r, f, n->a, &name);
	if (!e)
		e = load(r, n, name, 0, &t);
	if (e)
		return e;
	struct frame *mf = tpl_frame(r, n->op & TPL_WITH_CONTEXT ? f : tpl_globals_frame(r));
	fl_buf discard;
	fl_buf_init(&discard, r->a);
	e = render_in(r, n, t, mf, &discard);
	*module = exported(mf->vars ? mf->vars : json_object());
	return e;
}

static fl_err exec_from(struct rctx *r, struct frame *f, const struct node *n)
{
	json_t *module;
	fl_err e = import_module(r, f, n, &module);
	if (e)
		return e;
	/* A name the template does not export is bound to undefined (Jinja:
	 * an error only once it is called or its attribute read). */
	for (size_t i = 0; i < n->nnames; i++)
		tpl_bind(r, f, n->names2[i], json_object_get(module, n->names[i]));
	return FL_OK;
}

/* ---- statements ---- */

/* Bind target i of `at` (a for loop's or a set's names[i]) in f: straight
 * into slot i when f is the loop's own frame (targets are its first
 * slots, resolve.c). */
static void bind_target(struct rctx *r, struct frame *f, const struct node *at, size_t i,
			const char *name, json_t *v)
{
	if (f->owner == at)  /* a reference, as binding by name takes one */
		f->slots[i] = json_incref(v ? v : r->undef);
	else
		tpl_bind(r, f, name, v);
}

static fl_err unpack(struct rctx *r, struct frame *f, const struct node *at, const char **names,
		     size_t nnames, json_t *v)
{
	if (nnames == 1) {
		bind_target(r, f, at, 0, names[0], v);
		return FL_OK;
	}
	/* any iterable, as Python: a named tuple's items, a string's
	 * characters, a dict's keys; undefined as empty */
	json_t *items = tv_iter(v);
	if (!items)
		return tpl_fail(r, at, "cannot unpack non-iterable %s object", tv_typename(v));
	v = items;
	if (json_array_size(v) != nnames)
		return json_array_size(v) > nnames  /* Python's messages */
			? tpl_fail(r, at, "too many values to unpack (expected %zu)", nnames)
			: tpl_fail(r, at, "not enough values to unpack (expected %zu, got %zu)",
				   nnames, json_array_size(v));
	for (size_t i = 0; i < nnames; i++)
		bind_target(r, f, at, i, names[i], json_array_get(v, i));
	return FL_OK;
}

/* One run of a for loop (a LoopContext): what loop.changed() remembers
 * and what loop(items) of a recursive loop needs. */
struct loopstate {
	struct rctx *r;
	const struct node *n;
	struct frame *f;          /* the scope the loop runs in */
	int depth;                /* loop.depth: 1, 2 in a loop() call, … */
	int autoescape;           /* where the loop is: loop() prints so */
	json_t *last;             /* loop.changed(): the last values, or NULL */
};

static json_t *loop_changed(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			    fl_tpl_error *err)
{
	struct loopstate *ls = ud;
	(void)a;
	(void)kwargs;
	(void)err;
	if (ls->last && tv_eq(ls->last, args))
		return json_false();
	ls->last = json_incref(args);
	return json_true();
}

static fl_err run_loop(struct rctx *r, struct frame *f, const struct node *n, json_t *seq,
		       int depth, fl_buf *out);

static json_t *loop_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	struct loopstate *ls = ud;
	struct rctx *r = ls->r;
	fl_buf out;
	fl_buf_init(&out, a);
	if (json_array_size(args) != 1 || json_object_size(kwargs)) {
		snprintf(err->message, sizeof err->message,
			 "loop() takes exactly one argument, the items to iterate");
		return NULL;
	}
	int ae = r->autoescape;
	r->autoescape = ls->autoescape;
	fl_err e = depth_enter(r, ls->n);
	if (!e) {
		e = run_loop(r, ls->f, ls->n, json_array_get(args, 0), ls->depth + 1, &out);
		r->depth--;
	}
	json_t *v = nested_result(r, e, &out, err);
	r->autoescape = ae;
	return v;
}

/* The `loop` variable of iteration i: a dict, or for a recursive loop an
 * object that can be called (loop(children)); changed() is a callable
 * member bound to the run's state. */
static json_t *loop_object(struct loopstate *ls, json_t *changed, json_t *items, size_t i)
{
	size_t n = json_array_size(items);
	size_t uses = ls->n->len;  /* only what the body reads (parser.c) */
	json_t *l = ls->n->op & TPL_FOR_RECURSIVE ? fl_tpl_callable(NULL, loop_call, ls)
						   : json_object();
	if (uses & TPL_LOOP_INDEX)
		json_object_set_new_nocheck(l, "index", json_integer((json_int_t)i + 1));
	if (uses & TPL_LOOP_INDEX0)
		json_object_set_new_nocheck(l, "index0", json_integer((json_int_t)i));
	if (uses & TPL_LOOP_REVINDEX)
		json_object_set_new_nocheck(l, "revindex", json_integer((json_int_t)(n - i)));
	if (uses & TPL_LOOP_REVINDEX0)
		json_object_set_new_nocheck(l, "revindex0", json_integer((json_int_t)(n - i - 1)));
	if (uses & TPL_LOOP_FIRST)
		json_object_set_new_nocheck(l, "first", json_boolean(i == 0));
	if (uses & TPL_LOOP_LAST)
		json_object_set_new_nocheck(l, "last", json_boolean(i + 1 == n));
	if (uses & TPL_LOOP_LENGTH)
		json_object_set_new_nocheck(l, "length", json_integer((json_int_t)n));
	if (uses & TPL_LOOP_DEPTH)
		json_object_set_new_nocheck(l, "depth", json_integer(ls->depth));
	if (uses & TPL_LOOP_DEPTH0)
		json_object_set_new_nocheck(l, "depth0", json_integer(ls->depth - 1));
	if (uses & TPL_LOOP_CHANGED)
		json_object_set_nocheck(l, "changed", changed);
	if (i > 0 && (uses & TPL_LOOP_PREVITEM))
		json_object_set_nocheck(l, "previtem", json_array_get(items, i - 1));
	if (i + 1 < n && (uses & TPL_LOOP_NEXTITEM))
		json_object_set_nocheck(l, "nextitem", json_array_get(items, i + 1));
	return l;
}

static fl_err exec_for(struct rctx *r, struct frame *f, const struct node *n, fl_buf *out)
{
	json_t *seq;
	fl_err e = tpl_eval(r, f, n->a, &seq);
	if (e)
		return e;
	return run_loop(r, f, n, seq, 1, out);
}

/* The loop of `n` over seq at loop.depth `depth`. */
static fl_err run_loop(struct rctx *r, struct frame *f, const struct node *n, json_t *seq,
		       int depth, fl_buf *out)
{
	fl_err e;
	json_t *items = tv_iter(seq);
	if (!items)
		return tpl_fail(r, n->a, "'%s' object is not iterable", tv_typename(seq));
	struct frame *lf = tpl_frame_for(r, f, n);
	if (n->b) {  /* {% for x in seq if cond %}: loop.* counts kept items only */
		json_t *kept = json_array();
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *v, *it = json_array_get(items, i);
			if ((e = unpack(r, lf, n, n->names, n->nnames, it)) ||
			    (e = tpl_eval(r, lf, n->b, &v)))
				return e;
			if (tv_truthy(v))
				json_array_append(kept, it);
		}
		items = kept;
	}
	struct loopstate *ls = NULL;
	json_t *changed = NULL;
	if (n->op & TPL_FOR_LOOP) {
		ls = fl_arena_calloc(r->a, 1, sizeof *ls);
		*ls = (struct loopstate){r, n, f, depth, r->autoescape, NULL};
		if (n->len & TPL_LOOP_CHANGED)
			changed = fl_tpl_callable(NULL, loop_changed, ls);
	}
	size_t len = json_array_size(items);
	for (size_t i = 0; i < len; i++) {
		if ((n->op & TPL_FOR_ASSIGNS) && lf->vars)  /* each iteration starts afresh */
			json_object_clear(lf->vars);
		if ((e = unpack(r, lf, n, n->names, n->nnames, json_array_get(items, i))))
			return e;
		if (ls) {
			/* `loop` is the slot after the targets (resolve.c) */
			lf->slots[n->nnames] = loop_object(ls, changed, items, i);
		}
		if ((e = tpl_exec(r, lf, &n->list, out)))
			return e;
	}
	if (!len)
		return tpl_exec(r, f, &n->list2, out);
	return FL_OK;
}

/* Apply the filters of {% set x | f %}: the innermost one gets `in`. */
static fl_err apply_filters(struct rctx *r, struct frame *f, const struct node *n, json_t *in,
			    json_t **out)
{
	if (!n) {
		*out = in;
		return FL_OK;
	}
	json_t *v;
	fl_err e = apply_filters(r, f, n->a, in, &v);
	if (e)
		return e;
	/* Evaluate the filter with a constant input standing in for n->a. */
	struct node tmp = *n, cst = {.kind = N_CONST, .value = v, .file = n->file,
				     .line = n->line, .col = n->col};
	tmp.a = &cst;
	return tpl_eval(r, f, &tmp, out);
}

/* The body of a set, filter or … block rendered in a scope of its own
 * (Jinja's buffer), as markup under autoescape, through the filters of
 * `filters` (or NULL). */
static fl_err body_value(struct rctx *r, struct frame *f, const struct node *n,
			 const struct node *filters, json_t **v)
{
	fl_buf b;
	fl_buf_init(&b, r->a);
	fl_err e = tpl_exec(r, f, &n->list, &b);
	if (!e)
		e = apply_filters(r, f, filters, tpl_buf_value(r, &b), v);
	return e;
}

static fl_err exec_set(struct rctx *r, struct frame *f, const struct node *n)
{
	json_t *v;
	fl_err e;
	if (n->a)
		e = tpl_eval(r, f, n->a, &v);
	else
		e = body_value(r, f, n, n->b, &v);
	if (e)
		return e;
	if (n->op & TPL_SET_NS) {  /* {% set ns.attr = v %} */
		int found;
		json_t *ns = tpl_lookup(r, f, n->names[0], &found);
		if (!found)
			ns = tpl_env_global(r->env, n->names[0]);
		if (!tpl_is_namespace(ns))
			return tpl_fail(r, n, "cannot assign attribute on non-namespace object");
		json_object_set_nocheck(ns, n->str, v ? v : r->undef);
		return FL_OK;
	}
	return unpack(r, f, n, n->names, n->nnames, v);
}

/* {% filter f %}…{% endfilter %}: the body through the filters, written
 * as the filters leave it (Jinja does not escape it again). */
static fl_err exec_filterblock(struct rctx *r, struct frame *f, const struct node *n,
			       fl_buf *out)
{
	json_t *v;
	fl_err e = body_value(r, tpl_frame(r, f), n, n->b, &v);
	if (!e && (e = tpl_as_string(r, n, v, &v)) == FL_OK) {
		if (!tv_is_stringish(v))
			return tpl_fail(r, n, "sequence item 0: expected str instance, %s found",
					tv_typename(v));
		tv_str(out, v);
	}
	return e;
}

/* {% autoescape expr %}…{% endautoescape %}: a scope printing with it. */
static fl_err exec_autoescape(struct rctx *r, struct frame *f, const struct node *n,
			      fl_buf *out)
{
	json_t *v;
	fl_err e = tpl_eval(r, f, n->a, &v);
	if (e)
		return e;
	int ae = r->autoescape;
	r->autoescape = tv_truthy(v);
	e = tpl_exec(r, tpl_frame(r, f), &n->list, out);
	r->autoescape = ae;
	return e;
}

static fl_err exec_with(struct rctx *r, struct frame *f, const struct node *n, fl_buf *out)
{
	struct frame *wf = tpl_frame(r, f);
	for (size_t i = 0; i < n->nnames; i++) {
		json_t *v;
		fl_err e = tpl_eval(r, f, n->list2.v[i], &v);
		if (e)
			return e;
		tpl_bind(r, wf, n->names[i], v);
	}
	return tpl_exec(r, wf, &n->list, out);
}

static fl_err exec_extends(struct rctx *r, struct frame *f, const struct node *n)
{
	json_t *name;
	const struct tpl *t;
	if (r->st->parent)
		return tpl_fail(r, n, "extended multiple times");
	fl_err e = tpl_eval(r, f, n->a, &name);
	if (!e)
		e = load(r, n, name, 0, &t);
	if (e)
		return e;
	add_blocks(r, r->st, t);
	self_bind(r, r->st, t);
	r->st->parent = t;
	r->st->extends = n;
	return FL_OK;
}

static fl_err exec_stmt(struct rctx *r, struct frame *f, const struct node *n, fl_buf *out)
{
	json_t *v;
	fl_err e;
	switch (n->kind) {
	case S_PRINT:
		if (n->a->kind == N_CALL) {  /* a macro's output goes straight to out */
			int printed = 0;
			if ((e = tpl_eval_call(r, f, n->a, NULL, out, &printed, &v)) || printed)
				return e;
		} else if ((e = tpl_eval(r, f, n->a, &v))) {
			return e;
		}
		return tpl_print(r, n, v, out);
	case S_IF:
		if ((e = tpl_eval(r, f, n->a, &v)))
			return e;
		return tpl_exec(r, f, tv_truthy(v) ? &n->list : &n->list2, out);
	case S_FOR:
		return exec_for(r, f, n, out);
	case S_SET:
		return exec_set(r, f, n);
	case S_BLOCK:
		return exec_block(r, f, n, out);
	case S_EXTENDS:
		return exec_extends(r, f, n);
	case S_INCLUDE:
		return exec_include(r, f, n, out);
	case S_IMPORT: {
		if ((e = import_module(r, f, n, &v)))
			return e;
		tpl_bind(r, f, n->str, v);
		return FL_OK;
	}
	case S_FROM:
		return exec_from(r, f, n);
	case S_MACRO:
		tpl_bind(r, f, n->str, tpl_new_callable(r, n, f));
		return FL_OK;
	case S_CALLBLOCK: {
		int printed = 0;
		if ((e = tpl_eval_call(r, f, n->a, tpl_new_callable(r, n, f), out, &printed, &v)) ||
		    printed)
			return e;
		return tpl_print(r, n, v, out);
	}
	case S_WITH:
		return exec_with(r, f, n, out);
	case S_FILTERBLOCK:
		return exec_filterblock(r, f, n, out);
	case S_AUTOESCAPE:
		return exec_autoescape(r, f, n, out);
	default:
		return tpl_fail(r, n, "unexpected node");
	}
}

fl_err tpl_exec(struct rctx *r, struct frame *f, const struct nlist *body, fl_buf *out)
{
	/* Text and fused prints ({{ x }}, {{ row.col }}) first, without the
	 * statement switch: a loop body is mostly those.  Between two of
	 * them nothing runs that could change a row, so the row the last
	 * print read stays described by `memo`; any other statement forgets
	 * it. */
	struct tpl_rowmemo memo = {NULL, NULL, NULL};
	for (size_t i = 0; i < body->n; i++) {
		const struct node *n = body->v[i];
		fl_err e = FL_OK;
		if (++r->steps > TPL_MAX_STEPS)
			return tpl_fail(r, n, "template too expensive to render");
		if (n->kind == S_TEXT) {
			tpl_put(out, n->str, n->len);
		} else if (n->kind == S_PRINT && (n->op & TPL_PRINT_NAME)) {
			e = tpl_print_name(r, f, n, &memo, out);
		} else {
			memo.row = NULL;
			e = exec_stmt(r, f, n, out);
		}
		if (e)
			return e;
		if (out->len > TPL_MAX_OUTPUT)
			return tpl_fail(r, n, "template output too large");
	}
	return FL_OK;
}

/* The top level of a template: after {% extends %} nothing is printed
 * (but set/import/macro still run), and the parent renders the page. */
static fl_err exec_top(struct rctx *r, struct frame *f, const struct nlist *body, fl_buf *out)
{
	fl_buf discard;
	fl_buf_init(&discard, r->a);
	for (size_t i = 0; i < body->n; i++) {
		const struct node *n = body->v[i];
		fl_err e;
		if (!r->st->parent) {
			struct nlist one = {&body->v[i], 1};
			e = tpl_exec(r, f, &one, out);
		} else if (n->kind == S_TEXT || n->kind == S_PRINT || n->kind == S_BLOCK) {
			continue;
		} else {
			struct nlist one = {&body->v[i], 1};
			discard.len = 0;
			e = tpl_exec(r, f, &one, &discard);
		}
		if (e)
			return e;
	}
	return FL_OK;
}

fl_err tpl_render_tpl(struct rctx *r, const struct tpl *t, struct frame *frame, fl_buf *out)
{
	/* In the arena: `self` may outlive this call (kept in a namespace). */
	struct tstate *st = fl_arena_calloc(r->a, 1, sizeof *st);
	struct tstate *save = r->st;
	int ae = r->autoescape;
	st->top = frame;
	r->st = st;
	add_blocks(r, st, t);
	self_bind(r, st, t);
	fl_err e = FL_OK;
	for (int level = 0; !e; level++) {
		if (level > TPL_MAX_DEPTH) {
			e = tpl_fail(r, st->extends, "maximum recursion depth exceeded");
			break;
		}
		r->autoescape = t->autoescape;
		e = exec_top(r, frame, &t->body, out);
		if (e || !st->parent)
			break;
		t = st->parent;
		st->parent = NULL;
	}
	r->autoescape = ae;
	r->st = save;
	return e;
}
