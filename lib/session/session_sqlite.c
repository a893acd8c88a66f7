/* session_sqlite.c — SESSION_TYPE=sqlite: server-side sessions in the
 * table flagon_sessions of the application database (Flask-Session's
 * SqlAlchemySessionInterface, minus pickle).  See session.h.
 *
 * The store runs its own prepared statements on the raw handle of the
 * process connection rather than going through fl_db_execute(): a session
 * read or write must not begin (or commit) the request's unit of work, and
 * must not count in fl_db_statement_count().  Outside a transaction every
 * statement commits by itself. */
#include <stdlib.h>
#include <string.h>

#include "data/db.h"
#include "base/log.h"
#include "session/session.h"

#define CREATE_SQL                                                                   \
	"CREATE TABLE IF NOT EXISTS " FL_SESSION_SQLITE_TABLE " ("                    \
	"id TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL, expiry INTEGER NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS " FL_SESSION_SQLITE_INDEX " ON "                  \
	FL_SESSION_SQLITE_TABLE " (expiry);"

enum { Q_GET, Q_PUT, Q_DEL, Q_PURGE, Q__MAX };

static const char *const queries[Q__MAX] = {
	[Q_GET] = "SELECT data, expiry FROM " FL_SESSION_SQLITE_TABLE " WHERE id = ?1",
	[Q_PUT] = "INSERT OR REPLACE INTO " FL_SESSION_SQLITE_TABLE
	          " (id, data, expiry) VALUES (?1, ?2, ?3)",
	[Q_DEL] = "DELETE FROM " FL_SESSION_SQLITE_TABLE " WHERE id = ?1",
	[Q_PURGE] = "DELETE FROM " FL_SESSION_SQLITE_TABLE " WHERE expiry <= ?1",
};

typedef struct sqlite_impl {
	sqlite3 *h;
	sqlite3_stmt *stmt[Q__MAX];
	time_t next_purge;
} sqlite_impl;

static fl_err map_rc(sqlite3 *h, int rc, const char *what)
{
	fl_error("session store (sqlite): %s: %s", what, sqlite3_errmsg(h));
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? FL_EBUSY : FL_EDB;
}

static fl_err create_table(sqlite_impl *im)
{
	int rc = sqlite3_exec(im->h, CREATE_SQL, NULL, NULL, NULL);
	return rc == SQLITE_OK ? FL_OK : map_rc(im->h, rc, "create table " FL_SESSION_SQLITE_TABLE);
}

/* The prepared statement `q`, reset and unbound; NULL after logging. */
static sqlite3_stmt *stmt(sqlite_impl *im, int q)
{
	if (!im->stmt[q]) {
		int rc = sqlite3_prepare_v3(im->h, queries[q], -1, SQLITE_PREPARE_PERSISTENT,
			&im->stmt[q], NULL);
		if (rc != SQLITE_OK) {
			/* The table was dropped behind our back: make it again. */
			if (create_table(im) != FL_OK ||
			    sqlite3_prepare_v3(im->h, queries[q], -1, SQLITE_PREPARE_PERSISTENT,
				    &im->stmt[q], NULL) != SQLITE_OK) {
				map_rc(im->h, rc, "prepare");
				im->stmt[q] = NULL;
				return NULL;
			}
		}
	}
	sqlite3_reset(im->stmt[q]);
	sqlite3_clear_bindings(im->stmt[q]);
	return im->stmt[q];
}

/* Run a writing statement with id/text/number bound to ?1..?3 (NULL / -1:
 * unbound); retries once after re-creating a dropped table.  *changes (may
 * be NULL) gets the number of rows it changed. */
static fl_err run_write_n(sqlite_impl *im, int q, const char *id, const char *text,
                          long long num, long *changes)
{
	for (int attempt = 0;; attempt++) {
		sqlite3_stmt *st = stmt(im, q);
		if (!st)
			return FL_EDB;
		int col = 1;
		if (id)
			sqlite3_bind_text(st, col++, id, -1, SQLITE_STATIC);
		if (text)
			sqlite3_bind_text(st, col++, text, -1, SQLITE_STATIC);
		if (num >= 0)
			sqlite3_bind_int64(st, col, num);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			if (changes)
				*changes = (long)sqlite3_changes(im->h);
			return FL_OK;
		}
		if (attempt == 0 && rc == SQLITE_ERROR && create_table(im) == FL_OK) {
			sqlite3_finalize(im->stmt[q]);
			im->stmt[q] = NULL;
			continue;
		}
		return map_rc(im->h, rc, queries[q]);
	}
}

static fl_err run_write(sqlite_impl *im, int q, const char *id, const char *text, long long num)
{
	return run_write_n(im, q, id, text, num, NULL);
}

static fl_err sq_purge(const fl_session_store *store, time_t now, long *removed)
{
	sqlite_impl *im = store->impl;
	im->next_purge = now + FL_SESSION_PURGE_INTERVAL;
	return run_write_n(im, Q_PURGE, NULL, NULL, (long long)now, removed);
}

static fl_err sq_open(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      const char *cookie_value, time_t now, fl_session *s)
{
	sqlite_impl *im = store->impl;
	char *sid;
	if (!cookie_value || fl_session_sid_unsign(cfg, a, cookie_value, &sid) != FL_OK)
		return FL_OK;   /* no cookie, forged or malformed: a new session */
	sqlite3_stmt *st = stmt(im, Q_GET);
	if (!st)
		return FL_EDB;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	fl_err err = FL_OK;
	bool expired = false;
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		int len = sqlite3_column_bytes(st, 0);
		long long expiry = sqlite3_column_int64(st, 1);
		if (expiry <= (long long)now)
			expired = true;
		else if (text && fl_session_record_load(a, sid, text, (size_t)len, s) != FL_OK)
			fl_warning("session store (sqlite): record %.8s… is not a JSON object", sid);
	} else if (rc != SQLITE_DONE) {
		err = map_rc(im->h, rc, "load");
	}
	sqlite3_reset(st);
	if (expired)
		run_write(im, Q_DEL, sid, NULL, -1);
	return err;
}

static fl_err sq_save(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      fl_session *s, time_t now, const char **cookie_value)
{
	sqlite_impl *im = store->impl;
	const char *text;
	fl_err err = fl_session_record_prepare(cfg, a, s, &text, cookie_value);
	if (err)
		return err;
	long long expiry = (long long)now + (cfg->permanent_lifetime > 0 ? cfg->permanent_lifetime : 0);
	err = run_write(im, Q_PUT, s->sid, text, expiry);
	if (err)
		return err;
	if (now >= im->next_purge)
		sq_purge(store, now, NULL);   /* logged; the save itself succeeded */
	return FL_OK;
}

static fl_err sq_delete(const fl_session_store *store, const fl_session_config *cfg,
                        fl_arena *a, fl_session *s)
{
	if (!s->sid)
		return FL_OK;
	return run_write(store->impl, Q_DEL, s->sid, NULL, -1);
}

static void sq_destroy(fl_session_store *store)
{
	sqlite_impl *im = store->impl;
	if (im) {
		for (int q = 0; q < Q__MAX; q++)
			sqlite3_finalize(im->stmt[q]);
		free(im);
	}
	free(store);
}

fl_err fl_session_sqlite_store(fl_db *db, fl_session_store **out)
{
	*out = NULL;
	if (!db || !fl_db_handle(db))
		return FL_EINVAL;
	fl_session_store *store = calloc(1, sizeof *store);
	sqlite_impl *im = calloc(1, sizeof *im);
	if (!store || !im) {
		free(store);
		free(im);
		return FL_ENOMEM;
	}
	im->h = fl_db_handle(db);
	store->type = "sqlite";
	store->open = sq_open;
	store->save = sq_save;
	store->delete_record = sq_delete;
	store->destroy = sq_destroy;
	store->purge = sq_purge;
	store->impl = im;
	store->permanent = true;
	fl_err err = create_table(im);
	if (err) {
		sq_destroy(store);
		return err;
	}
	*out = store;
	return FL_OK;
}
