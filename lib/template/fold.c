/* fold.c — constant folding when a template compiles: what a render would
 * compute the same way every time is computed once.  {{ "literal" }},
 * {{ 42 }}, {{ none }} become text — escaped when the autoescape in force
 * where they print is known at compile time (a template's, a block's, a
 * constant {% autoescape %}'s; a macro prints with the one where it is
 * defined) — and adjacent texts merge, so the output is written in long
 * runs, one append per run.  A print of a name or of a name's attribute
 * is marked for the fused print path (print.c's tpl_print_name). */
#include <string.h>

#include "template/internal.h"

#define AE_UNKNOWN (-1)

/* str(v) as {{ v }} prints it (render.c's tpl_write / tpl_write_ae). */
static void print_const(fl_buf *b, const json_t *v, int ae)
{
	if (!ae) {
		if (json_is_string(v))
			fl_buf_append(b, json_string_value(v), json_string_length(v));
		else
			tv_str(b, v);
		return;
	}
	tpl_write(b, v);
}

/* Can {{ v }} be printed at compile time?  Plain data only: no markup,
 * no callable (those are objects anyway). */
static int printable(const json_t *v)
{
	return json_is_string(v) || json_is_integer(v) || json_is_real(v) || json_is_boolean(v) ||
	       json_is_null(v);
}

static void fold_body(fl_arena *a, struct nlist *body, int ae);

static void fold_stmt(fl_arena *a, struct node *n, int ae)
{
	switch (n->kind) {
	case S_PRINT:
		if (ae != AE_UNKNOWN && n->a->kind == N_CONST && printable(n->a->value)) {
			fl_buf b;
			fl_buf_init(&b, a);
			print_const(&b, n->a->value, ae);
			n->kind = S_TEXT;
			n->str = b.data ? b.data : "";
			n->len = b.len;
			n->a = NULL;
		} else if (tpl_print_fusable(n->a)) {
			n->op |= TPL_PRINT_NAME;
		}
		return;
	case S_AUTOESCAPE:
		fold_body(a, &n->list, n->a->kind == N_CONST ? tv_truthy(n->a->value) : AE_UNKNOWN);
		return;
	case S_BLOCK:
		/* a block prints as its own template does (render_chain) */
		fold_body(a, &n->list, (n->op & TPL_BLOCK_AUTOESCAPE) != 0);
		return;
	case S_FOR:
	case S_IF:
		fold_body(a, &n->list, ae);
		fold_body(a, &n->list2, ae);   /* else / elif */
		return;
	default:
		/* macro, call, with, set, filter blocks: the body prints with
		 * the autoescape where it stands; list2 holds expressions */
		fold_body(a, &n->list, ae);
		return;
	}
}

/* Fold each statement, then merge each run of adjacent texts into its
 * first node. */
static void fold_body(fl_arena *a, struct nlist *body, int ae)
{
	size_t k = 0;
	for (size_t i = 0; i < body->n; i++) {
		struct node *n = body->v[i];
		if (n->kind >= S_TEXT)
			fold_stmt(a, n, ae);
		if (n->kind == S_TEXT && k > 0 && body->v[k - 1]->kind == S_TEXT) {
			struct node *prev = body->v[k - 1];
			char *s = fl_arena_alloc(a, prev->len + n->len + 1);
			memcpy(s, prev->str, prev->len);
			memcpy(s + prev->len, n->str, n->len);
			s[prev->len + n->len] = '\0';
			prev->str = s;
			prev->len += n->len;
			continue;
		}
		body->v[k++] = n;
	}
	body->n = k;
}

void tpl_fold(struct tpl *t)
{
	fold_body(t->arena, &t->body, t->autoescape);
}
