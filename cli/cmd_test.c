/* cmd_test.c — `manage test [-k PATTERN]` (cmd_test.h): `make test` in
 * the project root, TEST_PATTERN selecting the tests. */
#include "cmd_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char fl_cli_test_usage[] =
	"usage: manage test [-k PATTERN]\n"
	"  run the application's tests: `make test` in the project root\n"
	"  -k PATTERN   only the tests whose name contains PATTERN (make gets\n"
	"               TEST_PATTERN=PATTERN in its environment: pytest -k PATTERN,\n"
	"               the C unit tests matching *PATTERN*)\n"
	"  -h, --help   print this and exit\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("manage test: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(fl_cli_test_usage, stderr);
	return 2;
}

int fl_cli_test(const char *root, int argc, char **argv)
{
	const char *pattern = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(fl_cli_test_usage, stdout);
			return 0;
		}
		if (!strcmp(a, "-k")) {
			if (i + 1 >= argc)
				return usage_error("option %s needs a PATTERN", a);
			pattern = argv[++i];
		} else if (!strncmp(a, "-k", 2)) {
			pattern = a + 2;
		} else if (a[0] == '-') {
			return usage_error("unknown option '%s'", a);
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	if (pattern && !*pattern)
		return usage_error("%s", "-k needs a non-empty PATTERN");
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
