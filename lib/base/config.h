/* config.h — application configuration (Flasky's config.py).
 *
 * APP_CONFIG selects a configuration class — development (default),
 * testing or production — whose defaults mirror Flasky's config.py; every
 * key can then be overridden from the environment (Apache: FcgidInitialEnv,
 * lighttpd: bin-environment).  Values are validated once at start-up: an
 * unknown class name, a malformed number or boolean, or production without a
 * SECRET_KEY stops the program with a clear message.
 */
#ifndef FL_CONFIG_H
#define FL_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

/* The configuration classes of APP_CONFIG (Flasky's DevelopmentConfig,
 * TestingConfig, ProductionConfig). */
typedef enum fl_config_class {
	FL_CONFIG_DEVELOPMENT,
	FL_CONFIG_TESTING,
	FL_CONFIG_PRODUCTION,
	FL_CONFIG__MAX
} fl_config_class;

/* Names of the configuration classes, indexed by fl_config_class. */
extern const char *const fl_config_names[FL_CONFIG__MAX];

/* The process configuration: every key of SPEC §4, validated at start-up. */
typedef struct fl_config {
	fl_config_class cls;        /* APP_CONFIG: the configuration class */
	int debug;                      /* DEBUG: reload templates, detailed logs */
	int testing;                    /* TESTING */
	const char *root;               /* project root: templates/, var/, sql/ */
	const char *secret_key;         /* SECRET_KEY */
	const char *database_uri;       /* DATABASE_URI as given (sqlite:///…) */
	const char *database_path;      /* the SQLite file it names, absolute */
	int commit_on_teardown;         /* SQLALCHEMY_COMMIT_ON_TEARDOWN */
	long max_content_length;        /* MAX_CONTENT_LENGTH, bytes */
	long permanent_session_lifetime;/* PERMANENT_SESSION_LIFETIME, seconds */
	const char *session_type;       /* SESSION_TYPE: null|sqlite|filesystem|redis */
	const char *session_cookie_name;/* SESSION_COOKIE_NAME ("session") */
	const char *session_cookie_domain; /* SESSION_COOKIE_DOMAIN, NULL: host only */
	const char *session_cookie_path; /* SESSION_COOKIE_PATH ("/") */
	int session_cookie_secure;  /* SESSION_COOKIE_SECURE */
	int session_cookie_httponly; /* SESSION_COOKIE_HTTPONLY */
	const char *session_cookie_samesite; /* NULL, "Strict", "Lax", "None" */
	int session_refresh_each_request; /* SESSION_REFRESH_EACH_REQUEST */
	long csrf_time_limit;           /* WTF_CSRF_TIME_LIMIT, seconds */
	const char *flasky_admin;   /* FLASKY_ADMIN: mailed about new users, or NULL */
	const char *flasky_mail_subject_prefix; /* FLASKY_MAIL_SUBJECT_PREFIX ("[Flasky]") */
	const char *flasky_mail_sender; /* FLASKY_MAIL_SENDER */
	const char *mail_server;    /* MAIL_SERVER */
	long mail_port;             /* MAIL_PORT (25) */
	int mail_use_tls;           /* MAIL_USE_TLS: STARTTLS */
	int mail_use_ssl;           /* MAIL_USE_SSL (unsupported: see mail.h) */
	const char *mail_username;  /* MAIL_USERNAME */
	const char *mail_password;  /* MAIL_PASSWORD */
	const char *mail_default_sender; /* MAIL_DEFAULT_SENDER */
	int mail_suppress_send;     /* MAIL_SUPPRESS_SEND: write var/outbox/ instead */
	const char *cache_type;     /* CACHE_TYPE: null|simple|sqlite|redis */
	long cache_default_timeout; /* CACHE_DEFAULT_TIMEOUT, seconds */
	const char *redis_url;      /* REDIS_URL */
	const char *jwt_secret_key; /* JWT_SECRET_KEY (SECRET_KEY when unset) */
	long jwt_access_token_expires; /* JWT_ACCESS_TOKEN_EXPIRES, seconds */
	const char *server_name;        /* SERVER_NAME for _external URLs, or NULL */
	json_t *json;                   /* the non-secret keys, for templates' `config` */
} fl_config;

/* fl_config_load — fill `cfg` from the environment for the project at
 * `root` (a directory; database paths resolve against it).  Strings point
 * into the environment or static storage and live for the process.
 * Returns FL_OK, or FL_ECONFIG with a one-line reason in `why` (size
 * `whylen`) naming the key and the bad value. */
fl_err fl_config_load(fl_config *cfg, const char *root, char *why, size_t whylen);

/* fl_config_free — release what fl_config_load allocated. */
void fl_config_free(fl_config *cfg);

/* fl_find_root — the project root for the executable `argv0`: the nearest
 * directory upwards from the executable's own directory that holds
 * `templates/`; FLAGON_ROOT in the environment wins.  Returns a heap
 * string the caller frees, or NULL when none is found. */
char *fl_find_root(void);

#endif
