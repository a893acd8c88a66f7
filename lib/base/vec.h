/* vec.h — a typed growable array whose storage lives in an arena.
 *
 * Parsers and builders collect an unknown number of things: query pairs,
 * uploaded files, template tokens, form errors, mail recipients.  Each of
 * them is a vector: any struct with the three members
 *
 *     T *items;      the elements, items[0] .. items[len - 1]
 *     size_t len;    how many elements there are
 *     size_t cap;    how many fit in items before it must grow
 *
 * declared with FL_VEC(T), or written out member by member in a public
 * struct (fl_multidict, fl_files, fl_mail_list) so that the members keep
 * their own doc comments; the macros below work on both.  A zeroed struct
 * is an empty vector: nothing is allocated before the first push.
 *
 *     FL_VEC(const char *) names = {0};
 *     *fl_vec_push(arena, &names) = "alice";
 *     for (size_t i = 0; i < fl_vec_len(&names); i++) ...names.items[i]...
 *
 * Storage comes from an fl_arena (per-request memory, arena.h) and doubles
 * when full, starting at FL_VEC_MIN_CAP elements, so n pushes copy O(n)
 * elements in all; the arrays a vector outgrows are not freed one by one but
 * stay in the arena until it is reset (at most as many bytes as the final
 * array).  A pointer to an element stays readable until the arena is reset,
 * but after a push that grew the vector it points into the old copy: take
 * pointers again after pushing.  Growing never fails: like every arena
 * allocation, running out of memory (or a size that overflows) ends the
 * process.
 *
 * The macros are macros so that the element type is checked by the
 * compiler and the common push (room left) costs one comparison, no call;
 * they evaluate their vector argument more than once, so pass a plain
 * pointer (`&md->pairs`, `v`), never an expression with side effects.
 */
#ifndef FL_VEC_H
#define FL_VEC_H

#include <stddef.h>

#include "base/arena.h"

/* Elements a vector gets at its first growth; later growths double. */
#define FL_VEC_MIN_CAP 8

/* FL_VEC — the type of a vector of `T` (an anonymous struct with members
 * items, len and cap); name it with a typedef to pass it between functions:
 * `typedef FL_VEC(struct tok) tok_vec;`. */
#define FL_VEC(T) struct { T *items; size_t len; size_t cap; }

/* fl_vec_push — make room for one more element at the end of vector `v`
 * (a pointer to a vector struct), growing it in arena `a` when full, and
 * return a pointer to that new last element, uninitialised, for the caller
 * to fill: `*fl_vec_push(a, v) = x;`.  len grows by one. */
#define fl_vec_push(a, v)                                                     \
	((v)->len < (v)->cap ? &(v)->items[(v)->len++]                        \
	 : ((v)->items = fl_vec_grow((a), (v)->items, (v)->len, 1,           \
				     sizeof *(v)->items, &(v)->cap),          \
	    &(v)->items[(v)->len++]))

/* fl_vec_reserve — make sure `n` more elements fit in vector `v` without
 * growing (so items[len .. len + n - 1] may be written, e.g. a terminating
 * NULL past the last element); grows in arena `a` when they do not.  len
 * is unchanged. */
#define fl_vec_reserve(a, v, n)                                               \
	((void)((v)->cap - (v)->len >= (size_t)(n) ? (v)->items               \
		: ((v)->items = fl_vec_grow((a), (v)->items, (v)->len, (n),   \
					    sizeof *(v)->items, &(v)->cap))))

/* fl_vec_len — how many elements vector `v` holds. */
#define fl_vec_len(v) ((size_t)(v)->len)

/* fl_vec_at — a pointer to element `i` (0-based) of vector `v`, or NULL
 * when `i` is not below its length.  Evaluates `i` twice. */
#define fl_vec_at(v, i) ((size_t)(i) < (v)->len ? &(v)->items[(i)] : NULL)

/* fl_vec_clear — forget every element of vector `v` (len becomes 0) and
 * keep its storage for the next pushes. */
#define fl_vec_clear(v) ((void)((v)->len = 0))

/* fl_vec_grow — the growth step of fl_vec_push and fl_vec_reserve (use
 * those): a new array in arena `a` with room for at least `len + extra`
 * elements of `size` bytes (*cap, or FL_VEC_MIN_CAP when *cap is 0,
 * doubled until they fit), the first `len` elements copied from `items`
 * (which may be NULL when `len` is 0).  Stores the new capacity in *cap and
 * returns the array, owned by `a`.  Never returns NULL: an impossible size
 * is fatal, like every arena allocation. */
void *fl_vec_grow(fl_arena *a, const void *items, size_t len, size_t extra, size_t size,
		  size_t *cap);

#endif
