#include "base/multidict.h"

#include <string.h>

#include "base/jstring.h"
#include "base/vec.h"

void fl_multidict_init(fl_multidict *md, fl_arena *a)
{
	md->arena = a;
	md->items = NULL;
	md->len = md->cap = 0;
}

void fl_multidict_add(fl_multidict *md, const char *key, const char *value, size_t value_len)
{
	fl_pair *p = fl_vec_push(md->arena, md);
	p->key = fl_arena_strdup(md->arena, key);
	p->value = fl_arena_memdup(md->arena, value, value_len);
	p->value_len = value_len;
}

const fl_pair *fl_multidict_find(const fl_multidict *md, const char *key)
{
	for (size_t i = 0; i < md->len; i++)
		if (strcmp(md->items[i].key, key) == 0)
			return &md->items[i];
	return NULL;
}

const char *fl_multidict_get(const fl_multidict *md, const char *key)
{
	const fl_pair *p = fl_multidict_find(md, key);
	return p ? p->value : NULL;
}

size_t fl_multidict_count(const fl_multidict *md, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < md->len; i++)
		if (strcmp(md->items[i].key, key) == 0)
			n++;
	return n;
}

const char **fl_multidict_getlist(const fl_multidict *md, const char *key)
{
	const char **out = fl_arena_alloc(md->arena, (fl_multidict_count(md, key) + 1) * sizeof *out);
	size_t n = 0;
	for (size_t i = 0; i < md->len; i++)
		if (strcmp(md->items[i].key, key) == 0)
			out[n++] = md->items[i].value;
	out[n] = NULL;
	return out;
}

json_t *fl_multidict_to_json(const fl_multidict *md)
{
	json_t *o = json_object();
	for (size_t i = 0; i < md->len; i++)
		if (!json_object_get(o, md->items[i].key))
			json_object_set_new(o, md->items[i].key,
				fl_json_stringn(md->items[i].value, md->items[i].value_len));
	return o;
}
