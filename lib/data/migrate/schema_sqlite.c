/* schema_sqlite.c — read a SQLite database's schema through its pragmas
 * (the JSON shape of internal.h), and the models' schema built in a
 * private in-memory database and read back the same way.
 *
 * Why pragmas and not the CREATE text: the text depends on who wrote it
 * (create_all, a person, ALTER TABLE ADD COLUMN, RENAME), while
 * pragma_table_xinfo & co. report what SQLite actually enforces. */
#include "data/migrate/internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Is the keyword AUTOINCREMENT in `sql`, outside quotes and comments? */
static bool has_autoincrement(const char *sql)
{
	for (const char *p = sql; *p;) {
		if (*p == '"' || *p == '\'' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;
			const char *e = strchr(p + 1, close);
			p = e ? e + 1 : p + strlen(p);
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			size_t n = 0;
			while (isalnum((unsigned char)p[n]) || p[n] == '_')
				n++;
			if (n == 13 && strncasecmp(p, "AUTOINCREMENT", 13) == 0)
				return true;
			p += n;
		} else
			p++;
	}
	return false;
}

static fl_err read_columns(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *cols = json_array(), *row;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT name, type, \"notnull\" AS nn, dflt_value AS dflt, pk, "
		"hidden FROM pragma_table_xinfo(?) ORDER BY cid", fl_schema_params1(table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		json_t *d = json_object_get(row, "dflt");
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b, s:O, s:I, s:I}",
			"name", fl_schema_str(row, "name"), "type", fl_schema_str(row, "type"), "notnull", fl_schema_num(row, "nn") != 0,
			"default", json_is_string(d) ? d : json_null(),
			"pk", (json_int_t)fl_schema_num(row, "pk"), "hidden", (json_int_t)fl_schema_num(row, "hidden")));
	}
	json_object_set_new_nocheck(t, "columns", cols);
	return FL_OK;
}

/* Key columns of index `name`: "col", "col DESC", "col COLLATE NOCASE". */
static fl_err index_columns(fl_db *db, const char *name, json_t **out)
{
	json_t *rows, *row;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT name, \"desc\" AS d, coll FROM pragma_index_xinfo(?) "
		"WHERE key ORDER BY seqno", fl_schema_params1(name), &rows);
	if (err)
		return err;
	*out = json_array();
	json_array_foreach(rows, i, row) {
		const char *col = json_is_string(json_object_get(row, "name")) ? fl_schema_str(row, "name") :
			"<expression>";
		const char *coll = fl_schema_str(row, "coll");
		char buf[512];
		snprintf(buf, sizeof buf, "%s%s%s%s", col, fl_schema_num(row, "d") ? " DESC" : "",
			*coll && strcasecmp(coll, "BINARY") ? " COLLATE " : "",
			*coll && strcasecmp(coll, "BINARY") ? coll : "");
		json_array_append_new(*out, json_string(buf));
	}
	return FL_OK;
}

static fl_err read_indexes(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *row, *indexes = json_array(), *uniques = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT l.name AS name, l.\"unique\" AS u, l.origin AS origin, "
		"l.partial AS partial, m.sql AS sql FROM pragma_index_list(?) AS l "
		"LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name "
		"ORDER BY l.name", fl_schema_params1(table), &rows);
	json_array_foreach(rows, i, row) {
		json_t *cols;
		if (err || (err = index_columns(db, fl_schema_str(row, "name"), &cols)))
			break;
		if (strcmp(fl_schema_str(row, "origin"), "u") == 0)
			json_array_append_new(uniques, cols);
		else if (strcmp(fl_schema_str(row, "origin"), "c") == 0)
			json_array_append_new(indexes, json_pack("{s:s, s:b, s:o, s:b, s:s}",
				"name", fl_schema_str(row, "name"), "unique", fl_schema_num(row, "u") != 0, "columns", cols,
				"partial", fl_schema_num(row, "partial") != 0, "sql", fl_schema_str(row, "sql")));
		/* origin "pk": the primary key, compared through the columns' pk */
	}
	json_object_set_new_nocheck(t, "indexes", indexes);
	json_object_set_new_nocheck(t, "uniques", uniques);
	return err;
}

static fl_err read_foreign_keys(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *row, *fks = json_array(), *fk = NULL;
	long long id = -1;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT id, \"table\" AS t, \"from\" AS f, \"to\" AS o, "
		"on_update, on_delete, \"match\" AS mt FROM pragma_foreign_key_list(?) ORDER BY id, seq",
		fl_schema_params1(table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		if (!fk || fl_schema_num(row, "id") != id) {
			id = fl_schema_num(row, "id");
			fk = json_pack("{s:[], s:s, s:[], s:s, s:s, s:s}", "from", "table", fl_schema_str(row, "t"),
				"to", "on_update", fl_schema_str(row, "on_update"), "on_delete", fl_schema_str(row, "on_delete"),
				"match", fl_schema_str(row, "mt"));
			json_array_append_new(fks, fk);
		}
		json_array_append_new(json_object_get(fk, "from"), json_string(fl_schema_str(row, "f")));
		/* "to" is NULL for REFERENCES parent without columns: its primary key */
		json_array_append_new(json_object_get(fk, "to"),
			json_string(json_is_string(json_object_get(row, "o")) ? fl_schema_str(row, "o") : "(primary key)"));
	}
	json_object_set_new_nocheck(t, "fks", fks);
	return FL_OK;
}

static fl_err read_triggers(fl_db *db, const char *table, json_t *t)
{
	json_t *rows, *row, *out = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
		"tbl_name = ? ORDER BY name", fl_schema_params1(table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row)
		json_array_append_new(out, json_string(fl_schema_str(row, "sql")));
	json_object_set_new_nocheck(t, "triggers", out);
	return FL_OK;
}

fl_err fl_schema_read_sqlite(fl_db *db, json_t **schema)
{
	json_t *rows, *row;
	size_t i;
	*schema = json_object();
	fl_err err = fl_db_query(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
		"ORDER BY name", NULL, &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *name = fl_schema_str(row, "name"), *sql = fl_schema_str(row, "sql");
		if (fl_schema_ignored(name))
			continue;
		json_t *t = json_pack("{s:s, s:s, s:b}", "name", name, "sql", sql, "autoincrement",
			has_autoincrement(sql));
		json_object_set_new(*schema, name, t);
		if ((err = read_columns(db, name, t)) || (err = read_indexes(db, name, t)) ||
		    (err = read_foreign_keys(db, name, t)) || (err = read_triggers(db, name, t)))
			return err;
	}
	return FL_OK;
}

fl_err fl_schema_target_sqlite(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema)
{
	fl_db *mem = NULL;
	fl_err err = fl_db_open(":memory:", &mem);
	if (!err)
		err = fl_create_all(mem, a, models);
	if (!err)
		err = fl_schema_read_sqlite(mem, schema);
	if (err)
		fl_db_set_error(report, err, NULL, NULL, "cannot build the models' schema: %s",
			mem ? fl_db_errmsg(mem) : fl_strerror(err));
	fl_db_close(mem);
	return err;
}
