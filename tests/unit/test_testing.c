/* test_testing.c — the test client (web/testing.h) driving Flasky (main
 * and api blueprints) in-process, and a small application of the test's
 * own for uploads, redirects, cookies and a crashing view. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "web/testing.h"
#include "web/app.h"
#include "data/query.h"
#include "web/helpers.h"
#include "web/uploads.h"
#include "auth/auth.h"
#include "app/flasky.h"
#include "app/models.h"

/* ---- Flasky ---- */

static void test_index_get(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&flasky_app, NULL);
	assert_non_null(tc);
	fl_test_response *r = fl_test_get(tc, "/cgi-bin/main/");
	assert_non_null(r);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Hello, Stranger!"));
	assert_string_equal(fl_test_header(r, "content-type"), "text/html; charset=utf-8");
	assert_null(r->json);
	fl_test_client_free(tc);
}

static void test_name_form_session_and_mail(void **state)
{
	(void)state;
	const char *config[] = { "FLASKY_ADMIN", "admin@example.com", NULL };
	fl_test_options opt = { .config = config };
	fl_test_client *tc = fl_test_client_new(&flasky_app, &opt);
	assert_non_null(tc);
	const char *token = fl_test_csrf_token(tc);
	assert_non_null(token);
	assert_non_null(fl_test_cookie(tc, "session", NULL));   /* the raw token's session */
	const char *form[] = { "name", "Susan", "csrf_token", token, NULL };
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/main/", form);
	assert_non_null(r);
	assert_int_equal(r->status, 303);
	assert_string_equal(r->location, "/cgi-bin/main/");
	/* The session cookie is kept: the page knows the name. */
	json_t *session = fl_test_session(tc);
	assert_string_equal(json_string_value(json_object_get(session, "name")), "Susan");
	r = fl_test_get(tc, r->location);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Hello, Susan!"));
	assert_non_null(strstr(r->body, "Pleased to meet you!"));
	/* record_messages: the admin was told, before the request returned. */
	size_t n;
	const fl_test_mail *m = fl_test_outbox(tc, &n);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].subject, "[Flasky] New User");
	assert_string_equal(m[0].recipients[0], "admin@example.com");
	assert_null(m[0].recipients[1]);
	assert_non_null(strstr(m[0].body, "Susan"));
	assert_non_null(strstr(m[0].raw, "Subject: [Flasky] New User"));
	fl_test_outbox_clear(tc);
	m = fl_test_outbox(tc, &n);
	assert_int_equal(n, 0);
	/* The row is in the client's database. */
	fl_db *db = fl_test_db(tc, "main");
	assert_non_null(db);
	assert_null(fl_test_db(tc, "nosuch"));
	fl_test_client_free(tc);
}

static void test_follow_redirects_post_becomes_get(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&flasky_app, NULL);
	assert_non_null(tc);
	fl_test_follow_redirects(tc, 1);
	const char *form[] = { "name", "Dave", "csrf_token", fl_test_csrf_token(tc), NULL };
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/main/", form);
	assert_non_null(r);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->redirects, 1);
	assert_string_equal(r->url, "/cgi-bin/main/");
	assert_non_null(strstr(r->body, "Pleased to meet you!"));
	/* The same name again: "Happy to see you again!". */
	const char *again[] = { "name", "Dave", "csrf_token", fl_test_csrf_token(tc), NULL };
	r = fl_test_post_form(tc, "/cgi-bin/main/", again);
	assert_non_null(strstr(r->body, "Happy to see you again!"));
	fl_test_client_free(tc);
}

static void test_csrf_missing(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&flasky_app, NULL);
	assert_non_null(tc);
	const char *form[] = { "name", "Eve", NULL };
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/main/", form);
	assert_non_null(r);
	assert_int_equal(r->status, 400);
	assert_non_null(strstr(r->body, "The CSRF token is missing."));
	fl_test_client_free(tc);
}

static void test_urls_outside_blueprints(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&flasky_app, NULL);
	assert_non_null(tc);
	assert_null(fl_test_get(tc, "/static/x.css"));
	assert_null(fl_test_get(tc, "/cgi-bin/nosuch/"));
	fl_test_response *r = fl_test_get(tc, "http://localhost/cgi-bin/main/nosuch");
	assert_non_null(r);
	assert_int_equal(r->status, 404);
	assert_int_equal(fl_test_set_header(tc, "X-Bad", "a\r\nb"), FL_EINVAL);
	assert_int_equal(fl_test_set_header(tc, "Accept", "text/html"), 0);
	assert_int_equal(fl_test_set_header(tc, "Accept", NULL), 0);
	fl_test_client_free(tc);
}

static void test_api_login_and_create(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&flasky_app, NULL);
	assert_non_null(tc);
	/* A user with a password, added with the data API. */
	fl_db *db = fl_test_db(tc, "api");
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	json_t *user = json_pack("{s:s, s:s}", "username", "tester", "password_hash",
		fl_generate_password_hash(a, "secret", NULL));
	assert_int_equal(fl_db_add(db, &User, user), FL_OK);
	assert_int_equal(fl_db_commit(db), FL_OK);
	fl_json_set_arena(old);
	fl_arena_free(a);

	json_t *creds = json_pack("{s:s, s:s}", "username", "tester", "password", "secret");
	fl_test_response *r = fl_test_post_json(tc, "/cgi-bin/api/login", creds);
	json_decref(creds);
	assert_non_null(r);
	assert_int_equal(r->status, 200);
	assert_non_null(r->json);
	const char *token = json_string_value(json_object_get(r->json, "access_token"));
	assert_non_null(token);
	char auth[2048];
	snprintf(auth, sizeof auth, "Bearer %s", token);
	assert_int_equal(fl_test_set_header(tc, "Authorization", auth), 0);
	json_t *student = json_pack("{s:s, s:i}", "s_name", "Ann", "s_age", 20);
	r = fl_test_post_json(tc, "/cgi-bin/api/students", student);
	json_decref(student);
	assert_int_equal(r->status, 201);
	assert_non_null(fl_test_header(r, "Location"));
	assert_non_null(strstr(fl_test_header(r, "Location"), "/cgi-bin/api/students/"));
	assert_string_equal(json_string_value(json_object_get(r->json, "s_name")), "Ann");
	/* Without the header: 401. */
	fl_test_set_header(tc, "Authorization", NULL);
	student = json_pack("{s:s}", "s_name", "Bob");
	r = fl_test_post_json(tc, "/cgi-bin/api/students", student);
	json_decref(student);
	assert_int_equal(r->status, 401);
	fl_test_client_free(tc);
}

static void test_tmpdir_removed(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&flasky_app, NULL);
	assert_non_null(tc);
	char dir[300];
	snprintf(dir, sizeof dir, "%s", fl_test_tmpdir(tc));
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	char db[340];
	snprintf(db, sizeof db, "%s/test.sqlite", dir);
	assert_int_equal(stat(db, &st), 0);
	assert_string_equal(getenv("APP_CONFIG"), "testing");
	fl_test_client_free(tc);
	assert_int_not_equal(stat(dir, &st), 0);
}

static void test_migrate_option(void **state)
{
	(void)state;
	fl_test_options opt = { .migrate = 1 };
	fl_test_client *tc = fl_test_client_new(&flasky_app, &opt);
	assert_non_null(tc);
	fl_test_response *r = fl_test_get(tc, "/cgi-bin/main/");
	assert_int_equal(r->status, 200);
	fl_test_client_free(tc);
}

/* ---- an application of the test's own ---- */

static int upload_view(fl_ctx *c)
{
	const fl_file *f = fl_get_file(c, "file");
	if (!f)
		return fl_abort(c, 400, "no file");
	int same = f->len == 7 && !memcmp(f->data, "hello\0x", 7);   /* binary-safe */
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "%s %s %s %zu %s",
		fl_get_form_value(c, "title"), f->filename, f->content_type ? f->content_type : "-",
		f->len, same ? "same" : "differs"));
}

static int go_view(fl_ctx *c)
{
	const char *code = fl_get_arg(c, "code");
	return fl_redirect(c, "/cgi-bin/t/echo?from=go", code ? atoi(code) : 302);
}

static int echo_view(fl_ctx *c)
{
	const char *v = fl_get_form_value(c, "v");
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "%s from=%s v=%s cookie=%s",
		c->req.method_name, fl_get_arg(c, "from"), v ? v : "-",
		fl_get_cookie(c, "flavour") ? fl_get_cookie(c, "flavour") : "-"));
}

static int setc_view(fl_ctx *c)
{
	fl_cookie_opts o = FL_COOKIE_DEFAULTS;
	o.max_age = 60;
	fl_set_cookie(c, "flavour", "mint", &o);
	return fl_text(c, 200, NULL, "set");
}

static int delc_view(fl_ctx *c)
{
	fl_delete_cookie(c, "flavour", NULL, NULL);
	return fl_text(c, 200, NULL, "deleted");
}

static int crash_view(fl_ctx *c)
{
	(void)c;
	raise(SIGSEGV);
	return 0;
}

static const fl_route t_routes[] = {
	{ "/upload", "upload", FL_M_POST, upload_view, FL_ROUTE_CSRF_EXEMPT },
	{ "/go", "go", FL_M_GET | FL_M_POST, go_view, FL_ROUTE_CSRF_EXEMPT },
	{ "/echo", "echo", FL_M_GET | FL_M_POST, echo_view, FL_ROUTE_CSRF_EXEMPT },
	{ "/setc", "setc", FL_M_GET, setc_view, 0 },
	{ "/delc", "delc", FL_M_GET, delc_view, 0 },
	{ "/crash", "crash", FL_M_GET, crash_view, 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

extern const fl_application t_app;
static const fl_blueprint t_bp = { .name = "t", .routes = t_routes, .app = &t_app };
static const fl_blueprint *const t_bps[] = { &t_bp, NULL };
const fl_application t_app = { .name = "t", .blueprints = t_bps };

static void test_multipart_upload(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&t_app, NULL);
	assert_non_null(tc);
	const char *fields[] = { "title", "notes", NULL };
	fl_test_file f = { "file", "a.txt", "text/plain", "hello\0x", 7 };
	fl_test_response *r = fl_test_post_multipart(tc, "/cgi-bin/t/upload", fields, &f, 1);
	assert_non_null(r);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->body, "notes a.txt text/plain 7 same");
	fl_test_client_free(tc);
}

static void test_redirect_methods(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&t_app, NULL);
	assert_non_null(tc);
	const char *form[] = { "v", "1", NULL };
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/t/go", form);
	assert_int_equal(r->status, 302);   /* not followed by default */
	fl_test_follow_redirects(tc, 1);
	r = fl_test_post_form(tc, "/cgi-bin/t/go", form);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->redirects, 1);
	assert_string_equal(r->body, "GET from=go v=- cookie=-");   /* 302 after POST: GET */
	r = fl_test_post_form(tc, "/cgi-bin/t/go?code=307", form);
	assert_string_equal(r->body, "POST from=go v=1 cookie=-");  /* 307 keeps the body */
	r = fl_test_post_form(tc, "/cgi-bin/t/go?code=308", form);
	assert_string_equal(r->body, "POST from=go v=1 cookie=-");
	r = fl_test_post_form(tc, "/cgi-bin/t/go?code=303", form);
	assert_string_equal(r->body, "GET from=go v=- cookie=-");
	fl_test_client_free(tc);
}

static void test_cookie_jar(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&t_app, NULL);
	assert_non_null(tc);
	fl_test_get(tc, "/cgi-bin/t/setc");
	assert_string_equal(fl_test_cookie(tc, "flavour", NULL), "mint");
	fl_test_response *r = fl_test_get(tc, "/cgi-bin/t/echo");
	assert_string_equal(r->body, "GET from=(null) v=- cookie=mint");
	fl_test_get(tc, "/cgi-bin/t/delc");
	assert_null(fl_test_cookie(tc, "flavour", NULL));
	r = fl_test_get(tc, "/cgi-bin/t/echo");
	assert_string_equal(r->body, "GET from=(null) v=- cookie=-");
	fl_test_client_free(tc);
}

static void test_crash_gives_500_and_no_exit(void **state)
{
	(void)state;
	fl_test_client *tc = fl_test_client_new(&t_app, NULL);
	assert_non_null(tc);
	fl_test_response *r = fl_test_get(tc, "/cgi-bin/t/crash");
	assert_non_null(r);
	assert_int_equal(r->status, 500);
	/* The crashed program serves no more. */
	assert_null(fl_test_get(tc, "/cgi-bin/t/echo"));
	fl_test_client_free(tc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_get),
		cmocka_unit_test(test_name_form_session_and_mail),
		cmocka_unit_test(test_follow_redirects_post_becomes_get),
		cmocka_unit_test(test_csrf_missing),
		cmocka_unit_test(test_urls_outside_blueprints),
		cmocka_unit_test(test_api_login_and_create),
		cmocka_unit_test(test_tmpdir_removed),
		cmocka_unit_test(test_migrate_option),
		cmocka_unit_test(test_multipart_upload),
		cmocka_unit_test(test_redirect_methods),
		cmocka_unit_test(test_cookie_jar),
		cmocka_unit_test(test_crash_gives_500_and_no_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
