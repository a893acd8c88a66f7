/* driver.c — which backend serves a dialect (driver_internal.h).
 *
 * The server drivers are named only when their source is part of the
 * build: the Makefile defines FL_HAVE_DRIVER_MYSQL / FL_HAVE_DRIVER_POSTGRESQL
 * when lib/data/driver_mysql.c / driver_pg.c exist, so the library links
 * with or without them and a missing one is reported, not a link error. */
#include "data/driver_internal.h"

#include <stddef.h>

const fl_driver *fl_driver_for(fl_dialect_id dialect)
{
	switch (dialect) {
	case FL_DIALECT_SQLITE:
		return &fl_driver_sqlite;
#ifdef FL_HAVE_DRIVER_MYSQL
	case FL_DIALECT_MYSQL:
		return &fl_driver_mysql;
#endif
#ifdef FL_HAVE_DRIVER_POSTGRESQL
	case FL_DIALECT_POSTGRESQL:
		return &fl_driver_postgresql;
#endif
	default:
		return NULL;
	}
}
