/* test_toolbar.c — the debug toolbar's pure parts: where the panel goes in
 * a page (web/toolbar.h fl_toolbar_insert_at, fl_toolbar_inject), its
 * configuration keys (DEBUG_TB_ENABLED, DEBUG_TB_INTERCEPT_REDIRECTS) and
 * the masked configuration it shows (base/config.h).  The whole toolbar in
 * pages is tests/integration/test_toolbar.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/config.h"
#include "web/toolbar.h"

static const char *const env_keys[] = {
	"APP_CONFIG", "SECRET_KEY", "DEBUG", "DEBUG_TB_ENABLED", "DEBUG_TB_INTERCEPT_REDIRECTS",
	"DATABASE_URI", "REDIS_URL", "MAIL_PASSWORD", "JWT_SECRET_KEY", "GATEWAY_INTERFACE",
};

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_keys / sizeof *env_keys; i++)
		unsetenv(env_keys[i]);
	return 0;
}

/* fl_toolbar_inject of `html` with "[TB]" as the panel, as a C string in
 * `a` ("-" when not inserted). */
static const char *inject(fl_arena *a, const char *html)
{
	fl_buf out;
	fl_buf_init(&out, a);
	if (!fl_toolbar_inject(&out, html, strlen(html), "[TB]", 4)) {
		assert_int_equal(out.len, 0);
		return "-";
	}
	return fl_buf_cstr(&out);
}

static void test_insert_place(void **state)
{
	(void)state;
	fl_arena *a = fl_arena_new(0);
	assert_string_equal(inject(a, "<html><body><p>hi</p></body></html>"),
		"<html><body><p>hi</p>[TB]</body></html>");
	/* the last </body>, in any case */
	assert_string_equal(inject(a, "<BODY>a</BODY>b</Body>c"), "<BODY>a</BODY>b[TB]</Body>c");
	/* no </body>: a fragment is left alone... */
	assert_string_equal(inject(a, "<p>no body here</p>"), "-");
	assert_string_equal(inject(a, "</bod"), "-");
	assert_string_equal(inject(a, ""), "-");
	assert_int_equal(fl_toolbar_insert_at(NULL, 0), -1);
	/* ...a whole document gets it at its end (Flask-DebugToolbar) */
	assert_string_equal(inject(a, "\n<!DOCTYPE html><p>x"), "\n<!DOCTYPE html><p>x[TB]");
	/* the place is found in bytes, NULs included */
	const char nul[] = "a\0b</body>";
	assert_int_equal(fl_toolbar_insert_at(nul, sizeof nul - 1), 3);
	assert_int_equal(fl_toolbar_insert_at("</body>", 7), 0);
	fl_arena_free(a);
}

static void test_keys_by_class(void **state)
{
	(void)state;
	fl_config cfg;
	char why[256];
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_OK);
	assert_int_equal(cfg.debug_tb_enabled, 1);              /* development: DEBUG */
	assert_int_equal(cfg.debug_tb_intercept_redirects, 0);  /* ours: off */
	fl_config_free(&cfg);

	setenv("APP_CONFIG", "testing", 1);
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_OK);
	assert_int_equal(cfg.debug_tb_enabled, 0);
	fl_config_free(&cfg);
	setenv("DEBUG", "1", 1);   /* follows DEBUG, as app.debug */
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_OK);
	assert_int_equal(cfg.debug_tb_enabled, 1);
	fl_config_free(&cfg);
	setenv("DEBUG_TB_ENABLED", "0", 1);
	setenv("DEBUG_TB_INTERCEPT_REDIRECTS", "yes", 1);
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_OK);
	assert_int_equal(cfg.debug_tb_enabled, 0);
	assert_int_equal(cfg.debug_tb_intercept_redirects, 1);
	fl_config_free(&cfg);
	setenv("DEBUG_TB_INTERCEPT_REDIRECTS", "maybe", 1);
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_ECONFIG);
	assert_string_equal(why, "DEBUG_TB_INTERCEPT_REDIRECTS: expected true or false, got 'maybe'");
	fl_config_free(&cfg);
}

static void test_never_in_production(void **state)
{
	(void)state;
	fl_config cfg;
	char why[256];
	setenv("APP_CONFIG", "production", 1);
	setenv("SECRET_KEY", "prod-key", 1);
	setenv("DEBUG", "1", 1);   /* DEBUG alone does not bring it */
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_OK);
	assert_int_equal(cfg.debug_tb_enabled, 0);
	fl_config_free(&cfg);
	setenv("DEBUG_TB_ENABLED", "1", 1);
	assert_int_equal(fl_config_load(&cfg, "/srv", NULL, why, sizeof why), FL_ECONFIG);
	assert_non_null(strstr(why, "DEBUG_TB_ENABLED"));
	assert_non_null(strstr(why, "production"));
	fl_config_free(&cfg);
}

static void test_mask_uri(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "redis://:pw@localhost:6379/0", "redis://:" FL_CONFIG_MASK "@localhost:6379/0" },
		{ "mysql://u:p@ss@h/db?x=1", "mysql://u:" FL_CONFIG_MASK "@h/db?x=1" },
		{ "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0" },
		{ "sqlite:////var/a:b@c.sqlite", "sqlite:////var/a:b@c.sqlite" },
		{ "postgresql://user@host/db", "postgresql://user@host/db" },
		{ "no uri", "no uri" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = fl_config_mask_uri(cases[i][0]);
		assert_string_equal(json_string_value(j), cases[i][1]);
		json_decref(j);
	}
	assert_true(fl_config_name_is_secret("SECRET_KEY"));
	assert_true(fl_config_name_is_secret("csrf_token"));
	assert_true(fl_config_name_is_secret("Authorization"));
	assert_true(fl_config_name_is_secret("MAIL_PASSWORD"));
	assert_false(fl_config_name_is_secret("MAIL_SERVER"));
}

static void test_masked_json(void **state)
{
	(void)state;
	fl_config cfg;
	char why[256];
	static const fl_config_key app_keys[] = {
		{ "T_API_PASS", FL_CONFIG_STR, FL_CONFIG_DEFAULT("hunter2"), 1, 0, 0 },
		{ "T_PLAIN", FL_CONFIG_STR, FL_CONFIG_DEFAULT("visible"), 0, 0, 0 },
		FL_CONFIG_KEYS_END,
	};
	setenv("SECRET_KEY", "top-secret-value", 1);
	setenv("MAIL_PASSWORD", "mail-pw", 1);
	setenv("REDIS_URL", "redis://:redis-pw@localhost:6379/0", 1);
	assert_int_equal(fl_config_load(&cfg, "/srv", app_keys, why, sizeof why), FL_OK);
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	json_t *m = fl_config_masked_json(&cfg);
	char *text = json_dumps(m, 0);   /* arena memory */
	assert_null(strstr(text, "top-secret-value"));
	assert_null(strstr(text, "mail-pw"));
	assert_null(strstr(text, "redis-pw"));
	assert_null(strstr(text, "hunter2"));
	assert_string_equal(json_string_value(json_object_get(m, "SECRET_KEY")), FL_CONFIG_MASK);
	assert_string_equal(json_string_value(json_object_get(m, "JWT_SECRET_KEY")), FL_CONFIG_MASK);
	assert_string_equal(json_string_value(json_object_get(m, "MAIL_PASSWORD")), FL_CONFIG_MASK);
	assert_string_equal(json_string_value(json_object_get(m, "T_API_PASS")), FL_CONFIG_MASK);
	assert_string_equal(json_string_value(json_object_get(m, "T_PLAIN")), "visible");
	assert_string_equal(json_string_value(json_object_get(m, "REDIS_URL")),
		"redis://:" FL_CONFIG_MASK "@localhost:6379/0");
	/* a number under a secret-sounding name is shown */
	assert_int_equal(json_integer_value(json_object_get(m, "JWT_ACCESS_TOKEN_EXPIRES")), 900);
	assert_true(json_is_null(json_object_get(m, "MAIL_USERNAME")));
	assert_true(json_is_true(json_object_get(m, "DEBUG_TB_ENABLED")));
	/* templates' config is untouched: still no secret in it */
	assert_null(json_object_get(cfg.json, "SECRET_KEY"));
	assert_null(json_object_get(cfg.json, "T_API_PASS"));
	json_decref(m);
	fl_json_set_arena(old);
	fl_arena_free(a);
	fl_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_place),
		cmocka_unit_test_setup(test_keys_by_class, clear_env),
		cmocka_unit_test_setup(test_never_in_production, clear_env),
		cmocka_unit_test(test_mask_uri),
		cmocka_unit_test_setup(test_masked_json, clear_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
