/* config.c — configuration classes and environment overrides. */
#include "base/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netaddr.h"

const char *const fl_config_names[FL_CONFIG__MAX] = {
	"development", "testing", "production",
};

/* A fixed key so that development cookies survive restarts; production
 * must bring its own (checked below). */
#define DEV_SECRET_KEY "hard to guess string"

static const char *const default_db[FL_CONFIG__MAX] = {
	"sqlite:///var/data-dev.sqlite",
	"sqlite:///var/data-test.sqlite",
	"sqlite:///var/data.sqlite",
};

static const char *const db_key[FL_CONFIG__MAX] = {
	"DEV_DATABASE_URI", "TEST_DATABASE_URI", "DATABASE_URI",
};

static fl_err fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static fl_err fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return FL_ECONFIG;
}

static const char *env(const char *key, const char *dflt)
{
	const char *v = getenv(key);
	return (v && *v) ? v : dflt;
}

/* `text`, the value of `key`, as a decimal long within min..max.  The
 * one reader of numbers for the built-in and the application's keys. */
static fl_err parse_long(const char *key, const char *text, long min, long max, long *out,
	char *why, size_t whylen)
{
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (errno || end == text || *end || n < min || n > max)
		return fail(why, whylen, "%s: expected an integer between %ld and %ld, got '%s'",
			key, min, max, text);
	*out = n;
	return FL_OK;
}

static fl_err env_long(const char *key, long dflt, long min, long max, long *out,
	char *why, size_t whylen)
{
	const char *v = env(key, NULL);
	if (!v) {
		*out = dflt;
		return FL_OK;
	}
	return parse_long(key, v, min, max, out, why, whylen);
}

/* `text`, the value of `key`, as a boolean (Flask's usual spellings). */
static fl_err parse_bool(const char *key, const char *text, int *out, char *why, size_t whylen)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = 1;
			return FL_OK;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = 0;
			return FL_OK;
		}
	}
	return fail(why, whylen, "%s: expected true or false, got '%s'", key, text);
}

static fl_err env_bool(const char *key, int dflt, int *out, char *why, size_t whylen)
{
	const char *v = env(key, NULL);
	if (!v) {
		*out = dflt;
		return FL_OK;
	}
	return parse_bool(key, v, out, why, whylen);
}

static fl_err env_choice(const char *key, const char *dflt, const char *const *choices,
	const char **out, char *why, size_t whylen)
{
	const char *v = env(key, dflt);
	if (!v) {
		*out = NULL;
		return FL_OK;
	}
	for (size_t i = 0; choices[i]; i++)
		if (strcmp(v, choices[i]) == 0) {
			*out = choices[i];
			return FL_OK;
		}
	char list[256] = "";
	for (size_t i = 0; choices[i]; i++) {
		strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
		strncat(list, choices[i], sizeof list - strlen(list) - 1);
	}
	return fail(why, whylen, "%s: expected one of %s, got '%s'", key, list, v);
}

/* The SQLite file of a sqlite URI: relative to the project root, absolute,
 * or ":memory:" (sqlite://, sqlite:///, sqlite:///:memory:). */
static char *sqlite_path(const fl_config *cfg)
{
	const char *db = cfg->db_uri.database;
	char *path;
	if (!db || !*db || strcmp(db, ":memory:") == 0)
		return strdup(":memory:");
	if (*db == '/')
		return strdup(db);
	return asprintf(&path, "%s/%s", cfg->root, db) < 0 ? NULL : path;
}

/* DATABASE_URI, read from `key`, parsed (base/db_uri.h) into db_uri;
 * database_path: the SQLite file, or the masked URI of a server database. */
static fl_err resolve_db(fl_config *cfg, const char *key, char *why, size_t whylen)
{
	char reason[256];
	fl_err e = fl_db_uri_parse(cfg->database_uri, &cfg->db_uri, reason, sizeof reason);
	if (e == FL_ENOMEM)
		return fail(why, whylen, "out of memory");
	if (e)
		return fail(why, whylen, "%s: %s", key, reason);
	if (cfg->db_uri.dialect == FL_DIALECT_SQLITE && cfg->db_uri.nquery)
		return fail(why, whylen, "%s: sqlite takes no query options ('%s'): "
			"write sqlite:///relative/path or sqlite:////absolute/path", key,
			cfg->db_uri.query[0].key);
	char *path = NULL;
	if (cfg->db_uri.dialect == FL_DIALECT_SQLITE)
		path = sqlite_path(cfg);
	else {
		fl_arena *a = fl_arena_new(256);
		const char *shown = a ? fl_db_uri_display(&cfg->db_uri, a) : NULL;
		path = shown ? strdup(shown) : NULL;
		fl_arena_free(a);
	}
	if (!path)
		return fail(why, whylen, "out of memory");
	cfg->database_path = path;
	return FL_OK;
}

/* SQLALCHEMY_POOL_*: SQLAlchemy's pool settings, for one connection per
 * process (see config.h). */
static fl_err load_pool_keys(fl_config *cfg, char *why, size_t whylen)
{
	fl_err e;
	if ((e = env_long("SQLALCHEMY_POOL_SIZE", 5, 1, 1000000, &cfg->sqlalchemy_pool_size, why, whylen)) ||
	    (e = env_long("SQLALCHEMY_POOL_RECYCLE", -1, -1, 10L * 365 * 86400, &cfg->sqlalchemy_pool_recycle, why, whylen)) ||
	    (e = env_long("SQLALCHEMY_POOL_TIMEOUT", 30, 1, 3600, &cfg->sqlalchemy_pool_timeout, why, whylen)))
		return e;
	return FL_OK;
}

/* ---- the application's keys ---- */

/* The value of one application key, beside its declaration. */
struct fl_config_value {
	const char *text;   /* as given (environment or default); NULL: unset */
	long num;           /* INT, SECONDS: the number; BOOL: 1 or 0 */
};

/* Every key fl_config_load reads itself: an application may not declare
 * one of these (two meanings for one environment variable). */
static const char *const builtin_keys[] = {
	"APP_CONFIG", "SECRET_KEY", "DATABASE_URI", "DEV_DATABASE_URI", "TEST_DATABASE_URI",
	"DEBUG", "TESTING", "SQLALCHEMY_COMMIT_ON_TEARDOWN", "MAX_CONTENT_LENGTH",
	"PERMANENT_SESSION_LIFETIME", "SESSION_TYPE", "SESSION_COOKIE_NAME",
	"SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_PATH", "SESSION_COOKIE_SECURE",
	"SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_REFRESH_EACH_REQUEST",
	"WTF_CSRF_TIME_LIMIT", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL",
	"MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "MAIL_SUPPRESS_SEND",
	"CACHE_TYPE", "CACHE_DEFAULT_TIMEOUT", "REDIS_URL", "JWT_SECRET_KEY",
	"JWT_ACCESS_TOKEN_EXPIRES", "SERVER_NAME", "LOGIN_FAILURES_PER_USERNAME",
	"LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURE_WINDOW", "PREFERRED_URL_SCHEME",
	"TRUSTED_PROXIES", "USE_X_SENDFILE", "X_SENDFILE_HEADER", "SEND_FILE_MAX_AGE_DEFAULT", "SQLALCHEMY_ECHO",
	/* the debug toolbar (issue 18) */
	"DEBUG_TB_ENABLED", "DEBUG_TB_INTERCEPT_REDIRECTS",
	/* databases beyond one machine (issue 19) */
	"SQLALCHEMY_POOL_SIZE", "SQLALCHEMY_POOL_RECYCLE", "SQLALCHEMY_POOL_TIMEOUT",
	NULL,
};

/* The bounds a number key is checked against (see fl_config_key). */
static void key_bounds(const fl_config_key *k, long *min, long *max)
{
	*min = k->min;
	*max = k->max;
	if (!k->min && !k->max) {
		*min = k->type == FL_CONFIG_SECONDS ? 0 : LONG_MIN;
		*max = LONG_MAX;
	}
}

/* A declaration the program cannot have meant: said at start-up, like a
 * bad value, rather than found out by a request. */
static fl_err check_decl(const fl_config_key *keys, size_t i, char *why, size_t whylen)
{
	const fl_config_key *k = &keys[i];
	if (!*k->name)
		return fail(why, whylen, "application config key %zu has an empty name", i);
	if ((unsigned)k->type >= FL_CONFIG_TYPE__MAX)
		return fail(why, whylen, "%s: declared with an unknown type %d", k->name, (int)k->type);
	for (const char *const *b = builtin_keys; *b; b++)
		if (strcmp(*b, k->name) == 0)
			return fail(why, whylen, "%s: a built-in key, not an application key", k->name);
	for (size_t j = 0; j < i; j++)
		if (strcmp(keys[j].name, k->name) == 0)
			return fail(why, whylen, "%s: declared twice", k->name);
	long min, max;
	key_bounds(k, &min, &max);
	if (min > max || (k->type == FL_CONFIG_SECONDS && min < 0))
		return fail(why, whylen, "%s: declared with bounds %ld..%ld", k->name, min, max);
	return FL_OK;
}

/* Declare, read and check every key of `keys` (see fl_config_load). */
static fl_err load_app_keys(fl_config *cfg, const fl_config_key *keys, char *why, size_t whylen)
{
	size_t n = 0;
	while (keys && keys[n].name)
		n++;
	if (!n)
		return FL_OK;
	cfg->app_values_ = calloc(n, sizeof *cfg->app_values_);
	if (!cfg->app_values_)
		return fail(why, whylen, "out of memory");
	cfg->app_keys_ = keys;
	cfg->napp_keys_ = n;
	for (size_t i = 0; i < n; i++) {
		const fl_config_key *k = &keys[i];
		struct fl_config_value *v = &cfg->app_values_[i];
		fl_err e = check_decl(keys, i, why, whylen);
		if (e)
			return e;
		v->text = env(k->name, k->defaults[cfg->cls]);
		if (!v->text || k->type == FL_CONFIG_STR)
			continue;
		if (k->type == FL_CONFIG_BOOL) {
			int b;
			e = parse_bool(k->name, v->text, &b, why, whylen);
			v->num = b;
		} else {
			long min, max;
			key_bounds(k, &min, &max);
			e = parse_long(k->name, v->text, min, max, &v->num, why, whylen);
		}
		if (e)
			return e;
	}
	return FL_OK;
}

/* The application keys into `o` (unset: null): the non-secret ones for
 * templates' `config`; with `masked`, the secret ones too, as
 * FL_CONFIG_MASK (fl_config_masked_json). */
static void app_keys_json(const fl_config *cfg, json_t *o, int masked)
{
	for (size_t i = 0; i < cfg->napp_keys_; i++) {
		const fl_config_key *k = &cfg->app_keys_[i];
		const struct fl_config_value *v = &cfg->app_values_[i];
		json_t *j;
		if (k->secret && !masked)
			continue;
		if (!v->text)
			j = json_null();
		else if (k->secret)
			j = json_string(FL_CONFIG_MASK);
		else if (k->type == FL_CONFIG_STR)
			j = json_string(v->text);
		else if (k->type == FL_CONFIG_BOOL)
			j = json_boolean(v->num);
		else
			j = json_integer(v->num);
		json_object_set_new(o, k->name, j);
	}
}

/* The value of application key `name` if it is declared with one of the
 * types in `mask` (1 << type); a logged programming error otherwise. */
static const struct fl_config_value *app_value(const fl_config *cfg, const char *name,
	unsigned mask, const char *getter)
{
	for (size_t i = 0; i < cfg->napp_keys_; i++) {
		const fl_config_key *k = &cfg->app_keys_[i];
		if (strcmp(k->name, name) != 0)
			continue;
		if (!(mask & (1u << k->type))) {
			static const char *const types[FL_CONFIG_TYPE__MAX] = {
				"a string", "an int", "a bool", "seconds",
			};
			fl_error("config: %s(\"%s\"): the key is declared as %s (a programming error)",
				getter, name, types[k->type]);
			return NULL;
		}
		return &cfg->app_values_[i];
	}
	for (const char *const *b = builtin_keys; *b; b++)
		if (strcmp(*b, name) == 0) {
			fl_error("config: %s(\"%s\"): a built-in key, read from the fl_config fields "
				"(a programming error)", getter, name);
			return NULL;
		}
	fl_error("config: %s(\"%s\"): the application declares no such key (a programming error)",
		getter, name);
	return NULL;
}

const char *fl_config_get_str(const fl_config *cfg, const char *name)
{
	const struct fl_config_value *v = app_value(cfg, name, 1u << FL_CONFIG_STR, __func__);
	return v ? v->text : NULL;
}

long fl_config_get_int(const fl_config *cfg, const char *name)
{
	const struct fl_config_value *v = app_value(cfg, name,
		1u << FL_CONFIG_INT | 1u << FL_CONFIG_SECONDS, __func__);
	return v && v->text ? v->num : 0;
}

int fl_config_get_bool(const fl_config *cfg, const char *name)
{
	const struct fl_config_value *v = app_value(cfg, name, 1u << FL_CONFIG_BOOL, __func__);
	return v && v->text ? (int)v->num : 0;
}

int fl_config_is_set(const fl_config *cfg, const char *name)
{
	const struct fl_config_value *v = app_value(cfg, name, ~0u, __func__);
	return v && v->text;
}

static void json_put(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

/* SERVER_NAME, PREFERRED_URL_SCHEME, TRUSTED_PROXIES: what _external
 * URLs and request.host are made of (see config.h). */
static fl_err load_url_keys(fl_config *cfg, char *why, size_t whylen)
{
	static const char *const schemes[] = { "http", "https", NULL };
	char bad[64];
	fl_err e = env_choice("PREFERRED_URL_SCHEME", "http", schemes, &cfg->preferred_url_scheme,
		why, whylen);
	if (e)
		return e;
	/* Under plain CGI the environment's SERVER_NAME is the request's. */
	cfg->server_name = getenv("GATEWAY_INTERFACE") ? NULL : env("SERVER_NAME", NULL);
	if (cfg->server_name && !fl_host_is_valid(cfg->server_name, strlen(cfg->server_name)))
		return fail(why, whylen, "SERVER_NAME: expected a host name with an optional "
			":port (\"example.com\", \"example.com:8080\"), got '%s'", cfg->server_name);
	cfg->trusted_proxies = env("TRUSTED_PROXIES", NULL);
	if (cfg->trusted_proxies && !fl_addr_list_is_valid(cfg->trusted_proxies, bad, sizeof bad))
		return fail(why, whylen, "TRUSTED_PROXIES: expected comma-separated IP addresses, "
			"got '%s' in '%s'", bad, cfg->trusted_proxies);
	return FL_OK;
}

static void build_json(fl_config *cfg)
{
	json_t *o = json_object();
	json_put(o, "APP_CONFIG", fl_config_names[cfg->cls]);
	json_object_set_new_nocheck(o, "DEBUG", json_boolean(cfg->debug));
	json_object_set_new_nocheck(o, "TESTING", json_boolean(cfg->testing));
	json_put(o, "SESSION_TYPE", cfg->session_type);
	json_put(o, "CACHE_TYPE", cfg->cache_type);
	json_put(o, "MAIL_SERVER", cfg->mail_server);
	json_object_set_new_nocheck(o, "MAIL_PORT", json_integer(cfg->mail_port));
	json_object_set_new_nocheck(o, "MAX_CONTENT_LENGTH", json_integer(cfg->max_content_length));
	json_object_set_new_nocheck(o, "PERMANENT_SESSION_LIFETIME",
		json_integer(cfg->permanent_session_lifetime));
	json_object_set_new_nocheck(o, "CACHE_DEFAULT_TIMEOUT", json_integer(cfg->cache_default_timeout));
	json_object_set_new_nocheck(o, "LOGIN_FAILURES_PER_USERNAME",
		json_integer(cfg->login_failures_per_username));
	json_object_set_new_nocheck(o, "LOGIN_FAILURES_PER_ADDRESS",
		json_integer(cfg->login_failures_per_address));
	json_object_set_new_nocheck(o, "LOGIN_FAILURE_WINDOW", json_integer(cfg->login_failure_window));
	json_put(o, "SERVER_NAME", cfg->server_name);
	json_put(o, "PREFERRED_URL_SCHEME", cfg->preferred_url_scheme);
	app_keys_json(cfg, o, 0);
	cfg->json = o;
}

/* The send_file keys (web/send_file.h). */
static fl_err load_send_file_keys(fl_config *cfg, char *why, size_t whylen)
{
	static const char *const headers[] = { "X-Sendfile", "X-LIGHTTPD-send-file", NULL };
	fl_err e;
	if ((e = env_bool("USE_X_SENDFILE", 0, &cfg->use_x_sendfile, why, whylen)) ||
	    (e = env_choice("X_SENDFILE_HEADER", "X-Sendfile", headers, &cfg->x_sendfile_header, why, whylen)) ||
	    (e = env_long("SEND_FILE_MAX_AGE_DEFAULT", -1, 0, LONG_MAX, &cfg->send_file_max_age_default, why, whylen)))
		return e;
	return FL_OK;
}

/* The debug toolbar's keys (issue 18: web/toolbar.h): development only. */
static fl_err load_toolbar_keys(fl_config *cfg, char *why, size_t whylen)
{
	fl_err e;
	/* Never on by default in production, even with DEBUG set there. */
	int dflt = cfg->debug && cfg->cls != FL_CONFIG_PRODUCTION;
	if ((e = env_bool("DEBUG_TB_ENABLED", dflt, &cfg->debug_tb_enabled, why, whylen)) ||
	    (e = env_bool("DEBUG_TB_INTERCEPT_REDIRECTS", 0, &cfg->debug_tb_intercept_redirects, why, whylen)))
		return e;
	if (cfg->debug_tb_enabled && cfg->cls == FL_CONFIG_PRODUCTION)
		return fail(why, whylen, "DEBUG_TB_ENABLED: the debug toolbar shows the requests, "
			"the session and the configuration: never in the production configuration");
	return FL_OK;
}

fl_err fl_config_load(fl_config *cfg, const char *root, const fl_config_key *keys, char *why,
	size_t whylen)
{
	return fl_config_load_flags(cfg, root, keys, 0, why, whylen);
}

fl_err fl_config_load_flags(fl_config *cfg, const char *root, const fl_config_key *keys,
	unsigned flags, char *why, size_t whylen)
{
	static const char *const classes[] = { "development", "testing", "production", NULL };
	static const char *const session_types[] = { "null", "sqlite", "sqlalchemy", "filesystem", "redis",
		NULL };
	static const char *const cache_types[] = { "null", "simple", "sqlite", "redis", NULL };
	static const char *const samesites[] = { "Strict", "Lax", "None", NULL };
	fl_err e;
	const char *name;

	memset(cfg, 0, sizeof *cfg);
	cfg->root = root;
	if ((e = env_choice("APP_CONFIG", "development", classes, &name, why, whylen)))
		return e;
	for (int i = 0; i < FL_CONFIG__MAX; i++)
		if (strcmp(name, fl_config_names[i]) == 0)
			cfg->cls = (fl_config_class)i;

	int is_prod = cfg->cls == FL_CONFIG_PRODUCTION;
	cfg->secret_key = env("SECRET_KEY", is_prod ? NULL : DEV_SECRET_KEY);
	if (!cfg->secret_key && !(flags & FL_CONFIG_SECRET_OPTIONAL))
		return fail(why, whylen, "SECRET_KEY must be set in the production configuration");
	const char *uri_key = env("DATABASE_URI", NULL) ? "DATABASE_URI"
		: env(db_key[cfg->cls], NULL) ? db_key[cfg->cls] : "DATABASE_URI";
	cfg->database_uri = env(uri_key, default_db[cfg->cls]);
	if ((e = resolve_db(cfg, uri_key, why, whylen)) || (e = load_pool_keys(cfg, why, whylen)))
		return e;

	if ((e = env_bool("DEBUG", cfg->cls == FL_CONFIG_DEVELOPMENT, &cfg->debug, why, whylen)) ||
	    (e = env_bool("TESTING", cfg->cls == FL_CONFIG_TESTING, &cfg->testing, why, whylen)) ||
	    (e = env_bool("SQLALCHEMY_COMMIT_ON_TEARDOWN", 0, &cfg->commit_on_teardown, why, whylen)) ||
	    (e = env_bool("SQLALCHEMY_ECHO", 0, &cfg->sqlalchemy_echo, why, whylen)) ||
	    (e = env_long("MAX_CONTENT_LENGTH", 16L * 1024 * 1024, 0, LONG_MAX, &cfg->max_content_length, why, whylen)) ||
	    (e = env_long("PERMANENT_SESSION_LIFETIME", 2678400, 1, 10L * 365 * 86400, &cfg->permanent_session_lifetime, why, whylen)) ||
	    (e = env_choice("SESSION_TYPE", "null", session_types, &cfg->session_type, why, whylen)) ||
	    (e = env_bool("SESSION_COOKIE_SECURE", 0, &cfg->session_cookie_secure, why, whylen)) ||
	    (e = env_bool("SESSION_COOKIE_HTTPONLY", 1, &cfg->session_cookie_httponly, why, whylen)) ||
	    (e = env_choice("SESSION_COOKIE_SAMESITE", "Lax", samesites, &cfg->session_cookie_samesite, why, whylen)) ||
	    (e = env_bool("SESSION_REFRESH_EACH_REQUEST", 1, &cfg->session_refresh_each_request, why, whylen)) ||
	    (e = env_long("WTF_CSRF_TIME_LIMIT", 3600, 1, LONG_MAX, &cfg->csrf_time_limit, why, whylen)) ||
	    (e = env_long("MAIL_PORT", 25, 1, 65535, &cfg->mail_port, why, whylen)) ||
	    (e = env_bool("MAIL_USE_TLS", 0, &cfg->mail_use_tls, why, whylen)) ||
	    (e = env_bool("MAIL_USE_SSL", 0, &cfg->mail_use_ssl, why, whylen)) ||
	    (e = env_bool("MAIL_SUPPRESS_SEND", cfg->cls == FL_CONFIG_TESTING, &cfg->mail_suppress_send, why, whylen)) ||
	    (e = env_choice("CACHE_TYPE", "null", cache_types, &cfg->cache_type, why, whylen)) ||
	    (e = env_long("CACHE_DEFAULT_TIMEOUT", 300, 0, LONG_MAX, &cfg->cache_default_timeout, why, whylen)) ||
	    (e = env_long("JWT_ACCESS_TOKEN_EXPIRES", 900, 1, LONG_MAX, &cfg->jwt_access_token_expires, why, whylen)) ||
	    (e = env_long("LOGIN_FAILURES_PER_USERNAME", 10, 0, LONG_MAX, &cfg->login_failures_per_username, why, whylen)) ||
	    (e = env_long("LOGIN_FAILURES_PER_ADDRESS", 100, 0, LONG_MAX, &cfg->login_failures_per_address, why, whylen)) ||
	    (e = env_long("LOGIN_FAILURE_WINDOW", 300, 1, 10L * 365 * 86400, &cfg->login_failure_window, why, whylen)))
		return e;
	if (cfg->mail_use_tls && cfg->mail_use_ssl)
		return fail(why, whylen, "MAIL_USE_TLS and MAIL_USE_SSL cannot both be set");

	cfg->session_cookie_name = env("SESSION_COOKIE_NAME", "session");
	cfg->session_cookie_domain = env("SESSION_COOKIE_DOMAIN", NULL);
	cfg->session_cookie_path = env("SESSION_COOKIE_PATH", "/");
	cfg->mail_server = env("MAIL_SERVER", "localhost");
	cfg->mail_username = env("MAIL_USERNAME", NULL);
	cfg->mail_password = env("MAIL_PASSWORD", NULL);
	/* Flask-Mail's default: none, so a message without a sender is refused
	 * unless the environment or the application names one. */
	cfg->mail_default_sender = env("MAIL_DEFAULT_SENDER", NULL);
	cfg->redis_url = env("REDIS_URL", "redis://127.0.0.1:6379/0");
	cfg->jwt_secret_key = env("JWT_SECRET_KEY", cfg->secret_key);
	if ((e = load_url_keys(cfg, why, whylen)))
		return e;
	if ((e = load_send_file_keys(cfg, why, whylen)))
		return e;
	if ((e = load_app_keys(cfg, keys, why, whylen)))
		return e;
	if ((e = load_toolbar_keys(cfg, why, whylen)))
		return e;
	build_json(cfg);
	return FL_OK;
}

/* ---- showing the configuration (issue 18: the debug toolbar) ---- */

/* Whether `word` (upper case ASCII) occurs in `s`, in any case. */
static int contains_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (; *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

int fl_config_name_is_secret(const char *name)
{
	static const char *const words[] = {
		"SECRET", "PASSWORD", "PASSWD", "KEY", "TOKEN", "AUTHORIZATION", NULL,
	};
	for (const char *const *w = words; *w; w++)
		if (contains_word(name, *w))
			return 1;
	return 0;
}

json_t *fl_config_mask_uri(const char *uri)
{
	size_t start, len = fl_uri_password_span(uri, &start);
	if (!start)
		return json_string(uri);
	char *masked;
	if (asprintf(&masked, "%.*s" FL_CONFIG_MASK "%s", (int)start, uri, uri + start + len) < 0)
		return NULL;
	json_t *j = json_string(masked);
	free(masked);
	return j;
}

static void put_bool(json_t *o, const char *k, int v)
{
	json_object_set_new(o, k, json_boolean(v));
}

static void put_long(json_t *o, const char *k, long v)
{
	json_object_set_new(o, k, json_integer(v));
}

/* The built-in keys build_json leaves out of templates' `config`. */
static void more_builtin_json(const fl_config *cfg, json_t *o)
{
	json_put(o, "SECRET_KEY", cfg->secret_key);
	json_put(o, "DATABASE_URI", cfg->database_uri);
	put_bool(o, "SQLALCHEMY_COMMIT_ON_TEARDOWN", cfg->commit_on_teardown);
	put_bool(o, "SQLALCHEMY_ECHO", cfg->sqlalchemy_echo);
	json_put(o, "SESSION_COOKIE_NAME", cfg->session_cookie_name);
	json_put(o, "SESSION_COOKIE_DOMAIN", cfg->session_cookie_domain);
	json_put(o, "SESSION_COOKIE_PATH", cfg->session_cookie_path);
	put_bool(o, "SESSION_COOKIE_SECURE", cfg->session_cookie_secure);
	put_bool(o, "SESSION_COOKIE_HTTPONLY", cfg->session_cookie_httponly);
	json_put(o, "SESSION_COOKIE_SAMESITE", cfg->session_cookie_samesite);
	put_bool(o, "SESSION_REFRESH_EACH_REQUEST", cfg->session_refresh_each_request);
	put_long(o, "WTF_CSRF_TIME_LIMIT", cfg->csrf_time_limit);
	put_bool(o, "MAIL_USE_TLS", cfg->mail_use_tls);
	put_bool(o, "MAIL_USE_SSL", cfg->mail_use_ssl);
	json_put(o, "MAIL_USERNAME", cfg->mail_username);
	json_put(o, "MAIL_PASSWORD", cfg->mail_password);
	json_put(o, "MAIL_DEFAULT_SENDER", cfg->mail_default_sender);
	put_bool(o, "MAIL_SUPPRESS_SEND", cfg->mail_suppress_send);
	json_put(o, "REDIS_URL", cfg->redis_url);
	json_put(o, "JWT_SECRET_KEY", cfg->jwt_secret_key);
	put_long(o, "JWT_ACCESS_TOKEN_EXPIRES", cfg->jwt_access_token_expires);
	json_put(o, "TRUSTED_PROXIES", cfg->trusted_proxies);
	put_bool(o, "USE_X_SENDFILE", cfg->use_x_sendfile);
	json_put(o, "X_SENDFILE_HEADER", cfg->x_sendfile_header);
	json_object_set_new(o, "SEND_FILE_MAX_AGE_DEFAULT", cfg->send_file_max_age_default < 0
		? json_null() : json_integer(cfg->send_file_max_age_default));
	put_bool(o, "DEBUG_TB_ENABLED", cfg->debug_tb_enabled);
	put_bool(o, "DEBUG_TB_INTERCEPT_REDIRECTS", cfg->debug_tb_intercept_redirects);
	put_long(o, "SQLALCHEMY_POOL_SIZE", cfg->sqlalchemy_pool_size);
	put_long(o, "SQLALCHEMY_POOL_RECYCLE", cfg->sqlalchemy_pool_recycle);
	put_long(o, "SQLALCHEMY_POOL_TIMEOUT", cfg->sqlalchemy_pool_timeout);
}

json_t *fl_config_masked_json(const fl_config *cfg)
{
	json_t *o = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(cfg->json, k, v)   /* copies: cfg->json is the process's */
		json_object_set_new(o, k, json_deep_copy(v));
	more_builtin_json(cfg, o);
	app_keys_json(cfg, o, 1);
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) {
		if (!json_is_string(v))   /* a number or a flag is no secret */
			continue;
		if (fl_config_name_is_secret(k))
			json_object_set_new(o, k, json_string(FL_CONFIG_MASK));
		else if (strstr(json_string_value(v), "://"))
			json_object_set_new(o, k, fl_config_mask_uri(json_string_value(v)));
	}
	return o;
}

void fl_config_free(fl_config *cfg)
{
	free((char *)cfg->database_path);
	fl_db_uri_free(&cfg->db_uri);
	free(cfg->app_values_);
	json_decref(cfg->json);
	memset(cfg, 0, sizeof *cfg);
}

static int has_templates(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(path, sizeof path, "%s/templates", dir) >= sizeof path)
		return 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *fl_find_root(void)
{
	const char *forced = getenv("FLAGON_ROOT");
	if (forced && *forced)
		return realpath(forced, NULL);
	char *exe = realpath("/proc/self/exe", NULL);
	if (!exe)
		return NULL;
	/* Walk up from the executable's directory: cgi-bin/main → root,
	 * ./manage → root, build/asan/cgi-bin/main → root. */
	char *slash;
	while ((slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		if (!*exe)
			break;
		if (has_templates(exe))
			return exe;
	}
	free(exe);
	return NULL;
}
