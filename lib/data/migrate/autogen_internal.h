/* autogen_internal.h — what the files of `db migrate` share; not a public header.
 * autogen.c compares and writes the revision, autogen_sqlite.c spells a
 * changed table for SQLite (ALTER or the 12-step rebuild), and
 * autogen_render.c spells the operations for any dialect with ALTER. */
#ifndef FL_MIGRATE_AUTOGEN_INTERNAL_H
#define FL_MIGRATE_AUTOGEN_INTERNAL_H

#include "data/dialect.h"
#include "data/migrate/internal.h"

/* One comparison, whatever the live database's dialect: the schemas as
 * fl_schema_read gives them (both read by the live database's reader),
 * their differences (fl_schema_compare_json) and the tables in creation
 * order (the models' order, then the rest by name).  Everything in `a`. */
typedef struct fl_autogen_in {
	fl_arena *a;
	const fl_model *const *models;   /* NULL-terminated */
	json_t *live, *target, *diffs, *order;
	fl_dialect_id live_dialect;      /* who read live and target */
	bool drop_unknown;               /* FL_AUTOGEN_DROP_UNKNOWN */
} fl_autogen_in;

/* fl_autogen_render — the upgrade and downgrade SQL (in in->a; "" when
 * nothing) that turn the live schema into the models' on a database of
 * dialect `id`, with ALTER TABLE where that dialect has it and a
 * "-- WARNING:" comment in place of what it cannot do (autogen_render.c
 * lists the operations).  Types, defaults and CREATE TABLE come from the
 * models through `id`'s dialect; what only the live database knows (a
 * dropped column's type) is written as it was read, with a WARNING when
 * `id` is not in->live_dialect. */
void fl_autogen_render(const fl_autogen_in *in, fl_dialect_id id, const char **up,
	const char **down);

/* A revision being generated against a SQLite database: its plain parts. */
struct fl_autogen {
	fl_arena *a;
	const fl_model *const *models;
	json_t *live, *target;    /* schemas (internal.h) */
	json_t *diffs;
	fl_buf up;                /* upgrade SQL, in order */
	const char **down;        /* downgrade chunks, applied in reverse */
	size_t n_down, cap_down;
	fl_buf warnings;          /* one line each, at the top of the file and on stderr */
	fl_buf notes;             /* one line each, only on stderr (the file has them in place) */
	bool fk_off;              /* the revision needs "-- foreign_keys: off" */
	bool drop_unknown;        /* FL_AUTOGEN_DROP_UNKNOWN */
};

/* o[key] as a string, "" when absent. */
const char *fl_autogen_str(json_t *o, const char *key);

/* Add one line (printf-style) to g->warnings. */
void fl_autogen_warn(struct fl_autogen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Push a downgrade chunk (written last pushed first). */
void fl_autogen_push_down(struct fl_autogen *g, const char *sql);

/* `name` quoted as an identifier, in g->a. */
const char *fl_autogen_ident(struct fl_autogen *g, const char *name);

/* The non-abstract model of `table` (compared without case), or NULL. */
const fl_model *fl_autogen_model_for(const fl_model *const *models, const char *table);

/* Append the explicit indexes' / the triggers' SQL of schema table `x`,
 * one statement each ending in ";\n". */
void fl_autogen_put_indexes(fl_buf *b, json_t *x);
void fl_autogen_put_triggers(fl_buf *b, json_t *x);

/* fl_autogen_sqlite_table — append to g->up (and push the downgrade)
 * the SQLite statements that turn live table `f` into the models' `x`:
 * ALTER TABLE ADD COLUMN / CREATE and DROP INDEX when only those differ,
 * else the 12-step rebuild (g->fk_off set).  Errors: FL_EINVAL (a
 * CREATE TABLE text that cannot be renamed). */
fl_err fl_autogen_sqlite_table(struct fl_autogen *g, const char *name, json_t *f, json_t *x);

#endif
