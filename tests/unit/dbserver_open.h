/* dbserver_open.h — an fl_db on the database of one kind for a C unit
 * test: SQLite (a file or a memory database) or the private MariaDB or
 * PostgreSQL test server (dbserver.h).  Header-only; include it after
 * <cmocka.h>. */
#ifndef FL_TEST_DBSERVER_OPEN_H
#define FL_TEST_DBSERVER_OPEN_H

#include <string.h>

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

#endif
