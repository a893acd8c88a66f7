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

/* "00".."99": two digits per division, half the steps of one digit. */
static const char digits2[201] =
	"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
	"5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/* The digits of u ending just before `end`, two at a time. */
static inline char *put_digits(char *end, unsigned long long u)
{
	while (u >= 100) {
		unsigned d = (unsigned)(u % 100) * 2;
		u /= 100;
		*--end = digits2[d + 1];
		*--end = digits2[d];
	}
	if (u >= 10) {
		*--end = digits2[u * 2 + 1];
		*--end = digits2[u * 2];
	} else {
		*--end = (char)('0' + u);
	}
	return end;
}

static inline size_t count_digits(unsigned long long u)
{
	size_t n = 1;
	for (; u >= 100; u /= 100)
		n += 2;
	return n + (u >= 10);
}

void tpl_put_int(fl_buf *b, json_int_t i)
{
	unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
	size_t n = (i < 0) + count_digits(u);
	if (b->cap - b->len <= n)  /* room for the digits and the NUL */
		fl_buf_reserve(b, n);
	/* the digits written in place, from the last one */
	char *p = b->data + b->len + n;
	*p = '\0';
	p = put_digits(p, u);
	if (i < 0)
		*--p = '-';
	b->len += n;
}

void tpl_put_fixed(fl_buf *b, int neg, unsigned long long m, int places)
{
	/* the digits of m, at least places + 1 of them ("0.05") */
	size_t nd = count_digits(m);
	if (nd <= (size_t)places)
		nd = (size_t)places + 1;
	size_t n = (size_t)neg + nd + 1 + (places == 0);   /* sign, digits, point, "0" of ".0" */
	if (b->cap - b->len <= n)
		fl_buf_reserve(b, n);
	char *p = b->data + b->len + n;
	*p = '\0';
	if (!places) {
		*--p = '0';
		*--p = '.';
		p = put_digits(p, m);
	} else {
		for (int i = 0; i < places; i++, m /= 10)
			*--p = (char)('0' + m % 10);
		*--p = '.';
		p = put_digits(p, m);   /* "0" when m had no more digits than places */
	}
	if (neg)
		*--p = '-';
	b->len += n;
}

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
		tpl_put_int(out, json_integer_value(v));
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
		tpl_put_int(out, json_integer_value(v));
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
