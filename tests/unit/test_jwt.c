/* test_jwt.c — flask-jwt-extended in views (web/jwt.c): @jwt_required's
 * answers, and the user lookup (user_lookup_loader, current_user) a
 * blueprint registers: a token whose user is gone is 401, the lookup's own
 * status is passed on, the loaded user reaches the view. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "web/app_internal.h"
#include "web/ctx_internal.h"   /* the abort message, to check it */
#include "web/jwt.h"
#include "arena_fixture.h"

#define KEY "jwt-test-key"

static int lookups;

/* Users 1 and 2 exist; 3 makes the "database" fail (503). */
static int lookup(fl_ctx *c, json_t *jwt_data, json_t **user)
{
	const char *sub = json_string_value(json_object_get(jwt_data, "sub"));
	lookups++;
	*user = NULL;
	if (!strcmp(sub, "3"))
		return fl_abort(c, 503, "database down");
	if (!strcmp(sub, "1") || !strcmp(sub, "2"))
		*user = json_pack("{s:s, s:s}", "id", sub, "username", *sub == '1' ? "john" : "susan");
	return 0;
}

static const fl_blueprint with_lookup = { .name = "api", .jwt_user_lookup = lookup };
static const fl_blueprint without_lookup = { .name = "api" };

static fl_app app;
static char *envp[4];

/* A context whose request carries `authorization` (NULL: none). */
static fl_ctx *request_with(const fl_blueprint *bp, const char *authorization)
{
	const char *why = NULL;
	memset(&app, 0, sizeof app);
	app.bp = bp;
	app.config.jwt_secret_key = KEY;
	app.config.jwt_access_token_expires = 900;
	int n = 0;
	envp[n++] = "REQUEST_METHOD=POST";
	if (authorization)
		envp[n++] = fl_arena_printf(arena, "HTTP_AUTHORIZATION=%s", authorization);
	envp[n] = NULL;
	fl_ctx *c = fl_ctx_new(&app, arena);
	assert_int_equal(fl_request_init(&c->req, arena, envp, &why), FL_OK);
	return c;
}

static const char *bearer(const char *sub)
{
	fl_ctx *c = request_with(&with_lookup, NULL);
	const char *tok = fl_create_access_token(c, sub);
	assert_non_null(tok);
	return fl_arena_printf(arena, "Bearer %s", tok);
}

static void test_user_lookup_loads_the_user(void **state)
{
	const char *auth = bearer("2");
	fl_ctx *c = request_with(&with_lookup, auth);
	lookups = 0;
	assert_int_equal(fl_jwt_required(c), 0);
	assert_int_equal(lookups, 1);
	json_t *user = fl_get_current_user(c);
	assert_non_null(user);
	assert_string_equal(json_string_value(json_object_get(user, "username")), "susan");
	assert_string_equal(fl_get_jwt_identity(c), "2");
}

static void test_user_gone_is_401(void **state)
{
	const char *auth = bearer("42");
	fl_ctx *c = request_with(&with_lookup, auth);
	assert_int_equal(fl_jwt_required(c), 401);
	assert_string_equal(fl_state(c)->abort_message, "Error loading the user 42");
	assert_null(fl_get_current_user(c));
	assert_null(fl_get_jwt_identity(c));      /* refused claims are not shown */
	const char *www = fl_response_get_header(&c->resp, "WWW-Authenticate");
	assert_non_null(www);
	assert_non_null(strstr(www, "invalid_token"));
}

static void test_lookup_status_is_passed_on(void **state)
{
	fl_ctx *c = request_with(&with_lookup, bearer("3"));
	assert_int_equal(fl_jwt_required(c), 503);
	assert_string_equal(fl_state(c)->abort_message, "database down");
	assert_null(fl_get_current_user(c));
}

static void test_no_lookup_no_user(void **state)
{
	fl_ctx *c = request_with(&without_lookup, bearer("42"));
	assert_int_equal(fl_jwt_required(c), 0);   /* a valid token is enough */
	assert_null(fl_get_current_user(c));
	assert_string_equal(fl_get_jwt_identity(c), "42");
}

static void test_bad_tokens_never_reach_the_lookup(void **state)
{
	lookups = 0;
	assert_int_equal(fl_jwt_required(request_with(&with_lookup, NULL)), 401);
	assert_int_equal(fl_jwt_required(request_with(&with_lookup, "Bearer abc.def.ghi")), 401);
	const char *auth = bearer("1");
	char *tampered = fl_arena_strdup(arena, auth);
	tampered[strlen(tampered) - 2] = tampered[strlen(tampered) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(fl_jwt_required(request_with(&with_lookup, tampered)), 401);
	assert_int_equal(lookups, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_user_lookup_loads_the_user, arena_setup,
			arena_teardown),
		cmocka_unit_test_setup_teardown(test_user_gone_is_401, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_status_is_passed_on, arena_setup,
			arena_teardown),
		cmocka_unit_test_setup_teardown(test_no_lookup_no_user, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_tokens_never_reach_the_lookup, arena_setup,
			arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
