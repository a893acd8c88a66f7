/* test_pattern.c — linked into every C unit test: TEST_PATTERN (what
 * `./manage test -k PATTERN` sets, tests/run.sh) selects the tests whose
 * name contains PATTERN (cmocka's filter: `*PATTERN*`, so `*` and `?` are
 * wildcards inside it), as pytest's -k selects by a name's substring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor)) static void select_tests(void)
{
	static char glob[512];
	const char *p = getenv("TEST_PATTERN");
	if (!p || !*p || snprintf(glob, sizeof glob, "*%s*", p) >= (int)sizeof glob)
		return;
	cmocka_set_test_filter(glob);
}
