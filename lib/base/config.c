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

static fl_err env_long(const char *key, long dflt, long min, long max, long *out,
	char *why, size_t whylen)
{
	const char *v = env(key, NULL);
	if (!v) {
		*out = dflt;
		return FL_OK;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return fail(why, whylen, "%s: expected an integer between %ld and %ld, got '%s'",
			key, min, max, v);
	*out = n;
	return FL_OK;
}

static fl_err env_bool(const char *key, int dflt, int *out, char *why, size_t whylen)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	const char *v = env(key, NULL);
	if (!v) {
		*out = dflt;
		return FL_OK;
	}
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return FL_OK;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return FL_OK;
		}
	}
	return fail(why, whylen, "%s: expected true or false, got '%s'", key, v);
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

/* sqlite:///relative/path (against root) or sqlite:////absolute/path. */
static fl_err resolve_db(fl_config *cfg, char *why, size_t whylen)
{
	const char *prefix = "sqlite:///";
	const char *uri = cfg->database_uri;
	if (strncmp(uri, prefix, strlen(prefix)) != 0 || !uri[strlen(prefix)])
		return fail(why, whylen, "DATABASE_URI: expected sqlite:///path, got '%s'", uri);
	const char *p = uri + strlen(prefix);
	char *path;
	if (*p == '/')
		path = strdup(p);
	else if (asprintf(&path, "%s/%s", cfg->root, p) < 0)
		path = NULL;
	if (!path)
		return fail(why, whylen, "out of memory");
	cfg->database_path = path;
	return FL_OK;
}

static void json_put(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static void build_json(fl_config *cfg)
{
	json_t *o = json_object();
	json_put(o, "APP_CONFIG", fl_config_names[cfg->cls]);
	json_object_set_new_nocheck(o, "DEBUG", json_boolean(cfg->debug));
	json_object_set_new_nocheck(o, "TESTING", json_boolean(cfg->testing));
	json_put(o, "SESSION_TYPE", cfg->session_type);
	json_put(o, "CACHE_TYPE", cfg->cache_type);
	json_put(o, "FLASKY_ADMIN", cfg->flasky_admin);
	json_put(o, "FLASKY_MAIL_SUBJECT_PREFIX", cfg->flasky_mail_subject_prefix);
	json_put(o, "FLASKY_MAIL_SENDER", cfg->flasky_mail_sender);
	json_put(o, "MAIL_SERVER", cfg->mail_server);
	json_object_set_new_nocheck(o, "MAIL_PORT", json_integer(cfg->mail_port));
	json_object_set_new_nocheck(o, "MAX_CONTENT_LENGTH", json_integer(cfg->max_content_length));
	json_object_set_new_nocheck(o, "PERMANENT_SESSION_LIFETIME",
		json_integer(cfg->permanent_session_lifetime));
	json_object_set_new_nocheck(o, "CACHE_DEFAULT_TIMEOUT", json_integer(cfg->cache_default_timeout));
	cfg->json = o;
}

fl_err fl_config_load(fl_config *cfg, const char *root, char *why, size_t whylen)
{
	static const char *const classes[] = { "development", "testing", "production", NULL };
	static const char *const session_types[] = { "null", "sqlite", "filesystem", "redis", NULL };
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
	if (!cfg->secret_key)
		return fail(why, whylen, "SECRET_KEY must be set in the production configuration");
	cfg->database_uri = env("DATABASE_URI", env(db_key[cfg->cls], default_db[cfg->cls]));
	if ((e = resolve_db(cfg, why, whylen)))
		return e;

	if ((e = env_bool("DEBUG", cfg->cls == FL_CONFIG_DEVELOPMENT, &cfg->debug, why, whylen)) ||
	    (e = env_bool("TESTING", cfg->cls == FL_CONFIG_TESTING, &cfg->testing, why, whylen)) ||
	    (e = env_bool("SQLALCHEMY_COMMIT_ON_TEARDOWN", 0, &cfg->commit_on_teardown, why, whylen)) ||
	    (e = env_long("MAX_CONTENT_LENGTH", 16L * 1024 * 1024, 0, LONG_MAX, &cfg->max_content_length, why, whylen)) ||
	    (e = env_long("PERMANENT_SESSION_LIFETIME", 2678400, 1, 10L * 365 * 86400, &cfg->permanent_session_lifetime, why, whylen)) ||
	    (e = env_choice("SESSION_TYPE", "null", session_types, &cfg->session_type, why, whylen)) ||
	    (e = env_bool("SESSION_COOKIE_SECURE", 0, &cfg->session_cookie_secure, why, whylen)) ||
	    (e = env_bool("SESSION_COOKIE_HTTPONLY", 1, &cfg->session_cookie_httponly, why, whylen)) ||
	    (e = env_choice("SESSION_COOKIE_SAMESITE", NULL, samesites, &cfg->session_cookie_samesite, why, whylen)) ||
	    (e = env_bool("SESSION_REFRESH_EACH_REQUEST", 1, &cfg->session_refresh_each_request, why, whylen)) ||
	    (e = env_long("WTF_CSRF_TIME_LIMIT", 3600, 1, LONG_MAX, &cfg->csrf_time_limit, why, whylen)) ||
	    (e = env_long("MAIL_PORT", 25, 1, 65535, &cfg->mail_port, why, whylen)) ||
	    (e = env_bool("MAIL_USE_TLS", 0, &cfg->mail_use_tls, why, whylen)) ||
	    (e = env_bool("MAIL_USE_SSL", 0, &cfg->mail_use_ssl, why, whylen)) ||
	    (e = env_bool("MAIL_SUPPRESS_SEND", cfg->cls == FL_CONFIG_TESTING, &cfg->mail_suppress_send, why, whylen)) ||
	    (e = env_choice("CACHE_TYPE", "null", cache_types, &cfg->cache_type, why, whylen)) ||
	    (e = env_long("CACHE_DEFAULT_TIMEOUT", 300, 0, LONG_MAX, &cfg->cache_default_timeout, why, whylen)) ||
	    (e = env_long("JWT_ACCESS_TOKEN_EXPIRES", 900, 1, LONG_MAX, &cfg->jwt_access_token_expires, why, whylen)))
		return e;
	if (cfg->mail_use_tls && cfg->mail_use_ssl)
		return fail(why, whylen, "MAIL_USE_TLS and MAIL_USE_SSL cannot both be set");

	cfg->session_cookie_name = env("SESSION_COOKIE_NAME", "session");
	cfg->session_cookie_domain = env("SESSION_COOKIE_DOMAIN", NULL);
	cfg->session_cookie_path = env("SESSION_COOKIE_PATH", "/");
	cfg->flasky_admin = env("FLASKY_ADMIN", NULL);
	cfg->flasky_mail_subject_prefix = env("FLASKY_MAIL_SUBJECT_PREFIX", "[Flasky]");
	cfg->flasky_mail_sender = env("FLASKY_MAIL_SENDER", "Flasky Admin <flasky@example.com>");
	cfg->mail_server = env("MAIL_SERVER", "localhost");
	cfg->mail_username = env("MAIL_USERNAME", NULL);
	cfg->mail_password = env("MAIL_PASSWORD", NULL);
	cfg->mail_default_sender = env("MAIL_DEFAULT_SENDER", cfg->flasky_mail_sender);
	cfg->redis_url = env("REDIS_URL", "redis://127.0.0.1:6379/0");
	cfg->jwt_secret_key = env("JWT_SECRET_KEY", cfg->secret_key);
	cfg->server_name = env("SERVER_NAME", NULL);
	build_json(cfg);
	return FL_OK;
}

void fl_config_free(fl_config *cfg)
{
	free((char *)cfg->database_path);
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
