/* http.c — HTTP and URL utilities; see http.h.  Behaviour follows
 * werkzeug 2.2 (urls.py, http.py, _internal.py); the differences are
 * deliberate and documented in http.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, timegm; the Makefile passes -D_GNU_SOURCE */
#endif
#include "http/http.h"

#include "base/clock.h"
#include "base/hex.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------- percent-encoding */

/* werkzeug urls._always_safe. */
static bool always_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("-._~$!'()*+,;", c) != NULL;
}

static bool quote_safe(unsigned char c, fl_quote_mode mode)
{
	switch (mode) {
	case FL_QUOTE_PATH:
		return always_safe(c) || c == '/' || c == ':';
	case FL_QUOTE_RULE:
		return always_safe(c) || c == '/' || c == ':' || c == '|';
	case FL_QUOTE_PLUS:
		return c != '+' && (always_safe(c) || c == ' ');
	case FL_QUOTE_QUERY:
		return always_safe(c) || (c != 0 && strchr(":&%=", c) != NULL);
	case FL_QUOTE_ALWAYS:
		return always_safe(c);
	}
	return false;
}

void fl_url_quote_buf(fl_buf *b, const char *s, size_t n, fl_quote_mode mode)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (quote_safe(c, mode)) {
			fl_buf_putc(b, (mode == FL_QUOTE_PLUS && c == ' ') ? '+' : (char)c);
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
			fl_buf_append(b, esc, 3);
		}
	}
}

/* werkzeug urls._to_iri_unsafe: the escapes uri_to_iri keeps. */
static bool iri_unsafe(unsigned char c)
{
	return c < 0x20 || c == 0x7f || (c != 0 && strchr(" \"#%&/:<=>?@[\\]^`{|}", c) != NULL);
}

void fl_uri_to_iri_buf(fl_buf *b, const char *s, size_t n)
{
	char raw[4];
	for (size_t i = 0; i < n;) {
		int h, l;
		if (s[i] != '%' || i + 2 >= n || (h = fl_hex_value((unsigned char)s[i + 1])) < 0 ||
		    (l = fl_hex_value((unsigned char)s[i + 2])) < 0) {
			fl_buf_putc(b, s[i++]);
			continue;
		}
		unsigned char c = (unsigned char)(h << 4 | l);
		if (c < 0x80) {
			if (iri_unsafe(c))
				fl_buf_append(b, s + i, 3);
			else
				fl_buf_putc(b, (char)c);
			i += 3;
			continue;
		}
		/* Up to 4 escaped bytes: one UTF-8 character is shown as
		 * itself, a byte that starts none stays escaped. */
		size_t k = 0;
		for (size_t j = i; k < 4 && j + 2 < n && s[j] == '%' && (h = fl_hex_value((unsigned char)s[j + 1])) >= 0 &&
		     (l = fl_hex_value((unsigned char)s[j + 2])) >= 0; j += 3)
			raw[k++] = (char)(h << 4 | l);
		size_t len = fl_utf8_decode(raw, k, NULL);
		if (len) {
			fl_buf_append(b, raw, len);
			i += 3 * len;
		} else {
			fl_buf_append(b, s + i, 3);
			i += 3;
		}
	}
}

char *fl_url_quote(fl_arena *a, const char *s, size_t n, fl_quote_mode mode)
{
	fl_buf b;

	fl_buf_init(&b, a);
	fl_url_quote_buf(&b, s, n, mode);
	return (char *)fl_buf_cstr(&b);
}

void fl_url_encode(fl_buf *b, const fl_multidict *md)
{
	bool first = true;

	for (size_t i = 0; i < md->len; i++) {
		const fl_pair *p = &md->items[i];

		if (!p->value)
			continue;
		if (!first)
			fl_buf_putc(b, '&');
		first = false;
		fl_url_quote_buf(b, p->key, strlen(p->key), FL_QUOTE_PLUS);
		fl_buf_putc(b, '=');
		fl_url_quote_buf(b, p->value, p->value_len, FL_QUOTE_PLUS);
	}
}

/* ---------------------------------------------------------- Cookie header */

/* Python's bytes \s and bytes.strip() set. */
static bool py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A view of the header with werkzeug's appended ';' at index n. */
typedef struct cookie_src {
	const unsigned char *b;
	size_t n;
} cookie_src;

static unsigned char at(const cookie_src *s, size_t i)
{
	return i < s->n ? s->b[i] : ';';
}

/* Skip \s* then require ';': returns the index after ';', or 0 on failure
 * (0 can never be a valid end because a match consumes at least ';'). */
static size_t ws_semicolon(const cookie_src *s, size_t i)
{
	while (i <= s->n && py_space(at(s, i)))
		i++;
	return (i <= s->n && at(s, i) == ';') ? i + 1 : 0;
}

/* The quoted alternative of _cookie_re's value: "(?:[^\\"]|\\.)*" followed
 * by \s*;.  Sets *vend (exclusive) and returns the match end, or 0. */
static size_t cookie_quoted(const cookie_src *s, size_t p, size_t *vend)
{
	size_t q = p + 1;

	if (at(s, p) != '"')
		return 0;
	while (q <= s->n) {
		unsigned char c = at(s, q);

		if (c == '"') {
			*vend = q + 1;
			return ws_semicolon(s, q + 1);
		}
		if (c == '\\') {
			if (q + 1 > s->n || at(s, q + 1) == '\n')
				return 0;  /* "\\." needs a non-LF byte */
			q += 2;
		} else {
			q++;
		}
	}
	return 0;
}

/* The unquoted alternative: (?:.*?) followed by \s*; — the value runs to
 * the first ';' minus trailing whitespace and may not contain LF. */
static size_t cookie_plain(const cookie_src *s, size_t p, size_t *vend)
{
	size_t t = p, w;

	while (at(s, t) != ';')
		t++;
	w = t;
	while (w > p && py_space(s->b[w - 1]))
		w--;
	if (memchr(s->b + p, '\n', w - p) != NULL)
		return 0;
	*vend = w;
	return t + 1;
}

/* werkzeug _cookie_unquote: strip the quotes, then resolve \ooo octal
 * escapes (first digit 0-3) and \X escapes (X not LF); a backslash before
 * LF or at the end stays. */
static char *cookie_unquote(fl_arena *a, const char *v, size_t n, size_t *outlen)
{
	char *d;
	size_t o = 0;

	if (n < 2 || v[0] != '"' || v[n - 1] != '"') {
		*outlen = n;
		return fl_arena_strndup(a, v, n);
	}
	v++;
	n -= 2;
	d = fl_arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\' && n - i >= 4 && v[i + 1] >= '0' && v[i + 1] <= '3' &&
		    v[i + 2] >= '0' && v[i + 2] <= '7' && v[i + 3] >= '0' && v[i + 3] <= '7') {
			d[o++] = (char)((v[i + 1] - '0') * 64 + (v[i + 2] - '0') * 8 +
					(v[i + 3] - '0'));
			i += 3;
		} else if (v[i] == '\\' && i + 1 < n && v[i + 1] != '\n') {
			d[o++] = v[++i];
		} else {
			d[o++] = v[i];
		}
	}
	d[o] = '\0';
	*outlen = o;
	return d;
}

/* Store one parsed pair unless it is not clean UTF-8 (see http.h). */
static void cookie_store(fl_arena *a, fl_multidict *out, const char *k, size_t kn,
			 const char *v, size_t vn)
{
	size_t len;
	char *val;

	while (kn > 0 && py_space((unsigned char)*k)) {
		k++;
		kn--;
	}
	while (kn > 0 && py_space((unsigned char)k[kn - 1]))
		kn--;
	if (kn == 0 || memchr(k, '\0', kn) || !fl_utf8_valid(k, kn))
		return;
	val = cookie_unquote(a, v, vn, &len);
	if (!fl_utf8_valid(val, len) || memchr(val, '\0', len))
		return;
	fl_multidict_add(out, fl_arena_strndup(a, k, kn), val, len);
}

fl_err fl_parse_cookie(fl_arena *a, const char *str, size_t n, fl_multidict *out)
{
	cookie_src s = { (const unsigned char *)str, n };
	size_t i = 0;

	while (i < n) {
		size_t j = i, end, vs = 0, ve = 0;

		while (at(&s, j) != '=' && at(&s, j) != ';')
			j++;
		if (at(&s, j) == ';') {
			end = j + 1;  /* a key without a value */
		} else {
			size_t p = j + 1;

			while (p <= n && py_space(at(&s, p)))
				p++;
			vs = p;
			end = cookie_quoted(&s, p, &ve);
			if (end == 0)
				end = cookie_plain(&s, p, &ve);
			if (end == 0)
				break;  /* _cookie_re does not match: werkzeug stops */
		}
		cookie_store(a, out, str + i, j - i, str + vs, ve - vs);
		i = end;
	}
	return FL_OK;
}

/* ------------------------------------------------------------ Set-Cookie */

void fl_cookie_init(fl_cookie *c, const char *key, const char *value)
{
	memset(c, 0, sizeof(*c));
	c->key = key;
	c->value = value;
	c->max_age = -1;
	c->path = "/";
}

static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 cookie-octet. */
static bool is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	       (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

bool fl_cookie_value_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!is_cookie_octet(*p))
			return false;
	return true;
}

/* Bytes a Path attribute may hold: those werkzeug's iri_to_uri leaves
 * as they are, minus ';' which would end the attribute. */
static bool is_path_char(unsigned char c)
{
	return c != ';' && (always_safe(c) || (c != 0 && strchr("/:?#[]@&=%", c)));
}

static bool all_chars(const char *s, bool (*ok)(unsigned char))
{
	for (; *s; s++)
		if (!ok((unsigned char)*s))
			return false;
	return true;
}

static bool is_domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* werkzeug _make_cookie_domain: drop ":port", require a dot. */
static fl_err cookie_domain(fl_arena *a, const char *in, const char **out)
{
	const char *colon = strchr(in, ':');
	char *d = fl_arena_strndup(a, in, colon ? (size_t)(colon - in) : strlen(in));

	if (!strchr(d, '.') || !all_chars(d, is_domain_char))
		return FL_EINVAL;
	*out = d;
	return FL_OK;
}

/* dump_cookie title-cases samesite and accepts only three values. */
static fl_err cookie_samesite(const char *in, const char **out)
{
	static const char *const names[] = { "Strict", "Lax", "None" };

	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(in, names[i]) == 0) {
			*out = names[i];
			return FL_OK;
		}
	}
	return FL_EINVAL;
}

/* Expires for a cookie with only Max-Age: now + max_age, range-checked so
 * a huge max_age cannot overflow time_t (FL_ERANGE). */
static fl_err cookie_max_age_date(const fl_cookie *c, char date[30])
{
	/* 253402300799 is 9999-12-31T23:59:59Z, the last IMF-fixdate. */
	const int64_t last = INT64_C(253402300799);
	int64_t now = c->now ? (int64_t)c->now : (int64_t)fl_now();

	if (now > last || (int64_t)c->max_age > last - now)
		return FL_ERANGE;
	return fl_http_date((time_t)(now + c->max_age), date);
}

static fl_err cookie_check(const fl_cookie *c)
{
	const char *v = c->value ? c->value : "";

	if (!c->key || !fl_header_name_ok(c->key) || !all_chars(v, is_cookie_octet))
		return FL_EINVAL;
	if (c->max_age < -1)
		return FL_EINVAL;
	if (c->path && !all_chars(c->path, is_path_char))
		return FL_EINVAL;
	return FL_OK;
}

fl_err fl_dump_cookie(fl_arena *a, const fl_cookie *c, char **out)
{
	const char *domain = NULL, *samesite = NULL;
	char date[30];
	bool has_expires = c->expires_set || c->expires != 0;
	fl_buf b;
	fl_err err;

	if ((err = cookie_check(c)) != FL_OK)
		return err;
	if (c->domain && (err = cookie_domain(a, c->domain, &domain)) != FL_OK)
		return err;
	if (c->samesite && (err = cookie_samesite(c->samesite, &samesite)) != FL_OK)
		return err;
	if (has_expires)
		err = fl_http_date(c->expires, date);
	else if (c->max_age >= 0)
		err = cookie_max_age_date(c, date);
	if (err != FL_OK)
		return err;

	/* appended, not printf'd: a new visitor's every page sets a cookie */
	fl_buf_init(&b, a);
	fl_buf_puts(&b, c->key);
	fl_buf_putc(&b, '=');
	fl_buf_puts(&b, c->value ? c->value : "");
	if (domain) {
		fl_buf_puts(&b, "; Domain=");
		fl_buf_puts(&b, domain);
	}
	if (has_expires || c->max_age >= 0) {
		fl_buf_puts(&b, "; Expires=");
		fl_buf_puts(&b, date);
	}
	if (c->max_age >= 0) {
		fl_buf_puts(&b, "; Max-Age=");
		fl_buf_put_int(&b, c->max_age);
	}
	if (c->secure)
		fl_buf_puts(&b, "; Secure");
	if (c->httponly)
		fl_buf_puts(&b, "; HttpOnly");
	fl_buf_puts(&b, "; Path=");
	fl_buf_puts(&b, c->path ? c->path : "/");
	if (samesite) {
		fl_buf_puts(&b, "; SameSite=");
		fl_buf_puts(&b, samesite);
	}
	*out = (char *)fl_buf_cstr(&b);
	return FL_OK;
}

/* ------------------------------------------------------------ HTTP dates */

static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const long_wdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
					  "Thursday", "Friday", "Saturday" };

fl_err fl_http_date(time_t t, char buf[30])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return FL_ERANGE;
	snprintf(buf, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
	return FL_OK;
}

/* Index of the name at the start of *s in `names` (advancing *s), or -1. */
static int match_name(const char **s, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(names[i]);

		if (strncmp(*s, names[i], len) == 0) {
			*s += len;
			return (int)i;
		}
	}
	return -1;
}

/* Exactly `digits` decimal digits (a leading space allowed when `space`). */
static bool take_num(const char **s, int digits, bool space, int *out)
{
	int v = 0;

	for (int i = 0; i < digits; i++) {
		char c = (*s)[i];

		if (c == ' ' && space && i == 0)
			continue;
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*s += digits;
	*out = v;
	return true;
}

static bool take_lit(const char **s, const char *lit)
{
	size_t len = strlen(lit);

	if (strncmp(*s, lit, len) != 0)
		return false;
	*s += len;
	return true;
}

static bool take_time(const char **s, struct tm *tm)
{
	return take_num(s, 2, false, &tm->tm_hour) && take_lit(s, ":") &&
	       take_num(s, 2, false, &tm->tm_min) && take_lit(s, ":") &&
	       take_num(s, 2, false, &tm->tm_sec);
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static bool parse_imf(const char *s, struct tm *tm)
{
	return match_name(&s, wdays, 7) >= 0 && take_lit(&s, ", ") &&
	       take_num(&s, 2, false, &tm->tm_mday) && take_lit(&s, " ") &&
	       (tm->tm_mon = match_name(&s, months, 12)) >= 0 && take_lit(&s, " ") &&
	       take_num(&s, 4, false, &tm->tm_year) && take_lit(&s, " ") &&
	       take_time(&s, tm) && take_lit(&s, " GMT") && *s == '\0';
}

/* "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years per RFC 7231: a year
 * more than 50 years ahead is in the past century (simplified to 70..99 ->
 * 19xx, 00..69 -> 20xx, as most servers do). */
static bool parse_rfc850(const char *s, struct tm *tm)
{
	if (!(match_name(&s, long_wdays, 7) >= 0 && take_lit(&s, ", ") &&
	      take_num(&s, 2, false, &tm->tm_mday) && take_lit(&s, "-") &&
	      (tm->tm_mon = match_name(&s, months, 12)) >= 0 && take_lit(&s, "-") &&
	      take_num(&s, 2, false, &tm->tm_year) && take_lit(&s, " ") &&
	      take_time(&s, tm) && take_lit(&s, " GMT") && *s == '\0'))
		return false;
	tm->tm_year += tm->tm_year < 70 ? 2000 : 1900;
	return true;
}

/* "Sun Nov  6 08:49:37 1994" */
static bool parse_asctime(const char *s, struct tm *tm)
{
	return match_name(&s, wdays, 7) >= 0 && take_lit(&s, " ") &&
	       (tm->tm_mon = match_name(&s, months, 12)) >= 0 && take_lit(&s, " ") &&
	       take_num(&s, 2, true, &tm->tm_mday) && take_lit(&s, " ") &&
	       take_time(&s, tm) && take_lit(&s, " ") &&
	       take_num(&s, 4, false, &tm->tm_year) && *s == '\0';
}

fl_err fl_parse_http_date(const char *s, time_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!s || !(parse_imf(s, &tm) || parse_rfc850(s, &tm) || parse_asctime(s, &tm)))
		return FL_EINVAL;
	/* Field ranges (60 allows a leap second); timegm would normalise
	 * "31 Feb" silently, so compare the round trip instead. */
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return FL_EINVAL;
	tm.tm_year -= 1900;
	{
		int mday = tm.tm_mday, mon = tm.tm_mon;
		time_t t = timegm(&tm);

		if (tm.tm_mday != mday || tm.tm_mon != mon)
			return FL_EINVAL;
		*out = t;
	}
	return FL_OK;
}

/* ------------------------------------------------------- header checking */

bool fl_header_value_ok(const char *s)
{
	if (!s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return false;
	}
	return true;
}

bool fl_header_name_ok(const char *s)
{
	return s && *s && all_chars(s, is_tchar);
}

/* ---------------------------------------------------------- Content-Type */

/* The grammar below follows werkzeug's _option_header_start_mime_type and
 * _option_header_piece_re regular expressions step by step. */

static void skip_pyspace(const char **s)
{
	while (py_space((unsigned char)**s))
		(*s)++;
}

static char *lower_dup(fl_arena *a, const char *s, size_t n)
{
	char *d = fl_arena_strndup(a, s, n);

	for (size_t i = 0; i < n; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/* "[^"\\]*(?:\\.[^"\\]*)*" at *s: its length including both quotes, or 0
 * when it does not close. */
static size_t quoted_len(const char *s)
{
	size_t i = 1;

	if (s[0] != '"')
		return 0;
	while (s[i] && s[i] != '"') {
		if (s[i] == '\\') {
			if (s[i + 1] == '\0' || s[i + 1] == '\n')
				return 0;
			i++;
		}
		i++;
	}
	return s[i] == '"' ? i + 1 : 0;
}

/* Copy `n` bytes replacing every `from` pair by the single byte `to`, left
 * to right without overlap, like Python's str.replace. */
static size_t replace_pair(char *d, const char *s, size_t n, const char *from, char to)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && s[i] == from[0] && s[i + 1] == from[1]) {
			d[o++] = to;
			i++;
		} else {
			d[o++] = s[i];
		}
	}
	return o;
}

/* werkzeug unquote_header_value: a value in quotes loses them, then
 * "\\\\" -> "\\" and "\\\"" -> "\"" (two plain replaces, not escape
 * processing), except for a filename that starts like a UNC path. */
static char *unquote_value(fl_arena *a, const char *v, size_t n, bool is_filename,
			   size_t *outlen)
{
	char *d;

	if (n < 1 || v[0] != '"' || v[n - 1] != '"') {
		*outlen = n;
		return fl_arena_strndup(a, v, n);
	}
	v++;
	n = n >= 2 ? n - 2 : 0;
	if (is_filename && n >= 2 && v[0] == '\\' && v[1] == '\\') {
		*outlen = n;
		return fl_arena_strndup(a, v, n);
	}
	d = fl_arena_alloc(a, n + 1);
	n = replace_pair(d, v, n, "\\\\", '\\');
	n = replace_pair(d, d, n, "\\\"", '"');
	d[n] = '\0';
	*outlen = n;
	return d;
}

static bool is_param_token(char c)
{
	return c && !py_space((unsigned char)c) && !strchr(";,=*", c);
}

/* A parameter name: a quoted string or a token; unquoted and lower-cased.
 * A "*", "*N" or "*N*" suffix (RFC 2231) is kept in the name, so an
 * extended "filename*" never passes for a plain "filename". */
static char *take_param_name(fl_arena *a, const char **sp)
{
	const char *s = *sp, *k = s;
	size_t n = quoted_len(s), len;
	char *name;

	if (n == 0)
		while (is_param_token(s[n]))
			n++;
	if (n == 0)
		return NULL;
	s += n;
	name = unquote_value(a, k, n, false, &len);
	if (*s == '*') {
		const char *star = s++;

		while (*s >= '0' && *s <= '9')
			s++;
		if (*s == '*')
			s++;
		name = fl_arena_printf(a, "%s%.*s", name, (int)(s - star), star);
	}
	*sp = s;
	return lower_dup(a, name, strlen(name));
}

/* One piece ";\s*,?\s*name[\s*=\s*value]\s*".  A piece whose value is
 * missing or empty is not stored (werkzeug stores None).  Returns false
 * when the piece does not match (parsing stops). */
static bool take_param(fl_arena *a, const char **sp, fl_multidict *params)
{
	const char *s = *sp + 1, *v;
	size_t vn = 0, len;
	char *name, *value;

	skip_pyspace(&s);
	if (*s == ',')
		s++;
	skip_pyspace(&s);
	if (!(name = take_param_name(a, &s)))
		return false;
	skip_pyspace(&s);
	if (*s == '=') {
		s++;
		skip_pyspace(&s);
		v = s;
		if ((vn = quoted_len(s)) == 0)
			while (s[vn] && s[vn] != ';' && s[vn] != ',')
				vn++;
		s += vn;
		if (vn > 0) {
			value = unquote_value(a, v, vn, strcmp(name, "filename") == 0, &len);
			fl_multidict_add(params, name, value, len);
		}
	}
	skip_pyspace(&s);
	*sp = s;
	return true;
}

fl_err fl_parse_content_type(fl_arena *a, const char *header, char **mimetype,
			     fl_multidict *params)
{
	const char *s = header ? header : "", *m;

	if (!fl_utf8_valid(s, strlen(s)))
		return FL_EUTF8;
	skip_pyspace(&s);
	m = s;
	while (*s && *s != ';' && *s != ',' && !py_space((unsigned char)*s))
		s++;
	*mimetype = lower_dup(a, m, (size_t)(s - m));
	if (s == m)
		return FL_OK;  /* werkzeug: ("", {}) */
	/* Parameters only when ';' follows the type directly, as in werkzeug. */
	while (*s == ';')
		if (!take_param(a, &s, params))
			break;
	return FL_OK;
}

bool fl_mimetype_is_json(const char *mt)
{
	size_t n = mt ? strlen(mt) : 0;

	if (!mt)
		return false;
	if (strcmp(mt, "application/json") == 0)
		return true;
	return n >= 17 && strncmp(mt, "application/", 12) == 0 &&
	       strcmp(mt + n - 5, "+json") == 0;
}
