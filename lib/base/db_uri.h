/* db_uri.h — DATABASE_URI in SQLAlchemy's URL forms (make_url).
 *
 *     dialect[+driver]://[username[:password]@][host][:port][/database][?key=value&...]
 *
 *     sqlite:///var/data.sqlite          relative to the project root
 *     sqlite:////srv/flasky/data.sqlite  absolute
 *     sqlite://   sqlite:///:memory:     a private in-memory database
 *     mysql+pymysql://user:p%40ss@127.0.0.1:3306/my_flask?charset=utf8mb4
 *     mariadb://flasky@/flasky?unix_socket=/run/mysqld/mysqld.sock
 *     postgresql://flasky:secret@[::1]:5432/flasky?sslmode=require
 *     postgresql://flasky@/flasky?host=/var/run/postgresql
 *
 * The grammar is SQLAlchemy 1.4's _parse_url, compared with the real
 * make_url by tests/unit/test_db_uri.c:
 *   - the username runs to the last '@' before the first ':' or '/'; a
 *     password runs from that ':' to the next '@' (so it may hold ':', '/'
 *     and '?', but an '@' in it must be written %40);
 *   - username, password and the query's keys and values are
 *     percent-decoded (urllib's unquote; the query's '+' is a space, as
 *     parse_qsl reads it); the database is kept as written, as SQLAlchemy
 *     1.4 keeps it (a SQLite path "a%20b" names the file "a%20b");
 *   - a query option without '=' or with an empty value is dropped (parse_qsl
 *     without keep_blank_values); repeated keys are all kept, in order;
 *   - the driver after '+' is accepted and ignored (Flagon has one client
 *     library per database), so a Flask config copies over unchanged.
 *
 * Where Flagon is stricter or kinder than make_url:
 *   - "postgres://" is read as "postgresql://" (Heroku's spelling, which
 *     SQLAlchemy 1.4 refuses with NoSuchModuleError);
 *   - the port must be a number 1..65535; a control character anywhere, a
 *     percent-decoded NUL or text that is not UTF-8 after decoding, junk
 *     after an IPv6 host's ']', an '@' after the password (an unencoded
 *     '@' in the password) and a host, user or port on a sqlite URI are
 *     refused with a one-line reason, where SQLAlchemy would quietly take
 *     part of the text.
 *
 * Unix sockets are query options, as the SQLAlchemy dialects pass them to
 * their drivers: MySQL/MariaDB `?unix_socket=/path/to/mysqld.sock`,
 * PostgreSQL `?host=/directory` (libpq's socket directory); see
 * fl_db_uri_socket.
 *
 * No message of this module ever holds the password: errors name the part
 * that is wrong and quote only parts that cannot contain it, and
 * fl_db_uri_display masks it with FL_URI_PASSWORD_MASK.
 */
#ifndef FL_DB_URI_H
#define FL_DB_URI_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* Which database a URI names (SQLAlchemy's backend name, the part of the
 * dialect before '+'). */
typedef enum fl_dialect_id {
	FL_DIALECT_SQLITE,      /* sqlite */
	FL_DIALECT_MYSQL,       /* mysql, mariadb (one dialect: MariaDB Connector/C) */
	FL_DIALECT_POSTGRESQL,  /* postgresql, postgres */
	FL_DIALECT__MAX
} fl_dialect_id;

/* What a password is shown as ("mysql://u:********@h/db"); the same text
 * as FL_CONFIG_MASK (base/config.h). */
#define FL_URI_PASSWORD_MASK "********"

/* One query option of a URI ("?charset=utf8mb4": key "charset", value
 * "utf8mb4"), both percent-decoded. */
typedef struct fl_db_uri_option {
	const char *key;        /* never empty */
	const char *value;      /* never empty */
} fl_db_uri_option;

/* A parsed DATABASE_URI (SQLAlchemy's URL).  Every string is owned by the
 * URI (fl_db_uri_free) and NULL when the URI leaves that part out, as
 * make_url gives None. */
typedef struct fl_db_uri {
	fl_dialect_id dialect;      /* the database */
	const char *drivername;     /* the scheme as written: "mysql+pymysql" */
	const char *backend;        /* before '+' as written: "mariadb", "postgres" */
	const char *driver;         /* after '+' ("pymysql"), ignored; NULL: none */
	const char *username;       /* decoded */
	/* decoded; "" for "user:@host".  Never log or show it: use
	 * fl_db_uri_display. */
	const char *password;
	const char *host;           /* "127.0.0.1", "db.example.com", "::1" (without brackets) */
	int port;                   /* 1..65535; 0: the database's default (3306, 5432) */
	/* As written (not decoded).  SQLite: the file path (relative to the
	 * project root, or absolute with a leading '/'), ":memory:", "" or
	 * NULL (both in-memory, as SQLAlchemy's pysqlite dialect reads them);
	 * MySQL/PostgreSQL: the database name, NULL for the server's default. */
	const char *database;
	const fl_db_uri_option *query;  /* the query options in order, `nquery` of them */
	size_t nquery;              /* how many query options */
	/* the URI as given: it holds the password, so never log it — use
	 * fl_db_uri_display */
	const char *text;
	fl_arena *arena_;           /* private: holds every string above */
} fl_db_uri;

/* fl_db_uri_parse — parse `text` (a NUL-terminated DATABASE_URI) into
 * `out` (initialised here; fl_db_uri_free it afterwards, also on failure).
 * Accepts the schemes sqlite, mysql, mariadb and postgresql, each with an
 * optional "+driver", and postgres (as postgresql).  Returns FL_OK;
 * FL_EINVAL with a one-line reason in `why` (size `whylen`; may be NULL
 * when `whylen` is 0) naming the part that is wrong, without the key's
 * name ("port 'abc' is not a number", "unknown database 'oracle' (sqlite,
 * mysql, mariadb, postgresql)") and never holding the password; FL_ENOMEM.
 */
fl_err fl_db_uri_parse(const char *text, fl_db_uri *out, char *why, size_t whylen);

/* fl_db_uri_free — release what fl_db_uri_parse allocated and clear `uri`.
 * A cleared or zeroed URI is fine; NULL is ignored. */
void fl_db_uri_free(fl_db_uri *uri);

/* fl_db_uri_display — the URI as given with its password replaced by
 * FL_URI_PASSWORD_MASK (SQLAlchemy's repr(url) shows "***"), for logs and
 * messages; a URI without a password comes back as given, a cleared one
 * as "".  Allocated from `a`. */
char *fl_db_uri_display(const fl_db_uri *uri, fl_arena *a);

/* fl_db_uri_get — the value of the query option `key` (the last one when
 * it is repeated: a later option overrides, as in libpq's conninfo), or
 * NULL when absent.  Owned by `uri`. */
const char *fl_db_uri_get(const fl_db_uri *uri, const char *key);

/* fl_db_uri_socket — the Unix socket a MySQL/MariaDB URI names with
 * ?unix_socket=PATH (the socket file), or the directory a PostgreSQL URI
 * names with ?host=/DIR (a host option starting with '/', libpq's socket
 * directory); NULL for a TCP connection and for SQLite.  Owned by `uri`. */
const char *fl_db_uri_socket(const fl_db_uri *uri);

/* fl_dialect_id_name — SQLAlchemy's name of the dialect: "sqlite",
 * "mysql" or "postgresql"; "?" for a value out of range.  Static. */
const char *fl_dialect_id_name(fl_dialect_id id);

/* fl_uri_password_span — where the password of any URL `uri`
 * ("scheme://user:password@host...", DATABASE_URI or REDIS_URL) lies:
 * returns its length and sets *start to its offset in `uri`; 0 when the
 * URL has no password (no "://", no ':' in the userinfo, or no '@' after
 * it), *start then 0.  The password runs from the ':' after the username
 * (the text before the first ':' or '/') to the last '@' of the URL, so
 * an unencoded '@' in a password is still hidden (erring towards hiding:
 * "redis://h:6379/0?x=a@b" masks "6379/0?x=a").  The one rule behind
 * fl_db_uri_display and fl_config_mask_uri. */
size_t fl_uri_password_span(const char *uri, size_t *start);

#endif
