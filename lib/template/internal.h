/* internal.h — types shared by the template engine's files (lexer, parser,
 * render, value helpers, filters, environment).  Not a public header. */
#ifndef FL_TEMPLATE_INTERNAL_H
#define FL_TEMPLATE_INTERNAL_H

#include <jansson.h>
#include <locale.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/utf8.h"
#include "base/vec.h"
#include "template/template.h"

/* Deepest nesting of include / macro / extends / import / super calls, and
 * of parenthesised expressions and statements while parsing. */
#define TPL_MAX_DEPTH 64
#define TPL_MAX_PARSE_DEPTH 200
/* A render that evaluates more nodes than this is stopped: a template must
 * not be able to spin a FastCGI worker forever. */
#define TPL_MAX_STEPS 20000000UL
/* Largest string a template expression may build ("x" * n, range(n)). */
#define TPL_MAX_BUILD (1u << 24)

/* ---- tokens ---- */
enum tok_type {
	T_EOF, T_DATA, T_VAR_BEGIN, T_VAR_END, T_BLOCK_BEGIN, T_BLOCK_END,
	T_NAME, T_STRING, T_INT, T_FLOAT, T_OP
};

struct tok {
	enum tok_type type;
	int line, col;
	const char *s;      /* data, name, decoded string or operator text */
	size_t len;
	long long ival;
	double fval;
};

/* The tokens of one template, in order: a vector (base/vec.h). */
typedef FL_VEC(struct tok) tpl_toks;

/* tpl_lex — split `src` (len bytes, newlines already normalised) into
 * tokens appended to *toks (empty on entry), ending in T_EOF.  The vector
 * grows in `scratch`, an arena the caller frees once the tokens are parsed;
 * the tokens' strings live in `a`, since the tree keeps pointing at them.
 * Returns FL_ETEMPLATE with err filled on a lexical error (then toks->len
 * is 0). */
fl_err tpl_lex(const char *file, const char *src, size_t len, fl_arena *a,
	       fl_arena *scratch, tpl_toks *toks, fl_tpl_error *err);

/* ---- tree ---- */
enum node_kind {
	/* expressions */
	N_CONST, N_NAME, N_GETATTR, N_GETITEM, N_SLICE, N_BIN, N_AND, N_OR,
	N_NOT, N_NEG, N_POS, N_CMP, N_COND, N_CALL, N_FILTER, N_TEST, N_LIST,
	N_DICT,
	/* statements */
	S_TEXT, S_PRINT, S_IF, S_FOR, S_SET, S_BLOCK, S_EXTENDS, S_INCLUDE,
	S_IMPORT, S_FROM, S_MACRO, S_CALLBLOCK, S_WITH,
	/* tags and scoping */
	S_FILTERBLOCK, S_AUTOESCAPE
};

/* binary and comparison operators */
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_CONCAT,
       OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN };

struct rctx;
struct node;

struct nlist {
	struct node **v;
	size_t n;
};

/* A filter: `v` is the input (NULL = undefined); positional args and
 * keyword args as evaluated; *out receives the result (NULL = undefined). */
typedef fl_err (*tpl_filter_fn)(struct rctx *r, const struct node *n, json_t *v,
				json_t **args, size_t nargs, const char **kwn,
				json_t **kwv, size_t nkw, json_t **out);
typedef fl_err (*tpl_test_fn)(struct rctx *r, const struct node *n, json_t *v,
			      json_t **args, size_t nargs, int *result);

/* objects: 1 when the filter takes a callable object (fl_tpl_callable,
 * a WTForms field) as it is; 0 (rows without it) when it sees the
 * object's string, its call with no arguments. */
struct tpl_filter { const char *name; tpl_filter_fn fn; int objects; };
struct tpl_test { const char *name; tpl_test_fn fn; };

/* A filter or test the application registered (fl_tpl_env_add_filter /
 * fl_tpl_env_add_test).  Each is its own heap allocation that lives as long
 * as the env, so compiled nodes can point at it; registering the same name
 * again replaces `fn` in place, which every compiled template then sees. */
struct tpl_user {
	char *name;
	fl_tpl_function fn;
};

/* The application's filters or tests of an env, in registration order. */
struct tpl_users {
	struct tpl_user **v;
	size_t n, cap;
};

/* One struct for every node kind; the comment on each field says which kinds
 * use it.  All of it lives in the owning template's arena. */
struct node {
	enum node_kind kind;
	int line, col;
	const char *file;        /* template name, for error messages */
	int op;                  /* N_BIN/N_CMP operator; S_FOR: body uses `loop`;
				    N_TEST: negated; S_INCLUDE: ignore missing */
	struct node *a, *b, *c;  /* operands / condition / iterable / callee */
	struct nlist list;       /* args, items, body, dict keys, compared operands */
	struct nlist list2;      /* kwarg values, else-body, dict values, defaults */
	const char **names;      /* kwarg names, for targets, macro params, from-import names */
	const char **names2;     /* from-import aliases */
	size_t nnames;
	int *ops;                /* N_CMP: one operator per operand in list */
	const char *str;         /* name, attribute, text, filter/test name */
	size_t len;              /* S_TEXT: bytes in str; S_FOR: the loop.*
				    attributes the body reads (TPL_LOOP_* bits) */
	json_t *value;           /* N_CONST */
	const struct tpl_filter *filter;
	const struct tpl_test *test;
	const struct tpl_user *user;  /* N_FILTER/N_TEST: the application's (filter/test NULL) */
	/* Names resolved when the template compiles (resolve.c).  N_NAME:
	 * `scope` is the S_FOR, S_MACRO or S_CALLBLOCK whose frame holds the
	 * name in slots[slot] (NULL: looked up by name at render time).
	 * S_FOR / S_MACRO / S_CALLBLOCK: the names their frame keeps in slots
	 * (targets and `loop`; parameters, varargs, kwargs, caller), and the
	 * TPL_INITIAL bits of those names. */
	const struct node *scope;
	size_t slot;
	const char **slotnames;
	size_t nslots;
	unsigned slotmask;
	/* N_CALL of a plain name with literal arguments only: the result
	 * kept for the call site (expr.c), else NULL. */
	struct tpl_call_memo *memo;
};

/* A call site's kept result.  The parser makes one, in the template's
 * arena, for each call of a plain name whose arguments are all literals
 * (url_for('main.index'), url_for('static', filename='x.css')); the first
 * render in which the name is an env function with a stamp
 * (fl_tpl_env_memo_function) that keeps the call fills it, and later
 * renders answer from it while the name is still that function and its
 * stamp for the render is the same string: no argument evaluated, no
 * packing, no call.  Filled once (a different stamp later just calls the
 * function), so the template's arena does not grow with renders; freed
 * with the template. */
struct tpl_call_memo {
	fl_arena *arena;         /* the template's */
	const json_t *handle;    /* the function's handle; NULL: not filled */
	fl_tpl_function fn;      /* and its C function when filled */
	size_t idx;              /* its index in env->funcs */
	const char *stamp;       /* the stamp it was filled under */
	json_t *value;           /* a scalar (string, number, bool, none) */
};

struct tpl_blockdef {
	const char *name;
	const struct node *node;
};

/* A compiled template (per process, owned by the env). */
struct tpl {
	char *name;
	fl_arena *arena;          /* nodes, strings and constant values */
	struct nlist body;
	struct tpl_blockdef *blocks;
	size_t nblocks;
	struct timespec mtime;
	off_t size;
	int in_memory;            /* from fl_tpl_env_add_source: never reloaded */
	struct tpl *next;
	/* Filters and tests (N_FILTER/N_TEST nodes) no env knew when it was
	 * compiled: resolved by tpl_resolve before the template renders. */
	struct node **unresolved;
	size_t nunresolved;
	/* Tags and scoping: autoescape chosen by the name when compiled, as
	 * Flask 2.2's select_jinja_autoescape (.html .htm .xml .xhtml and
	 * "<string>" on, anything else off). */
	int autoescape;
	int uses_self;            /* mentions `self`: bound to its blocks */
	size_t out_hint;          /* bytes its last render wrote (at most
				     TPL_MAX_HINT): the next one reserves that */
};

/* The largest output buffer a render reserves ahead (struct tpl's
 * out_hint): beyond it the buffer grows as it is written. */
#define TPL_MAX_HINT (4u << 20)

/* tpl_parse — build the tree of `t` (t->arena set) from `src`.  Filters and
 * tests are resolved here — the env's own first (they shadow the built-in
 * ones, as in Jinja), then the built-in ones; one no one knows yet goes to
 * t->unresolved, for tpl_resolve. */
fl_err tpl_parse(struct tpl *t, const fl_tpl_env *env, const char *src, size_t len,
		 fl_tpl_error *err);

/* tpl_scope_resolve — the resolver pass after parsing (resolve.c): give
 * each loop, macro and call block its slots and bind each name to the
 * slot of the scope that binds it where Jinja's scoping rules make that
 * binding certain (no assignment to the name in between, no block, no
 * template boundary); every other name stays a lookup by name.  Nodes and
 * names go to t->arena. */
void tpl_scope_resolve(struct tpl *t);

/* tpl_fold — constant folding after the resolver (fold.c): {{ "literal" }}
 * and {{ 42 }} become text (escaped as the autoescape where they print
 * is known at compile time), and adjacent texts merge into one run. */
void tpl_fold(struct tpl *t);

/* ---- environment ---- */
/* A global: a function (fn set; handle = tpl_callable_new(TPL_FUNC,
 * index)) or a value (fn NULL; handle = the env's copy of the value).
 * Handles live in the env's `values` arena: a render may keep references
 * to them in its own (arena) containers, so they are never freed one by
 * one, only with the env. */
struct tpl_func {
	char *name;
	fl_tpl_function fn;
	json_t *handle;
	fl_tpl_memo_stamp stamp;  /* fl_tpl_env_memo_function's, else NULL */
};

/* A template held in memory (fl_tpl_env_add_source), heap-owned. */
struct tpl_source {
	char *name;
	char *src;
	size_t len;
};

struct fl_tpl_env {
	char **dirs;             /* the search path, in order (Jinja's searchpath) */
	size_t ndirs;
	struct tpl_source *sources;  /* searched after every directory */
	size_t nsources;
	int auto_reload;
	struct tpl *cache;
	struct tpl *retired;     /* replaced by auto_reload, freed between renders */
	struct tpl_func *funcs;
	size_t nfuncs, capfuncs;
	fl_arena *values;        /* the globals' handles and values */
	struct tpl_users filters, tests;  /* the application's */
	locale_t utf8;           /* for Unicode case mapping; (locale_t)0 if none */
	int rendering;           /* nesting of fl_tpl_render calls */
};

/* tpl_env_get — the compiled template `name`, loading/compiling it on first
 * use (or when changed and auto_reload is on).  FL_EINVAL for a bad name,
 * FL_ENOTFOUND when missing, FL_ETEMPLATE for syntax errors (err filled). */
fl_err tpl_env_get(fl_tpl_env *env, const char *name, struct tpl **out, fl_tpl_error *err);

/* tpl_env_load — tpl_env_get, then tpl_resolve: the template as a render
 * needs it (an unknown filter or test is then a compile error). */
fl_err tpl_env_load(fl_tpl_env *env, const char *name, struct tpl **out, fl_tpl_error *err);

/* tpl_resolve — resolve t's unresolved filters and tests against env (the
 * env's, then the built-in ones); FL_ETEMPLATE with err naming the first
 * one that still does not exist ("No filter named 'x'.", Jinja's compile
 * error, at its line and column). */
fl_err tpl_resolve(const fl_tpl_env *env, struct tpl *t, fl_tpl_error *err);

/* tpl_compile — compile `src` under `name` into a new heap template, with
 * the filters and tests of `env`. */
fl_err tpl_compile(const fl_tpl_env *env, const char *name, const char *src, size_t len,
		   struct tpl **out, fl_tpl_error *err);

/* tpl_env_global — the global `name` of the env (a function's handle or a
 * value), or NULL. */
json_t *tpl_env_global(const fl_tpl_env *env, const char *name);

/* tpl_user_find — the application's filter or test called `name`, or NULL. */
const struct tpl_user *tpl_user_find(const struct tpl_users *list, const char *name);
void tpl_free(struct tpl *t);

/* ---- rendering ---- */
struct frame {
	json_t *vars;                /* names bound by name; NULL while none is */
	struct frame *parent;
	/* A loop's, macro's or call block's frame: `owner` is its node and
	 * slots[i] the value of owner->slotnames[i] (NULL: not bound yet,
	 * r->undef: bound to undefined).  NULL/0 for other frames. */
	const struct node *owner;
	json_t **slots;
	/* When `known`: a bit per initial letter (c & 31) of every name the
	 * frame ever held, so that a lookup of a name with another initial —
	 * and any lookup in a frame still empty — passes it without hashing.
	 * Every frame the engine makes keeps it (tpl_frame, tpl_bind,
	 * tpl_frame_set); the render's globals get it when the render starts;
	 * the caller's context frame is not known. */
	unsigned initials;
	int known;
};

/* The bit of `name` in struct frame's initials. */
#define TPL_INITIAL(name) (1u << ((unsigned char)(name)[0] & 31))

struct callable {
	const struct node *node;     /* S_MACRO or S_CALLBLOCK */
	struct frame *closure;
	json_t *caller;              /* S_CALLBLOCK given to this call, or NULL */
	/* Tags and scoping: autoescape where the macro was defined (its body
	 * prints with it). */
	int autoescape;
};

struct tstate;

/* Entries of a render's cache of names found past its own frames (in
 * the context or the render's globals; render.c's lookup_outer). */
#define TPL_OUTER_CACHE 32
struct tpl_outer {
	const char *name;    /* the node's name pointer; NULL: empty */
	json_t *value;
	int found;
};

struct fl_row_shape;

/* Entries of a render's cache of column indexes (rows.c's
 * tpl_row_attr_memo): within one render neither a template's names nor a
 * result's shapes are freed, so a (shape, name pointer) pair found once
 * keeps its index all render long. */
#define TPL_COLUMN_CACHE 16
struct tpl_column {
	const struct fl_row_shape *shape;  /* NULL: empty */
	const char *name;
	int index;                         /* -1: no such column */
};

struct rctx {
	fl_tpl_env *env;
	struct tstate *st;           /* the template invocation being rendered */
	json_t *undef;               /* marks a name bound to undefined in a frame */
	void *ud;
	fl_arena *a;
	fl_tpl_error *err;
	struct frame root;           /* vars = the caller's context */
	FL_VEC(struct callable) calls; /* macros made callable; a value holds an index */
	int depth;
	unsigned long steps;
	/* Tags and scoping: the autoescape in force (Jinja's eval_ctx): set by
	 * each template, block and macro body and by {% autoescape %}. */
	int autoescape;
	/* Render globals (fl_tpl_render_ex): the frame under root, and the
	 * scope of templates imported or included without context (vars NULL
	 * when the render has none). */
	struct frame globals;
	/* The arguments of a C function call (expr.c's call_packed): one
	 * array and one object reused call after call, emptied after each;
	 * `packing` counts the calls using them now (a nested call makes its
	 * own). */
	json_t *pack_args, *pack_kwargs;
	int packing;
	struct tpl_outer outer[TPL_OUTER_CACHE];
	struct tpl_column columns[TPL_COLUMN_CACHE];
};

/* tpl_markup_n — a markup value holding n bytes of html (value.c, the one
 * place that writes the mark; see fl_markup). */
json_t *tpl_markup_n(const char *html, size_t n);

/* tpl_fail — fill r->err (file/line/column of `n`) and return FL_ETEMPLATE. */
fl_err tpl_fail(struct rctx *r, const struct node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* tpl_render_tpl — render `t` into `out` with `frame` as its top-level scope. */
fl_err tpl_render_tpl(struct rctx *r, const struct tpl *t, struct frame *frame, fl_buf *out);

/* Scope helpers (render.c).  Frames and their objects come from r->a. */
struct frame *tpl_frame(struct rctx *r, struct frame *parent);
/* tpl_frame_for — a frame whose slots are those of `owner` (S_FOR,
 * S_MACRO, S_CALLBLOCK), all unbound. */
struct frame *tpl_frame_for(struct rctx *r, struct frame *parent, const struct node *owner);
/* tpl_lookup_name — the value of N_NAME `n` in f: its slot when the
 * resolver bound it and the slot is bound, else tpl_lookup by name. */
json_t *tpl_lookup_name(struct rctx *r, struct frame *f, const struct node *n, int *found);
/* tpl_lookup — the value bound to name (NULL: undefined); *found says
 * whether any frame binds it.  `name` must be a compiled node's string:
 * what the context answers is remembered by that pointer for the render. */
json_t *tpl_lookup(struct rctx *r, struct frame *f, const char *name, int *found);
void tpl_bind(struct rctx *r, struct frame *f, const char *name, json_t *v);
/* tpl_frame_set — bind `name` in f to v itself (a new reference; NULL is
 * not allowed), keeping f's initials. */
void tpl_frame_set(struct frame *f, const char *name, json_t *v);
/* tpl_exec — run statements, appending output to out. */
fl_err tpl_exec(struct rctx *r, struct frame *f, const struct nlist *body, fl_buf *out);
/* tpl_eval — evaluate an expression; *out NULL means undefined (expr.c). */
fl_err tpl_eval(struct rctx *r, struct frame *f, const struct node *n, json_t **out);

/* tpl_name_value — the value of N_NAME `n` in f (NULL: undefined), as
 * tpl_eval gives it: a loop's or macro's slot found by walking to its
 * scope inline (the common case, no call), else tpl_lookup_name, else
 * the env's global of that name. */
static inline json_t *tpl_name_value(struct rctx *r, struct frame *f, const struct node *n)
{
	json_t *v = NULL;
	int found;
	if (n->scope)
		for (struct frame *g = f; g; g = g->parent)
			if (g->owner == n->scope) {
				v = g->slots[n->slot];
				break;
			}
	if (v)
		return v == r->undef ? NULL : v;
	v = tpl_lookup_name(r, f, n, &found);
	return found ? v : tpl_env_global(r->env, n->str);
}

/* tpl_eval_call — evaluate an N_CALL; `caller` (or NULL) is bound as
 * `caller` in a called macro ({% call %}).  With `into` (a statement
 * printing the call): a macro renders straight into it and *printed is
 * set (*out NULL), since {{ macro() }} prints its output as it is; any
 * other callee gives its value in *out with *printed left 0. */
fl_err tpl_eval_call(struct rctx *r, struct frame *f, const struct node *n, json_t *caller,
		     fl_buf *into, int *printed, json_t **out);
/* tpl_new_callable — a handle (tpl_callable_new(TPL_MACRO, i)) for a macro or call block. */
json_t *tpl_new_callable(struct rctx *r, const struct node *def, struct frame *closure);
/* tpl_invoke_index — call the macro whose handle has index `idx`
 * (tpl_callable_kind said TPL_MACRO) with evaluated arguments; *out its
 * output as markup (a string when the caller does not autoescape), or,
 * with `into` non-NULL, the output appended to `into` and *out NULL. */
fl_err tpl_invoke_index(struct rctx *r, const struct node *at, json_int_t idx, json_t **args,
			size_t nargs, const char **kwn, json_t **kwv, size_t nkw, json_t *caller,
			fl_buf *into, json_t **out);
/* tpl_super — render the parent of the block being rendered (markup). */
fl_err tpl_super(struct rctx *r, const struct node *at, json_t **out);
/* ---- printing (print.c) ---- */
/* What an object last read by attribute is (rows.c's tpl_row_attr_memo):
 * `row` (NULL: nothing known), its cells and shape when it is a compact
 * row (cells NULL: a plain object).  Valid only while no code runs that
 * could change the row: the caller forgets it (row = NULL) then. */
struct tpl_rowmemo {
	const json_t *row;
	json_t **cells;
	struct fl_row_shape *shape;
};

/* tpl_row_attr_memo — tpl_row_attr(obj, name) (obj an object), telling
 * whether obj is a compact row once per object (the next attribute of
 * the same object skips that look) and finding a column's index once per
 * render (r->columns) (rows.c). */
json_t *tpl_row_attr_memo(struct rctx *r, struct tpl_rowmemo *m, const json_t *obj,
			  const char *name);

/* tpl_put — fl_buf_append with the common case inline: when the buffer
 * has room (a render reserves its last output size ahead), a memcpy and
 * no call.  Every text run and printed value goes through it. */
static inline void tpl_put(fl_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len > n) {  /* cap 0 (no storage yet) never passes */
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else {
		fl_buf_append(b, s, n);
	}
}

/* tpl_write — print v into out the way {{ v }} does (escaped unless markup). */
void tpl_write(fl_buf *out, const json_t *v);
/* TPL_PRINT_NAME — S_PRINT's op bit (fold.c): its expression is a name or
 * a name's attribute (tpl_print_fusable), printed by tpl_print_name. */
#define TPL_PRINT_NAME 1
/* tpl_print_fusable — whether expression x is N_NAME or N_GETATTR of an
 * N_NAME, which tpl_print_name prints without tpl_eval. */
int tpl_print_fusable(const struct node *x);
/* tpl_print_name — run S_PRINT `n` whose expression is fusable: evaluate
 * it as tpl_eval does (name by slot or by name, then the attribute: a
 * compact row's cell, a member, a macro's attribute) and print it as
 * tpl_print does, in one call; the same output and errors. */
fl_err tpl_print_name(struct rctx *r, struct frame *f, const struct node *n,
		      struct tpl_rowmemo *memo, fl_buf *out);
/* tpl_print — {{ v }}: a callable object (fl_tpl_callable) is called with
 * no arguments first (WTForms' Field.__html__), then tpl_write. */
fl_err tpl_print(struct rctx *r, const struct node *n, json_t *v, fl_buf *out);
/* tpl_call_object — call callable object `obj` (fl_tpl_callable) with
 * `args` (array) and `kwargs` (object); *out its result. */
fl_err tpl_call_object(struct rctx *r, const struct node *n, json_t *obj, json_t *args,
		       json_t *kwargs, json_t **out);
/* tpl_as_string — v itself, or for a callable object the result of
 * calling it with no arguments (what str()/escape() of a WTForms field
 * gives). */
fl_err tpl_as_string(struct rctx *r, const struct node *n, json_t *v, json_t **out);

/* ---- values (value.c) ---- */
int tv_truthy(const json_t *v);
/* tv_str — Python's str() of v appended to b (markup: its html). */
void tv_str(fl_buf *b, const json_t *v);
/* tv_cstr — str(v) as an arena string; *len gets its length. */
const char *tv_cstr(fl_arena *a, const json_t *v, size_t *len);
void tv_repr(fl_buf *b, const json_t *v);
/* tv_float — repr(d) (Python's str of a float) appended to b: a short
 * path for values of up to 15 significant digits, fl_float_repr for the
 * rest, the same bytes (floatfmt.c). */
void tv_float(fl_buf *b, double d);
const char *tv_typename(const json_t *v);
int tv_eq(const json_t *x, const json_t *y);
/* tv_cmp — order x and y (*res <0, 0, >0); -1 when Python would raise. */
int tv_cmp(const json_t *x, const json_t *y, int *res);
int tv_is_number(const json_t *v);       /* int, real or bool */
double tv_number(const json_t *v);
/* What a callable value is: a macro (index into the render's macro table),
 * a global function (index into the env's function table), or a callable
 * object (fl_tpl_callable: attributes plus a C function). */
enum tpl_callable { TPL_MACRO, TPL_FUNC, TPL_OBJECT };

/* tpl_callable_new — the value that stands for callable `index` of `kind`
 * (TPL_MACRO or TPL_FUNC; value.c); a key data cannot carry marks it, as
 * for markup. */
json_t *tpl_callable_new(enum tpl_callable kind, size_t index);

/* tpl_callable_kind — the kind of callable `v` is (and for a macro or a
 * function its index in *index, may be NULL), or -1 when v is not one
 * (data, markup, a dict). */
int tpl_callable_kind(const json_t *v, json_int_t *index);

/* tpl_callable_target — the function and user data of callable object `v`
 * (TPL_OBJECT); 0 when v is none. */
int tpl_callable_target(const json_t *v, fl_tpl_function *fn, void **ud);

/* tv_add_members — add the members of dict `attrs` (anything else adds
 * none) to object `o`, each with a new reference, leaving out the
 * engine's hidden marks (tv_hidden_key). */
void tv_add_members(json_t *o, const json_t *attrs);

/* tv_like — the bytes of b as a value of in's kind: markup when `in` is
 * markup (markupsafe's methods return Markup), else a string. */
json_t *tv_like(const json_t *in, const fl_buf *b);

/* tv_casemap — str(v) (undefined: "") with its case mapped as u8_case's
 * `mode`, markup when v is: the lower/upper/title/capitalize filters and
 * str methods. */
json_t *tv_casemap(fl_arena *a, locale_t loc, const json_t *v, int mode);

/* tv_seq_items — the items of a sequence object (fl_tpl_sequence), or
 * NULL when v is not one.  O(1): its first member. */
json_t *tv_seq_items(const json_t *v);

/* tv_hidden_key — 1 for a member key that begins with a NUL byte: the
 * engine's own marks (markup, callables), which iteration, len(), items()
 * and printing skip. */
int tv_hidden_key(const char *key, size_t len);

/* tv_html — markup's html string, or NULL when v is not markup. */
const char *tv_html(const json_t *v, size_t *len);
int tv_is_stringish(const json_t *v);    /* string or markup */
/* tv_len — Python len(); -1 when v has no length. */
long long tv_len(const json_t *v);
/* tv_items — an array of [key, value] pairs of an object, in insertion order. */
json_t *tv_items(json_t *obj);
/* tv_iter — a JSON array to iterate over (list; object keys; string chars;
 * undefined → empty), or NULL when v is not iterable. */
json_t *tv_iter(json_t *v);

/* UTF-8: the byte offset of code point `i` (counts: fl_utf8_count). */
size_t u8_offset(const char *s, size_t n, size_t i);
/* u8_case — map case of s: mode 'l' lower, 'u' upper, 't' title, 'c' capitalize. */
void u8_case(fl_buf *b, locale_t loc, const char *s, size_t n, int mode);

/* ---- filters and tests (filters.c) ---- */
const struct tpl_filter *tpl_find_filter(const char *name);
const struct tpl_test *tpl_find_test(const char *name);
/* tpl_pyformat — Python's `fmt % args` (args: array) or `% kwargs`
 * (object); escape_args: the format string is markup. */
fl_err tpl_pyformat(struct rctx *r, const struct node *n, fl_buf *out, const char *fmt,
		    size_t fmtlen, json_t *args, json_t *kwargs, int escape_args);

/* ---- tags and scoping (render.c, globals.c) ---- */
/* Flag bits of node->op for the tags below. */
#define TPL_FOR_LOOP 1        /* S_FOR: the body or the filter uses `loop` */
#define TPL_FOR_ASSIGNS 2     /* S_FOR: the body assigns (set/import/macro) */
#define TPL_FOR_RECURSIVE 4   /* S_FOR: {% for … recursive %} */
/* Bits of an S_FOR node's len: the attributes of `loop` its body reads, so
 * that each iteration's loop object holds only those (TPL_LOOP_ALL when
 * `loop` is used otherwise than as loop.name: passed, printed, called). */
enum {
	TPL_LOOP_INDEX = 1 << 0, TPL_LOOP_INDEX0 = 1 << 1, TPL_LOOP_REVINDEX = 1 << 2,
	TPL_LOOP_REVINDEX0 = 1 << 3, TPL_LOOP_FIRST = 1 << 4, TPL_LOOP_LAST = 1 << 5,
	TPL_LOOP_LENGTH = 1 << 6, TPL_LOOP_DEPTH = 1 << 7, TPL_LOOP_DEPTH0 = 1 << 8,
	TPL_LOOP_CHANGED = 1 << 9, TPL_LOOP_PREVITEM = 1 << 10, TPL_LOOP_NEXTITEM = 1 << 11,
	TPL_LOOP_ALL = (1 << 12) - 1
};
#define TPL_BLOCK_SCOPED 1    /* S_BLOCK: {% block x scoped %} */
#define TPL_BLOCK_REQUIRED 2  /* S_BLOCK: {% block x required %} */
#define TPL_BLOCK_AUTOESCAPE 4 /* S_BLOCK: its template prints escaped */
#define TPL_BLOCK_ASSIGNS 8   /* S_BLOCK: the body assigns (gets a scope) */
#define TPL_SET_NS 1          /* S_SET: {% set ns.attr = … %} (names[0], str) */
#define TPL_MACRO_CALLER 1    /* S_MACRO/S_CALLBLOCK: the body mentions caller */
#define TPL_MACRO_VARARGS 2   /* … varargs: extra positional arguments allowed */
#define TPL_MACRO_KWARGS 4    /* … kwargs: extra keyword arguments allowed */
#define TPL_INCLUDE_MISSING 1 /* S_INCLUDE: ignore missing */
#define TPL_NO_CONTEXT 2      /* S_INCLUDE: without context */
#define TPL_WITH_CONTEXT 4    /* S_IMPORT/S_FROM: with context */

/* tpl_globals_frame — the scope a template imported or included without
 * context starts from: the render's globals (fl_tpl_render_ex), or NULL
 * (the env's globals only) (render.c). */
struct frame *tpl_globals_frame(struct rctx *r);

/* tpl_macro_attr — attribute `name` of macro handle `fn` (Jinja 3.1's
 * Macro: name, arguments as a tuple, catch_varargs, catch_kwargs,
 * caller), or NULL when fn is no macro or has no such attribute
 * (render.c). */
json_t *tpl_macro_attr(struct rctx *r, const json_t *fn, const char *name);

/* tpl_buf_value — the output of a block body as a value: markup when
 * autoescape is on (Jinja's Markup(concat(buf))), else a plain string. */
json_t *tpl_buf_value(struct rctx *r, const fl_buf *b);

/* tpl_globals_add — register namespace(), cycler() and joiner() (Jinja's
 * DEFAULT_NAMESPACE but lipsum) in env (globals.c). */
void tpl_globals_add(fl_tpl_env *env);

/* tpl_is_namespace — 1 if v was made by namespace() (globals.c): the only
 * object `{% set v.attr = … %}` may assign to. */
int tpl_is_namespace(const json_t *v);

/* ---- sequence filters, calling filters and tests by name (filters_seq.c) ---- */
/* tpl_bind_params — map a filter's positional and keyword arguments onto
 * its parameters (NULL-terminated names, after the input value); slots[i]
 * stays NULL when not given, and when given as undefined unless
 * undefined_is_none (then it is json null); a render error for too many,
 * unknown or repeated arguments (filters.c). */
fl_err tpl_bind_params(struct rctx *r, const struct node *n, const char *const *params,
		       json_t **args, size_t nargs, const char **kwn, json_t **kwv, size_t nkw,
		       json_t **slots, int undefined_is_none);

/* TPL_NOARGS() — in a filter's body: fail when it was given arguments. */
#define TPL_NOARGS() \
	if (nargs || nkw) \
		return tpl_fail(r, n, "filter '%s' takes no arguments", n->str)

/* TPL_BIND(undefined_is_none, "name", …) — in a filter's body: bind its
 * arguments into `json_t *p[]`, one slot per name (tpl_bind_params), or
 * return the error. */
#define TPL_BIND(undefined_is_none, ...) \
	static const char *const params[] = {__VA_ARGS__, NULL}; \
	json_t *p[sizeof params / sizeof params[0]]; \
	fl_err be = tpl_bind_params(r, n, params, args, nargs, kwn, kwv, nkw, p, \
				    undefined_is_none); \
	if (be) \
		return be

/* A filter or a test found by name at render time: the application's
 * (user) or a built-in one (filter / test), and `at`, the calling node
 * renamed after it for error messages. */
struct tpl_named {
	const struct tpl_user *user;
	const struct tpl_filter *filter;
	const struct tpl_test *test;
	struct node at;
};

/* tpl_find_named_filter / _test — the filter or test called `name` (a
 * string value): the application's first, then the built-in one, as at
 * compile time; "No filter named 'x'." / "No test named 'x'." (a render
 * error at n) when there is none.  Look up once, apply per item. */
fl_err tpl_find_named_filter(struct rctx *r, const struct node *n, json_t *name,
			     struct tpl_named *out);
fl_err tpl_find_named_test(struct rctx *r, const struct node *n, json_t *name,
			   struct tpl_named *out);
/* tpl_apply_filter — Environment.call_filter: f applied to v with args and
 * keyword args; *out the result (NULL = undefined). */
fl_err tpl_apply_filter(struct rctx *r, const struct tpl_named *f, json_t *v, json_t **args,
			size_t nargs, const char **kwn, json_t **kwv, size_t nkw, json_t **out);
/* tpl_apply_test — Environment.call_test: *res the truth of test t on v
 * (a built-in test takes no keyword arguments). */
fl_err tpl_apply_test(struct rctx *r, const struct tpl_named *t, json_t *v, json_t **args,
		      size_t nargs, const char **kwn, json_t **kwv, size_t nkw, int *res);

/* tpl_is_mapping — Jinja's `mapping` test: a dict, not markup, a
 * callable or a named tuple (fl_tpl_sequence). */
int tpl_is_mapping(const json_t *v);

/* ---- compact rows (rows.c, base/row.h) ---- */
/* tpl_row_attr — obj.name for an object: a compact row's cell by column
 * index (the index remembered per shape and `name` pointer: pass a stable
 * string, a node's), else the member.  Borrowed; NULL when absent. */
json_t *tpl_row_attr(const json_t *obj, const char *name);
/* tpl_row_item — obj[key] for an object and a string key (any pointer):
 * as tpl_row_attr without the memo. */
json_t *tpl_row_item(const json_t *obj, const char *key);
/* tpl_row_plain — `v` itself, a compact row first turned into a plain
 * object in place (once per row) for the code that walks objects. */
json_t *tpl_row_plain(const json_t *v);

/* ---- lazy objects (lazy.c, fl_tpl_lazy) ---- */
/* tpl_lazy_get — member `name` of lazy object obj made by its function
 * and kept (borrowed), or NULL (not lazy, or no such member). */
json_t *tpl_lazy_get(const json_t *obj, const char *name);
/* tpl_lazy_whole — `v` itself, a lazy object first filled with all its
 * members in place (once), for the code that walks objects. */
json_t *tpl_lazy_whole(const json_t *v);
/* tpl_whole — `v` as a plain dict for code that walks it: a compact row
 * made plain (tpl_row_plain), a lazy object filled (tpl_lazy_whole). */
static inline json_t *tpl_whole(const json_t *v)
{
	if (!json_is_object(v))  /* most values: no call */
		return (json_t *)v;
	return tpl_lazy_whole(tpl_row_plain(v));
}
/* tpl_member — obj[name] for an object: a compact row's cell, a member,
 * or a lazy object's member made now; borrowed, NULL when absent. */
static inline json_t *tpl_member(const json_t *obj, const char *name)
{
	json_t *v = tpl_row_item(obj, name);
	return v ? v : tpl_lazy_get(obj, name);
}

/* tpl_attr_value — obj.name as tpl_eval's N_GETATTR gives it (NULL:
 * undefined): for an object, a compact row's cell or a member (through
 * `memo` when not NULL: tpl_row_attr_memo), else a macro's attribute;
 * nothing for anything else.  Inline: the print path and the evaluator
 * both read attributes this way. */
static inline json_t *tpl_attr_value(struct rctx *r, struct tpl_rowmemo *memo, json_t *obj,
				     const char *name)
{
	/* markup is an object whose one key starts with a NUL byte, so no
	 * attribute name finds a member in it: no check needed */
	if (!json_is_object(obj))
		return NULL;
	json_t *a = memo ? tpl_row_attr_memo(r, memo, obj, name) : tpl_row_attr(obj, name);
	if (a == r->undef)  /* a module's name bound to undefined */
		return NULL;
	if (a || (a = tpl_macro_attr(r, obj, name)))  /* a macro's name, arguments, … */
		return a;
	return tpl_lazy_get(obj, name);  /* a lazy object's member, made now */
}

#define TPL_FILTER_FN(name) \
	fl_err name(struct rctx *r, const struct node *n, json_t *v, json_t **args, size_t nargs, \
		    const char **kwn, json_t **kwv, size_t nkw, json_t **out)
#define TPL_TEST_FN(name) \
	fl_err name(struct rctx *r, const struct node *n, json_t *v, json_t **args, size_t nargs, \
		    int *res)

/* Jinja's make_attrgetter (filters_seq.c): "a.b.0" walks keys and, for
 * all-digit parts, indexes; an integer attribute is one index. */
struct tpl_getter {
	struct tpl_path_part {
		const char *s;     /* a name, or NULL for an index */
		json_int_t i;
	} *parts;
	size_t n;
	json_t *deflt;     /* make_attrgetter's default= (NULL: none) */
	int lower;         /* ignore_case postprocessing */
};

/* tpl_make_getter — the getter of `attr` (a string, an integer, or none
 * for the item itself) with default `deflt` (NULL or none: none), lower-
 * casing string results when `lower`.  Made once, applied per item. */
void tpl_make_getter(struct rctx *r, json_t *attr, json_t *deflt, int lower,
		     struct tpl_getter *g);

/* tpl_getter_get — g applied to item: *out the value (NULL when
 * undefined); going on past an undefined part is a render error at n, as
 * Jinja's Undefined raises. */
fl_err tpl_getter_get(struct rctx *r, const struct node *n, const struct tpl_getter *g,
		      json_t *item, json_t **out);

/* An item and the key it sorts by. */
struct tpl_keyed {
	json_t *key;
	json_t *item;
};

/* tpl_sort_keyed — sort v[0..cnt) by key, stably, with Python's ordering
 * (sorted(), list.sort(); reverse keeps equal items in their order); a
 * pair that cannot be ordered is a render error at n naming the types
 * ("'<' not supported between instances of 'str' and 'int'"). */
fl_err tpl_sort_keyed(struct rctx *r, const struct node *n, struct tpl_keyed *v, size_t cnt,
		      int reverse);

/* tpl_find_seq_filter / _test — the sequence filter or test `name` of
 * filters_seq.c (sort, groupby, map…; escaped, filter, test), or NULL;
 * tpl_find_filter / tpl_find_test ask them after their own tables. */
const struct tpl_filter *tpl_find_seq_filter(const char *name);
const struct tpl_test *tpl_find_seq_test(const char *name);

/* ---- text filters, str.format and methods (filters_text.c, strformat.c,
 * methods.c) ---- */
/* tpl_find_text_filter — the filter `name` of filters_text.c (tojson,
 * center, indent, wordwrap, urlencode, urlize, filesizeformat, xmlattr,
 * forceescape, pprint), or NULL; tpl_find_filter asks it after the
 * sequence filters. */
const struct tpl_filter *tpl_find_text_filter(const char *name);
/* tpl_call_method — call Python method `name` of `obj` (str, Markup, list,
 * dict, tuple; Jinja's loop.cycle) with the evaluated arguments; *done = 0
 * (and FL_OK) when obj's type has no such method.  See methods.c for what
 * mutating methods may change. */
fl_err tpl_call_method(struct rctx *r, const struct node *n, json_t *obj, const char *name,
		       json_t **pos, size_t npos, const char **kwn, json_t **kwv, size_t nkw,
		       json_t **out, int *done);
/* tpl_strformat — Python's fmt.format(*pos, **kw) appended to out; escape:
 * fmt is markup (markupsafe's EscapeFormatter: what is not markup is
 * escaped, markup with a format spec is an error). */
fl_err tpl_strformat(struct rctx *r, const struct node *n, fl_buf *out, const char *fmt,
		     size_t len, json_t **pos, size_t npos, const char **kwn, json_t **kwv,
		     size_t nkw, int escape);
/* tpl_format_value — Python's format(v, spec) appended to out (str, int,
 * bool, float; other values only with an empty spec). */
fl_err tpl_format_value(struct rctx *r, const struct node *n, fl_buf *out, json_t *v,
			const char *spec, size_t speclen);
/* tpl_space_at — 1 when the code point at byte i of s is white space for
 * Python's str (fl_unicode_isspace); *adv gets its length in bytes. */
int tpl_space_at(const char *s, size_t len, size_t i, size_t *adv);
/* tpl_line_end — str.splitlines: the end of the line starting at byte i
 * (where its line break begins), *next past the break (\n \r \r\n \v \f
 * \x1c-\x1e U+0085 U+2028 U+2029). */
size_t tpl_line_end(const char *s, size_t len, size_t i, size_t *next);
/* tpl_str_pad — s padded to `width` code points with `fill` (one code
 * point, filln bytes): align '<' ljust, '>' rjust, '^' center (CPython's
 * split of the odd space).  A width past TPL_MAX_BUILD fails. */
fl_err tpl_str_pad(struct rctx *r, const struct node *n, fl_buf *out, const char *s, size_t len,
		   json_int_t width, const char *fill, size_t filln, char align);
/* tpl_str_strip — narrow s[*i, *j) as str.strip(chars) (chars NULL:
 * Python's white space) does, at the left and/or right end. */
void tpl_str_strip(const char *s, size_t *i, size_t *j, const char *chars, size_t cl, int left,
		   int right);
/* tpl_str_replace — str.replace(old, new, count) (count < 0: all) of s
 * appended to b; fails past TPL_MAX_BUILD. */
fl_err tpl_str_replace(struct rctx *r, const struct node *n, fl_buf *b, const char *s,
		       size_t len, const char *o, size_t ol, const char *nw, size_t nl,
		       json_int_t count);

#endif
