/* tpl_fixture.h — what the template engine's unit tests (test_template.c,
 * test_template_ext.c, _seq, _tags, _text, test_web_extensions.c) share:
 * a template environment per test, on a folder of templates the test
 * names or on a fresh, empty one under /tmp that the test may write
 * templates into (removed with all it holds at teardown), rendering into
 * the test's arena (arena_fixture.h); and renders of a string or a named
 * template that give the output, or NULL with the error, plus the two
 * checks most tests make of them.
 *
 * A test reaches the fixture as `tpl` or through cmocka's *state, the
 * arena as `arena`; a file that needs more set-up (filters, extensions)
 * calls tpl_fixture_setup_in() from its own.  Header-only, since each unit
 * test is one C file linked with libflagon.a; include it after <cmocka.h>. */
#ifndef FL_TEST_TPL_FIXTURE_H
#define FL_TEST_TPL_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena_fixture.h"
#include "template/template.h"

struct tpl_fixture {
	fl_tpl_env *env;
	char dir[64];   /* the fresh folder under /tmp, "" when the test named one */
};

/* The current test's fixture (env NULL between tests). */
static struct tpl_fixture tpl;

/* cmocka set-up: the arena, and an env on `dir` (NULL: a fresh folder in
 * tpl.dir); `tpl` in *state. */
static inline int tpl_fixture_setup_in(void **state, const char *dir)
{
	arena_setup(state);
	tpl.dir[0] = '\0';
	if (!dir) {
		snprintf(tpl.dir, sizeof tpl.dir, "/tmp/fl_tpl_XXXXXX");
		assert_non_null(mkdtemp(tpl.dir));
		dir = tpl.dir;
	}
	tpl.env = fl_tpl_env_new(dir, 0);
	assert_non_null(tpl.env);
	*state = &tpl;
	return 0;
}

/* cmocka teardown: the env freed, the fresh folder removed, then
 * arena_teardown(). */
static inline int tpl_fixture_teardown(void **state)
{
	fl_tpl_env_free(tpl.env);
	tpl.env = NULL;
	if (tpl.dir[0]) {
		char cmd[96];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tpl.dir);
		assert_int_equal(system(cmd), 0);
		tpl.dir[0] = '\0';
	}
	return arena_teardown(state);
}

/* A context from JSON text (NULL: {}); fails the test if it does not parse. */
static inline json_t *tpl_ctx(const char *json)
{
	json_t *c = json_loads(json ? json : "{}", 0, NULL);
	assert_non_null(c);
	return c;
}

/* Render the string template `src` with `ctx` (NULL: none) and `ud`: the
 * output, or NULL with *err filled; *rc is the render's result. */
static inline const char *tpl_render_ud(const char *src, json_t *ctx, void *ud, fl_err *rc,
					fl_tpl_error *err)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	memset(err, 0, sizeof *err);
	*rc = fl_tpl_render_string(tpl.env, src, ctx, ud, arena, &b, err);
	return *rc ? NULL : fl_buf_cstr(&b);
}

/* tpl_render_ud() with no ud, for a test that wants only the output. */
static inline const char *tpl_render(const char *src, json_t *ctx, fl_tpl_error *err)
{
	fl_err rc;
	return tpl_render_ud(src, ctx, NULL, &rc, err);
}

/* Render the template named `name` (a file of the env's folder or a
 * source added to it) with `ctx`: as tpl_render_ud(). */
static inline const char *tpl_render_file(const char *name, json_t *ctx, fl_err *rc,
					  fl_tpl_error *err)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	memset(err, 0, sizeof *err);
	*rc = fl_tpl_render(tpl.env, name, ctx, NULL, arena, &b, err);
	return *rc ? NULL : fl_buf_cstr(&b);
}

/* Fails the test unless the render of `src` that gave got/err gave `want`. */
static inline void tpl_check_output(const char *src, const char *got, const fl_tpl_error *err,
				    const char *want)
{
	if (!got)
		fail_msg("%s: error %s:%d:%d %s", src, err->file, err->line, err->column,
			 err->message);
	if (strcmp(got, want))
		fail_msg("%s\n  want: %s\n  got:  %s", src, want, got);
}

/* Fails the test unless the render of `src` that gave got/err failed at
 * line:col (col 0: at any column) with a message containing `msg`. */
static inline void tpl_check_error(const char *src, const char *got, const fl_tpl_error *err,
				   int line, int col, const char *msg)
{
	if (got)
		fail_msg("%s: expected an error, got \"%s\"", src, got);
	if (err->line != line || (col && err->column != col) || err->column < 1 ||
	    !strstr(err->message, msg))
		fail_msg("%s: want %d:%d %s\n  got %s:%d:%d %s", src, line, col, msg, err->file,
			 err->line, err->column, err->message);
}

#endif
