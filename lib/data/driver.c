/* driver.c — which backend serves a dialect (driver_internal.h): one
 * table, every driver is built into the library. */
#include "data/driver_internal.h"

#include <stddef.h>

static const fl_driver *const drivers[FL_DIALECT__MAX] = {
	[FL_DIALECT_SQLITE] = &fl_driver_sqlite,
	[FL_DIALECT_MYSQL] = &fl_driver_mysql,
	[FL_DIALECT_POSTGRESQL] = &fl_driver_postgresql,
};

const fl_driver *fl_driver_for(fl_dialect_id dialect)
{
	return (unsigned)dialect < FL_DIALECT__MAX ? drivers[dialect] : NULL;
}
