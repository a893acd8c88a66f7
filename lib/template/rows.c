/* rows.c — compact rows (base/row.h) in templates: what a row must answer
 * like the dict it stands for.
 *
 * The hot path is row.col (and row['col']): the cell is read by column
 * index, the index found once per shape and attribute name (the shape
 * remembers the node's name pointer), with no hashing.  Every other use
 * of a row as a whole — printing it, iterating it, len(), items(), ==,
 * tojson, a filter's attribute= path reaching into it, `'col' in row` —
 * first turns the row into a plain object in place (fl_row_make_plain:
 * the same members in the same order), once per row, after which the
 * engine's dict code sees a dict.  The engine calls these from one-line
 * hooks in expr.c, value.c and the filters. */
#include <stdint.h>
#include <string.h>

#include "template/internal.h"
#include "base/row.h"

json_t *tpl_row_attr(const json_t *obj, const char *name)
{
	return fl_row_find(obj, name);
}

json_t *tpl_row_item(const json_t *obj, const char *key)
{
	return fl_row_get(obj, key);
}

json_t *tpl_row_plain(const json_t *v)
{
	fl_row_make_plain((json_t *)v);
	return (json_t *)v;
}

/* tpl_row_attr_memo's look at a row it has not seen (and at a column not
 * in the render's cache): apart, so that the common case — the same row's
 * next attribute, a cached column — saves and restores no registers. */
static __attribute__((noinline)) json_t *attr_memo_slow(struct rctx *r,
	struct tpl_rowmemo *m, const json_t *obj, const char *name)
{
	if (m->row != obj) {
		m->row = obj;
		m->shape = NULL;
		m->cells = fl_row_cells(obj, &m->shape);
	}
	if (m->cells) {  /* fl_row_find without looking at the row again */
		struct tpl_column *c = &r->columns[((uintptr_t)name >> 3) % TPL_COLUMN_CACHE];
		if (c->shape != m->shape || c->name != name)
			*c = (struct tpl_column){m->shape, name,
						 fl_row_shape_index(m->shape, name, strlen(name))};
		if (c->index >= 0)
			return m->cells[c->index];
	}
	return json_object_get(obj, name);
}

json_t *tpl_row_attr_memo(struct rctx *r, struct tpl_rowmemo *m, const json_t *obj,
			  const char *name)
{
	const struct tpl_column *c = &r->columns[((uintptr_t)name >> 3) % TPL_COLUMN_CACHE];
	if (m->row == obj && m->cells && c->shape == m->shape && c->name == name && c->index >= 0)
		return m->cells[c->index];
	return attr_memo_slow(r, m, obj, name);
}
