/* row.c — compact rows: a shape (column names) shared by the rows of a
 * result, and rows holding their cells in column order.  See row.h. */
#include "base/row.h"

#include <stdlib.h>
#include <string.h>

/* ---- shapes ---- */

uint32_t fl_row_shape_hash(const char *const *names, const size_t *lens, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < lens[i]; j++)
			h = (h ^ (unsigned char)names[i][j]) * 16777619u;
		h = (h ^ (uint32_t)lens[i]) * 16777619u;
	}
	return h;
}

static int cmp_names(const fl_row_shape *s, size_t a, size_t b)
{
	size_t n = s->lens[a] < s->lens[b] ? s->lens[a] : s->lens[b];
	int c = memcmp(s->names[a], s->names[b], n);
	return c ? c : (s->lens[a] > s->lens[b]) - (s->lens[a] < s->lens[b]);
}

/* Insertion sort of the column indexes: a handful of columns, once per
 * shape.  The order is jansson's JSON_SORT_KEYS order (base/jsondump.c
 * writes a row's columns in it). */
static void sort_columns(fl_row_shape *s)
{
	for (size_t i = 0; i < s->ncols; i++) {
		size_t x = i, j = i;
		for (; j > 0 && cmp_names(s, s->sorted[j - 1], x) > 0; j--)
			s->sorted[j] = s->sorted[j - 1];
		s->sorted[j] = x;
	}
}

fl_row_shape *fl_row_shape_new(fl_arena *a, const char *const *names, const size_t *lens,
	size_t n)
{
	size_t text = 0;
	for (size_t i = 0; i < n; i++)
		text += lens[i] + 1;
	/* One block: the shape, names, lens, sorted, then the name bytes. */
	size_t size = sizeof(fl_row_shape) + n * (sizeof(char *) + 2 * sizeof(size_t)) + text;
	fl_row_shape *s = a ? fl_arena_alloc(a, size) : malloc(size);
	if (!s)
		return NULL;
	memset(s, 0, sizeof *s);
	s->ncols = n;
	s->heap = !a;
	s->names = (const char **)(s + 1);
	s->lens = (size_t *)(s->names + n);
	s->sorted = s->lens + n;
	char *p = (char *)(s->sorted + n);
	for (size_t i = 0; i < n; i++) {
		memcpy(p, names[i], lens[i]);
		p[lens[i]] = '\0';
		s->names[i] = p;
		s->lens[i] = lens[i];
		p += lens[i] + 1;
	}
	sort_columns(s);
	s->hash = fl_row_shape_hash(names, lens, n);
	return s;
}

void fl_row_shape_free(fl_row_shape *s)
{
	if (s && s->heap)
		free(s);
}

bool fl_row_shape_equal(const fl_row_shape *s, const char *const *names, const size_t *lens,
	size_t n)
{
	if (s->ncols != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s->lens[i] != lens[i] || memcmp(s->names[i], names[i], lens[i]) != 0)
			return false;
	return true;
}

int fl_row_shape_index(const fl_row_shape *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->ncols; i++)
		if (s->lens[i] == len && memcmp(s->names[i], name, len) == 0)
			return (int)i;
	return -1;
}

int fl_row_shape_find(fl_row_shape *s, const char *name)
{
	/* A remembered pointer is checked against the column it names: the
	 * string it pointed at may have been freed since (a template
	 * recompiled or rendered from a string) and its address reused for
	 * another name.  Only hits are remembered, for the same reason: a
	 * miss (a relationship, a typo) scans the few columns again. */
	size_t slot = ((uintptr_t)name >> 3) % FL_ROW_MEMO;
	if (s->memo[slot].name == name && !strcmp(s->names[s->memo[slot].index], name))
		return s->memo[slot].index;
	int i = fl_row_shape_index(s, name, strlen(name));
	if (i >= 0) {
		s->memo[slot].name = name;
		s->memo[slot].index = i;
	}
	return i;
}

/* ---- rows ---- */

/* The block's release (jansson's free of the row, fl_row_make_plain):
 * each cell's reference, then the block. */
static void release_block(fl_json_owned *o)
{
	fl_row_block *b = (fl_row_block *)o;
	for (size_t i = 0; i < b->shape->ncols; i++)
		json_decref(b->cell[i]);
	fl_json_free(b);
}

json_t *fl_row_alloc(const fl_row_shape *s, json_t ***cells)
{
	json_t *row = json_object();
	if (!row)
		return NULL;
	fl_row_block *b = fl_json_malloc(sizeof *b + s->ncols * sizeof *b->cell);
	b->owned.release = release_block;
	b->shape = s;
	memset(b->cell, 0, s->ncols * sizeof *b->cell);
	/* the note fl_row_cells reads; the row owns the block from here */
	fl_json_head *h = fl_json_head_of(row);
	h->ptr = b;
	h->note = FL_ROW_NOTE;
	*cells = b->cell;
	return row;
}

json_t *fl_row_new(const fl_row_shape *s, json_t *cells)
{
	json_t **c, *row;
	if (!s || !json_is_array(cells) || json_array_size(cells) != s->ncols ||
	    !(row = fl_row_alloc(s, &c))) {
		json_decref(cells);
		return NULL;
	}
	for (size_t i = 0; i < s->ncols; i++)
		c[i] = json_incref(json_array_get(cells, i));
	json_decref(cells);
	return row;
}

bool fl_row_is_compact(const json_t *v)
{
	return fl_row_cells(v, NULL) != NULL;
}

fl_row_shape *fl_row_shape_of(const json_t *row)
{
	fl_row_shape *s = NULL;
	fl_row_cells(row, &s);
	return s;
}

json_t *fl_row_find(const json_t *row, const char *name)
{
	fl_row_shape *s;
	json_t **c = fl_row_cells(row, &s);
	if (c) {
		int i = fl_row_shape_find(s, name);
		if (i >= 0)
			return c[i];
	}
	return json_object_get(row, name);
}

int fl_row_set_cell(json_t *row, size_t i, json_t *value)
{
	fl_row_shape *s;
	json_t **c = fl_row_cells(row, &s);
	if (!c || i >= s->ncols || !value) {
		json_decref(value);
		return -1;
	}
	json_decref(c[i]);
	c[i] = value;
	return 0;
}

json_t *fl_row_get(const json_t *row, const char *name)
{
	fl_row_shape *s;
	json_t **c = fl_row_cells(row, &s);
	if (c) {
		int i = fl_row_shape_index(s, name, strlen(name));
		if (i >= 0)
			return c[i];
	}
	return json_object_get(row, name);
}

int fl_row_set_new(json_t *row, const char *name, json_t *value)
{
	fl_row_shape *s;
	json_t **c = fl_row_cells(row, &s);
	if (c) {
		int i = fl_row_shape_index(s, name, strlen(name));
		if (i >= 0)
			return fl_row_set_cell(row, (size_t)i, value);
	}
	return json_object_set_new(row, name, value);
}

size_t fl_row_size(const json_t *row)
{
	fl_row_shape *s;
	if (fl_row_cells(row, &s))
		return s->ncols + json_object_size(row);
	return json_is_object(row) ? json_object_size(row) : 0;
}

/* Columns, then the ordinary members, into `out`. */
static void copy_members(json_t *out, const json_t *row, json_t **c, const fl_row_shape *s)
{
	for (size_t i = 0; i < s->ncols; i++)
		json_object_setn_nocheck(out, s->names[i], s->lens[i], c[i]);
	const char *k;
	size_t klen;
	json_t *v;
	json_object_keylen_foreach((json_t *)row, k, klen, v)
		json_object_setn_nocheck(out, k, klen, v);
}

json_t *fl_row_object(json_t *row)
{
	fl_row_shape *s;
	json_t **c = fl_row_cells(row, &s);
	if (!c)
		return json_incref(row);
	json_t *out = json_object();
	if (out)
		copy_members(out, row, c, s);
	return out;
}

void fl_row_make_plain(json_t *row)
{
	fl_row_shape *s;
	json_t **c = fl_row_cells(row, &s);
	if (!c)
		return;
	json_t *plain = json_object();
	if (!plain)
		return;
	copy_members(plain, row, c, s);
	fl_json_head *h = fl_json_head_of(row);
	fl_json_owned *b = h->ptr;
	h->note = 0;
	b->release(b);   /* the members hold the cells now */
	json_object_clear(row);
	json_object_update(row, plain);
	json_decref(plain);
}
