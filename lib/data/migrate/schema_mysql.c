/* schema_mysql.c — read a MySQL/MariaDB schema (the tables of DATABASE())
 * from information_schema into the JSON shape of internal.h, and the
 * models' schema built in a scratch database and read back the same way.
 *
 * Why a scratch database for the target (and not a normalisation of type
 * names): the server's own spelling of what create_all declares —
 * "int(11)", "tinyint(1)" for BOOL, "datetime(6)", the quoting of
 * defaults ("'x'", "NULL" as text on MariaDB), its index names for
 * UNIQUE constraints and the index it adds under each foreign key —
 * varies between MySQL and MariaDB and their versions; a table built on
 * the same server and read by the same reader spells everything the same
 * way, with no table of synonyms to keep.  MySQL's DDL is not
 * transactional, so the scratch is a database of its own, `<db>_scratch`
 * ("flagon_test" → "flagon_test_scratch"): the user needs CREATE and
 * DROP on it (GRANT ALL ON `<db>_scratch`.* TO ...).  It is dropped
 * before and after, also when a step fails, and a named lock
 * (GET_LOCK) keeps two hosts checking at once from sharing it.
 *
 * Normalised while reading: EXTRA's auto_increment is appended to the
 * type ("int(11) AUTO_INCREMENT"); MariaDB's default "NULL" (text) is no
 * default; a foreign key's implicit index is left out.  MySQL keeps a
 * UNIQUE constraint as a unique index, so which is which is told by the
 * name: a unique index named "ix_..." (create_all's and SQLAlchemy's
 * names for Column(index=True)) is an index, any other (an unnamed
 * constraint's "email", "email_2", a named one's "uq_...") a UNIQUE
 * constraint ("uniques"). */
#include "data/dialect.h"
#include "data/migrate/internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SCRATCH_SUFFIX "_scratch"

/* [schema, table]: the database is always named, never DATABASE() —
 * MariaDB folds DATABASE() into a prepared statement when it prepares
 * it, so a cached statement would go on reading the database it was
 * prepared in after USE. */
static json_t *params2(const char *schema, const char *table)
{
	json_t *p = json_array();
	json_array_append_new(p, json_string(schema));
	json_array_append_new(p, json_string(table));
	return p;
}
#define LOCK_SECONDS "30"

static fl_err read_columns(fl_db *db, const char *schema, const char *table, json_t *t)
{
	json_t *rows, *row, *cols = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, "
		"c.IS_NULLABLE AS nullable, c.COLUMN_DEFAULT AS dflt, c.EXTRA AS extra, "
		"COALESCE(k.ORDINAL_POSITION, 0) AS pk FROM information_schema.COLUMNS c "
		"LEFT JOIN information_schema.KEY_COLUMN_USAGE k ON k.TABLE_SCHEMA = c.TABLE_SCHEMA "
		"AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME "
		"AND k.CONSTRAINT_NAME = 'PRIMARY' "
		"WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION",
		params2(schema, table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *extra = fl_schema_str(row, "extra");
		json_t *d = json_object_get(row, "dflt");
		char type[256];
		snprintf(type, sizeof type, "%s%s", fl_schema_str(row, "type"),
			strcasestr(extra, "auto_increment") ? " AUTO_INCREMENT" : "");
		bool no_default = !json_is_string(d) || strcmp(json_string_value(d), "NULL") == 0;
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b, s:O, s:I, s:I}",
			"name", fl_schema_str(row, "name"), "type", type,
			"notnull", strcmp(fl_schema_str(row, "nullable"), "NO") == 0,
			"default", no_default ? json_null() : d,
			"pk", (json_int_t)fl_schema_num(row, "pk"),
			"hidden", (json_int_t)(strcasestr(extra, "GENERATED") ? 2 : 0)));
	}
	json_object_set_new_nocheck(t, "columns", cols);
	return FL_OK;
}

static fl_err read_foreign_keys(fl_db *db, const char *schema, const char *table, json_t *t)
{
	json_t *rows, *row, *fks = json_array(), *fk = NULL, *names = json_array();
	json_t *fk_names = json_array();
	const char *name = NULL;
	size_t i;
	fl_err err = fl_db_query(db, "SELECT r.CONSTRAINT_NAME AS name, "
		"r.REFERENCED_TABLE_NAME AS t, r.UPDATE_RULE AS upd, r.DELETE_RULE AS del, "
		"r.MATCH_OPTION AS mt, k.COLUMN_NAME AS f, k.REFERENCED_COLUMN_NAME AS o "
		"FROM information_schema.REFERENTIAL_CONSTRAINTS r "
		"JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA "
		"AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME "
		"WHERE r.CONSTRAINT_SCHEMA = ? AND r.TABLE_NAME = ? "
		"ORDER BY r.CONSTRAINT_NAME, k.ORDINAL_POSITION", params2(schema, table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		if (!fk || strcmp(fl_schema_str(row, "name"), name) != 0) {
			name = fl_schema_str(row, "name");
			fk = json_pack("{s:[], s:s, s:[], s:s, s:s, s:s}", "from",
				"table", fl_schema_str(row, "t"), "to",
				"on_update", fl_schema_str(row, "upd"), "on_delete", fl_schema_str(row, "del"),
				"match", fl_schema_str(row, "mt"));
			json_array_append_new(fks, fk);
			json_array_append_new(fk_names, json_string(name));
			json_array_append_new(names, json_string(name));
			/* its implicit index is named after the constraint or its first column */
			json_array_append_new(names, json_string(fl_schema_str(row, "f")));
		}
		json_array_append_new(json_object_get(fk, "from"), json_string(fl_schema_str(row, "f")));
		json_array_append_new(json_object_get(fk, "to"), json_string(fl_schema_str(row, "o")));
	}
	json_object_set_new_nocheck(t, "fks", fks);
	json_object_set_new_nocheck(t, "fk_names", fk_names);
	json_object_set_new_nocheck(t, "_fk_index_names", names);
	return FL_OK;
}

/* File the index `x` (its columns complete) as an index, a UNIQUE
 * constraint, or nothing (a foreign key's implicit index). */
static void file_index(json_t *t, json_t *x, json_t *indexes, json_t *uniques,
	json_t *unique_names)
{
	const char *name = fl_schema_str(x, "name");
	json_t *cols = json_object_get(x, "columns");
	const char *first = json_string_value(json_array_get(cols, 0));
	bool unique = json_is_true(json_object_get(x, "unique"));
	json_t *fk_names = json_object_get(t, "_fk_index_names");
	json_t *jname = json_string(name);
	bool fk_index = !unique && fl_schema_set_has(fk_names, jname);
	json_decref(jname);
	if (fk_index)
		return;
	if (unique && first && strncmp(name, "ix_", 3) != 0) {
		json_array_append(uniques, cols);
		json_array_append_new(unique_names, json_string(name));
	} else
		json_array_append(indexes, x);
}

static fl_err read_indexes(fl_db *db, const char *schema, const char *table, json_t *t)
{
	json_t *rows, *row, *indexes = json_array(), *uniques = json_array(), *x = NULL;
	json_t *unique_names = json_array();
	size_t i;
	fl_err err = fl_db_query(db, "SELECT INDEX_NAME AS name, NON_UNIQUE AS nu, "
		"COLUMN_NAME AS col, COLLATION AS coll, SUB_PART AS sub "
		"FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? "
		"AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
		params2(schema, table), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *name = fl_schema_str(row, "name");
		char col[512];
		if (!x || strcmp(fl_schema_str(x, "name"), name) != 0) {
			if (x)
				file_index(t, x, indexes, uniques, unique_names);
			x = json_pack("{s:s, s:b, s:[], s:b, s:s}", "name", name,
				"unique", fl_schema_num(row, "nu") == 0, "columns", "partial", 0, "sql", "");
		}
		long long sub = fl_schema_num(row, "sub");
		int n = snprintf(col, sizeof col, "%s", fl_schema_str(row, "col"));
		if (sub && n > 0 && (size_t)n < sizeof col)
			n += snprintf(col + n, sizeof col - (size_t)n, "(%lld)", sub);
		if (strcmp(fl_schema_str(row, "coll"), "D") == 0 && n > 0 && (size_t)n < sizeof col)
			snprintf(col + n, sizeof col - (size_t)n, " DESC");
		json_array_append_new(json_object_get(x, "columns"), json_string(col));
	}
	if (x)
		file_index(t, x, indexes, uniques, unique_names);
	json_object_set_new_nocheck(t, "indexes", indexes);
	json_object_set_new_nocheck(t, "uniques", uniques);
	json_object_set_new_nocheck(t, "unique_names", unique_names);
	json_object_del(t, "_fk_index_names");
	return FL_OK;
}

/* The tables of database `schema_name`. */
static fl_err read_database(fl_db *db, const char *schema, json_t **out)
{
	json_t *rows, *row;
	size_t i;
	*out = json_object();
	fl_err err = fl_db_query(db, "SELECT TABLE_NAME AS name FROM information_schema.TABLES "
		"WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
		fl_schema_params1(schema), &rows);
	if (err)
		return err;
	json_array_foreach(rows, i, row) {
		const char *name = fl_schema_str(row, "name");
		if (fl_schema_ignored(name))
			continue;
		json_t *t = json_pack("{s:s, s:s, s:b, s:[]}", "name", name, "sql", "",
			"autoincrement", 0, "triggers");
		json_object_set_new(*out, name, t);
		if ((err = read_columns(db, schema, name, t)) ||
		    (err = read_foreign_keys(db, schema, name, t)) ||
		    (err = read_indexes(db, schema, name, t)))
			return err;
	}
	return FL_OK;
}

/* The connection's database (its home: USE changes it only inside
 * fl_schema_target_mysql, which goes back). */
static fl_err current_database(fl_db *db, const char **name)
{
	json_t *rows;
	fl_err err = fl_db_query(db, "SELECT DATABASE() AS db", NULL, &rows);
	*name = err ? "" : fl_schema_str(json_array_get(rows, 0), "db");
	if (!err && !**name)
		err = fl_db_set_error(db, FL_ECONFIG, NULL, NULL, "no database selected");
	return err;
}

fl_err fl_schema_read_mysql(fl_db *db, json_t **schema)
{
	const char *name;
	fl_err err = current_database(db, &name);
	if (err) {
		*schema = json_object();
		return err;
	}
	return read_database(db, name, schema);
}

/* "USE x;\n" or "DROP DATABASE IF EXISTS x;\n" for the database `name`. */
static const char *on_database(fl_arena *a, const char *verb, const char *name)
{
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_printf(&b, "%s ", verb);
	fl_sql_put_ident(&b, name);
	fl_buf_puts(&b, ";\n");
	return fl_buf_cstr(&b);
}

/* create_all in `scratch` (made empty first), read back; `home` is used
 * again and the scratch dropped whatever happened. */
static fl_err build_in(fl_db *db, const fl_model *const *models, fl_arena *a, const char *home,
	const char *scratch, json_t **schema)
{
	fl_err err = fl_db_exec_script(db, on_database(a, "DROP DATABASE IF EXISTS", scratch));
	if (!err)
		err = fl_db_exec_script(db, on_database(a, "CREATE DATABASE", scratch));
	if (!err)
		err = fl_db_exec_script(db, on_database(a, "USE", scratch));
	if (!err)
		err = fl_create_all(db, a, models);
	if (!err)
		err = read_database(db, scratch, schema);
	const char *why = err ? fl_arena_strdup(a, fl_db_errmsg(db)) : NULL;
	fl_err back = fl_db_exec_script(db, on_database(a, "USE", home));
	fl_db_exec_script(db, on_database(a, "DROP DATABASE IF EXISTS", scratch));
	if (!err && back)
		return back;
	if (err)
		fl_db_set_error(db, err, NULL, NULL, "%s", why);
	return err;
}

fl_err fl_schema_target_mysql(fl_db *report, const fl_model *const *models, fl_arena *a,
	json_t **schema)
{
	json_t *rows;
	const char *home;
	if (fl_db_in_transaction(report))
		return fl_db_set_error(report, FL_EINVAL, NULL, NULL, "cannot build the models' "
			"schema inside an open transaction");
	fl_err err = current_database(report, &home);
	if (err)
		return err;
	home = fl_arena_strdup(a, home);
	const char *scratch = fl_arena_printf(a, "%s" SCRATCH_SUFFIX, home);
	err = fl_db_query(report, "SELECT GET_LOCK(?, " LOCK_SECONDS ") AS ok",
		fl_schema_params1(scratch), &rows);
	if (!err && fl_schema_num(json_array_get(rows, 0), "ok") != 1)
		err = fl_db_set_error(report, FL_EBUSY, NULL, NULL, "another db check holds the "
			"scratch database %s", scratch);
	if (!err) {
		err = build_in(report, models, a, home, scratch, schema);
		const char *why = err ? fl_arena_strdup(a, fl_db_errmsg(report)) : NULL;
		fl_db_query(report, "SELECT RELEASE_LOCK(?) AS ok", fl_schema_params1(scratch), &rows);
		if (err)
			fl_db_set_error(report, err, NULL, NULL, "%s", why);
	}
	if (err)
		return fl_db_set_error(report, err, NULL, NULL, "cannot build the models' schema in "
			"the scratch database %s (the user needs GRANT ALL ON %s.* there): %s", scratch,
			scratch, fl_arena_strdup(a, fl_db_errmsg(report)));
	return FL_OK;
}
