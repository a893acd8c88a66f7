/* tmpdb.h — the throw-away application the migration unit tests work in:
 * a fresh folder under /tmp holding an empty migrations/ folder and an open
 * data.sqlite, with a JSON arena installed for the test.  tmpdb_free()
 * restores the previous arena and removes the folder.  Header-only, since
 * each unit test is one C file linked with libflagon.a; include it after
 * <cmocka.h>. */
#ifndef FL_TEST_TMPDB_H
#define FL_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "data/db.h"

struct tmpdb {
	fl_arena *arena, *old;
	char dir[64];      /* the temp folder: migrations/ and the database */
	char mig[96];      /* dir/migrations */
	char dbpath[96];   /* dir/data.sqlite */
	fl_db *db;
};

/* A new temp application in /tmp/fl_test_<name>_XXXXXX (fails the test
 * on any error).  Free it with tmpdb_free(). */
static struct tmpdb *tmpdb_new(const char *name)
{
	struct tmpdb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->arena = fl_arena_new(0);
	t->old = fl_json_set_arena(t->arena);
	snprintf(t->dir, sizeof t->dir, "/tmp/fl_test_%s_XXXXXX", name);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->mig, sizeof t->mig, "%s/migrations", t->dir);
	snprintf(t->dbpath, sizeof t->dbpath, "%s/data.sqlite", t->dir);
	assert_int_equal(mkdir(t->mig, 0700), 0);
	assert_int_equal(fl_db_open(t->dbpath, &t->db), FL_OK);
	return t;
}

static void tmpdb_free(struct tmpdb *t)
{
	char cmd[128];
	fl_db_close(t->db);
	fl_json_set_arena(t->old);
	fl_arena_free(t->arena);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(t);
}

#endif
