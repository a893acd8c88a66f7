/* db.c — the database from a view (Flask-SQLAlchemy's db): the process
 * connection, database errors turned into HTTP answers, the *_or_404
 * helpers, and commit or rollback when the request ends. */
#include "web/ctx_internal.h"
#include "web/db.h"
#include "base/log.h"
#include "data/query.h"

fl_db *fl_get_db(fl_ctx *c) { return c->app->db; }

int fl_abort_db(fl_ctx *c, fl_err e)
{
	fl_db *db = fl_get_db(c);
	const char *table = fl_db_error_table(db);
	const char *column = fl_db_error_column(db);
	if (table && !*table)
		table = NULL;
	if (column && !*column)
		column = NULL;
	int status;

	switch (e) {
	case FL_ENOTFOUND:
		status = fl_abort(c, 404, NULL);
		break;
	case FL_EEXISTS:
		status = fl_abort(c, 409, "That %s already exists%s%s%s.",
			table ? table : "record", column ? " (" : "", column ? column : "",
			column ? ")" : "");
		break;
	case FL_ECONSTRAINT:
		status = fl_abort(c, 409, "The change conflicts with other data%s%s (%s).",
			table ? " in " : "", table ? table : "", fl_db_errmsg(db));
		break;
	case FL_EINVAL:
		/* A row that failed validation names its column: the client's
		 * value was wrong.  Without one, the query itself was wrong (an
		 * unknown column or relationship): a bug, logged as such. */
		if (column) {
			status = fl_abort(c, 400, "Invalid value for %s.", column);
			break;
		}
		fl_error("invalid query: %s", fl_db_errmsg(db));
		status = fl_abort(c, 500, NULL);
		break;
	case FL_ENOTABLE: {
		const char *hint = c->app->bp->create_tables_hint;
		status = fl_abort(c, 503, "The table '%s' does not exist yet: create it with %s.",
			table ? table : "?", hint ? hint : "./manage db upgrade");
		break;
	}
	case FL_EBUSY:
		status = fl_abort(c, 503, "The database is busy; please try again.");
		break;
	case FL_EDISCONNECTED:
		/* The server went away: this request's transaction is gone (never
		 * half-written); the next one reconnects. */
		fl_error("database: %s", fl_db_errmsg(db));
		status = fl_abort(c, 503, "The database is unavailable; please try again.");
		break;
	default:
		fl_error("database error: %s: %s", fl_strerror(e), fl_db_errmsg(db));
		status = fl_abort(c, 500, NULL);
		break;
	}
	if (fl_db_in_transaction(db))
		fl_db_rollback(db);
	return status;
}

int fl_get_or_404(fl_ctx *c, const fl_model *m, long long id, json_t **row)
{
	fl_err e = fl_get(fl_get_db(c), c->arena, m, json_integer(id), row);
	if (e)
		return fl_abort_db(c, e);
	return *row ? 0 : fl_abort(c, 404, NULL);
}

int fl_first_or_404(fl_ctx *c, fl_query *q, json_t **row)
{
	fl_err e = fl_query_first(q, row);
	if (e)
		return fl_abort_db(c, e);
	return *row ? 0 : fl_abort(c, 404, NULL);
}

void fl_app_teardown_db(fl_ctx *c, int failed)
{
	fl_db *db = c->app->db;
	if (!db || !fl_db_in_transaction(db))
		return;
	if (!failed && c->config->commit_on_teardown) {
		fl_err e = fl_db_commit(db);
		if (e == FL_OK)
			return;
		fl_error("commit on teardown failed: %s", fl_db_errmsg(db));
	}
	fl_db_rollback(db);
}

/* One of paginate()'s query arguments: `def` when absent, else 1..max. */
static int page_arg(fl_ctx *c, const char *name, long def, long *out)
{
	long long v;
	fl_err e = fl_get_arg_int(c, name, &v);
	if (e == FL_ENOTFOUND) {
		*out = def;
		return 0;
	}
	if (e || v < 1 || v > FL_PAGE_ARG_MAX)
		return fl_abort(c, 404, "%s must be a positive integer.", name);
	*out = (long)v;
	return 0;
}

int fl_paginate_args(fl_ctx *c, long default_per_page, long *page, long *per_page)
{
	int s = page_arg(c, "page", 1, page);
	return s ? s : page_arg(c, "per_page", default_per_page, per_page);
}
