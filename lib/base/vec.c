/* vec.c — the growth step of the arena-backed vectors; see vec.h. */
#include "base/vec.h"

#include <stdint.h>
#include <string.h>

void *fl_vec_grow(fl_arena *a, const void *items, size_t len, size_t extra, size_t size,
		  size_t *cap)
{
	size_t need = len + extra, c = *cap ? *cap : FL_VEC_MIN_CAP;

	if (need < len)
		need = SIZE_MAX; /* overflow: fatal below */
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : c * 2;
	/* fl_arena_calloc ends the process on count * size overflowing, the
	 * way every impossible arena allocation does; only reached then. */
	void *n = size && c > SIZE_MAX / size ? fl_arena_calloc(a, c, size)
					      : fl_arena_alloc(a, c * size);
	if (len)
		memcpy(n, items, len * size);
	*cap = c;
	return n;
}
