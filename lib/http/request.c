/* request.c — build an fl_request from CGI variables and the body. */
#include "http/request.h"
#include "base/jstring.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/pynum.h"
#include "http/http.h"

#define MAX_FIELDS 1000
#define MAX_PARTS 1000
#define MAX_JSON_DEPTH 32

const char *fl_request_env(const fl_request *r, const char *name)
{
	/* A FastCGI server passes some 30 variables and a request looks a
	 * dozen names up: the first byte turns most away without a call. */
	size_t n = strlen(name);
	for (char **e = r->envp; e && *e; e++)
		if (**e == *name && strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *fl_request_header(const fl_request *r, const char *name)
{
	/* CGI passes most headers as HTTP_NAME; Content-Type and
	 * Content-Length have variables of their own (RFC 3875 §4.1). */
	char var[128];
	size_t n = strlen(name);
	if (strcasecmp(name, "Content-Type") == 0)
		return fl_request_env(r, "CONTENT_TYPE");
	if (strcasecmp(name, "Content-Length") == 0)
		return fl_request_env(r, "CONTENT_LENGTH");
	if (n + 6 > sizeof var)
		return NULL;
	memcpy(var, "HTTP_", 5);
	for (size_t i = 0; i <= n; i++)
		var[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	return fl_request_env(r, var);
}

/* `key` for a message, quoted: at most about 64 bytes, cut at a
 * character boundary so the text stays UTF-8. */
static const char *shown_key(fl_arena *a, const char *key)
{
	size_t n = strlen(key);
	if (n <= 64)
		return fl_arena_printf(a, "'%s'", key);
	n = 61;
	while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
		n--;
	return fl_arena_printf(a, "'%.*s...'", (int)n, key);
}

/* Text values hold no NUL byte (SPEC §6): a C string would end there and
 * the value would be cut short.  The first pair of `md` whose value holds
 * one makes a 400 naming it (`what`: "query argument", "form field";
 * `escape`: how the client wrote it, "%00 " or ""). */
static fl_err refuse_nul_values(fl_arena *a, const fl_multidict *md, const char *what,
	const char *escape, const char **why)
{
	for (size_t i = 0; i < md->len; i++)
		if (memchr(md->items[i].value, '\0', md->items[i].value_len)) {
			*why = fl_arena_printf(a, "The %s %s holds a NUL byte %s(U+0000), "
				"which no text value may contain.", what,
				shown_key(a, md->items[i].key), escape);
			return FL_ENUL;
		}
	return FL_OK;
}

/* Why a query string or urlencoded body did not parse (`what`: "query
 * argument", "form field"). */
static const char *urlencoded_why(fl_arena *a, fl_err e, const char *what)
{
	switch (e) {
	case FL_ETOOLARGE:
		return fl_arena_printf(a, "Too many %ss (at most %d).", what, MAX_FIELDS);
	case FL_ENUL:
		return fl_arena_printf(a, "A %s name holds a NUL byte (%%00), which no name "
			"may contain.", what);
	default:
		return strcmp(what, "form field") == 0 ? "The form data is not valid UTF-8."
			: "The query string is not valid UTF-8.";
	}
}

static const char *env_or(const fl_request *r, const char *name, const char *dflt)
{
	const char *v = fl_request_env(r, name);
	return v ? v : dflt;
}

fl_err fl_request_init(fl_request *r, fl_arena *a, char **envp, const char **why)
{
	memset(r, 0, sizeof *r);
	r->arena = a;
	r->envp = envp;
	fl_multidict_init(&r->args, a);
	fl_multidict_init(&r->form, a);
	fl_multidict_init(&r->cookies, a);
	fl_files_init(&r->files, a);
	r->method_name = env_or(r, "REQUEST_METHOD", "GET");
	r->method = fl_method_parse(r->method_name);
	r->script_name = env_or(r, "SCRIPT_NAME", "");
	r->path = env_or(r, "PATH_INFO", "");
	if (!*r->path)
		r->path = "/";
	r->query_string = env_or(r, "QUERY_STRING", "");
	r->remote_addr = env_or(r, "REMOTE_ADDR", "");
	r->mimetype = "";

	/* The server has already percent-decoded PATH_INFO. */
	if (!fl_utf8_valid(r->path, strlen(r->path))) {
		*why = "The requested path is not valid UTF-8.";
		return FL_EUTF8;
	}
	fl_err e = fl_parse_urlencoded(a, r->query_string, strlen(r->query_string), MAX_FIELDS,
		&r->args);
	if (e) {
		*why = urlencoded_why(a, e, "query argument");
		return e;
	}
	if ((e = refuse_nul_values(a, &r->args, "query argument", "%00 ", why)) != FL_OK) {
		fl_multidict_init(&r->args, a);
		return e;
	}
	const char *cookie = fl_request_env(r, "HTTP_COOKIE");
	/* Cookies that do not parse are left out, as browsers and werkzeug do. */
	if (cookie)
		(void)fl_parse_cookie(a, cookie, strlen(cookie), &r->cookies);
	const char *ct = fl_request_env(r, "CONTENT_TYPE");
	if (ct && *ct) {
		char *mt;
		fl_multidict params;
		fl_multidict_init(&params, a);
		if (fl_parse_content_type(a, ct, &mt, &params) == FL_OK)
			r->mimetype = mt;
	}
	return FL_OK;
}

static fl_err read_all(fl_request *r, fl_body_reader read, void *ud, size_t len, const char **why)
{
	char *buf = fl_arena_alloc(r->arena, len + 1);
	size_t got = 0;
	while (got < len) {
		long n = read(ud, buf + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != len) {
		*why = "The request body ended early.";
		return FL_EINVAL;
	}
	buf[len] = '\0';
	r->body = buf;
	r->body_len = len;
	return FL_OK;
}

/* Why a multipart body did not parse. */
static const char *multipart_why(fl_arena *a, fl_err e)
{
	switch (e) {
	case FL_ETOOLARGE:
		return fl_arena_printf(a, "Too many parts in the multipart body (at most %d).",
			MAX_PARTS);
	case FL_EUTF8:
		return "The form data is not valid UTF-8.";
	case FL_ENUL:
		return "A multipart part's headers (its field name or file name) hold a NUL "
			"byte, which no name may contain.";
	case FL_EINVAL:
		return "The multipart boundary is invalid.";
	default:
		return "The multipart body is malformed.";
	}
}

static fl_err parse_body(fl_request *r, const char **why)
{
	fl_err e = FL_OK;
	if (strcmp(r->mimetype, "application/x-www-form-urlencoded") == 0) {
		e = fl_parse_urlencoded(r->arena, r->body, r->body_len, MAX_FIELDS, &r->form);
		if (e)
			*why = urlencoded_why(r->arena, e, "form field");
		else
			e = refuse_nul_values(r->arena, &r->form, "form field", "%00 ", why);
	} else if (strcmp(r->mimetype, "multipart/form-data") == 0) {
		fl_multidict params;
		char *mt;
		fl_multidict_init(&params, r->arena);
		fl_parse_content_type(r->arena, fl_request_env(r, "CONTENT_TYPE"), &mt, &params);
		const char *boundary = fl_multidict_get(&params, "boundary");
		if (!boundary) {
			*why = "The multipart body has no boundary.";
			return FL_EMALFORMED;
		}
		e = fl_parse_multipart(r->arena, r->body, r->body_len, boundary, MAX_PARTS,
			&r->form, &r->files);
		if (e)
			*why = multipart_why(r->arena, e);
		else
			e = refuse_nul_values(r->arena, &r->form, "form field", "", why);
	} else if (fl_mimetype_is_json(r->mimetype)) {
		char *msg = NULL;
		e = fl_parse_json_body(r->arena, r->body, r->body_len, MAX_JSON_DEPTH, &r->json, &msg);
		if (e)
			*why = msg ? msg : "Failed to decode JSON object.";
	}
	if (e) {
		/* Nothing from a body that failed is kept. */
		fl_multidict_init(&r->form, r->arena);
		fl_files_init(&r->files, r->arena);
		r->json = NULL;
	}
	return e;
}

fl_err fl_request_read_body(fl_request *r, fl_body_reader read, void *ud, long max_length,
	const char **why)
{
	const char *cl = fl_request_env(r, "CONTENT_LENGTH");
	if (!cl || !*cl)
		return FL_OK;
	/* RFC 9110 §8.6: Content-Length = 1*DIGIT; no sign, no spaces. */
	long long len;
	if (!fl_parse_decimal(cl, false, &len)) {
		*why = "The Content-Length header is invalid: it must be digits only.";
		return FL_EINVAL;
	}
	if (len > max_length) {
		*why = "The data value transmitted exceeds the capacity limit.";
		return FL_ETOOLARGE;
	}
	if (len == 0)
		return FL_OK;
	fl_err e = read_all(r, read, ud, (size_t)len, why);
	return e ? e : parse_body(r, why);
}

json_t *fl_request_to_json(const fl_request *r)
{
	/* Set one by one rather than json_pack'd: every rendered page makes
	 * this, and the format walk cost more than the object.  As json_pack
	 * did, a string that is missing or not UTF-8 gives NULL. */
	static const char *const names[] = { "method", "path", "script_root", "remote_addr" };
	const char *values[] = { r->method_name, r->path, r->script_name, r->remote_addr };
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		json_t *s = values[i] ? fl_json_string(values[i]) : NULL;
		if (!s || json_object_set_new_nocheck(o, names[i], s)) {
			json_decref(o);
			return NULL;
		}
	}
	json_object_set_new_nocheck(o, "args", fl_multidict_to_json(&r->args));
	json_object_set_new_nocheck(o, "form", fl_multidict_to_json(&r->form));
	json_object_set_new_nocheck(o, "cookies", fl_multidict_to_json(&r->cookies));
	return o;
}
