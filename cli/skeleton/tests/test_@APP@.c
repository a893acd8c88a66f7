/* test_@APP@.c — @APP@'s tests: Flagon's test client (web/testing.h,
 * Flask's app.test_client()) runs the application in this process, in the
 * testing configuration, on a fresh database made by the migrations.
 * `make test` builds and runs every tests/test_*.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "web/testing.h"
#include "@APP@.h"

static int setup(void **state)
{
	fl_test_options opt = { .migrate = 1 };
	fl_test_client *tc = fl_test_client_new(&@APP@_app, &opt);
	if (!tc)
		return -1;
	*state = tc;
	return 0;
}

static int teardown(void **state)
{
	fl_test_client_free(*state);
	return 0;
}

static void test_index_shows_the_form(void **state)
{
	fl_test_response *r = fl_test_get(*state, "/cgi-bin/@BLUEPRINT@/");
	assert_non_null(r);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "name=\"title\""));
	assert_non_null(strstr(r->body, "name=\"csrf_token\""));
	assert_non_null(strstr(r->body, "No notes yet."));
}

static void test_add_a_note(void **state)
{
	fl_test_client *tc = *state;
	const char *form[] = { "title", "First <note>", "body", "Hello",
		"csrf_token", fl_test_csrf_token(tc), NULL };
	fl_test_follow_redirects(tc, 1);               /* post/redirect/get */
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/@BLUEPRINT@/", form);
	assert_non_null(r);
	assert_int_equal(r->redirects, 1);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "Note added."));
	assert_non_null(strstr(r->body, "First &lt;note&gt;"));   /* escaped */
}

static void test_a_title_is_required(void **state)
{
	fl_test_client *tc = *state;
	const char *form[] = { "title", "", "csrf_token", fl_test_csrf_token(tc), NULL };
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/@BLUEPRINT@/", form);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "This field is required."));
}

static void test_a_title_twice_is_refused(void **state)
{
	fl_test_client *tc = *state;
	const char *form[] = { "title", "Twice", "csrf_token", fl_test_csrf_token(tc), NULL };
	assert_int_equal(fl_test_post_form(tc, "/cgi-bin/@BLUEPRINT@/", form)->status, 303);
	fl_test_response *r = fl_test_post_form(tc, "/cgi-bin/@BLUEPRINT@/", form);
	assert_int_equal(r->status, 200);                 /* not a 500 */
	assert_non_null(strstr(r->body, "There is a note with that title already."));
}

static void test_post_without_csrf_token_is_400(void **state)
{
	const char *form[] = { "title", "Sneaky", NULL };
	fl_test_response *r = fl_test_post_form(*state, "/cgi-bin/@BLUEPRINT@/", form);
	assert_int_equal(r->status, 400);
	assert_non_null(strstr(r->body, "The CSRF token is missing."));
}

int main(void)
{
	/* TEST_PATTERN (make test, ./manage test -k WORD): only the tests
	 * whose name holds it. */
	const char *pattern = getenv("TEST_PATTERN");
	static char filter[256];
	if (pattern && *pattern) {
		snprintf(filter, sizeof filter, "*%s*", pattern);
		cmocka_set_test_filter(filter);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_shows_the_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_a_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_title_is_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_title_twice_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_without_csrf_token_is_400, setup, teardown),
	};
	return cmocka_run_group_tests_name("@APP@", tests, NULL, NULL);
}
