/* multidict.h — an ordered list of key/value string pairs where a key may
 * repeat (werkzeug's MultiDict): query arguments, form fields, cookies.
 * All storage lives in the arena the multidict was initialised with. */
#ifndef FL_MULTIDICT_H
#define FL_MULTIDICT_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"

/* One (key, value) pair of a multidict. */
typedef struct fl_pair {
	const char *key;            /* NUL-terminated */
	const char *value;          /* NUL-terminated copy of value_len bytes */
	size_t value_len;           /* bytes in value; a value may hold NUL bytes
				     * (then strlen(value) < value_len): the
				     * request refuses those, see request.h */
} fl_pair;

/* werkzeug's MultiDict: (key, value) pairs in order, a key may repeat
 * (request.args, request.form, request.cookies).  The pairs are a vector
 * (base/vec.h: items, len, cap) growing in `arena`. */
typedef struct fl_multidict {
	fl_arena *arena;            /* where the pairs are copied */
	fl_pair *items;             /* the pairs, in order */
	size_t len;                 /* how many pairs */
	size_t cap;                 /* room in items */
} fl_multidict;

/* fl_multidict_init — an empty multidict that allocates from `a`. */
void fl_multidict_init(fl_multidict *md, fl_arena *a);

/* fl_multidict_add — append (key, value); both are copied into the arena.
 * `value_len` is the value's length in bytes. */
void fl_multidict_add(fl_multidict *md, const char *key, const char *value, size_t value_len);

/* fl_multidict_get — the first value stored under `key`, or NULL.  Like
 * MultiDict.get(key).  The string is owned by the multidict's arena.  A C
 * string: use fl_multidict_find for the length of a value that may hold
 * NUL bytes (a request's args and form never do). */
const char *fl_multidict_get(const fl_multidict *md, const char *key);

/* fl_multidict_find — the first pair stored under `key` (its value with
 * value_len), or NULL.  The pair is owned by the multidict. */
const fl_pair *fl_multidict_find(const fl_multidict *md, const char *key);

/* fl_multidict_count — how many values `key` has (len(getlist(key))). */
size_t fl_multidict_count(const fl_multidict *md, const char *key);

/* fl_multidict_getlist — the values of `key` in order, as a NULL-terminated
 * array allocated in the multidict's arena (MultiDict.getlist). */
const char **fl_multidict_getlist(const fl_multidict *md, const char *key);

/* fl_multidict_to_json — a JSON object mapping every key to its first value
 * (what Jinja shows for request.args).  The object lives in whatever arena
 * jansson currently allocates from; the caller owns the reference. */
json_t *fl_multidict_to_json(const fl_multidict *md);

#endif
