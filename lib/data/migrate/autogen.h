/* autogen.h — what autogen.c hands the per-dialect rendering of a
 * generated revision (autogen_render.c); not a public header. */
#ifndef FL_MIGRATE_AUTOGEN_H
#define FL_MIGRATE_AUTOGEN_H

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

#endif
