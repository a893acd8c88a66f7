/* routing.c — rule compilation, matching and URL building.
 *
 * A rule compiles to a list of parts: literal text or a converter.  Matching
 * walks the parts left to right with backtracking only for `path`
 * converters, so typical rules cost one pass over the path. */
#include "http/routing.h"

#include "http/http.h"
#include "base/pyrepr.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fl_method_names[FL_METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
};

typedef enum conv {
	CONV_LITERAL,
	CONV_STRING,
	CONV_INT,
	CONV_FLOAT,
	CONV_PATH,
	CONV__MAX
} conv;

static const char *const conv_names[CONV__MAX] = {
	"", "string", "int", "float", "path",
};

typedef struct part {
	conv type;
	char *text;        /* literal text, or the argument name */
	size_t len;
} part;

typedef struct rule {
	const fl_route *route;
	size_t bp;         /* index of its blueprint in the map's blueprints */
	part *parts;
	size_t nparts;
	size_t nargs;
	int weight;        /* fewer converters first; literals beat converters */
	unsigned methods;  /* effective: GET implies HEAD; OPTIONS always */
} rule;

/* The rules of every blueprint of an application; blueprints[0] is the
 * one the program serves (matching looks only at its rules), the others
 * are there for url_for. */
struct fl_url_map {
	char **blueprints;
	size_t nblueprints;
	rule *rules;
	size_t nrules;
};

fl_method fl_method_parse(const char *s)
{
	for (int i = 0; i < FL_METHOD__MAX; i++)
		if (strcmp(s, fl_method_names[i]) == 0)
			return (fl_method)i;
	return FL_METHOD__MAX;
}

static int add_part(rule *r, conv type, const char *text, size_t len)
{
	part *p = realloc(r->parts, (r->nparts + 1) * sizeof *p);
	if (!p)
		return -1;
	r->parts = p;
	p[r->nparts].type = type;
	p[r->nparts].text = strndup(text, len);
	p[r->nparts].len = len;
	if (!p[r->nparts].text)
		return -1;
	r->nparts++;
	return 0;
}

static int valid_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static int compile_rule(rule *r, const fl_route *route, char *why, size_t whylen)
{
	const char *s = route->rule;
	memset(r, 0, sizeof *r);
	r->route = route;
	if (!s || s[0] != '/') {
		snprintf(why, whylen, "rule '%s' must start with '/'", s ? s : "(null)");
		return -1;
	}
	while (*s) {
		const char *lt = strchr(s, '<');
		if (!lt) {
			if (add_part(r, CONV_LITERAL, s, strlen(s)))
				goto nomem;
			break;
		}
		if (lt > s && add_part(r, CONV_LITERAL, s, (size_t)(lt - s)))
			goto nomem;
		const char *gt = strchr(lt, '>');
		if (!gt) {
			snprintf(why, whylen, "rule '%s': unclosed '<'", route->rule);
			return -1;
		}
		const char *colon = memchr(lt, ':', (size_t)(gt - lt));
		conv type = CONV_STRING;
		const char *name = lt + 1;
		if (colon) {
			size_t cl = (size_t)(colon - lt - 1);
			type = CONV__MAX;
			for (int i = 1; i < CONV__MAX; i++)
				if (strlen(conv_names[i]) == cl && !strncmp(conv_names[i], lt + 1, cl))
					type = (conv)i;
			if (type == CONV__MAX) {
				snprintf(why, whylen, "rule '%s': unknown converter '%.*s'",
					route->rule, (int)cl, lt + 1);
				return -1;
			}
			name = colon + 1;
		}
		size_t nl = (size_t)(gt - name);
		if (!valid_name(name, nl)) {
			snprintf(why, whylen, "rule '%s': bad argument name", route->rule);
			return -1;
		}
		for (size_t i = 0; i < r->nparts; i++)
			if (r->parts[i].type != CONV_LITERAL && r->parts[i].len == nl &&
			    !strncmp(r->parts[i].text, name, nl)) {
				snprintf(why, whylen, "rule '%s': duplicate argument '%.*s'",
					route->rule, (int)nl, name);
				return -1;
			}
		if (r->nargs == FL_MAX_VIEW_ARGS) {
			snprintf(why, whylen, "rule '%s': too many arguments", route->rule);
			return -1;
		}
		if (add_part(r, type, name, nl))
			goto nomem;
		r->nargs++;
		r->weight += type == CONV_PATH ? 100 : 10;
		s = gt + 1;
	}
	r->methods = route->methods ? route->methods : FL_M_GET;
	if (r->methods & FL_M_GET)
		r->methods |= FL_M(FL_HEAD);
	r->methods |= FL_M(FL_OPTIONS);
	return 0;
nomem:
	snprintf(why, whylen, "out of memory");
	return -1;
}

static void free_rule(rule *r)
{
	for (size_t i = 0; i < r->nparts; i++)
		free(r->parts[i].text);
	free(r->parts);
}

void fl_url_map_free(fl_url_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nrules; i++)
		free_rule(&m->rules[i]);
	free(m->rules);
	for (size_t i = 0; i < m->nblueprints; i++)
		free(m->blueprints[i]);
	free(m->blueprints);
	free(m);
}

static int by_weight(const void *a, const void *b)
{
	const rule *x = a, *y = b;
	if (x->bp != y->bp)
		return x->bp < y->bp ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight - y->weight;
	/* Stable: keep declaration order among equals. */
	return x->route < y->route ? -1 : x->route > y->route;
}

static int valid_blueprint_name(const char *s)
{
	return valid_name(s, strlen(s)) || !*s;
}

fl_err fl_url_map_add(fl_url_map *m, const char *blueprint, const fl_route *routes, size_t n,
	char *why, size_t whylen)
{
	blueprint = blueprint ? blueprint : "";
	if (!valid_blueprint_name(blueprint)) {
		snprintf(why, whylen, "blueprint name '%s' is not an identifier", blueprint);
		return FL_EINVAL;
	}
	for (size_t i = 0; i < m->nblueprints; i++)
		if (strcmp(m->blueprints[i], blueprint) == 0) {
			snprintf(why, whylen, "blueprint '%s' registered twice", blueprint);
			return FL_EINVAL;
		}
	char **bps = realloc(m->blueprints, (m->nblueprints + 1) * sizeof *bps);
	if (!bps)
		goto nomem;
	m->blueprints = bps;
	if (!(bps[m->nblueprints] = strdup(blueprint)))
		goto nomem;
	size_t bp = m->nblueprints++;
	rule *rules = realloc(m->rules, (m->nrules + n) * sizeof *rules);
	if (!rules && m->nrules + n)
		goto nomem;
	m->rules = rules;
	for (size_t i = 0; i < n; i++) {
		if (compile_rule(&m->rules[m->nrules], &routes[i], why, whylen)) {
			free_rule(&m->rules[m->nrules]);
			return FL_EINVAL;
		}
		m->rules[m->nrules++].bp = bp;
	}
	if (m->nrules > 1)
		qsort(m->rules, m->nrules, sizeof *m->rules, by_weight);
	return FL_OK;
nomem:
	snprintf(why, whylen, "out of memory");
	return FL_ENOMEM;
}

fl_url_map *fl_url_map_new(const char *blueprint, const fl_route *routes, size_t n,
	char *why, size_t whylen)
{
	fl_url_map *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (fl_url_map_add(m, blueprint, routes, n, why, whylen)) {
		fl_url_map_free(m);
		return NULL;
	}
	return m;
}

const char *fl_url_map_blueprint(const fl_url_map *m)
{
	return m->blueprints[0];
}

/* ---- matching ---- */

static int conv_accepts(conv type, const char *s, size_t n, fl_view_arg *arg)
{
	if (!n)
		return 0;
	switch (type) {
	case CONV_STRING:
		return memchr(s, '/', n) == NULL;
	case CONV_INT: {
		if (n > 18)
			return 0;
		long long v = 0;
		for (size_t i = 0; i < n; i++) {
			if (!isdigit((unsigned char)s[i]))
				return 0;
			v = v * 10 + (s[i] - '0');
		}
		arg->number = v;
		arg->real = (double)v;
		return 1;
	}
	case CONV_FLOAT: {
		size_t dots = 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '.')
				dots++;
			else if (!isdigit((unsigned char)s[i]))
				return 0;
		}
		if (dots != 1 || s[0] == '.' || s[n - 1] == '.' || n > 64)
			return 0;
		char tmp[65];
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		arg->real = strtod(tmp, NULL);
		return 1;
	}
	case CONV_PATH:
		return s[0] != '/';
	default:
		return 0;
	}
}

/* Match parts[i..] against s; fills args in order.  Backtracks only over
 * the length of `path` converters. */
static int match_parts(const rule *r, size_t i, const char *s, fl_view_arg *args, size_t k,
	fl_arena *a)
{
	if (i == r->nparts)
		return *s == '\0';
	const part *p = &r->parts[i];
	if (p->type == CONV_LITERAL) {
		if (strncmp(s, p->text, p->len) != 0)
			return 0;
		return match_parts(r, i + 1, s + p->len, args, k, a);
	}
	size_t avail = strlen(s);
	size_t lo, hi;
	if (p->type == CONV_PATH) {
		lo = 1;
		hi = avail;
	} else {
		/* A segment converter takes everything up to the next '/'. */
		const char *slash = strchr(s, '/');
		lo = hi = slash ? (size_t)(slash - s) : avail;
	}
	for (size_t n = lo; n <= hi && n > 0; n++) {
		fl_view_arg arg = { p->text, NULL, 0, 0 };
		if (!conv_accepts(p->type, s, n, &arg))
			continue;
		if (match_parts(r, i + 1, s + n, args, k + 1, a)) {
			arg.value = fl_arena_strndup(a, s, n);
			args[k] = arg;
			return 1;
		}
	}
	return 0;
}

fl_match_result fl_url_map_match(const fl_url_map *m, fl_arena *a, const char *path,
	fl_method method, const fl_route **route, fl_view_arg *args, size_t *nargs,
	unsigned *allowed, const char **redirect)
{
	fl_view_arg tmp[FL_MAX_VIEW_ARGS];
	const rule *hit = NULL;
	*allowed = 0;
	*nargs = 0;
	for (size_t i = 0; i < m->nrules && m->rules[i].bp == 0; i++) {
		const rule *r = &m->rules[i];
		if (!match_parts(r, 0, path, tmp, 0, a))
			continue;
		*allowed |= r->methods;
		if (!hit && (r->methods & FL_M(method))) {
			hit = r;
			memcpy(args, tmp, r->nargs * sizeof *tmp);
			*nargs = r->nargs;
		}
	}
	if (hit) {
		*route = hit->route;
		return FL_MATCH_OK;
	}
	if (*allowed)
		return FL_MATCH_METHOD;
	/* Werkzeug's strict slashes: "/login" finds "/login/" and redirects,
	 * when that rule takes the method (else werkzeug's NotFound). */
	size_t n = strlen(path);
	if (n && path[n - 1] != '/') {
		char *slashed = fl_arena_printf(a, "%s/", path);
		for (size_t i = 0; i < m->nrules && m->rules[i].bp == 0; i++)
			if ((m->rules[i].methods & FL_M(method)) &&
			    match_parts(&m->rules[i], 0, slashed, tmp, 0, a)) {
				*redirect = slashed;
				return FL_MATCH_REDIRECT;
			}
	}
	return FL_MATCH_NOT_FOUND;
}

/* ---- building ---- */

/* The text of a JSON scalar as url_for would str() it. */
static const char *scalar_text(fl_arena *a, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
	case JSON_REAL: {
		fl_buf b;
		fl_buf_init(&b, a);
		if (json_is_integer(v))
			fl_buf_put_int(&b, (long long)json_integer_value(v));
		else
			fl_float_repr(&b, json_real_value(v));
		return fl_buf_cstr(&b);
	}
	case JSON_TRUE:
		return "True";
	case JSON_FALSE:
		return "False";
	case JSON_NULL:
		return "None";
	default:
		return NULL;
	}
}

/* Flask's endpoint resolution: ".login" and a bare "login" are the
 * serving blueprint's (blueprints[0]); "session.login" is blueprint
 * "session"'s.  Nothing else is tried. */
static const rule *find_endpoint(const fl_url_map *m, const char *endpoint)
{
	const char *ep = endpoint;
	size_t bp = 0;
	const char *dot = strchr(ep, '.');
	if (dot == ep)
		ep++;
	else if (dot) {
		size_t bl = (size_t)(dot - ep);
		for (bp = 0; bp < m->nblueprints; bp++)
			if (strlen(m->blueprints[bp]) == bl && !strncmp(m->blueprints[bp], ep, bl))
				break;
		if (bp == m->nblueprints)
			return NULL;
		ep = dot + 1;
	}
	for (size_t i = 0; i < m->nrules; i++)
		if (m->rules[i].bp == bp && strcmp(m->rules[i].route->endpoint, ep) == 0)
			return &m->rules[i];
	return NULL;
}

/* The mount of blueprint `bp`: `script_name` for the serving one; for
 * another, `script_name` with its last component replaced by the
 * blueprint's name ("/cgi-bin/main" -> "/cgi-bin/session"), every
 * blueprint being a program beside the others. */
static void put_mount(fl_buf *b, const fl_url_map *m, size_t bp, const char *script_name)
{
	if (!script_name)
		return;
	if (bp == 0) {
		fl_buf_puts(b, script_name);
		return;
	}
	const char *slash = strrchr(script_name, '/');
	if (slash)
		fl_buf_append(b, script_name, (size_t)(slash - script_name));
	fl_buf_putc(b, '/');
	fl_buf_puts(b, m->blueprints[bp]);
}

static int is_rule_arg(const rule *r, const char *key)
{
	for (size_t i = 0; i < r->nparts; i++)
		if (r->parts[i].type != CONV_LITERAL && !strcmp(r->parts[i].text, key))
			return 1;
	return 0;
}

/* The values that are not rule arguments (nor `skip`, nor _external and
 * the other "_" keys) as the query string, as werkzeug's MapAdapter.build. */
static void append_query(fl_buf *b, fl_arena *a, const rule *r, const char *skip,
	json_t *values, int *first)
{
	const char *key;
	json_t *v;
	json_object_foreach(values, key, v) {
		if (key[0] == '_' || (r && is_rule_arg(r, key)) || (skip && !strcmp(key, skip)) ||
		    json_is_null(v))
			continue;
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t i = 0; i < n; i++) {
			const char *t = scalar_text(a, json_is_array(v) ? json_array_get(v, i) : v);
			if (!t)
				continue;
			fl_buf_putc(b, *first ? '?' : '&');
			*first = 0;
			fl_url_quote_buf(b, key, strlen(key), FL_QUOTE_PLUS);
			fl_buf_putc(b, '=');
			fl_url_quote_buf(b, t, strlen(t), FL_QUOTE_PLUS);
		}
	}
}

static fl_err build_path(fl_buf *b, fl_arena *a, const rule *r, json_t *values,
	char *why, size_t whylen)
{
	for (size_t i = 0; i < r->nparts; i++) {
		const part *p = &r->parts[i];
		if (p->type == CONV_LITERAL) {
			fl_buf_append(b, p->text, p->len);
			continue;
		}
		json_t *v = values ? json_object_get(values, p->text) : NULL;
		const char *t = v ? scalar_text(a, v) : NULL;
		fl_view_arg check;
		if (!t) {
			snprintf(why, whylen, "could not build url for endpoint '%s': missing value for '%s'",
				r->route->endpoint, p->text);
			return FL_EINVAL;
		}
		if (!conv_accepts(p->type, t, strlen(t), &check) && p->type != CONV_STRING) {
			snprintf(why, whylen, "could not build url for endpoint '%s': bad value for '%s'",
				r->route->endpoint, p->text);
			return FL_EINVAL;
		}
		if (!*t) {
			snprintf(why, whylen, "could not build url for endpoint '%s': empty value for '%s'",
				r->route->endpoint, p->text);
			return FL_EINVAL;
		}
		fl_url_quote_buf(b, t, strlen(t), FL_QUOTE_PATH);
	}
	return FL_OK;
}

fl_err fl_url_map_build(const fl_url_map *m, fl_arena *a, const char *script_name,
	const char *url_root, const char *endpoint, json_t *values, char **url,
	char *why, size_t whylen)
{
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *ext = values ? json_object_get(values, "_external") : NULL;
	if (ext && json_is_true(ext) && url_root)
		fl_buf_puts(&b, url_root);
	int first = 1;
	if (strcmp(endpoint, "static") == 0) {
		json_t *fn = values ? json_object_get(values, "filename") : NULL;
		if (!json_is_string(fn) || !*json_string_value(fn)) {
			snprintf(why, whylen, "url_for('static') needs a filename");
			return FL_EINVAL;
		}
		fl_buf_puts(&b, "/static/");
		const char *f = json_string_value(fn);
		fl_url_quote_buf(&b, f, strlen(f), FL_QUOTE_PATH);
		append_query(&b, a, NULL, "filename", values, &first);
	} else {
		const rule *r = find_endpoint(m, endpoint);
		if (!r) {
			snprintf(why, whylen, "could not build url for endpoint '%s'", endpoint);
			return FL_ENOTFOUND;
		}
		put_mount(&b, m, r->bp, script_name);
		fl_err e = build_path(&b, a, r, values, why, whylen);
		if (e)
			return e;
		if (values)
			append_query(&b, a, r, NULL, values, &first);
	}
	json_t *anchor = values ? json_object_get(values, "_anchor") : NULL;
	if (json_is_string(anchor)) {
		fl_buf_putc(&b, '#');
		fl_url_quote_buf(&b, json_string_value(anchor), strlen(json_string_value(anchor)),
			FL_QUOTE_PATH);
	}
	*url = (char *)fl_buf_cstr(&b);
	return FL_OK;
}

void fl_url_map_each(const fl_url_map *m,
	void (*fn)(void *ud, const char *endpoint, const char *methods, const char *rule),
	void *ud)
{
	for (size_t i = 0; i < m->nrules; i++) {
		char methods[64] = "";
		for (int k = 0; k < FL_METHOD__MAX; k++)
			if ((m->rules[i].methods & FL_M(k)) && k != FL_OPTIONS) {
				if (*methods)
					strcat(methods, ", ");
				strcat(methods, fl_method_names[k]);
			}
		char ep[256];
		const char *bp = m->blueprints[m->rules[i].bp];
		snprintf(ep, sizeof ep, "%s%s%s", bp, *bp ? "." : "", m->rules[i].route->endpoint);
		fn(ud, ep, methods, m->rules[i].route->rule);
	}
}
