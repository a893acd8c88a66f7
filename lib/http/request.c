/* request.c — build an fl_request from CGI variables and the body. */
#include "http/request.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

#define MAX_FIELDS 1000
#define MAX_PARTS 1000
#define MAX_JSON_DEPTH 32

const char *fl_request_env(const fl_request *r, const char *name)
{
	size_t n = strlen(name);
	for (char **e = r->envp; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
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
		*why = e == FL_ETOOLARGE ? "Too many query arguments."
		     : "The query string is not valid UTF-8.";
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

static fl_err parse_body(fl_request *r, const char **why)
{
	fl_err e = FL_OK;
	if (strcmp(r->mimetype, "application/x-www-form-urlencoded") == 0) {
		e = fl_parse_urlencoded(r->arena, r->body, r->body_len, MAX_FIELDS, &r->form);
		if (e)
			*why = e == FL_ETOOLARGE ? "Too many form fields."
			     : "The form data is not valid UTF-8.";
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
			*why = e == FL_EUTF8 ? "The form data is not valid UTF-8."
			     : "The multipart body is malformed.";
	} else if (strcmp(r->mimetype, "application/json") == 0 ||
		   (strncmp(r->mimetype, "application/", 12) == 0 &&
		    strlen(r->mimetype) > 5 && !strcmp(r->mimetype + strlen(r->mimetype) - 5, "+json"))) {
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
	char *end;
	errno = 0;
	long long len = strtoll(cl, &end, 10);
	if (errno || *end || end == cl || len < 0) {
		*why = "The Content-Length header is invalid.";
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
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
		"method", r->method_name, "path", r->path, "script_root", r->script_name,
		"remote_addr", r->remote_addr,
		"args", fl_multidict_to_json(&r->args),
		"form", fl_multidict_to_json(&r->form),
		"cookies", fl_multidict_to_json(&r->cookies));
}
