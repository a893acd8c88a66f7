/* runner.c — load and chain revisions; upgrade, downgrade, current, stamp,
 * history.  See migrate.h. */
#include "data/migrate/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

#define failf fl_migrate_fail

fl_err fl_migrate_fail(fl_migrations *m, fl_err err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	m->error = fl_arena_vprintf(m->arena, fmt, ap);
	va_end(ap);
	return err;
}

/* ---- chaining ---- */

static const fl_revision *find_id(const fl_revision *revs, size_t n, const char *id, size_t skip)
{
	for (size_t i = 0; i < n; i++)
		if (i != skip && strcmp(revs[i].id, id) == 0)
			return &revs[i];
	return NULL;
}

/* Every id unique, every parent defined, exactly one base, no branch. */
static fl_err check_links(fl_migrations *m, const fl_revision *revs, size_t n,
	const fl_revision **base)
{
	*base = NULL;
	for (size_t i = 0; i < n; i++) {
		const fl_revision *r = &revs[i], *o;
		if ((o = find_id(revs, n, r->id, i)))
			return failf(m, FL_EMIGRATE, "revision %s is defined twice: %s and %s",
				r->id, r->path, o->path);
		if (r->down_revision && !find_id(revs, n, r->down_revision, n))
			return failf(m, FL_EMIGRATE, "%s: down_revision %s is not defined by any file",
				r->path, r->down_revision);
		if (!r->down_revision && *base)
			return failf(m, FL_EMIGRATE, "two base revisions (two heads): %s and %s",
				(*base)->path, r->path);
		if (!r->down_revision)
			*base = r;
		for (size_t j = i + 1; j < n; j++)
			if (r->down_revision && revs[j].down_revision &&
			    strcmp(r->down_revision, revs[j].down_revision) == 0)
				return failf(m, FL_EMIGRATE,
					"branch: %s and %s both follow %s (multiple heads are not supported)",
					r->path, revs[j].path, r->down_revision);
	}
	if (n && !*base)
		return failf(m, FL_EMIGRATE, "no base revision: the down_revision links form a cycle");
	return FL_OK;
}

static const fl_revision *child_of(const fl_revision *revs, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (revs[i].down_revision && strcmp(revs[i].down_revision, id) == 0)
			return &revs[i];
	return NULL;
}

fl_err fl_migrations_chain(fl_arena *a, const fl_revision *revs, size_t n, fl_migrations **out)
{
	fl_migrations *m = fl_arena_calloc(a, 1, sizeof *m);
	*out = m;
	m->arena = a;
	m->chain = fl_arena_calloc(a, n + 1, sizeof *m->chain);
	const fl_revision *r;
	fl_err err = check_links(m, revs, n, &r);
	if (err)
		return err;
	for (; r && m->n < n; r = child_of(revs, n, r->id))
		m->chain[m->n++] = r;
	if (m->n < n) {
		for (size_t i = 0; i < n; i++) {
			bool reached = false;
			for (size_t j = 0; j < m->n; j++)
				reached |= m->chain[j] == &revs[i];
			if (!reached)
				return failf(m, FL_EMIGRATE, "%s: revision %s is not reachable from the "
					"base (the down_revision links form a cycle)", revs[i].path, revs[i].id);
		}
	}
	return FL_OK;
}

const char *fl_migrations_head(const fl_migrations *m)
{
	return m->n ? m->chain[m->n - 1]->id : NULL;
}

/* ---- loading ---- */

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool is_revision_file(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".sql") == 0;
}

/* The sorted *.sql names of `dir`, NULL-terminated, in `a`. */
static fl_err list_files(fl_migrations *m, const char *dir, const char ***names, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return failf(m, FL_EIO, "cannot open migrations folder %s: %s", dir, strerror(errno));
	FL_VEC(const char *) v = {0};
	struct dirent *e;
	fl_vec_reserve(m->arena, &v, 16);
	while ((e = readdir(d))) {
		if (is_revision_file(e->d_name))
			*fl_vec_push(m->arena, &v) = fl_arena_strdup(m->arena, e->d_name);
	}
	closedir(d);
	qsort(v.items, v.len, sizeof *v.items, cmp_names);
	fl_vec_reserve(m->arena, &v, 1);
	v.items[v.len] = NULL;
	*names = v.items;
	*count = v.len;
	return FL_OK;
}

static fl_err read_file(fl_migrations *m, const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return failf(m, FL_EIO, "cannot open %s: %s", path, strerror(errno));
	fl_buf b;
	fl_buf_init(&b, m->arena);
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= FL_REVISION_FILE_MAX)
		fl_buf_append(&b, chunk, got);
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return failf(m, FL_EIO, "cannot read %s", path);
	if (b.len > FL_REVISION_FILE_MAX)
		return failf(m, FL_EMIGRATE, "%s: file larger than %u bytes", path, FL_REVISION_FILE_MAX);
	*text = b.data ? b.data : "";
	*len = b.len;
	return FL_OK;
}

/* "<rev>_<slug>.sql" or "<rev>.sql" must carry the header's revision id. */
static bool name_matches(const char *name, const char *id)
{
	size_t n = strlen(id);
	return strncmp(name, id, n) == 0 && (name[n] == '_' || strcmp(name + n, ".sql") == 0);
}

static fl_err load_one(fl_migrations *m, const char *dir, const char *name, fl_revision *r)
{
	const char *path = fl_arena_printf(m->arena, "%s/%s", dir, name);
	char *text;
	size_t len;
	const char *error;
	fl_err err = read_file(m, path, &text, &len);
	if (err)
		return err;
	if ((err = fl_revision_parse(m->arena, path, text, len, r, &error)))
		return failf(m, err, "%s", error);
	if (!name_matches(name, r->id))
		return failf(m, FL_EMIGRATE, "%s: the file name must start with its revision id %s",
			path, r->id);
	return FL_OK;
}

fl_err fl_migrations_load(fl_arena *a, const char *dir, fl_migrations **out)
{
	fl_migrations tmp = { .arena = a, .dir = dir };
	const char **names = NULL;
	size_t n = 0;
	fl_err err = list_files(&tmp, dir, &names, &n);
	fl_revision *revs = fl_arena_calloc(a, n + 1, sizeof *revs);
	for (size_t i = 0; !err && i < n; i++)
		err = load_one(&tmp, dir, names[i], &revs[i]);
	if (!err) {
		err = fl_migrations_chain(a, revs, n, out);
		(*out)->dir = dir;
		return err;
	}
	*out = fl_arena_calloc(a, 1, sizeof **out);
	**out = tmp;
	return err;
}

/* ---- the version table ---- */

/* Index of the database's revision in the chain, -1 at base. */
fl_err fl_migrate_current_index(fl_migrations *m, fl_db *db, long *index)
{
	json_t *rows;
	*index = -1;
	fl_arena *old = fl_json_set_arena(m->arena);
	fl_err err = fl_db_query(db, "SELECT version_num FROM alembic_version", NULL, &rows);
	fl_json_set_arena(old);
	if (err == FL_ENOTABLE)
		return FL_OK;
	if (err)
		return failf(m, err, "cannot read alembic_version: %s", fl_db_errmsg(db));
	if (json_array_size(rows) > 1)
		return failf(m, FL_EMIGRATE, "alembic_version holds several revisions (branches are "
			"not supported)");
	if (json_array_size(rows) == 0)
		return FL_OK;
	const char *rev = json_string_value(json_object_get(json_array_get(rows, 0), "version_num"));
	for (size_t i = 0; rev && i < m->n; i++) {
		if (strcmp(m->chain[i]->id, rev) == 0) {
			*index = (long)i;
			return FL_OK;
		}
	}
	return failf(m, FL_EMIGRATE, "the database is at revision %s, which no migration file defines",
		rev ? rev : "(not text)");
}

fl_err fl_migrate_current(fl_migrations *m, fl_db *db, const char **rev)
{
	long i;
	*rev = NULL;
	fl_err err = fl_migrate_current_index(m, db, &i);
	if (!err && i >= 0)
		*rev = m->chain[i]->id;
	return err;
}

/* "head", "base", an id or a unique prefix of one → index (-1 = base). */
fl_err fl_migrate_resolve(fl_migrations *m, const char *target, long *index)
{
	if (!target || strcmp(target, "head") == 0 || strcmp(target, "heads") == 0) {
		*index = (long)m->n - 1;
		return FL_OK;
	}
	if (strcmp(target, "base") == 0) {
		*index = -1;
		return FL_OK;
	}
	long found = -2;
	size_t len = strlen(target);
	for (size_t i = 0; len && i < m->n; i++) {
		if (strcmp(m->chain[i]->id, target) == 0) {
			*index = (long)i;
			return FL_OK;
		}
		if (strncmp(m->chain[i]->id, target, len) == 0)
			found = found == -2 ? (long)i : -3;
	}
	if (found == -3)
		return failf(m, FL_EMIGRATE, "revision prefix '%s' is ambiguous", target);
	if (found == -2)
		return failf(m, FL_EMIGRATE, "can't locate revision identified by '%s'", target);
	*index = found;
	return FL_OK;
}

/* `target` relative to chain index `from` ("+N" or "-N", Alembic's
 * relative revisions), else resolve().  A step beyond the base or the
 * head is Alembic's "Relative revision +3 didn't produce 3 migrations". */
fl_err fl_migrate_resolve_from(fl_migrations *m, const char *target, long from, long *index)
{
	if (!target || (target[0] != '+' && target[0] != '-'))
		return fl_migrate_resolve(m, target, index);
	char *end;
	errno = 0;
	long k = strtol(target + 1, &end, 10);
	long to = target[0] == '+' ? from + k : from - k;
	if (errno || *end || end == target + 1 || !(target[1] >= '0' && target[1] <= '9') ||
	    k < 1 || to < -1 || to >= (long)m->n)
		return failf(m, FL_EMIGRATE, "relative revision %s didn't produce %s migrations",
			target, target + 1);
	*index = to;
	return FL_OK;
}

fl_err fl_migrate_upgrade(fl_migrations *m, fl_db *db, const char *target)
{
	long ci, ti;
	fl_err err = fl_migrate_current_index(m, db, &ci);
	if (!err)
		err = fl_migrate_resolve_from(m, target, ci, &ti);
	if (err)
		return err;
	if (ti < ci)
		return failf(m, FL_EMIGRATE, "target %s is older than the current revision %s; "
			"use downgrade", ti < 0 ? "base" : m->chain[ti]->id, m->chain[ci]->id);
	if (ti > ci && (err = fl_migrate_version_table(m, db)))
		return err;
	for (long i = ci + 1; !err && i <= ti; i++)
		err = fl_migrate_step(m, db, i, true);
	return err;
}

fl_err fl_migrate_downgrade(fl_migrations *m, fl_db *db, const char *target)
{
	long ci, ti;
	fl_err err = fl_migrate_current_index(m, db, &ci);
	if (!err)
		err = fl_migrate_resolve_from(m, target ? target : "-1", ci, &ti);
	if (err)
		return err;
	if (ti > ci)
		return failf(m, FL_EMIGRATE, "target %s is newer than the current revision %s; "
			"use upgrade", m->chain[ti]->id, ci < 0 ? "base" : m->chain[ci]->id);
	for (long i = ci; !err && i > ti; i--)
		err = fl_migrate_step(m, db, i, false);
	return err;
}

fl_err fl_migrate_stamp(fl_migrations *m, fl_db *db, const char *target)
{
	long ti;
	if (!target)
		return failf(m, FL_EMIGRATE, "stamp needs a revision");
	fl_err err = fl_migrate_resolve(m, target, &ti);
	if (!err)
		err = fl_migrate_version_table(m, db);
	if (err)
		return err;
	err = fl_db_begin(db);
	if (!err)
		err = fl_db_exec_script(db, "DELETE FROM alembic_version");
	if (!err && ti >= 0)
		err = fl_migrate_set_version(db, -1, ti, m);
	const char *msg = fl_migrate_finish(m, db, &err);
	return msg ? failf(m, err, "stamp failed: %s", msg) : FL_OK;
}

void fl_migrate_history(const fl_migrations *m, fl_buf *out)
{
	for (size_t i = m->n; i-- > 0;) {
		const fl_revision *r = m->chain[i];
		fl_buf_printf(out, "%s -> %s%s, %s\n", r->down_revision ? r->down_revision : "<base>",
			r->id, i == m->n - 1 ? " (head)" : "", r->message);
	}
}
