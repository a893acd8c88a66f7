/* request.h — the incoming request (werkzeug's Request).
 *
 * Built from the CGI/FastCGI environment by the request loop before a view
 * runs.  Everything is parsed and checked up front, within limits: the path
 * and query must be valid UTF-8 (else 400), a body longer than
 * MAX_CONTENT_LENGTH is refused (413) before it is read, form and multipart
 * bodies are decoded into `form`/`files`, JSON bodies into `json`.  All
 * memory belongs to the request arena.
 */
#ifndef FL_REQUEST_H
#define FL_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "http/formparser.h"
#include "base/multidict.h"
#include "http/routing.h"

/* The request (werkzeug's Request), parsed within limits; arena memory. */
typedef struct fl_request {
	fl_arena *arena;            /* the request arena */
	char **envp;               /* the CGI variables */
	fl_method method;           /* request.method as an enum */
	const char *method_name;    /* request.method as text ("GET") */
	const char *path;          /* PATH_INFO, "/" when empty */
	const char *script_name;   /* SCRIPT_NAME: the blueprint's mount point */
	const char *query_string;  /* raw, without '?' */
	const char *remote_addr;    /* request.remote_addr (REMOTE_ADDR) */
	const char *mimetype;      /* Content-Type without parameters, lower case, or "" */
	const char *body;          /* raw body (NUL-terminated copy), or NULL */
	size_t body_len;            /* bytes in body */
	fl_multidict args;         /* request.args */
	fl_multidict form;         /* request.form */
	fl_multidict cookies;      /* request.cookies */
	fl_files files;            /* request.files */
	json_t *json;              /* request.get_json(), or NULL */
} fl_request;

/* fl_request_init — read method, path, query string and cookies from
 * `envp` (NULL-terminated "KEY=value" strings, owned by the caller).  On a
 * client error returns FL_EUTF8 / FL_EINVAL / FL_ETOOLARGE and sets *why to
 * a message for the 400 page. */
fl_err fl_request_init(fl_request *r, fl_arena *a, char **envp, const char **why);

/* A function that reads up to `n` body bytes into `buf` and returns how
 * many it read (0 at the end, -1 on error). */
typedef long (*fl_body_reader)(void *ud, char *buf, size_t n);

/* fl_request_read_body — read the body (CONTENT_LENGTH bytes) through
 * `read` and parse it by its Content-Type: urlencoded and multipart into
 * form/files, application/json into json.  Errors: FL_ETOOLARGE (413) when
 * longer than `max_length` bytes, FL_EUTF8 / FL_EMALFORMED / FL_EINVAL
 * (400) with *why set.  Nothing is stored from a body that fails. */
fl_err fl_request_read_body(fl_request *r, fl_body_reader read, void *ud, long max_length,
	const char **why);

/* fl_request_env — the CGI variable `name` (e.g. "SERVER_NAME"), or NULL. */
const char *fl_request_env(const fl_request *r, const char *name);

/* fl_request_header — the request header `name` ("User-Agent",
 * "Content-Type"), case-insensitive, or NULL (reads HTTP_* variables). */
const char *fl_request_header(const fl_request *r, const char *name);

/* fl_request_json — request, args and form as a JSON object for templates
 * (`request.method`, `request.path`, `request.args.page`...). */
json_t *fl_request_to_json(const fl_request *r);

#endif
