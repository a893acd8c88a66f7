/* env.c — the template environment: loading files safely from one
 * directory, the per-process cache of compiled templates (recompiled on
 * change with auto_reload), global functions, and the render entry points. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "template/internal.h"

/* Template files larger than this are refused. */
#define TPL_MAX_FILE (8u << 20)

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("flagon: fatal: out of memory\n", stderr);
		_Exit(70);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("flagon: fatal: out of memory\n", stderr);
		_Exit(70);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static void set_err(fl_tpl_error *err, const char *file, const char *msg)
{
	if (!err)
		return;
	snprintf(err->file, sizeof err->file, "%s", file);
	err->line = err->column = 0;
	snprintf(err->message, sizeof err->message, "%s", msg);
}

/* ---- compiling ---- */

void tpl_free(struct tpl *t)
{
	if (!t)
		return;
	fl_arena_free(t->arena);
	free(t->name);
	free(t);
}

/* Flask 2.2's select_jinja_autoescape: on for .html .htm .xml .xhtml (.svg
 * only from Flask 2.3), and for a template from a string
 * (render_template_string), off for any other name (.txt mail bodies). */
static int autoescape_for(const char *name)
{
	static const char *const exts[] = {".html", ".htm", ".xml", ".xhtml"};
	size_t n = strlen(name);
	if (!strcmp(name, "<string>"))
		return 1;
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t k = strlen(exts[i]);
		if (n >= k && !strcmp(name + n - k, exts[i]))
			return 1;
	}
	return 0;
}

fl_err tpl_compile(const fl_tpl_env *env, const char *name, const char *src, size_t len,
		   struct tpl **out, fl_tpl_error *err)
{
	struct tpl *t = calloc(1, sizeof *t);
	if (!t)
		return FL_ENOMEM;
	t->name = xstrdup(name);
	t->arena = fl_arena_new(4096);
	t->autoescape = autoescape_for(name);
	/* Jinja turns \r\n and \r into \n and drops one trailing newline
	 * (keep_trailing_newline=False). */
	char *s = fl_arena_alloc(t->arena, len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (src[i] == '\r') {
			s[n++] = '\n';
			if (i + 1 < len && src[i + 1] == '\n')
				i++;
		} else {
			s[n++] = src[i];
		}
	}
	if (n && s[n - 1] == '\n')
		n--;
	s[n] = '\0';
	/* Constants of the tree must outlive any request: they go to the
	 * template's own arena, whatever arena jansson was using. */
	fl_arena *prev = fl_json_set_arena(t->arena);
	fl_err e = tpl_parse(t, env, s, n, err);
	if (!e) {
		tpl_scope_resolve(t);
		tpl_fold(t);
	}
	fl_json_set_arena(prev);
	if (e) {
		tpl_free(t);
		return e;
	}
	*out = t;
	return FL_OK;
}

/* ---- names and files ---- */

/* A template name must stay inside the directory: relative, no ".."
 * component, no backslash (Jinja's split_template_path). */
static int valid_name(const char *name)
{
	if (!name || !*name || name[0] == '/' || strchr(name, '\\'))
		return 0;
	for (const char *p = name; *p;) {
		size_t k = strcspn(p, "/");
		if (k == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += k + (p[k] == '/');
	}
	return 1;
}

static fl_err read_file(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? FL_ENOTFOUND : FL_EIO;
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return FL_ENOTFOUND;
	}
	if ((unsigned long long)st.st_size > TPL_MAX_FILE) {
		close(fd);
		return FL_ETOOLARGE;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap > TPL_MAX_FILE) {
				free(buf);
				close(fd);
				return FL_ETOOLARGE;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				close(fd);
				return FL_ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(buf);
			close(fd);
			return FL_EIO;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	*data = buf;
	*len = n;
	return FL_OK;
}

static struct tpl **find_cached(fl_tpl_env *env, const char *name)
{
	for (struct tpl **pp = &env->cache; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name))
			return pp;
	return NULL;
}

/* The first directory of the search path holding `name` as a regular
 * file: its path (heap) and stat in *st; NULL when none does. */
static char *find_file(const fl_tpl_env *env, const char *name, struct stat *st)
{
	for (size_t i = 0; i < env->ndirs; i++) {
		size_t plen = strlen(env->dirs[i]) + strlen(name) + 2;
		char *path = xmalloc(plen);
		snprintf(path, plen, "%s/%s", env->dirs[i], name);
		if (!stat(path, st) && S_ISREG(st->st_mode))
			return path;
		free(path);
	}
	return NULL;
}

char *fl_tpl_source_path(const fl_tpl_env *env, const char *name)
{
	struct stat st;
	return valid_name(name) ? find_file(env, name, &st) : NULL;
}

static const struct tpl_source *find_source(const fl_tpl_env *env, const char *name)
{
	for (size_t i = 0; i < env->nsources; i++)
		if (!strcmp(env->sources[i].name, name))
			return &env->sources[i];
	return NULL;
}

/* Put freshly compiled `t` in the cache, in place of `*pp` when set. */
static void cache_put(fl_tpl_env *env, struct tpl **pp, struct tpl *t)
{
	if (pp) {
		/* A render may still be walking the old tree: retire it and free
		 * it when no render is running. */
		struct tpl *old = *pp;
		t->next = old->next;
		*pp = t;
		old->next = env->retired;
		env->retired = old;
	} else {
		t->next = env->cache;
		env->cache = t;
	}
}

fl_err tpl_env_get(fl_tpl_env *env, const char *name, struct tpl **out, fl_tpl_error *err)
{
	char msg[256];
	if (!valid_name(name)) {
		set_err(err, name ? name : "", "invalid template name");
		return FL_EINVAL;
	}
	struct tpl **pp = find_cached(env, name);
	if (pp && (!env->auto_reload || (*pp)->in_memory)) {
		*out = *pp;
		return FL_OK;
	}
	struct stat st;
	char *path = find_file(env, name, &st);
	const struct tpl_source *mem = path ? NULL : find_source(env, name);
	if (!path && !mem) {
		snprintf(msg, sizeof msg, "template '%.200s' not found", name);
		set_err(err, name, msg);
		return FL_ENOTFOUND;
	}
	if (mem) {
		struct tpl *t;
		fl_err e = tpl_compile(env, name, mem->src, mem->len, &t, err);
		if (e)
			return e;
		t->in_memory = 1;
		cache_put(env, pp, t);
		*out = t;
		return FL_OK;
	}
	if (pp && !(*pp)->in_memory && (*pp)->mtime.tv_sec == st.st_mtim.tv_sec &&
	    (*pp)->mtime.tv_nsec == st.st_mtim.tv_nsec && (*pp)->size == st.st_size) {
		free(path);
		*out = *pp;
		return FL_OK;
	}
	char *src;
	size_t len;
	fl_err e = read_file(path, &src, &len);
	free(path);
	if (e) {
		snprintf(msg, sizeof msg, "template '%.160s' could not be read: %s", name, fl_strerror(e));
		set_err(err, name, msg);
		return e == FL_ENOTFOUND ? e : FL_ETEMPLATE;
	}
	struct tpl *t;
	e = tpl_compile(env, name, src, len, &t, err);
	free(src);
	if (e)
		return e;
	t->mtime = st.st_mtim;
	t->size = st.st_size;
	cache_put(env, pp, t);
	*out = t;
	return FL_OK;
}

fl_err tpl_env_load(fl_tpl_env *env, const char *name, struct tpl **out, fl_tpl_error *err)
{
	fl_err e = tpl_env_get(env, name, out, err);
	return e ? e : tpl_resolve(env, *out, err);
}

/* ---- builtin globals ---- */

static json_t *fn_range(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	size_t n = json_array_size(args);
	json_int_t v[3] = {0, 0, 1};
	if (n < 1 || n > 3 || json_object_size(kwargs)) {
		snprintf(err->message, sizeof err->message, "range expected 1 to 3 integer arguments");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(args, i);
		if (!json_is_integer(x)) {
			snprintf(err->message, sizeof err->message,
				 "'%s' object cannot be interpreted as an integer", tv_typename(x));
			return NULL;
		}
		v[n == 1 ? 1 : i] = json_integer_value(x);
	}
	if (v[2] == 0) {
		snprintf(err->message, sizeof err->message, "range() arg 3 must not be zero");
		return NULL;
	}
	json_t *out = json_array();
	size_t count = 0;
	for (json_int_t i = v[0]; v[2] > 0 ? i < v[1] : i > v[1]; i += v[2]) {
		/* Jinja's sandbox caps range() too (MAX_RANGE = 100000). */
		if (++count > 100000) {
			snprintf(err->message, sizeof err->message, "range too big");
			return NULL;
		}
		json_array_append_new(out, json_integer(i));
		if ((v[2] > 0 && i > LLONG_MAX - v[2]) || (v[2] < 0 && i < LLONG_MIN - v[2]))
			break;
	}
	return out;
}

static json_t *fn_dict(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	if (json_array_size(args)) {
		snprintf(err->message, sizeof err->message, "dict() takes keyword arguments only");
		return NULL;
	}
	return json_copy(kwargs);
}

/* ---- the env ---- */

fl_tpl_env *fl_tpl_env_new(const char *template_dir, int auto_reload)
{
	if (!template_dir)
		return NULL;
	fl_tpl_env *env = calloc(1, sizeof *env);
	if (!env)
		return NULL;
	fl_tpl_env_add_path(env, template_dir);
	env->auto_reload = auto_reload;
	env->values = fl_arena_new(0);
	env->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!env->utf8)
		env->utf8 = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	fl_tpl_env_add_function(env, "range", fn_range);
	fl_tpl_env_add_function(env, "dict", fn_dict);
	tpl_globals_add(env);  /* namespace, cycler, joiner */
	return env;
}

static void users_free(struct tpl_users *list);

static void free_list(struct tpl *t)
{
	while (t) {
		struct tpl *next = t->next;
		tpl_free(t);
		t = next;
	}
}

void fl_tpl_env_free(fl_tpl_env *env)
{
	if (!env)
		return;
	free_list(env->cache);
	free_list(env->retired);
	for (size_t i = 0; i < env->nfuncs; i++)
		free(env->funcs[i].name);
	free(env->funcs);
	fl_arena_free(env->values);
	users_free(&env->filters);
	users_free(&env->tests);
	if (env->utf8)
		freelocale(env->utf8);
	for (size_t i = 0; i < env->ndirs; i++)
		free(env->dirs[i]);
	free(env->dirs);
	for (size_t i = 0; i < env->nsources; i++) {
		free(env->sources[i].name);
		free(env->sources[i].src);
	}
	free(env->sources);
	free(env);
}

static void users_free(struct tpl_users *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i]->name);
		free(list->v[i]);
	}
	free(list->v);
}

const struct tpl_user *tpl_user_find(const struct tpl_users *list, const char *name)
{
	for (size_t i = 0; i < list->n; i++)
		if (!strcmp(list->v[i]->name, name))
			return list->v[i];
	return NULL;
}

static void users_add(struct tpl_users *list, const char *name, fl_tpl_function fn)
{
	struct tpl_user *u = (struct tpl_user *)tpl_user_find(list, name);
	if (u) {
		u->fn = fn;
		return;
	}
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct tpl_user **v = realloc(list->v, cap * sizeof *v);
		if (!v) {
			fputs("flagon: fatal: out of memory\n", stderr);
			_Exit(70);
		}
		list->v = v;
		list->cap = cap;
	}
	u = xmalloc(sizeof *u);
	u->name = xstrdup(name);
	u->fn = fn;
	list->v[list->n++] = u;
}

void fl_tpl_env_add_filter(fl_tpl_env *env, const char *name, fl_tpl_function fn)
{
	users_add(&env->filters, name, fn);
}

void fl_tpl_env_add_test(fl_tpl_env *env, const char *name, fl_tpl_function fn)
{
	users_add(&env->tests, name, fn);
}

/* The entry of global `name`, added (empty) when there is none. */
static struct tpl_func *global_slot(fl_tpl_env *env, const char *name)
{
	for (size_t i = 0; i < env->nfuncs; i++)
		if (!strcmp(env->funcs[i].name, name))
			return &env->funcs[i];
	if (env->nfuncs == env->capfuncs) {
		size_t cap = env->capfuncs ? env->capfuncs * 2 : 8;
		struct tpl_func *f = realloc(env->funcs, cap * sizeof *f);
		if (!f) {
			fputs("flagon: fatal: out of memory\n", stderr);
			_Exit(70);
		}
		env->funcs = f;
		env->capfuncs = cap;
	}
	env->funcs[env->nfuncs] = (struct tpl_func){xstrdup(name), NULL, NULL, NULL};
	return &env->funcs[env->nfuncs++];
}

void fl_tpl_env_add_function(fl_tpl_env *env, const char *name, fl_tpl_function fn)
{
	struct tpl_func *g = global_slot(env, name);
	g->fn = fn;
	g->stamp = NULL;
	if (tpl_callable_kind(g->handle, NULL) == TPL_FUNC)
		return;
	fl_arena *prev = fl_json_set_arena(env->values);
	g->handle = tpl_callable_new(TPL_FUNC, (size_t)(g - env->funcs));
	fl_json_set_arena(prev);
}

/* A copy of v in the current jansson arena that keeps every member's key
 * whole — a NUL-led key too, so markup and callable objects stay what they
 * are (json_deep_copy would cut those keys short). */
static json_t *copy_value(json_t *v, int depth)
{
	if (depth > 64)
		return json_null();
	if (json_is_object(v)) {
		json_t *o = json_object(), *x;
		const char *k;
		size_t klen;
		json_object_keylen_foreach(v, k, klen, x)
			json_object_setn_new_nocheck(o, k, klen, copy_value(x, depth + 1));
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array(), *x;
		size_t i;
		json_array_foreach(v, i, x)
			json_array_append_new(a, copy_value(x, depth + 1));
		return a;
	}
	return v ? json_deep_copy(v) : json_null();
}

void fl_tpl_env_add_global(fl_tpl_env *env, const char *name, json_t *value)
{
	struct tpl_func *g = global_slot(env, name);
	fl_arena *prev = fl_json_set_arena(env->values);
	g->fn = NULL;
	g->stamp = NULL;
	g->handle = copy_value(value, 0);
	fl_json_set_arena(prev);
}

void fl_tpl_env_memo_function(fl_tpl_env *env, const char *name, fl_tpl_memo_stamp stamp)
{
	for (size_t i = 0; i < env->nfuncs; i++)
		if (env->funcs[i].fn && !strcmp(env->funcs[i].name, name))
			env->funcs[i].stamp = stamp;
}

json_t *tpl_env_global(const fl_tpl_env *env, const char *name)
{
	/* A scan that compares the first letter first: a few globals, most
	 * of them never asked for, and the ones pages call most (url_for)
	 * registered early — cheaper than hashing the name. */
	for (size_t i = 0; i < env->nfuncs; i++)
		if (env->funcs[i].name[0] == name[0] && !strcmp(env->funcs[i].name, name))
			return env->funcs[i].handle;
	return NULL;
}

static fl_err render_compiled(fl_tpl_env *env, struct tpl *t, json_t *globals, json_t *context,
			      void *ud, fl_arena *a, fl_buf *out, fl_tpl_error *err)
{
	struct rctx r;
	memset(&r, 0, sizeof r);
	r.env = env;
	r.ud = ud;
	r.a = a;
	r.err = err;
	r.root.vars = json_is_object(context) ? context : json_object();
	/* Jinja's lookup order: the context, then the render's globals (a
	 * frame under it, only when there are any), then the env's. */
	if (json_is_object(globals)) {
		r.globals.vars = globals;
		r.root.parent = &r.globals;
		const char *k;
		json_t *v;
		json_object_foreach(globals, k, v)
			r.globals.initials |= TPL_INITIAL(k);
		r.globals.known = 1;
	}
	r.undef = json_object();
	struct frame *top = tpl_frame(&r, &r.root);
	/* One allocation of about the size the last render of this template
	 * wrote (pages of one template differ little), instead of a doubling
	 * and a copy every time the output outgrows the buffer. */
	size_t start = out->len;
	if (t->out_hint)
		fl_buf_reserve(out, t->out_hint + t->out_hint / 8);
	fl_err e = tpl_render_tpl(&r, t, top, out);
	if (!e)
		t->out_hint = out->len - start < TPL_MAX_HINT ? out->len - start : TPL_MAX_HINT;
	return e;
}

/* Bracket every public render: jansson allocates from the request arena,
 * and templates retired by auto_reload are freed only between renders. */
static fl_arena *render_begin(fl_tpl_env *env, fl_arena *a, fl_tpl_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
	if (!env->rendering) {
		free_list(env->retired);
		env->retired = NULL;
	}
	env->rendering++;
	return fl_json_set_arena(a);
}

static void render_end(fl_tpl_env *env, fl_arena *prev)
{
	fl_json_set_arena(prev);
	env->rendering--;
}

fl_err fl_tpl_render_ex(fl_tpl_env *env, const char *name, json_t *globals, json_t *context,
			void *ud, fl_arena *a, fl_buf *out, fl_tpl_error *err)
{
	fl_arena *prev = render_begin(env, a, err);
	struct tpl *t;
	fl_err e = tpl_env_load(env, name, &t, err);
	if (!e)
		e = render_compiled(env, t, globals, context, ud, a, out, err);
	render_end(env, prev);
	return e;
}

fl_err fl_tpl_render(fl_tpl_env *env, const char *name, json_t *context, void *ud,
		     fl_arena *a, fl_buf *out, fl_tpl_error *err)
{
	return fl_tpl_render_ex(env, name, NULL, context, ud, a, out, err);
}

fl_err fl_tpl_render_string_ex(fl_tpl_env *env, const char *source, json_t *globals,
			       json_t *context, void *ud, fl_arena *a, fl_buf *out,
			       fl_tpl_error *err)
{
	fl_arena *prev = render_begin(env, a, err);
	struct tpl *t;
	fl_err e = tpl_compile(env, "<string>", source, strlen(source), &t, err);
	if (!e) {
		e = tpl_resolve(env, t, err);
		if (!e)
			e = render_compiled(env, t, globals, context, ud, a, out, err);
		tpl_free(t);
	}
	render_end(env, prev);
	return e;
}

fl_err fl_tpl_render_string(fl_tpl_env *env, const char *source, json_t *context, void *ud,
			    fl_arena *a, fl_buf *out, fl_tpl_error *err)
{
	return fl_tpl_render_string_ex(env, source, NULL, context, ud, a, out, err);
}

/* Compile template `name` as a render would (tpl_env_get: the first of
 * the search path, then the in-memory ones).  With `keep` it stays in the
 * cache; without, a template no render has asked for yet is released
 * right away, so that checking every file costs one template's memory at a
 * time, not all of them for the life of the process. */
static fl_err visit(fl_tpl_env *env, const char *name, int keep, fl_tpl_error *err)
{
	int cached = find_cached(env, name) != NULL;
	struct tpl *t;
	fl_err e = tpl_env_get(env, name, &t, err);
	if (e || keep || cached)
		return e;
	/* Fresh from cache_put: nothing holds it yet but the cache (the
	 * memos, size hints and filter resolution all live inside it). */
	struct tpl **pp = find_cached(env, name);
	*pp = t->next;
	if (env->rendering) {
		t->next = env->retired;
		env->retired = t;
	} else {
		tpl_free(t);
	}
	return FL_OK;
}

static fl_err walk_dir(fl_tpl_env *env, const char *root, const char *rel, int depth, int keep,
		       fl_tpl_error *err)
{
	size_t plen = strlen(root) + strlen(rel) + 2;
	char *path = xmalloc(plen);
	snprintf(path, plen, "%s/%s", root, rel);
	DIR *d = opendir(path);
	free(path);
	if (!d) {
		set_err(err, rel, "cannot read the template directory");
		return FL_EIO;
	}
	fl_err e = FL_OK;
	struct dirent *de;
	while (!e && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		size_t nlen = strlen(rel) + strlen(de->d_name) + 2;
		char *name = xmalloc(nlen);
		snprintf(name, nlen, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		size_t full = strlen(root) + nlen + 1;
		char *fp = xmalloc(full);
		snprintf(fp, full, "%s/%s", root, name);
		struct stat st;
		if (!stat(fp, &st)) {
			if (S_ISDIR(st.st_mode) && depth < 16) {
				e = walk_dir(env, root, name, depth + 1, keep, err);
			} else if (S_ISREG(st.st_mode)) {
				/* By name: a file that an earlier directory shadows
				 * compiles as the earlier one (the one renders use). */
				e = visit(env, name, keep, err);
			}
		}
		free(fp);
		free(name);
	}
	closedir(d);
	return e;
}

/* fl_tpl_compile_all and fl_tpl_check_all: every file of the search path,
 * then every in-memory template. */
static fl_err walk_all(fl_tpl_env *env, int keep, fl_tpl_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
	fl_err e = FL_OK;
	/* The first directory must be readable (the application's own); a
	 * later one that is missing is skipped, as Jinja's FileSystemLoader
	 * skips a search path entry that does not exist. */
	for (size_t i = 0; !e && i < env->ndirs; i++) {
		struct stat st;
		if (i > 0 && (stat(env->dirs[i], &st) || !S_ISDIR(st.st_mode)))
			continue;
		e = walk_dir(env, env->dirs[i], "", 0, keep, err);
	}
	for (size_t i = 0; !e && i < env->nsources; i++)
		e = visit(env, env->sources[i].name, keep, err);
	return e;
}

fl_err fl_tpl_compile_all(fl_tpl_env *env, fl_tpl_error *err)
{
	return walk_all(env, 1, err);
}

fl_err fl_tpl_check_all(fl_tpl_env *env, fl_tpl_error *err)
{
	return walk_all(env, 0, err);
}

void fl_tpl_env_add_path(fl_tpl_env *env, const char *dir)
{
	env->dirs = xrealloc(env->dirs, (env->ndirs + 1) * sizeof *env->dirs);
	env->dirs[env->ndirs++] = xstrdup(dir);
}

void fl_tpl_env_add_source(fl_tpl_env *env, const char *name, const char *source)
{
	env->sources = xrealloc(env->sources, (env->nsources + 1) * sizeof *env->sources);
	struct tpl_source *s = &env->sources[env->nsources++];
	s->name = xstrdup(name);
	s->src = xstrdup(source);
	s->len = strlen(source);
}
