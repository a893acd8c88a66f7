/* missing.h — what a unit test does when a server it needs is not there
 * (redis-server): the rule tests/integration/servers.py's missing() applies
 * to the integration and browser tests.  On a developer's machine the test
 * skips; under CI=true (as CI systems set it; also 1 or yes) it fails, since
 * CI installs everything and a skip there would only hide a test that never
 * ran.  Skips for other reasons stay plain skip().  Header-only; include it
 * after <cmocka.h>. */
#ifndef FL_TEST_MISSING_H
#define FL_TEST_MISSING_H

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* missing — skip the running test, or fail it under CI=true, saying `what`
 * is missing.  Does not return. */
static inline void missing(const char *what)
{
	const char *ci = getenv("CI");
	if (ci && (!strcasecmp(ci, "true") || !strcmp(ci, "1") || !strcasecmp(ci, "yes")))
		fail_msg("missing under CI=true: %s (run make install-deps)", what);
	print_message("skipped: %s (run make install-deps)\n", what);
	skip();
}

#endif
