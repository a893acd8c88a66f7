/* driver.c — what the drivers share (driver_internal.h): which backend
 * serves a dialect (one table, every driver is built into the library),
 * how a server's client library is loaded and how a text cell becomes a
 * string. */
#include "data/driver_internal.h"
#include "base/utf8.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

static const fl_driver *const drivers[FL_DIALECT__MAX] = {
	[FL_DIALECT_SQLITE] = &fl_driver_sqlite,
	[FL_DIALECT_MYSQL] = &fl_driver_mysql,
	[FL_DIALECT_POSTGRESQL] = &fl_driver_postgresql,
};

const fl_driver *fl_driver_for(fl_dialect_id dialect)
{
	return (unsigned)dialect < FL_DIALECT__MAX ? drivers[dialect] : NULL;
}

json_t *fl_driver_text_cell(fl_db *db, const fl_driver *drv, fl_driver_stmt *st, int i,
	const char *table, const char *text, size_t n)
{
	if (!text)
		text = "";
	if (fl_utf8_valid(text, n))
		return json_stringn_nocheck(text, n);
	const char *column = drv->column_name(st, i);
	fl_db_set_error(db, FL_EUTF8, table, column, "column %s holds a value that is not UTF-8",
		column ? column : "?");
	return NULL;
}

fl_err fl_driver_library_load(fl_db *db, fl_driver_library *lib)
{
	if (lib->loaded)
		return FL_OK;
	/* RTLD_NOW: a missing dependency fails here, not at a later call. */
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return fl_db_set_error(db, FL_ECONFIG, NULL, NULL, "DATABASE_URI names a %s "
			"database, but its client library %s cannot be loaded (install the "
			"package %s): %s", lib->database, lib->soname, lib->package, dlerror());
	for (size_t i = 0; i < lib->nsymbols; i++) {
		void *f = dlsym(h, lib->symbols[i].name);
		if (!f) {
			memset(lib->table, 0, lib->table_size);
			dlclose(h);
			return fl_db_set_error(db, FL_ECONFIG, NULL, NULL, "the %s client library "
				"%s has no function %s (install a current %s)", lib->database,
				lib->soname, lib->symbols[i].name, lib->package);
		}
		memcpy((char *)lib->table + lib->symbols[i].offset, &f, sizeof f);
	}
	lib->loaded = true;
	return FL_OK;
}
