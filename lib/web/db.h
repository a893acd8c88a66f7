/* db.h — the database from a view (Flask-SQLAlchemy's `db` and its
 * *_or_404 helpers): the process connection, and database errors turned
 * into the HTTP answer a user should see.  At the end of every request the
 * open transaction is committed (SQLALCHEMY_COMMIT_ON_TEARDOWN, when the
 * request did not fail) or rolled back.  With SQLALCHEMY_ECHO=1 the
 * connection logs every statement, its bound values and its time to the
 * server's error log (fl_db_set_echo, applied when the application opens
 * the database).
 */
#ifndef FL_WEB_DB_H
#define FL_WEB_DB_H

#include <jansson.h>

#include "base/err.h"
#include "data/db.h"
#include "data/query.h"
#include "web/ctx.h"

struct fl_model;

/* fl_get_db — the database connection, for views. */
fl_db *fl_get_db(fl_ctx *c);

/* fl_abort_db — turn a database error into the answer a user should see:
 * FL_ENOTFOUND → 404; FL_EEXISTS/FL_ECONSTRAINT → 409 "... already exists";
 * FL_EINVAL → 400 naming the column; FL_ENOTABLE → 503 naming the missing
 * table and how to create it (the blueprint's create_tables_hint);
 * FL_EBUSY → 503; anything else → 500 (logged).  Rolls back the open
 * transaction so nothing half-written survives.  Returns the status. */
int fl_abort_db(fl_ctx *c, fl_err e);

/* fl_get_or_404 — Model.query.get_or_404(id): *row, or 404 (other errors
 * through fl_abort_db).  Returns 0 when found. */
int fl_get_or_404(fl_ctx *c, const struct fl_model *m, long long id, json_t **row);

/* fl_first_or_404 — query.first_or_404(): *row, or 404 when no row
 * matches.  An error the query's builders recorded (fl_query_error: an
 * unknown column, a bad relationship) and any database error are answered
 * through fl_abort_db.  Returns 0 when found. */
int fl_first_or_404(fl_ctx *c, struct fl_query *q, json_t **row);

/* Largest page or per_page fl_paginate_args accepts. */
#define FL_PAGE_ARG_MAX 1000000000L

/* fl_paginate_args — the page and per_page Flask-SQLAlchemy's paginate()
 * reads from request.args (type=int, error_out=True): `page` defaults to 1
 * and `per_page` to `default_per_page` when absent; a value that is not a
 * positive integer of digits only (fl_get_arg_int: " 1", "+1", "1.5", "0"
 * are not) or is above FL_PAGE_ARG_MAX answers 404 "<name> must be a
 * positive integer.".  Capping per_page and finding the page past the end
 * are fl_query_paginate's.  Returns 0, or the status to return. */
int fl_paginate_args(fl_ctx *c, long default_per_page, long *page, long *per_page);

#endif
