/* test_db_connect.c — opening the configured database through its driver
 * (fl_db_connect, fl_driver_for) and keeping a server connection alive
 * between transactions: SQLALCHEMY_POOL_RECYCLE, the ping after idle, and a
 * server that went away — reconnected transparently outside a transaction,
 * a 503-worthy FL_EDISCONNECTED and no half-written row inside one.  The
 * server is played by a driver wrapping SQLite's that can drop the
 * connection on demand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "data/dialect.h"
#include "data/driver_internal.h"
#include "web/app_internal.h"
#include "web/ctx_internal.h"   /* the abort message, to check it */
#include "web/db.h"
#include "tmpdb.h"

/* ---- a "server" that can go away ---- */

static struct {
	int opens, pings;
	bool drop;      /* the next execute/exec finds the connection gone */
	bool down;      /* connecting fails */
	bool ping_ok;
} srv;

static fl_err gone(fl_db *db)
{
	srv.drop = false;
	return fl_db_set_error(db, FL_EDISCONNECTED, NULL, NULL, "server has gone away");
}

static fl_err fake_open(fl_db *db, const fl_driver_options *opt, fl_driver_conn **out)
{
	srv.opens++;
	if (srv.down)
		return fl_db_set_error(db, FL_EIO, NULL, NULL, "cannot connect to the server");
	return fl_driver_sqlite.open(db, opt, out);
}

static bool fake_ping(fl_db *db, fl_driver_conn *conn)
{
	srv.pings++;
	return srv.ping_ok;
}

static fl_err fake_execute(fl_db *db, fl_driver_stmt *st, json_t *params)
{
	return srv.drop ? gone(db) : fl_driver_sqlite.execute(db, st, params);
}

static fl_err fake_exec(fl_db *db, fl_driver_conn *conn, const char *sql)
{
	return srv.drop ? gone(db) : fl_driver_sqlite.exec(db, conn, sql);
}

static fl_driver fake;

struct fx {
	struct tmpdb *t;
	fl_db *db;
};

static fl_db *open_fake(struct fx *f, long recycle, long ping_idle)
{
	fl_driver_options opt = { .sqlite_path = f->t->dbpath };
	fl_db_pool pool = { .recycle = recycle, .ping_idle = ping_idle };
	assert_int_equal(fl_db_open_driver(&fake, &opt, &pool, &f->db), FL_OK);
	return f->db;
}

static int setup(void **state)
{
	memset(&srv, 0, sizeof srv);
	srv.ping_ok = true;
	fake = fl_driver_sqlite;
	fake.name = "fake";
	fake.open = fake_open;
	fake.ping = fake_ping;
	fake.execute = fake_execute;
	fake.exec = fake_exec;
	struct fx *f = calloc(1, sizeof *f);
	f->t = tmpdb_new("dbconn");
	assert_int_equal(fl_db_exec_script(f->t->db,
		"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"), FL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fl_db_close(f->db);
	tmpdb_free(f->t);
	free(f);
	return 0;
}

static long long count_rows(fl_db *db)
{
	json_t *rows;
	assert_int_equal(fl_db_query(db, "SELECT count(*) AS n FROM t", NULL, &rows), FL_OK);
	return json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
}

static fl_err insert(fl_db *db, const char *name)
{
	return fl_db_execute(db, "INSERT INTO t (name) VALUES (?)", json_pack("[s]", name), NULL, NULL);
}

/* ---- fl_db_connect and fl_driver_for ---- */

static void load_config(fl_config *cfg, const char *uri)
{
	memset(cfg, 0, sizeof *cfg);
	assert_int_equal(fl_db_uri_parse(uri, &cfg->db_uri, NULL, 0), FL_OK);
	cfg->database_uri = uri;
	cfg->sqlalchemy_pool_recycle = -1;
	cfg->sqlalchemy_pool_timeout = 2;
}

static void test_connect_sqlite(void **state)
{
	struct fx *f = *state;
	fl_config cfg;
	load_config(&cfg, "sqlite:///ignored");
	cfg.database_path = f->t->dbpath;
	assert_int_equal(fl_db_connect(&cfg, &f->db), FL_OK);
	assert_non_null(fl_db_sqlite_handle(f->db));
	assert_ptr_equal(fl_db_dialect(f->db), &fl_dialect_sqlite);
	assert_int_equal(insert(f->db, "a"), FL_OK);
	assert_int_equal(fl_db_commit(f->db), FL_OK);
	assert_int_equal(count_rows(f->t->db), 1);   /* the same file */
	fl_db_uri_free(&cfg.db_uri);
}

static void test_driver_for(void **state)
{
	assert_ptr_equal(fl_driver_for(FL_DIALECT_SQLITE), &fl_driver_sqlite);
	assert_null(fl_driver_for(FL_DIALECT__MAX));
	for (fl_dialect_id d = FL_DIALECT_MYSQL; d <= FL_DIALECT_POSTGRESQL; d++) {
		const fl_driver *drv = fl_driver_for(d);
		assert_non_null(drv);   /* every driver is built in */
		assert_string_equal(drv->name, fl_dialect_id_name(d));
	}
}

static void test_open_refuses_server_uri(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fl_db_open("mysql://u:********@h/db", &f->db), FL_ECONFIG);
	assert_string_equal(fl_db_errmsg(f->db), "DATABASE_URI names a mysql database: "
		"fl_db_open takes a SQLite file (open the configured database with fl_db_connect)");
	assert_null(fl_db_sqlite_handle(f->db));
}

/* Whether /proc/self/maps names a file whose name holds `part`. */
static bool mapped(const char *part)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;
	assert_non_null(f);
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, part) != NULL;
	fclose(f);
	return found;
}

/* The server client libraries are loaded by the driver that needs them:
 * a SQLite connection maps neither (nor their dependency chains). */
static void test_sqlite_maps_no_server_client(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fl_db_open(f->t->dbpath, &f->db), FL_OK);
	assert_false(mapped("libmariadb"));
	assert_false(mapped("libpq"));
}

/* A table of two functions of the C library, as a driver keeps its own. */
struct two_fns {
	__typeof__(&strlen) strlen;
	__typeof__(&abs) no_such_function;
};

/* A missing library or function is a clear error naming the library and
 * the package, the table left empty and loaded false (tried again). */
static void test_library_load(void **state)
{
	struct fx *f = *state;
	struct two_fns t;
	const fl_driver_symbol both[] = {
		FL_DRIVER_SYMBOL(struct two_fns, strlen),
		FL_DRIVER_SYMBOL(struct two_fns, no_such_function),
	};
	fl_driver_library lib = {
		.soname = "libflagon-no-such-client.so.1", .package = "flagon-client",
		.database = "Test", .symbols = both, .nsymbols = 1, .table = &t,
		.table_size = sizeof t,
	};
	assert_int_equal(fl_db_open(f->t->dbpath, &f->db), FL_OK);
	assert_int_equal(fl_driver_library_load(f->db, &lib), FL_ECONFIG);
	assert_non_null(strstr(fl_db_errmsg(f->db), "DATABASE_URI names a Test database, but "
		"its client library libflagon-no-such-client.so.1 cannot be loaded (install the "
		"package flagon-client)"));
	assert_false(lib.loaded);

	lib.soname = "libc.so.6";
	lib.nsymbols = 2;
	assert_int_equal(fl_driver_library_load(f->db, &lib), FL_ECONFIG);
	assert_string_equal(fl_db_errmsg(f->db), "the Test client library libc.so.6 has no "
		"function no_such_function (install a current flagon-client)");
	assert_false(lib.loaded);
	assert_null(t.strlen);

	lib.nsymbols = 1;
	assert_int_equal(fl_driver_library_load(f->db, &lib), FL_OK);
	assert_true(lib.loaded);
	assert_int_equal(t.strlen("flagon"), 6);
	assert_int_equal(fl_driver_library_load(f->db, &lib), FL_OK);   /* once */
}

static void test_strerror(void **state)
{
	assert_string_equal(fl_strerror(FL_EDISCONNECTED), "database connection lost");
	assert_int_equal(FL_EDISCONNECTED + 1, FL_ERR__MAX);
}

/* ---- a server that went away ---- */

/* Outside a transaction nothing is half-done: the read is run again on a
 * new connection and the caller never notices. */
static void test_read_reconnects(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, -1, -1);
	assert_int_equal(count_rows(db), 0);
	srv.drop = true;
	assert_int_equal(count_rows(db), 0);
	assert_int_equal(srv.opens, 2);
}

/* The first write's BEGIN finds the connection gone: reconnect, begin
 * there, and the write commits. */
static void test_begin_reconnects(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, -1, -1);
	srv.drop = true;
	assert_int_equal(insert(db, "a"), FL_OK);
	assert_int_equal(fl_db_commit(db), FL_OK);
	assert_int_equal(srv.opens, 2);
	assert_int_equal(count_rows(f->t->db), 1);
}

/* Inside a transaction the server rolled back with the connection: the
 * request gets FL_EDISCONNECTED (503), the commit is refused, nothing of
 * the transaction is written, and the next request works again. */
static void test_lost_inside_transaction(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, -1, -1);
	assert_int_equal(insert(db, "first"), FL_OK);
	srv.drop = true;
	assert_int_equal(insert(db, "second"), FL_EDISCONNECTED);
	assert_true(fl_db_in_transaction(db));         /* still the caller's to end */
	assert_int_equal(insert(db, "third"), FL_EDISCONNECTED);   /* poisoned: no new transaction */
	assert_int_equal(fl_db_commit(db), FL_EDISCONNECTED);
	assert_non_null(strstr(fl_db_errmsg(db), "server has gone away"));
	assert_false(fl_db_in_transaction(db));
	assert_int_equal(count_rows(db), 0);           /* reconnected; no half-written row */
	assert_int_equal(srv.opens, 2);
	assert_int_equal(insert(db, "later"), FL_OK);
	assert_int_equal(fl_db_commit(db), FL_OK);
	assert_int_equal(count_rows(f->t->db), 1);
}

/* A read inside a transaction that loses the connection poisons it too:
 * a later write must not start a new transaction and commit half. */
static void test_read_lost_inside_transaction(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, -1, -1);
	assert_int_equal(insert(db, "first"), FL_OK);
	srv.drop = true;
	json_t *rows;
	assert_int_equal(fl_db_query(db, "SELECT * FROM t", NULL, &rows), FL_EDISCONNECTED);
	assert_int_equal(insert(db, "second"), FL_EDISCONNECTED);
	assert_int_equal(fl_db_rollback(db), FL_OK);
	assert_int_equal(count_rows(db), 0);
}

/* A view whose transaction was cut answers 503 (web/db.c), the
 * transaction rolled back, nothing of it written. */
static void test_lost_answers_503(void **state)
{
	struct fx *f = *state;
	static const fl_blueprint bp = { .name = "t" };
	static fl_app app;
	static char *envp[] = { "REQUEST_METHOD=POST", NULL };
	memset(&app, 0, sizeof app);
	app.bp = &bp;
	app.db = open_fake(f, -1, -1);
	fl_ctx *c = fl_ctx_new(&app, f->t->arena);
	const char *why = NULL;
	assert_int_equal(fl_request_init(&c->req, f->t->arena, envp, &why), FL_OK);
	assert_int_equal(insert(app.db, "first"), FL_OK);
	srv.drop = true;
	fl_err err = insert(app.db, "second");
	assert_int_equal(err, FL_EDISCONNECTED);
	assert_int_equal(fl_abort_db(c, err), 503);
	assert_string_equal(fl_state(c)->abort_message, "The database is unavailable; please try again.");
	assert_false(fl_db_in_transaction(app.db));
	assert_int_equal(count_rows(app.db), 0);
}

/* The server still down: FL_EDISCONNECTED saying so, and the next request
 * after it is back reconnects. */
static void test_server_down(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, -1, -1);
	srv.drop = srv.down = true;
	json_t *rows;
	assert_int_equal(fl_db_query(db, "SELECT * FROM t", NULL, &rows), FL_EDISCONNECTED);
	assert_non_null(strstr(fl_db_errmsg(db), "reconnecting failed: cannot connect"));
	assert_int_equal(fl_db_query(db, "SELECT * FROM t", NULL, &rows), FL_EDISCONNECTED);
	assert_int_equal(insert(db, "x"), FL_EDISCONNECTED);
	assert_false(fl_db_in_transaction(db));
	srv.down = false;
	assert_int_equal(count_rows(db), 0);
	assert_int_equal(insert(db, "x"), FL_OK);
	assert_int_equal(fl_db_commit(db), FL_OK);
}

/* SQLALCHEMY_POOL_RECYCLE=0: a new connection before every transaction
 * (and read outside one), never inside one. */
static void test_recycle(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, 0, -1);
	count_rows(db);
	count_rows(db);
	assert_int_equal(srv.opens, 3);
	assert_int_equal(insert(db, "a"), FL_OK);
	assert_int_equal(srv.opens, 4);
	assert_int_equal(insert(db, "b"), FL_OK);
	count_rows(db);
	assert_int_equal(srv.opens, 4);
	assert_int_equal(fl_db_commit(db), FL_OK);
	assert_int_equal(count_rows(db), 2);
	assert_int_equal(srv.opens, 5);
}

/* A connection idle past ping_idle is pinged before use, and replaced
 * when the ping fails; not pinged inside a transaction. */
static void test_ping_after_idle(void **state)
{
	struct fx *f = *state;
	fl_db *db = open_fake(f, -1, 0);
	count_rows(db);
	assert_int_equal(srv.pings, 1);
	assert_int_equal(srv.opens, 1);
	srv.ping_ok = false;
	count_rows(db);
	assert_int_equal(srv.pings, 2);
	assert_int_equal(srv.opens, 2);
	srv.ping_ok = true;
	assert_int_equal(insert(db, "a"), FL_OK);
	int pings = srv.pings;
	count_rows(db);
	assert_int_equal(srv.pings, pings);
	assert_int_equal(fl_db_commit(db), FL_OK);
}

/* SQLite (no pool): never pinged nor recycled. */
static void test_sqlite_not_pinged(void **state)
{
	struct fx *f = *state;
	fl_driver_options opt = { .sqlite_path = f->t->dbpath };
	assert_int_equal(fl_db_open_driver(&fake, &opt, NULL, &f->db), FL_OK);
	count_rows(f->db);
	count_rows(f->db);
	assert_int_equal(srv.pings, 0);
	assert_int_equal(srv.opens, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_for, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_server_uri, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_maps_no_server_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_library_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strerror, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_begin_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_inside_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_lost_inside_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_answers_503, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_after_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_not_pinged, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
