/* dbserver_open.h — an fl_db on the database of one kind for a C unit
 * test: SQLite (a file or a memory database) or the private MariaDB or
 * PostgreSQL test server (dbserver.h).  Header-only; include it after
 * <cmocka.h>. */
#ifndef FL_TEST_DBSERVER_OPEN_H
#define FL_TEST_DBSERVER_OPEN_H

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/db_uri.h"
#include "data/db.h"
#include "data/driver_internal.h"

#include "dbserver.h"

/* dbserver_open — connect to the database of `kind`: "sqlite" opens
 * `sqlite_path` (NULL: ":memory:"), "mysql" and "postgresql" the test
 * server (a 5 s connect timeout, no recycling).  Returns the connection
 * (close it with fl_db_close), or NULL when `kind` is not selected (the
 * caller skips); a connection that fails fails the test. */
static inline fl_db *dbserver_open(const char *kind, const char *sqlite_path)
{
	fl_db *db = NULL;
	if (strcmp(kind, "sqlite") == 0) {
		if (fl_db_open(sqlite_path ? sqlite_path : ":memory:", &db) != FL_OK)
			fail_msg("sqlite: %s", db ? fl_db_errmsg(db) : "out of memory");
		return db;
	}
	const char *text = dbserver_uri(kind);
	if (!text)
		return NULL;
	fl_db_uri uri;
	assert_int_equal(fl_db_uri_parse(text, &uri, NULL, 0), FL_OK);
	fl_driver_options opt = { .uri = &uri, .connect_timeout = 5 };
	fl_err err = fl_db_open_driver(fl_driver_for(uri.dialect), &opt, NULL, &db);
	fl_db_uri_free(&uri);   /* the connection keeps its own copy */
	if (err)
		fail_msg("%s: %s", kind, db ? fl_db_errmsg(db) : "out of memory");
	return db;
}

/* A test's database and the arena jansson allocates from meanwhile. */
struct dbfx {
	fl_arena *arena, *old;
	fl_db *db;
};

/* dbfx_open — dbserver_open(kind, NULL) with a fresh arena made jansson's
 * allocator; NULL when `kind` is not selected (the caller skips).  Free
 * with dbfx_release. */
static inline struct dbfx *dbfx_open(const char *kind)
{
	fl_db *db = dbserver_open(kind, NULL);
	if (!db)
		return NULL;
	struct dbfx *f = calloc(1, sizeof *f);
	f->arena = fl_arena_new(0);
	f->old = fl_json_set_arena(f->arena);
	f->db = db;
	return f;
}

/* dbfx_release — close the database and give back jansson's allocator. */
static inline void dbfx_release(struct dbfx *f)
{
	fl_db_close(f->db);
	fl_json_set_arena(f->old);
	fl_arena_free(f->arena);
	free(f);
}

/* DB_OK — fail the test, with the database's message, when `call` fails. */
#define DB_OK(f, call) do { \
	fl_err e_ = (call); \
	if (e_) \
		fail_msg("%s: %s", #call, fl_db_errmsg((f)->db)); \
} while (0)

#endif
