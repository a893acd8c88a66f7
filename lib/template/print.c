/* print.c — {{ … }}: a value written into the output as Jinja prints it
 * (str(), escaped under autoescape unless markup), and the fused print of
 * a name or a name's attribute ({{ x }}, {{ row.col }}) that skips the
 * general evaluator.
 *
 * Why a fused path: a list page prints a loop variable's attribute a few
 * times per row.  Through tpl_exec → tpl_eval (N_GETATTR) → tpl_eval
 * (N_NAME) → tpl_print → tpl_as_string → tpl_write that was two
 * recursive evaluations and four calls per printed value before a byte
 * was written.  tpl_print_name does the same steps in one function, in
 * the same order and with the same fallbacks, so what it prints is what
 * the general path prints; strings, integers and floats go straight into
 * the buffer, everything else through tpl_print. */
#include <string.h>

#include "base/html.h"
#include "template/internal.h"

void tpl_write(fl_buf *out, const json_t *v)
{
	size_t n;
	const char *h;
	if (!v)
		return;
	/* the common kinds first; markup is an object */
	if (json_is_string(v)) {
		fl_html_escape(out, json_string_value(v), json_string_length(v));
	} else if (json_is_integer(v)) {
		fl_buf_put_int(out, json_integer_value(v));
	} else if (json_is_real(v)) {
		tv_float(out, json_real_value(v));  /* digits: nothing to escape */
	} else if (json_is_boolean(v) || json_is_null(v)) {
		tv_str(out, v);  /* True, None */
	} else if ((h = tv_html(v, &n))) {
		tpl_put(out, h, n);
	} else {
		fl_buf tmp;
		fl_buf_init(&tmp, out->arena);
		tv_str(&tmp, v);
		fl_html_escape(out, fl_buf_cstr(&tmp), tmp.len);
	}
}

/* {{ v }} with the autoescape in force: escaped (tpl_write) when on, str(v)
 * as is when off.  Inline: it runs for every value a template prints. */
static inline void tpl_write_ae(struct rctx *r, fl_buf *out, const json_t *v)
{
	if (r->autoescape)
		tpl_write(out, v);
	else if (json_is_string(v))
		tpl_put(out, json_string_value(v), json_string_length(v));
	else if (v)
		tv_str(out, v);
}

fl_err tpl_print(struct rctx *r, const struct node *n, json_t *v, fl_buf *out)
{
	fl_err e = tpl_as_string(r, n, v, &v);
	if (!e)
		tpl_write_ae(r, out, v);
	return e;
}

int tpl_print_fusable(const struct node *x)
{
	if (x->kind == N_GETATTR)
		x = x->a;
	return x->kind == N_NAME;
}

fl_err tpl_print_name(struct rctx *r, struct frame *f, const struct node *n,
		      struct tpl_rowmemo *memo, fl_buf *out)
{
	const struct node *x = n->a;
	const struct node *name = x->kind == N_GETATTR ? x->a : x;
	/* the steps tpl_eval would have counted: one per node */
	r->steps += name == x ? 1 : 2;
	if (r->steps > TPL_MAX_STEPS)
		return tpl_fail(r, x, "template too expensive to render");
	/* tpl_eval's N_NAME, then N_GETATTR (a row read through the run's memo) */
	json_t *v = tpl_name_value(r, f, name);
	if (name != x)
		v = tpl_attr_value(r, memo, v, x->str);
	/* the kinds a page prints most, written at once; the rest (markup,
	 * callable objects, None, bool, dicts, undefined) as tpl_print */
	if (json_is_string(v)) {
		if (r->autoescape)
			fl_html_escape(out, json_string_value(v), json_string_length(v));
		else
			tpl_put(out, json_string_value(v), json_string_length(v));
		return FL_OK;
	}
	if (json_is_integer(v)) {
		fl_buf_put_int(out, json_integer_value(v));
		return FL_OK;
	}
	if (json_is_real(v)) {
		tv_float(out, json_real_value(v));
		return FL_OK;
	}
	/* tpl_print may call C code (a callable object), which may change
	 * the row the memo describes */
	memo->row = NULL;
	return tpl_print(r, n, v, out);
}
