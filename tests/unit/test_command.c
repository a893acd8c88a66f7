/* test_command.c — lib/web/command.c: an application's ./manage commands
 * are checked against the built-in ones (no shadowing, no duplicates, a
 * usage, a help line and a function each), and Flasky's pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/application.h"
#include "app/flasky.h"

static int run_nothing(const fl_command_ctx *cx, int argc, char **argv) { return 0; }

/* The built-in commands of cli/manage.c. */
static const char *const builtins[] = { "db", "runserver", "routes", "seed", "shell",
	"session", "mail", "test", "render", NULL };

static void expect_refused(const fl_command *table, const char *must_mention)
{
	char why[256] = "";
	assert_int_equal(fl_commands_check(table, builtins, why, sizeof why), FL_EINVAL);
	assert_non_null(strstr(why, must_mention));
}

static void test_checks(void **state)
{
	(void)state;
	char why[256];
	const fl_command ok[] = { { "deploy", "usage: manage deploy\n", "deploy", run_nothing },
		{ "make-admin", "usage: manage make-admin\n", "x", run_nothing }, FL_COMMANDS_END };
	assert_int_equal(fl_commands_check(ok, builtins, why, sizeof why), FL_OK);
	assert_int_equal(fl_commands_check(NULL, builtins, why, sizeof why), FL_OK);
	const fl_command shadow[] = { { "routes", "u\n", "h", run_nothing }, FL_COMMANDS_END };
	expect_refused(shadow, "shadows the built-in");
	const fl_command twice[] = { { "a", "u\n", "h", run_nothing }, { "a", "u\n", "h", run_nothing },
		FL_COMMANDS_END };
	expect_refused(twice, "twice");
	const fl_command badname[] = { { "a b", "u\n", "h", run_nothing }, FL_COMMANDS_END };
	expect_refused(badname, "name");
	const fl_command dash[] = { { "--help", "u\n", "h", run_nothing }, FL_COMMANDS_END };
	expect_refused(dash, "name");
	const fl_command norun[] = { { "x", "u\n", "h", NULL }, FL_COMMANDS_END };
	expect_refused(norun, "run function");
	const fl_command nousage[] = { { "x", NULL, "h", run_nothing }, FL_COMMANDS_END };
	expect_refused(nousage, "usage");
	assert_ptr_equal(fl_command_find(ok, "make-admin"), &ok[1]);
	assert_null(fl_command_find(ok, "nope"));
	assert_null(fl_command_find(NULL, "deploy"));
}

static void test_flasky_commands(void **state)
{
	(void)state;
	char why[256] = "";
	assert_int_equal(fl_commands_check(flasky_app.commands, builtins, why, sizeof why), FL_OK);
	assert_non_null(fl_command_find(flasky_app.commands, "deploy"));
	/* And Flasky lists its blueprints, each once. */
	size_t n = 0;
	for (const struct fl_blueprint *const *b = flasky_app.blueprints; *b; b++)
		n++;
	assert_int_equal(n, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_flasky_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
