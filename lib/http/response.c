#include "http/response.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct { int code; const char *text; } status_texts[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" },
	{ 206, "Partial Content" },
	{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 409, "Conflict" }, { 410, "Gone" }, { 411, "Length Required" },
	{ 412, "Precondition Failed" }, { 416, "Requested Range Not Satisfiable" },
	{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 422, "Unprocessable Entity" },
	{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
	{ 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	/* the rest of werkzeug's HTTP errors (their error pages' titles) */
	{ 408, "Request Timeout" }, { 412, "Precondition Failed" },
	{ 416, "Requested Range Not Satisfiable" }, { 417, "Expectation Failed" },
	{ 418, "I'm a teapot" }, { 423, "Locked" }, { 424, "Failed Dependency" },
	{ 428, "Precondition Required" }, { 431, "Request Header Fields Too Large" },
	{ 451, "Unavailable For Legal Reasons" }, { 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

const char *fl_status_text(int status)
{
	for (size_t i = 0; i < sizeof status_texts / sizeof *status_texts; i++)
		if (status_texts[i].code == status)
			return status_texts[i].text;
	return "Unknown";
}

void fl_response_init(fl_response *r, fl_arena *a)
{
	memset(r, 0, sizeof *r);
	r->arena = a;
	r->status = 200;
	fl_buf_init(&r->body, a);
}

/* RFC 7230 tchar: a table, since every header of every response is
 * checked (a strchr per byte cost more than the rest of adding one). */
static bool tchar[256];

static void tchar_init(void)
{
	for (unsigned c = 0x21; c < 0x7f; c++)
		tchar[c] = !strchr("()<>@,;:\\\"/[]?={}", (int)c);
}

static int name_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	if (!tchar['A'])
		tchar_init();
	for (; *s; s++)
		if (!tchar[(unsigned char)*s])
			return 0;
	return 1;
}

static int value_ok(const char *s)
{
	if (!s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* fl_response_add_header once name and value are known to be fine. */
static fl_err add_checked(fl_response *r, const char *name, const char *value)
{
	if (r->nheaders == FL_MAX_HEADERS)
		return FL_ETOOLARGE;
	r->headers[r->nheaders].name = fl_arena_strdup(r->arena, name);
	r->headers[r->nheaders].value = fl_arena_strdup(r->arena, value);
	r->nheaders++;
	return FL_OK;
}

fl_err fl_response_add_header(fl_response *r, const char *name, const char *value)
{
	if (!name_ok(name) || !value_ok(value))
		return FL_EINVAL;
	return add_checked(r, name, value);
}

void fl_response_del_header(fl_response *r, const char *name)
{
	size_t k = 0;
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) != 0)
			r->headers[k++] = r->headers[i];
	r->nheaders = k;
}

fl_err fl_response_set_header(fl_response *r, const char *name, const char *value)
{
	if (!name_ok(name) || !value_ok(value))
		return FL_EINVAL;
	fl_response_del_header(r, name);
	return add_checked(r, name, value);
}

const char *fl_response_get_header(const fl_response *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* Whether the body goes out: not for HEAD, never for 204 and 304. */
static bool sends_body(const fl_response *r, int head_only)
{
	return !head_only && r->status != 204 && r->status != 304;
}

void fl_response_serialize_head(const fl_response *r, fl_buf *out)
{
	/* Appended piece by piece, not printf'd: this runs for every response
	 * and vfprintf's format walk cost more than the copying (issue #20). */
	fl_buf_puts(out, "Status: ");
	fl_buf_put_int(out, r->status);
	fl_buf_putc(out, ' ');
	fl_buf_puts(out, fl_status_text(r->status));
	fl_buf_puts(out, "\r\n");
	for (size_t i = 0; i < r->nheaders; i++) {
		fl_buf_puts(out, r->headers[i].name);
		fl_buf_puts(out, ": ");
		fl_buf_puts(out, r->headers[i].value);
		fl_buf_puts(out, "\r\n");
	}
	/* 204 and 304 carry no body and no length (RFC 7230 §3.3.2); HEAD
	 * keeps the length GET would have. */
	if (sends_body(r, 0)) {
		unsigned long long n = r->content_length_set ? r->content_length
		                                             : (unsigned long long)r->body.len;
		fl_buf_puts(out, "Content-Length: ");
		if (n <= LLONG_MAX)
			fl_buf_put_int(out, (long long)n);
		else
			fl_buf_printf(out, "%llu", n);
		fl_buf_puts(out, "\r\n");
	}
	fl_buf_puts(out, "\r\n");
}

size_t fl_response_body_to_send(const fl_response *r, int head_only, const char **data)
{
	*data = r->body.data ? r->body.data : "";
	return sends_body(r, head_only) ? r->body.len : 0;
}

void fl_response_serialize(const fl_response *r, int head_only, fl_buf *out)
{
	const char *body;
	size_t n = fl_response_body_to_send(r, head_only, &body);
	fl_response_serialize_head(r, out);
	fl_buf_append(out, body, n);
}
