/* config.h — application configuration (Flask's app.config and the
 * config.py classes of Flask's tutorial).
 *
 * APP_CONFIG selects a configuration class — development (default),
 * testing or production — whose defaults mirror the tutorial's config.py;
 * every key can then be overridden from the environment (Apache:
 * FcgidInitialEnv, lighttpd: bin-environment).  Values are validated once at
 * start-up: an unknown class name, a malformed number or boolean, or
 * production without a SECRET_KEY stops the program with a clear message.
 *
 * The framework's own keys are the fields of fl_config.  An application
 * declares its own keys (Flask: BLOG_ADMIN in a Config class) in a static
 * table of fl_config_key; fl_config_load reads and checks them the same way,
 * and the application reads them with fl_config_get_str/_int/_bool.
 */
#ifndef FL_CONFIG_H
#define FL_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "base/db_uri.h"
#include "base/err.h"

/* The configuration classes of APP_CONFIG (the tutorial's
 * DevelopmentConfig, TestingConfig, ProductionConfig). */
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
	/* DATABASE_URI as given (sqlite:///…, mysql://…, postgresql://…): it
	 * may hold a password, so never log it (db_uri below, fl_db_uri_display) */
	const char *database_uri;
	/* sqlite: the file it names, absolute, or ":memory:" (sqlite://,
	 * sqlite:///:memory:); mysql/postgresql: the URI with its password
	 * masked (fl_db_uri_display), what messages name — fl_db_open refuses it
	 * until those drivers exist (data/db.h) */
	const char *database_path;
	int commit_on_teardown;         /* SQLALCHEMY_COMMIT_ON_TEARDOWN */
	long max_content_length;        /* MAX_CONTENT_LENGTH, bytes */
	long permanent_session_lifetime;/* PERMANENT_SESSION_LIFETIME, seconds */
	const char *session_type;       /* SESSION_TYPE: null|sqlite|sqlalchemy|filesystem|redis */
	const char *session_cookie_name;/* SESSION_COOKIE_NAME ("session") */
	const char *session_cookie_domain; /* SESSION_COOKIE_DOMAIN, NULL: host only */
	const char *session_cookie_path; /* SESSION_COOKIE_PATH ("/") */
	int session_cookie_secure;  /* SESSION_COOKIE_SECURE */
	int session_cookie_httponly; /* SESSION_COOKIE_HTTPONLY */
	/* SESSION_COOKIE_SAMESITE: "Strict", "Lax" (the default: a cross-site
	 * POST or sub-request carries no session, so neither a login nor a CSRF
	 * token rides on it) or "None" (which browsers accept only with
	 * Secure).  Flask's default is no attribute; Flagon's is Lax. */
	const char *session_cookie_samesite;
	int session_refresh_each_request; /* SESSION_REFRESH_EACH_REQUEST */
	long csrf_time_limit;           /* WTF_CSRF_TIME_LIMIT, seconds */
	const char *mail_server;    /* MAIL_SERVER */
	long mail_port;             /* MAIL_PORT (25) */
	int mail_use_tls;           /* MAIL_USE_TLS: STARTTLS */
	int mail_use_ssl;           /* MAIL_USE_SSL (unsupported: see mail.h) */
	const char *mail_username;  /* MAIL_USERNAME */
	const char *mail_password;  /* MAIL_PASSWORD */
	const char *mail_default_sender; /* MAIL_DEFAULT_SENDER, or NULL (Flask-Mail's None) */
	int mail_suppress_send;     /* MAIL_SUPPRESS_SEND: write var/outbox/ instead */
	const char *cache_type;     /* CACHE_TYPE: null|simple|sqlite|redis */
	long cache_default_timeout; /* CACHE_DEFAULT_TIMEOUT, seconds */
	const char *redis_url;      /* REDIS_URL */
	const char *jwt_secret_key; /* JWT_SECRET_KEY (SECRET_KEY when unset) */
	long jwt_access_token_expires; /* JWT_ACCESS_TOKEN_EXPIRES, seconds */
	/* Failed logins allowed per LOGIN_FAILURE_WINDOW before more
	 * attempts answer 429 (web/ratelimit.h); 0: no such limit. */
	long login_failures_per_username; /* LOGIN_FAILURES_PER_USERNAME (10) */
	long login_failures_per_address;  /* LOGIN_FAILURES_PER_ADDRESS (100) */
	long login_failure_window;        /* LOGIN_FAILURE_WINDOW, seconds (300) */
	/* SERVER_NAME (Flask's): the host[:port] of _external URLs, checked
	 * like a Host header (base/netaddr.h), or NULL: the request's Host.
	 * Read from the environment only when the process is not itself a
	 * CGI request (no GATEWAY_INTERFACE), since there SERVER_NAME is the
	 * CGI variable naming the request's server (RFC 3875 §4.1.14). */
	const char *server_name;
	json_t *json;                   /* the non-secret keys, for templates' `config` */
	/* private: the application's keys (fl_config_load's table) and their
	 * values, in the table's order (read them with fl_config_get_*) */
	const struct fl_config_key *app_keys_;
	struct fl_config_value *app_values_;
	size_t napp_keys_;
	/* ---- url_for across blueprints: _external URLs (issue 15) ---- */
	/* PREFERRED_URL_SCHEME (Flask's): "http" (default) or "https", the
	 * scheme of _external URLs when SERVER_NAME is set. */
	const char *preferred_url_scheme;
	/* TRUSTED_PROXIES: comma-separated IP addresses of the reverse
	 * proxies in front of the server, or NULL (none).  A request whose
	 * REMOTE_ADDR is one of them has its X-Forwarded-Proto and
	 * X-Forwarded-Host believed (werkzeug's ProxyFix with x_proto=1,
	 * x_host=1): request.url, request.host and _external URLs use them. */
	const char *trusted_proxies;
	/* send_file (web/send_file.h): Flask's USE_X_SENDFILE and
	 * SEND_FILE_MAX_AGE_DEFAULT, and which header hands a file to the web
	 * server. */
	int use_x_sendfile;             /* USE_X_SENDFILE (false) */
	/* X_SENDFILE_HEADER: "X-Sendfile" (the default: Apache mod_xsendfile,
	 * lighttpd) or "X-LIGHTTPD-send-file" (lighttpd) */
	const char *x_sendfile_header;
	/* SEND_FILE_MAX_AGE_DEFAULT, seconds; -1 when unset (Flask 2.2's None:
	 * "Cache-Control: no-cache") */
	long send_file_max_age_default;
	/* SQLALCHEMY_ECHO (issue 17): log every SQL statement with its bound
	 * values and its time (data/db.h fl_db_set_echo); default off. */
	int sqlalchemy_echo;
	/* ---- the debug toolbar (issue 18: web/toolbar.h) ---- */
	/* DEBUG_TB_ENABLED (Flask-DebugToolbar's): inject the toolbar into
	 * HTML pages; default: DEBUG (on in development, off in testing and
	 * production).  Refused in production. */
	int debug_tb_enabled;
	/* DEBUG_TB_INTERCEPT_REDIRECTS: answer a redirect with a page that
	 * links to its Location (and carries the toolbar); default false
	 * (Flask-DebugToolbar's is true: Flasky's forms post/redirect/get). */
	int debug_tb_intercept_redirects;
	/* ---- databases beyond one machine (issue 19: base/db_uri.h) ---- */
	/* DATABASE_URI parsed (SQLAlchemy's make_url): the dialect, user,
	 * password, host, port, database and query options.  A bad URI stops
	 * start-up with a message naming the part that is wrong, never the
	 * password.  Owned by the configuration (fl_config_free). */
	fl_db_uri db_uri;
	/* SQLALCHEMY_POOL_SIZE: accepted for a Flask config that sets it, any
	 * value >= 1 (default 5, SQLAlchemy's); no effect: a FastCGI process
	 * holds exactly one connection, so the "pool" of a site is its number
	 * of processes. */
	long sqlalchemy_pool_size;
	/* SQLALCHEMY_POOL_RECYCLE: reconnect a connection older than this
	 * many seconds, between transactions (MySQL's wait_timeout is 8 h: set
	 * it below); -1 (the default, SQLAlchemy's): never; 0: before every
	 * transaction. */
	long sqlalchemy_pool_recycle;
	/* SQLALCHEMY_POOL_TIMEOUT: seconds to wait for the database server when
	 * connecting (the connect timeout: one connection per process, none to
	 * wait for in a pool); default 30, SQLAlchemy's; 1..3600. */
	long sqlalchemy_pool_timeout;
} fl_config;

/* ---- the application's own keys ---- */

/* How an application key's text (from the environment or its default) is
 * read and checked at start-up, and how templates' `config` shows it. */
typedef enum fl_config_type {
	FL_CONFIG_STR,      /* any text, kept as given; `config`: a string */
	FL_CONFIG_INT,      /* a decimal integer (a long) within min..max */
	FL_CONFIG_BOOL,     /* 1/true/yes/on or 0/false/no/off, in any case */
	FL_CONFIG_SECONDS,  /* a duration: whole seconds within min..max, never negative */
	FL_CONFIG_TYPE__MAX
} fl_config_type;

/* One configuration key of the application: a row of a static table that
 * ends with FL_CONFIG_KEYS_END.  fl_config_load reads it from the
 * environment like a built-in key and stops start-up on a bad value with
 * the built-ins' one-line message ("KEY: expected ..., got 'VALUE'"). */
typedef struct fl_config_key {
	const char *name;           /* the environment variable, "BLOG_ADMIN" */
	fl_config_type type;        /* how the value is read and checked */
	/* The default of each configuration class (indexed by
	 * fl_config_class), written as the environment would hold it
	 * ("[Blog]", "25", "true"); NULL: unset unless the environment sets
	 * it.  FL_CONFIG_DEFAULT gives every class the same one. */
	const char *defaults[FL_CONFIG__MAX];
	int secret;                 /* never shown in templates' `config` (passwords, keys) */
	/* FL_CONFIG_INT and FL_CONFIG_SECONDS: the inclusive bounds.  Both 0
	 * means none: any long for INT, 0..LONG_MAX for SECONDS. */
	long min;                   /* the smallest value accepted */
	long max;                   /* the largest value accepted */
} fl_config_key;

/* The same default `text` for development, testing and production. */
#define FL_CONFIG_DEFAULT(text) { (text), (text), (text) }

/* Ends a table of fl_config_key. */
#define FL_CONFIG_KEYS_END { NULL, FL_CONFIG_STR, { NULL, NULL, NULL }, 0, 0, 0 }

/* fl_config_load — fill `cfg` from the environment for the project at
 * `root` (a directory; database paths resolve against it): first the
 * built-in keys, then the application's `keys` (a table ending with
 * FL_CONFIG_KEYS_END, static; NULL: none), each from the environment, else
 * its default for the configuration class.  An empty environment variable
 * counts as unset.  Strings point into the environment or static storage
 * and live for the process.  Returns FL_OK, or FL_ECONFIG with a one-line
 * reason in `why` (size `whylen`) naming the key and the bad value — also
 * for a faulty declaration (no name, a name declared twice or a built-in
 * one, bounds the wrong way round).  Call fl_config_free afterwards either
 * way. */
fl_err fl_config_load(fl_config *cfg, const char *root, const fl_config_key *keys, char *why,
	size_t whylen);

/* Flags of fl_config_load_flags. */
enum fl_config_load_flag {
	/* The production configuration may lack SECRET_KEY: `secret_key` (and
	 * `jwt_secret_key`, unless JWT_SECRET_KEY is set) is then NULL.  For a
	 * tool that signs nothing, such as `manage db upgrade` (Flask signs
	 * only when a session or token is used); a program that serves
	 * requests never passes it. */
	FL_CONFIG_SECRET_OPTIONAL = 1u << 0
};

/* fl_config_load_flags — fl_config_load with `flags`, a combination of
 * enum fl_config_load_flag (0: exactly fl_config_load).  Same arguments,
 * ownership and errors otherwise. */
fl_err fl_config_load_flags(fl_config *cfg, const char *root, const fl_config_key *keys,
	unsigned flags, char *why, size_t whylen);

/* fl_config_get_str — app.config['NAME'] of an FL_CONFIG_STR key of the
 * application: its text (lives for the process), or NULL when unset.  A
 * name the application did not declare, or a key of another type, is a
 * programming error: it is logged and NULL returned. */
const char *fl_config_get_str(const fl_config *cfg, const char *name);

/* fl_config_get_int — app.config['NAME'] of an FL_CONFIG_INT or
 * FL_CONFIG_SECONDS key (seconds for the latter), 0 when unset.  An
 * undeclared name or another type is logged as a programming error and
 * gives 0. */
long fl_config_get_int(const fl_config *cfg, const char *name);

/* fl_config_get_bool — app.config['NAME'] of an FL_CONFIG_BOOL key: 1 or
 * 0, 0 when unset.  An undeclared name or another type is logged as a
 * programming error and gives 0. */
int fl_config_get_bool(const fl_config *cfg, const char *name);

/* fl_config_is_set — whether the application key `name` has a value (from
 * the environment or a default), so that an unset number can be told from
 * 0.  An undeclared name is logged as a programming error and gives 0. */
int fl_config_is_set(const fl_config *cfg, const char *name);

/* ---- showing the configuration (issue 18: the debug toolbar) ---- */

/* What a secret value is shown as. */
#define FL_CONFIG_MASK FL_URI_PASSWORD_MASK

/* fl_config_name_is_secret — whether a setting, header or field called
 * `name` holds a secret by its name alone: it contains SECRET, PASSWORD,
 * PASSWD, KEY, TOKEN or AUTHORIZATION in any case (SECRET_KEY,
 * MAIL_PASSWORD, JWT_SECRET_KEY, csrf_token, Authorization).  1 or 0. */
int fl_config_name_is_secret(const char *name);

/* fl_config_mask_uri — `uri` with the password of its userinfo replaced by
 * FL_CONFIG_MASK ("redis://:pw@host/0" → "redis://:********@host/0",
 * "mysql://u:pw@h/db" → "mysql://u:********@h/db"), as SQLAlchemy's
 * URL.__repr__ hides it; a URI without one comes back unchanged.  Where
 * the password lies is base/db_uri.h's fl_uri_password_span, the rule
 * fl_db_uri_display follows too.  A new JSON string (jansson's current
 * allocator). */
json_t *fl_config_mask_uri(const char *uri);

/* fl_config_masked_json — every key of `cfg` for showing to a developer
 * (the debug toolbar's Config panel): the built-in keys and the
 * application's, secret ones included with their value FL_CONFIG_MASK —
 * the application's keys declared secret, and every key with a text value
 * whose name fl_config_name_is_secret (a number or a flag is shown:
 * JWT_ACCESS_TOKEN_EXPIRES) — and passwords inside URIs (DATABASE_URI,
 * REDIS_URL) masked by fl_config_mask_uri.  Unset keys are null.  A new
 * JSON object (jansson's current allocator) the caller decrefs. */
json_t *fl_config_masked_json(const fl_config *cfg);

/* fl_config_free — release what fl_config_load allocated. */
void fl_config_free(fl_config *cfg);

/* fl_find_root — the project root for the executable `argv0`: the nearest
 * directory upwards from the executable's own directory that holds
 * `templates/`; FLAGON_ROOT in the environment wins.  Returns a heap
 * string the caller frees, or NULL when none is found. */
char *fl_find_root(void);

#endif
