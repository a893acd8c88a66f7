/* testing.h — a test client in C: Flask's app.test_client() and
 * Flask-Mail's record_messages, for an application's own unit tests.
 *
 * The client starts every blueprint of an application in this process, in
 * the `testing` configuration, on a fresh SQLite database in a temporary
 * directory (its models created with create_all), and sends them requests
 * without a web server: the request goes through the same code a FastCGI
 * request does (routing, hooks, CSRF, the view, error pages, the session).
 * A path under /cgi-bin/<blueprint>/ goes to that blueprint's program.
 *
 *     fl_test_client *tc = fl_test_client_new(&blog_app, NULL);
 *     fl_test_response *r = fl_test_get(tc, "/cgi-bin/posts/");
 *     assert_int_equal(r->status, 200);
 *     const char *form[] = { "title", "Hello", "csrf_token", fl_test_csrf_token(tc), NULL };
 *     r = fl_test_post_form(tc, "/cgi-bin/posts/new", form);
 *     fl_test_client_free(tc);
 *
 * Cookies the application sets are kept (a cookie jar: Path, Max-Age,
 * Expires and deletion honoured) and sent back, so a session lasts across
 * requests.  Redirects are followed when asked (fl_test_follow_redirects),
 * as Flask's follow_redirects=True.  Mail is never sent: every message the
 * application would send is recorded (fl_test_outbox).
 *
 * A view that crashes (SIGSEGV, ...) answers the crash guard's 500 page as
 * the response, and the process goes on (a FastCGI program would restart
 * itself); that blueprint's program is then unusable: later requests to it
 * return NULL (why on stderr), the other blueprints still answer, and
 * fl_test_client_free must still be called.
 *
 * The environment: fl_test_client_new sets APP_CONFIG, DATABASE_URI,
 * FLAGON_VAR (the temporary directory: outbox, uploads), MAIL_SUPPRESS_SEND,
 * FLAGON_ROOT (when opt->root is given) and the keys of opt->config, and
 * fl_test_client_free restores them.
 *
 * Memory: the client owns every response and string it returns; they stay
 * valid until the next request on the client (responses) or until
 * fl_test_client_free.  Not thread-safe; one client at a time per process
 * (the programs' state is per process, as in FastCGI).
 */
#ifndef FL_TESTING_H
#define FL_TESTING_H

#include <jansson.h>
#include <stddef.h>

#include "web/application.h"

/* A test client (opaque). */
typedef struct fl_test_client fl_test_client;

/* What fl_test_client_new may change from the defaults; every field may be
 * left zero. */
typedef struct fl_test_options {
	/* Configuration keys set before the application starts, as
	 * "KEY", "VALUE" pairs ending with NULL ({"FLASKY_ADMIN", "a@b.c",
	 * NULL}); they win over the environment.  APP_CONFIG is `testing`
	 * unless given here; DATABASE_URI names a file in the temporary
	 * directory unless given here.  A MySQL/MariaDB or PostgreSQL
	 * DATABASE_URI is used as it is: its tables are created (create_all)
	 * and kept — empty the database between clients yourself (a fresh
	 * database per test, or drop_all); `migrate` needs SQLite for now. */
	const char *const *config;
	/* The project root (templates/, migrations): NULL finds it as the
	 * programs do (FLAGON_ROOT, else up from the current directory). */
	const char *root;
	/* 1: apply the application's migrations (db upgrade) instead of
	 * create_all on the fresh database. */
	int migrate;
} fl_test_options;

/* One recorded response.  Everything belongs to the client. */
typedef struct fl_test_response {
	int status;                 /* 200, 302, ... */
	const char *body;           /* NUL-terminated (a body with NULs: use body_len) */
	size_t body_len;            /* bytes in body */
	json_t *json;               /* the body parsed when it is application/json, else NULL */
	const char *location;       /* the Location header, or NULL */
	const char *url;            /* the path of the request that answered (after redirects) */
	int redirects;              /* how many redirects were followed */
} fl_test_response;

/* A message the application would have sent (Flask-Mail's
 * record_messages).  Strings belong to the client. */
typedef struct fl_test_mail {
	const char *subject;            /* the Subject, or NULL */
	const char *sender;             /* From: "Name <addr>" or "addr" */
	const char *const *recipients;  /* NULL-terminated: To, Cc and Bcc */
	const char *body;               /* the text part, or NULL */
	const char *html;               /* the HTML part, or NULL */
	const char *raw;                /* the whole RFC 5322 message */
} fl_test_mail;

/* fl_test_client_new — start `app` (every program of
 * app->blueprints) in the testing configuration on a fresh database in a
 * new temporary directory, as described above.  `opt` may be NULL.
 * Returns the client, or NULL after printing why on stderr (bad
 * configuration, a template that does not compile, a model that cannot be
 * created).  Free with fl_test_client_free. */
fl_test_client *fl_test_client_new(const fl_application *app, const fl_test_options *opt);

/* fl_test_client_free — stop the programs, delete the temporary directory
 * and free everything the client returned.  NULL is ignored. */
void fl_test_client_free(fl_test_client *tc);

/* fl_test_follow_redirects — 1: the request functions follow 301, 302,
 * 303, 307 and 308 (at most 10; 303 and, for POST, 301/302 become a GET
 * without a body, as browsers and werkzeug's client do); 0 (the default):
 * return the redirect itself. */
void fl_test_follow_redirects(fl_test_client *tc, int follow);

/* fl_test_set_header — send header `name: value` with every later request
 * (Accept, Authorization, Referer...); value NULL removes it.  Names are
 * matched case-insensitively.  0, or FL_EINVAL for a name or value that
 * is not a valid header field (CR, LF, NUL). */
int fl_test_set_header(fl_test_client *tc, const char *name, const char *value);

/* fl_test_request — send one request: `method` ("GET", "POST", ...),
 * `url` a path with an optional query string ("/cgi-bin/main/?page=2";
 * an absolute http://localhost/... URL is accepted too), `content_type`
 * and `body` (body_len bytes) or NULL for none.  Returns the response
 * (owned by the client; valid until the next request), or NULL when the
 * URL names no blueprint of the application or is malformed (why on
 * stderr). */
fl_test_response *fl_test_request(fl_test_client *tc, const char *method, const char *url,
	const char *content_type, const char *body, size_t body_len);

/* fl_test_get — GET `url` (fl_test_request). */
fl_test_response *fl_test_get(fl_test_client *tc, const char *url);

/* fl_test_post_form — POST `fields`, "name", "value" pairs ending with
 * NULL, as application/x-www-form-urlencoded (names and values
 * percent-encoded). */
fl_test_response *fl_test_post_form(fl_test_client *tc, const char *url,
	const char *const *fields);

/* fl_test_post_json — POST `value` (borrowed) as application/json. */
fl_test_response *fl_test_post_json(fl_test_client *tc, const char *url, const json_t *value);

/* A file for fl_test_post_multipart. */
typedef struct fl_test_file {
	const char *field;          /* the form field's name */
	const char *filename;       /* the file name the browser would send */
	const char *content_type;   /* NULL: application/octet-stream */
	const void *data;           /* the file's bytes (borrowed) */
	size_t len;                 /* bytes in data */
} fl_test_file;

/* fl_test_post_multipart — POST `fields` (as fl_test_post_form) and
 * `files` (nfiles of them) as multipart/form-data (RFC 7578) with a
 * random boundary. */
fl_test_response *fl_test_post_multipart(fl_test_client *tc, const char *url,
	const char *const *fields, const fl_test_file *files, size_t nfiles);

/* fl_test_header — the value of response header `name` (first of them,
 * case-insensitive), or NULL. */
const char *fl_test_header(const fl_test_response *r, const char *name);

/* fl_test_cookie — the value of cookie `name` in the client's jar (the
 * one a request to `path` would send; NULL: "/"), or NULL. */
const char *fl_test_cookie(fl_test_client *tc, const char *name, const char *path);

/* fl_test_session — the client's session as the application reads it
 * (a copy, owned by the client until the next call), or an empty object
 * when there is none or it does not verify. */
json_t *fl_test_session(fl_test_client *tc);

/* fl_test_csrf_token — a CSRF token valid for the client's session
 * (Flask-WTF's generate_csrf: the session gets its raw token if it had
 * none, and the jar the new session cookie), to post as `csrf_token`.
 * Owned by the client; NULL when out of memory. */
const char *fl_test_csrf_token(fl_test_client *tc);

/* fl_test_outbox — the messages recorded since the client started or
 * since fl_test_outbox_clear; *n gets their count.  Owned by the client. */
const fl_test_mail *fl_test_outbox(fl_test_client *tc, size_t *n);

/* fl_test_outbox_clear — forget the recorded messages. */
void fl_test_outbox_clear(fl_test_client *tc);

/* fl_test_db — the database the blueprint named `blueprint` uses (every
 * program opens the same file), for a test to check or prepare rows with
 * the query API; NULL for an unknown name. */
fl_db *fl_test_db(fl_test_client *tc, const char *blueprint);

/* fl_test_tmpdir — the client's temporary directory (the database, the
 * outbox, uploads), removed by fl_test_client_free. */
const char *fl_test_tmpdir(fl_test_client *tc);

#endif
