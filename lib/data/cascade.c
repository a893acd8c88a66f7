/* cascade.c — what session.delete(row) does to the rows related to it,
 * SQLAlchemy's way: children of a cascade="delete" relationship are
 * deleted (each with its own cascades), other children of a one-to-many
 * get their foreign key set to NULL, the association rows of every
 * many-to-many go, and a many-to-one with cascade="delete" deletes its
 * parent after the row.  One unit of work: any failure poisons it.
 * See fl_db_delete in query.h. */
#include "data/internal.h"

#include <stdio.h>
#include <string.h>

/* Deeper cascades than this are refused (a cycle in the data). */
#define CASCADE_MAX_DEPTH 64

/* Does deleting a row through `r` touch other rows? */
static bool acts_on_delete(const fl_rel *r)
{
	return r->kind != FL_REL_MANY_TO_ONE || (r->cascade & FL_CASCADE_DELETE);
}

/* The relationships of `m` that act on delete, in *rels (from `a`). */
static fl_err acting(fl_db *db, const fl_model *m, fl_arena *a, fl_rel **rels, size_t *n)
{
	fl_rel *all;
	size_t total;
	fl_err err = fl_rel_list(db, m, a, &all, &total);
	*n = 0;
	*rels = all;
	for (size_t i = 0; !err && i < total; i++)
		if (acts_on_delete(&all[i]))
			all[(*n)++] = all[i];
	return err;
}

/* Delete each row of `rows` (of `m`) with its cascades. */
static fl_err delete_each(fl_db *db, const fl_model *m, json_t *rows, int depth)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		fl_err err = fl_delete_cascade(db, m, row, depth + 1);
		if (err)
			return err;
	}
	return FL_OK;
}

/* The children of a one-to-many whose foreign key holds `key`: deleted
 * (cascade delete) or detached (foreign key set to NULL). */
static fl_err one_to_many(fl_db *db, fl_arena *a, const fl_rel *r, json_t *key, int depth)
{
	fl_match k = fl_match_on(r->target, r->remote, key);
	if (!(r->cascade & FL_CASCADE_DELETE)) {
		fl_err err = fl_match_update(db, &k, r->remote, NULL, NULL);
		if (err == FL_ECONSTRAINT && !fl_column_nullable(r->remote))
			fl_db_set_error(db, err, fl_model_table(r->target), r->remote->name,
				"cannot set %s.%s to NULL (NOT NULL) for the %s of the deleted %s row: "
				"delete them first or declare cascade='all, delete-orphan' "
				"(FL_CASCADE_ALL_DELETE_ORPHAN)", fl_model_table(r->target), r->remote->name,
				r->name, fl_model_table(r->from));
		return err;
	}
	fl_rel *sub;
	size_t n;
	fl_err err = acting(db, r->target, a, &sub, &n);
	if (!err && !n)   /* nothing below them: one statement for all */
		return fl_match_delete(db, &k, NULL);
	json_t *children;
	if (!err)
		err = fl_match_select(db, &k, &children);
	return err ? err : delete_each(db, r->target, children, depth);
}

/* The rows of r->target linked to `key` through the association table. */
static fl_err linked_targets(fl_db *db, const fl_rel *r, json_t *key, json_t **targets)
{
	json_t *links, *link;
	fl_match k = fl_match_on(r->secondary, r->sec_local, key);
	fl_err err = fl_match_select(db, &k, &links);
	*targets = json_array();
	size_t i;
	json_array_foreach(links, i, link) {
		json_t *rows;
		fl_match t = fl_match_on(r->target, r->target_key, json_object_get(link, r->sec_remote->name));
		if (!err)
			err = fl_match_select(db, &t, &rows);
		if (!err)
			json_array_extend(*targets, rows);
	}
	return err;
}

/* The association rows of a many-to-many; with cascade delete, *later
 * gets the targets, deleted after the row. */
static fl_err many_to_many(fl_db *db, const fl_rel *r, json_t *key, json_t **later)
{
	fl_err err = FL_OK;
	*later = NULL;
	if (r->cascade & FL_CASCADE_DELETE)
		err = linked_targets(db, r, key, later);
	fl_match k = fl_match_on(r->secondary, r->sec_local, key);
	return err ? err : fl_match_delete(db, &k, NULL);
}

/* Every step of deleting `cur` (the row as stored) and what its
 * relationships `rels` say. */
static fl_err delete_with(fl_db *db, fl_arena *a, const fl_model *m, json_t *cur,
	const fl_match *self, const fl_rel *rels, size_t n, int depth)
{
	json_t **later = fl_arena_calloc(a, n, sizeof *later);
	fl_err err = FL_OK;
	for (size_t i = 0; !err && i < n; i++) {
		json_t *key = json_object_get(cur, rels[i].local->name);
		if (!key || json_is_null(key))
			continue;
		if (rels[i].kind == FL_REL_ONE_TO_MANY)
			err = one_to_many(db, a, &rels[i], key, depth);
		else if (rels[i].kind == FL_REL_MANY_TO_MANY)
			err = many_to_many(db, &rels[i], key, &later[i]);
		else {   /* many-to-one with cascade delete: the parent, after the row */
			fl_match parent = fl_match_on(rels[i].target, rels[i].remote, key);
			err = fl_match_select(db, &parent, &later[i]);
		}
	}
	if (!err)
		err = fl_match_delete(db, self, NULL);
	for (size_t i = 0; !err && i < n; i++)
		if (later[i])
			err = delete_each(db, rels[i].target, later[i], depth);
	return err;
}

fl_err fl_delete_cascade(fl_db *db, const fl_model *m, json_t *row, int depth)
{
	fl_match self;
	fl_err err = fl_match_identity(db, m, row, &self);
	if (err)
		return err;
	if (depth > CASCADE_MAX_DEPTH)
		return fl_db_poison(db, fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"delete cascade deeper than %d levels at %s (a cycle?)", CASCADE_MAX_DEPTH,
			fl_model_table(m)));
	fl_arena *a = fl_arena_new(1024);
	fl_rel *rels;
	size_t n;
	int changes = 0;
	json_t *cur = NULL;
	err = acting(db, m, a, &rels, &n);
	if (!err && !n) {   /* no relationship acts: the plain DELETE */
		err = fl_match_delete(db, &self, &changes);
		if (!err && !changes)
			err = fl_data_not_found(db, m, self.n ? self.vals[0] : NULL);
	} else if (!err) {
		/* The stored row (the caller's may hold only the key), read
		 * under the write lock so nothing changes before the deletes. */
		err = fl_db_begin(db);
		if (!err)
			err = fl_match_select(db, &self, &cur);
		if (!err && !json_array_size(cur))
			err = fl_data_not_found(db, m, self.n ? self.vals[0] : NULL);
		if (!err)
			err = delete_with(db, a, m, json_array_get(cur, 0), &self, rels, n, depth);
		if (err && (depth || err != FL_ENOTFOUND))   /* half-deleted: roll back */
			fl_db_poison(db, err);
	}
	fl_arena_free(a);
	return err;
}
