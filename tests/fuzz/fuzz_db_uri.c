/* fuzz_db_uri.c — DATABASE_URI parsing (base/db_uri.h): any bytes parse or
 * are refused with a one-line reason, without a crash; a parsed URI keeps
 * its promises (a known dialect, a port in range, non-empty query keys and
 * values) and its display masks the password. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/db_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';   /* bytes after a NUL are not part of the URI */
	fl_db_uri u;
	char why[256];
	fl_err e = fl_db_uri_parse(text, &u, why, sizeof why);
	if (e) {
		if (e != FL_EINVAL || !why[0] || strchr(why, '\n'))
			abort();
	} else {
		if ((unsigned)u.dialect >= FL_DIALECT__MAX || u.port < 0 || u.port > 65535 ||
		    !u.backend || !u.drivername)
			abort();
		for (size_t i = 0; i < u.nquery; i++)
			if (!*u.query[i].key || !*u.query[i].value)
				abort();
		fl_arena *a = fl_arena_new(0);
		const char *shown = fl_db_uri_display(&u, a);
		if (!shown || (u.password && !strstr(shown, FL_URI_PASSWORD_MASK)))
			abort();
		size_t start;
		if (u.password && *u.password && !fl_uri_password_span(u.text, &start) &&
		    strstr(shown, u.password))
			abort();
		fl_arena_free(a);
	}
	fl_db_uri_free(&u);
	free(text);
	return 0;
}
