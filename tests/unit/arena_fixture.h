/* arena_fixture.h — the arena most unit tests run in: a fresh arena per
 * test, installed as jansson's allocator the way the request loop installs
 * the request's arena, so everything a test allocates (strings, buffers,
 * JSON values) dies with it.  arena_teardown() puts jansson back on the heap
 * and frees the arena.
 *
 * A test reaches the arena as `arena` or through cmocka's *state; a file
 * that needs more set-up calls arena_setup() from its own fixture.
 * Header-only, since each unit test is one C file linked with libflagon.a;
 * include it after <cmocka.h>.  (tmpdb.h is the fixture for tests that
 * need a database.) */
#ifndef FL_TEST_ARENA_FIXTURE_H
#define FL_TEST_ARENA_FIXTURE_H

#include "base/arena.h"

/* The current test's arena, NULL between tests. */
static fl_arena *arena;

/* cmocka set-up: a new arena in `arena` and *state, jansson allocating
 * from it. */
static inline int arena_setup(void **state)
{
	arena = fl_arena_new(0);
	fl_json_set_arena(arena);
	*state = arena;
	return 0;
}

/* cmocka teardown: jansson back on the heap, the arena freed. */
static inline int arena_teardown(void **state)
{
	fl_json_set_arena(NULL);
	fl_arena_free(arena);
	arena = NULL;
	*state = NULL;
	return 0;
}

#endif
