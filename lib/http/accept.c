/* accept.c — the Accept header as werkzeug 2.2 reads it (http.py's
 * _accept_re and parse_accept_header, datastructures.py's MIMEAccept).
 *
 * werkzeug's regular expression, one match per media range:
 *
 *     ( [^\s;,]+                                  type/subtype
 *       (?: [ \t]*;[ \t]* (?: [^\s;,q][^\s;,]*    parameters not named "q"
 *                           | q[^\s;,=][^\s;,]* ) )* )
 *     (?: [ \t]*;[ \t]*q= (\d*(?:\.\d+)?) [^,]* )?  the quality, the rest ignored
 *
 * scanned with finditer, is followed step by step below (its greedy first
 * choice always succeeds, so no backtracking is needed).  Headers reach
 * Python as latin-1, so \s is every byte Python's str.isspace() accepts:
 * ASCII white space, 0x1c-0x1f, 0x85 and 0xa0. */
#include "http/accept.h"

#include <stdlib.h>
#include <string.h>

static bool py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85 ||
		c == 0xa0;
}

/* [^\s;,] */
static bool token_char(unsigned char c)
{
	return c && !py_space(c) && c != ';' && c != ',';
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One `[ \t]*;[ \t]* param` of the media range at `p`: the end of the
 * parameter, or NULL when there is none (the quality, or no ';'). */
static const char *param_end(const char *p)
{
	p = skip_blanks(p);
	if (*p != ';')
		return NULL;
	p = skip_blanks(p + 1);
	const unsigned char *u = (const unsigned char *)p;
	if (!token_char(u[0]))
		return NULL;
	if (u[0] == 'q' && (!token_char(u[1]) || u[1] == '='))
		return NULL;
	while (token_char((unsigned char)*p))
		p++;
	return p;
}

/* The `[ \t]*;[ \t]*q=(\d*(?:\.\d+)?)[^,]*` at `p`: sets the quality
 * digits [*q0, *q1) and returns the end, or NULL when it is not there. */
static const char *quality_part(const char *p, const char **q0, const char **q1)
{
	p = skip_blanks(p);
	if (*p != ';')
		return NULL;
	p = skip_blanks(p + 1);
	if (p[0] != 'q' || p[1] != '=')
		return NULL;
	p += 2;
	*q0 = p;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p[0] == '.' && p[1] >= '0' && p[1] <= '9')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	*q1 = p;
	while (*p && *p != ',')
		p++;
	return p;
}

/* werkzeug's _normalize_mime on `s` copied into `buf` (lower-cased,
 * ASCII): split at '/' and at ';' with the white space around it
 * (`/|(?:\s*;\s*)`), in place.  Stores up to `max` parts and returns how
 * many there are (which may be more than `max`). */
static size_t split_mime(char *buf, char **parts, size_t max)
{
	size_t n = 0;
	char *start = buf, *p = buf;
	for (;;) {
		char *sep = NULL, *next = NULL;
		if (*p == '/') {
			sep = p;
			next = p + 1;
		} else if (*p == ';' || py_space((unsigned char)*p)) {
			char *q = p;
			while (py_space((unsigned char)*q))
				q++;
			if (*q == ';') {
				sep = p;
				for (next = q + 1; py_space((unsigned char)*next); next++)
					;
			}
		}
		if (!*p || sep) {
			int end = !*p;
			if (n < max)
				parts[n] = start;
			n++;
			if (end)
				break;
			*sep = '\0';
			start = p = next;
			continue;
		}
		p++;
	}
	return n;
}

static void lower_copy(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = src[i];
		dst[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	dst[len] = '\0';
}


/* An item and its place in the header, for a stable sort. */
typedef struct ranked {
	fl_accept_item item;
	size_t index;
} ranked;

/* MIMEAccept._specificity compared as Python compares tuples of bools:
 * element by element, a prefix before the longer tuple.  On the parts in
 * header order (before the parameters are sorted). */
static int cmp_specificity(const fl_accept_item *a, const fl_accept_item *b)
{
	for (size_t i = 0; i < a->nparts && i < b->nparts; i++) {
		int x = strcmp(a->parts[i], "*") != 0, y = strcmp(b->parts[i], "*") != 0;
		if (x != y)
			return x - y;
	}
	return (a->nparts > b->nparts) - (a->nparts < b->nparts);
}

/* sorted(key=(specificity, quality), reverse=True), stable. */
static int cmp_ranked(const void *pa, const void *pb)
{
	const ranked *a = pa, *b = pb;
	int s = cmp_specificity(&a->item, &b->item);
	if (s)
		return -s;
	if (a->item.quality != b->item.quality)
		return a->item.quality > b->item.quality ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

void fl_parse_accept(fl_arena *a, const char *header, fl_accept *out)
{
	memset(out, 0, sizeof *out);
	if (!header || !*header)
		return;
	out->provided = true;
	size_t cap = 0, n = 0;
	ranked *v = NULL;
	const char *p = header;
	for (;;) {
		while (*p && !token_char((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (token_char((unsigned char)*p))
			p++;
		const char *e;
		while ((e = param_end(p)) != NULL)
			p = e;
		const char *vend = p;
		const char *q0 = NULL, *q1 = NULL;
		if ((e = quality_part(p, &q0, &q1)) != NULL)
			p = e;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			ranked *nv = fl_arena_alloc(a, ncap * sizeof *nv);
			if (n)
				memcpy(nv, v, n * sizeof *nv);
			v = nv;
			cap = ncap;
		}
		fl_accept_item *it = &v[n].item;
		size_t len = (size_t)(vend - start);
		it->value = fl_arena_strndup(a, start, len);
		it->quality = 1;
		if (q1 > q0) {
			double q = strtod(fl_arena_strndup(a, q0, (size_t)(q1 - q0)), NULL);
			it->quality = q > 1 ? 1 : q < 0 ? 0 : q;
		}
		/* Count the parts on one copy, split another into them. */
		char *norm = fl_arena_alloc(a, len + 1);
		lower_copy(norm, start, len);
		size_t np = split_mime(norm, NULL, 0);
		lower_copy(norm, start, len);
		it->parts = fl_arena_alloc(a, np * sizeof *it->parts);
		it->nparts = split_mime(norm, it->parts, np);
		v[n].index = n;
		n++;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_ranked);
	out->items = fl_arena_alloc(a, (n ? n : 1) * sizeof *out->items);
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->items[i] = v[i].item;
}

/* MIMEAccept._value_matches(value, item) with `value` split into `vp`
 * (`vn` parts, at most 16).  werkzeug compares the sorted parameter lists;
 * equal sorted lists are equal multisets, compared here without sorting. */
static bool value_matches(char **vp, size_t vn, const fl_accept_item *item)
{
	if (!strchr(item->value, '/'))
		return false;
	const char *it = item->parts[0], *is = item->parts[1];
	const char *vt = vp[0], *vs = vp[1];
	if (!strcmp(it, "*") && strcmp(is, "*"))
		return false;
	if ((!strcmp(it, "*") && !strcmp(is, "*")) || (!strcmp(vt, "*") && !strcmp(vs, "*")))
		return true;
	if (strcmp(it, vt))
		return false;
	if (!strcmp(is, "*") || !strcmp(vs, "*"))
		return true;
	if (strcmp(is, vs) || item->nparts != vn)
		return false;
	bool used[16] = { false };
	for (size_t i = 2; i < vn; i++) {
		size_t j = 2;
		while (j < vn && (used[j] || strcmp(vp[i], item->parts[j])))
			j++;
		if (j == vn)
			return false;
		used[j] = true;
	}
	return true;
}

/* The item that MIMEAccept._best_single_match finds for `mimetype`, or
 * NULL: also NULL for a `mimetype` werkzeug would refuse (no '/', "*\/x",
 * longer than 255 bytes or with more than 16 parts). */
static const fl_accept_item *best_single_match(const fl_accept *acc, const char *mimetype)
{
	char buf[256];
	char *vp[16];
	size_t len = mimetype ? strlen(mimetype) : 0;
	if (!mimetype || !strchr(mimetype, '/') || len >= sizeof buf)
		return NULL;
	lower_copy(buf, mimetype, len);
	size_t vn = split_mime(buf, vp, 16);
	if (vn > 16 || (!strcmp(vp[0], "*") && strcmp(vp[1], "*")))
		return NULL;
	for (size_t i = 0; i < acc->n; i++)
		if (value_matches(vp, vn, &acc->items[i]))
			return &acc->items[i];
	return NULL;
}

double fl_accept_quality(const fl_accept *acc, const char *mimetype)
{
	const fl_accept_item *it = best_single_match(acc, mimetype);
	return it ? it->quality : 0;
}

bool fl_accept_mimetype(const fl_accept *acc, const char *mimetype)
{
	return fl_accept_quality(acc, mimetype) > 0;
}

const char *fl_accept_best_match(const fl_accept *acc, const char *const *matches, size_t n,
	const char *dflt)
{
	const char *result = dflt;
	double best_quality = -1;
	const fl_accept_item *best_item = NULL;
	for (size_t i = 0; i < n; i++) {
		const fl_accept_item *it = best_single_match(acc, matches[i]);
		if (!it || it->quality <= 0 || it->quality < best_quality)
			continue;
		/* better quality, or the same quality from a more specific item */
		if (it->quality > best_quality || !best_item || cmp_specificity(it, best_item) > 0) {
			result = matches[i];
			best_quality = it->quality;
			best_item = it;
		}
	}
	return result;
}
