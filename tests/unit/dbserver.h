/* dbserver.h — the database servers a C unit test runs against besides
 * SQLite: the private MariaDB and PostgreSQL that tests/run.sh starts when
 * FLAGON_TEST_DB selects them (tools/dbservers.py, with
 * tests/integration/dbservers.py), and stops after the unit tests.  run.sh
 * hands them over in the environment:
 *   FLAGON_TEST_DATABASES        the selection, e.g. "sqlite,mysql,postgresql"
 *                                (unset: "sqlite", as for a test binary run
 *                                by hand)
 *   FLAGON_TEST_MYSQL_URI        mysql://flagon:PW@127.0.0.1:PORT/flagon_test
 *   FLAGON_TEST_POSTGRESQL_URI   postgresql://flagon:PW@127.0.0.1:PORT/flagon_test
 * (the password is percent-encoded, as DATABASE_URI wants it).  A test
 * loops over the kinds, or skips one that is not selected:
 *
 *     const char *uri = dbserver_uri("postgresql");
 *     if (!uri) skip();                      // not selected
 *
 * Header-only; include it after <cmocka.h>. */
#ifndef FL_TEST_DBSERVER_H
#define FL_TEST_DBSERVER_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "missing.h"

/* dbserver_selected — 1 when FLAGON_TEST_DATABASES (a comma-separated
 * list; unset: "sqlite") names `kind` ("sqlite", "mysql", "postgresql"),
 * else 0. */
static inline int dbserver_selected(const char *kind)
{
	const char *list = getenv("FLAGON_TEST_DATABASES");
	size_t n = strlen(kind);
	if (!list || !*list)
		list = "sqlite";
	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, kind, n))
			return 1;
		p += len + (end != NULL);
	}
	return 0;
}

/* dbserver_uri — the URI of the running test server of `kind` ("mysql" or
 * "postgresql"; the string is the environment's, not to be freed), or NULL
 * when FLAGON_TEST_DB did not select it.  Selected but not started (not
 * installed, or the binary run without tests/run.sh): missing(), which
 * skips, or fails under CI=true, and does not return. */
static inline const char *dbserver_uri(const char *kind)
{
	char var[64];
	size_t i = 0;
	if (!dbserver_selected(kind))
		return NULL;
	i = (size_t)snprintf(var, sizeof var, "FLAGON_TEST_");
	for (const char *k = kind; *k && i + 5 < sizeof var; k++)
		var[i++] = (char)toupper((unsigned char)*k);
	snprintf(var + i, sizeof var - i, "_URI");
	const char *uri = getenv(var);
	if (!uri || !*uri) {
		char what[128];
		snprintf(what, sizeof what, "the %s test server (%s unset: tests/run.sh starts it)",
			 kind, var);
		missing(what);
	}
	return uri;
}

#endif
