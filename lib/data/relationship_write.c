/* relationship_write.c — append, remove, set and contains through a
 * relationship by name (SQLAlchemy's collections and scalar attributes).
 * See relationship.h. */
#include "data/relationship.h"
#include "data/internal.h"

#include <string.h>

static const char *model_name(const fl_model *m)
{
	return m->name ? m->name : fl_model_table(m);
}

/* `row` must be an object whose scalar values are all columns of `m`
 * (arrays and objects are loaded relationships, and so may be a null that
 * is not a column: a loaded scalar relationship holding None). */
static fl_err check_shape(fl_db *db, const fl_model *m, json_t *row, const char *what)
{
	const char *key;
	json_t *v;
	fl_rel r;
	if (!json_is_object(row))
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"%s must be a %s row (a JSON object)", what, model_name(m));
	json_object_foreach(row, key, v)
		if (fl_json_is_scalar(v) && !fl_model_column(m, key) &&
		    !(json_is_null(v) && fl_rel_find(db, m, key, &r) == FL_OK))
			return fl_db_set_error(db, FL_EINVAL, fl_model_table(m), key,
				"%s is not a %s row: %s has no column %s", what, model_name(m),
				fl_model_table(m), key);
	return FL_OK;
}

/* The value of column `c` in `row`, or NULL when missing or null. */
static json_t *val(json_t *row, const fl_column *c)
{
	json_t *v = json_object_get(row, c->name);
	return v && !json_is_null(v) ? v : NULL;
}

/* Has `row` of `m` been saved (a primary key value)? */
static bool saved(const fl_model *m, json_t *row)
{
	const fl_column *pk = fl_model_primary_key(m);
	return pk && val(row, pk);
}

/* Resolve `name` and check both rows; `other` may be NULL only if
 * `other_optional`. */
static fl_err prepare(fl_db *db, const fl_model *m, json_t *row, const char *name, json_t *other,
	bool other_optional, fl_rel *r)
{
	if (!db)
		return FL_EINVAL;
	if (!m || !name)
		return fl_db_set_error(db, FL_EINVAL, NULL, NULL, "no model or relationship name");
	fl_err err = fl_rel_find(db, m, name, r);
	if (!err)
		err = check_shape(db, m, row, "row");
	if (!err && (other || !other_optional))
		err = check_shape(db, r->target, other, "other");
	return err;
}

static fl_err need_collection(fl_db *db, const fl_rel *r, bool collection)
{
	if (r->uselist == collection)
		return FL_OK;
	return fl_db_set_error(db, FL_EINVAL, fl_model_table(r->from), NULL,
		collection ? "%s.%s is not a collection (uselist=False): use fl_relationship_set" :
		"%s.%s is a collection: use fl_relationship_append/remove", model_name(r->from), r->name);
}

/* The key of the relationship's own side in `row` (it must be saved). */
static fl_err own_key(fl_db *db, const fl_rel *r, json_t *row, json_t **key)
{
	*key = val(row, r->local);
	if (*key)
		return FL_OK;
	return fl_db_set_error(db, FL_EINVAL, fl_model_table(r->from), r->local->name,
		"the %s row has no %s yet: add it (fl_db_add) before writing through %s",
		model_name(r->from), r->local->name, r->name);
}

static fl_err not_in(fl_db *db, const fl_rel *r)
{
	return fl_db_set_error(db, FL_ENOTFOUND, fl_model_table(r->target), NULL,
		"the %s row is not in %s.%s (list.remove(x): x not in list)", model_name(r->target),
		model_name(r->from), r->name);
}

/* The saved `other` by its primary key, with an optional extra condition. */
static fl_err other_match(fl_db *db, const fl_rel *r, json_t *other, const fl_column *c,
	json_t *v, fl_match *k)
{
	fl_err err = fl_match_identity(db, r->target, other, k);
	if (!err && c)
		fl_match_and(k, c, v);
	return err;
}

/* ---- the loaded JSON ---- */

static bool same_row(const fl_model *m, json_t *a, json_t *b)
{
	const fl_column *pk = fl_model_primary_key(m);
	return a == b || (pk && val(a, pk) && json_equal(val(a, pk), val(b, pk)));
}

/* The index of `other` in the loaded collection `name` of `row`: -1
 * when absent, -2 when the collection was not loaded. */
static long loaded_index(const fl_rel *r, json_t *row, json_t *other)
{
	json_t *list = json_object_get(row, r->name), *v;
	size_t i;
	if (!json_is_array(list))
		return -2;
	json_array_foreach(list, i, v)
		if (same_row(r->target, v, other))
			return (long)i;
	return -1;
}

/* Add `other` to the loaded collection `name` of `row`, if loaded. */
static void loaded_add(const fl_rel *r, json_t *row, json_t *other)
{
	if (loaded_index(r, row, other) == -1)
		json_array_append(json_object_get(row, r->name), other);
}

static void loaded_drop(const fl_rel *r, json_t *row, json_t *other)
{
	long i = loaded_index(r, row, other);
	if (i >= 0)
		json_array_remove(json_object_get(row, r->name), (size_t)i);
}

/* row.name = other in the JSON, when that attribute was loaded. */
static void loaded_set(const fl_rel *r, json_t *row, json_t *other)
{
	if (json_object_get(row, r->name))
		json_object_set(row, r->name, other ? other : json_null());
}

/* ---- writing ---- */

/* Save an unsaved `other` (INSERT, with `fk` = `key` if given). */
static fl_err save_other(fl_db *db, const fl_rel *r, json_t *other, const fl_column *fk,
	json_t *key)
{
	if (fk)
		json_object_set(other, fk->name, key);
	return fl_db_add(db, r->target, other);
}

/* UPDATE the saved `other` SET fk = key; its row must exist. */
static fl_err update_other(fl_db *db, const fl_rel *r, json_t *other, const fl_column *fk,
	json_t *key)
{
	fl_match k;
	int changes = 0;
	fl_err err = other_match(db, r, other, NULL, NULL, &k);
	if (!err)
		err = fl_match_update(db, &k, fk, key, &changes);
	if (!err && !changes)
		return fl_db_set_error(db, FL_ENOTFOUND, fl_model_table(r->target), NULL,
			"the %s row to link is not in %s", model_name(r->target), fl_model_table(r->target));
	if (!err)
		json_object_set(other, fk->name, key ? key : json_null());
	return err;
}

/* A clearer message for NULL into a NOT NULL foreign key. */
static fl_err explain_not_null(fl_db *db, fl_err err, const fl_model *m, const fl_column *fk)
{
	if (err != FL_ECONSTRAINT || fl_column_nullable(fk))
		return err;
	return fl_db_set_error(db, err, fl_model_table(m), fk->name,
		"cannot set %s.%s to NULL (NOT NULL): delete the row instead, or declare "
		"cascade='all, delete-orphan' (FL_CASCADE_ALL_DELETE_ORPHAN)",
		fl_model_table(m), fk->name);
}

/* Detach (foreign key NULL) or, with delete-orphan, delete a child that
 * leaves a one-to-many or one-to-one. */
static fl_err orphan(fl_db *db, const fl_rel *r, json_t *child)
{
	if (r->cascade & FL_CASCADE_DELETE_ORPHAN)
		return fl_delete_cascade(db, r->target, child, 0);
	return explain_not_null(db, update_other(db, r, child, r->remote, NULL), r->target, r->remote);
}

/* The link row of a many-to-many between `key` and `okey`. */
static fl_match link_of(const fl_rel *r, json_t *key, json_t *okey)
{
	fl_match k = fl_match_on(r->secondary, r->sec_local, key);
	fl_match_and(&k, r->sec_remote, okey);
	return k;
}

static fl_err append_link(fl_db *db, const fl_rel *r, json_t *key, json_t *other)
{
	fl_err err = saved(r->target, other) ? FL_OK : save_other(db, r, other, NULL, NULL);
	json_t *okey = err ? NULL : val(other, r->target_key);
	if (!err && !okey)
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(r->target), r->target_key->name,
			"the %s row has no %s", model_name(r->target), r->target_key->name);
	bool found = false;
	fl_match k = link_of(r, key, okey);
	if (!err)
		err = fl_match_exists(db, &k, &found);
	if (err || found)
		return err;
	json_t *link = json_object();
	json_object_set(link, r->sec_local->name, key);
	json_object_set(link, r->sec_remote->name, okey);
	return fl_db_add(db, r->secondary, link);
}

fl_err fl_relationship_append(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other)
{
	fl_rel r;
	json_t *key;
	fl_err err = prepare(db, m, row, name, other, false, &r);
	if (!err)
		err = need_collection(db, &r, true);
	if (!err)
		err = own_key(db, &r, row, &key);
	if (!err && r.kind == FL_REL_MANY_TO_MANY)
		err = append_link(db, &r, key, other);
	else if (!err)
		err = saved(r.target, other) ? update_other(db, &r, other, r.remote, key) :
			save_other(db, &r, other, r.remote, key);
	if (!err)
		loaded_add(&r, row, other);
	return err;
}

fl_err fl_relationship_remove(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other)
{
	fl_rel r;
	json_t *key;
	bool found = false;
	fl_err err = prepare(db, m, row, name, other, false, &r);
	if (!err)
		err = need_collection(db, &r, true);
	if (!err)
		err = own_key(db, &r, row, &key);
	if (err)
		return err;
	if (r.kind == FL_REL_MANY_TO_MANY) {
		json_t *okey = val(other, r.target_key);
		int changes = 0;
		fl_match k = link_of(&r, key, okey);
		err = okey ? fl_match_delete(db, &k, &changes) : FL_OK;
		if (!err && !changes)
			return not_in(db, &r);
	} else {
		fl_match k;
		if (!saved(r.target, other))
			return not_in(db, &r);
		err = other_match(db, &r, other, r.remote, key, &k);
		if (!err)
			err = fl_match_exists(db, &k, &found);
		if (!err && !found)
			return not_in(db, &r);
		if (!err)
			err = orphan(db, &r, other);
	}
	if (!err)
		loaded_drop(&r, row, other);
	return err;
}

/* many-to-one: row's own foreign key. */
static fl_err set_many_to_one(fl_db *db, const fl_rel *r, const fl_model *m, json_t *row,
	json_t *other)
{
	fl_err err = other && !saved(r->target, other) ? save_other(db, r, other, NULL, NULL) : FL_OK;
	json_t *v = other && !err ? val(other, r->remote) : NULL;
	if (!err && other && !v)
		return fl_db_set_error(db, FL_EINVAL, fl_model_table(r->target), r->remote->name,
			"the %s row has no %s", model_name(r->target), r->remote->name);
	if (!err && saved(m, row)) {
		fl_match k;
		int changes = 0;
		err = fl_match_identity(db, m, row, &k);
		if (!err)
			err = explain_not_null(db, fl_match_update(db, &k, r->local, v, &changes), m,
				r->local);
		if (!err && !changes)
			err = fl_db_set_error(db, FL_ENOTFOUND, fl_model_table(m), NULL,
				"the %s row is not in %s", model_name(m), fl_model_table(m));
	}
	if (!err)
		json_object_set(row, r->local->name, v ? v : json_null());
	return err;
}

/* one-to-one whose foreign key is on the other side: the previous holder
 * lets go first (the key may be UNIQUE), then `other` takes it. */
static fl_err set_one_to_one(fl_db *db, const fl_rel *r, json_t *row, json_t *other)
{
	json_t *key, *holders, *h;
	fl_err err = own_key(db, r, row, &key);
	fl_match k = fl_match_on(r->target, r->remote, key);
	if (!err)
		err = fl_match_select(db, &k, &holders);
	if (err)
		return err;
	size_t i;
	json_array_foreach(holders, i, h)
		if (!err && !(other && same_row(r->target, h, other)))
			err = orphan(db, r, h);
	if (!err && other)
		err = saved(r->target, other) ? update_other(db, r, other, r->remote, key) :
			save_other(db, r, other, r->remote, key);
	/* Something may have been written already: all or nothing. */
	return err && json_array_size(holders) ? fl_db_poison(db, err) : err;
}

fl_err fl_relationship_set(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other)
{
	fl_rel r;
	fl_err err = prepare(db, m, row, name, other, true, &r);
	if (!err)
		err = need_collection(db, &r, false);
	if (!err && r.kind == FL_REL_MANY_TO_MANY)
		err = fl_db_set_error(db, FL_EINVAL, fl_model_table(m), NULL,
			"%s.%s: a scalar many-to-many (uselist=False with secondary) cannot be set; "
			"declare it as a collection", model_name(m), name);
	if (!err)
		err = r.kind == FL_REL_MANY_TO_ONE ? set_many_to_one(db, &r, m, row, other) :
			set_one_to_one(db, &r, row, other);
	if (!err)
		loaded_set(&r, row, other);
	return err;
}

fl_err fl_relationship_contains(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other, bool *in)
{
	fl_rel r;
	fl_match k;
	*in = false;
	fl_err err = prepare(db, m, row, name, other, false, &r);
	if (!err)
		err = need_collection(db, &r, true);
	json_t *key = err ? NULL : val(row, r.local);
	if (err || !key)
		return err;
	if (r.kind == FL_REL_MANY_TO_MANY) {
		json_t *okey = val(other, r.target_key);
		if (!okey)
			return FL_OK;
		k = link_of(&r, key, okey);
	} else {
		if (!saved(r.target, other))
			return FL_OK;
		err = other_match(db, &r, other, r.remote, key, &k);
	}
	return err ? err : fl_match_exists(db, &k, in);
}
