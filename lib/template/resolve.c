/* resolve.c — bind names to slots when a template compiles (the part of
 * Jinja's idtracking.py and compiler.py that decides, before rendering,
 * which scope each name belongs to).
 *
 * A for loop, a macro and a call block get a frame with slots: the loop's
 * targets and `loop`; the macro's parameters, varargs, kwargs and caller.
 * A name inside them is bound to its slot when nothing between the use
 * and that scope can bind the same name at render time: no {% set %},
 * target, macro, import or with of that name anywhere in the scopes in
 * between (nor in the binding scope's own body), and no template boundary
 * or unscoped block (which renders in the template's top scope) on the
 * way.  Every other name — the render's context, globals, names an
 * included or extending template shares — stays a lookup by name, as do
 * these when their frame is not on the chain at render time (a block
 * rendered through super()): tpl_lookup_name falls back then.  So a bound
 * name never finds another value than the lookup by name would; it only
 * finds it without hashing, by a pointer compare per frame. */
#include <string.h>

#include "template/internal.h"

/* The names one scope may bind by name at render time. */
typedef FL_VEC(const char *) namevec;

/* A scope that binds more names than this is opaque: every name passing
 * through it stays dynamic.  It bounds the compile time of a pathological
 * template (deep nesting times many names) to a linear walk per scope. */
#define MAX_ASSIGNED 64

struct scope {
	const struct node *binder;   /* S_FOR / S_MACRO / S_CALLBLOCK, or NULL */
	namevec assigned;            /* bound by name anywhere inside (deep) */
	int barrier;                 /* a template's top, an unscoped block */
	const struct scope *up;
};

struct resolver {
	fl_arena *a;                 /* the template's: slot names */
	fl_arena *scratch;           /* the scopes' name lists, freed after */
	namevec names;               /* one pointer per distinct dynamic name */
};

/* Names looked up by name share one pointer per template (the render
 * remembers context lookups by pointer: render.c's lookup_outer); past
 * this many distinct names the rest keep their own, which only costs a
 * lookup more per render. */
#define MAX_INTERNED 256

static int has(const namevec *v, const char *name)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(v->items[i], name))
			return 1;
	return 0;
}

static void add_names(struct resolver *rs, namevec *v, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n && v->len <= MAX_ASSIGNED; i++)
		if (names[i] && !has(v, names[i]))
			*fl_vec_push(rs->scratch, v) = names[i];
}

static void collect(struct resolver *rs, namevec *v, const struct nlist *body);

/* The names statement n and the statements inside it bind by name (more
 * than the scope itself binds is fine: it only keeps more names dynamic). */
static void collect_stmt(struct resolver *rs, namevec *v, const struct node *n)
{
	static const char *loopname = "loop";
	switch (n->kind) {
	case S_SET:
		if (!(n->op & TPL_SET_NS))
			add_names(rs, v, n->names, n->nnames);
		break;
	case S_FOR:
		add_names(rs, v, n->names, n->nnames);
		add_names(rs, v, &loopname, 1);
		break;
	case S_MACRO:
	case S_CALLBLOCK:
		add_names(rs, v, n->slotnames, n->nslots);
		if (n->kind == S_MACRO)
			add_names(rs, v, &n->str, 1);
		break;
	case S_IMPORT:
		add_names(rs, v, &n->str, 1);
		break;
	case S_FROM:
		add_names(rs, v, n->names2, n->nnames);
		break;
	case S_WITH:
		add_names(rs, v, n->names, n->nnames);
		break;
	default:
		break;
	}
	collect(rs, v, &n->list);
	if (n->kind != S_WITH && n->kind != S_MACRO && n->kind != S_CALLBLOCK)
		collect(rs, v, &n->list2);  /* else-bodies (theirs are expressions) */
}

static void collect(struct resolver *rs, namevec *v, const struct nlist *body)
{
	for (size_t i = 0; i < body->n && v->len <= MAX_ASSIGNED; i++)
		if (body->v[i] && body->v[i]->kind >= S_TEXT)
			collect_stmt(rs, v, body->v[i]);
}

/* Give a loop, macro or call block its slot names: the targets or the
 * parameters first (render.c binds them by index), then the rest. */
static void give_slots(struct resolver *rs, struct node *n)
{
	const char *extra[4];
	size_t ne = 0;
	if (n->kind == S_FOR) {
		if (n->op & TPL_FOR_LOOP)
			extra[ne++] = "loop";
	} else {
		if (n->op & TPL_MACRO_VARARGS)
			extra[ne++] = "varargs";
		if (n->op & TPL_MACRO_KWARGS)
			extra[ne++] = "kwargs";
		if (n->op & TPL_MACRO_CALLER)
			extra[ne++] = "caller";
	}
	n->nslots = n->nnames + ne;
	n->slotnames = fl_arena_calloc(rs->a, n->nslots + 1, sizeof *n->slotnames);
	for (size_t i = 0; i < n->nnames; i++)
		n->slotnames[i] = n->names[i];
	for (size_t i = 0; i < ne; i++)
		n->slotnames[n->nnames + i] = extra[i];
	n->slotmask = 0;
	for (size_t i = 0; i < n->nslots; i++)
		n->slotmask |= TPL_INITIAL(n->slotnames[i]);
}

/* Bind N_NAME n to a slot when its scope is certain. */
static void bind_name(struct node *n, const struct scope *s)
{
	for (; s; s = s->up) {
		if (s->binder) {
			const struct node *b = s->binder;
			for (size_t i = b->nslots; i-- > 0;) {  /* the last of a name, as slot_of */
				if (strcmp(b->slotnames[i], n->str))
					continue;
				if (s->assigned.len <= MAX_ASSIGNED && !has(&s->assigned, n->str)) {
					n->scope = b;
					n->slot = i;
				}
				return;
			}
		}
		if (s->barrier || s->assigned.len > MAX_ASSIGNED || has(&s->assigned, n->str))
			return;
	}
}

static void walk_body(struct resolver *rs, const struct nlist *body, const struct scope *s);

static void walk_expr(struct resolver *rs, struct node *n, const struct scope *s)
{
	if (!n)
		return;
	if (n->kind == N_NAME) {
		bind_name(n, s);
		if (!n->scope && rs->names.len < MAX_INTERNED) {
			size_t i = 0;
			while (i < rs->names.len && strcmp(rs->names.items[i], n->str))
				i++;
			if (i == rs->names.len)
				*fl_vec_push(rs->scratch, &rs->names) = n->str;
			n->str = rs->names.items[i];
		}
		return;
	}
	walk_expr(rs, n->a, s);
	walk_expr(rs, n->b, s);
	walk_expr(rs, n->c, s);
	for (size_t i = 0; i < n->list.n; i++)
		walk_expr(rs, n->list.v[i], s);
	for (size_t i = 0; i < n->list2.n; i++)
		walk_expr(rs, n->list2.v[i], s);
}

/* Walk `body` (and the expressions in `exprs`, evaluated in the same
 * scope) in a new scope under `up`. */
static void walk_scope(struct resolver *rs, const struct node *binder, int barrier,
		       const struct nlist *body, struct node *const *exprs, size_t nexprs,
		       const struct nlist *exprlist, const struct scope *up)
{
	struct scope s = {.binder = binder, .barrier = barrier, .up = up};
	collect(rs, &s.assigned, body);
	for (size_t i = 0; i < nexprs; i++)
		walk_expr(rs, exprs[i], &s);
	for (size_t i = 0; exprlist && i < exprlist->n; i++)
		walk_expr(rs, exprlist->v[i], &s);
	walk_body(rs, body, &s);
}

static void walk_stmt(struct resolver *rs, struct node *n, const struct scope *s)
{
	switch (n->kind) {
	case S_FOR:
		walk_expr(rs, n->a, s);                  /* the iterable: outside */
		walk_scope(rs, n, 0, &n->list, &n->b, 1, NULL, s);
		walk_body(rs, &n->list2, s);             /* else: outside */
		return;
	case S_MACRO:
		walk_scope(rs, n, 0, &n->list, NULL, 0, &n->list2, s);  /* defaults inside */
		return;
	case S_CALLBLOCK:
		walk_expr(rs, n->a, s);                  /* the call: outside */
		walk_scope(rs, n, 0, &n->list, NULL, 0, &n->list2, s);
		return;
	case S_WITH: {
		for (size_t i = 0; i < n->list2.n; i++)  /* values: outside */
			walk_expr(rs, n->list2.v[i], s);
		struct scope w = {.up = s};
		add_names(rs, &w.assigned, n->names, n->nnames);
		collect(rs, &w.assigned, &n->list);
		walk_body(rs, &n->list, &w);
		return;
	}
	case S_FILTERBLOCK:
		walk_scope(rs, NULL, 0, &n->list, &n->b, 1, NULL, s);
		return;
	case S_AUTOESCAPE:
		walk_expr(rs, n->a, s);
		walk_scope(rs, NULL, 0, &n->list, NULL, 0, NULL, s);
		return;
	case S_BLOCK:
		/* unscoped: the template's top scope, whatever is around it */
		walk_scope(rs, NULL, !(n->op & TPL_BLOCK_SCOPED), &n->list, NULL, 0, NULL, s);
		return;
	default:
		/* set (its body renders in the same scope), if, print, include,
		 * import, from, extends: expressions and bodies in this scope */
		walk_expr(rs, n->a, s);
		walk_expr(rs, n->b, s);
		walk_expr(rs, n->c, s);
		if (n->kind == S_IF || n->kind == S_SET) {
			walk_body(rs, &n->list, s);
			walk_body(rs, &n->list2, s);
		}
		return;
	}
}

static void walk_body(struct resolver *rs, const struct nlist *body, const struct scope *s)
{
	for (size_t i = 0; i < body->n; i++)
		if (body->v[i])
			walk_stmt(rs, body->v[i], s);
}

/* Slots first, everywhere: a scope's assigned names include the slot
 * names of the macros and call blocks inside it. */
static void give_all_slots(struct resolver *rs, const struct nlist *body)
{
	for (size_t i = 0; i < body->n; i++) {
		struct node *n = body->v[i];
		if (!n || n->kind < S_TEXT)
			continue;
		if (n->kind == S_FOR || n->kind == S_MACRO || n->kind == S_CALLBLOCK)
			give_slots(rs, n);
		give_all_slots(rs, &n->list);
		if (n->kind != S_WITH && n->kind != S_MACRO && n->kind != S_CALLBLOCK)
			give_all_slots(rs, &n->list2);
	}
}

void tpl_scope_resolve(struct tpl *t)
{
	struct resolver rs = {t->arena, fl_arena_new(0), {0}};
	give_all_slots(&rs, &t->body);
	walk_scope(&rs, NULL, 1, &t->body, NULL, 0, NULL, NULL);
	fl_arena_free(rs.scratch);
}
