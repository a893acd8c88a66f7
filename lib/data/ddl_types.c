/* ddl_types.c — the column types CREATE TABLE writes for each dialect
 * (SQLAlchemy's type compiler, per dialect).  See dialect.h. */
#include "data/dialect.h"
#include "data/model.h"

#include <string.h>

/* The type names of one dialect, indexed by fl_type; the length,
 * precision and scale are appended by put_type. */
typedef const char *const type_table[FL_TYPE__MAX];

/* SQLAlchemy's generic names, which SQLite uses as they are. */
static type_table generic_types = {
	[FL_TYPE_INTEGER] = "INTEGER",
	[FL_TYPE_SMALLINTEGER] = "SMALLINT",
	[FL_TYPE_BIGINTEGER] = "BIGINT",
	[FL_TYPE_FLOAT] = "FLOAT",
	[FL_TYPE_NUMERIC] = "NUMERIC",
	[FL_TYPE_STRING] = "VARCHAR",
	[FL_TYPE_TEXT] = "TEXT",
	[FL_TYPE_UNICODE] = "VARCHAR",
	[FL_TYPE_UNICODETEXT] = "TEXT",
	[FL_TYPE_BOOLEAN] = "BOOLEAN",
	[FL_TYPE_DATE] = "DATE",
	[FL_TYPE_DATETIME] = "DATETIME",
	[FL_TYPE_TIME] = "TIME",
	[FL_TYPE_LARGEBINARY] = "BLOB",
	[FL_TYPE_ENUM] = "VARCHAR",
};

/* Where MySQL/MariaDB differs from the generic names. */
static type_table mysql_types = {
	[FL_TYPE_FLOAT] = "DOUBLE",          /* SQLAlchemy: FLOAT, single precision on MySQL */
	[FL_TYPE_BOOLEAN] = "BOOL",
	[FL_TYPE_DATETIME] = "DATETIME(6)",  /* SQLAlchemy: DATETIME, whole seconds */
	[FL_TYPE_TIME] = "TIME(6)",
};

/* Where PostgreSQL differs (its FLOAT is double precision). */
static type_table postgresql_types = {
	[FL_TYPE_DATETIME] = "TIMESTAMP WITHOUT TIME ZONE",
	[FL_TYPE_TIME] = "TIME WITHOUT TIME ZONE",
	[FL_TYPE_LARGEBINARY] = "BYTEA",
};

static type_table sqlite_types = { NULL };

/* The type of `c`: its name from `names`, else the generic one, with
 * what follows the name. */
static fl_err put_type(fl_buf *b, const fl_column *c, type_table names)
{
	if ((unsigned)c->type >= FL_TYPE__MAX)
		return FL_EINVAL;
	fl_buf_puts(b, names[c->type] ? names[c->type] : generic_types[c->type]);
	if ((c->type == FL_TYPE_STRING || c->type == FL_TYPE_UNICODE) && c->length)
		fl_buf_printf(b, "(%u)", c->length);
	else if (c->type == FL_TYPE_NUMERIC && c->precision)
		fl_buf_printf(b, "(%u, %u)", c->precision, c->scale);
	else if (c->type == FL_TYPE_ENUM) {
		size_t longest = 0;
		if (!c->enum_values || !c->enum_values[0])
			return FL_EINVAL;
		for (const char *const *v = c->enum_values; *v; v++)
			if (strlen(*v) > longest)
				longest = strlen(*v);
		fl_buf_printf(b, "(%zu)", longest);
	}
	return FL_OK;
}

fl_err fl_ddl_type_sqlite(fl_buf *b, const fl_column *c, bool generated)
{
	(void)generated;   /* the rowid alias: INTEGER PRIMARY KEY */
	return put_type(b, c, sqlite_types);
}

fl_err fl_ddl_type_mysql(fl_buf *b, const fl_column *c, bool generated)
{
	(void)generated;   /* AUTO_INCREMENT follows NOT NULL (generated_key_sql) */
	if ((c->type == FL_TYPE_STRING || c->type == FL_TYPE_UNICODE) && !c->length)
		return FL_EINVAL;   /* SQLAlchemy: "VARCHAR requires a length on dialect mysql" */
	return put_type(b, c, mysql_types);
}

fl_err fl_ddl_type_postgresql(fl_buf *b, const fl_column *c, bool generated)
{
	if (generated && c->type == FL_TYPE_INTEGER) {
		fl_buf_puts(b, "SERIAL");
		return FL_OK;
	}
	if (generated && c->type == FL_TYPE_BIGINTEGER) {
		fl_buf_puts(b, "BIGSERIAL");
		return FL_OK;
	}
	return put_type(b, c, postgresql_types);
}
