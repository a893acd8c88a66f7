/* request.h — the incoming request (werkzeug's Request).
 *
 * Built from the CGI/FastCGI environment by the request loop before a view
 * runs.  Everything is parsed and checked up front, within limits: the path
 * and query must be valid UTF-8 (else 400), a body longer than
 * MAX_CONTENT_LENGTH is refused (413) before it is read, form and multipart
 * bodies are decoded into `form`/`files`, JSON bodies into `json`.  All
 * memory belongs to the request arena.
 *
 * NUL bytes (SPEC §6): no text value may hold one, since a C string would
 * end there and the value be silently cut short.  A query argument or form
 * field (urlencoded or multipart) whose value holds a NUL ("a%00b"), a key
 * or multipart header holding one, and a JSON string holding "\u0000" are
 * each a 400 naming the NUL, and nothing is kept; so every value in `args`
 * and `form` is a whole C string (strlen(value) == value_len) and every
 * string in `json` too.  Only uploaded files (`files`) carry binary data,
 * with their length.  Cookies holding a NUL are dropped (fl_parse_cookie).
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
 * `envp` (NULL-terminated "KEY=value" strings, owned by the caller).  The
 * method is matched case-sensitively (RFC 9110 §9.1): "get" or "TRACE" is
 * FL_METHOD__MAX, left for routing to answer 404 or 405.  On a client error
 * returns FL_EUTF8 (path or query not UTF-8), FL_ENUL (a NUL in a query
 * argument's name or value), FL_ETOOLARGE (too many arguments; 414) and
 * sets *why to a message for the error page. */
fl_err fl_request_init(fl_request *r, fl_arena *a, char **envp, const char **why);

/* A function that reads up to `n` body bytes into `buf` and returns how
 * many it read (0 at the end, -1 on error). */
typedef long (*fl_body_reader)(void *ud, char *buf, size_t n);

/* fl_request_read_body — read the body (CONTENT_LENGTH bytes) through
 * `read` and parse it by its Content-Type: urlencoded and multipart into
 * form/files, a JSON type (fl_mimetype_is_json) into json.
 * CONTENT_LENGTH must be ASCII digits only (RFC 9110 §8.6: 1*DIGIT): "+6",
 * " 6" or "-0" is a 400 naming the Content-Length.  Errors: FL_ETOOLARGE
 * (413) when longer than `max_length` bytes or with more than 1000 form
 * fields or multipart parts, FL_EUTF8 / FL_ENUL / FL_EMALFORMED / FL_EINVAL
 * (400), each with *why set to a message saying which.  Nothing is stored
 * from a body that fails. */
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
