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

/* fl_command_args: options, values, positionals and the errors (exit 2). */
static int args_of(const char *const *in, const char **args, int *n, const char **msg,
	int *flag)
{
	char *argv[16];
	int argc = 0;
	for (; in[argc]; argc++)
		argv[argc] = (char *)in[argc];
	argv[argc] = NULL;
	const fl_command_option opts[] = {
		{ "-m", "--message", msg, NULL },
		{ "--if-empty", NULL, NULL, flag },
		{ NULL },
	};
	const fl_command_spec spec = { .name = "x", .options = opts, .min_args = 1,
		.max_args = 2, .args_name = "REV" };
	return fl_command_args(&spec, argc, argv, args, n);
}

static void test_args(void **state)
{
	(void)state;
	const char *args[2] = { 0 }, *msg = NULL;
	int n = 0, flag = 0;
	const char *ok[] = { "x", "a", "-m", "hi", "--if-empty", "--", "-b", NULL };
	assert_int_equal(args_of(ok, args, &n, &msg, &flag), 0);
	assert_int_equal(n, 2);
	assert_string_equal(args[0], "a");
	assert_string_equal(args[1], "-b");
	assert_string_equal(msg, "hi");
	assert_int_equal(flag, 1);
	const char *eq[] = { "x", "--message=a=b", "-", NULL };
	assert_int_equal(args_of(eq, args, &n, &msg, &flag), 0);
	assert_string_equal(msg, "a=b");
	assert_string_equal(args[0], "-");
	const char *bad[][5] = {
		{ "x", "a", "--bogus", NULL },       /* unknown option */
		{ "x", "a", "-x", NULL },
		{ "x", "a", "b", "c", NULL },        /* one argument too many */
		{ "x", NULL },                       /* REV missing */
		{ "x", "a", "-m", NULL },            /* no value */
		{ "x", "a", "--if-empty=1", NULL },  /* a flag takes none */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(args_of(bad[i], args, &n, &msg, &flag), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_flasky_commands),
		cmocka_unit_test(test_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
