/* cmd_test.c — `manage test [-k PATTERN]` (cmd_test.h): `make test` in
 * the project root, TEST_PATTERN selecting the tests. */
#include "cmd_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "web/command.h"

const char fl_cli_test_usage[] =
	"usage: manage test [-k PATTERN]\n"
	"  run the application's tests: `make test` in the project root\n"
	"  -k PATTERN   only the tests whose name contains PATTERN (make gets\n"
	"               TEST_PATTERN=PATTERN in its environment: pytest -k PATTERN,\n"
	"               the C unit tests matching *PATTERN*)\n"
	"  -h, --help   print this and exit\n";

int fl_cli_test(const char *root, int argc, char **argv)
{
	const char *pattern = NULL;
	const fl_command_option opts[] = { { "-k", NULL, &pattern, NULL }, { NULL } };
	const fl_command_spec spec = { .name = "test", .options = opts };
	if (fl_command_args(&spec, argc, argv, NULL, NULL))
		return 2;
	if (pattern && !*pattern) {
		fprintf(stderr, "manage test: -k needs a non-empty PATTERN (see manage test --help)\n");
		return 2;
	}
	if (chdir(root))
		return fl_cli_fail("cannot enter %s: %s", root, strerror(errno));
	if (pattern)
		setenv("TEST_PATTERN", pattern, 1);
	else
		unsetenv("TEST_PATTERN");
	fflush(stdout);
	execlp("make", "make", "test", (char *)NULL);
	return fl_cli_fail("cannot run make: %s", strerror(errno));
}
