/* session.h — Flask's session: a JSON object that survives between requests
 * of one visitor (flask/sessions.py, Flask-Session).
 *
 * The in-memory session is a jansson object holding Flask's *tagged* JSON
 * (flask/json/tag.py) untouched: a tuple is {" t": [...]}, bytes {" b": b64},
 * a datetime {" d": http-date}, Markup {" m": html}, a UUID {" u": hex}, and a
 * dict whose only key is one of those tags is escaped as {" di": {key__: v}}.
 * So whatever Flask stored survives a round trip through Flagon byte for
 * byte.  fl_tag_tuple() makes a tuple; fl_tag_untag() turns tagged JSON into
 * plain JSON for display.
 *
 * Where the data is kept is a store (fl_session_store, a small vtable):
 * the signed cookie store (Flask's SecureCookieSessionInterface, in
 * session_cookie.c) keeps all of it in the `session` cookie; server-side
 * stores keep it in SQLite, files or Redis under a random id that the cookie
 * carries.  fl_session_open() and fl_session_save() implement Flask's
 * open_session()/save_session() rules on top of any store.
 */
#ifndef FL_SESSION_H
#define FL_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "http/http.h"

/* Flask's default PERMANENT_SESSION_LIFETIME: 31 days, in seconds. */
#define FL_SESSION_DEFAULT_LIFETIME 2678400L

/* Session configuration (Flask's SESSION_* keys), built once per process. */
typedef struct fl_session_config {
	const char *secret_key;     /* SECRET_KEY; NULL or "": no session */
	size_t secret_key_len;      /* 0: strlen(secret_key) */
	long permanent_lifetime;    /* PERMANENT_SESSION_LIFETIME, seconds */
	const char *cookie_name;    /* SESSION_COOKIE_NAME, "session" */
	const char *path;           /* SESSION_COOKIE_PATH, "/" */
	const char *domain;         /* SESSION_COOKIE_DOMAIN, NULL: host only */
	bool secure;                /* SESSION_COOKIE_SECURE, false */
	bool httponly;              /* SESSION_COOKIE_HTTPONLY, true */
	const char *samesite;       /* SESSION_COOKIE_SAMESITE: NULL, "Strict", "Lax", "None" */
	bool refresh_each_request;  /* SESSION_REFRESH_EACH_REQUEST, true */
} fl_session_config;

/* fl_session_config_init — fill `cfg` with Flask 2.2's defaults (no secret
 * key). */
void fl_session_config_init(fl_session_config *cfg);

/* One request's session. */
typedef struct fl_session {
	json_t *data;          /* the tagged JSON object; never NULL once opened */
	const char *opened;    /* compact JSON of `data` at open: save() compares
	                          against it to know whether the session changed */
	const char *sid;       /* server-side stores: the record id, else NULL */
	bool is_new;           /* no valid session came with the request */
} fl_session;


typedef struct fl_session_store fl_session_store;
struct fl_db;
struct fl_config;

/* A session store.  Each function gets the per-process config, the request
 * arena and `now` (Unix seconds).  Stores keep their own per-process state
 * behind `impl` (a database handle, a directory) and are freed with
 * `destroy` (NULL for stateless stores). */
struct fl_session_store {
	const char *type;   /* SESSION_TYPE: "null" (signed cookie), "sqlite", ... */
	/* Load the session whose cookie value is `cookie_value` (NULL when the
	 * request has none) into s->data (and s->sid).  Any doubt about the
	 * cookie — bad signature, expired, malformed, no record — must give an
	 * empty object and FL_OK; an error return is for the log only (e.g. the
	 * database is down) and still leaves s->data set to an empty object. */
	fl_err (*open)(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
	               const char *cookie_value, time_t now, fl_session *s);
	/* Persist s->data and set *cookie_value to the value the cookie must
	 * carry (in `a`). */
	fl_err (*save)(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
	               fl_session *s, time_t now, const char **cookie_value);
	/* Forget the stored record of a session that became empty. */
	fl_err (*delete_record)(const fl_session_store *st, const fl_session_config *cfg,
	                        fl_arena *a, fl_session *s);
	void (*destroy)(fl_session_store *st);
	/* Remove every record that expired at or before `now` (Unix seconds)
	 * and count them in *removed.  NULL for stores that keep nothing
	 * (the signed cookie) or whose records expire by themselves (Redis
	 * TTLs). */
	fl_err (*purge)(const fl_session_store *st, time_t now, long *removed);
	void *impl;
	/* Flask-Session's SESSION_PERMANENT (true for the server-side stores):
	 * every session is permanent, so the cookie carries Expires = now +
	 * PERMANENT_SESSION_LIFETIME and, with SESSION_REFRESH_EACH_REQUEST,
	 * cookie and record are refreshed on every request that used them. */
	bool permanent;
};

/* fl_session_cookie_store — Flask's default store: the whole session signed
 * in the cookie (URLSafeTimedSerializer, salt "cookie-session", HMAC-SHA1,
 * hmac key derivation, TaggedJSON, zlib when shorter).  A static, stateless
 * object; never destroy it. */
const fl_session_store *fl_session_cookie_store(void);

/* fl_session_cookie_dumps — the cookie value Flask would give `data` at time
 * `now` (SecureCookieSessionInterface.get_signing_serializer(app).dumps).
 * *out in `a`.  FL_ECONFIG without a secret key; fl_serializer_dumps' errors. */
fl_err fl_session_cookie_dumps(const fl_session_config *cfg, fl_arena *a, const json_t *data,
                               time_t now, char **out);

/* fl_session_cookie_loads — the session object in the cookie value `value`
 * (…loads(value, max_age=PERMANENT_SESSION_LIFETIME)), allocated in `a`.
 * Errors: FL_ECONFIG, fl_serializer_loads' errors, FL_EMALFORMED when the
 * payload is not a JSON object. */
fl_err fl_session_cookie_loads(const fl_session_config *cfg, fl_arena *a, const char *value,
                               time_t now, json_t **out);

/* ---- server-side stores (Flask-Session) ----------------------------------
 *
 * The cookie carries only a session id: FL_SESSION_SID_BYTES random bytes
 * from OpenSSL's RAND_bytes, base64url without padding (43 characters of
 * [A-Za-z0-9_-]), signed with itsdangerous' Signer as Flask-Session does
 * (salt "flask-session", HMAC key derivation, SHA-1):  <sid>.<signature>.
 * The record holds the compact tagged JSON of the session and expires
 * PERMANENT_SESSION_LIFETIME seconds after its last save.  A forged,
 * unknown or expired id opens an empty session that is saved under a new
 * random id: a client never chooses its own id. */

/* Random bytes in a session id (256 bits). */
#define FL_SESSION_SID_BYTES 32
/* Length of a session id in characters. */
#define FL_SESSION_SID_LEN 43

/* The table the database store keeps its records in (not a model: `manage db
 * check` ignores it), and its expiry index. */
#define FL_SESSION_SQLITE_TABLE "flagon_sessions"
#define FL_SESSION_SQLITE_INDEX "flagon_sessions_expiry"

/* Redis key prefix: a record is the string key "session:<sid>". */
#define FL_SESSION_REDIS_PREFIX "session:"

/* fl_session_sid_new — a fresh random session id (NUL-terminated, in `a`).
 * FL_EIO when the random generator fails (never a weak id). */
fl_err fl_session_sid_new(fl_arena *a, char **out);

/* fl_session_sid_valid — `sid` has the shape of a session id (exactly
 * FL_SESSION_SID_LEN base64url characters), so it is safe in a file name
 * or a key. */
bool fl_session_sid_valid(const char *sid);

/* fl_session_sid_sign — the cookie value for `sid`: Signer(SECRET_KEY,
 * salt="flask-session", key_derivation="hmac").sign(sid).  In `a`.
 * FL_ECONFIG without a secret key. */
fl_err fl_session_sid_sign(const fl_session_config *cfg, fl_arena *a, const char *sid,
                           char **out);

/* fl_session_sid_unsign — the session id a cookie value carries, in `a`.
 * FL_EBADSIG for a bad signature, FL_EMALFORMED when the signed value is
 * not a session id, FL_ECONFIG without a secret key. */
fl_err fl_session_sid_unsign(const fl_session_config *cfg, fl_arena *a, const char *cookie_value,
                             char **sid);

/* fl_session_record_load — for store implementations: parse a record's
 * `len` bytes of JSON (`text`) into s->data (in `a`) and set s->sid = sid.
 * FL_EMALFORMED (s untouched) when it is not a JSON object. */
fl_err fl_session_record_load(fl_arena *a, const char *sid, const char *text, size_t len,
                              fl_session *s);

/* fl_session_record_prepare — for store implementations' save: make sure
 * s->sid is set (a new random id when NULL), and give the record text (the
 * compact JSON of s->data) and the signed cookie value, all in `a`. */
fl_err fl_session_record_prepare(const fl_session_config *cfg, fl_arena *a, fl_session *s,
                                 const char **text, const char **cookie_value);

/* fl_session_db_store — the database store (SESSION_TYPE=sqlite, or
 * Flask-Session's name `sqlalchemy`): table flagon_sessions(id PRIMARY
 * KEY, data NOT NULL, expiry BIGINT NOT NULL) in the database `db` —
 * SQLite, MySQL/MariaDB or PostgreSQL, with that database's types
 * (data/kvtable.h) — created if missing, now and whenever it disappears
 * (outside a transaction), expiry in Unix seconds.  Its statements run
 * through fl_db_aside (data/db.h): outside a transaction each statement
 * commits by itself; inside the request's open transaction a save joins
 * it (committed or rolled back with the view's work).  A save is one
 * upsert.  Expired rows are purged (one DELETE on the expiry index) by the
 * first save of the process and then at most every
 * FL_SESSION_PURGE_INTERVAL seconds, and by fl_session_purge.  Its type
 * is "sqlite".  `db` must outlive the store.  *out is heap memory:
 * fl_session_store_free() it.
 * Errors: FL_EDB/FL_EBUSY when the table cannot be created, FL_ENOMEM. */
fl_err fl_session_db_store(struct fl_db *db, fl_session_store **out);

/* How often (seconds) a process's store sweeps out expired records on
 * save: every cookieless visit to a page with a form makes a record (its
 * CSRF token must persist), so without sweeping they pile up for
 * PERMANENT_SESSION_LIFETIME.  The first save of a process sweeps too. */
#define FL_SESSION_PURGE_INTERVAL 300

/* fl_session_fs_store — the filesystem store (SESSION_TYPE=filesystem):
 * one file per session, `dir`/<sid> (mode 0600), holding the expiry in
 * Unix seconds on the first line and the JSON on the second.  Written to a
 * temporary file in `dir` then renamed over the old one, so readers in
 * other processes see the old or the new record, never half of one.
 * Expired files are removed when read, and swept (with temporary files a
 * crashed writer left an hour ago or more) by the first save of the
 * process, then on save at most every FL_SESSION_PURGE_INTERVAL seconds,
 * and by fl_session_purge.  `dir` is created (mode 0700, parents too) when
 * missing.
 * Errors: FL_EIO (cannot create or write `dir`; logged), FL_ENOMEM. */
fl_err fl_session_fs_store(const char *dir, fl_session_store **out);

/* fl_session_redis_store — the redis store (SESSION_TYPE=redis): key
 * "session:<sid>" holding the JSON, written with SETEX and a TTL of
 * PERMANENT_SESSION_LIFETIME (what `redis-cli ttl` shows).  `url` is
 * redis://[[user]:password@]host[:port][/db]; `timeout_ms` bounds connect
 * and each command (0: 200 ms).  Connects lazily: a server that is down
 * is no start-up error; requests then get an empty session and a logged
 * error, and the store reconnects (at most once a second) afterwards.
 * Errors: FL_ECONFIG for a malformed URL, FL_ENOMEM. */
fl_err fl_session_redis_store(const char *url, int timeout_ms, fl_session_store **out);

/* fl_session_store_free — destroy a store made by one of the constructors
 * above (NULL and the static cookie store are ignored). */
void fl_session_store_free(fl_session_store *st);

/* fl_session_purge — remove the records of `st` that expired at or before
 * `now` (Unix seconds) and set *removed (may be NULL) to how many: what
 * `./manage session purge` runs, and what the sqlite and filesystem stores
 * do by themselves every FL_SESSION_PURGE_INTERVAL seconds.  A store with
 * nothing to purge (the signed cookie; Redis, whose keys expire by their
 * TTL) removes 0.  Errors: FL_EINVAL (`st` NULL), the store's (FL_EDB,
 * FL_EBUSY, FL_EIO), after which *removed counts what was removed. */
fl_err fl_session_purge(const fl_session_store *st, time_t now, long *removed);

/* fl_session_config_from — the session settings (`sc`) of configuration
 * `cfg`: SECRET_KEY, PERMANENT_SESSION_LIFETIME, SESSION_COOKIE_NAME,
 * _PATH, _DOMAIN, _SECURE, _HTTPONLY, _SAMESITE and
 * SESSION_REFRESH_EACH_REQUEST.  Strings are borrowed from `cfg`. */
void fl_session_config_from(fl_session_config *sc, const struct fl_config *cfg);

/* fl_session_fs_dir — where SESSION_TYPE=filesystem keeps its files:
 * $FLAGON_VAR/sessions when FLAGON_VAR is set, else <root>/var/sessions
 * (cfg->root, "." when unset).  Heap string (free it), NULL on ENOMEM. */
char *fl_session_fs_dir(const struct fl_config *cfg);

/* fl_session_store_open — the store SESSION_TYPE names in `cfg`: "null"
 * the static signed-cookie store, "sqlite" (or "sqlalchemy", Flask-Session's
 * name) fl_session_db_store on `db` (the application's database, which
 * must outlive the store), "filesystem"
 * fl_session_fs_store in fl_session_fs_dir(cfg), "redis"
 * fl_session_redis_store on REDIS_URL.  *out: fl_session_store_free() it.
 * Errors: FL_ECONFIG (an unknown SESSION_TYPE, a malformed REDIS_URL),
 * FL_EINVAL (sqlite without a database), the constructors' errors. */
fl_err fl_session_store_open(const struct fl_config *cfg, struct fl_db *db,
                             fl_session_store **out);

/* fl_session_regenerate_id — give `s` a new id (session fixation defence,
 * at login): the old server-side record is deleted, s->sid cleared so the
 * next save picks a new random id, and the session marked modified so it
 * is saved (with a new cookie) even when nothing else changes.  For the
 * signed cookie store the cookie is simply re-issued.  Returns the
 * delete_record error, if any (the id is renewed anyway). */
fl_err fl_session_regenerate_id(const fl_session_store *st, const fl_session_config *cfg,
                                fl_arena *a, fl_session *s);

/* fl_session_open — Flask's open_session(): `cookie_value` is the value of
 * the request's session cookie (request.cookies.get(cfg->cookie_name)) or
 * NULL.  Fills *s; s->data is always a JSON object (empty on any problem),
 * allocated in `a`.  Returns FL_OK, or the store's error (log it; the
 * session is empty and usable anyway). */
fl_err fl_session_open(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
                       const char *cookie_value, time_t now, fl_session *s);

/* fl_session_modified — whether s->data serializes differently now than
 * when the session was opened. */
bool fl_session_modified(const fl_session *s);

/* fl_session_permanent — session.permanent: session["_permanent"] is true. */
bool fl_session_permanent(const json_t *data);

/* fl_session_set_permanent — session.permanent = on (stores "_permanent"). */
void fl_session_set_permanent(json_t *data, bool on);

/* fl_session_save — Flask 2.2's save_session(): fills *out with the cookie
 * to send, or sets out->name = NULL when nothing needs sending:
 *   - empty now but not at open: the store record is deleted and a deletion
 *     cookie is sent (value "", Expires=Thu, 01 Jan 1970 00:00:00 GMT,
 *     Max-Age=0);
 *   - empty and unchanged: nothing;
 *   - changed, or permanent with refresh_each_request: the store saves and
 *     the cookie carries its value, with Expires = now + permanent_lifetime
 *     only when the session is permanent.
 * Path, Domain, Secure, HttpOnly and SameSite come from `cfg`.  Whenever a
 * cookie is sent Flask also adds "Vary: Cookie" (as it does whenever the
 * session was accessed) — that header is the caller's job.
 * Errors: FL_ECONFIG (no secret key), the store's errors. */
fl_err fl_session_save(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
                       fl_session *s, time_t now, fl_cookie *out);

/* fl_session_save_header — fl_session_save() then fl_dump_cookie():
 * *header is the whole Set-Cookie header value (without "Set-Cookie: "), in
 * `a`, or NULL when nothing needs sending. */
fl_err fl_session_save_header(const fl_session_store *st, const fl_session_config *cfg,
                              fl_arena *a, fl_session *s, time_t now, const char **header);


/* fl_tag_tuple — Flask's tagged tuple {" t": array}.  Steals the reference
 * to `array`; the new object lives where jansson currently allocates. */
json_t *fl_tag_tuple(json_t *array);

/* fl_tag_untag — a plain-JSON deep copy of tagged JSON (TaggedJSONSerializer
 * .loads then JSON): tuples become arrays, " di" escapes are undone, Markup
 * and datetime become their strings, UUIDs their 32-digit hex, bytes the
 * decoded text when it is UTF-8 without NUL, else the base64 text.  New
 * reference, allocated where jansson currently allocates. */
json_t *fl_tag_untag(const json_t *tagged);

/* fl_tag_escape — the tagged form of a plain JSON value (TaggedJSONSerializer
 * .tag for dicts and lists): every object whose only key is a tag key
 * (" t", " b", " m", " u", " d", " di") is escaped as {" di": {key__: ...}},
 * so Flask reads it back as that dict.  New reference. */
json_t *fl_tag_escape(const json_t *plain);

#endif
