/* test_config.c — lib/base/config.c: configuration classes, environment
 * overrides and start-up validation (Flasky's config.py), and the keys an
 * application declares (fl_config_key, here Flasky's and a test table). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/config.h"
#include "web/application.h"
#include "app/flasky.h"

#define ROOT "/srv/flagon"

static const char *const keys[] = {
	"APP_CONFIG", "SECRET_KEY", "DATABASE_URI", "DEV_DATABASE_URI", "TEST_DATABASE_URI",
	"DEBUG", "TESTING", "SQLALCHEMY_COMMIT_ON_TEARDOWN", "MAX_CONTENT_LENGTH",
	"PERMANENT_SESSION_LIFETIME", "SESSION_TYPE", "SESSION_COOKIE_NAME",
	"SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_PATH", "SESSION_COOKIE_SECURE",
	"SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_REFRESH_EACH_REQUEST",
	"WTF_CSRF_TIME_LIMIT", "FLASKY_ADMIN", "FLASKY_MAIL_SUBJECT_PREFIX", "FLASKY_MAIL_SENDER",
	"MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME",
	"MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "MAIL_SUPPRESS_SEND", "CACHE_TYPE",
	"CACHE_DEFAULT_TIMEOUT", "REDIS_URL", "JWT_SECRET_KEY", "JWT_ACCESS_TOKEN_EXPIRES",
	"SERVER_NAME", "LOGIN_FAILURES_PER_USERNAME", "LOGIN_FAILURES_PER_ADDRESS",
	"LOGIN_FAILURE_WINDOW", "PREFERRED_URL_SCHEME", "TRUSTED_PROXIES", "GATEWAY_INTERFACE",
	"SQLALCHEMY_ECHO", "SQLALCHEMY_POOL_SIZE", "SQLALCHEMY_POOL_RECYCLE", "SQLALCHEMY_POOL_TIMEOUT",
	"T_NAME", "T_COUNT", "T_FLAG", "T_TIMEOUT", "T_TOKEN", "T_UNSET",
};

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		unsetenv(keys[i]);
	return 0;
}

/* Load the configuration of application `app` (its keys and the built-in
 * ones); keep the reason of a failure. */
static fl_err load_app(const fl_application *app, fl_config *cfg, char *why, size_t whylen)
{
	why[0] = '\0';
	fl_err e = fl_application_load_config(app, cfg, ROOT, why, whylen);
	if (e)
		assert_true(strlen(why) > 0);
	return e;
}

/* Load Flasky's configuration (the built-in keys and its own). */
static fl_err load(fl_config *cfg, char *why, size_t whylen)
{
	return load_app(&flasky_app, cfg, why, whylen);
}

/* Loading application `app` with `key`=`value` in the environment (value
 * NULL: unset) stops start-up with a reason that mentions `must_mention`. */
static void expect_app_error(const fl_application *app, const char *key, const char *value,
	const char *must_mention)
{
	fl_config cfg;
	char why[512];
	if (value)
		setenv(key, value, 1);
	fl_err e = load_app(app, &cfg, why, sizeof why);
	fl_config_free(&cfg);
	unsetenv(key);
	if (e != FL_ECONFIG)
		fail_msg("%s=%s: got %d, want FL_ECONFIG", key, value, e);
	if (!strstr(why, must_mention))
		fail_msg("%s=%s: reason '%s' does not mention '%s'", key, value, why, must_mention);
}

static void expect_error(const char *key, const char *value, const char *must_mention)
{
	expect_app_error(&flasky_app, key, value, must_mention);
}

static void test_development_defaults(void **state)
{
	fl_config cfg;
	char why[256];
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.cls, FL_CONFIG_DEVELOPMENT);
	assert_true(cfg.debug);
	assert_false(cfg.testing);
	assert_non_null(cfg.secret_key);
	assert_true(strlen(cfg.secret_key) > 0);
	assert_string_equal(cfg.root, ROOT);
	assert_string_equal(cfg.database_uri, "sqlite:///var/data-dev.sqlite");
	assert_string_equal(cfg.database_path, ROOT "/var/data-dev.sqlite");
	assert_int_equal(cfg.max_content_length, 16777216);
	assert_int_equal(cfg.permanent_session_lifetime, 2678400);
	assert_false(cfg.sqlalchemy_echo);   /* SQLALCHEMY_ECHO: off unless asked */
	assert_string_equal(cfg.session_type, "null");
	assert_string_equal(cfg.session_cookie_name, "session");
	assert_string_equal(cfg.session_cookie_path, "/");
	assert_false(cfg.session_cookie_secure);
	assert_true(cfg.session_cookie_httponly);
	assert_string_equal(cfg.session_cookie_samesite, "Lax");   /* Flask: None */
	assert_int_equal(cfg.csrf_time_limit, 3600);
	assert_null(fl_config_get_str(&cfg, "FLASKY_ADMIN"));
	assert_string_equal(fl_config_get_str(&cfg, "FLASKY_MAIL_SUBJECT_PREFIX"), "[Flasky]");
	assert_string_equal(fl_config_get_str(&cfg, "FLASKY_MAIL_SENDER"),
		"Flasky Admin <flasky@example.com>");
	assert_int_equal(cfg.mail_port, 25);
	assert_false(cfg.mail_use_tls);
	assert_false(cfg.mail_suppress_send);
	assert_int_equal(cfg.cache_default_timeout, 300);
	assert_string_equal(cfg.redis_url, "redis://127.0.0.1:6379/0");
	assert_int_equal(cfg.jwt_access_token_expires, 900);
	assert_string_equal(cfg.jwt_secret_key, cfg.secret_key);
	assert_null(cfg.server_name);
	/* Failed logins: generous enough for people and test suites. */
	assert_int_equal(cfg.login_failures_per_username, 10);
	assert_int_equal(cfg.login_failures_per_address, 100);
	assert_int_equal(cfg.login_failure_window, 300);
	/* The template `config` object: non-secret keys only. */
	assert_non_null(cfg.json);
	assert_true(json_is_true(json_object_get(cfg.json, "DEBUG")));
	assert_string_equal(json_string_value(json_object_get(cfg.json, "APP_CONFIG")), "development");
	assert_null(json_object_get(cfg.json, "SECRET_KEY"));
	assert_null(json_object_get(cfg.json, "MAIL_PASSWORD"));
	assert_null(json_object_get(cfg.json, "JWT_SECRET_KEY"));
	fl_config_free(&cfg);
}

static void test_testing_defaults(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("APP_CONFIG", "testing", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.cls, FL_CONFIG_TESTING);
	assert_true(cfg.testing);
	assert_false(cfg.debug);
	assert_true(cfg.mail_suppress_send);
	assert_non_null(cfg.secret_key);
	assert_string_equal(cfg.database_path, ROOT "/var/data-test.sqlite");
	fl_config_free(&cfg);
}

static void test_production_requires_secret_key(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("APP_CONFIG", "production", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_ECONFIG);
	assert_non_null(strstr(why, "SECRET_KEY"));
	fl_config_free(&cfg);
	/* An empty key is no key. */
	setenv("SECRET_KEY", "", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_ECONFIG);
	assert_non_null(strstr(why, "SECRET_KEY"));
	fl_config_free(&cfg);

	setenv("SECRET_KEY", "s3cr3t-production-key", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.cls, FL_CONFIG_PRODUCTION);
	assert_false(cfg.debug);
	assert_false(cfg.testing);
	assert_string_equal(cfg.secret_key, "s3cr3t-production-key");
	assert_string_equal(cfg.jwt_secret_key, "s3cr3t-production-key");
	assert_string_equal(cfg.database_path, ROOT "/var/data.sqlite");
	fl_config_free(&cfg);
}

/* FL_CONFIG_SECRET_OPTIONAL (manage's commands, which sign nothing):
 * production without SECRET_KEY loads, with no key; other checks stay. */
static void test_production_secret_optional_for_tools(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("APP_CONFIG", "production", 1);
	assert_int_equal(fl_config_load_flags(&cfg, ROOT, NULL, FL_CONFIG_SECRET_OPTIONAL, why,
		sizeof why), FL_OK);
	assert_int_equal(cfg.cls, FL_CONFIG_PRODUCTION);
	assert_null(cfg.secret_key);
	assert_null(cfg.jwt_secret_key);
	assert_string_equal(cfg.database_path, ROOT "/var/data.sqlite");
	fl_config_free(&cfg);
	/* Flags 0 is fl_config_load: refused. */
	assert_int_equal(fl_config_load_flags(&cfg, ROOT, NULL, 0, why, sizeof why), FL_ECONFIG);
	assert_non_null(strstr(why, "SECRET_KEY"));
	fl_config_free(&cfg);
	/* A bad value still stops it. */
	setenv("MAX_CONTENT_LENGTH", "lots", 1);
	assert_int_equal(fl_config_load_flags(&cfg, ROOT, NULL, FL_CONFIG_SECRET_OPTIONAL, why,
		sizeof why), FL_ECONFIG);
	assert_non_null(strstr(why, "MAX_CONTENT_LENGTH"));
	fl_config_free(&cfg);
}

static void test_unknown_app_config(void **state)
{
	expect_error("APP_CONFIG", "staging", "staging");
	expect_error("APP_CONFIG", "staging", "APP_CONFIG");
	expect_error("APP_CONFIG", "Production", "Production");
}

static void test_bad_numbers_and_booleans(void **state)
{
	expect_error("MAIL_PORT", "abc", "MAIL_PORT");
	expect_error("MAIL_PORT", "abc", "abc");
	expect_error("MAIL_PORT", "25x", "MAIL_PORT");
	expect_error("MAIL_PORT", "70000", "MAIL_PORT");
	expect_error("MAX_CONTENT_LENGTH", "-5", "MAX_CONTENT_LENGTH");
	expect_error("MAX_CONTENT_LENGTH", "1e6", "MAX_CONTENT_LENGTH");
	expect_error("MAX_CONTENT_LENGTH", "99999999999999999999999", "MAX_CONTENT_LENGTH");
	expect_error("PERMANENT_SESSION_LIFETIME", "0", "PERMANENT_SESSION_LIFETIME");
	expect_error("SESSION_COOKIE_SECURE", "maybe", "SESSION_COOKIE_SECURE");
	expect_error("SESSION_COOKIE_SECURE", "maybe", "maybe");
	expect_error("DEBUG", "2", "DEBUG");
	expect_error("SESSION_TYPE", "memcached", "SESSION_TYPE");
	expect_error("SESSION_COOKIE_SAMESITE", "sometimes", "SESSION_COOKIE_SAMESITE");
	expect_error("CACHE_TYPE", "memcached", "CACHE_TYPE");
	expect_error("LOGIN_FAILURES_PER_USERNAME", "-1", "LOGIN_FAILURES_PER_USERNAME");
	expect_error("LOGIN_FAILURES_PER_ADDRESS", "many", "LOGIN_FAILURES_PER_ADDRESS");
	expect_error("LOGIN_FAILURE_WINDOW", "0", "LOGIN_FAILURE_WINDOW");
	expect_error("LOGIN_FAILURE_WINDOW", "5m", "LOGIN_FAILURE_WINDOW");
	expect_error("SQLALCHEMY_ECHO", "loud", "SQLALCHEMY_ECHO");
}

static void test_overrides(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("MAIL_PORT", "587", 1);
	setenv("MAX_CONTENT_LENGTH", "1024", 1);
	setenv("SESSION_COOKIE_SECURE", "true", 1);
	setenv("SESSION_COOKIE_HTTPONLY", "off", 1);
	setenv("MAIL_USE_TLS", "Yes", 1);
	setenv("DEBUG", "0", 1);
	setenv("SESSION_TYPE", "redis", 1);
	setenv("SESSION_COOKIE_SAMESITE", "Strict", 1);
	setenv("FLASKY_ADMIN", "admin@example.com", 1);
	setenv("SERVER_NAME", "flagon.test", 1);
	setenv("JWT_SECRET_KEY", "jwt-key", 1);
	setenv("LOGIN_FAILURES_PER_USERNAME", "0", 1);
	setenv("LOGIN_FAILURES_PER_ADDRESS", "5", 1);
	setenv("LOGIN_FAILURE_WINDOW", "60", 1);
	setenv("SQLALCHEMY_ECHO", "1", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_true(cfg.sqlalchemy_echo);
	assert_int_equal(cfg.mail_port, 587);
	assert_int_equal(cfg.max_content_length, 1024);
	assert_true(cfg.session_cookie_secure);
	assert_false(cfg.session_cookie_httponly);
	assert_true(cfg.mail_use_tls);
	assert_false(cfg.debug);
	assert_string_equal(cfg.session_type, "redis");
	assert_string_equal(cfg.session_cookie_samesite, "Strict");
	assert_string_equal(fl_config_get_str(&cfg, "FLASKY_ADMIN"), "admin@example.com");
	assert_string_equal(cfg.server_name, "flagon.test");
	assert_string_equal(cfg.jwt_secret_key, "jwt-key");
	assert_int_equal(cfg.login_failures_per_username, 0);      /* 0: no such limit */
	assert_int_equal(cfg.login_failures_per_address, 5);
	assert_int_equal(cfg.login_failure_window, 60);
	assert_int_equal(json_integer_value(json_object_get(cfg.json, "MAIL_PORT")), 587);
	assert_int_equal(json_integer_value(json_object_get(cfg.json, "LOGIN_FAILURE_WINDOW")), 60);
	fl_config_free(&cfg);
}

static void test_tls_and_ssl_conflict(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("MAIL_USE_TLS", "1", 1);
	setenv("MAIL_USE_SSL", "1", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_ECONFIG);
	assert_non_null(strstr(why, "MAIL_USE_SSL"));
	fl_config_free(&cfg);
}

static void test_database_uri(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("DATABASE_URI", "sqlite:///db/app.sqlite", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.database_uri, "sqlite:///db/app.sqlite");
	assert_string_equal(cfg.database_path, ROOT "/db/app.sqlite");
	fl_config_free(&cfg);

	setenv("DATABASE_URI", "sqlite:////tmp/x.sqlite", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.database_path, "/tmp/x.sqlite");
	fl_config_free(&cfg);

	/* SQLAlchemy's in-memory forms */
	static const char *const memory[] = { "sqlite://", "sqlite:///", "sqlite:///:memory:" };
	for (size_t i = 0; i < sizeof memory / sizeof *memory; i++) {
		setenv("DATABASE_URI", memory[i], 1);
		assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
		assert_string_equal(cfg.database_path, ":memory:");
		assert_int_equal(cfg.db_uri.dialect, FL_DIALECT_SQLITE);
		fl_config_free(&cfg);
	}

	static const char *const bad[][2] = {
		{ "/tmp/x.sqlite", "expected dialect[+driver]://" }, { "sqlite:/x", "expected dialect" },
		{ "oracle://u@h/db", "unknown database 'oracle'" },
		{ "mysql://u@h:abc/db", "port 'abc' is not a number" },
		{ "sqlite://var/data.sqlite", "sqlite takes a file path, not a host ('var')" },
		{ "sqlite:///x.sqlite?mode=ro", "sqlite takes no query options ('mode')" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char mention[128];
		snprintf(mention, sizeof mention, "DATABASE_URI: %s", bad[i][1]);
		expect_error("DATABASE_URI", bad[i][0], mention);
	}
}

/* A MySQL/PostgreSQL URI is accepted by the configuration (the drivers
 * come later): parsed, and named with its password masked. */
static void test_server_database_uri(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("DATABASE_URI", "mysql+pymysql://flasky:S3cr%40t@127.0.0.1:3306/my_flask?charset=utf8mb4", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.db_uri.dialect, FL_DIALECT_MYSQL);
	assert_string_equal(cfg.db_uri.username, "flasky");
	assert_string_equal(cfg.db_uri.password, "S3cr@t");
	assert_string_equal(cfg.db_uri.host, "127.0.0.1");
	assert_int_equal(cfg.db_uri.port, 3306);
	assert_string_equal(cfg.db_uri.database, "my_flask");
	assert_string_equal(fl_db_uri_get(&cfg.db_uri, "charset"), "utf8mb4");
	assert_string_equal(cfg.database_path,
		"mysql+pymysql://flasky:********@127.0.0.1:3306/my_flask?charset=utf8mb4");
	json_t *shown = fl_config_masked_json(&cfg);
	assert_string_equal(json_string_value(json_object_get(shown, "DATABASE_URI")),
		cfg.database_path);
	json_decref(shown);
	fl_config_free(&cfg);

	setenv("DATABASE_URI", "postgres://flasky@/flasky?host=/var/run/postgresql", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.db_uri.dialect, FL_DIALECT_POSTGRESQL);
	assert_string_equal(fl_db_uri_socket(&cfg.db_uri), "/var/run/postgresql");
	fl_config_free(&cfg);

	/* The variable that gave the URI is named; the password never is. */
	unsetenv("DATABASE_URI");
	setenv("DEV_DATABASE_URI", "postgresql://u:Zq7SeCrEt@db:5x/flasky", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_ECONFIG);
	fl_config_free(&cfg);
	assert_string_equal(why, "DEV_DATABASE_URI: port '5x' is not a number");
	setenv("DEV_DATABASE_URI", "postgresql://u:Zq7S@eCrEt@db/flasky", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_ECONFIG);
	fl_config_free(&cfg);
	assert_null(strstr(why, "eCrEt"));
	assert_non_null(strstr(why, "%40"));
}

/* SQLAlchemy's pool settings: one connection per process. */
static void test_pool_keys(void **state)
{
	fl_config cfg;
	char why[256];
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.sqlalchemy_pool_size, 5);
	assert_int_equal(cfg.sqlalchemy_pool_recycle, -1);
	assert_int_equal(cfg.sqlalchemy_pool_timeout, 30);
	fl_config_free(&cfg);
	setenv("SQLALCHEMY_POOL_SIZE", "20", 1);
	setenv("SQLALCHEMY_POOL_RECYCLE", "3600", 1);
	setenv("SQLALCHEMY_POOL_TIMEOUT", "5", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_int_equal(cfg.sqlalchemy_pool_size, 20);
	assert_int_equal(cfg.sqlalchemy_pool_recycle, 3600);
	assert_int_equal(cfg.sqlalchemy_pool_timeout, 5);
	fl_config_free(&cfg);
	static const char *const bad[][2] = {
		{ "SQLALCHEMY_POOL_SIZE", "0" }, { "SQLALCHEMY_POOL_SIZE", "many" },
		{ "SQLALCHEMY_POOL_RECYCLE", "-2" }, { "SQLALCHEMY_POOL_RECYCLE", "1h" },
		{ "SQLALCHEMY_POOL_TIMEOUT", "0" }, { "SQLALCHEMY_POOL_TIMEOUT", "3601" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_error(bad[i][0], bad[i][1], bad[i][0]);
}

static void test_dev_database_uri(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("DEV_DATABASE_URI", "sqlite:////tmp/dev.sqlite", 1);
	setenv("TEST_DATABASE_URI", "sqlite:////tmp/test.sqlite", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.database_path, "/tmp/dev.sqlite");
	fl_config_free(&cfg);

	setenv("APP_CONFIG", "testing", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.database_path, "/tmp/test.sqlite");
	fl_config_free(&cfg);

	/* Production ignores the development and test variables. */
	setenv("APP_CONFIG", "production", 1);
	setenv("SECRET_KEY", "k", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.database_path, ROOT "/var/data.sqlite");
	fl_config_free(&cfg);
}

static void test_config_names(void **state)
{
	assert_string_equal(fl_config_names[FL_CONFIG_DEVELOPMENT], "development");
	assert_string_equal(fl_config_names[FL_CONFIG_TESTING], "testing");
	assert_string_equal(fl_config_names[FL_CONFIG_PRODUCTION], "production");
}

/* ---- keys an application declares ---- */

/* One key of every type, with per-class defaults, bounds and a secret. */
static const fl_config_key test_keys[] = {
	{ "T_NAME", FL_CONFIG_STR, .defaults = { "dev name", "test name", NULL } },
	{ "T_COUNT", FL_CONFIG_INT, .defaults = FL_CONFIG_DEFAULT("5"), .min = 1, .max = 10 },
	{ "T_FLAG", FL_CONFIG_BOOL, .defaults = { "true", "false", "yes" } },
	{ "T_TIMEOUT", FL_CONFIG_SECONDS, .defaults = FL_CONFIG_DEFAULT("300") },
	{ "T_TOKEN", FL_CONFIG_STR, .defaults = FL_CONFIG_DEFAULT("s3cret"), .secret = 1 },
	{ .name = "T_UNSET", .type = FL_CONFIG_INT },
	FL_CONFIG_KEYS_END,
};

/* Load the built-in keys and those of `table` (an application that
 * declares only keys). */
static fl_err load_keys(fl_config *cfg, const fl_config_key *table, char *why, size_t whylen)
{
	const fl_application app = { .name = "test", .config_keys = table };
	return load_app(&app, cfg, why, whylen);
}

/* Loading `table` with `key`=`value` in the environment stops start-up with
 * a reason that mentions `must_mention`. */
static void expect_key_error(const fl_config_key *table, const char *key, const char *value,
	const char *must_mention)
{
	const fl_application app = { .name = "test", .config_keys = table };
	expect_app_error(&app, key, value, must_mention);
}

static void test_app_key_defaults_per_class(void **state)
{
	fl_config cfg;
	char why[256];
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_string_equal(fl_config_get_str(&cfg, "T_NAME"), "dev name");
	assert_int_equal(fl_config_get_int(&cfg, "T_COUNT"), 5);
	assert_true(fl_config_get_bool(&cfg, "T_FLAG"));
	assert_int_equal(fl_config_get_int(&cfg, "T_TIMEOUT"), 300);
	assert_string_equal(fl_config_get_str(&cfg, "T_TOKEN"), "s3cret");
	assert_false(fl_config_is_set(&cfg, "T_UNSET"));
	assert_int_equal(fl_config_get_int(&cfg, "T_UNSET"), 0);
	assert_true(fl_config_is_set(&cfg, "T_COUNT"));
	fl_config_free(&cfg);

	setenv("APP_CONFIG", "testing", 1);
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_string_equal(fl_config_get_str(&cfg, "T_NAME"), "test name");
	assert_false(fl_config_get_bool(&cfg, "T_FLAG"));
	fl_config_free(&cfg);

	setenv("APP_CONFIG", "production", 1);
	setenv("SECRET_KEY", "k", 1);
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_null(fl_config_get_str(&cfg, "T_NAME"));
	assert_false(fl_config_is_set(&cfg, "T_NAME"));
	assert_true(fl_config_get_bool(&cfg, "T_FLAG"));
	fl_config_free(&cfg);
}

static void test_app_key_environment_overrides(void **state)
{
	fl_config cfg;
	char why[256];
	setenv("T_NAME", "from env", 1);
	setenv("T_COUNT", "10", 1);
	setenv("T_FLAG", "OFF", 1);
	setenv("T_TIMEOUT", "0", 1);
	setenv("T_UNSET", "-7", 1);
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_string_equal(fl_config_get_str(&cfg, "T_NAME"), "from env");
	assert_int_equal(fl_config_get_int(&cfg, "T_COUNT"), 10);
	assert_false(fl_config_get_bool(&cfg, "T_FLAG"));
	assert_int_equal(fl_config_get_int(&cfg, "T_TIMEOUT"), 0);
	assert_int_equal(fl_config_get_int(&cfg, "T_UNSET"), -7);
	assert_true(fl_config_is_set(&cfg, "T_UNSET"));
	fl_config_free(&cfg);

	/* An empty variable is unset, like the built-in keys: the default. */
	setenv("T_NAME", "", 1);
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_string_equal(fl_config_get_str(&cfg, "T_NAME"), "dev name");
	fl_config_free(&cfg);
}

static void test_app_key_bad_values(void **state)
{
	/* The built-ins' messages, naming the key and the value. */
	expect_key_error(test_keys, "T_COUNT", "abc",
		"T_COUNT: expected an integer between 1 and 10, got 'abc'");
	expect_key_error(test_keys, "T_COUNT", "5x", "T_COUNT");
	expect_key_error(test_keys, "T_UNSET", "1.5", "'1.5'");
	expect_key_error(test_keys, "T_UNSET", "99999999999999999999999", "T_UNSET");
	expect_key_error(test_keys, "T_FLAG", "maybe", "T_FLAG: expected true or false, got 'maybe'");
	expect_key_error(test_keys, "T_TIMEOUT", "5m", "T_TIMEOUT");
	expect_key_error(test_keys, "T_TIMEOUT", "-1", "'-1'");
	/* The same check and message as a built-in key with the same fault. */
	fl_config cfg;
	char builtin[512], app[512];
	setenv("MAIL_PORT", "abc", 1);
	assert_int_equal(load_keys(&cfg, NULL, builtin, sizeof builtin), FL_ECONFIG);
	fl_config_free(&cfg);
	unsetenv("MAIL_PORT");
	static const fl_config_key port[] = {
		{ "T_COUNT", FL_CONFIG_INT, .min = 1, .max = 65535 }, FL_CONFIG_KEYS_END,
	};
	setenv("T_COUNT", "abc", 1);
	assert_int_equal(load_keys(&cfg, port, app, sizeof app), FL_ECONFIG);
	fl_config_free(&cfg);
	assert_string_equal(app + strlen("T_COUNT"), builtin + strlen("MAIL_PORT"));
}

static void test_app_key_bounds(void **state)
{
	expect_key_error(test_keys, "T_COUNT", "0", "T_COUNT");
	expect_key_error(test_keys, "T_COUNT", "11", "between 1 and 10");
	fl_config cfg;
	char why[256];
	setenv("T_COUNT", "1", 1);
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_int_equal(fl_config_get_int(&cfg, "T_COUNT"), 1);
	fl_config_free(&cfg);
	unsetenv("T_COUNT");
	/* A default outside the bounds is as wrong as such a value. */
	static const fl_config_key bad_default[] = {
		{ "T_COUNT", FL_CONFIG_INT, .defaults = FL_CONFIG_DEFAULT("50"), .min = 1, .max = 10 },
		FL_CONFIG_KEYS_END,
	};
	expect_key_error(bad_default, "T_COUNT", NULL, "T_COUNT");
}

static void test_app_key_json(void **state)
{
	fl_config cfg;
	char why[256];
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_string_equal(json_string_value(json_object_get(cfg.json, "T_NAME")), "dev name");
	assert_int_equal(json_integer_value(json_object_get(cfg.json, "T_COUNT")), 5);
	assert_true(json_is_true(json_object_get(cfg.json, "T_FLAG")));
	assert_int_equal(json_integer_value(json_object_get(cfg.json, "T_TIMEOUT")), 300);
	assert_true(json_is_null(json_object_get(cfg.json, "T_UNSET")));
	/* A secret key never reaches templates. */
	assert_null(json_object_get(cfg.json, "T_TOKEN"));
	/* The built-in keys are still there. */
	assert_string_equal(json_string_value(json_object_get(cfg.json, "APP_CONFIG")), "development");
	fl_config_free(&cfg);
}

static void test_app_key_bad_declarations(void **state)
{
	static const fl_config_key twice[] = {
		{ .name = "T_NAME", .type = FL_CONFIG_STR },
		{ .name = "T_NAME", .type = FL_CONFIG_INT },
		FL_CONFIG_KEYS_END,
	};
	static const fl_config_key builtin[] = {
		{ .name = "SECRET_KEY", .type = FL_CONFIG_STR }, FL_CONFIG_KEYS_END,
	};
	static const fl_config_key bounds[] = {
		{ "T_COUNT", FL_CONFIG_INT, .min = 10, .max = 1 }, FL_CONFIG_KEYS_END,
	};
	static const fl_config_key empty[] = {
		{ .name = "", .type = FL_CONFIG_STR }, FL_CONFIG_KEYS_END,
	};
	expect_key_error(twice, "T_NAME", NULL, "T_NAME: declared twice");
	expect_key_error(builtin, "SECRET_KEY", NULL, "SECRET_KEY: a built-in key");
	expect_key_error(bounds, "T_COUNT", NULL, "T_COUNT");
	expect_key_error(empty, "T_NAME", NULL, "empty name");
}

static void test_app_key_undeclared_or_wrong_type(void **state)
{
	fl_config cfg;
	char why[256];
	/* A programming error: logged, NULL or 0, never a crash. */
	assert_int_equal(load_keys(&cfg, test_keys, why, sizeof why), FL_OK);
	assert_null(fl_config_get_str(&cfg, "T_NOPE"));
	assert_int_equal(fl_config_get_int(&cfg, "T_NOPE"), 0);
	assert_false(fl_config_get_bool(&cfg, "T_NOPE"));
	assert_false(fl_config_is_set(&cfg, "T_NOPE"));
	assert_null(fl_config_get_str(&cfg, "T_COUNT"));
	assert_int_equal(fl_config_get_int(&cfg, "T_NAME"), 0);
	assert_false(fl_config_get_bool(&cfg, "T_COUNT"));
	/* The built-in keys are fields, not application keys. */
	assert_null(fl_config_get_str(&cfg, "SECRET_KEY"));
	fl_config_free(&cfg);
	/* Without a table, every application key is undeclared. */
	assert_int_equal(load_keys(&cfg, NULL, why, sizeof why), FL_OK);
	assert_null(fl_config_get_str(&cfg, "T_NAME"));
	fl_config_free(&cfg);
}

/* MAIL_DEFAULT_SENDER: unset by the framework (Flask-Mail's None);
 * Flasky's init_config makes it FLASKY_MAIL_SENDER unless the environment
 * sets it. */
static void test_mail_default_sender(void **state)
{
	fl_config cfg;
	char why[256];
	assert_int_equal(load_keys(&cfg, NULL, why, sizeof why), FL_OK);
	assert_null(cfg.mail_default_sender);
	assert_null(json_object_get(cfg.json, "FLASKY_MAIL_SENDER"));
	fl_config_free(&cfg);

	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.mail_default_sender, "Flasky Admin <flasky@example.com>");
	assert_string_equal(json_string_value(json_object_get(cfg.json, "FLASKY_MAIL_SENDER")),
		"Flasky Admin <flasky@example.com>");
	assert_true(json_is_null(json_object_get(cfg.json, "FLASKY_ADMIN")));
	fl_config_free(&cfg);

	setenv("FLASKY_MAIL_SENDER", "Ops <ops@example.com>", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.mail_default_sender, "Ops <ops@example.com>");
	fl_config_free(&cfg);

	setenv("MAIL_DEFAULT_SENDER", "noreply@example.com", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.mail_default_sender, "noreply@example.com");
	assert_string_equal(fl_config_get_str(&cfg, "FLASKY_MAIL_SENDER"), "Ops <ops@example.com>");
	fl_config_free(&cfg);
}

/* SERVER_NAME, PREFERRED_URL_SCHEME and TRUSTED_PROXIES: _external URLs
 * and the trusted-proxy rule (web/ctx.h). */
static void test_url_keys(void **state)
{
	fl_config cfg;
	char why[256];
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_null(cfg.server_name);
	assert_string_equal(cfg.preferred_url_scheme, "http");
	assert_null(cfg.trusted_proxies);
	assert_true(json_is_null(json_object_get(cfg.json, "SERVER_NAME")));
	fl_config_free(&cfg);
	setenv("SERVER_NAME", "flagon.example:8443", 1);
	setenv("PREFERRED_URL_SCHEME", "https", 1);
	setenv("TRUSTED_PROXIES", "10.0.0.1, ::1", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_string_equal(cfg.server_name, "flagon.example:8443");
	assert_string_equal(cfg.preferred_url_scheme, "https");
	assert_string_equal(cfg.trusted_proxies, "10.0.0.1, ::1");
	assert_string_equal(json_string_value(json_object_get(cfg.json, "PREFERRED_URL_SCHEME")),
		"https");
	fl_config_free(&cfg);
	/* A plain CGI request's SERVER_NAME is the request's, not a setting. */
	setenv("GATEWAY_INTERFACE", "CGI/1.1", 1);
	assert_int_equal(load(&cfg, why, sizeof why), FL_OK);
	assert_null(cfg.server_name);
	fl_config_free(&cfg);
	unsetenv("GATEWAY_INTERFACE");
	unsetenv("SERVER_NAME");
	unsetenv("PREFERRED_URL_SCHEME");
	unsetenv("TRUSTED_PROXIES");
	expect_error("SERVER_NAME", "evil.example/x", "SERVER_NAME");
	expect_error("SERVER_NAME", "a b", "SERVER_NAME");
	expect_error("PREFERRED_URL_SCHEME", "ftp", "PREFERRED_URL_SCHEME");
	expect_error("TRUSTED_PROXIES", "10.0.0.1, proxy.example", "proxy.example");
	expect_error("TRUSTED_PROXIES", "10.0.0.1,", "TRUSTED_PROXIES");
	expect_error("PREFERRED_URL_SCHEME", "HTTPS", "PREFERRED_URL_SCHEME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_development_defaults, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_url_keys, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_testing_defaults, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_production_requires_secret_key, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_production_secret_optional_for_tools, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_unknown_app_config, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_bad_numbers_and_booleans, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_overrides, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_tls_and_ssl_conflict, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_database_uri, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_dev_database_uri, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_server_database_uri, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_pool_keys, clear_env, clear_env),
		cmocka_unit_test(test_config_names),
		cmocka_unit_test_setup_teardown(test_app_key_defaults_per_class, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_app_key_environment_overrides, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_app_key_bad_values, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_app_key_bounds, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_app_key_json, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_app_key_bad_declarations, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_app_key_undeclared_or_wrong_type, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_mail_default_sender, clear_env, clear_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
