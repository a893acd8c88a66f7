/* relationship.h — writing through a relationship (SQLAlchemy's
 * relationship attributes and their collections).
 *
 *   role.users.append(u)          fl_relationship_append(db, &Role, role, "users", u);
 *   student.courses.append(c)     fl_relationship_append(db, &Student, s, "courses", c);
 *   student.courses.remove(c)     fl_relationship_remove(db, &Student, s, "courses", c);
 *   c in student.courses          fl_relationship_contains(db, &Student, s, "courses", c, &in);
 *   article.user = u              fl_relationship_set(db, &Article, article, "user", u);
 *   user.role = None              fl_relationship_set(db, &User, user, "role", NULL);
 *   ident.user = u   (one-to-one) fl_relationship_set(db, &Ident, ident, "user", u);
 *   db.session.commit()           fl_db_commit(db);
 *
 * `name` is a relationship of model `m`, declared on it or the backref of
 * another model's (the models must be registered with fl_db_set_models for
 * backrefs).  `row` is a row of `m` and `other` a row of the relationship's
 * target, both JSON objects as the query returns them: every key holding a
 * scalar or null must be a column of the model (arrays and objects are
 * loaded relationships and are skipped), else FL_EINVAL — a row of the
 * wrong model is refused.
 *
 * What is written, as SQLAlchemy's flush writes it:
 *   - one-to-many (role.users): the child's foreign key (users.role_id);
 *   - many-to-one (user.role) and scalar one-to-one backrefs (ident.user):
 *     the foreign key of whichever side holds it;
 *   - many-to-many (student.courses, course.students): one row of the
 *     association table (`secondary`) per link.
 * A row that has no primary key value yet (unsaved) is INSERTed first, with
 * the foreign key set (SQLAlchemy's save-update cascade), through
 * fl_db_add.  The relationship's own side must be saved for collections.
 *
 * Each call runs at once in the open unit of work (beginning one if
 * needed: fl_db_commit() makes it durable) with bound values; a database
 * failure, or a failure after the first statement of a call, poisons the
 * unit of work so that fl_db_commit rolls all of it back (db.h).  Failures
 * found before anything is written (FL_EINVAL, FL_ENOTFOUND) leave it
 * usable, as SQLAlchemy's ValueError does.  fl_db_errmsg() says why.
 *
 * The JSON is kept in step: the foreign key in `row` or `other`, the
 * collection `name` of `row` when it was loaded (fl_query_load: an array
 * gains or loses `other`, which is shared, not copied), a loaded scalar
 * attribute `name` of `row`.  Other loaded attributes (the backref inside
 * `other`) are not refreshed: query again after the commit.  New JSON
 * values come from jansson's current arena (fl_json_set_arena).
 */
#ifndef FL_RELATIONSHIP_H
#define FL_RELATIONSHIP_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "data/db.h"
#include "data/model.h"

/* fl_relationship_append — collection.append(other) on relationship
 * `name` of `row`: a one-to-many sets other's foreign key to row's key
 * (UPDATE, or INSERT of an unsaved `other`); a many-to-many inserts the
 * association row unless the link exists already (then nothing is
 * written and FL_OK is returned, as appending to a SQLAlchemy collection
 * that holds the object changes nothing on flush).
 * Errors: FL_EINVAL (unknown relationship — the message names it —, a
 * scalar relationship: use fl_relationship_set, `row` unsaved, a row of
 * the wrong shape, an unsaved `other` that fails validation),
 * FL_ENOTFOUND (`other` has a key but no row), FL_EEXISTS/FL_ECONSTRAINT
 * (the database refused), FL_EBUSY, FL_EDB. */
fl_err fl_relationship_append(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other);

/* fl_relationship_remove — collection.remove(other): a many-to-many
 * deletes the association row (both rows are kept); a one-to-many sets
 * other's foreign key to NULL, or with cascade delete-orphan
 * (FL_CASCADE_DELETE_ORPHAN) deletes `other` (fl_db_delete, with its own
 * cascades).
 * Errors: FL_ENOTFOUND when `other` is not in the collection (Python's
 * "list.remove(x): x not in list"; nothing written), FL_ECONSTRAINT when
 * the foreign key is NOT NULL and there is no delete-orphan (SQLAlchemy's
 * flush fails the same way; the unit of work is poisoned), FL_EINVAL (as
 * fl_relationship_append), FL_EBUSY, FL_EDB. */
fl_err fl_relationship_remove(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other);

/* fl_relationship_set — row.name = other (NULL: None) on a scalar
 * relationship.  Many-to-one (article.user, user.role): sets row's
 * foreign key to other's key (saved rows are UPDATEd at once; an unsaved
 * `row` only gets the value, for a later fl_db_add).  A one-to-one backref
 * whose foreign key is on the other side (ident.user with
 * users.ident_id): clears the foreign key of the row that held `row`
 * before (or deletes it with delete-orphan), then sets other's.
 * Errors: FL_EINVAL (a collection: use append/remove; a scalar
 * many-to-many; the rest as fl_relationship_append), FL_ENOTFOUND (a
 * saved row that is gone), FL_ECONSTRAINT (None into a NOT NULL foreign
 * key), FL_EEXISTS, FL_EBUSY, FL_EDB. */
fl_err fl_relationship_set(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other);

/* fl_relationship_contains — `other in row.name`: whether `other` is in
 * the collection, asked of the database (one SELECT 1 ... LIMIT 1).  An
 * unsaved `row` or `other` is in no collection: *in = false.
 * Errors: FL_EINVAL (unknown relationship, a scalar one, wrong shape),
 * FL_EBUSY, FL_EDB. */
fl_err fl_relationship_contains(fl_db *db, const fl_model *m, json_t *row, const char *name,
	json_t *other, bool *in);

#endif
