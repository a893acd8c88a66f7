/* test_template_loader.c — where templates come from and the sequence
 * objects of the engine: a search path of directories (Jinja's
 * FileSystemLoader with several paths: the first holding a name wins, as
 * an application's folder shadows its blueprints'), in-memory templates
 * found after every directory (ChoiceLoader + DictLoader: the framework's
 * own templates, overridable by a file), and fl_tpl_sequence (an object
 * that iterates like a WTForms Form or unpacks like a named tuple). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "template/template.h"
#include "arena_fixture.h"

static char dir1[64], dir2[64];

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm_rf(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	strcpy(dir1, "/tmp/fl-loader1-XXXXXX");
	strcpy(dir2, "/tmp/fl-loader2-XXXXXX");
	assert_non_null(mkdtemp(dir1));
	assert_non_null(mkdtemp(dir2));
	return arena_setup(state);
}

static int teardown(void **state)
{
	rm_rf(dir1);
	rm_rf(dir2);
	return arena_teardown(state);
}

static const char *render(fl_tpl_env *env, const char *name, json_t *ctx, fl_err *e)
{
	fl_buf out;
	static fl_tpl_error err;
	fl_buf_init(&out, arena);
	*e = fl_tpl_render(env, name, ctx, NULL, arena, &out, &err);
	return *e ? err.message : fl_buf_cstr(&out);
}

/* The first directory holding a name wins; the second serves what the
 * first lacks; an in-memory template comes last, so a file overrides it;
 * includes and extends search the same way. */
static void search_order(void **state)
{
	put(dir1, "page.html", "{% extends 'bootstrap/base.html' %}{% block body %}app{% endblock %}");
	put(dir1, "shadow.html", "from dir1");
	put(dir2, "shadow.html", "from dir2");
	put(dir2, "only2.html", "only in dir2 {% include 'shadow.html' %}");
	fl_tpl_env *env = fl_tpl_env_new(dir1, 0);
	fl_tpl_env_add_path(env, dir2);
	fl_tpl_env_add_source(env, "bootstrap/base.html", "<{% block body %}base{% endblock %}>");
	fl_tpl_env_add_source(env, "only2.html", "memory loses to a file");
	fl_err e;
	assert_string_equal(render(env, "shadow.html", NULL, &e), "from dir1");
	assert_string_equal(render(env, "only2.html", NULL, &e), "only in dir2 from dir1");
	assert_string_equal(render(env, "page.html", NULL, &e), "<app>");
	assert_string_equal(render(env, "bootstrap/base.html", NULL, &e), "<base>");
	render(env, "nowhere.html", NULL, &e);
	assert_int_equal(e, FL_ENOTFOUND);
	fl_tpl_error err;
	assert_int_equal(fl_tpl_compile_all(env, &err), FL_OK);
	fl_tpl_env_free(env);
}

/* fl_tpl_source_path names the file a render reads: the first directory
 * holding it; NULL for an in-memory template, a missing or invalid name. */
static void source_path_follows_the_search(void **state)
{
	fl_tpl_env *env = fl_tpl_env_new(dir1, 0);
	fl_tpl_env_add_source(env, "mem.html", "memory");
	fl_tpl_env_add_path(env, dir2);
	const char *both[] = { dir1, dir2 };
	for (int i = 0; i < 2; i++)
		put(both[i], "shadow.html", "either");
	put(dir2, "only2.html", "only in dir2");
	char want[4200];
	char *p = fl_tpl_source_path(env, "shadow.html");
	snprintf(want, sizeof want, "%s/shadow.html", dir1);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	p = fl_tpl_source_path(env, "only2.html");
	snprintf(want, sizeof want, "%s/only2.html", dir2);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	assert_null(fl_tpl_source_path(env, "mem.html"));
	assert_null(fl_tpl_source_path(env, "nowhere.html"));
	assert_null(fl_tpl_source_path(env, "../etc/passwd"));
	assert_null(fl_tpl_source_path(env, NULL));
	fl_tpl_env_free(env);
}

/* compile_all and check_all check in-memory templates too, naming the one
 * that fails; a missing later directory is skipped, a missing first one is
 * an error. */
static void compile_all_errors(void **state)
{
	fl_err (*const each[])(fl_tpl_env *, fl_tpl_error *) = {fl_tpl_compile_all, fl_tpl_check_all};
	for (size_t i = 0; i < 2; i++) {
		fl_tpl_env *env = fl_tpl_env_new(dir1, 0);
		fl_tpl_env_add_path(env, "/nonexistent/flagon-templates");
		fl_tpl_env_add_source(env, "ext/broken.html", "line one\n{% if %}");
		fl_tpl_error err;
		assert_int_equal(each[i](env, &err), FL_ETEMPLATE);
		assert_string_equal(err.file, "ext/broken.html");
		assert_int_equal(err.line, 2);
		fl_tpl_env_free(env);
		env = fl_tpl_env_new("/nonexistent/flagon-templates", 0);
		assert_int_equal(each[i](env, &err), FL_EIO);
		fl_tpl_env_free(env);
	}
}

/* check_all compiles every file to check it and keeps none (without
 * auto_reload an edit after it shows: the first render compiles the file
 * anew), where compile_all keeps them all (the edit does not show); a
 * template already rendered stays cached; a page checked and released
 * renders whole with the templates it extends and includes. */
static void check_all_keeps_nothing(void **state)
{
	put(dir1, "a.html", "one");
	put(dir1, "sub/b.html", "[{% block x %}base{% endblock %}]");
	put(dir1, "c.html", "{% extends 'sub/b.html' %}{% block x %}{% include 'a.html' %}{% endblock %}");
	put(dir1, "seen.html", "seen");
	fl_tpl_env *env = fl_tpl_env_new(dir1, 0);
	fl_tpl_env_add_source(env, "m.html", "{{ 1 + 1 }}");
	fl_err e;
	fl_tpl_error err;
	assert_string_equal(render(env, "seen.html", NULL, &e), "seen");
	assert_int_equal(fl_tpl_check_all(env, &err), FL_OK);
	put(dir1, "a.html", "two");
	put(dir1, "seen.html", "edited");
	assert_string_equal(render(env, "a.html", NULL, &e), "two");
	assert_string_equal(render(env, "seen.html", NULL, &e), "seen");
	assert_string_equal(render(env, "c.html", NULL, &e), "[two]");
	assert_string_equal(render(env, "m.html", NULL, &e), "2");
	assert_int_equal(fl_tpl_check_all(env, &err), FL_OK);  /* cached ones stay */
	put(dir1, "a.html", "three");
	assert_string_equal(render(env, "c.html", NULL, &e), "[two]");
	fl_tpl_env_free(env);

	put(dir1, "a.html", "one");
	env = fl_tpl_env_new(dir1, 0);
	assert_int_equal(fl_tpl_compile_all(env, &err), FL_OK);
	put(dir1, "a.html", "two");
	assert_string_equal(render(env, "a.html", NULL, &e), "one");
	fl_tpl_env_free(env);
}

/* With auto_reload an edited file is recompiled, an in-memory template
 * stays as it was given. */
static void reload_files_not_sources(void **state)
{
	put(dir1, "a.html", "one");
	fl_tpl_env *env = fl_tpl_env_new(dir1, 1);
	fl_tpl_env_add_source(env, "m.html", "memory");
	fl_err e;
	assert_string_equal(render(env, "a.html", NULL, &e), "one");
	assert_string_equal(render(env, "m.html", NULL, &e), "memory");
	put(dir1, "a.html", "two!");
	assert_string_equal(render(env, "a.html", NULL, &e), "two!");
	assert_string_equal(render(env, "m.html", NULL, &e), "memory");
	fl_tpl_env_free(env);
}

/* A sequence object iterates, unpacks, indexes and counts its items, and
 * reads attributes by name — a form's fields, a named tuple. */
static void sequence_objects(void **state)
{
	fl_tpl_env *env = fl_tpl_env_new(dir1, 0);
	put(dir1, "seq.html",
	    "{% for x in t %}[{{ x }}]{% endfor %} {{ t|length }} {{ t[0] }} {{ t[-1] }} "
	    "{{ t.grouper }} {{ t['grouper'] }} {% set g, l = t %}{{ g }}/{{ l|join(',') }} "
	    "{{ t }} {{ one }} {{ 'y' if empty else 'n' }} {{ 'y' if named else 'n' }}");
	json_t *ctx = json_object();
	json_t *items = json_pack("[s, [i, i]]", "a", 1, 2);
	json_object_set_new(ctx, "t", fl_tpl_sequence(json_pack("{s:s, s:[i, i]}", "grouper", "a",
		"list", 1, 2), items));
	json_object_set_new(ctx, "one", fl_tpl_sequence(NULL, json_pack("[s]", "x")));
	json_object_set_new(ctx, "empty", fl_tpl_sequence(NULL, NULL));
	json_object_set_new(ctx, "named", fl_tpl_sequence(json_pack("{s:i}", "n", 1), NULL));
	fl_err e;
	assert_string_equal(render(env, "seq.html", ctx, &e),
		"[a][[1, 2]] 2 a [1, 2] a a a/1,2 (&#39;a&#39;, [1, 2]) (&#39;x&#39;,) n y");
	json_decref(items);
	fl_tpl_env_free(env);
}

/* Data cannot pass for a sequence object: a key with a NUL byte cannot be
 * parsed, and a dict named like the mark is a dict. */
static void sequence_not_forgeable(void **state)
{
	fl_tpl_env *env = fl_tpl_env_new(dir1, 0);
	put(dir1, "forge.html", "{{ d|length }} {% for k in d %}{{ k }}{% endfor %}");
	json_error_t jerr;
	assert_null(json_loads("{\"\\u0000__fl_items__\": [1, 2, 3]}", 0, &jerr));
	json_t *ctx = json_pack("{s:{s:[i,i,i]}}", "d", "__fl_items__", 1, 2, 3);
	fl_err e;
	assert_string_equal(render(env, "forge.html", ctx, &e), "1 __fl_items__");
	fl_tpl_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(search_order, setup, teardown),
		cmocka_unit_test_setup_teardown(compile_all_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(check_all_keeps_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(reload_files_not_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(source_path_follows_the_search, setup, teardown),
		cmocka_unit_test_setup_teardown(sequence_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(sequence_not_forgeable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
