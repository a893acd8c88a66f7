/* testing_internal.h — the test client's state, shared by testing.c
 * (start, stop, the database, recorded mail) and testing_request.c
 * (headers, the cookie jar, requests and their responses, the session and
 * the CSRF token).  Not part of the public API. */
#ifndef FL_TESTING_INTERNAL_H
#define FL_TESTING_INTERNAL_H

#include "web/ctx_internal.h"
#include "web/testing.h"

typedef struct cookie {
	char *name, *value, *path;
} cookie;

typedef struct header {
	char *name, *value;
} header;

typedef struct resp_header {
	const char *name, *value;
} resp_header;

/* A response and its headers (fl_test_header reads them). */
typedef struct response {
	fl_test_response pub;
	resp_header *headers;
	size_t nheaders;
} response;

/* An environment variable fl_test_client_new set, and what it was. */
typedef struct saved_env {
	char *name;
	char *old;                  /* NULL: it was unset */
} saved_env;

/* The client (testing.h); its requests are testing_request.c. */
struct fl_test_client {
	const fl_application *app;
	fl_app **apps;              /* one per blueprint, app->blueprints' order */
	size_t napps;
	char tmpdir[256];
	saved_env *env;
	size_t nenv;
	int follow;
	cookie *jar;
	size_t njar;
	header *headers;
	size_t nheaders;
	fl_arena *arena;            /* responses, reset by each request */
	response resp;
	json_t *session;            /* fl_test_session's copy */
	char *csrf;                 /* fl_test_csrf_token's */
	fl_arena *mail_arena;       /* the recorded mail */
	fl_test_mail *mail;
	size_t nmail, capmail;
	/* the request being served */
	const char *in;
	size_t inlen, inpos;
	fl_buf out;
};

/* The started program of blueprint `name` (`len` bytes), or NULL
 * (testing.c). */
fl_app *fl_test_app_named(fl_test_client *tc, const char *name, size_t len);

#endif
