/* schema_pg.c — read a PostgreSQL schema (the tables of current_schema())
 * from pg_catalog into the JSON shape of internal.h, and the models'
 * schema built in a scratch schema and read back the same way.
 *
 * Why a scratch schema for the target: DDL is transactional on
 * PostgreSQL, so create_all runs inside a transaction in a schema of its
 * own (CREATE SCHEMA, SET LOCAL search_path), is read with this very
 * reader and rolled back: nothing is left behind, even when a step fails,
 * and the types, defaults and constraint names compare equal with a live
 * database create_all built without translating PostgreSQL's spelling
 * ("character varying(64)", "'x'::character varying") into ours.
 *
 * Normalised while reading: an integer column whose default is its own
 * sequence's nextval() is "serial" ("bigserial", "smallserial") with no
 * default, as CREATE TABLE wrote it (the sequence's name differs between
 * the scratch schema and the live one); an identity column's type ends in
 * " GENERATED ALWAYS|BY DEFAULT AS IDENTITY"; a literal default loses its
 * cast ('x'::character varying → 'x').  The indexes backing a PRIMARY KEY
 * or UNIQUE constraint are the constraint (in "uniques"), not indexes. */
#include "data/migrate/internal.h"

#include <stdio.h>
#include <string.h>

#define SCRATCH_SCHEMA "flagon_scratch"

static json_t *params_oid(long long oid)
{
	json_t *p = json_array();
	json_array_append_new(p, json_integer(oid));
	return p;
}

/* The default `d` as a JSON string: 'text'::type → 'text'; anything
 * else unchanged. */
static json_t *strip_cast(const char *d)
{
	const char *p = d;
	if (*p != '\'')
		return json_string(d);
	for (p++; *p; p++)
		if (*p == '\'' && p[1] == '\'')
			p++;
		else if (*p == '\'')
			break;
	if (*p == '\'' && p[1] == ':' && p[2] == ':')
		return json_stringn(d, (size_t)(p + 1 - d));
	return json_string(d);
}

static const char *serial_type(const char *type)
{
	if (strcmp(type, "integer") == 0)
		return "serial";
	if (strcmp(type, "bigint") == 0)
		return "bigserial";
	if (strcmp(type, "smallint") == 0)
		return "smallserial";
	return NULL;
}

static fl_err read_columns(fl_db *db, long long oid, json_t *t)
{
	json_t *rows, *row, *cols = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT a.attname AS name, "
		"pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS nn, "
		"pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attidentity::text AS ident, "
		"a.attgenerated::text AS gen, COALESCE((SELECT k.i FROM pg_catalog.pg_constraint p, "
		"unnest(p.conkey) WITH ORDINALITY AS k(n, i) WHERE p.conrelid = a.attrelid AND "
		"p.contype = 'p' AND k.n = a.attnum), 0) AS pk "
		"FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d "
		"ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
		"WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
		params_oid(oid), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *type = fl_schema_str(row, "type"), *ident = fl_schema_str(row, "ident");
		json_t *d = json_object_get(row, "dflt");
		json_t *dflt = json_is_string(d) ? strip_cast(json_string_value(d)) : json_null();
		char buf[256];
		if (json_is_string(d) && strncmp(json_string_value(d), "nextval(", 8) == 0 &&
		    serial_type(type)) {
			type = serial_type(type);
			json_decref(dflt);
			dflt = json_null();
		}
		if (*ident) {
			snprintf(buf, sizeof buf, "%s GENERATED %s AS IDENTITY", type,
				*ident == 'a' ? "ALWAYS" : "BY DEFAULT");
			type = buf;
		}
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b, s:o, s:I, s:I}",
			"name", fl_schema_str(row, "name"), "type", type,
			"notnull", fl_schema_num(row, "nn") != 0, "default", dflt,
			"pk", (json_int_t)fl_schema_num(row, "pk"),
			"hidden", (json_int_t)(*fl_schema_str(row, "gen") ? 2 : 0)));
	}
	json_object_set_new_nocheck(t, "columns", cols);
	return FL_OK;
}

/* Key columns of index `oid` in order: "col", "col DESC", "lower(col)". */
static fl_err index_columns(fl_db *db, long long oid, json_t **out)
{
	json_t *rows, *row;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) AS col, "
		"(i.indoption[k - 1] & 1) AS d FROM pg_catalog.pg_index i, "
		"generate_series(1, i.indnkeyatts) AS k WHERE i.indexrelid = ? ORDER BY k",
		params_oid(oid), &rows);
	if (err)
		return err;
	*out = json_array();
	json_array_foreach(rows, i, row) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s%s", fl_schema_str(row, "col"),
			fl_schema_num(row, "d") ? " DESC" : "");
		json_array_append_new(*out, json_string(buf));
	}
	return FL_OK;
}

static fl_err read_indexes(fl_db *db, long long oid, json_t *t)
{
	json_t *rows, *row, *indexes = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT i.indexrelid AS oid, c.relname AS name, "
		"i.indisunique AS u, (i.indpred IS NOT NULL) AS partial, "
		"pg_catalog.pg_get_indexdef(i.indexrelid) AS sql "
		"FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
		"WHERE i.indrelid = ? AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k "
		"WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
		"AND k.contype IN ('p', 'u', 'x')) ORDER BY c.relname COLLATE \"C\"",
		params_oid(oid), &rows);
	json_array_foreach(rows, i, row) {
		json_t *cols;
		if (err || (err = index_columns(db, fl_schema_num(row, "oid"), &cols)))
			break;
		json_array_append_new(indexes, json_pack("{s:s, s:b, s:o, s:b, s:s}",
			"name", fl_schema_str(row, "name"), "unique", fl_schema_num(row, "u") != 0,
			"columns", cols, "partial", fl_schema_num(row, "partial") != 0,
			"sql", fl_schema_str(row, "sql")));
	}
	json_object_set_new_nocheck(t, "indexes", indexes);
	return err;
}

/* The JSON array text `s` (json_agg's), or an empty array. */
static json_t *json_list(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);
	return json_is_array(v) ? v : json_array();
}

static const char *action(const char *code)
{
	switch (*code) {
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

static const char *match(const char *code)
{
	return *code == 'f' ? "FULL" : *code == 'p' ? "PARTIAL" : "NONE";
}

#define COLUMN_LIST(keys, rel) "(SELECT json_agg(a.attname ORDER BY u.i) FROM unnest(k." keys \
	") WITH ORDINALITY AS u(n, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = k." rel \
	" AND a.attnum = u.n)::text"

static fl_err read_constraints(fl_db *db, long long oid, json_t *t)
{
	json_t *rows, *row, *uniques = json_array(), *fks = json_array();
	json_t *unique_names = json_array(), *fk_names = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT k.conname AS name, k.contype::text AS kind, "
		COLUMN_LIST("conkey", "conrelid") " AS f, " COLUMN_LIST("confkey", "confrelid") " AS o, "
		"(SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = k.confrelid) AS t, "
		"k.confupdtype::text AS upd, k.confdeltype::text AS del, k.confmatchtype::text AS mt "
		"FROM pg_catalog.pg_constraint k WHERE k.conrelid = ? AND k.contype IN ('u', 'f') "
		"ORDER BY k.conname COLLATE \"C\"", params_oid(oid), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		json_t *from = json_list(fl_schema_str(row, "f"));
		bool unique = strcmp(fl_schema_str(row, "kind"), "u") == 0;
		json_array_append_new(unique ? unique_names : fk_names,
			json_string(fl_schema_str(row, "name")));
		if (unique) {
			json_array_append_new(uniques, from);
			continue;
		}
		json_array_append_new(fks, json_pack("{s:o, s:s, s:o, s:s, s:s, s:s}", "from", from,
			"table", fl_schema_str(row, "t"), "to", json_list(fl_schema_str(row, "o")),
			"on_update", action(fl_schema_str(row, "upd")),
			"on_delete", action(fl_schema_str(row, "del")),
			"match", match(fl_schema_str(row, "mt"))));
	}
	json_object_set_new_nocheck(t, "uniques", uniques);
	json_object_set_new_nocheck(t, "fks", fks);
	json_object_set_new_nocheck(t, "unique_names", unique_names);
	json_object_set_new_nocheck(t, "fk_names", fk_names);
	return FL_OK;
}

fl_err fl_schema_read_pg(fl_db *db, json_t **schema)
{
	json_t *rows, *row;
	size_t i;
	*schema = json_object();
	fl_err err = fl_db_query(db, "SELECT c.oid AS oid, c.relname AS name "
		"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
		"ORDER BY c.relname COLLATE \"C\"", NULL, &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *name = fl_schema_str(row, "name");
		long long oid = fl_schema_num(row, "oid");
		if (fl_schema_ignored(name))
			continue;
		json_t *t = json_pack("{s:s, s:s, s:b, s:[]}", "name", name, "sql", "",
			"autoincrement", 0, "triggers");
		json_object_set_new(*schema, name, t);
		if ((err = read_columns(db, oid, t)) || (err = read_indexes(db, oid, t)) ||
		    (err = read_constraints(db, oid, t)))
			return err;
	}
	return FL_OK;
}

fl_err fl_schema_target_pg(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema)
{
	if (fl_db_in_transaction(report))
		return fl_db_set_error(report, FL_EINVAL, NULL, NULL, "cannot build the models' "
			"schema inside an open transaction");
	fl_err err = fl_db_begin(report);
	if (!err)
		err = fl_db_exec_script(report, "CREATE SCHEMA \"" SCRATCH_SCHEMA "\";\n"
			"SET LOCAL search_path TO \"" SCRATCH_SCHEMA "\";\n");
	if (!err)
		err = fl_create_all(report, a, models);
	if (!err)
		err = fl_schema_read_pg(report, schema);
	if (err) {
		const char *why = fl_arena_strdup(a, fl_db_errmsg(report));
		fl_db_rollback(report);
		return fl_db_set_error(report, err, NULL, NULL, "cannot build the models' schema "
			"(in a scratch schema " SCRATCH_SCHEMA ", rolled back): %s", why);
	}
	return fl_db_rollback(report);
}
