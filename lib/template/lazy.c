/* lazy.c — objects whose members are made when a template first reads
 * them (fl_tpl_lazy).
 *
 * Why: the request object and the WTForms-style field objects were built
 * whole on every request (~15 k and ~30 k instructions on the index, issue
 * #20) though a page reads one or two of their members, often none.
 *
 * What: an object with a hidden member LAZY_KEY (a NUL byte first, like the
 * engine's other marks, so no data can carry it) holding [function, user
 * data] as two integers.  A member the object lacks is asked of the
 * function by name and kept; every use of the object as a whole (printing,
 * iteration, len, items(), ==, tojson, `in`, a C function's argument)
 * first fills it in place with all its members, in the function's order,
 * and drops the mark: from then on it is the dict it stands for. */
#include <stdint.h>
#include <string.h>

#include "template/internal.h"

#define LAZY_KEY "\0__fl_lazy__"
#define LAZY_KEY_LEN (sizeof LAZY_KEY - 1)

json_t *fl_tpl_lazy_members(json_t *obj, fl_tpl_lazy_fn fn, void *ud)
{
	const char *k;
	size_t klen;
	json_t *x;
	if (!json_is_object(obj))
		return obj;
	json_object_keylen_foreach(obj, k, klen, x)
		if (!tv_hidden_key(k, klen))
			return obj;  /* the mark must come before ordinary members */
	json_t *target = json_array();
	json_array_append_new(target, json_integer((json_int_t)(intptr_t)fn));
	json_array_append_new(target, json_integer((json_int_t)(intptr_t)ud));
	json_object_setn_new_nocheck(obj, LAZY_KEY, LAZY_KEY_LEN, target);
	return obj;
}

json_t *fl_tpl_lazy(fl_tpl_lazy_fn fn, void *ud)
{
	return fl_tpl_lazy_members(json_object(), fn, ud);
}

/* The mark follows the engine's other marks (callable, sequence), before
 * any ordinary member: found by walking the leading hidden keys, with no
 * hashing, since every attribute a template misses asks. */
static int lazy_target(const json_t *obj, fl_tpl_lazy_fn *fn, void **ud)
{
	json_t *t = NULL;
	void *it = json_object_iter((json_t *)obj);
	for (int i = 0; it && i < 3; i++, it = json_object_iter_next((json_t *)obj, it)) {
		const char *k = json_object_iter_key(it);
		size_t klen = json_object_iter_key_len(it);
		if (!tv_hidden_key(k, klen))
			break;
		if (klen == LAZY_KEY_LEN && !memcmp(k, LAZY_KEY, klen)) {
			t = json_object_iter_value(it);
			break;
		}
	}
	if (json_array_size(t) != 2)
		return 0;
	*fn = (fl_tpl_lazy_fn)(intptr_t)json_integer_value(json_array_get(t, 0));
	*ud = (void *)(intptr_t)json_integer_value(json_array_get(t, 1));
	return 1;
}

json_t *tpl_lazy_get(const json_t *obj, const char *name)
{
	fl_tpl_lazy_fn fn;
	void *ud;
	if (!json_is_object(obj) || !name || !lazy_target(obj, &fn, &ud))
		return NULL;
	json_t *v = fn(ud, name);
	if (!v)
		return NULL;
	json_object_set_new((json_t *)obj, name, v);
	return v;  /* borrowed: the object holds it */
}

json_t *tpl_lazy_whole(const json_t *v)
{
	fl_tpl_lazy_fn fn;
	void *ud;
	if (!json_is_object(v) || !lazy_target(v, &fn, &ud))
		return (json_t *)v;
	json_t *obj = (json_t *)v, *all = fn(ud, NULL), *plain = json_object();
	const char *k;
	size_t klen;
	json_t *x;
	/* the engine's own marks first, as they were (callable, sequence) */
	json_object_keylen_foreach(obj, k, klen, x)
		if (tv_hidden_key(k, klen) && !(klen == LAZY_KEY_LEN && !memcmp(k, LAZY_KEY, klen)))
			json_object_setn_nocheck(plain, k, klen, x);
	/* then every member in the function's order; one read before keeps
	 * its value (the same object a template may hold) */
	json_object_keylen_foreach(all, k, klen, x) {
		json_t *had = json_object_getn(obj, k, klen);
		json_object_setn_nocheck(plain, k, klen, had ? had : x);
	}
	json_object_keylen_foreach(obj, k, klen, x)
		if (!tv_hidden_key(k, klen) && !json_object_getn(plain, k, klen))
			json_object_setn_nocheck(plain, k, klen, x);
	json_object_clear(obj);
	/* key by key with lengths: json_object_update would cut the marks'
	 * keys at their NUL byte */
	json_object_keylen_foreach(plain, k, klen, x)
		json_object_setn_nocheck(obj, k, klen, x);
	json_decref(plain);
	json_decref(all);
	return obj;
}
