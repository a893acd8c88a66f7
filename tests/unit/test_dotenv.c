/* test_dotenv.c — lib/base/dotenv.h: python-dotenv's .env syntax, compared
 * with python-dotenv itself (dotenv_values) on tricky files, and Flask's
 * load_dotenv order: the real environment, then .env, then .flagonenv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/dotenv.h"
#include "oracle.h"

/* The pairs of `text`, interpolated as dotenv_values does (override): a
 * JSON object, null for a key without value; NULL on failure. */
static json_t *ours(const char *text, size_t *errors)
{
	fl_dotenv d;
	if (fl_dotenv_parse(text, strlen(text), "t.env", NULL, &d) ||
	    fl_dotenv_interpolate(&d, 1))
		return NULL;
	json_t *o = json_object();
	for (size_t i = 0; i < d.len; i++)
		json_object_set_new(o, d.pairs[i].key,
			d.pairs[i].value ? json_string(d.pairs[i].value) : json_null());
	if (errors)
		*errors = d.errors;
	fl_dotenv_free(&d);
	return o;
}

static const char *const tricky[] = {
	"A=1\nB=2\n",
	"export A=1\nexport  B = two words  \n",
	"A='single ${X} \\n \\' \\\\ end'\n",
	"A=\"double \\n \\t \\\" \\' \\\\ \\x \\a\\b\\f\\r\\v\"\n",
	"A=\"multi\nline\nvalue\"\nB=after\n",
	"A=value # comment\nB=value#not comment\nC= # only\nD=\n",
	"# comment\n\n   # indented comment\nA=1 # c\n",
	"FLAG\nA=1\nexport\n",
	"A=${DOTENV_ORACLE_ENV}\nB=${A}-${MISSING:-def}-${MISSING}\nC=${A:x}\nD=$A ${}\n",
	"A=1\nA=2\nB=${A}\n",
	"A=\"unterminated\nB=2\n",
	"bad line here\nA=ok\n=novalue\nC=3\n",
	"'quoted key'=v\nA = spaced\n",
	"A=\"x\\\"\nB=1\n",
	"A='a\\'b\\'\nB=2\n",
	"A=1\r\nB=2\rC=3\r\n",
	"A=\"x\" # trailing\nB='y'   \nC=\"z\" junk\n",
	"A=${DOTENV_ORACLE_ENV:-d}\nDOTENV_ORACLE_ENV=file\nB=${DOTENV_ORACLE_ENV}\n",
	"  A  =  1  \n\t B\t=\t2\t#\tc\n",
	"A=caf\xc3\xa9 \xe2\x82\xac\n",
	"A=\nB=\"\"\nC=''\n",
	"export A\nexport=1\n#=x\na#b\n",
};

static void test_python_dotenv_oracle(void **state)
{
	(void)state;
	if (!oracle_has("dotenv"))
		fail_msg("python3-dotenv is missing (make install-deps)");
	setenv("DOTENV_ORACLE_ENV", "from-env", 1);
	fl_arena *a = fl_arena_new(0);
	const char *script =
		"import sys, io, json, logging\n"
		"logging.disable(logging.CRITICAL)\n"
		"from dotenv import dotenv_values\n"
		"for line in sys.stdin:\n"
		"    text = bytes.fromhex(line.strip()).decode('utf-8')\n"
		"    print(json.dumps(dotenv_values(stream=io.StringIO(text))))\n";
	size_t n = sizeof tricky / sizeof tricky[0];
	char **want = oracle_run(a, script, tricky, n);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++) {
		json_t *w = json_loads(want[i], 0, NULL);
		json_t *got = ours(tricky[i], NULL);
		assert_non_null(w);
		assert_non_null(got);
		if (!json_equal(w, got)) {
			char *g = json_dumps(got, JSON_SORT_KEYS);
			fail_msg("file %zu: python-dotenv %s, ours %s", i, want[i], g);
		}
		json_decref(w);
		json_decref(got);
	}
	fl_arena_free(a);
}

static void test_errors_are_counted_and_reported(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	FILE *warn = open_memstream(&out, &len);
	fl_dotenv d;
	const char text[] = "A=1\n\nbad line\nB=\"open\n";
	assert_int_equal(fl_dotenv_parse(text, sizeof text - 1, "x/.env", warn, &d), FL_OK);
	fclose(warn);
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.pairs[0].line, 1);
	assert_non_null(strstr(out, "x/.env:3: could not parse"));
	assert_non_null(strstr(out, "x/.env:4: could not parse"));
	free(out);
	fl_dotenv_free(&d);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_order_and_policy(void **state)
{
	(void)state;
	char dir[] = "/tmp/flagon-dotenv-XXXXXX", env[64], flagon[64];
	assert_non_null(mkdtemp(dir));
	snprintf(env, sizeof env, "%s/.env", dir);
	snprintf(flagon, sizeof flagon, "%s/.flagonenv", dir);
	write_file(env, "T_REAL=dotenv\nT_BOTH=dotenv\nT_REF=${T_REAL}\n");
	write_file(flagon, "T_BOTH=flagonenv\nT_ONLY=flagonenv\n");
	unsetenv("FLAGON_SKIP_DOTENV");
	unsetenv("FLAGON_LOAD_DOTENV");
	unsetenv("APP_CONFIG");
	const char *keys[] = { "T_REAL", "T_BOTH", "T_REF", "T_ONLY" };
	for (size_t i = 0; i < 4; i++)
		unsetenv(keys[i]);
	setenv("T_REAL", "real", 1);
	/* Production ignores the files unless told. */
	setenv("APP_CONFIG", "production", 1);
	assert_int_equal(fl_dotenv_load(dir), 0);
	assert_null(getenv("T_ONLY"));
	setenv("FLAGON_SKIP_DOTENV", "1", 1);
	unsetenv("APP_CONFIG");
	assert_int_equal(fl_dotenv_load(dir), 0);
	unsetenv("FLAGON_SKIP_DOTENV");
	assert_int_equal(fl_dotenv_load(dir), 2);
	assert_string_equal(getenv("T_REAL"), "real");        /* the environment wins */
	assert_string_equal(getenv("T_BOTH"), "dotenv");      /* .env over .flagonenv */
	assert_string_equal(getenv("T_REF"), "real");         /* load_dotenv: env first */
	assert_string_equal(getenv("T_ONLY"), "flagonenv");
	for (size_t i = 0; i < 4; i++)
		unsetenv(keys[i]);
	setenv("APP_CONFIG", "production", 1);
	setenv("FLAGON_LOAD_DOTENV", "1", 1);
	assert_int_equal(fl_dotenv_load(dir), 2);
	assert_string_equal(getenv("T_REAL"), "dotenv");
	unsetenv("APP_CONFIG");
	unsetenv("FLAGON_LOAD_DOTENV");
	assert_int_equal(fl_dotenv_load_file("/nonexistent/.env"), 0);
	unlink(env);
	unlink(flagon);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python_dotenv_oracle),
		cmocka_unit_test(test_errors_are_counted_and_reported),
		cmocka_unit_test(test_load_order_and_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
