/* test_model.c — model declarations: the table name derived from the
 * class name (Flask-SQLAlchemy's camel_to_snake_case, compared with the
 * real function from Debian's python3-flask-sqlalchemy). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/model.h"

static const fl_column id_only[] = { FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY), FL_COLUMN_END };

static const char *const class_names[] = {
	"Student", "UserProfile", "HTTPResponse", "ABC", "A", "Role2User", "user",
	"XMLHttpRequest", "_Private", "OAuth2Token", "getHTTPResponseCode", "V1API", NULL,
};

/* What Flask-SQLAlchemy itself derives: one line per name. */
static char *oracle(void)
{
	char cmd[1024] = "/usr/bin/python3 -c 'import sys; "
		"from flask_sqlalchemy.model import camel_to_snake_case as f; "
		"[print(f(n)) for n in sys.argv[1:]]'";
	for (const char *const *n = class_names; *n; n++) {
		strcat(cmd, " ");
		strcat(cmd, *n);
	}
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	static char out[4096];
	size_t len = fread(out, 1, sizeof out - 1, p);
	out[len] = '\0';
	assert_int_equal(pclose(p), 0);
	return out;
}

static void tablename_is_flask_sqlalchemys(void **state)
{
	(void)state;
	char *expected = oracle(), *save = NULL;
	char *line = strtok_r(expected, "\n", &save);
	/* Models are static data: one object each, as the cache expects. */
	static fl_model models[sizeof class_names / sizeof class_names[0]];
	for (size_t i = 0; class_names[i]; i++) {
		fl_model *m = &models[i];
		*m = (fl_model){ .name = class_names[i], .columns = id_only };
		assert_non_null(line);
		assert_string_equal(fl_model_table(m), line);
		assert_ptr_equal(fl_model_table(m), fl_model_table(m));   /* derived once */
		line = strtok_r(NULL, "\n", &save);
	}
}

static void explicit_tablename_wins(void **state)
{
	(void)state;
	fl_model m = { .name = "UserProfile", .tablename = "profiles", .columns = id_only };
	assert_string_equal(fl_model_table(&m), "profiles");
	fl_model anon = { .columns = id_only };
	assert_null(fl_model_table(&anon));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tablename_is_flask_sqlalchemys),
		cmocka_unit_test(explicit_tablename_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
