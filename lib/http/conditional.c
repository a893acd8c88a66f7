/* conditional.c — werkzeug 2.2's conditional and range logic for
 * send_file, see conditional.h. */
#include "http/conditional.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "base/pynum.h"
#include "base/pyrepr.h"
#include "http/http.h"

char *fl_file_etag(fl_arena *a, const struct stat *st, const char *path)
{
	/* CPython's os.stat: st_mtime = sec + nsec * 1e-9, as a double. */
	double mtime = (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec * 1e-9;
	uLong check = adler32(adler32(0L, Z_NULL, 0), (const Bytef *)path, (uInt)strlen(path));
	fl_buf b;
	fl_buf_init(&b, a);
	fl_float_repr(&b, mtime);
	fl_buf_printf(&b, "-%lld-%lu", (long long)st->st_size, (unsigned long)(check & 0xFFFFFFFFu));
	return (char *)fl_buf_cstr(&b);
}

/* ---- entity tags: werkzeug parse_etags / ETags ---- */

#define MAX_TAGS 64

typedef struct etags {
	bool star;
	const char *strong[MAX_TAGS];
	size_t nstrong;
	const char *weak[MAX_TAGS];
	size_t nweak;
} etags;

static bool re_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Where `(?:\s*,\s*|$)` ends when tried at k, or -1. */
static long sep_at(const char *v, size_t k, size_t end)
{
	size_t j = k;
	while (j < end && re_space(v[j]))
		j++;
	if (j < end && v[j] == ',') {
		j++;
		while (j < end && re_space(v[j]))
			j++;
		return (long)j;
	}
	return k == end ? (long)end : -1;
}

/* _etag_re = ([Ww]/)?(?:"(.*?)"|(.*?))(?:\s*,\s*|$), matched repeatedly. */
static void parse_etags(fl_arena *a, const char *v, etags *t)
{
	memset(t, 0, sizeof *t);
	if (!v)
		return;
	size_t end = strlen(v), pos = 0;
	while (pos < end) {
		bool weak = (v[pos] == 'W' || v[pos] == 'w') && v[pos + 1] == '/';
		size_t p = pos + (weak ? 2 : 0);
		const char *tag = NULL;
		long next = -1;
		if (p < end && v[p] == '"')
			for (size_t q = p + 1; q < end && next < 0; q++)
				if (v[q] == '"' && (next = sep_at(v, q + 1, end)) >= 0)
					tag = fl_arena_strndup(a, v + p + 1, q - p - 1);
		if (!tag) {
			for (size_t k = p; next < 0; k++)
				if ((next = sep_at(v, k, end)) >= 0)
					tag = fl_arena_strndup(a, v + p, k - p);
			if (strcmp(tag, "*") == 0) {
				memset(t, 0, sizeof *t);
				t->star = true;
				return;
			}
		}
		if (weak && t->nweak < MAX_TAGS)
			t->weak[t->nweak++] = tag;
		else if (!weak && t->nstrong < MAX_TAGS)
			t->strong[t->nstrong++] = tag;
		pos = (size_t)next;
	}
}

static bool etags_any(const etags *t)
{
	return t->star || t->nstrong || t->nweak;
}

static bool is_strong(const etags *t, const char *tag)
{
	for (size_t i = 0; i < t->nstrong; i++)
		if (strcmp(t->strong[i], tag) == 0)
			return true;
	return false;
}

static bool contains(const etags *t, const char *tag)
{
	return t->star || is_strong(t, tag);
}

static bool contains_weak(const etags *t, const char *tag)
{
	for (size_t i = 0; i < t->nweak; i++)
		if (strcmp(t->weak[i], tag) == 0)
			return true;
	return contains(t, tag);
}

/* werkzeug unquote_etag: strip, drop W/, drop surrounding quotes. */
static char *unquote_etag(fl_arena *a, const char *v)
{
	while (re_space(*v))
		v++;
	size_t n = strlen(v);
	while (n && re_space(v[n - 1]))
		n--;
	if (n >= 2 && (v[0] == 'W' || v[0] == 'w') && v[1] == '/') {
		v += 2;
		n -= 2;
	}
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	} else if (n == 1 && v[0] == '"') {
		n = 0;          /* etag[:1] == etag[-1:] == '"' for '"' itself */
	}
	return fl_arena_strndup(a, v, n);
}

bool fl_is_resource_modified(const fl_conditional_request *rq, const char *etag,
	time_t last_modified, bool use_if_range)
{
	fl_arena *a = fl_arena_new(2048);
	bool unmodified = false;
	bool if_range = use_if_range && rq->range;
	time_t if_range_date = 0;
	const char *if_range_etag = NULL;
	if (if_range && rq->if_range && *rq->if_range) {
		if (fl_parse_http_date(rq->if_range, &if_range_date) != FL_OK) {
			if_range_date = 0;
			if_range_etag = unquote_etag(a, rq->if_range);
		}
	}
	time_t since = 0;
	bool have_since = false;
	if (if_range && if_range_date) {
		since = if_range_date;
		have_since = true;
	} else if (rq->if_modified_since) {
		have_since = fl_parse_http_date(rq->if_modified_since, &since) == FL_OK;
	}
	if (have_since && last_modified && last_modified <= since)
		unmodified = true;
	if (etag && *etag) {
		etags t;
		if (if_range && if_range_etag) {
			parse_etags(a, if_range_etag, &t);
			unmodified = contains(&t, etag);
		} else {
			parse_etags(a, rq->if_none_match, &t);
			if (etags_any(&t))
				unmodified = contains_weak(&t, etag);
			parse_etags(a, rq->if_match, &t);
			if (etags_any(&t))
				unmodified = !is_strong(&t, etag);
		}
	}
	fl_arena_free(a);
	return !unmodified;
}

/* ---- ranges: werkzeug parse_range_header, Range.range_for_length ---- */

static bool py_strip_int(fl_arena *a, const char *s, size_t n, long long *out)
{
	return fl_parse_int(fl_arena_strndup(a, s, n), out) != 0;
}

/* The one (start, stop) range of `value` for `length`, werkzeug's way;
 * false when there is none (416). */
static bool one_range(fl_arena *a, const char *value, unsigned long long length,
	unsigned long long *start, unsigned long long *stop)
{
	const char *eq = value ? strchr(value, '=') : NULL;
	if (!eq)
		return false;
	/* units.strip().lower() == "bytes" */
	const char *u = value;
	const char *ue = eq;
	while (u < ue && re_space(*u))
		u++;
	while (ue > u && re_space(ue[-1]))
		ue--;
	if (ue - u != 5 || strncasecmp(u, "bytes", 5) != 0)
		return false;
	long long last_end = 0, begin = 0, end = -1;
	size_t nranges = 0;
	const char *item = eq + 1;
	for (;;) {
		const char *comma = strchr(item, ',');
		const char *ie = comma ? comma : item + strlen(item);
		const char *ib = item;
		while (ib < ie && re_space(*ib))
			ib++;
		while (ie > ib && re_space(ie[-1]))
			ie--;
		const char *dash = memchr(ib, '-', (size_t)(ie - ib));
		if (!dash)
			return false;
		if (dash == ib) {
			if (last_end < 0 || !py_strip_int(a, ib, (size_t)(ie - ib), &begin))
				return false;
			end = -1;       /* None */
			last_end = -1;
		} else {
			long long e;
			if (!py_strip_int(a, ib, (size_t)(dash - ib), &begin))
				return false;
			if (begin < last_end || last_end < 0)
				return false;
			const char *es = dash + 1;
			while (es < ie && re_space(*es))
				es++;
			if (es < ie) {
				if (!py_strip_int(a, es, (size_t)(ie - es), &e) || e == LLONG_MAX)
					return false;
				end = e + 1;
				if (begin >= end)
					return false;
			} else {
				end = -1;
			}
			last_end = end;
		}
		nranges++;
		if (!comma)
			break;
		item = comma + 1;
	}
	if (nranges != 1)
		return false;
	long long len = (long long)length;
	if (end < 0) {
		end = len;
		if (begin < 0)
			begin += len;
	}
	if (begin >= end || begin < 0 || begin >= len)
		return false;
	*start = (unsigned long long)begin;
	*stop = (unsigned long long)(end < len ? end : len);
	return true;
}

void fl_make_conditional(const fl_conditional_request *rq, const char *etag,
	time_t last_modified, unsigned long long length, fl_conditional_result *out)
{
	memset(out, 0, sizeof *out);
	out->status = 200;
	if (length > 0 && rq->range &&
	    (!rq->if_range || !fl_is_resource_modified(rq, etag, last_modified, true))) {
		fl_arena *a = fl_arena_new(1024);
		unsigned long long start, stop;
		bool ok = one_range(a, rq->range, length, &start, &stop);
		fl_arena_free(a);
		if (!ok) {
			out->status = 416;
			snprintf(out->content_range, sizeof out->content_range, "bytes */%llu", length);
			return;
		}
		out->status = 206;
		out->start = start;
		out->length = stop - start;
		snprintf(out->content_range, sizeof out->content_range, "bytes %llu-%llu/%llu",
			start, stop - 1, length);
		return;
	}
	if (!fl_is_resource_modified(rq, etag, last_modified, false)) {
		fl_arena *a = fl_arena_new(1024);
		etags t;
		parse_etags(a, rq->if_match, &t);
		out->status = etags_any(&t) ? 412 : 304;
		fl_arena_free(a);
	}
}
