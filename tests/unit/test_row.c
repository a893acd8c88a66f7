/* test_row.c — lib/base/row.h and lib/base/jsondump.h: a compact row
 * answers like the plain object it stands for — in C (fl_row_get,
 * fl_row_object), in JSON output (fl_json_dump, byte for byte what
 * json_dumps writes for the plain object) and in templates (every use of
 * a row as a dict renders what the plain object renders) — and
 * fl_json_dump equals json_dumps on values without rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "base/arena.h"
#include "base/jsondump.h"
#include "base/row.h"
#include "template/template.h"

static const char *const names[] = { "id", "s_name", "s_age", "s_score" };
static const size_t lens[] = { 2, 6, 5, 7 };

/* Row i of a little result, compact (with `s`) or plain. */
static json_t *make_row(fl_row_shape *s, int i)
{
	json_t *cells = json_pack("[i, s, i, f]", i, i == 2 ? "小明 \"q\"\n" : "bench", 16 + i,
		60.1 + i);
	if (s)
		return fl_row_new(s, cells);
	json_t *o = json_object();
	for (size_t k = 0; k < 4; k++)
		json_object_set(o, names[k], json_array_get(cells, k));
	json_decref(cells);
	return o;
}

static json_t *make_rows(fl_row_shape *s, int extra)
{
	json_t *rows = json_array();
	for (int i = 1; i <= 3; i++) {
		json_t *r = make_row(s, i);
		if (extra)   /* a loaded relationship after the columns */
			fl_row_set_new(r, "courses", json_pack("[{s:i}]", "cname", i));
		json_array_append_new(rows, r);
	}
	return rows;
}

static void test_get_set_and_object(void **state)
{
	(void)state;
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	fl_row_shape *s = fl_row_shape_new(NULL, names, lens, 4);
	json_t *row = make_row(s, 1);
	assert_true(fl_row_is_compact(row));
	assert_ptr_equal(fl_row_shape_of(row), s);
	assert_null(json_object_get(row, "s_name"));   /* why fl_row_get exists */
	assert_string_equal(json_string_value(fl_row_get(row, "s_name")), "bench");
	assert_int_equal(json_integer_value(fl_row_find(row, "s_age")), 17);
	assert_int_equal(json_integer_value(fl_row_find(row, "s_age")), 17);   /* memo */
	assert_null(fl_row_get(row, "nope"));
	assert_int_equal(fl_row_set_new(row, "s_age", json_integer(30)), 0);
	assert_int_equal(fl_row_set_new(row, "extra", json_true()), 0);
	assert_int_equal(fl_row_size(row), 5);
	json_t *o = fl_row_object(row);
	char *text = json_dumps(o, JSON_COMPACT);
	assert_string_equal(text,
		"{\"id\":1,\"s_name\":\"bench\",\"s_age\":30,\"s_score\":61.100000000000001,\"extra\":true}");
	fl_row_make_plain(row);
	assert_false(fl_row_is_compact(row));
	assert_true(json_equal(row, o));
	/* a plain object reads the same through fl_row_get */
	assert_int_equal(json_integer_value(fl_row_get(o, "id")), 1);
	assert_false(fl_row_is_compact(json_pack("{s:i}", "a", 1)));
	assert_null(fl_row_new(s, json_array()));   /* wrong number of cells */
	fl_json_set_arena(old);
	fl_row_shape_free(s);
	fl_arena_free(a);
}

/* fl_json_dump of `v` equals json_dumps of `plain` under `flags`. */
static void assert_dumps_like(json_t *v, json_t *plain, size_t flags)
{
	fl_arena *a = fl_arena_new(0);
	fl_buf b;
	fl_buf_init(&b, a);
	assert_int_equal(fl_json_dump(v, flags, &b), FL_OK);
	char *want = json_dumps(plain, flags);
	assert_non_null(want);
	assert_string_equal(fl_buf_cstr(&b), want);
	json_free_t release;   /* json_dumps allocates through Flagon's allocator */
	json_get_alloc_funcs(NULL, &release);
	release(want);
	fl_arena_free(a);
}

static void test_json_dump_is_jansson(void **state)
{
	(void)state;
	fl_row_shape *s = fl_row_shape_new(NULL, names, lens, 4);
	static const size_t flag_sets[] = {
		JSON_COMPACT | JSON_SORT_KEYS, JSON_INDENT(2) | JSON_SORT_KEYS, 0, JSON_INDENT(3),
		JSON_COMPACT | JSON_ENSURE_ASCII, JSON_SORT_KEYS | JSON_ESCAPE_SLASH | JSON_INDENT(1),
		JSON_COMPACT | JSON_REAL_PRECISION(5),
	};
	for (int extra = 0; extra < 2; extra++) {
		json_t *compact = make_rows(s, extra), *plain = make_rows(NULL, extra);
		json_t *wrap = json_pack("{s:O, s:i, s:[], s:{}, s:s, s:n, s:b, s:f}", "items", compact,
			"page", 1, "empty", "none", "k/\x01", "a/b\xe2\x80\xa8", "z", "t", 1, "r", 1e300);
		json_t *pwrap = json_deep_copy(wrap);
		json_object_set(pwrap, "items", plain);
		for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++) {
			assert_dumps_like(wrap, pwrap, flag_sets[f]);
			assert_dumps_like(compact, plain, flag_sets[f]);
			assert_dumps_like(pwrap, pwrap, flag_sets[f]);
		}
		json_decref(wrap);
		json_decref(pwrap);
		json_decref(compact);
		json_decref(plain);
	}
	/* refusals as jansson's */
	fl_arena *a = fl_arena_new(0);
	fl_buf b;
	fl_buf_init(&b, a);
	json_t *one = json_integer(1), *bad = json_stringn_nocheck("\xff", 1);
	assert_int_equal(fl_json_dump(one, JSON_COMPACT, &b), FL_EINVAL);
	assert_int_equal(fl_json_dump(bad, JSON_ENCODE_ANY, &b), FL_EUTF8);
	json_decref(one);
	json_decref(bad);
	fl_arena_free(a);
	fl_row_shape_free(s);
}

/* The scalars fl_json_dump writes itself — reals whose %.17g text is
 * exact, strings without escapes, UTF-8 included — are jansson's bytes:
 * edge values, every k / 2^m near the fast path's limits, and random
 * doubles, under the flags that change them. */
static void test_json_dump_scalars_are_jansson(void **state)
{
	(void)state;
	static const double edges[] = {
		0.0, -0.0, 1.0, -1.0, 80.0, 92.5, 67.25, 0.5, 0.0625, 0.00390625, 0.001953125,
		0.1, 1e-5, 1e16, 1e17, 9007199254740991.0, 9007199254740992.0, 4503599627370495.5,
		12345678901234567.0, 35184372088831.99609375, 1e300, 5e-324, 1.7976931348623157e308,
		-123.125, 60.1, 0.30000000000000004, 100.0, 1e15 + 0.5,
	};
	static const char *const strings[] = {
		"", "plain", "小明", "a\x7f", "caf\xc3\xa9/x", "\xe2\x80\xa8", "\xf0\x9f\x98\x80",
		"q\"", "nl\n", "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe5\xb0",
	};
	static const size_t flag_sets[] = {
		JSON_COMPACT, JSON_ENSURE_ASCII, JSON_ESCAPE_SLASH, JSON_REAL_PRECISION(3),
	};
	json_t *values = json_array();
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
		json_array_append_new(values, json_real(edges[i]));
	for (int m = 0; m <= 10; m++)
		for (long long k = -40; k <= 40; k += 3)
			json_array_append_new(values, json_real(ldexp((double)(k * 1000003), -m)));
	srand(20);
	for (int i = 0; i < 2000; i++) {
		uint64_t bits = 0;
		for (int j = 0; j < 4; j++)
			bits = bits << 16 | (uint64_t)(rand() & 0xffff);
		double v;
		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			json_array_append_new(values, json_real(v));
		json_array_append_new(values, json_real((double)(rand() % 100000) / 8.0));
		json_array_append_new(values, json_real((double)rand() / 1024.0 * (i % 2 ? 1 : -1)));
	}
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		json_array_append_new(values, json_stringn_nocheck(strings[i], strlen(strings[i])));
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v)
		for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++) {
			size_t flags = flag_sets[f] | JSON_ENCODE_ANY;
			fl_arena *a = fl_arena_new(0);
			fl_buf b;
			fl_buf_init(&b, a);
			fl_err err = fl_json_dump(v, flags, &b);
			char *want = json_dumps(v, flags);
			if (!want) {
				assert_int_equal(err, FL_EUTF8);
			} else {
				assert_int_equal(err, FL_OK);
				assert_string_equal(fl_buf_cstr(&b), want);
				json_free_t release;
				json_get_alloc_funcs(NULL, &release);
				release(want);
			}
			fl_arena_free(a);
		}
	json_decref(values);
}

/* Each template renders the same with compact rows as with plain ones. */
static void test_templates_see_a_dict(void **state)
{
	(void)state;
	static const char *const sources[] = {
		"{% for s in rows %}{{ s.s_name }}|{{ s['s_age'] }}|{{ s.s_score }};{% endfor %}",
		"{{ rows[0] }}", "{{ rows }}", "{{ rows[1]|tojson }}", "{{ rows|tojson(2) }}",
		"{% for k, v in rows[2].items() %}{{ k }}={{ v }},{% endfor %}",
		"{% for k in rows[0] %}{{ k }} {% endfor %}{{ rows[0]|length }}",
		"{{ rows|map(attribute='s_name')|join(',') }}{{ rows|sum(attribute='s_age') }}",
		"{{ rows|sort(attribute='s_age', reverse=true)|map(attribute='id')|list }}",
		"{{ 's_age' in rows[0] }}{{ 'x' in rows[0] }}{{ rows[0] is mapping }}",
		"{{ rows[0] == rows[0] }}{{ rows[0].get('s_name') }}{{ rows[0].keys()|list }}",
		"{{ rows[0]|dictsort }}{{ rows[0].nope is defined }}{{ rows[0].courses }}",
		"{{ '{0[s_name]}'.format(rows[0]) }}{{ rows|selectattr('s_age', 'gt', 17)|list|length }}",
		/* the fused print path (print.c) and its row memo: a row made
		 * plain between two attributes, two rows read in turn, a
		 * statement between prints, autoescape off */
		"{% for s in rows %}{{ s.s_name }}{{ s }}{{ s.s_age }}{{ s.courses }}{{ s.nope }};{% endfor %}",
		"{% for s in rows %}{{ s.id }}{% if s.s_age %}{{ s.s_name }}{% endif %}{{ s.s_age }}{% endfor %}",
		"{% for s in rows %}{% for t in rows %}{{ s.id }}{{ t.id }}{{ s.s_age }}{% endfor %}{% endfor %}",
		"{% for s in rows %}{{ s.s_name }}{{ s.items()|list|length }}{{ s.s_score }}{% endfor %}",
		"{% autoescape false %}{% for s in rows %}{{ s.s_name }}{{ s.s_score }}{% endfor %}"
		"{% endautoescape %}",
	};
	fl_tpl_env *env = fl_tpl_env_new(".", 0);
	fl_row_shape *s = fl_row_shape_new(NULL, names, lens, 4);
	for (int extra = 0; extra < 2; extra++)
		for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
			fl_arena *a = fl_arena_new(0);
			fl_arena *old = fl_json_set_arena(a);
			json_t *c1 = json_pack("{s:o}", "rows", make_rows(s, extra));
			json_t *c2 = json_pack("{s:o}", "rows", make_rows(NULL, extra));
			fl_json_set_arena(old);
			fl_buf b1, b2;
			fl_buf_init(&b1, a);
			fl_buf_init(&b2, a);
			fl_tpl_error err;
			fl_err e1 = fl_tpl_render_string(env, sources[i], c1, NULL, a, &b1, &err);
			fl_err e2 = fl_tpl_render_string(env, sources[i], c2, NULL, a, &b2, &err);
			assert_int_equal(e1, e2);
			if (strcmp(fl_buf_cstr(&b1), fl_buf_cstr(&b2)))
				fail_msg("%s:\n compact %s\n plain   %s", sources[i], fl_buf_cstr(&b1),
					fl_buf_cstr(&b2));
			fl_arena_free(a);
		}
	fl_row_shape_free(s);
	fl_tpl_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_set_and_object),
		cmocka_unit_test(test_json_dump_is_jansson),
		cmocka_unit_test(test_json_dump_scalars_are_jansson),
		cmocka_unit_test(test_templates_see_a_dict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
