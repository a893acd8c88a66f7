/* fuzz_jsondump.c — base/jsondump.h against jansson: for any JSON text
 * (its first byte picks the flags), fl_json_dump writes exactly what
 * json_dumps writes, and a compact row (base/row.h) made from an object's
 * members writes exactly what the object writes.  A difference aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/jsondump.h"
#include "base/row.h"

static const size_t flag_sets[] = {
	JSON_COMPACT | JSON_SORT_KEYS, JSON_INDENT(2) | JSON_SORT_KEYS, 0, JSON_INDENT(3),
	JSON_COMPACT | JSON_ENSURE_ASCII, JSON_SORT_KEYS | JSON_ESCAPE_SLASH | JSON_INDENT(1),
	JSON_COMPACT | JSON_REAL_PRECISION(5), JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17),
};

/* fl_json_dump(v) == json_dumps(like, flags), both failing alike. */
static void same(fl_arena *a, const json_t *v, const json_t *like, size_t flags)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_err err = fl_json_dump(v, flags, &b);
	char *want = json_dumps(like, flags);
	if ((err == FL_OK) != (want != NULL))
		abort();
	if (want && strcmp(want, fl_buf_cstr(&b)) != 0)
		abort();
	json_free_t release;   /* whatever allocator jansson was given */
	json_get_alloc_funcs(NULL, &release);
	if (want)
		release(want);
}

/* A compact row with the members of object `o` as its columns. */
static json_t *as_row(fl_arena *a, json_t *o, fl_row_shape **shape)
{
	size_t n = json_object_size(o), i = 0;
	const char **names = fl_arena_alloc(a, (n + 1) * sizeof *names);
	size_t *lens = fl_arena_alloc(a, (n + 1) * sizeof *lens);
	json_t *cells = json_array(), *v;
	const char *k;
	size_t klen;
	json_object_keylen_foreach(o, k, klen, v) {
		names[i] = k;
		lens[i++] = klen;
		json_array_append(cells, v);
	}
	*shape = fl_row_shape_new(a, names, lens, n);
	return fl_row_new(*shape, cells);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t flags = flag_sets[data[0] % (sizeof flag_sets / sizeof *flag_sets)] | JSON_ENCODE_ANY;
	json_t *v = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL,
		NULL);
	if (!v)
		return 0;
	fl_arena *a = fl_arena_new(0);
	same(a, v, v, flags);
	if (json_is_object(v)) {
		fl_row_shape *shape;
		json_t *row = as_row(a, v, &shape);
		if (!row)
			abort();
		same(a, row, v, flags);
		/* inside containers too (short inputs only: fl_json_dump's depth
		 * limit is jansson's parser's, two levels more would pass it) */
		if (size > 1024) {
			json_decref(row);
			json_decref(v);
			fl_arena_free(a);
			return 0;
		}
		json_t *wrap = json_pack("[O, {s:O}]", row, "r", row), *plain = json_pack("[O, {s:O}]",
			v, "r", v);
		same(a, wrap, plain, flags);
		json_decref(wrap);
		json_decref(plain);
		json_decref(row);
	}
	json_decref(v);
	fl_arena_free(a);
	return 0;
}
