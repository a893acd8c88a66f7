/* test_application.c — fl_application_all_models: the application's
 * models, then each blueprint's own, once each; one table declared by two
 * models is refused naming both. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/app.h"
#include "web/application.h"

static const fl_column cols[] = { FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY), FL_COLUMN_END };
static const fl_model A = { .name = "A", .columns = cols };
static const fl_model B = { .name = "B", .columns = cols };
static const fl_model C = { .name = "C", .columns = cols };
static const fl_model OtherA = { .name = "OtherA", .tablename = "A", .columns = cols };

static const fl_model *const shared[] = { &A, &B, NULL };
static const fl_model *const bp1_models[] = { &B, &C, NULL };   /* B again, C its own */
static const fl_model *const bp2_models[] = { &OtherA, NULL };
static const fl_blueprint bp1 = { .name = "one", .models = bp1_models };
static const fl_blueprint bp2 = { .name = "two" };               /* NULL: the application's */
static const fl_blueprint bad = { .name = "bad", .models = bp2_models };
static const fl_blueprint *const bps[] = { &bp1, &bp2, NULL };
static const fl_blueprint *const bad_bps[] = { &bp1, &bad, NULL };

static void test_all_models(void **state)
{
	(void)state;
	fl_arena *a = fl_arena_new(0);
	const fl_model *const *v;
	char why[256];
	const fl_application app = { .name = "t", .models = shared, .blueprints = bps };
	assert_int_equal(fl_application_all_models(&app, a, &v, why, sizeof why), FL_OK);
	assert_ptr_equal(v[0], &A);
	assert_ptr_equal(v[1], &B);
	assert_ptr_equal(v[2], &C);
	assert_null(v[3]);
	/* no models at all: an empty list */
	const fl_application none = { .name = "n" };
	assert_int_equal(fl_application_all_models(&none, a, &v, why, sizeof why), FL_OK);
	assert_null(v[0]);
	/* a blueprint's model on another's table (case aside, as SQLite) */
	const fl_application clash = { .name = "c", .models = shared, .blueprints = bad_bps };
	assert_int_equal(fl_application_all_models(&clash, a, &v, why, sizeof why), FL_EINVAL);
	assert_null(v);
	assert_string_equal(why, "models A and OtherA both declare table 'a'");
	fl_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
