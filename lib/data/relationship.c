/* relationship.c — resolving a relationship by name, on its model or as
 * the backref of another: its direction, keys and association table.
 * See internal.h. */
#include "data/internal.h"

#include <stdio.h>
#include <string.h>

/* The foreign key column of `child` that references `parent` (only the
 * column named `only` if given; never `skip`, so a self-referential
 * association table finds its two different columns), and the referenced
 * column in *ref.  NULL when there is none. */
static const fl_column *fk_to(const fl_model *child, const fl_model *parent, const char *only,
	const fl_column *skip, const fl_column **ref)
{
	for (const fl_column *c = child->columns; c->name; c++) {
		if (c == skip || (only && strcmp(c->name, only) != 0))
			continue;
		if ((*ref = fl_column_references(c, parent)))
			return c;
	}
	return NULL;
}

static bool resolve_secondary(fl_rel *r, const fl_relationship *d)
{
	const fl_column *lref, *tref;
	r->kind = FL_REL_MANY_TO_MANY;
	r->secondary = d->secondary;
	r->sec_local = fk_to(d->secondary, r->from, NULL, NULL, &lref);
	r->sec_remote = r->sec_local ? fk_to(d->secondary, r->target, NULL, r->sec_local, &tref) : NULL;
	if (!r->sec_remote)
		return false;
	r->local = lref;
	r->target_key = tref;
	r->remote = r->sec_local;
	return true;
}

/* The direction of declaration `d` on `from`: a foreign key on the target
 * makes it one-to-many (tried first: SQLAlchemy's default for a
 * self-referential table), one on `from` many-to-one. */
static bool resolve_forward(fl_rel *r, const fl_model *from, const fl_relationship *d)
{
	const fl_column *ref, *fk;
	*r = (fl_rel){ .name = d->name, .from = from, .target = d->target, .order_by = d->order_by };
	if (d->secondary) {
		if (!resolve_secondary(r, d))
			return false;
	} else if ((fk = fk_to(d->target, from, d->foreign_key, NULL, &ref))) {
		*r = (fl_rel){ .name = d->name, .from = from, .target = d->target,
			.order_by = d->order_by, .kind = FL_REL_ONE_TO_MANY, .local = ref, .remote = fk };
	} else if ((fk = fk_to(from, d->target, d->foreign_key, NULL, &ref))) {
		*r = (fl_rel){ .name = d->name, .from = from, .target = d->target,
			.order_by = d->order_by, .kind = FL_REL_MANY_TO_ONE, .local = fk, .remote = ref };
	} else {
		return false;
	}
	r->uselist = d->uselist == FL_USELIST_DEFAULT ? r->kind != FL_REL_MANY_TO_ONE :
		d->uselist == FL_USELIST_TRUE;
	r->cascade = d->cascade;
	return true;
}

/* `f` (declared on the other model) seen from its target: sides swapped. */
static void invert(fl_rel *r, const fl_rel *f, const fl_relationship *d)
{
	*r = *f;
	r->name = d->backref;
	r->from = f->target;
	r->target = f->from;
	r->order_by = d->backref_order_by;
	r->cascade = d->backref_cascade;
	if (f->kind == FL_REL_MANY_TO_MANY) {
		r->sec_local = f->sec_remote;
		r->sec_remote = f->sec_local;
		r->remote = r->sec_local;
		r->local = f->target_key;
		r->target_key = f->local;
	} else {
		r->kind = f->kind == FL_REL_MANY_TO_ONE ? FL_REL_ONE_TO_MANY : FL_REL_MANY_TO_ONE;
		r->local = f->remote;
		r->remote = f->local;
	}
	/* A UNIQUE foreign key admits one row: db.backref(uselist=False). */
	if (d->backref_uselist == FL_USELIST_DEFAULT)
		r->uselist = r->kind == FL_REL_MANY_TO_MANY ||
			(r->kind == FL_REL_ONE_TO_MANY && !r->remote->unique);
	else
		r->uselist = d->backref_uselist == FL_USELIST_TRUE;
}

static bool find_backref(fl_db *db, const fl_model *m, const char *name, fl_rel *r)
{
	const fl_model *const *models = fl_db_models(db);
	for (size_t i = 0; models && models[i]; i++) {
		const fl_model *o = models[i];
		for (const fl_relationship *d = o->relationships; d && d->name; d++) {
			fl_rel f;
			if (d->backref && d->target == m && strcmp(d->backref, name) == 0 &&
			    resolve_forward(&f, o, d)) {
				invert(r, &f, d);
				return true;
			}
		}
	}
	return false;
}

/* Relationship `name` of `m`, declared on it or as a backref elsewhere. */
fl_err fl_rel_find(fl_db *db, const fl_model *m, const char *name, fl_rel *r)
{
	for (const fl_relationship *d = m->relationships; d && d->name; d++)
		if (strcmp(d->name, name) == 0 && resolve_forward(r, m, d))
			return FL_OK;
	if (find_backref(db, m, name, r))
		return FL_OK;
	return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
		"%s has no relationship %s%s", m->name ? m->name : fl_model_table(m), name,
		fl_db_models(db) ? "" : " (models not registered: fl_db_set_models)");
}

fl_err fl_rel_step(fl_db *db, fl_arena *a, const fl_model *m, const char *path,
	const char **p, fl_rel *r)
{
	const char *dot = strchrnul(*p, '.');
	if (dot == *p)
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"empty relationship name in %s", path);
	fl_err err = fl_rel_find(db, m, fl_arena_strndup(a, *p, (size_t)(dot - *p)), r);
	*p = *dot ? dot + 1 : NULL;
	return err;
}

/* order_by "col" or "-col" → the target's column and direction. */
fl_err fl_rel_order(fl_db *db, const fl_rel *r, const fl_column **col, bool *desc)
{
	*col = NULL;
	*desc = r->order_by && r->order_by[0] == '-';
	if (!r->order_by)
		return FL_OK;
	*col = fl_model_column(r->target, r->order_by + *desc);
	return *col ? FL_OK : fl_data_unknown_column(db, r->target, r->order_by + *desc);
}

/* Every relationship of `m`, declared or backref: counted, then filled. */
static size_t collect(fl_db *db, const fl_model *m, fl_rel *out)
{
	size_t n = 0;
	fl_rel r;
	for (const fl_relationship *d = m->relationships; d && d->name; d++) {
		if (!resolve_forward(&r, m, d))
			continue;
		if (out)
			out[n] = r;
		n++;
	}
	const fl_model *const *models = fl_db_models(db);
	for (size_t i = 0; models && models[i]; i++)
		for (const fl_relationship *d = models[i]->relationships; d && d->name; d++) {
			fl_rel f;
			if (!d->backref || d->target != m || !resolve_forward(&f, models[i], d))
				continue;
			if (out)
				invert(&out[n], &f, d);
			n++;
		}
	return n;
}

fl_err fl_rel_list(fl_db *db, const fl_model *m, fl_arena *a, fl_rel **out, size_t *n)
{
	*n = collect(db, m, NULL);
	*out = *n ? fl_arena_calloc(a, *n, sizeof **out) : NULL;
	if (*n && !*out)
		return fl_db_set_error(db, FL_ENOMEM, fl_model_table(m), NULL, "out of memory");
	collect(db, m, *out);
	return FL_OK;
}
