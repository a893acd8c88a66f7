/* parser.c — tokens → tree (jinja2/parser.py), with Jinja's operator
 * precedence.  A syntax error unwinds with longjmp: every node lives in the
 * template's arena, so there is nothing to free on the way out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template/internal.h"

/* A temporary growable vector of pointers (arena storage); its members are
 * named like struct nlist's, which it becomes, and it grows by base/vec.h's
 * step. */
struct vec {
	void **v;
	size_t n, cap;
};

struct parser {
	struct tpl *t;
	const fl_tpl_env *env;   /* its filters and tests (NULL: built-in ones only) */
	fl_arena *a;
	struct tok *toks;
	size_t n, i;
	fl_tpl_error *err;
	jmp_buf jb;
	int depth;
	int in_macro;
	FL_VEC(struct tpl_blockdef) blocks;  /* the template's blocks */
	struct vec unresolved;              /* filters and tests not known yet */
	/* Jinja's _end_token_stack and _tag_stack, for the messages of an
	 * unknown tag or an unexpected end of template. */
	const char *const *ends[TPL_MAX_PARSE_DEPTH + 2];
	size_t nends;
	const char *tags[TPL_MAX_PARSE_DEPTH + 2];
	size_t ntags;
	int autoescape;                     /* at compile time, for blocks */
	/* Jinja reports a block defined twice after parsing, at the second
	 * definition in document order (its compiler's find_all). */
	struct tok *dup_block;
};

static void vec_push(fl_arena *a, struct vec *vv, void *p)
{
	if (vv->n == vv->cap)
		vv->v = fl_vec_grow(a, vv->v, vv->n, 1, sizeof *vv->v, &vv->cap);
	vv->v[vv->n++] = p;
}

static struct nlist to_nlist(struct vec *vv)
{
	return (struct nlist){(struct node **)vv->v, vv->n};
}

static const char *describe(const struct tok *t)
{
	static const char *const names[] = {
		[T_EOF] = "end of template", [T_DATA] = "template data",
		[T_VAR_BEGIN] = "begin of print statement", [T_VAR_END] = "end of print statement",
		[T_BLOCK_BEGIN] = "begin of statement block", [T_BLOCK_END] = "end of statement block",
		[T_STRING] = "string", [T_INT] = "integer", [T_FLOAT] = "float",
	};
	if (t->type == T_NAME || t->type == T_OP)
		return t->s;
	return names[t->type];
}

static _Noreturn void fail_at(struct parser *p, const struct tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static _Noreturn void fail_at(struct parser *p, const struct tok *t, const char *fmt, ...)
{
	if (p->err) {
		va_list ap;
		snprintf(p->err->file, sizeof p->err->file, "%s", p->t->name);
		p->err->line = t->line;
		p->err->column = t->col;
		va_start(ap, fmt);
		vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
		va_end(ap);
	}
	longjmp(p->jb, 1);
}

static struct tok *cur(struct parser *p)
{
	return &p->toks[p->i];
}

static struct tok *next(struct parser *p)
{
	struct tok *t = &p->toks[p->i];
	if (t->type != T_EOF)
		p->i++;
	return t;
}

static int is_op(const struct tok *t, const char *op)
{
	return t->type == T_OP && strcmp(t->s, op) == 0;
}

static int is_name(const struct tok *t, const char *name)
{
	return t->type == T_NAME && strcmp(t->s, name) == 0;
}

static int skip_op(struct parser *p, const char *op)
{
	if (is_op(cur(p), op)) {
		next(p);
		return 1;
	}
	return 0;
}

static int skip_name(struct parser *p, const char *name)
{
	if (is_name(cur(p), name)) {
		next(p);
		return 1;
	}
	return 0;
}

static _Noreturn void unexpected(struct parser *p, const char *expected)
{
	struct tok *t = cur(p);
	if (t->type == T_EOF)
		fail_at(p, t, "unexpected end of template, expected '%s'", expected);
	fail_at(p, t, "expected token '%s', got '%s'", expected, describe(t));
}

static void expect_op(struct parser *p, const char *op)
{
	if (!skip_op(p, op))
		unexpected(p, op);
}

static const char *expect_name(struct parser *p)
{
	if (cur(p)->type != T_NAME)
		unexpected(p, "name");
	return next(p)->s;
}

static void expect_block_end(struct parser *p)
{
	if (cur(p)->type != T_BLOCK_END)
		unexpected(p, "end of statement block");
	next(p);
}

static struct node *mk(struct parser *p, enum node_kind kind, const struct tok *at)
{
	struct node *n = fl_arena_calloc(p->a, 1, sizeof *n);
	n->kind = kind;
	n->line = at->line;
	n->col = at->col;
	n->file = p->t->name;
	return n;
}

static void enter(struct parser *p)
{
	if (++p->depth > TPL_MAX_PARSE_DEPTH)
		fail_at(p, cur(p), "template nested too deeply");
}

/* ---- expressions ---- */

static struct node *parse_expr(struct parser *p);
static struct node *parse_unary(struct parser *p, int with_filter);
static struct node *parse_or(struct parser *p);
static struct node *parse_call(struct parser *p, struct node *callee, struct tok *t);

static struct node *mk_const(struct parser *p, const struct tok *at, json_t *v)
{
	struct node *n = mk(p, N_CONST, at);
	n->value = v;
	return n;
}

/* "(" args ")" with positional then keyword arguments, into n->list and
 * n->names/n->list2.  The "(" is the current token. */
static void parse_args(struct parser *p, struct node *n)
{
	struct vec args = {0}, kwn = {0}, kwv = {0};
	expect_op(p, "(");
	while (!is_op(cur(p), ")")) {
		if (args.n || kwn.n)
			expect_op(p, ",");
		if (is_op(cur(p), ")"))
			break;  /* trailing comma */
		struct tok *t = cur(p);
		if (is_op(t, "**")) {
			/* f(**mapping): the mapping's items become keyword
			 * arguments; the name "**" marks it for eval_args. */
			next(p);
			vec_push(p->a, &kwn, (void *)"**");
			vec_push(p->a, &kwv, parse_expr(p));
		} else if (t->type == T_NAME && is_op(&p->toks[p->i + 1], "=")) {
			next(p);
			next(p);
			vec_push(p->a, &kwn, (void *)t->s);
			vec_push(p->a, &kwv, parse_expr(p));
		} else {
			if (kwn.n)
				fail_at(p, t, "positional argument follows keyword argument");
			vec_push(p->a, &args, parse_expr(p));
		}
	}
	next(p);
	n->list = to_nlist(&args);
	n->list2 = to_nlist(&kwv);
	n->names = (const char **)kwn.v;
	n->nnames = kwn.n;
}

/* Comma-separated expressions up to `close`; the opener was consumed. */
static struct nlist parse_items(struct parser *p, const char *close, int *had_comma)
{
	struct vec items = {0};
	*had_comma = 0;
	while (!is_op(cur(p), close)) {
		if (items.n) {
			expect_op(p, ",");
			*had_comma = 1;
			if (is_op(cur(p), close))
				break;
		}
		vec_push(p->a, &items, parse_expr(p));
	}
	next(p);
	return to_nlist(&items);
}

static struct node *parse_primary(struct parser *p)
{
	struct tok *t = cur(p);
	enter(p);
	struct node *n;
	if (t->type == T_NAME) {
		next(p);
		const char *s = t->s;
		if (!strcmp(s, "true") || !strcmp(s, "True"))
			n = mk_const(p, t, json_true());
		else if (!strcmp(s, "false") || !strcmp(s, "False"))
			n = mk_const(p, t, json_false());
		else if (!strcmp(s, "none") || !strcmp(s, "None"))
			n = mk_const(p, t, json_null());
		else {
			n = mk(p, N_NAME, t);
			n->str = s;
			if (!strcmp(s, "self"))
				p->t->uses_self = 1;
		}
	} else if (t->type == T_STRING) {
		/* Adjacent string literals concatenate, as in Python. */
		fl_buf b;
		fl_buf_init(&b, p->a);
		while (cur(p)->type == T_STRING) {
			fl_buf_append(&b, cur(p)->s, cur(p)->len);
			next(p);
		}
		n = mk_const(p, t, json_stringn_nocheck(b.data ? b.data : "", b.len));
	} else if (t->type == T_INT) {
		next(p);
		n = mk_const(p, t, json_integer(t->ival));
	} else if (t->type == T_FLOAT) {
		next(p);
		n = mk_const(p, t, json_real(t->fval));
	} else if (is_op(t, "(")) {
		next(p);
		int comma;
		struct nlist items = parse_items(p, ")", &comma);
		if (items.n == 1 && !comma) {
			n = items.v[0];
		} else {
			/* A tuple: lists stand in for tuples. */
			n = mk(p, N_LIST, t);
			n->list = items;
		}
	} else if (is_op(t, "[")) {
		next(p);
		int comma;
		n = mk(p, N_LIST, t);
		n->list = parse_items(p, "]", &comma);
	} else if (is_op(t, "{")) {
		next(p);
		struct vec keys = {0}, vals = {0};
		n = mk(p, N_DICT, t);
		while (!is_op(cur(p), "}")) {
			if (keys.n) {
				expect_op(p, ",");
				if (is_op(cur(p), "}"))
					break;
			}
			vec_push(p->a, &keys, parse_expr(p));
			expect_op(p, ":");
			vec_push(p->a, &vals, parse_expr(p));
		}
		next(p);
		n->list = to_nlist(&keys);
		n->list2 = to_nlist(&vals);
	} else if (t->type == T_EOF) {
		fail_at(p, t, "unexpected end of template");
	} else {
		fail_at(p, t, "unexpected '%s'", describe(t));
	}
	p->depth--;
	return n;
}

/* a[...] after the "[": an index or a slice a[start:stop:step]. */
static struct node *parse_subscript(struct parser *p, struct node *obj, struct tok *at)
{
	struct node *parts[3] = {NULL, NULL, NULL};
	int k = 0, slice = 0;
	for (;;) {
		if (!is_op(cur(p), ":") && !is_op(cur(p), "]"))
			parts[k] = parse_expr(p);
		if (is_op(cur(p), ":") && k < 2) {
			next(p);
			slice = 1;
			k++;
			continue;
		}
		break;
	}
	expect_op(p, "]");
	if (!slice) {
		if (!parts[0])
			fail_at(p, at, "expected subscript expression");
		struct node *n = mk(p, N_GETITEM, at);
		n->a = obj;
		n->b = parts[0];
		return n;
	}
	struct node *n = mk(p, N_SLICE, at);
	n->a = obj;
	struct node **pv = fl_arena_calloc(p->a, 3, sizeof *pv);
	memcpy(pv, parts, sizeof parts);
	n->list = (struct nlist){pv, 3};
	return n;
}

static struct node *parse_postfix(struct parser *p, struct node *n)
{
	for (;;) {
		struct tok *t = cur(p);
		if (is_op(t, ".")) {
			next(p);
			struct tok *a = cur(p);
			if (a->type == T_NAME) {
				next(p);
				struct node *g = mk(p, N_GETATTR, a);
				g->a = n;
				g->str = a->s;
				n = g;
			} else if (a->type == T_INT) {
				next(p);
				struct node *g = mk(p, N_GETITEM, a);
				g->a = n;
				g->b = mk_const(p, a, json_integer(a->ival));
				n = g;
			} else {
				unexpected(p, "name");
			}
		} else if (is_op(t, "[")) {
			next(p);
			n = parse_subscript(p, n, t);
		} else if (is_op(t, "(")) {
			n = parse_call(p, n, t);
		} else {
			return n;
		}
	}
}

/* A call site may keep its result (struct tpl_call_memo) when it calls a
 * plain name with literals only: nothing in it changes between renders
 * but what the name is, which expr.c checks on each. */
static struct tpl_call_memo *call_memo(struct parser *p, const struct node *c)
{
	if (c->a->kind != N_NAME)
		return NULL;
	for (size_t i = 0; i < c->list.n; i++)
		if (c->list.v[i]->kind != N_CONST)
			return NULL;
	for (size_t i = 0; i < c->nnames; i++)
		if (c->list2.v[i]->kind != N_CONST || !strcmp(c->names[i], "**"))
			return NULL;
	struct tpl_call_memo *m = fl_arena_calloc(p->a, 1, sizeof *m);
	m->arena = p->a;
	return m;
}

/* `callee` "(" args ")", the "(" at `t`. */
static struct node *parse_call(struct parser *p, struct node *callee, struct tok *t)
{
	struct node *c = mk(p, N_CALL, t);
	c->a = callee;
	c->line = callee->line;  /* errors point at what is called */
	c->col = callee->col;
	parse_args(p, c);
	c->memo = call_memo(p, c);
	return c;
}

static struct node *parse_filter(struct parser *p, struct node *in)
{
	struct tok *t = cur(p);
	const char *name = expect_name(p);
	while (is_op(cur(p), ".")) {  /* dotted filter names */
		next(p);
		name = fl_arena_printf(p->a, "%s.%s", name, expect_name(p));
	}
	struct node *n = mk(p, N_FILTER, t);
	n->a = in;
	n->str = name;
	n->user = p->env ? tpl_user_find(&p->env->filters, name) : NULL;
	n->filter = n->user ? NULL : tpl_find_filter(name);
	if (!n->filter && !n->user)
		vec_push(p->a, &p->unresolved, n);
	if (is_op(cur(p), "("))
		parse_args(p, n);
	return n;
}

static struct node *parse_test(struct parser *p, struct node *in, struct tok *is)
{
	int negated = skip_name(p, "not");
	struct tok *t = cur(p);
	const char *name;
	/* Tests may be named by operator words ("is ==") or by keywords. */
	if (t->type == T_OP && (is_op(t, "==") || is_op(t, "!=") || is_op(t, "<") || is_op(t, "<=") ||
				is_op(t, ">") || is_op(t, ">="))) {
		name = next(p)->s;
	} else if (t->type == T_NAME) {
		name = next(p)->s;
	} else {
		unexpected(p, "name");
	}
	struct node *n = mk(p, N_TEST, t);
	n->a = in;
	n->str = name;
	n->op = negated;
	n->user = p->env ? tpl_user_find(&p->env->tests, name) : NULL;
	n->test = n->user ? NULL : tpl_find_test(name);
	if (!n->test && !n->user)
		vec_push(p->a, &p->unresolved, n);
	struct tok *c = cur(p);
	if (is_op(c, "(")) {
		parse_args(p, n);
	} else if ((c->type == T_NAME || c->type == T_STRING || c->type == T_INT ||
		    c->type == T_FLOAT || is_op(c, "[") || is_op(c, "{")) &&
		   !is_name(c, "else") && !is_name(c, "or") && !is_name(c, "and")) {
		if (is_name(c, "is"))
			fail_at(p, c, "You cannot chain multiple tests with is");
		struct node **v = fl_arena_alloc(p->a, sizeof *v);
		v[0] = parse_postfix(p, parse_primary(p));
		n->list = (struct nlist){v, 1};
	}
	(void)is;
	return n;
}

static struct node *parse_filter_expr(struct parser *p, struct node *n)
{
	for (;;) {
		struct tok *t = cur(p);
		if (is_op(t, "|")) {
			next(p);
			n = parse_filter(p, n);
		} else if (is_name(t, "is")) {
			next(p);
			n = parse_test(p, n, t);
		} else if (is_op(t, "(")) {
			n = parse_call(p, n, t);
		} else {
			return n;
		}
	}
}

static struct node *parse_unary(struct parser *p, int with_filter)
{
	struct tok *t = cur(p);
	struct node *n;
	enter(p);
	if (is_op(t, "-") || is_op(t, "+")) {
		next(p);
		n = mk(p, is_op(t, "-") ? N_NEG : N_POS, t);
		n->a = parse_unary(p, 0);
	} else {
		n = parse_postfix(p, parse_primary(p));
	}
	if (with_filter)
		n = parse_filter_expr(p, n);
	p->depth--;
	return n;
}

static struct node *binop(struct parser *p, struct tok *t, int op, struct node *l, struct node *r)
{
	struct node *n = mk(p, N_BIN, t);
	n->op = op;
	n->a = l;
	n->b = r;
	return n;
}

static struct node *parse_pow(struct parser *p)
{
	struct node *n = parse_unary(p, 1);
	while (is_op(cur(p), "**")) {
		struct tok *t = next(p);
		n = binop(p, t, OP_POW, n, parse_unary(p, 1));
	}
	return n;
}

static struct node *parse_math2(struct parser *p)
{
	struct node *n = parse_pow(p);
	for (;;) {
		struct tok *t = cur(p);
		int op = is_op(t, "*") ? OP_MUL : is_op(t, "/") ? OP_DIV : is_op(t, "//") ? OP_FLOORDIV
			: is_op(t, "%") ? OP_MOD : -1;
		if (op < 0)
			return n;
		next(p);
		n = binop(p, t, op, n, parse_pow(p));
	}
}

static struct node *parse_concat(struct parser *p)
{
	struct node *n = parse_math2(p);
	while (is_op(cur(p), "~")) {
		struct tok *t = next(p);
		n = binop(p, t, OP_CONCAT, n, parse_math2(p));
	}
	return n;
}

static struct node *parse_math1(struct parser *p)
{
	struct node *n = parse_concat(p);
	for (;;) {
		struct tok *t = cur(p);
		int op = is_op(t, "+") ? OP_ADD : is_op(t, "-") ? OP_SUB : -1;
		if (op < 0)
			return n;
		next(p);
		n = binop(p, t, op, n, parse_concat(p));
	}
}

static struct node *parse_compare(struct parser *p)
{
	struct tok *start = cur(p);
	struct node *first = parse_math1(p);
	struct vec operands = {0};
	int ops[64];
	for (;;) {
		struct tok *t = cur(p);
		int op = is_op(t, "==") ? OP_EQ : is_op(t, "!=") ? OP_NE : is_op(t, "<") ? OP_LT
			: is_op(t, "<=") ? OP_LE : is_op(t, ">") ? OP_GT : is_op(t, ">=") ? OP_GE
			: is_name(t, "in") ? OP_IN : -1;
		if (op < 0 && is_name(t, "not") && is_name(&p->toks[p->i + 1], "in")) {
			next(p);
			op = OP_NOTIN;
		}
		if (op < 0)
			break;
		if (operands.n == 64)
			fail_at(p, t, "too many comparisons");
		next(p);
		ops[operands.n] = op;
		vec_push(p->a, &operands, parse_math1(p));
	}
	if (!operands.n)
		return first;
	struct node *n = mk(p, N_CMP, start);
	n->a = first;
	n->list = to_nlist(&operands);
	n->ops = fl_arena_memdup(p->a, ops, operands.n * sizeof *ops);
	return n;
}

static struct node *parse_not(struct parser *p)
{
	struct tok *t = cur(p);
	if (is_name(t, "not")) {
		next(p);
		enter(p);
		struct node *n = mk(p, N_NOT, t);
		n->a = parse_not(p);
		p->depth--;
		return n;
	}
	return parse_compare(p);
}

static struct node *parse_and(struct parser *p)
{
	struct node *n = parse_not(p);
	while (is_name(cur(p), "and")) {
		struct tok *t = next(p);
		struct node *m = mk(p, N_AND, t);
		m->a = n;
		m->b = parse_not(p);
		n = m;
	}
	return n;
}

static struct node *parse_or(struct parser *p)
{
	struct node *n = parse_and(p);
	while (is_name(cur(p), "or")) {
		struct tok *t = next(p);
		struct node *m = mk(p, N_OR, t);
		m->a = n;
		m->b = parse_and(p);
		n = m;
	}
	return n;
}

static struct node *parse_expr(struct parser *p)
{
	enter(p);
	struct node *n = parse_or(p);
	while (is_name(cur(p), "if")) {
		struct tok *t = next(p);
		struct node *c = mk(p, N_COND, t);
		c->b = n;
		c->a = parse_or(p);
		if (skip_name(p, "else"))
			c->c = parse_expr(p);
		n = c;
	}
	p->depth--;
	return n;
}

/* ---- statements ---- */

static struct nlist parse_body(struct parser *p, const char *const *ends, const char **which);
static _Noreturn void fail_unknown_tag(struct parser *p, const struct tok *t, const char *name);

/* Macro / call-block parameter list "(a, b=1)"; the "(" is current. */
static void parse_params(struct parser *p, struct node *n)
{
	struct vec names = {0}, defs = {0};
	int seen_default = 0;
	expect_op(p, "(");
	while (!is_op(cur(p), ")")) {
		if (names.n)
			expect_op(p, ",");
		if (is_op(cur(p), ")"))
			break;
		struct tok *t = cur(p);
		vec_push(p->a, &names, (void *)expect_name(p));
		if (skip_op(p, "=")) {
			vec_push(p->a, &defs, parse_expr(p));
			seen_default = 1;
		} else {
			if (seen_default)
				fail_at(p, t, "non-default argument follows default argument");
			vec_push(p->a, &defs, NULL);
		}
	}
	next(p);
	n->names = (const char **)names.v;
	n->nnames = names.n;
	n->list2 = to_nlist(&defs);
}

static const char *const END_IF[] = {"elif", "else", "endif", NULL};
static const char *const END_FOR[] = {"endfor", "else", NULL};
static const char *const END_ENDFOR[] = {"endfor", NULL};

static struct node *parse_if(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_IF, t);
	n->a = parse_expr(p);
	expect_block_end(p);
	const char *which;
	n->list = parse_body(p, END_IF, &which);
	if (!strcmp(which, "elif")) {
		struct tok *et = &p->toks[p->i - 1];
		struct node **v = fl_arena_alloc(p->a, sizeof *v);
		v[0] = parse_if(p, et);  /* consumes through endif */
		n->list2 = (struct nlist){v, 1};
		return n;
	}
	if (!strcmp(which, "else")) {
		static const char *const END[] = {"endif", NULL};
		expect_block_end(p);
		n->list2 = parse_body(p, END, &which);
	}
	expect_block_end(p);
	return n;
}

static unsigned loop_uses(const struct node *n);

/* Does the tree mention the name `name` (a macro's caller, varargs,
 * kwargs: Jinja's find_undeclared)? */
static int mentions(const struct node *n, const char *name)
{
	if (!n)
		return 0;
	if (n->kind == N_NAME && !strcmp(n->str, name))
		return 1;
	if (mentions(n->a, name) || mentions(n->b, name) || mentions(n->c, name))
		return 1;
	for (size_t i = 0; i < n->list.n; i++)
		if (mentions(n->list.v[i], name))
			return 1;
	for (size_t i = 0; i < n->list2.n; i++)
		if (mentions(n->list2.v[i], name))
			return 1;
	return 0;
}

/* The TPL_MACRO_* flags of a macro or call block's body. */
static int macro_flags(const struct node *n)
{
	static const struct { const char *name; int flag; } special[] = {
		{"caller", TPL_MACRO_CALLER}, {"varargs", TPL_MACRO_VARARGS},
		{"kwargs", TPL_MACRO_KWARGS},
	};
	int flags = 0;
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < n->list.n; i++)
			if (mentions(n->list.v[i], special[k].name)) {
				flags |= special[k].flag;
				break;
			}
	return flags;
}

static unsigned list_loop_uses(const struct nlist *l)
{
	unsigned m = 0;
	for (size_t i = 0; i < l->n && m != TPL_LOOP_ALL; i++)
		m |= loop_uses(l->v[i]);
	return m;
}

/* The bit of loop.<name> (loop.cycle() reads index0), 0 for a name the
 * loop object does not have. */
static unsigned loop_attr_bit(const char *name)
{
	static const struct { const char *name; unsigned bit; } attrs[] = {
		{"index", TPL_LOOP_INDEX}, {"index0", TPL_LOOP_INDEX0},
		{"revindex", TPL_LOOP_REVINDEX}, {"revindex0", TPL_LOOP_REVINDEX0},
		{"first", TPL_LOOP_FIRST}, {"last", TPL_LOOP_LAST}, {"length", TPL_LOOP_LENGTH},
		{"depth", TPL_LOOP_DEPTH}, {"depth0", TPL_LOOP_DEPTH0},
		{"changed", TPL_LOOP_CHANGED}, {"previtem", TPL_LOOP_PREVITEM},
		{"nextitem", TPL_LOOP_NEXTITEM}, {"cycle", TPL_LOOP_INDEX0},
	};
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (!strcmp(attrs[i].name, name))
			return attrs[i].bit;
	return 0;
}

/* Which attributes of `loop` does the tree read (TPL_LOOP_* bits)?  The
 * for-loop builds its `loop` object per iteration with only those (none:
 * no object at all).  Nested loops' uses count too (a superset is
 * harmless). */
static unsigned loop_uses(const struct node *n)
{
	if (!n)
		return 0;
	if (n->kind == N_GETATTR && n->a && n->a->kind == N_NAME && !strcmp(n->a->str, "loop"))
		return loop_attr_bit(n->str);
	if (n->kind == N_NAME && !strcmp(n->str, "loop"))
		return TPL_LOOP_ALL;
	/* includes see the loop's scope too */
	if (n->kind == S_INCLUDE)
		return TPL_LOOP_ALL;
	return loop_uses(n->a) | loop_uses(n->b) | loop_uses(n->c) | list_loop_uses(&n->list) |
	       list_loop_uses(&n->list2);
}

/* Does a loop body bind names in the loop's own scope (set, macro,
 * import)?  Jinja starts each iteration without them. */
static int assigns(const struct nlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct node *n = l->v[i];
		switch (n->kind) {
		case S_SET:
			if (!(n->op & TPL_SET_NS))
				return 1;
			break;
		case S_MACRO:
		case S_IMPORT:
		case S_FROM:
			return 1;
		case S_IF:
			if (assigns(&n->list) || assigns(&n->list2))
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static struct node *parse_for(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_FOR, t);
	struct vec names = {0};
	do {
		vec_push(p->a, &names, (void *)expect_name(p));
	} while (skip_op(p, ",") && names.n < 8);
	n->names = (const char **)names.v;
	n->nnames = names.n;
	if (!skip_name(p, "in"))
		unexpected(p, "in");
	n->a = parse_or(p);  /* no conditional expression: "if" filters items */
	if (skip_name(p, "if"))
		n->b = parse_expr(p);
	int recursive = skip_name(p, "recursive");
	expect_block_end(p);
	const char *which;
	n->list = parse_body(p, END_FOR, &which);
	if (!strcmp(which, "else")) {
		expect_block_end(p);
		n->list2 = parse_body(p, END_ENDFOR, &which);
	}
	expect_block_end(p);
	n->len = list_loop_uses(&n->list) | loop_uses(n->b);
	n->op = (n->len ? TPL_FOR_LOOP : 0) |
		(assigns(&n->list) ? TPL_FOR_ASSIGNS : 0) | (recursive ? TPL_FOR_RECURSIVE : 0);
	return n;
}

static struct node *parse_set(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_SET, t);
	struct vec names = {0};
	do {
		vec_push(p->a, &names, (void *)expect_name(p));
		if (names.n == 1 && skip_op(p, ".")) {  /* {% set ns.attr = … %} */
			n->str = expect_name(p);
			n->op = TPL_SET_NS;
			break;
		}
	} while (skip_op(p, ","));
	n->names = (const char **)names.v;
	n->nnames = names.n;
	if (skip_op(p, "=")) {
		n->a = parse_expr(p);
		if (is_op(cur(p), ",")) {  /* set a, b = 1, 2 */
			struct node *l = mk(p, N_LIST, t);
			struct vec items = {0};
			vec_push(p->a, &items, n->a);
			while (skip_op(p, ","))
				vec_push(p->a, &items, parse_expr(p));
			l->list = to_nlist(&items);
			n->a = l;
		}
		expect_block_end(p);
		return n;
	}
	if (names.n != 1)
		unexpected(p, "=");
	/* {% set x %}…{% endset %}, optionally filtered: {% set x | upper %} */
	struct node *in = NULL;
	while (skip_op(p, "|"))
		in = parse_filter(p, in);
	n->b = in;
	expect_block_end(p);
	static const char *const END[] = {"endset", NULL};
	const char *which;
	n->list = parse_body(p, END, &which);
	expect_block_end(p);
	return n;
}

/* Register block `n` when its tag opens (document order); the first
 * name seen twice is reported once the whole template parsed. */
static void add_block(struct parser *p, struct tok *t, const char *name, const struct node *n)
{
	for (size_t i = 0; i < p->blocks.len; i++)
		if (!strcmp(p->blocks.items[i].name, name) && !p->dup_block)
			p->dup_block = t;
	*fl_vec_push(p->a, &p->blocks) = (struct tpl_blockdef){name, n};
}

static struct node *parse_block(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_BLOCK, t);
	struct tok *nt = cur(p);
	n->str = expect_name(p);
	add_block(p, nt, n->str, n);
	n->op = (skip_name(p, "scoped") ? TPL_BLOCK_SCOPED : 0);
	n->op |= (skip_name(p, "required") ? TPL_BLOCK_REQUIRED : 0);
	n->op |= p->autoescape ? TPL_BLOCK_AUTOESCAPE : 0;
	if (is_op(cur(p), "-"))
		fail_at(p, cur(p), "Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.");
	expect_block_end(p);
	static const char *const END[] = {"endblock", NULL};
	const char *which;
	n->list = parse_body(p, END, &which);
	n->op |= assigns(&n->list) ? TPL_BLOCK_ASSIGNS : 0;
	for (size_t i = 0; (n->op & TPL_BLOCK_REQUIRED) && i < n->list.n; i++) {
		const struct node *b = n->list.v[i];
		for (size_t k = 0; b->kind == S_TEXT && k < b->len; k++)
			if (!strchr(" \t\n\r\f\v", b->str[k]))
				fail_at(p, t, "Required blocks can only contain comments or whitespace");
		if (b->kind != S_TEXT)
			fail_at(p, t, "Required blocks can only contain comments or whitespace");
	}
	if (cur(p)->type == T_NAME) {
		struct tok *et = cur(p);
		if (strcmp(expect_name(p), n->str))
			fail_at(p, et, "mismatching name '%s' in endblock, expected '%s'", et->s, n->str);
	}
	expect_block_end(p);
	return n;
}

/* "with context" / "without context": `with_default` when absent. */
static int context_clause(struct parser *p, int with_default)
{
	if ((is_name(cur(p), "with") || is_name(cur(p), "without")) &&
	    is_name(&p->toks[p->i + 1], "context")) {
		int with = is_name(cur(p), "with");
		next(p);
		next(p);
		return with;
	}
	return with_default;
}

static struct node *parse_include(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_INCLUDE, t);
	n->a = parse_expr(p);
	if (is_name(cur(p), "ignore") && is_name(&p->toks[p->i + 1], "missing")) {
		next(p);
		next(p);
		n->op = TPL_INCLUDE_MISSING;
	}
	if (!context_clause(p, 1))
		n->op |= TPL_NO_CONTEXT;
	expect_block_end(p);
	return n;
}

static struct node *parse_import(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_IMPORT, t);
	n->a = parse_expr(p);
	if (!skip_name(p, "as"))
		unexpected(p, "as");
	n->str = expect_name(p);
	n->op = context_clause(p, 0) ? TPL_WITH_CONTEXT : 0;
	expect_block_end(p);
	return n;
}

static struct node *parse_from(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_FROM, t);
	struct vec names = {0}, aliases = {0};
	n->a = parse_expr(p);
	if (!skip_name(p, "import"))
		unexpected(p, "import");
	for (;;) {
		if (names.n && !skip_op(p, ","))
			break;
		if (is_name(cur(p), "with") || is_name(cur(p), "without") || cur(p)->type != T_NAME)
			break;
		struct tok *nt = cur(p);
		const char *name = expect_name(p);
		if (name[0] == '_')  /* Jinja's parse_from */
			fail_at(p, nt, "names starting with an underline can not be imported");
		const char *alias = name;
		if (skip_name(p, "as"))
			alias = expect_name(p);
		vec_push(p->a, &names, (void *)name);
		vec_push(p->a, &aliases, (void *)alias);
	}
	if (!names.n)
		unexpected(p, "name");
	n->names = (const char **)names.v;
	n->names2 = (const char **)aliases.v;
	n->nnames = names.n;
	n->op = context_clause(p, 0) ? TPL_WITH_CONTEXT : 0;
	expect_block_end(p);
	return n;
}

static struct node *parse_macro(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_MACRO, t);
	n->str = expect_name(p);
	parse_params(p, n);
	expect_block_end(p);
	static const char *const END[] = {"endmacro", NULL};
	const char *which;
	p->in_macro++;
	n->list = parse_body(p, END, &which);
	p->in_macro--;
	skip_name(p, n->str);
	expect_block_end(p);
	n->op = macro_flags(n);
	return n;
}

static struct node *parse_callblock(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_CALLBLOCK, t);
	if (is_op(cur(p), "("))
		parse_params(p, n);
	struct tok *ct = cur(p);
	n->a = parse_expr(p);
	if (n->a->kind != N_CALL)
		fail_at(p, ct, "expected call");
	expect_block_end(p);
	static const char *const END[] = {"endcall", NULL};
	const char *which;
	n->list = parse_body(p, END, &which);
	expect_block_end(p);
	n->op = macro_flags(n);
	return n;
}

static struct node *parse_with(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_WITH, t);
	struct vec names = {0}, vals = {0};
	while (cur(p)->type != T_BLOCK_END) {
		if (names.n)
			expect_op(p, ",");
		vec_push(p->a, &names, (void *)expect_name(p));
		expect_op(p, "=");
		vec_push(p->a, &vals, parse_expr(p));
	}
	next(p);
	n->names = (const char **)names.v;
	n->nnames = names.n;
	n->list2 = to_nlist(&vals);
	static const char *const END[] = {"endwith", NULL};
	const char *which;
	n->list = parse_body(p, END, &which);
	expect_block_end(p);
	return n;
}

/* {% filter f(args)|g %}…{% endfilter %}: the chain in n->b (innermost
 * filter's input NULL, as {% set x | f %}), the body in n->list. */
static struct node *parse_filterblock(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_FILTERBLOCK, t);
	n->b = parse_filter(p, NULL);
	while (skip_op(p, "|"))
		n->b = parse_filter(p, n->b);
	expect_block_end(p);
	static const char *const END[] = {"endfilter", NULL};
	const char *which;
	n->list = parse_body(p, END, &which);
	expect_block_end(p);
	return n;
}

/* {% autoescape expr %}…{% endautoescape %}: a scope of its own. */
static struct node *parse_autoescape(struct parser *p, struct tok *t)
{
	struct node *n = mk(p, S_AUTOESCAPE, t);
	n->a = parse_expr(p);
	expect_block_end(p);
	int save = p->autoescape;
	if (n->a->kind == N_CONST)
		p->autoescape = tv_truthy(n->a->value);
	static const char *const END[] = {"endautoescape", NULL};
	const char *which;
	n->list = parse_body(p, END, &which);
	p->autoescape = save;
	expect_block_end(p);
	return n;
}

static struct node *parse_statement(struct parser *p)
{
	struct tok *t = cur(p);
	if (t->type != T_NAME)
		fail_at(p, t, "tag name expected");
	const char *w = t->s;
	next(p);
	enter(p);
	p->tags[p->ntags++] = w;
	struct node *n;
	if (!strcmp(w, "if"))
		n = parse_if(p, t);
	else if (!strcmp(w, "for"))
		n = parse_for(p, t);
	else if (!strcmp(w, "set"))
		n = parse_set(p, t);
	else if (!strcmp(w, "block"))
		n = parse_block(p, t);
	else if (!strcmp(w, "extends")) {
		n = mk(p, S_EXTENDS, t);
		n->a = parse_expr(p);
		expect_block_end(p);
	} else if (!strcmp(w, "include"))
		n = parse_include(p, t);
	else if (!strcmp(w, "import"))
		n = parse_import(p, t);
	else if (!strcmp(w, "from"))
		n = parse_from(p, t);
	else if (!strcmp(w, "macro"))
		n = parse_macro(p, t);
	else if (!strcmp(w, "call"))
		n = parse_callblock(p, t);
	else if (!strcmp(w, "with"))
		n = parse_with(p, t);
	else if (!strcmp(w, "filter"))
		n = parse_filterblock(p, t);
	else if (!strcmp(w, "autoescape"))
		n = parse_autoescape(p, t);
	else {
		p->ntags--;
		fail_unknown_tag(p, t, w);
	}
	p->ntags--;
	p->depth--;
	return n;
}

/* Jinja's _fail_ut_eof: "Encountered unknown tag 'x'." (or "Unexpected
 * end of template." when name is NULL), what the innermost open tag was
 * looking for, and that tag. */
static _Noreturn void fail_unknown_tag(struct parser *p, const struct tok *t, const char *name)
{
	char msg[256];
	size_t n = 0;
#define ADD(...) (n += (size_t)snprintf(msg + n, n < sizeof msg ? sizeof msg - n : 0, __VA_ARGS__))
	if (name)
		ADD("Encountered unknown tag '%s'.", name);
	else
		ADD("Unexpected end of template.");
	if (p->nends) {
		int expected = 0;
		for (size_t i = 0; name && i < p->nends; i++)
			for (const char *const *e = p->ends[i]; *e; e++)
				expected |= !strcmp(*e, name);
		ADD(expected ? " You probably made a nesting mistake. Jinja is expecting this tag,"
			       " but currently looking for "
			     : " Jinja was looking for the following tags: ");
		for (const char *const *e = p->ends[p->nends - 1]; *e; e++)
			ADD("%s'%s'", e == p->ends[p->nends - 1] ? "" : " or ", *e);
		ADD(".");
	}
	if (p->ntags)
		ADD(" The innermost block that needs to be closed is '%s'.", p->tags[p->ntags - 1]);
#undef ADD
	fail_at(p, t, "%s", msg);
}

/* Statements until one of `ends` (NULL: end of template).  Leaves the
 * parser after the end tag's name and sets *which to it. */
static struct nlist parse_body(struct parser *p, const char *const *ends, const char **which)
{
	struct vec body = {0};
	if (ends)
		p->ends[p->nends++] = ends;
	for (;;) {
		struct tok *t = cur(p);
		if (t->type == T_EOF) {
			if (ends)
				fail_unknown_tag(p, t, NULL);
			break;
		}
		next(p);
		if (t->type == T_DATA) {
			struct node *n = mk(p, S_TEXT, t);
			n->str = t->s;
			n->len = t->len;
			vec_push(p->a, &body, n);
		} else if (t->type == T_VAR_BEGIN) {
			struct node *n = mk(p, S_PRINT, t);
			n->a = parse_expr(p);
			if (cur(p)->type != T_VAR_END)
				unexpected(p, "end of print statement");
			next(p);
			vec_push(p->a, &body, n);
		} else if (t->type == T_BLOCK_BEGIN) {
			struct tok *w = cur(p);
			for (size_t i = 0; ends && ends[i]; i++) {
				if (is_name(w, ends[i])) {
					next(p);
					*which = ends[i];
					p->nends--;
					return to_nlist(&body);
				}
			}
			vec_push(p->a, &body, parse_statement(p));
		} else {
			fail_at(p, t, "unexpected '%s'", describe(t));
		}
	}
	return to_nlist(&body);
}

fl_err tpl_resolve(const fl_tpl_env *env, struct tpl *t, fl_tpl_error *err)
{
	for (size_t i = 0; i < t->nunresolved; i++) {
		struct node *n = t->unresolved[i];
		int filter = n->kind == N_FILTER;
		n->user = tpl_user_find(filter ? &env->filters : &env->tests, n->str);
		if (n->user)
			continue;
		if (filter ? (n->filter = tpl_find_filter(n->str)) != NULL
			   : (n->test = tpl_find_test(n->str)) != NULL)
			continue;
		if (err) {
			snprintf(err->file, sizeof err->file, "%s", n->file);
			err->line = n->line;
			err->column = n->col;
			snprintf(err->message, sizeof err->message, "No %s named '%.200s'.",
				 filter ? "filter" : "test", n->str);
		}
		return FL_ETEMPLATE;
	}
	t->nunresolved = 0;
	return FL_OK;
}

fl_err tpl_parse(struct tpl *t, const fl_tpl_env *env, const char *src, size_t len,
		 fl_tpl_error *err)
{
	struct parser *p = calloc(1, sizeof *p);
	if (!p)
		return FL_ENOMEM;
	p->t = t;
	p->env = env;
	p->a = t->arena;
	p->err = err;
	p->autoescape = t->autoescape;
	/* The tokens are only needed while parsing: they get an arena of their
	 * own, freed below, while the strings and nodes stay in the template's. */
	fl_arena *scratch = fl_arena_new(0);
	tpl_toks toks = {0};
	fl_err e = tpl_lex(t->name, src, len, t->arena, scratch, &toks, err);
	if (e) {
		fl_arena_free(scratch);
		free(p);
		return e;
	}
	p->toks = toks.items;
	p->n = toks.len;
	if (setjmp(p->jb)) {
		e = FL_ETEMPLATE;
	} else {
		const char *which = NULL;
		t->body = parse_body(p, NULL, &which);
		if (p->dup_block)
			fail_at(p, p->dup_block, "block '%s' defined twice", p->dup_block->s);
		t->blocks = p->blocks.items;
		t->nblocks = p->blocks.len;
		t->unresolved = (struct node **)p->unresolved.v;
		t->nunresolved = p->unresolved.n;
	}
	fl_arena_free(scratch);
	free(p);
	return e;
}
