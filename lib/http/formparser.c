/* formparser.c — urlencoded, multipart and JSON request bodies; see
 * formparser.h.  Mirrors werkzeug 2.2 (urls.url_decode,
 * sansio/multipart.MultipartDecoder, formparser.MultiPartParser). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, timegm; the Makefile passes -D_GNU_SOURCE */
#endif
#include "http/formparser.h"

#include <string.h>
#include <strings.h>

#include "base/vec.h"
#include "http/http.h"

/* ------------------------------------------------------------ urlencoded */

/* One "key[=value]" pair, werkzeug _url_decode_impl. */
static fl_err urlencoded_pair(fl_arena *a, const char *p, size_t n, fl_multidict *out)
{
	const char *eq = memchr(p, '=', n);
	size_t raw_klen = eq ? (size_t)(eq - p) : n, klen, vlen = 0;
	char *key, *value = "";
	fl_err err;

	if ((err = fl_url_unquote(a, p, raw_klen, true, &key, &klen)) != FL_OK)
		return err;
	if (memchr(key, '\0', klen))
		return FL_ENUL;
	if (eq && (err = fl_url_unquote(a, eq + 1, n - raw_klen - 1, true, &value,
					&vlen)) != FL_OK)
		return err;
	fl_multidict_add(out, key, value, vlen);
	return FL_OK;
}

fl_err fl_parse_urlencoded(fl_arena *a, const char *s, size_t n, size_t max_fields,
			   fl_multidict *out)
{
	size_t fields = 0, i = 0;

	if (max_fields == 0)
		max_fields = FL_FORM_MAX_FIELDS;
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		fl_err err;

		if (end > i) {
			if (++fields > max_fields)
				return FL_ETOOLARGE;
			if ((err = urlencoded_pair(a, s + i, end - i, out)) != FL_OK)
				return err;
		}
		i = end + 1;
	}
	return FL_OK;
}

/* ------------------------------------------------------------- multipart */

void fl_files_init(fl_files *f, fl_arena *a)
{
	memset(f, 0, sizeof(*f));
	f->arena = a;
}

static void files_add(fl_files *f, const fl_file *file)
{
	*fl_vec_push(f->arena, f) = *file;
}

const fl_file *fl_files_get(const fl_files *f, const char *name)
{
	for (size_t i = 0; i < f->len; i++)
		if (strcmp(f->items[i].name, name) == 0)
			return &f->items[i];
	return NULL;
}

bool fl_multipart_boundary_ok(const char *b)
{
	size_t n = b ? strlen(b) : 0;

	if (n < 1 || n > 70 || b[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && !strchr("'()+_,-./:=? ", c))
			return false;
	}
	return true;
}

/* The body being parsed and the "--boundary" delimiter text. */
typedef struct mp {
	fl_arena *a;
	const char *b;
	size_t n;
	char *delim;
	size_t dlen;
} mp;

/* werkzeug's [^\S\n\r]: horizontal whitespace in Python's \s set. */
static bool hws(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* A line break at `i` (CRLF, LF or CR): its length, or 0. */
static size_t line_break(const mp *m, size_t i)
{
	if (i < m->n && m->b[i] == '\r')
		return (i + 1 < m->n && m->b[i + 1] == '\n') ? 2 : 1;
	return (i < m->n && m->b[i] == '\n') ? 1 : 0;
}

/* What may follow "--boundary": "--" hws* LB? (the last one) or hws* LB.
 * Returns the index after it, or 0 when the text is not a delimiter. */
static size_t delim_suffix(const mp *m, size_t i, bool *last)
{
	*last = i + 1 < m->n && m->b[i] == '-' && m->b[i + 1] == '-';
	if (*last)
		i += 2;
	while (i < m->n && hws(m->b[i]))
		i++;
	if (line_break(m, i))
		return i + line_break(m, i);
	return *last ? i : 0;
}

/* Find the first delimiter at or after `from`.  With `need_lb` it must be
 * preceded by a line break at or after `from` (data parts); the preamble's
 * may start anywhere.  Sets *start (where the data ends), *end and *last.
 * Each candidate is checked once and the scan moves on, so the work is
 * linear in the body. */
static bool find_delim(const mp *m, size_t from, bool need_lb, size_t *start,
		       size_t *end, bool *last)
{
	size_t pos = from;

	while (pos < m->n) {
		const char *hit = memmem(m->b + pos, m->n - pos, m->delim, m->dlen);
		size_t q, e;

		if (!hit)
			return false;
		q = (size_t)(hit - m->b);
		pos = q + 1;
		if (need_lb && (q == from || (m->b[q - 1] != '\n' && m->b[q - 1] != '\r')))
			continue;
		e = delim_suffix(m, q + m->dlen, last);
		if (e == 0)
			continue;
		*start = q;
		if (need_lb)
			*start = (q >= from + 2 && m->b[q - 2] == '\r' &&
				  m->b[q - 1] == '\n') ? q - 2 : q - 1;
		*end = e;
		return true;
	}
	return false;
}

/* The first blank line (CRLFCRLF, CRCR or LFLF) at or after `from`, like
 * werkzeug's BLANK_LINE_RE.  Sets *start and *end. */
static bool find_blank_line(const mp *m, size_t from, size_t *start, size_t *end)
{
	const char *b = m->b;

	for (size_t i = from; i + 1 < m->n; i++) {
		if (b[i] == '\r' && i + 3 < m->n && b[i + 1] == '\n' && b[i + 2] == '\r' &&
		    b[i + 3] == '\n') {
			*start = i;
			*end = i + 4;
			return true;
		}
		if ((b[i] == '\r' || b[i] == '\n') && b[i + 1] == b[i]) {
			*start = i;
			*end = i + 2;
			return true;
		}
	}
	return false;
}

/* The headers of one part that Flagon uses. */
typedef struct part_headers {
	const char *disposition;
	const char *content_type;
	size_t count;
} part_headers;

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* One logical header line "Name: value" (continuations already joined). */
static fl_err header_line(const mp *m, const char *s, size_t n, part_headers *h)
{
	const char *colon, *v;
	size_t nlen, vlen;

	while (n > 0 && is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n == 0)
		return FL_OK;  /* werkzeug skips blank lines */
	if (memchr(s, '\0', n))
		return FL_ENUL;
	if (++h->count > FL_MULTIPART_MAX_HEADERS)
		return FL_EMALFORMED;
	if (!fl_utf8_valid(s, n))
		return FL_EUTF8;
	if (!(colon = memchr(s, ':', n)))
		return FL_EMALFORMED;
	nlen = (size_t)(colon - s);
	while (nlen > 0 && is_space(s[nlen - 1]))
		nlen--;
	v = colon + 1;
	vlen = n - (size_t)(v - s);
	while (vlen > 0 && is_space(*v)) {
		v++;
		vlen--;
	}
	/* Headers["..."] is the first one of that name. */
	if (nlen == 19 && !strncasecmp(s, "content-disposition", 19) && !h->disposition)
		h->disposition = fl_arena_strndup(m->a, v, vlen);
	else if (nlen == 12 && !strncasecmp(s, "content-type", 12) && !h->content_type)
		h->content_type = fl_arena_strndup(m->a, v, vlen);
	return FL_OK;
}

/* Split b[from, to) into lines at CRLF/CR/LF, joining a line that starts
 * with a space or tab to the one before (werkzeug HEADER_CONTINUATION_RE
 * turns the line break and that one byte into a single space). */
static fl_err parse_part_headers(const mp *m, size_t from, size_t to, part_headers *h)
{
	fl_buf line;
	size_t i = from;
	fl_err err;

	fl_buf_init(&line, m->a);
	while (i < to) {
		size_t e = i, lb;

		while (e < to && m->b[e] != '\r' && m->b[e] != '\n')
			e++;
		if (i > from && (m->b[i] == ' ' || m->b[i] == '\t')) {
			fl_buf_putc(&line, ' ');
			fl_buf_append(&line, m->b + i + 1, e - i - 1);
		} else {
			if (i > from && (err = header_line(m, line.data, line.len, h)) != FL_OK)
				return err;
			line.len = 0;
			fl_buf_append(&line, m->b + i, e - i);
		}
		if (line.len > FL_MULTIPART_MAX_LINE)
			return FL_EMALFORMED;
		lb = (e < to) ? ((m->b[e] == '\r' && e + 1 < to && m->b[e + 1] == '\n') ? 2 : 1) : 0;
		i = e + lb;
		if (lb && i == to)
			break;
	}
	return line.len ? header_line(m, line.data, line.len, h) : FL_OK;
}

/* The last value of parameter `key` (werkzeug keeps the last in a dict). */
static const fl_pair *last_param(const fl_multidict *md, const char *key)
{
	const fl_pair *found = NULL;

	for (size_t i = 0; i < md->len; i++)
		if (strcmp(md->items[i].key, key) == 0)
			found = &md->items[i];
	return found;
}

/* A filename fit for display: the last path component (browsers such as
 * old IE send "C:\dir\f.txt"), control bytes replaced by '_'. */
static const char *display_filename(fl_arena *a, const char *f)
{
	const char *slash = strrchr(f, '/'), *bslash = strrchr(f, '\\');
	char *d;

	if (bslash && (!slash || bslash > slash))
		slash = bslash;
	d = fl_arena_strdup(a, slash ? slash + 1 : f);
	for (char *p = d; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '_';
	return d;
}

/* The name in an RFC 2231 "filename*=charset'lang'%xx" parameter (which
 * werkzeug decodes) into *name: percent-decoded when it is UTF-8, else "".
 * Only for display; a part with filename* alone is still a file, never a
 * field.  FL_ENUL when it decodes to a NUL byte (a C string would end
 * there). */
static fl_err ext_filename(fl_arena *a, const char *v, const char **name)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	const char *enc = q2 ? q2 + 1 : v;
	char *out;
	size_t len;

	*name = "";
	if (fl_url_unquote(a, enc, strlen(enc), false, &out, &len) != FL_OK)
		return FL_OK;
	if (memchr(out, '\0', len))
		return FL_ENUL;
	*name = out;
	return FL_OK;
}

/* Store the part whose headers are `h` and data b[ds, de). */
static fl_err store_part(const mp *m, const part_headers *h, size_t ds, size_t de,
			 fl_multidict *form, fl_files *files)
{
	fl_multidict params;
	const fl_pair *name, *filename, *ext;
	char *disp;
	fl_err err;

	if (!h->disposition)
		return FL_EMALFORMED;
	fl_multidict_init(&params, m->a);
	if ((err = fl_parse_content_type(m->a, h->disposition, &disp, &params)) != FL_OK)
		return err;
	if (!(name = last_param(&params, "name")))
		return FL_EMALFORMED;
	filename = last_param(&params, "filename");
	ext = last_param(&params, "filename*");
	if (filename || ext) {
		const char *shown = filename ? filename->value : NULL;

		if (!shown && (err = ext_filename(m->a, ext->value, &shown)) != FL_OK)
			return err;
		fl_file f = { name->value, display_filename(m->a, shown), h->content_type,
			      m->b + ds, de - ds };

		files_add(files, &f);
		return FL_OK;
	}
	if (!fl_utf8_valid(m->b + ds, de - ds))
		return FL_EUTF8;
	fl_multidict_add(form, name->value, m->b + ds, de - ds);
	return FL_OK;
}

/* One part starting at `pos` (just after a delimiter): headers, a blank
 * line, data up to the next delimiter.  Sets *next and *last. */
static fl_err parse_part(const mp *m, size_t pos, size_t *next, bool *last,
			 fl_multidict *form, fl_files *files)
{
	part_headers h = { NULL, NULL, 0 };
	size_t hs, he, ds, de;
	fl_err err;

	if (!find_blank_line(m, pos, &hs, &he))
		return FL_EMALFORMED;
	if ((err = parse_part_headers(m, pos, hs, &h)) != FL_OK)
		return err;
	ds = he;
	if (!find_delim(m, ds, true, &de, next, last))
		return FL_EMALFORMED;
	return store_part(m, &h, ds, de, form, files);
}

fl_err fl_parse_multipart(fl_arena *a, const char *body, size_t n, const char *boundary,
			  size_t max_parts, fl_multidict *form, fl_files *files)
{
	mp m = { a, body, n, NULL, 0 };
	size_t start, pos, parts = 0;
	bool last;
	fl_err err;

	if (!fl_multipart_boundary_ok(boundary))
		return FL_EINVAL;
	if (max_parts == 0)
		max_parts = FL_FORM_MAX_FIELDS;
	m.delim = fl_arena_printf(a, "--%s", boundary);
	m.dlen = strlen(m.delim);
	if (!find_delim(&m, 0, false, &start, &pos, &last))
		return FL_EMALFORMED;
	while (!last) {
		if (++parts > max_parts)
			return FL_ETOOLARGE;
		if ((err = parse_part(&m, pos, &pos, &last, form, files)) != FL_OK)
			return err;
	}
	return FL_OK;
}

/* ------------------------------------------------------------------ JSON */

/* The deepest nesting of arrays and objects, counting brackets outside
 * strings; stops early once past `max`. */
static size_t json_depth(const char *s, size_t n, size_t max)
{
	size_t depth = 0, deepest = 0;
	bool in_string = false;

	for (size_t i = 0; i < n && deepest <= max; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

static fl_err json_fail(fl_arena *a, char **message, fl_err err, const char *why)
{
	if (message)
		*message = fl_arena_printf(a, "Failed to decode JSON object: %s", why);
	return err;
}

fl_err fl_parse_json_body(fl_arena *a, const char *s, size_t n, size_t max_depth,
			  json_t **out, char **message)
{
	json_error_t error;
	json_t *v;

	if (max_depth == 0)
		max_depth = FL_JSON_MAX_DEPTH;
	if (!fl_utf8_valid(s, n))
		return json_fail(a, message, FL_EUTF8, "the body is not valid UTF-8");
	if (json_depth(s, n, max_depth) > max_depth)
		return json_fail(a, message, FL_EMALFORMED,
				 fl_arena_printf(a, "nested deeper than %zu levels",
						 max_depth));
	v = json_loadb(s, n, JSON_DECODE_ANY, &error);
	if (!v && (json_error_code(&error) == json_error_null_character ||
		   json_error_code(&error) == json_error_null_byte_in_key))
		/* Python would keep "\u0000"; Flagon's strings are C strings
		 * to SQL, headers and templates, so a NUL is refused rather
		 * than cut at (SPEC §6), as in form data. */
		return json_fail(a, message, FL_ENUL,
				 fl_arena_printf(a, "a string holds a NUL character "
						 "(\\u0000): line %d column %d",
						 error.line, error.column));
	if (!v)
		return json_fail(a, message, FL_EMALFORMED,
				 fl_arena_printf(a, "%s: line %d column %d", error.text,
						 error.line, error.column));
	*out = v;
	return FL_OK;
}
