/* test_form.c — forms, fields, coercion and validators (lib/form/form.c,
 * lib/form/validators.c) against WTForms 3.0 behaviour and texts.
 *
 * With FL_FORM_JSON_DIR set, the JSON of a few forms is written there so
 * templates/_forms.html can be checked against real Jinja2 by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <regex.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "form/form.h"
#include "arena_fixture.h"
#include "form_fixture.h"

static void dump_json(const char *file, json_t *j)
{
	const char *dir = getenv("FL_FORM_JSON_DIR");
	if (!dir)
		return;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	json_dump_file(j, path, JSON_INDENT(1));
}

/* A form with one field of `type` carrying `validators`, processed with
 * `value` under "f" (NULL: the key absent, form data still given). */
static fl_form *one(fl_field_type type, const fl_validator *validators, const char *value)
{
	fl_field_def *fields = fl_arena_calloc(arena, 3, sizeof *fields);
	fields[0] = (fl_field_def){ .name = "f", .label = "F", .type = type,
	                            .validators = validators };
	fields[1] = (fl_field_def)FL_SUBMIT_FIELD("submit", "Submit");
	fl_form_def *def = fl_arena_calloc(arena, 1, sizeof *def);
	def->name = "OneForm";
	def->fields = fields;
	fl_form *f = fl_form_new(arena, def);
	if (value)
		fl_form_process(f, md("f", value, "submit", "Submit", NULL));
	else
		fl_form_process(f, md("submit", "Submit", NULL));
	return f;
}

/* Validate a one-field form and return the joined errors of "f". */
static const char *check(fl_field_type type, const fl_validator *validators, const char *value)
{
	fl_form *f = one(type, validators, value);
	int ok = fl_form_validate(f);
	const char *e = errs(f, "f");
	assert_int_equal(ok, *e == '\0');
	return e;
}

/* ---- the NameForm of Flasky ------------------------------------------- */

static const fl_validator name_validators[] = {
	FL_DATA_REQUIRED(NULL), FL_LENGTH(1, 64, NULL), FL_VALIDATORS_END };
static const fl_field_def name_form_fields[] = {
	FL_STRING_FIELD("name", "What is your name?", name_validators),
	FL_SUBMIT_FIELD("submit", "Submit"),
	FL_FIELDS_END };
static const fl_form_def NameForm = { "NameForm", name_form_fields };

static void test_name_form_valid(void **state)
{
	fl_form *f = fl_form_new(arena, &NameForm);
	fl_form_process(f, md("name", "  john ", "submit", "Submit", NULL));
	assert_true(fl_form_validate_on_submit(f, "POST"));
	/* WTForms 3.0 StringField does not strip. */
	assert_string_equal(fl_form_data(f, "name"), "  john ");
	assert_true(fl_form_data_bool(f, "submit"));
	assert_false(fl_form_has_errors(f));
}

static void test_name_form_required(void **state)
{
	fl_form *f = fl_form_new(arena, &NameForm);
	fl_form_process(f, md("name", "   ", "submit", "Submit", NULL));
	assert_false(fl_form_validate(f));
	/* DataRequired stops the chain: Length never adds its message. */
	assert_string_equal(errs(f, "name"), "This field is required.");
	/* The value typed is offered again. */
	json_t *j = fl_form_to_json(f, "tok");
	json_t *name = json_array_get(json_object_get(j, "fields"), 1);
	assert_string_equal(json_string_value(json_object_get(name, "value")), "   ");
	dump_json("name_required.json", j);
}

static void test_validate_on_submit_get(void **state)
{
	fl_form *f = fl_form_new(arena, &NameForm);
	fl_form_process(f, NULL);
	assert_false(fl_form_validate_on_submit(f, "GET"));
	assert_false(fl_form_validate_on_submit(f, NULL));
	assert_false(fl_form_has_errors(f));          /* validators did not run */
	assert_true(fl_form_is_submitted("PUT"));
	assert_true(fl_form_is_submitted("PATCH"));
	assert_true(fl_form_is_submitted("DELETE"));
	assert_false(fl_form_is_submitted("HEAD"));
	dump_json("name_get.json", fl_form_to_json(f, "tok123"));
}

/* ---- processing and coercion ------------------------------------------ */

static void test_string_absent_and_default(void **state)
{
	static const fl_field_def fields[] = {
		{ .name = "a", .label = "A", .type = FL_FIELD_STRING, .default_value = "dflt" },
		FL_STRING_FIELD("b", "B", NULL),
		FL_FIELDS_END };
	static const fl_form_def def = { "D", fields };
	fl_form *f = fl_form_new(arena, &def);
	assert_string_equal(fl_form_data(f, "a"), "dflt");
	assert_false(fl_field_has_data(fl_form_field(f, "b")));
	fl_form_process(f, md("b", "x", NULL));
	assert_string_equal(fl_form_data(f, "a"), "dflt");   /* absent: default kept */
	assert_null(fl_field_raw(fl_form_field(f, "a")));
	assert_string_equal(fl_form_data(f, "b"), "x");
	/* An empty form is no form data at all (Flask-WTF). */
	fl_form_process(f, md(NULL));
	assert_false(fl_field_has_data(fl_form_field(f, "b")));
	assert_null(fl_form_data(f, "nope"));
	/* Repeated keys: the first value wins. */
	fl_form_process(f, md("b", "1", "b", "2", NULL));
	assert_string_equal(fl_form_data(f, "b"), "1");
}

static void test_password(void **state)
{
	fl_form *f = one(FL_FIELD_PASSWORD, NULL, "s3cret");
	assert_string_equal(fl_form_data(f, "f"), "s3cret");
	json_t *fj = json_array_get(json_object_get(fl_form_to_json(f, NULL), "fields"), 0);
	assert_string_equal(json_string_value(json_object_get(fj, "value")), "");
	assert_string_equal(json_string_value(json_object_get(fj, "input_type")), "password");
}

static void test_integer(void **state)
{
	long long v = 0;
	fl_form *f = one(FL_FIELD_INTEGER, NULL, " -42 ");
	assert_int_equal(fl_form_data_int(f, "f", &v), FL_OK);
	assert_int_equal(v, -42);
	assert_string_equal(fl_form_data(f, "f"), "-42");
	f = one(FL_FIELD_INTEGER, NULL, "1_000");
	assert_int_equal(fl_form_data_int(f, "f", &v), FL_OK);
	assert_int_equal(v, 1000);
	f = one(FL_FIELD_INTEGER, NULL, "+007");
	assert_int_equal(fl_form_data_int(f, "f", &v), FL_OK);
	assert_int_equal(v, 7);
	f = one(FL_FIELD_INTEGER, NULL, "-9223372036854775808");
	assert_int_equal(fl_form_data_int(f, "f", &v), FL_OK);
	assert_true(v < 0);

	static const char *const bad[] = { "abc", "", "1.5", "0x10", "1__0", "_1", "1_",
		"9223372036854775808", "4 2", "--1", NULL };
	for (size_t i = 0; bad[i]; i++) {
		f = one(FL_FIELD_INTEGER, NULL, bad[i]);
		assert_int_equal(fl_form_data_int(f, "f", &v), FL_EINVAL);
		assert_false(fl_form_validate(f));
		assert_string_equal(errs(f, "f"), "Not a valid integer value.");
		/* The bad input is shown again as typed. */
		json_t *fj = json_array_get(json_object_get(fl_form_to_json(f, NULL), "fields"), 0);
		assert_string_equal(json_string_value(json_object_get(fj, "value")), bad[i]);
		assert_string_equal(json_string_value(json_object_get(fj, "input_type")), "number");
	}
	/* Absent: no data, no error. */
	f = one(FL_FIELD_INTEGER, NULL, NULL);
	assert_int_equal(fl_form_data_int(f, "f", &v), FL_EINVAL);
	assert_true(fl_form_validate(f));
}

static void test_float(void **state)
{
	static const struct { const char *in, *data; } ok[] = {
		{ "2.5", "2.5" }, { " 3 ", "3.0" }, { "1e3", "1000.0" }, { ".5", "0.5" },
		{ "5.", "5.0" }, { "-0.1", "-0.1" }, { "1e16", "1e+16" }, { "0.00001", "1e-05" },
		{ "1_0.5", "10.5" }, { "inf", "inf" }, { "-Infinity", "-inf" }, { "NaN", "nan" },
		{ "123.456", "123.456" }, { "1e999", "inf" }, { "0.1", "0.1" },
		{ "1234567890123456", "1234567890123456.0" }, { "1e-5", "1e-05" },
		{ "-2.5E+3", "-2500.0" }, { "1_0e1_0", "100000000000.0" }, { NULL, NULL } };
	double d;
	for (size_t i = 0; ok[i].in; i++) {
		fl_form *f = one(FL_FIELD_FLOAT, NULL, ok[i].in);
		assert_int_equal(fl_form_data_float(f, "f", &d), FL_OK);
		assert_string_equal(fl_form_data(f, "f"), ok[i].data);
	}
	static const char *const bad[] = { "", "abc", "0x10", "1.5.2", "1e", "e5", "nan(1)",
		"infinit", "1 2", "_1", ".", "1e+", "1e-+5", "1e5.0", "+-1", "1_.5", "--1", NULL };
	for (size_t i = 0; bad[i]; i++) {
		fl_form *f = one(FL_FIELD_FLOAT, NULL, bad[i]);
		assert_int_equal(fl_form_data_float(f, "f", &d), FL_EINVAL);
		assert_string_equal(check(FL_FIELD_FLOAT, NULL, bad[i]), "Not a valid float value.");
	}
}

static void test_boolean(void **state)
{
	static const struct { const char *in; int b; } cases[] = {
		{ "y", 1 }, { "on", 1 }, { "true", 1 }, { "False", 1 }, { "0", 1 },
		{ "false", 0 }, { "", 0 }, { NULL, 0 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fl_form *f = one(FL_FIELD_BOOLEAN, NULL, cases[i].in);
		assert_int_equal(fl_form_data_bool(f, "f"), cases[i].b);
		json_t *fj = json_array_get(json_object_get(fl_form_to_json(f, NULL), "fields"), 0);
		assert_int_equal(json_is_true(json_object_get(fj, "checked")), cases[i].b);
		assert_string_equal(json_string_value(json_object_get(fj, "value")),
		                    cases[i].in ? cases[i].in : "y");
	}
	/* A BooleanField with DataRequired must be checked. */
	static const fl_validator req[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_BOOLEAN, req, NULL), "This field is required.");
	assert_string_equal(check(FL_FIELD_BOOLEAN, req, "y"), "");
}

static const fl_choice colours[] = {
	{ "r", "Red" }, { "g", "Green" }, { "b", "<Blue>" }, FL_CHOICES_END };
static const fl_choice numbers[] = {
	{ "1", "One" }, { "2", "Two" }, FL_CHOICES_END };
static const fl_field_def select_fields[] = {
	FL_SELECT_FIELD("colour", "Colour", colours, FL_COERCE_STR, NULL),
	FL_SELECT_FIELD("num", "Number", numbers, FL_COERCE_INT, NULL),
	FL_FIELDS_END };
static const fl_form_def SelectForm = { "SelectForm", select_fields };

static void test_select(void **state)
{
	fl_form *f = fl_form_new(arena, &SelectForm);
	fl_form_process(f, md("colour", "g", "num", " 2", NULL));
	assert_true(fl_form_validate(f));
	long long n;
	assert_int_equal(fl_form_data_int(f, "num", &n), FL_OK);
	assert_int_equal(n, 2);
	json_t *j = fl_form_to_json(f, NULL);
	json_t *ch = json_object_get(json_array_get(json_object_get(j, "fields"), 0), "choices");
	assert_int_equal(json_array_size(ch), 3);
	assert_false(json_is_true(json_object_get(json_array_get(ch, 0), "selected")));
	assert_true(json_is_true(json_object_get(json_array_get(ch, 1), "selected")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 2), "label")),
	                    "<Blue>");
	ch = json_object_get(json_array_get(json_object_get(j, "fields"), 1), "choices");
	assert_true(json_is_true(json_object_get(json_array_get(ch, 1), "selected")));
	dump_json("select_ok.json", j);

	fl_form_process(f, md("colour", "purple", "num", "x", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "colour"), "Not a valid choice.");
	assert_string_equal(errs(f, "num"), "Invalid Choice: could not coerce.|Not a valid choice.");
	dump_json("select_bad.json", fl_form_to_json(f, "t"));

	/* Nothing submitted for a select: None is not a choice either. */
	fl_form_process(f, md("colour", "r", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "num"), "Not a valid choice.");
}

static void test_select_dynamic_choices(void **state)
{
	fl_form *f = fl_form_new(arena, &SelectForm);
	fl_choice courses[] = { { "7", "Maths" }, { "9", "Art" } };
	assert_int_equal(fl_form_set_choices(f, "num", courses, 2), FL_OK);
	courses[0].value = "changed";   /* copied, so this does not matter */
	fl_form_process(f, md("colour", "r", "num", "7", NULL));
	assert_true(fl_form_validate(f));
	assert_int_equal(fl_form_set_choices(f, "nope", courses, 2), FL_ENOTFOUND);
	static const fl_field_def sf[] = { FL_STRING_FIELD("s", "S", NULL), FL_FIELDS_END };
	static const fl_form_def sd = { "S", sf };
	assert_int_equal(fl_form_set_choices(fl_form_new(arena, &sd), "s", courses, 2), FL_EINVAL);
}

static void test_select_required_clears_choice_error(void **state)
{
	static const fl_validator req[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
	static const fl_field_def fields[] = {
		FL_SELECT_FIELD("c", "C", colours, FL_COERCE_STR, req), FL_FIELDS_END };
	static const fl_form_def def = { "C", fields };
	fl_form *f = fl_form_new(arena, &def);
	fl_form_process(f, md("c", "", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "c"), "This field is required.");
}

static void test_textarea_hidden_submit(void **state)
{
	static const fl_field_def fields[] = {
		FL_TEXTAREA_FIELD("body", "Body", NULL),
		FL_HIDDEN_FIELD("next", NULL),
		FL_SUBMIT_FIELD("save", "Save"),
		FL_SUBMIT_FIELD("delete", "Delete"),
		FL_FIELDS_END };
	static const fl_form_def def = { "Post", fields };
	fl_form *f = fl_form_new(arena, &def);
	fl_form_process(f, md("body", "line1\r\nline2\n", "next", "/x", "save", "Save", NULL));
	assert_true(fl_form_validate(f));
	assert_string_equal(fl_form_data(f, "body"), "line1\r\nline2\n");
	assert_string_equal(fl_form_data(f, "next"), "/x");
	assert_true(fl_form_data_bool(f, "save"));
	assert_false(fl_form_data_bool(f, "delete"));
	json_t *fs = json_object_get(fl_form_to_json(f, NULL), "fields");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 0), "input_type")),
	                    "textarea");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 1), "input_type")),
	                    "hidden");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 1), "label")),
	                    "Next");   /* WTForms: name.title() */
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 3), "value")),
	                    "Delete");
}

static void test_set_data(void **state)
{
	static const fl_field_def fields[] = {
		FL_STRING_FIELD("s", "S", NULL), FL_INTEGER_FIELD("i", "I", NULL),
		FL_BOOLEAN_FIELD("b", "B", NULL), FL_FLOAT_FIELD("x", "X", NULL), FL_FIELDS_END };
	static const fl_form_def def = { "E", fields };
	fl_form *f = fl_form_new(arena, &def);
	fl_form_process(f, md("s", "typed", "i", "oops", NULL));
	assert_int_equal(fl_form_set_data(f, "s", ""), FL_OK);   /* form.name.data = '' */
	assert_string_equal(fl_form_data(f, "s"), "");
	assert_int_equal(fl_form_set_data(f, "i", "12"), FL_OK);
	long long v;
	assert_int_equal(fl_form_data_int(f, "i", &v), FL_OK);
	assert_int_equal(v, 12);
	json_t *fs = json_object_get(fl_form_to_json(f, NULL), "fields");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 1), "value")), "12");
	assert_int_equal(fl_form_set_data(f, "i", "zz"), FL_EINVAL);
	assert_int_equal(fl_form_data_int(f, "i", &v), FL_OK);
	assert_int_equal(v, 12);
	assert_int_equal(fl_form_set_data(f, "b", "y"), FL_OK);
	assert_true(fl_form_data_bool(f, "b"));
	assert_int_equal(fl_form_set_data(f, "x", "0.25"), FL_OK);
	assert_string_equal(fl_form_data(f, "x"), "0.25");
	assert_int_equal(fl_form_set_data(f, "s", NULL), FL_OK);
	assert_false(fl_field_has_data(fl_form_field(f, "s")));
	assert_int_equal(fl_form_set_data(f, "nope", "1"), FL_ENOTFOUND);
}

static void test_bad_default(void **state)
{
	static const fl_field_def fields[] = {
		{ .name = "i", .label = "I", .type = FL_FIELD_INTEGER, .default_value = "x" },
		{ .name = "n", .label = "N", .type = FL_FIELD_INTEGER, .default_value = "5" },
		{ .name = "b", .label = "B", .type = FL_FIELD_BOOLEAN, .default_value = "y" },
		FL_FIELDS_END };
	static const fl_form_def def = { "B", fields };
	fl_form *f = fl_form_new(arena, &def);
	assert_string_equal(errs(f, "i"), "Not a valid integer value.");
	assert_string_equal(fl_form_data(f, "n"), "5");
	assert_true(fl_form_data_bool(f, "b"));
	/* Submitted without the checkbox: unchecked, not the default. */
	fl_form_process(f, md("n", "6", NULL));
	assert_false(fl_form_data_bool(f, "b"));
}

/* ---- validators ------------------------------------------------------- */

static void test_data_required(void **state)
{
	static const fl_validator dflt[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
	static const fl_validator custom[] = { FL_DATA_REQUIRED("Name please."), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, dflt, "x"), "");
	assert_string_equal(check(FL_FIELD_STRING, dflt, ""), "This field is required.");
	assert_string_equal(check(FL_FIELD_STRING, dflt, NULL), "This field is required.");
	assert_string_equal(check(FL_FIELD_STRING, dflt, " \t\r\n"), "This field is required.");
	assert_string_equal(check(FL_FIELD_STRING, dflt, "\xc2\xa0\xe3\x80\x80"),
	                    "This field is required.");
	/* every str.isspace() character (fl_utf8_is_blank): VT, U+001C, U+2003 */
	assert_string_equal(check(FL_FIELD_STRING, dflt, "\x0b\x1c\xe2\x80\x83"),
	                    "This field is required.");
	assert_string_equal(check(FL_FIELD_STRING, dflt, "\xe2\x80\x8b"), "");  /* U+200B */
	assert_string_equal(check(FL_FIELD_STRING, custom, ""), "Name please.");
	/* DataRequired looks at coerced data: 0 is false (WTForms' own caveat)
	 * and it replaces the coercion error. */
	assert_string_equal(check(FL_FIELD_INTEGER, dflt, "0"), "This field is required.");
	assert_string_equal(check(FL_FIELD_INTEGER, dflt, "x"), "This field is required.");
	assert_string_equal(check(FL_FIELD_INTEGER, dflt, "3"), "");
	assert_string_equal(check(FL_FIELD_FLOAT, dflt, "nan"), "");
}

/* A value holding a NUL byte (form data built by hand: the request refuses
 * one before a view runs) is never cut at it: "5\0" is not the integer 5,
 * "\0" not an empty optional value; the field fails, saying why. */
static void test_nul_value_refused(void **state)
{
	static const fl_validator opt[] = { FL_OPTIONAL(), FL_NUMBER_RANGE_MIN(0, NULL),
		FL_VALIDATORS_END };
	static const fl_validator req[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
	static const struct { const char *v; size_t n; } cases[] = {
		{ "5\0", 2 }, { "\0", 1 }, { "a\0b", 3 } };
	static const char nul_msg[] = "This field holds a NUL byte, which text cannot contain.";
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		for (int t = 0; t < 2; t++) {
			fl_field_def *fields = fl_arena_calloc(arena, 2, sizeof *fields);
			fields[0] = (fl_field_def){ .name = "f", .label = "F",
				.type = t ? FL_FIELD_STRING : FL_FIELD_INTEGER,
				.validators = t ? req : opt };
			fl_form_def def = { "NulForm", fields };
			fl_form *f = fl_form_new(arena, &def);
			fl_multidict m;
			fl_multidict_init(&m, arena);
			fl_multidict_add(&m, "f", cases[i].v, cases[i].n);
			fl_form_process(f, &m);
			assert_false(fl_form_validate(f));
			assert_string_equal(errs(f, "f"), nul_msg);
			assert_false(fl_field_has_data(fl_form_field(f, "f")));
		}
	}
}

static void test_input_required(void **state)
{
	static const fl_validator v[] = { FL_INPUT_REQUIRED(NULL), FL_VALIDATORS_END };
	static const fl_validator c[] = { FL_INPUT_REQUIRED("Say it."), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, v, " "), "");
	assert_string_equal(check(FL_FIELD_INTEGER, v, "0"), "");
	assert_string_equal(check(FL_FIELD_STRING, v, ""), "This field is required.");
	assert_string_equal(check(FL_FIELD_STRING, v, NULL), "This field is required.");
	assert_string_equal(check(FL_FIELD_STRING, c, NULL), "Say it.");
	/* Input given but not an integer: the coercion error remains. */
	assert_string_equal(check(FL_FIELD_INTEGER, v, "x"), "Not a valid integer value.");
}

static void test_optional(void **state)
{
	static const fl_validator v[] = { FL_OPTIONAL(), FL_EMAIL(NULL), FL_VALIDATORS_END };
	static const fl_validator keep[] = { { .kind = FL_V_OPTIONAL, .keep_whitespace = 1 },
		FL_LENGTH(3, -1, NULL), FL_VALIDATORS_END };
	static const fl_validator num[] = { FL_OPTIONAL(), FL_NUMBER_RANGE(1, 5, NULL),
		FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, v, NULL), "");
	assert_string_equal(check(FL_FIELD_STRING, v, ""), "");
	assert_string_equal(check(FL_FIELD_STRING, v, "  "), "");
	assert_string_equal(check(FL_FIELD_STRING, v, "nope"), "Invalid email address.");
	assert_string_equal(check(FL_FIELD_STRING, keep, " "),
	                    "Field must be at least 3 characters long.");
	assert_string_equal(check(FL_FIELD_STRING, keep, ""), "");
	/* An empty integer input: the coercion error is cleared. */
	assert_string_equal(check(FL_FIELD_INTEGER, num, ""), "");
	assert_string_equal(check(FL_FIELD_INTEGER, num, "9"), "Number must be between 1 and 5.");
}

static void test_length(void **state)
{
	static const fl_validator between[] = { FL_LENGTH(2, 4, NULL), FL_VALIDATORS_END };
	static const fl_validator atleast[] = { FL_LENGTH(3, -1, NULL), FL_VALIDATORS_END };
	static const fl_validator atleast1[] = { FL_LENGTH(1, -1, NULL), FL_VALIDATORS_END };
	static const fl_validator atmost[] = { FL_LENGTH(-1, 2, NULL), FL_VALIDATORS_END };
	static const fl_validator atmost1[] = { FL_LENGTH(-1, 1, NULL), FL_VALIDATORS_END };
	static const fl_validator exact[] = { FL_LENGTH(3, 3, NULL), FL_VALIDATORS_END };
	static const fl_validator exact1[] = { FL_LENGTH(1, 1, NULL), FL_VALIDATORS_END };
	static const fl_validator custom[] = {
		FL_LENGTH(2, 4, "%(length)d is not %(min)d-%(max)d (100%%)"), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, between, "abc"), "");
	assert_string_equal(check(FL_FIELD_STRING, between, "a"),
	                    "Field must be between 2 and 4 characters long.");
	assert_string_equal(check(FL_FIELD_STRING, between, "abcde"),
	                    "Field must be between 2 and 4 characters long.");
	assert_string_equal(check(FL_FIELD_STRING, between, NULL),
	                    "Field must be between 2 and 4 characters long.");
	assert_string_equal(check(FL_FIELD_STRING, atleast, "ab"),
	                    "Field must be at least 3 characters long.");
	assert_string_equal(check(FL_FIELD_STRING, atleast1, ""),
	                    "Field must be at least 1 character long.");
	assert_string_equal(check(FL_FIELD_STRING, atmost, "abc"),
	                    "Field cannot be longer than 2 characters.");
	assert_string_equal(check(FL_FIELD_STRING, atmost1, "ab"),
	                    "Field cannot be longer than 1 character.");
	assert_string_equal(check(FL_FIELD_STRING, exact, "ab"),
	                    "Field must be exactly 3 characters long.");
	assert_string_equal(check(FL_FIELD_STRING, exact1, "ab"),
	                    "Field must be exactly 1 character long.");
	assert_string_equal(check(FL_FIELD_STRING, custom, "abcdef"), "6 is not 2-4 (100%)");
	/* Characters, not bytes: four code points in eleven bytes. */
	assert_string_equal(check(FL_FIELD_STRING, between, "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "");
	assert_int_equal(fl_utf8_length("h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 4);
}

static void test_email(void **state)
{
	static const fl_validator v[] = { FL_EMAIL(NULL), FL_VALIDATORS_END };
	static const fl_validator c[] = { FL_EMAIL("Bad mail."), FL_VALIDATORS_END };
	static const char *const good[] = { "john@example.com", "a.b+tag@mail.example.co.uk",
		"o'neil@x-y.org", "user@xn--bcher-kva.de", "j\xc3\xb6rg@b\xc3\xbc" "cher.de",
		"!#$%&'*+/=?^_`{|}~-@example.com", NULL };
	static const char *const bad[] = { "", "john", "john@", "@example.com", "john@example",
		"john@@example.com", "jo hn@example.com", "john@exa mple.com", ".john@example.com",
		"john.@example.com", "jo..hn@example.com", "john@example..com", "john@-ex.com",
		"john@ex-.com", "john@example.123", "\"john\"@example.com", "john@[1.2.3.4]",
		"john@example.com.", "a@b@c.com", "john\n@example.com", " john@example.com",
		"john@exa_mple.com", NULL };
	for (size_t i = 0; good[i]; i++)
		assert_string_equal(check(FL_FIELD_STRING, v, good[i]), "");
	for (size_t i = 0; bad[i]; i++)
		assert_string_equal(check(FL_FIELD_STRING, v, bad[i]), "Invalid email address.");
	assert_string_equal(check(FL_FIELD_STRING, v, NULL), "Invalid email address.");
	assert_string_equal(check(FL_FIELD_STRING, c, "x"), "Bad mail.");

	char longmail[300];
	memset(longmail, 'a', 64);
	strcpy(longmail + 64, "@example.com");
	assert_true(fl_email_is_valid(longmail));
	longmail[0] = 'b';
	memmove(longmail + 1, longmail, strlen(longmail) + 1);   /* 65-byte local part */
	assert_false(fl_email_is_valid(longmail));
	/* 255 bytes overall with valid labels. */
	char *p = longmail;
	p += sprintf(p, "a@");
	for (int i = 0; i < 4; i++)
		p += sprintf(p, "%.62s.", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	sprintf(p, "com");
	assert_false(fl_email_is_valid(longmail));
	assert_false(fl_email_is_valid(NULL));
}

static void test_equal_to(void **state)
{
	static const fl_validator pw[] = { FL_DATA_REQUIRED(NULL),
		FL_EQUAL_TO("password2", NULL), FL_VALIDATORS_END };
	static const fl_validator pwc[] = {
		FL_EQUAL_TO("password2", "Must match %(other_label)s (%(other_name)s)."),
		FL_VALIDATORS_END };
	static const fl_validator bad[] = { FL_EQUAL_TO("nope", NULL), FL_VALIDATORS_END };
	static const fl_field_def fields[] = {
		FL_PASSWORD_FIELD("password", "Password", pw),
		FL_PASSWORD_FIELD("password2", "Confirm password", NULL),
		FL_PASSWORD_FIELD("p3", "P3", pwc),
		FL_PASSWORD_FIELD("p4", "P4", bad),
		FL_FIELDS_END };
	static const fl_form_def def = { "Register", fields };
	fl_form *f = fl_form_new(arena, &def);
	fl_form_process(f, md("password", "cat", "password2", "cat", "p3", "cat", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "password"), "");
	assert_string_equal(errs(f, "p3"), "");
	assert_string_equal(errs(f, "p4"), "Invalid field name 'nope'.");
	fl_form_process(f, md("password", "cat", "password2", "dog", "p3", "x", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "password"), "Field must be equal to password2.");
	assert_string_equal(errs(f, "p3"), "Must match Confirm password (password2).");
}

static void test_number_range(void **state)
{
	static const fl_validator both[] = { FL_NUMBER_RANGE(1, 10, NULL), FL_VALIDATORS_END };
	static const fl_validator lo[] = { FL_NUMBER_RANGE_MIN(0, NULL), FL_VALIDATORS_END };
	static const fl_validator hi[] = { FL_NUMBER_RANGE_MAX(2.5, NULL), FL_VALIDATORS_END };
	static const fl_validator custom[] = { FL_NUMBER_RANGE_MIN(18, "%(min)s+ only, not %(max)s"),
		FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_INTEGER, both, "1"), "");
	assert_string_equal(check(FL_FIELD_INTEGER, both, "10"), "");
	assert_string_equal(check(FL_FIELD_INTEGER, both, "11"), "Number must be between 1 and 10.");
	assert_string_equal(check(FL_FIELD_INTEGER, both, "0"), "Number must be between 1 and 10.");
	assert_string_equal(check(FL_FIELD_INTEGER, both, NULL), "Number must be between 1 and 10.");
	assert_string_equal(check(FL_FIELD_INTEGER, lo, "-1"), "Number must be at least 0.");
	assert_string_equal(check(FL_FIELD_FLOAT, hi, "2.5"), "");
	assert_string_equal(check(FL_FIELD_FLOAT, hi, "2.51"), "Number must be at most 2.5.");
	assert_string_equal(check(FL_FIELD_FLOAT, hi, "nan"), "Number must be at most 2.5.");
	assert_string_equal(check(FL_FIELD_FLOAT, hi, "-inf"), "");
	assert_string_equal(check(FL_FIELD_INTEGER, custom, "17"), "18+ only, not None");
	/* Coercion error first, then the range (no data). */
	assert_string_equal(check(FL_FIELD_INTEGER, both, "x"),
	                    "Not a valid integer value.|Number must be between 1 and 10.");
}

static void test_regexp(void **state)
{
	static const fl_validator v[] = { FL_REGEXP("[A-Za-z][A-Za-z0-9_.]*", NULL),
		FL_VALIDATORS_END };
	static const fl_validator full[] = { FL_REGEXP("^[a-z]+$",
		"Usernames must have only letters."), FL_VALIDATORS_END };
	static const fl_validator icase[] = { FL_REGEXP_FLAGS("abc$", REG_ICASE, NULL),
		FL_VALIDATORS_END };
	static const fl_validator broken[] = { FL_REGEXP("(", NULL), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, v, "john_1"), "");
	/* re.match anchors at the start only. */
	assert_string_equal(check(FL_FIELD_STRING, v, "john!!"), "");
	assert_string_equal(check(FL_FIELD_STRING, v, "1john"), "Invalid input.");
	assert_string_equal(check(FL_FIELD_STRING, v, NULL), "Invalid input.");
	assert_string_equal(check(FL_FIELD_STRING, full, "john"), "");
	assert_string_equal(check(FL_FIELD_STRING, full, "john1"), "Usernames must have only letters.");
	assert_string_equal(check(FL_FIELD_STRING, icase, "ABC"), "");
	assert_string_equal(check(FL_FIELD_STRING, broken, "x"), "Invalid input.");
}

static void test_any_of(void **state)
{
	static const char *const sizes[] = { "S", "M", "L", NULL };
	static const char *const nums[] = { "1", "3", NULL };
	static const fl_validator v[] = { FL_ANY_OF(sizes, NULL), FL_VALIDATORS_END };
	static const fl_validator n[] = { FL_ANY_OF(nums, "Pick %(values)s"), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, v, "M"), "");
	assert_string_equal(check(FL_FIELD_STRING, v, "XL"), "Invalid value, must be one of: S, M, L.");
	assert_string_equal(check(FL_FIELD_STRING, v, NULL), "Invalid value, must be one of: S, M, L.");
	assert_string_equal(check(FL_FIELD_INTEGER, n, "03"), "");
	assert_string_equal(check(FL_FIELD_INTEGER, n, "2"), "Pick 1, 3");
}

static fl_err no_admin(fl_form *f, fl_field *field, void *ud, const char **message)
{
	const char *taken = fl_form_context(f);
	if (taken && strcmp(fl_field_data(field), taken) == 0) {
		*message = fl_arena_printf(fl_form_arena(f), "%s %s", (const char *)ud,
		                           fl_field_label_text(field));
		return FL_EEXISTS;
	}
	return FL_OK;
}

static fl_err silent_fail(fl_form *f, fl_field *field, void *ud, const char **message)
{
	return FL_EINVAL;
}

static void test_custom_validator(void **state)
{
	static const fl_validator v[] = { FL_DATA_REQUIRED(NULL),
		FL_CUSTOM_VALIDATOR(no_admin, "Already used:"), FL_LENGTH(-1, 3, NULL),
		FL_VALIDATORS_END };
	static const fl_validator s[] = { FL_CUSTOM_VALIDATOR(silent_fail, NULL), FL_VALIDATORS_END };
	fl_form *f = one(FL_FIELD_STRING, v, "admin");
	fl_form_set_context(f, "admin");
	assert_false(fl_form_validate(f));
	/* A failing custom validator does not stop the chain. */
	assert_string_equal(errs(f, "f"),
	                    "Already used: F|Field cannot be longer than 3 characters.");
	f = one(FL_FIELD_STRING, v, "bob");
	fl_form_set_context(f, "admin");
	assert_true(fl_form_validate(f));
	assert_string_equal(check(FL_FIELD_STRING, s, "x"), "Invalid input.");
}

static void test_chain_accumulates(void **state)
{
	static const fl_validator v[] = { FL_LENGTH(10, -1, NULL), FL_EMAIL(NULL),
		FL_REGEXP("x", "No x."), FL_VALIDATORS_END };
	assert_string_equal(check(FL_FIELD_STRING, v, "ab"),
	                    "Field must be at least 10 characters long.|Invalid email address.|No x.");
}

static void test_revalidate_and_add_error(void **state)
{
	fl_form *f = fl_form_new(arena, &NameForm);
	fl_form_process(f, md("name", "", NULL));
	assert_false(fl_form_validate(f));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "name"), "This field is required.");   /* not doubled */
	fl_form_process(f, md("name", "susan", NULL));
	assert_true(fl_form_validate(f));
	assert_int_equal(fl_form_add_error(f, "name", "Username already in use."), FL_OK);
	assert_int_equal(fl_form_add_error(f, NULL, "Try again later."), FL_OK);
	assert_int_equal(fl_form_add_error(f, "nope", "x"), FL_ENOTFOUND);
	assert_true(fl_form_has_errors(f));
	assert_string_equal(errs(f, "name"), "Username already in use.");
	assert_string_equal(errs(f, NULL), "Try again later.");
	assert_null(fl_form_errors(f, "nope"));
	json_t *j = fl_form_to_json(f, NULL);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "form_errors"), 0)),
	                    "Try again later.");
	assert_true(json_is_true(json_object_get(j, "has_errors")));
}

/* ---- JSON ------------------------------------------------------------- */

static const fl_validator user_validators[] = {
	FL_DATA_REQUIRED(NULL), FL_LENGTH(1, 64, NULL),
	FL_REGEXP("^[A-Za-z][A-Za-z0-9_.]*$", "Usernames must have only letters, numbers, dots or "
	          "underscores"), FL_VALIDATORS_END };
static const fl_validator email_validators[] = {
	FL_DATA_REQUIRED(NULL), FL_LENGTH(1, 64, NULL), FL_EMAIL(NULL), FL_VALIDATORS_END };
static const fl_validator age_validators[] = {
	FL_OPTIONAL(), FL_NUMBER_RANGE(0, 150, NULL), FL_VALIDATORS_END };
static const fl_validator pw_validators[] = {
	FL_DATA_REQUIRED(NULL), FL_EQUAL_TO("password2", "Passwords must match."), FL_VALIDATORS_END };
static const fl_field_def everything_fields[] = {
	FL_STRING_FIELD("username", "Username", user_validators),
	{ .name = "email", .label = "Email", .type = FL_FIELD_STRING,
	  .validators = email_validators, .description = "We never share it." },
	FL_PASSWORD_FIELD("password", "Password", pw_validators),
	FL_PASSWORD_FIELD("password2", "Confirm password", NULL),
	FL_INTEGER_FIELD("age", "Age", age_validators),
	FL_FLOAT_FIELD("score", "Score", NULL),
	FL_BOOLEAN_FIELD("remember_me", "Keep me logged in", NULL),
	FL_SELECT_FIELD("colour", "Colour", colours, FL_COERCE_STR, NULL),
	FL_TEXTAREA_FIELD("about", "About me", NULL),
	FL_HIDDEN_FIELD("next", NULL),
	FL_SUBMIT_FIELD("submit", "Register"),
	FL_FIELDS_END };
static const fl_form_def Everything = { "RegistrationForm", everything_fields };

static json_t *field_named(json_t *j, const char *name)
{
	size_t i;
	json_t *fj;
	json_array_foreach(json_object_get(j, "fields"), i, fj)
		if (strcmp(json_string_value(json_object_get(fj, "name")), name) == 0)
			return fj;
	fail_msg("no field %s", name);
	return NULL;
}

static void test_to_json_shape(void **state)
{
	const char *xss = "<script>alert(\"x\")</script>&amp;'";
	fl_form *f = fl_form_new(arena, &Everything);
	fl_form_process(f, md("username", xss, "email", "john@", "password", "a",
	                      "password2", "b", "age", "200", "score", "1.5", "remember_me", "y",
	                      "colour", "b", "about", xss, "next", xss, "submit", "Register", NULL));
	assert_false(fl_form_validate(f));
	json_t *j = fl_form_to_json(f, "IjFhMmIzYyI.abc");
	dump_json("everything_bad.json", j);

	assert_string_equal(json_string_value(json_object_get(j, "name")), "RegistrationForm");
	assert_string_equal(json_string_value(json_object_get(j, "csrf_token")), "IjFhMmIzYyI.abc");
	json_t *fields = json_object_get(j, "fields");
	assert_int_equal(json_array_size(fields), 12);
	json_t *csrf = json_array_get(fields, 0);   /* rendered first */
	assert_string_equal(json_string_value(json_object_get(csrf, "name")), "csrf_token");
	assert_string_equal(json_string_value(json_object_get(csrf, "input_type")), "hidden");
	assert_string_equal(json_string_value(json_object_get(csrf, "value")), "IjFhMmIzYyI.abc");

	json_t *u = field_named(j, "username");
	assert_string_equal(json_string_value(json_object_get(u, "value")), xss);   /* raw */
	assert_string_equal(json_string_value(json_object_get(u, "id")), "username");
	assert_string_equal(json_string_value(json_object_get(u, "type")), "string");
	assert_string_equal(json_string_value(json_object_get(u, "label")), "Username");
	assert_true(json_is_true(json_object_get(u, "required")));
	assert_int_equal(json_integer_value(json_object_get(u, "maxlength")), 64);
	assert_int_equal(json_integer_value(json_object_get(u, "minlength")), 1);
	assert_int_equal(json_array_size(json_object_get(u, "errors")), 1);
	assert_null(json_object_get(u, "choices"));
	assert_null(json_object_get(u, "checked"));
	assert_null(json_object_get(u, "description"));
	assert_string_equal(json_string_value(json_object_get(field_named(j, "about"), "value")), xss);
	assert_string_equal(json_string_value(json_object_get(field_named(j, "next"), "value")), xss);

	json_t *e = field_named(j, "email");
	assert_string_equal(json_string_value(json_object_get(e, "description")), "We never share it.");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "errors"), 0)),
	                    "Invalid email address.");
	json_t *age = field_named(j, "age");
	assert_false(json_is_true(json_object_get(age, "required")));
	assert_int_equal(json_integer_value(json_object_get(age, "min")), 0);
	assert_int_equal(json_integer_value(json_object_get(age, "max")), 150);
	assert_null(json_object_get(age, "maxlength"));
	assert_string_equal(json_string_value(json_object_get(age, "value")), "200");
	assert_true(json_is_true(json_object_get(field_named(j, "remember_me"), "checked")));
	assert_string_equal(json_string_value(json_object_get(field_named(j, "password"), "value")), "");

	json_t *errors = json_object_get(j, "errors");
	assert_string_equal(json_string_value(json_array_get(json_object_get(errors, "password"), 0)),
	                    "Passwords must match.");
	assert_string_equal(json_string_value(json_array_get(json_object_get(errors, "age"), 0)),
	                    "Number must be between 0 and 150.");
	assert_null(json_object_get(errors, "score"));
	assert_null(json_object_get(errors, "csrf_token"));
	assert_int_equal(json_object_size(errors), 4);
	assert_true(json_is_true(json_object_get(j, "has_errors")));
	assert_int_equal(json_array_size(json_object_get(j, "form_errors")), 0);

	/* No token: no csrf field, no key. */
	j = fl_form_to_json(f, NULL);
	assert_null(json_object_get(j, "csrf_token"));
	assert_int_equal(json_array_size(json_object_get(j, "fields")), 11);

	/* A valid post keeps values for a re-render too. */
	fl_form_process(f, md("username", "john", "email", "john@example.com", "password", "cat",
	                      "password2", "cat", "age", "", "colour", "r", NULL));
	assert_true(fl_form_validate(f));
	dump_json("everything_ok.json", fl_form_to_json(f, "tok"));
	fl_form *fresh = fl_form_new(arena, &Everything);
	dump_json("everything_new.json", fl_form_to_json(fresh, "tok"));
}

static void test_json_bad_utf8(void **state)
{
	fl_form *f = one(FL_FIELD_STRING, NULL, "a\xff" "b\xc3");
	json_t *fj = json_array_get(json_object_get(fl_form_to_json(f, NULL), "fields"), 0);
	assert_string_equal(json_string_value(json_object_get(fj, "value")),
	                    "a\xef\xbf\xbd" "b\xef\xbf\xbd");
}

static void test_json_lives_in_arena(void **state)
{
	/* Many forms in one arena: the form, its errors and its JSON (objects
	 * and the strings inside) are arena memory, which json_decref leaves
	 * alone and one reset takes back, so nothing can leak. */
	for (int i = 0; i < 100; i++) {
		size_t before = fl_arena_used(arena);
		fl_form *f = fl_form_new(arena, &Everything);
		fl_form_process(f, md("username", "9x", NULL));
		fl_form_validate(f);
		assert_true(fl_arena_owns(arena, f));
		const char *const *errors = fl_form_errors(f, "username");
		assert_non_null(errors[0]);                /* not a letter first */
		assert_true(fl_arena_owns(arena, errors));
		json_t *j = fl_form_to_json(f, "t");
		json_t *user = field_named(j, "username");
		const char *value = json_string_value(json_object_get(user, "value"));
		const char *error = json_string_value(json_array_get(json_object_get(user, "errors"), 0));
		assert_string_equal(value, "9x");
		assert_non_null(error);
		assert_true(fl_arena_owns(arena, j));
		assert_true(fl_arena_owns(arena, user));
		assert_true(fl_arena_owns(arena, value));
		assert_true(fl_arena_owns(arena, error));
		size_t built = fl_arena_used(arena);
		assert_true(built > before);
		json_decref(j);                             /* a no-op on arena values */
		assert_int_equal(fl_arena_used(arena), built);
		assert_string_equal(value, "9x");
	}
	fl_arena_reset(arena);
	assert_int_equal(fl_arena_used(arena), 0);
}

/* Random bytes through every field type and validator: no crash, no leak,
 * and the JSON always builds. */
static void test_garbage_input(void **state)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	for (int round = 0; round < 3000; round++) {
		char v[24];
		size_t n = (size_t)(round % 23);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			v[i] = (char)((seed >> 33) % 255 + 1);
		}
		v[n] = '\0';
		fl_form *f = fl_form_new(arena, &Everything);
		fl_form_process(f, md("username", v, "email", v, "password", v, "password2", v,
		                      "age", v, "score", v, "remember_me", v, "colour", v,
		                      "about", v, "next", v, "submit", v, NULL));
		fl_form_validate(f);
		json_t *j = fl_form_to_json(f, v);
		assert_non_null(j);
		assert_int_equal(json_array_size(json_object_get(j, "fields")), 12);
		if (round % 500 == 0)
			fl_arena_reset(arena);
	}
}

static void test_empty_definition(void **state)
{
	static const fl_field_def none[] = { FL_FIELDS_END };
	static const fl_form_def def = { "Empty", none };
	fl_form *f = fl_form_new(arena, &def);
	fl_form_process(f, md("x", "y", NULL));
	assert_true(fl_form_validate(f));
	json_t *j = fl_form_to_json(f, "t");
	assert_int_equal(json_array_size(json_object_get(j, "fields")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, arena_setup, arena_teardown)
		T(test_name_form_valid),
		T(test_name_form_required),
		T(test_validate_on_submit_get),
		T(test_string_absent_and_default),
		T(test_password),
		T(test_integer),
		T(test_float),
		T(test_boolean),
		T(test_select),
		T(test_select_dynamic_choices),
		T(test_select_required_clears_choice_error),
		T(test_textarea_hidden_submit),
		T(test_set_data),
		T(test_bad_default),
		T(test_data_required),
		T(test_nul_value_refused),
		T(test_input_required),
		T(test_optional),
		T(test_length),
		T(test_email),
		T(test_equal_to),
		T(test_number_range),
		T(test_regexp),
		T(test_any_of),
		T(test_custom_validator),
		T(test_chain_accumulates),
		T(test_revalidate_and_add_error),
		T(test_to_json_shape),
		T(test_json_bad_utf8),
		T(test_json_lives_in_arena),
		T(test_garbage_input),
		T(test_empty_definition),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
