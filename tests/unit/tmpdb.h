/* tmpdb.h — the throw-away application the database, query and migration
 * unit tests work in: a fresh folder under /tmp holding an empty
 * migrations/ folder and an open data.sqlite (tmpdb_new), or just an
 * in-memory database with the tables of some models (tmpdb_memory), with a
 * JSON arena installed for the test.  tmpdb_free() restores the previous
 * arena and removes the folder.  Header-only, since each unit test is one
 * C file linked with libflagon.a; include it after <cmocka.h>. */
#ifndef FL_TEST_TMPDB_H
#define FL_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/model.h"

struct tmpdb {
	fl_arena *arena, *old;
	char dir[64];      /* the temp folder: migrations/ and the database ("" in memory) */
	char mig[96];      /* dir/migrations */
	char dbpath[96];   /* dir/data.sqlite */
	fl_db *db;
};

/* The part both kinds share: a new arena installed for JSON. */
static inline struct tmpdb *tmpdb_alloc(void)
{
	struct tmpdb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->arena = fl_arena_new(0);
	t->old = fl_json_set_arena(t->arena);
	return t;
}

/* A new temp application in /tmp/fl_test_<name>_XXXXXX (fails the test
 * on any error).  Free it with tmpdb_free(). */
static inline struct tmpdb *tmpdb_new(const char *name)
{
	struct tmpdb *t = tmpdb_alloc();
	snprintf(t->dir, sizeof t->dir, "/tmp/fl_test_%s_XXXXXX", name);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->mig, sizeof t->mig, "%s/migrations", t->dir);
	snprintf(t->dbpath, sizeof t->dbpath, "%s/data.sqlite", t->dir);
	assert_int_equal(mkdir(t->mig, 0700), 0);
	assert_int_equal(fl_db_open(t->dbpath, &t->db), FL_OK);
	return t;
}

/* An in-memory database holding the tables of `models` (fl_create_all),
 * no folder: for query tests that need no files.  Free it with
 * tmpdb_free(). */
static inline struct tmpdb *tmpdb_memory(const fl_model *const *models)
{
	struct tmpdb *t = tmpdb_alloc();
	assert_int_equal(fl_db_open(":memory:", &t->db), FL_OK);
	assert_int_equal(fl_create_all(t->db, t->arena, models), FL_OK);
	return t;
}

static inline void tmpdb_free(struct tmpdb *t)
{
	char cmd[128];
	fl_db_close(t->db);
	fl_json_set_arena(t->old);
	fl_arena_free(t->arena);
	if (t->dir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
		assert_int_equal(system(cmd), 0);
	}
	free(t);
}

#endif
