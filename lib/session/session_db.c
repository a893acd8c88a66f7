/* session_db.c — SESSION_TYPE=sqlite (or Flask-Session's name,
 * `sqlalchemy`): server-side sessions in the table flagon_sessions of the
 * application database — SQLite, MySQL/MariaDB or PostgreSQL alike
 * (Flask-Session's SqlAlchemySessionInterface, minus pickle).  See
 * session.h.
 *
 * The store runs its statements through fl_db_aside (data/db.h) rather
 * than fl_db_execute(): a session read or write must not begin (or
 * commit) the request's unit of work, and must not count in
 * fl_db_statement_count().  Outside a transaction every statement commits
 * by itself.  A save is one upsert (the dialect's put_upsert). */
#include <stdlib.h>
#include <string.h>

#include "data/db.h"
#include "data/dialect.h"
#include "data/kvtable.h"
#include "base/log.h"
#include "session/session.h"

#define T FL_SESSION_SQLITE_TABLE

enum { Q_GET, Q_PUT, Q_DEL, Q_PURGE, Q__MAX };

static const char *const fixed_sql[Q__MAX] = {
	[Q_GET] = "SELECT data, expiry FROM " T " WHERE id = ?",
	[Q_DEL] = "DELETE FROM " T " WHERE id = ?",
	[Q_PURGE] = "DELETE FROM " T " WHERE expiry <= ?",
};

typedef struct db_impl {
	fl_db *db;                  /* borrowed */
	fl_arena *arena;            /* the SQL below */
	const char *sql[Q__MAX];
	const char *create_sql;
	time_t next_purge;
} db_impl;

/* Run query `q` with `params` (stolen); rows and changes as fl_db_aside.
 * Failures are logged. */
static fl_err run(db_impl *im, int q, json_t *params, json_t **rows, int *changes)
{
	fl_err err = fl_kv_table_run(im->db, im->create_sql, im->sql[q], params, rows, changes);
	json_decref(params);
	if (err)
		fl_error("session store (database): %s: %s", im->sql[q], fl_db_errmsg(im->db));
	return err == FL_EBUSY ? FL_EBUSY : err ? FL_EDB : FL_OK;
}

static fl_err sq_purge(const fl_session_store *store, time_t now, long *removed)
{
	db_impl *im = store->impl;
	int n = 0;
	im->next_purge = now + FL_SESSION_PURGE_INTERVAL;
	fl_err err = run(im, Q_PURGE, json_pack("[I]", (json_int_t)now), NULL, &n);
	if (removed)
		*removed = err ? 0 : n;
	return err;
}

static fl_err sq_open(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      const char *cookie_value, time_t now, fl_session *s)
{
	db_impl *im = store->impl;
	char *sid;
	if (!cookie_value || fl_session_sid_unsign(cfg, a, cookie_value, &sid) != FL_OK)
		return FL_OK;   /* no cookie, forged or malformed: a new session */
	json_t *rows;
	fl_err err = run(im, Q_GET, json_pack("[s]", sid), &rows, NULL);
	if (err)
		return err;
	json_t *row = json_array_get(rows, 0);
	json_t *data = json_object_get(row, "data");
	if (row && json_integer_value(json_object_get(row, "expiry")) <= (long long)now)
		run(im, Q_DEL, json_pack("[s]", sid), NULL, NULL);   /* expired */
	else if (json_is_string(data) && fl_session_record_load(a, sid, json_string_value(data),
			json_string_length(data), s) != FL_OK)
		fl_warning("session store (database): record %.8s… is not a JSON object", sid);
	json_decref(rows);
	return FL_OK;
}

static fl_err sq_save(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      fl_session *s, time_t now, const char **cookie_value)
{
	db_impl *im = store->impl;
	const char *text;
	fl_err err = fl_session_record_prepare(cfg, a, s, &text, cookie_value);
	if (err)
		return err;
	long long expiry = (long long)now + (cfg->permanent_lifetime > 0 ? cfg->permanent_lifetime : 0);
	err = run(im, Q_PUT, json_pack("[ssI]", s->sid, text, (json_int_t)expiry), NULL, NULL);
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
	return run(store->impl, Q_DEL, json_pack("[s]", s->sid), NULL, NULL);
}

static void sq_destroy(fl_session_store *store)
{
	db_impl *im = store->impl;
	if (im) {
		fl_arena_free(im->arena);
		free(im);
	}
	free(store);
}

/* The statements and the CREATE TABLE of `im` for its connection's
 * dialect. */
static void write_sql(db_impl *im)
{
	static const char *const columns[] = { "id", "data", "expiry", NULL };
	const fl_dialect *d = fl_db_dialect(im->db);
	fl_buf b;
	for (int i = 0; i < Q__MAX; i++)
		im->sql[i] = fixed_sql[i];
	im->sql[Q_PUT] = fl_kv_table_upsert_sql(im->db, im->arena, T, columns, true);
	fl_buf_init(&b, im->arena);
	fl_buf_printf(&b, "CREATE TABLE IF NOT EXISTS " T " (id %s NOT NULL PRIMARY KEY, "
		"data %s NOT NULL, expiry BIGINT NOT NULL);"
		"CREATE INDEX IF NOT EXISTS " FL_SESSION_SQLITE_INDEX " ON " T " (expiry)",
		d->key_type, d->text_type);
	im->create_sql = fl_buf_cstr(&b);
}

fl_err fl_session_db_store(fl_db *db, fl_session_store **out)
{
	*out = NULL;
	if (!db)
		return FL_EINVAL;
	fl_session_store *store = calloc(1, sizeof *store);
	db_impl *im = calloc(1, sizeof *im);
	if (!store || !im || !(im->arena = fl_arena_new(0))) {
		free(store);
		free(im);
		return FL_ENOMEM;
	}
	im->db = db;
	write_sql(im);
	store->type = "sqlite";
	store->open = sq_open;
	store->save = sq_save;
	store->delete_record = sq_delete;
	store->destroy = sq_destroy;
	store->purge = sq_purge;
	store->impl = im;
	store->permanent = true;
	fl_err err = fl_kv_table_create(db, im->create_sql);
	if (err) {
		fl_error("session store (database): cannot create table " T ": %s",
			fl_db_errmsg(db));
		sq_destroy(store);
		return err == FL_EBUSY ? FL_EBUSY : FL_EDB;
	}
	*out = store;
	return FL_OK;
}
