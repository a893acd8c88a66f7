/* row.h — compact rows: a database row as one jansson value that holds its
 * cells in column order and shares its column names (the row's shape) with
 * every other row of the same result.
 *
 * Why: a plain row is a JSON object, which costs one hash insert and a key
 * copy per column when it is built and one hash lookup per column each
 * time it is read.  A list page reads every cell of every row once, so a
 * 100-row, 4-column list spent two hash operations per cell.  A compact
 * row is built without hashing and read by column index (the index of a
 * name is found once per shape, and remembered per name pointer).
 *
 * What it is: a JSON object marked by a note in its allocation's header
 * (base/arena.h's fl_json_head: every jansson value has one) that points
 * at a block holding the shape and its cells, one value per column in
 * order (a C array, not a JSON array: no growth checks when it is filled,
 * no call when a cell is read).  The row owns the block and a reference
 * to each cell (jansson's free of the row releases them, arena.c).  Its
 * object members are ordinary members (the relationships a query loads,
 * anything C code sets with fl_row_set_new that is not a column).  Why a
 * note and not a member: a hidden member cost a hash insert and two
 * allocations per row, and finding it a walk to the object's first
 * member per read; the note is one store and one load.  Jansson stays
 * the one value type: a compact row flows through template contexts,
 * arrays and the JSON output (base/jsondump.h) like a plain one.
 *
 * What it is not: an object jansson's own functions see the columns of.
 * json_object_get, json_object_size, iteration, json_equal, json_dumps,
 * json_copy and json_deep_copy see only the ordinary members (a copy is
 * a plain object without the columns).  Code that reads rows uses
 * fl_row_get and fl_row_size (both kinds); code that needs a plain object
 * (json_dumps, a copy, a session, fl_db_update) asks for one with
 * fl_row_object.  Only the calls that say so return compact rows
 * (fl_db_query_compact, fl_query_compact in data/): every other call keeps
 * returning plain objects, so existing code is unchanged.
 *
 * Lifetime: a shape outlives its rows — the database keeps the shapes it
 * made for the life of the connection, or (past its limit) makes them in
 * the request's arena; a row references its shape without owning it.
 */
#ifndef FL_ROW_H
#define FL_ROW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* Remembered name pointers per shape (fl_row_shape_find). */
#define FL_ROW_MEMO 16

/* The column names of a result, shared by its rows.  Read-only after
 * fl_row_shape_new except the memo, which fl_row_shape_find fills. */
typedef struct fl_row_shape {
	size_t ncols;             /* number of columns */
	const char **names;       /* ncols NUL-terminated UTF-8 names */
	size_t *lens;             /* their lengths in bytes */
	size_t *sorted;           /* column indexes in sorted-key order (memcmp, then length) */
	uint32_t hash;            /* of the names, for interning (fl_row_shape_hash) */
	bool heap;                /* made with a NULL arena: free with fl_row_shape_free */
	struct { const char *name; int index; } memo[FL_ROW_MEMO];  /* name pointer -> index */
} fl_row_shape;

/* fl_row_shape_hash — the hash fl_row_shape_new stores for the `n` names
 * `names` (lengths `lens`): FNV-1a over each name and its length, so
 * equal name lists hash equal. */
uint32_t fl_row_shape_hash(const char *const *names, const size_t *lens, size_t n);

/* fl_row_shape_new — a shape for the `n` column names `names` (lengths
 * `lens`, bytes copied), allocated in `a`, or on the heap when `a` is NULL
 * (then the caller frees it with fl_row_shape_free).  NULL when out of
 * memory (heap only; an arena aborts).  Names are not checked here: the
 * caller passes UTF-8 (the database layer checks them). */
fl_row_shape *fl_row_shape_new(fl_arena *a, const char *const *names, const size_t *lens,
	size_t n);

/* fl_row_shape_free — free a heap shape (NULL and arena shapes ignored). */
void fl_row_shape_free(fl_row_shape *s);

/* fl_row_shape_equal — whether `s` has exactly the `n` names `names`
 * (lengths `lens`), in that order. */
bool fl_row_shape_equal(const fl_row_shape *s, const char *const *names, const size_t *lens,
	size_t n);

/* fl_row_shape_index — the index of column `name` (`len` bytes) in `s`, or
 * -1.  A linear scan (results have few columns); see fl_row_shape_find for
 * the repeated lookups of a template. */
int fl_row_shape_index(const fl_row_shape *s, const char *name, size_t len);

/* fl_row_shape_find — fl_row_shape_index for a NUL-terminated `name` whose
 * pointer is stable (a template node's attribute name, a C literal): a
 * column found is remembered per pointer in the shape's memo, so the same
 * expression on the next row costs a pointer comparison and a strcmp
 * (which keeps a pointer freed and reused for another name from finding
 * the old column); a name that is no column is looked up each time. */
int fl_row_shape_find(fl_row_shape *s, const char *name);

/* fl_row_new — a compact row of shape `s` (borrowed: it must outlive
 * the row) whose cells are the values of the array `cells` (stolen; one
 * value per column, in order), from jansson's current arena.  New
 * reference; NULL when an argument is wrong (`cells` is then released). */
json_t *fl_row_new(const fl_row_shape *s, json_t *cells);

/* fl_row_alloc — a compact row of shape `s` (borrowed: it must outlive
 * the row) whose s->ncols cells are all NULL, and in *cells the array of
 * them for the caller to fill (each value stolen) before anything else
 * sees the row; a cell left NULL is only allowed before the row is
 * released (a failed read).  From jansson's current arena.  New
 * reference; NULL when out of memory (heap only). */
json_t *fl_row_alloc(const fl_row_shape *s, json_t ***cells);

/* fl_row_is_compact — whether `v` is a compact row. */
bool fl_row_is_compact(const json_t *v);

/* fl_row_shape_of — the shape of compact row `row`, NULL for anything
 * else.  Borrowed. */
fl_row_shape *fl_row_shape_of(const json_t *row);

/* The note (base/arena.h's fl_json_head) fl_row_new puts on a compact
 * row's object: its `ptr` is the row's fl_row_block (owned: the note has
 * FL_JSON_NOTE_OWNS).  fl_row_make_plain takes it off. */
#define FL_ROW_NOTE (FL_JSON_NOTE_OWNS | 0x00526f77u)  /* "Row" */

/* What a compact row's note points at: one block from fl_json_malloc. */
typedef struct fl_row_block {
	fl_json_owned owned;          /* its release: the cells, then the block */
	const fl_row_shape *shape;    /* the row's columns (borrowed) */
	json_t *cell[];               /* shape->ncols references */
} fl_row_block;

/* fl_row_cells — the cells of compact row `row`, in column order: an
 * array of shape->ncols values (borrowed; read-only: replace a cell with
 * fl_row_set_cell), and its shape in *shape when `shape` is not NULL
 * (left alone for anything else); NULL when `row` is not a compact row
 * (NULL included).  Inline: one load of the note tells. */
static inline json_t **fl_row_cells(const json_t *row, fl_row_shape **shape)
{
	if (!json_is_object(row))
		return NULL;
	const fl_json_head *h = fl_json_head_of(row);
	if (h->note != FL_ROW_NOTE)
		return NULL;
	fl_row_block *b = h->ptr;
	if (shape)
		*shape = (fl_row_shape *)b->shape;
	return b->cell;
}

/* fl_row_find — fl_row_get with the index remembered per `name` pointer
 * (fl_row_shape_find): for a NUL-terminated name whose pointer is stable
 * (a template node's, a C literal).  Borrowed; NULL when absent. */
json_t *fl_row_find(const json_t *row, const char *name);

/* fl_row_set_cell — replace cell `i` of compact row `row` by `value`
 * (stolen).  Returns 0, or -1 (not compact, out of range: `value` is
 * released). */
int fl_row_set_cell(json_t *row, size_t i, json_t *value);

/* fl_row_get — row[name] for either kind: a compact row's column, else
 * its (or a plain object's) member `name`.  Borrowed; NULL when absent or
 * `row` is not an object. */
json_t *fl_row_get(const json_t *row, const char *name);

/* fl_row_set_new — row[name] = value for either kind (value stolen): a
 * compact row's column is replaced in place, any other name becomes an
 * ordinary member.  Returns 0, or -1 (not an object). */
int fl_row_set_new(json_t *row, const char *name, json_t *value);

/* fl_row_size — how many members `row` shows: columns plus ordinary
 * members of a compact row, json_object_size of a plain object, 0 for
 * anything else. */
size_t fl_row_size(const json_t *row);

/* fl_row_object — a plain JSON object with the same members in the same
 * order as `row` (columns first, then the ordinary members), from
 * jansson's current arena; values are shared, not copied.  For a plain
 * object (or any other value) a new reference to `row` itself.  For code
 * that needs json_object_get, json_dumps or to store the row. */
json_t *fl_row_object(json_t *row);

/* fl_row_make_plain — turn compact row `row` into a plain object in place
 * (same members, same order; values shared), so that code which walks
 * objects member by member sees a dict.  The template engine does this
 * the first time a row is used as a whole ({{ row }}, iteration, len,
 * items(), tojson), never for row.col.  A no-op on anything else.  New
 * members come from jansson's current arena. */
void fl_row_make_plain(json_t *row);

#endif
