/* db_uri.c — DATABASE_URI parsing, as SQLAlchemy 1.4's make_url.  See
 * db_uri.h for the grammar and where Flagon differs. */
#include "base/db_uri.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"

/* The schemes' backend names, and the dialect each one means. */
static const struct {
	const char *name;
	fl_dialect_id dialect;
} backends[] = {
	{ "sqlite", FL_DIALECT_SQLITE },
	{ "mysql", FL_DIALECT_MYSQL },
	{ "mariadb", FL_DIALECT_MYSQL },
	{ "postgresql", FL_DIALECT_POSTGRESQL },
	{ "postgres", FL_DIALECT_POSTGRESQL },   /* SQLAlchemy 1.4 refuses it; Heroku writes it */
};

const char *fl_dialect_id_name(fl_dialect_id id)
{
	static const char *const names[FL_DIALECT__MAX] = { "sqlite", "mysql", "postgresql" };
	return (unsigned)id < FL_DIALECT__MAX ? names[id] : "?";
}

/* Write the reason into why/whylen; FL_EINVAL. */
static fl_err bad(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static fl_err bad(char *why, size_t whylen, const char *fmt, ...)
{
	if (whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return FL_EINVAL;
}

/* SQLAlchemy's scheme characters: [\w+] in ASCII. */
static int is_scheme_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '+';
}

/* The scheme `s` (n bytes): backend, driver and dialect into `u`. */
static fl_err parse_scheme(fl_db_uri *u, const char *s, size_t n, char *why, size_t whylen)
{
	u->drivername = fl_arena_strndup(u->arena_, s, n);
	const char *plus = memchr(s, '+', n);
	size_t blen = plus ? (size_t)(plus - s) : n;
	u->backend = fl_arena_strndup(u->arena_, s, blen);
	if (plus) {
		u->driver = fl_arena_strndup(u->arena_, plus + 1, n - blen - 1);
		if (!*u->driver || strchr(u->driver, '+'))
			return bad(why, whylen, "driver '%s' after '%s+' is not a driver name",
				u->driver, u->backend);
	}
	for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
		if (strcmp(u->backend, backends[i].name) == 0) {
			u->dialect = backends[i].dialect;
			return FL_OK;
		}
	return bad(why, whylen, "unknown database '%s' (sqlite, mysql, mariadb, postgresql)",
		u->backend);
}

/* Percent-decode the `n` bytes at `s` (`plus`: '+' is a space) into *out,
 * refusing text that is not UTF-8 or holds a NUL; `what` names the part
 * in the message (it never quotes the text: it may be a password). */
static fl_err unquote(fl_db_uri *u, const char *s, size_t n, int plus, const char *what,
	const char **out, char *why, size_t whylen)
{
	char *d;
	size_t len;
	if (fl_url_unquote(u->arena_, s, n, plus, &d, &len) != FL_OK)
		return bad(why, whylen, "%s is not UTF-8 after percent-decoding", what);
	if (memchr(d, '\0', len))
		return bad(why, whylen, "%s holds a NUL byte (%%00)", what);
	*out = d;
	return FL_OK;
}

/* The userinfo of `s` (the text after "://"), as SQLAlchemy's regex takes
 * it: the username runs to the last '@' before the first ':' or '/'; or,
 * when a ':' ends that run and an '@' follows, the username is the run and
 * the password runs to that next '@'.  *host_at: the offset in `s` where
 * the host begins (0: no userinfo). */
static fl_err parse_userinfo(fl_db_uri *u, const char *s, size_t *host_at, char *why,
	size_t whylen)
{
	size_t run = strcspn(s, ":/");
	const char *at;
	fl_err e;
	*host_at = 0;
	if (s[run] == ':' && (at = strchr(s + run + 1, '@')) != NULL) {
		if (strchr(at + 1, '@'))
			return bad(why, whylen, "an '@' follows the password: write an '@' "
				"inside the password as %%40");
		if ((e = unquote(u, s, run, 0, "the username", &u->username, why, whylen)) ||
		    (e = unquote(u, s + run + 1, (size_t)(at - s - run - 1), 0, "the password",
				&u->password, why, whylen)))
			return e;
		*host_at = (size_t)(at + 1 - s);
		return FL_OK;
	}
	at = NULL;
	for (size_t i = 0; i < run; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at)
		return FL_OK;
	*host_at = (size_t)(at + 1 - s);
	return unquote(u, s, (size_t)(at - s), 0, "the username", &u->username, why, whylen);
}

/* The port text `s` (n bytes) as 1..65535. */
static fl_err parse_port(fl_db_uri *u, const char *s, size_t n, char *why, size_t whylen)
{
	long port = 0;
	if (!n)
		return bad(why, whylen, "the port after ':' is empty");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return bad(why, whylen, "port '%.*s' is not a number", (int)n, s);
		if (port <= 65535)
			port = port * 10 + (s[i] - '0');
	}
	if (port < 1 || port > 65535)
		return bad(why, whylen, "port %.*s is out of range (1-65535)", (int)n, s);
	u->port = (int)port;
	return FL_OK;
}

/* Host and port at the start of `s`; *rest goes past them. */
static fl_err parse_host(fl_db_uri *u, const char *s, const char **rest, char *why,
	size_t whylen)
{
	size_t hlen;
	if (*s == '[') {
		size_t span = strcspn(s, "/?");
		const char *close = NULL;
		for (size_t i = 1; i < span; i++)
			if (s[i] == ']')
				close = s + i;   /* the last one, as the regex backtracks */
		if (!close)
			return bad(why, whylen, "IPv6 host '%.*s' has no closing ']'", (int)span, s);
		if (close == s + 1)
			return bad(why, whylen, "the IPv6 host '[]' is empty");
		if (close[1] && !strchr(":/?", close[1]))
			return bad(why, whylen, "unexpected '%.*s' after the IPv6 host '%.*s'",
				(int)(span - (size_t)(close + 1 - s)), close + 1,
				(int)(close + 1 - s), s);
		u->host = fl_arena_strndup(u->arena_, s + 1, (size_t)(close - s - 1));
		s = close + 1;
	} else if ((hlen = strcspn(s, "/:?")) > 0) {
		u->host = fl_arena_strndup(u->arena_, s, hlen);
		if (strpbrk(u->host, " []\"<>\\^`{|}"))
			return bad(why, whylen, "host '%s' is not a host name", u->host);
		s += hlen;
	}
	if (*s == ':') {
		size_t plen = strcspn(s + 1, "/?");
		fl_err e = parse_port(u, s + 1, plen, why, whylen);
		if (e)
			return e;
		s += 1 + plen;
	}
	*rest = s;
	return FL_OK;
}

/* The query `q` (after '?') as parse_qsl reads it: '&'-separated pairs,
 * '+' a space, percent-decoded; a pair without '=' or with an empty value
 * dropped. */
static fl_err parse_query(fl_db_uri *u, const char *q, char *why, size_t whylen)
{
	size_t cap = 1;
	for (const char *p = q; *p; p++)
		cap += *p == '&';
	fl_db_uri_option *opts = fl_arena_calloc(u->arena_, cap, sizeof *opts);
	size_t n = 0;
	while (*q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		if (eq && eq + 1 < q + len) {
			size_t klen = (size_t)(eq - q);
			fl_err e;
			if (!klen)
				return bad(why, whylen, "a query option has an empty name ('%.*s')",
					(int)len, q);
			if ((e = unquote(u, q, klen, 1, "a query option's name", &opts[n].key, why, whylen)) ||
			    (e = unquote(u, eq + 1, len - klen - 1, 1, "a query option's value",
					&opts[n].value, why, whylen)))
				return e;
			n++;
		}
		q += len + (q[len] == '&');
	}
	u->query = opts;
	u->nquery = n;
	return FL_OK;
}

/* A sqlite URI names a file: no user, password, host or port. */
static fl_err check_sqlite(const fl_db_uri *u, char *why, size_t whylen)
{
	if (u->dialect != FL_DIALECT_SQLITE)
		return FL_OK;
	if (u->username || u->password || u->port)
		return bad(why, whylen, "sqlite takes a file path, not a user, password or port: "
			"write sqlite:///relative/path or sqlite:////absolute/path");
	if (u->host)
		return bad(why, whylen, "sqlite takes a file path, not a host ('%s'): "
			"write sqlite:///relative/path or sqlite:////absolute/path", u->host);
	return FL_OK;
}

static fl_err parse(fl_db_uri *u, const char *text, char *why, size_t whylen)
{
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return bad(why, whylen, "a control character at offset %zu", (size_t)(p - text));
	size_t slen = 0;
	while (is_scheme_char((unsigned char)text[slen]))
		slen++;
	if (!slen || strncmp(text + slen, "://", 3) != 0)
		return bad(why, whylen, "expected dialect[+driver]://[user[:password]@]host[:port]"
			"/database or sqlite:///path (no '://' after a dialect name)");
	fl_err e;
	size_t host_at;
	const char *s = text + slen + 3, *rest = NULL;
	if ((e = parse_scheme(u, text, slen, why, whylen)) ||
	    (e = parse_userinfo(u, s, &host_at, why, whylen)) ||
	    (e = parse_host(u, s + host_at, &rest, why, whylen)))
		return e;
	if (*rest == '/') {
		size_t dlen = strcspn(rest + 1, "?");
		u->database = fl_arena_strndup(u->arena_, rest + 1, dlen);
		rest += 1 + dlen;
	}
	if (*rest == '?' && (e = parse_query(u, rest + 1, why, whylen)))
		return e;
	return check_sqlite(u, why, whylen);
}

fl_err fl_db_uri_parse(const char *text, fl_db_uri *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	if (whylen)
		*why = '\0';
	if (!(out->arena_ = fl_arena_new(256)))
		return FL_ENOMEM;
	out->text = fl_arena_strdup(out->arena_, text);
	return parse(out, text, why, whylen);
}

void fl_db_uri_free(fl_db_uri *uri)
{
	if (!uri)
		return;
	if (uri->arena_)
		fl_arena_free(uri->arena_);
	memset(uri, 0, sizeof *uri);
}

size_t fl_uri_password_span(const char *uri, size_t *start)
{
	*start = 0;
	const char *s = strstr(uri, "://");
	if (!s)
		return 0;
	s += 3;
	size_t run = strcspn(s, ":/");
	const char *at = s[run] == ':' ? strrchr(s + run + 1, '@') : NULL;
	if (!at)
		return 0;
	*start = (size_t)(s + run + 1 - uri);
	return (size_t)(at - uri) - *start;
}

char *fl_db_uri_display(const fl_db_uri *uri, fl_arena *a)
{
	if (!uri->text)
		return fl_arena_strdup(a, "");
	size_t start, len = fl_uri_password_span(uri->text, &start);
	if (!len && !uri->password)
		return fl_arena_strdup(a, uri->text);
	return fl_arena_printf(a, "%.*s" FL_URI_PASSWORD_MASK "%s", (int)start, uri->text,
		uri->text + start + len);
}

const char *fl_db_uri_get(const fl_db_uri *uri, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < uri->nquery; i++)
		if (strcmp(uri->query[i].key, key) == 0)
			v = uri->query[i].value;
	return v;
}

const char *fl_db_uri_socket(const fl_db_uri *uri)
{
	if (uri->dialect == FL_DIALECT_MYSQL)
		return fl_db_uri_get(uri, "unix_socket");
	if (uri->dialect == FL_DIALECT_POSTGRESQL) {
		const char *h = fl_db_uri_get(uri, "host");
		return h && *h == '/' ? h : NULL;
	}
	return NULL;
}
