/* jsondump.c — jansson's json_dumps, rewritten so that compact rows print
 * as the objects they stand for.  The layout rules (dump_indent, the
 * separators, the sorted-key order) follow jansson 2.14's dump.c; scalars
 * other than integers and plain strings are written by jansson itself, so
 * their bytes cannot differ.  See jsondump.h. */
#include "base/jsondump.h"
#include "base/row.h"

#include <stdlib.h>
#include <string.h>

#define INDENT(flags) ((flags) & 0x1F)

struct dump {
	size_t flags;
	fl_buf *out;
};

/* jansson's dump_indent: a newline and depth * n spaces with
 * JSON_INDENT(n), else one space where `space` asks (after a comma) unless
 * JSON_COMPACT. */
static void put_indent(struct dump *d, size_t depth, int space)
{
	size_t n = INDENT(d->flags);
	if (n > 0) {
		fl_buf_putc(d->out, '\n');
		for (size_t i = 0; i < depth * n; i++)
			fl_buf_putc(d->out, ' ');
	} else if (space && !(d->flags & JSON_COMPACT)) {
		fl_buf_putc(d->out, ' ');
	}
}

/* After a member or an item: a comma and the next line's indent, or the
 * closing bracket's indent after the last one (jansson's layout). */
static void put_after(struct dump *d, int more, size_t depth)
{
	if (more) {
		fl_buf_putc(d->out, ',');
		put_indent(d, depth + 1, 1);
	} else {
		put_indent(d, depth, 0);
	}
}

/* A scalar written by jansson (reals, strings that need escaping). */
static fl_err put_by_jansson(struct dump *d, const json_t *v)
{
	char small[128];
	size_t flags = (d->flags & ~(size_t)0x1F) | JSON_ENCODE_ANY;
	size_t n = json_dumpb(v, small, sizeof small, flags);
	if (n == 0)
		return FL_EUTF8;   /* the only scalar jansson refuses: a bad string */
	if (n <= sizeof small) {
		fl_buf_append(d->out, small, n);
		return FL_OK;
	}
	char *big = fl_arena_alloc(d->out->arena, n);
	if (json_dumpb(v, big, n, flags) != n)
		return FL_EUTF8;
	fl_buf_append(d->out, big, n);
	return FL_OK;
}

/* Whether jansson writes `s` as it is between quotes: printable ASCII
 * without '"', '\\' (and '/' under JSON_ESCAPE_SLASH). */
static int plain_ascii(const char *s, size_t n, size_t flags)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ||
		    (c == '/' && (flags & JSON_ESCAPE_SLASH)))
			return 0;
	}
	return 1;
}

static fl_err put_string(struct dump *d, const char *s, size_t n, const json_t *v)
{
	if (plain_ascii(s, n, d->flags)) {
		fl_buf_putc(d->out, '"');
		fl_buf_append(d->out, s, n);
		fl_buf_putc(d->out, '"');
		return FL_OK;
	}
	if (v)
		return put_by_jansson(d, v);
	json_t *tmp = json_stringn_nocheck(s, n);   /* a key: rare, only when escaped */
	fl_err err = tmp ? put_by_jansson(d, tmp) : FL_ENOMEM;
	json_decref(tmp);
	return err;
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

/* jansson's compare_keys: bytes, then the shorter first. */
static int cmp_members(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static fl_err put_value(struct dump *d, const json_t *v, size_t depth);

/* The members of an object (a compact row's columns first, then its
 * ordinary members), in order or sorted. */
static size_t collect(const json_t *v, struct member *m)
{
	size_t n = 0;
	fl_row_shape *s = fl_row_shape_of(v);
	json_t *hidden = NULL;
	if (s) {
		for (size_t i = 0; i < s->ncols; i++)
			m[n++] = (struct member){ s->names[i], s->lens[i], fl_row_cell(v, i) };
		hidden = json_object_iter_value(json_object_iter((json_t *)v));
	}
	const char *k;
	size_t klen;
	json_t *x;
	json_object_keylen_foreach((json_t *)v, k, klen, x)
		if (x != hidden)
			m[n++] = (struct member){ k, klen, x };
	return n;
}

static fl_err put_object(struct dump *d, const json_t *v, size_t depth)
{
	fl_row_shape *s = fl_row_shape_of(v);
	size_t n = s ? s->ncols + json_object_size(v) - 1 : json_object_size(v);
	fl_buf_putc(d->out, '{');
	if (n == 0) {
		fl_buf_putc(d->out, '}');
		return FL_OK;
	}
	struct member *m = fl_arena_alloc(d->out->arena, n * sizeof *m);
	n = collect(v, m);
	if (d->flags & JSON_SORT_KEYS) {
		if (s && n == s->ncols) {   /* columns only: the shape's order */
			struct member *sorted = fl_arena_alloc(d->out->arena, n * sizeof *m);
			for (size_t i = 0; i < n; i++)
				sorted[i] = m[s->sorted[i]];
			m = sorted;
		} else {
			qsort(m, n, sizeof *m, cmp_members);
		}
	}
	const char *sep = d->flags & JSON_COMPACT ? ":" : ": ";
	put_indent(d, depth + 1, 0);
	for (size_t i = 0; i < n; i++) {
		fl_err err = put_string(d, m[i].key, m[i].len, NULL);
		if (!err) {
			fl_buf_puts(d->out, sep);
			err = put_value(d, m[i].value, depth + 1);
		}
		if (err)
			return err;
		put_after(d, i + 1 < n, depth);
	}
	fl_buf_putc(d->out, '}');
	return FL_OK;
}

static fl_err put_array(struct dump *d, const json_t *v, size_t depth)
{
	size_t n = json_array_size(v);
	fl_buf_putc(d->out, '[');
	if (n == 0) {
		fl_buf_putc(d->out, ']');
		return FL_OK;
	}
	put_indent(d, depth + 1, 0);
	for (size_t i = 0; i < n; i++) {
		fl_err err = put_value(d, json_array_get(v, i), depth + 1);
		if (err)
			return err;
		put_after(d, i + 1 < n, depth);
	}
	fl_buf_putc(d->out, ']');
	return FL_OK;
}

static fl_err put_value(struct dump *d, const json_t *v, size_t depth)
{
	if (!v)
		return FL_EINVAL;
	if (depth > FL_JSON_DUMP_MAX_DEPTH)
		return FL_ERANGE;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(d, v, depth);
	case JSON_ARRAY:
		return put_array(d, v, depth);
	case JSON_STRING:
		return put_string(d, json_string_value(v), json_string_length(v), v);
	case JSON_INTEGER:
		fl_buf_put_int(d->out, (long long)json_integer_value(v));
		return FL_OK;
	case JSON_REAL:
		return put_by_jansson(d, v);
	case JSON_TRUE:
		fl_buf_puts(d->out, "true");
		return FL_OK;
	case JSON_FALSE:
		fl_buf_puts(d->out, "false");
		return FL_OK;
	case JSON_NULL:
		fl_buf_puts(d->out, "null");
		return FL_OK;
	}
	return FL_EINVAL;
}

fl_err fl_json_dump(const json_t *v, size_t flags, fl_buf *out)
{
	if (!v || !out)
		return FL_EINVAL;
	if (!(flags & JSON_ENCODE_ANY) && !json_is_object(v) && !json_is_array(v))
		return FL_EINVAL;
	struct dump d = { .flags = flags, .out = out };
	return put_value(&d, v, 0);
}
