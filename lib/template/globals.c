/* globals.c — the stateful globals of Jinja's DEFAULT_NAMESPACE
 * (jinja2/defaults.py, jinja2/utils.py): namespace(), cycler(), joiner().
 * lipsum() is left out (random filler text has no place on a page).
 *
 * Each is made per call in the render's arena and lives as long as the
 * render.  Their state is reached only through values the engine made:
 * a namespace carries a first member under a key beginning with a NUL
 * byte (no data can hold one, see value.c), and the methods of a cycler
 * and a joiner are callable objects (fl_tpl_callable) whose user data is
 * the render-owned state, never something data can name. */
#include <stdio.h>
#include <string.h>

#include "template/internal.h"

#define NS_KEY "\0__fl_namespace__"
#define NS_KEY_LEN (sizeof NS_KEY - 1)

static json_t *fail(fl_tpl_error *err, const char *msg)
{
	snprintf(err->message, sizeof err->message, "%s", msg);
	return NULL;
}

/* Add the members of mapping `src` (or [key, value] pairs) to `dst`, as
 * Python's dict(src) does. */
static int update_from(json_t *dst, json_t *src)
{
	const char *k;
	size_t klen;
	json_t *v;
	if (json_is_object(src) && !fl_is_markup(src)) {
		src = tpl_whole(src);
		json_object_keylen_foreach(src, k, klen, v)
			if (!tv_hidden_key(k, klen))
				json_object_setn_nocheck(dst, k, klen, v);
		return 0;
	}
	json_t *items = tv_seq_items(src) ? tv_seq_items(src) : json_is_array(src) ? src : NULL;
	if (!items)
		return -1;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *pair = json_array_get(items, i), *pi = tv_seq_items(pair);
		pair = pi ? pi : pair;
		if (json_array_size(pair) != 2 || !json_is_string(json_array_get(pair, 0)))
			return -1;
		json_t *key = json_array_get(pair, 0);
		json_object_setn_nocheck(dst, json_string_value(key), json_string_length(key),
					 json_array_get(pair, 1));
	}
	return 0;
}

/* namespace(mapping=None, **kw) — jinja2.utils.Namespace: an object whose
 * attributes `{% set ns.attr = value %}` can assign from any scope. */
static json_t *fn_namespace(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			    fl_tpl_error *err)
{
	(void)ud;
	(void)a;
	if (json_array_size(args) > 1)
		return fail(err, "dict expected at most 1 argument");
	json_t *ns = json_object();
	json_object_setn_new_nocheck(ns, NS_KEY, NS_KEY_LEN, json_true());
	if (json_array_size(args) == 1 && update_from(ns, json_array_get(args, 0)))
		return fail(err, "namespace() needs a mapping or a sequence of pairs");
	update_from(ns, kwargs);
	return ns;
}

int tpl_is_namespace(const json_t *v)
{
	if (!json_is_object(v))
		return 0;
	void *it = json_object_iter((json_t *)v);
	return it && json_object_iter_key_len(it) == NS_KEY_LEN &&
	       !memcmp(json_object_iter_key(it), NS_KEY, NS_KEY_LEN);
}

/* ---- cycler(*items): .next(), .reset(), .current, .items, .pos ---- */

static void cycler_at(json_t *c, json_int_t pos)
{
	json_t *items = json_object_get(c, "items");
	json_object_set_new_nocheck(c, "pos", json_integer(pos));
	json_object_set_nocheck(c, "current", json_array_get(items, (size_t)pos));
}

static json_t *cycler_next(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			   fl_tpl_error *err)
{
	(void)a;
	(void)kwargs;
	if (json_array_size(args))
		return fail(err, "next() takes no arguments");
	json_t *c = ud, *rv = json_object_get(c, "current");
	json_int_t n = (json_int_t)json_array_size(json_object_get(c, "items"));
	cycler_at(c, (json_integer_value(json_object_get(c, "pos")) + 1) % n);
	return rv;
}

static json_t *cycler_reset(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			    fl_tpl_error *err)
{
	(void)a;
	(void)args;
	(void)kwargs;
	(void)err;
	cycler_at(ud, 0);
	return json_null();
}

static json_t *fn_cycler(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	(void)ud;
	(void)a;
	if (json_object_size(kwargs))
		return fail(err, "cycler() got an unexpected keyword argument");
	if (!json_array_size(args))
		return fail(err, "at least one item has to be provided");
	json_t *c = json_object();
	json_object_set_nocheck(c, "items", args);
	cycler_at(c, 0);
	json_object_set_new_nocheck(c, "next", fl_tpl_callable(NULL, cycler_next, c));
	json_object_set_new_nocheck(c, "reset", fl_tpl_callable(NULL, cycler_reset, c));
	return c;
}

/* ---- joiner(sep=", "): "" on the first call, sep on every later one ---- */

struct joiner {
	json_t *sep;
	int used;
};

static json_t *joiner_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
			   fl_tpl_error *err)
{
	(void)a;
	(void)kwargs;
	if (json_array_size(args))
		return fail(err, "__call__() takes no arguments");
	struct joiner *j = ud;
	if (!j->used) {
		j->used = 1;
		return json_string("");
	}
	return j->sep;
}

static json_t *fn_joiner(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	(void)ud;
	json_t *sep = json_object_get(kwargs, "sep");
	if (json_array_size(args) > 1 || json_object_size(kwargs) > (sep ? 1u : 0u) ||
	    (sep && json_array_size(args)))
		return fail(err, "joiner() takes at most one argument, sep");
	if (!sep)
		sep = json_array_size(args) ? json_array_get(args, 0) : json_string(", ");
	struct joiner *j = fl_arena_calloc(a, 1, sizeof *j);
	j->sep = json_incref(sep);
	return fl_tpl_callable(NULL, joiner_call, j);
}

void tpl_globals_add(fl_tpl_env *env)
{
	fl_tpl_env_add_function(env, "namespace", fn_namespace);
	fl_tpl_env_add_function(env, "cycler", fn_cycler);
	fl_tpl_env_add_function(env, "joiner", fn_joiner);
}
