/* test_form_fields.c — the fields, validators and widgets of issue 15
 * (lib/form/widgets.c, pytypes.c and the new parts of form.c and
 * validators.c) against WTForms 3.0 / Flask-WTF 1.1 behaviour and texts.
 * tests/integration/test_form_widgets.py compares the same against the
 * real Python libraries; these tests pin the rules one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/vec.h"
#include "form/form.h"
#include "form/pytypes.h"
#include "form/widgets.h"
#include "template/template.h"
#include "arena_fixture.h"
#include "form_fixture.h"

static const char *widget(const fl_form *f, const char *name, const char *kwargs)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	json_t *kw = kwargs ? json_loads(kwargs, 0, NULL) : NULL;
	if (fl_field_widget(fl_form_field(f, name), kw, &b) != FL_OK)
		return NULL;
	return fl_buf_cstr(&b);
}

static const char *label(const fl_form *f, const char *name, const char *kwargs)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	json_t *kw = kwargs ? json_loads(kwargs, 0, NULL) : NULL;
	if (fl_field_label(fl_form_field(f, name), kw, &b) != FL_OK)
		return NULL;
	return fl_buf_cstr(&b);
}

/* ---- html_params, widgets, labels, hidden_tag -------------------------- */

static void test_html_params(void **state)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	json_t *kw = json_loads("{\"name\": \"text1\", \"id\": \"f\", \"class_\": \"text\"}", 0, NULL);
	assert_int_equal(fl_html_params(kw, &b), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "class=\"text\" id=\"f\" name=\"text1\"");
	fl_buf_init(&b, arena);
	kw = json_loads("{\"checked\": true, \"readonly\": false, \"name\": \"text1\", \"abc\": \"hello\"}",
	                0, NULL);
	fl_html_params(kw, &b);
	assert_string_equal(fl_buf_cstr(&b), "abc=\"hello\" checked name=\"text1\"");
	fl_buf_init(&b, arena);
	kw = json_loads("{\"data_attr_x\": \"user.name\", \"aria_labeledby\": \"name\", \"for_\": 1, "
	                "\"z\": null, \"r\": 0.5, \"v\": \"<'&\\\">\", \"data_\": \"d\"}", 0, NULL);
	fl_html_params(kw, &b);
	/* sorted by the key as given: aria_, data_, data_attr_x, for_, r, v, z */
	assert_string_equal(fl_buf_cstr(&b), "aria-labeledby=\"name\" data=\"d\" data-attr-x=\"user.name\" "
	                    "for=\"1\" r=\"0.5\" v=\"&lt;&#39;&amp;&#34;&gt;\" z=\"None\"");
	fl_buf_init(&b, arena);
	assert_int_equal(fl_html_params(json_loads("{\"a\": [1]}", 0, NULL), &b), FL_EINVAL);
	assert_int_equal(fl_html_params(NULL, &b), FL_OK);
	assert_string_equal(fl_buf_cstr(&b), "");
}

static const fl_validator req[] = { FL_DATA_REQUIRED(NULL), FL_LENGTH(2, 8, NULL),
	FL_VALIDATORS_END };
static const fl_validator range[] = { FL_INPUT_REQUIRED(NULL), FL_NUMBER_RANGE(1, 2.5, NULL),
	FL_VALIDATORS_END };
static const fl_choice abc[] = { { "a", "A" }, { "b", "B & b" }, FL_CHOICES_END };
static const fl_field_def widget_fields[] = {
	FL_STRING_FIELD("user_name", NULL, req),
	FL_PASSWORD_FIELD("pw", "Password", req),
	FL_INTEGER_FIELD("n", "N", range),
	FL_DECIMAL_FIELD("price", "Price", NULL),
	FL_BOOLEAN_FIELD("ok", "OK", NULL),
	FL_TEXTAREA_FIELD("body", "Body", req),
	FL_RADIO_FIELD("pick", "Pick", abc, FL_COERCE_STR, req),
	FL_SELECT_MULTIPLE_FIELD("many", "Many", abc, FL_COERCE_STR, NULL),
	FL_DATE_FIELD("day", "Day", range),
	FL_EMAIL_FIELD("email", "Email", NULL),
	FL_URL_FIELD("site", "Site", NULL),
	FL_FILE_FIELD("photo", "Photo", NULL),
	FL_MULTIPLE_FILE_FIELD("docs", "Docs", NULL),
	FL_HIDDEN_FIELD("next", NULL),
	FL_SUBMIT_FIELD("go", "Go!"),
	FL_FIELDS_END
};
static const fl_form_def WidgetForm = { "WidgetForm", widget_fields };

static void test_widgets(void **state)
{
	fl_form *f = fl_form_new(arena, &WidgetForm);
	fl_form_process(f, md("user_name", "a\"b", "pw", "secret", "n", "x", "body", "<p>", "ok", "y",
	                      "pick", "b", "many", "a", "many", "b", "day", "2023-01-02", NULL));
	assert_string_equal(widget(f, "user_name", "{\"class_\": \"c\"}"),
	                    "<input class=\"c\" id=\"user_name\" maxlength=\"8\" minlength=\"2\" "
	                    "name=\"user_name\" required type=\"text\" value=\"a&#34;b\">");
	assert_string_equal(widget(f, "pw", NULL), "<input id=\"pw\" maxlength=\"8\" minlength=\"2\" "
	                    "name=\"pw\" required type=\"password\" value=\"\">");
	/* a kwarg wins over a flag; bad input is shown again as typed */
	assert_string_equal(widget(f, "n", "{\"required\": false, \"id\": \"x\"}"),
	                    "<input id=\"x\" max=\"2.5\" min=\"1\" name=\"n\" type=\"number\" value=\"x\">");
	assert_string_equal(widget(f, "price", NULL),
	                    "<input id=\"price\" name=\"price\" step=\"any\" type=\"number\" value=\"\">");
	assert_string_equal(widget(f, "ok", NULL),
	                    "<input checked id=\"ok\" name=\"ok\" type=\"checkbox\" value=\"y\">");
	assert_string_equal(widget(f, "body", "{\"rows\": 3}"),
	                    "<textarea id=\"body\" maxlength=\"8\" minlength=\"2\" name=\"body\" required "
	                    "rows=\"3\">\r\n&lt;p&gt;</textarea>");
	assert_string_equal(widget(f, "pick", "{\"class_\": \"list\"}"),
	                    "<ul class=\"list\" id=\"pick\"><li><input id=\"pick-0\" name=\"pick\" required "
	                    "type=\"radio\" value=\"a\"> <label for=\"pick-0\">A</label></li><li><input "
	                    "checked id=\"pick-1\" name=\"pick\" required type=\"radio\" value=\"b\"> "
	                    "<label for=\"pick-1\">B &amp; b</label></li></ul>");
	assert_string_equal(widget(f, "many", NULL),
	                    "<select id=\"many\" multiple name=\"many\"><option selected value=\"a\">A"
	                    "</option><option selected value=\"b\">B &amp; b</option></select>");
	assert_string_equal(widget(f, "day", NULL), "<input id=\"day\" max=\"2.5\" min=\"1\" name=\"day\" "
	                    "required type=\"date\" value=\"2023-01-02\">");
	assert_string_equal(widget(f, "email", NULL),
	                    "<input id=\"email\" name=\"email\" type=\"email\" value=\"\">");
	assert_string_equal(widget(f, "site", NULL),
	                    "<input id=\"site\" name=\"site\" type=\"url\" value=\"\">");
	assert_string_equal(widget(f, "photo", "{\"value\": \"x\", \"accept\": \"image/*\"}"),
	                    "<input accept=\"image/*\" id=\"photo\" name=\"photo\" type=\"file\">");
	assert_string_equal(widget(f, "docs", NULL),
	                    "<input id=\"docs\" multiple name=\"docs\" type=\"file\">");
	assert_string_equal(widget(f, "go", NULL),
	                    "<input id=\"go\" name=\"go\" type=\"submit\" value=\"Go!\">");
	/* name twice is Python's TypeError; a list is no attribute value */
	assert_null(widget(f, "user_name", "{\"name\": \"x\"}"));
	assert_null(widget(f, "user_name", "{\"x\": {}}"));
}

static void test_labels_and_accessors(void **state)
{
	fl_form *f = fl_form_new(arena, &WidgetForm);
	assert_string_equal(label(f, "user_name", NULL), "<label for=\"user_name\">User Name</label>");
	assert_string_equal(label(f, "pw", "{\"class_\": \"l\", \"for_\": \"o\"}"),
	                    "<label class=\"l\" for=\"o\">Password</label>");
	assert_string_equal(label(f, "pw", "{\"text\": \"<T>\"}"), "<label for=\"pw\">&lt;T&gt;</label>");
	assert_string_equal(label(f, "pw", "{\"text\": \"\"}"), "<label for=\"pw\">Password</label>");
	const fl_field *fld = fl_form_field(f, "pick");
	assert_string_equal(fl_field_class_name(fld), "RadioField");
	assert_string_equal(fl_field_id(fld), "pick");
	assert_string_equal(fl_field_description(fld), "");
	assert_int_equal(fl_field_type_of(fld), FL_FIELD_RADIO);
	assert_true(json_is_null(fl_field_data_json(fld)));
	assert_null(fl_field_errors(fld)[0]);
	assert_string_equal(fl_field_class_name(fl_form_field(f, "docs")), "MultipleFileField");
}

static void test_hidden_tag(void **state)
{
	fl_form *f = fl_form_new(arena, &WidgetForm);
	fl_form_set_data(f, "next", "/a?b=1&c=2");
	fl_buf b;
	fl_buf_init(&b, arena);
	fl_form_hidden_tag(f, "t<k>", &b);
	assert_string_equal(fl_buf_cstr(&b),
	                    "<input id=\"next\" name=\"next\" type=\"hidden\" value=\"/a?b=1&amp;c=2\">\n"
	                    "<input id=\"csrf_token\" name=\"csrf_token\" type=\"hidden\" value=\"t&lt;k&gt;\">");
	fl_buf_init(&b, arena);
	fl_form_hidden_tag(f, NULL, &b);
	assert_string_equal(fl_buf_cstr(&b),
	                    "<input id=\"next\" name=\"next\" type=\"hidden\" value=\"/a?b=1&amp;c=2\">");
}

/* ---- dates ---------------------------------------------------------------- */

static void test_strptime(void **state)
{
	fl_pydt t;
	assert_true(fl_pydt_parse("%Y-%m-%d", "2024-02-29", &t));
	assert_int_equal(t.day, 29);
	assert_false(fl_pydt_parse("%Y-%m-%d", "2023-02-29", &t));
	assert_false(fl_pydt_parse("%Y-%m-%d", "2023-02-30", &t));
	assert_false(fl_pydt_parse("%Y-%m-%d", "2023-04-31", &t));
	assert_false(fl_pydt_parse("%Y-%m-%d", "0000-01-01", &t));
	assert_true(fl_pydt_parse("%Y-%m-%d", "2023-1-5", &t));   /* %m and %d take one digit */
	assert_false(fl_pydt_parse("%Y-%m-%d", "23-01-05", &t));  /* %Y takes four */
	assert_false(fl_pydt_parse("%Y-%m-%d", "2023-01-05 ", &t)); /* unconverted data remains */
	assert_false(fl_pydt_parse("%Y-%m-%d", " 2023-01-05", &t));
	assert_true(fl_pydt_parse("%Y%m%d", "2023110", &t));      /* backtracks: 11, 0 fails; 1, 10 */
	assert_int_equal(t.month, 1);
	assert_int_equal(t.day, 10);
	assert_true(fl_pydt_parse("%Y-%m-%d %H:%M:%S", "2023-01-05 \t 7:05:09", &t));
	assert_int_equal(t.hour, 7);
	assert_false(fl_pydt_parse("%Y-%m-%d %H:%M:%S", "2023-01-05 24:00:00", &t));
	assert_false(fl_pydt_parse("%Y-%m-%d %H:%M:%S", "2023-01-05 23:00:60", &t));
	assert_true(fl_pydt_parse("%d/%m/%y", "01/02/69", &t));
	assert_int_equal(t.year, 1969);
	assert_true(fl_pydt_parse("%YT%m", "2023t02", &t));       /* literals ignore case */
	assert_false(fl_pydt_parse("%Q", "x", &t));               /* a bad directive */
	assert_string_equal(fl_pydt_format(arena, "%d.%m.%Y %%", &t), "01.02.2023 %");
}

static const fl_field_def date_fields[] = {
	FL_DATE_FIELD("d", "D", NULL),
	FL_DATETIME_FIELD("dt", "DT", NULL),
	{ .name = "eu", .type = FL_FIELD_DATE, .format = "%d.%m.%Y", .default_value = "24.12.2023" },
	FL_FIELDS_END
};
static const fl_form_def DateForm = { "DateForm", date_fields };

static void test_date_fields(void **state)
{
	fl_form *f = fl_form_new(arena, &DateForm);
	assert_string_equal(fl_form_data(f, "eu"), "2023-12-24");
	assert_string_equal(widget(f, "eu", NULL),
	                    "<input id=\"eu\" name=\"eu\" type=\"date\" value=\"24.12.2023\">");
	/* the date and time of a datetime may come as two values, joined by " " */
	fl_form_process(f, md("d", "2023-02-30", "dt", "2023-02-28", "dt", "13:45:00", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "d"), "Not a valid date value.");
	assert_string_equal(errs(f, "dt"), "");
	assert_string_equal(fl_form_data(f, "dt"), "2023-02-28 13:45:00");
	assert_string_equal(widget(f, "d", NULL),
	                    "<input id=\"d\" name=\"d\" type=\"date\" value=\"2023-02-30\">");
	assert_string_equal(widget(f, "dt", NULL), "<input id=\"dt\" name=\"dt\" type=\"datetime\" "
	                    "value=\"2023-02-28 13:45:00\">");
	fl_form_process(f, md("dt", "2023-02-28", NULL));
	fl_form_validate(f);
	assert_string_equal(errs(f, "dt"), "Not a valid datetime value.");
	assert_false(fl_field_has_data(fl_form_field(f, "dt")));
	assert_int_equal(fl_form_set_data(f, "d", "2023-13-01"), FL_EINVAL);
	assert_int_equal(fl_form_set_data(f, "d", "2023-12-01"), FL_OK);
	json_t *j = fl_field_data_json(fl_form_field(f, "d"));
	assert_string_equal(json_string_value(j), "2023-12-01");
}

/* ---- decimals ------------------------------------------------------------- */

static void test_decimal_text(void **state)
{
	static const char *const cases[][2] = {
		{ "1.50", "1.50" }, { " 1_000.5_5 ", "1000.55" }, { "1e400", "1E+400" },
		{ "-0", "-0" }, { ".5", "0.5" }, { "5.", "5" }, { "1E+2", "1E+2" }, { "100e-2", "1.00" },
		{ "0.000001", "0.000001" }, { "0.0000001", "1E-7" }, { "0e5", "0E+5" },
		{ "00012.300", "12.300" }, { "inf", "Infinity" }, { "-Infinity", "-Infinity" },
		{ "nan", "NaN" }, { "NaN012", "NaN12" }, { "sNaN", "sNaN" }, { "+.5e-3", "0.0005" },
		{ "1e", NULL }, { "e5", NULL }, { "1,5", NULL }, { "", NULL }, { ".", NULL },
		{ "1e9999999999999999999", NULL },
		/* the adjusted exponent is bounded, so str() parses again */
		{ "1E+1000000000000000", "1E+1000000000000000" }, { "10E+1000000000000000", NULL },
		{ "999999999999991E999999999999999", NULL },
		{ "1E-1000000000000000", "1E-1000000000000000" }, { "0x10", NULL }, { "1.2.3", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = fl_pydec_parse(arena, cases[i][0]);
		if (!cases[i][1])
			assert_null(got);
		else
			assert_string_equal(got, cases[i][1]);
	}
	assert_true(fl_pydec_is_zero("-0.00"));
	assert_true(fl_pydec_is_zero("0E+5"));
	assert_false(fl_pydec_is_zero("1E-7"));
	assert_false(fl_pydec_is_zero("NaN"));
	/* quantize, as Decimal(...).quantize(Decimal('.1') ** places, rounding) */
	assert_string_equal(fl_pydec_quantize(arena, "2.675", 2, FL_ROUND_HALF_EVEN), "2.68");
	assert_string_equal(fl_pydec_quantize(arena, "1.005", 2, FL_ROUND_HALF_EVEN), "1.00");
	assert_string_equal(fl_pydec_quantize(arena, "1.005", 2, FL_ROUND_HALF_UP), "1.01");
	assert_string_equal(fl_pydec_quantize(arena, "2.5", 0, FL_ROUND_HALF_EVEN), "2");
	assert_string_equal(fl_pydec_quantize(arena, "2.5", 0, FL_ROUND_HALF_DOWN), "2");
	assert_string_equal(fl_pydec_quantize(arena, "2.51", 0, FL_ROUND_HALF_DOWN), "3");
	assert_string_equal(fl_pydec_quantize(arena, "9.99", 1, FL_ROUND_UP), "10.0");
	assert_string_equal(fl_pydec_quantize(arena, "-1.01", 1, FL_ROUND_CEILING), "-1.0");
	assert_string_equal(fl_pydec_quantize(arena, "-1.01", 1, FL_ROUND_FLOOR), "-1.1");
	assert_string_equal(fl_pydec_quantize(arena, "1.09", 1, FL_ROUND_DOWN), "1.0");
	assert_string_equal(fl_pydec_quantize(arena, "-0.001", 2, FL_ROUND_HALF_EVEN), "-0.00");
	assert_string_equal(fl_pydec_quantize(arena, "1E+2", 2, FL_ROUND_HALF_EVEN), "100.00");
	assert_string_equal(fl_pydec_quantize(arena, "0.0004", 2, FL_ROUND_HALF_EVEN), "0.00");
	/* InvalidOperation in Python (past 28 digits, infinities): as it is */
	assert_string_equal(fl_pydec_quantize(arena, "1E+400", 2, FL_ROUND_HALF_EVEN), "1E+400");
	assert_string_equal(fl_pydec_quantize(arena, "Infinity", 2, FL_ROUND_HALF_EVEN), "Infinity");
}

static const fl_validator dreq[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
static const fl_validator dopt[] = { FL_OPTIONAL(), FL_NUMBER_RANGE(0, 10, NULL), FL_VALIDATORS_END };
static const fl_field_def dec_fields[] = {
	FL_DECIMAL_FIELD("price", "Price", dreq),
	FL_DECIMAL_FIELD("maybe", "Maybe", dopt),
	FL_FIELDS_END
};
static const fl_form_def DecForm = { "DecForm", dec_fields };

static void test_decimal_field(void **state)
{
	fl_form *f = fl_form_new(arena, &DecForm);
	fl_form_process(f, md("price", "1e400", "maybe", "abc", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "price"), "");              /* Decimal takes 1e400 */
	assert_string_equal(fl_form_data(f, "price"), "1E+400");
	assert_string_equal(errs(f, "maybe"), "Not a valid decimal value.|Number must be between 0 and 10.");
	assert_string_equal(widget(f, "price", NULL), "<input id=\"price\" name=\"price\" required "
	                    "step=\"any\" type=\"number\" value=\"1e400\">");
	fl_form_process(f, md("price", "0.00", "maybe", "  ", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "price"), "This field is required.");  /* Decimal 0 is false */
	assert_string_equal(errs(f, "maybe"), "");          /* Optional cleared the coercion error */
	fl_form *g = fl_form_new(arena, &DecForm);
	assert_int_equal(fl_form_set_data(g, "price", "2.675"), FL_OK);
	assert_string_equal(fl_form_data(g, "price"), "2.675");
	assert_string_equal(widget(g, "price", NULL), "<input id=\"price\" name=\"price\" required "
	                    "step=\"any\" type=\"number\" value=\"2.68\">");
	assert_int_equal(fl_form_set_data(g, "price", "x"), FL_EINVAL);
}

/* ---- choices ------------------------------------------------------------ */

static const fl_choice nums[] = { { "1", "One" }, { "2", "Two" }, FL_CHOICES_END };
static const fl_field_def choice_fields[] = {
	FL_RADIO_FIELD("r", "R", abc, FL_COERCE_STR, NULL),
	FL_SELECT_MULTIPLE_FIELD("m", "M", abc, FL_COERCE_STR, dreq),
	FL_SELECT_MULTIPLE_FIELD("mi", "MI", nums, FL_COERCE_INT, NULL),
	FL_FIELDS_END
};
static const fl_form_def ChoiceForm = { "ChoiceForm", choice_fields };

static void test_radio_and_select_multiple(void **state)
{
	fl_form *f = fl_form_new(arena, &ChoiceForm);
	fl_form_process(f, md("r", "z", "m", "a", "m", "x", "m", "y", "m", "x", "mi", "2", "mi", "one",
	                      NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "r"), "Not a valid choice.");
	assert_string_equal(errs(f, "m"), "'x', 'y' are not valid choices for this field.");
	assert_string_equal(errs(f, "mi"), "Invalid choice(s): one or more data inputs could not be coerced.");
	const char *const *l = fl_form_data_list(f, "m");
	assert_string_equal(l[0], "a");
	assert_string_equal(l[3], "x");
	assert_null(l[4]);
	fl_form_process(f, md("r", "a", "m", "b", "mi", "2", "mi", "1", NULL));
	assert_true(fl_form_validate(f));
	json_t *j = fl_field_data_json(fl_form_field(f, "mi"));
	assert_int_equal(json_array_size(j), 2);
	assert_int_equal(json_integer_value(json_array_get(j, 0)), 2);
	assert_string_equal(fl_form_data(f, "r"), "a");
	/* absent from submitted data: [] — falsy for DataRequired */
	fl_form_process(f, md("r", "a", NULL));
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "m"), "This field is required.");
	assert_null(fl_form_data_list(f, "m")[0]);
	json_t *fj = json_object_get(fl_form_to_json(f, NULL), "fields");
	assert_true(json_is_true(json_object_get(json_array_get(fj, 1), "multiple")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(fj, 0), "input_type")),
	                    "radio");
}

/* ---- files --------------------------------------------------------------- */

static const char *const images[] = { "jpg", "png", NULL };
static const fl_validator photo_v[] = { FL_FILE_REQUIRED(NULL), FL_FILE_ALLOWED(images, NULL),
	FL_FILE_SIZE(10, 2, NULL), FL_VALIDATORS_END };
static const fl_validator docs_v[] = { FL_FILE_ALLOWED(images, "Images only!"), FL_VALIDATORS_END };
static const fl_validator opt_file_v[] = { FL_OPTIONAL(), FL_FILE_SIZE(1, 0, NULL),
	FL_VALIDATORS_END };
static const fl_field_def file_fields[] = {
	FL_STRING_FIELD("title", "Title", NULL),
	FL_FILE_FIELD("photo", "Photo", photo_v),
	FL_MULTIPLE_FILE_FIELD("docs", "Docs", docs_v),
	FL_FILE_FIELD("extra", "Extra", opt_file_v),
	FL_FIELDS_END
};
static const fl_form_def FileForm = { "FileForm", file_fields };

static void add_file(fl_files *fs, const char *name, const char *filename, size_t len)
{
	*fl_vec_push(arena, fs) = (fl_file){ .name = name, .filename = filename,
		.content_type = "application/octet-stream", .data = "0123456789abcdef", .len = len };
}

static void test_file_fields(void **state)
{
	fl_form *f = fl_form_new(arena, &FileForm);
	fl_files fs;
	fl_files_init(&fs, arena);
	/* an empty file input sends a part without a file name: no upload */
	add_file(&fs, "photo", "", 0);
	add_file(&fs, "docs", "", 0);
	fl_form_process_files(f, md("title", "t", NULL), &fs);
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "photo"), "This field is required.");
	assert_string_equal(errs(f, "docs"), "");
	assert_string_equal(errs(f, "extra"), "");
	assert_null(fl_form_file(f, "photo"));
	assert_true(json_is_null(fl_field_data_json(fl_form_field(f, "photo"))));

	fl_files_init(&fs, arena);
	add_file(&fs, "photo", "Me.GIF", 5);
	add_file(&fs, "docs", "a.png", 1);
	add_file(&fs, "docs", "b.txt", 1);
	add_file(&fs, "extra", "x", 2);
	fl_form_process_files(f, NULL, &fs);   /* files alone make a submission */
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "photo"), "File does not have an approved extension: jpg, png");
	assert_string_equal(errs(f, "docs"), "Images only!");
	assert_string_equal(errs(f, "extra"), "File must be between 0 and 1 bytes.");
	size_t n;
	const fl_file *const *docs = fl_form_files(f, "docs", &n);
	assert_int_equal(n, 2);
	assert_string_equal(docs[1]->filename, "b.txt");

	fl_files_init(&fs, arena);
	add_file(&fs, "photo", "me.JPG", 11);
	fl_form_process_files(f, NULL, &fs);
	assert_false(fl_form_validate(f));
	assert_string_equal(errs(f, "photo"), "File must be between 2 and 10 bytes.");
	fl_files_init(&fs, arena);
	add_file(&fs, "photo", "me.JPG", 3);
	fl_form_process_files(f, NULL, &fs);
	assert_true(fl_form_validate(f));
	assert_string_equal(fl_form_file(f, "photo")->filename, "me.JPG");
	json_t *j = fl_field_data_json(fl_form_field(f, "photo"));
	assert_int_equal(json_integer_value(json_object_get(j, "size")), 3);
	assert_int_equal(fl_form_set_data(f, "photo", "x"), FL_EINVAL);

	/* the form says it needs multipart */
	assert_true(fl_form_has_file(f));
	json_t *fj = fl_form_to_json(f, NULL);
	assert_string_equal(json_string_value(json_object_get(fj, "enctype")), "multipart/form-data");
	assert_null(json_object_get(fl_form_to_json(fl_form_new(arena, &DecForm), NULL), "enctype"));
}

/* ---- validators ------------------------------------------------------------ */

static const char *const reserved[] = { "admin", "root", NULL };
static const fl_validator url_v[] = { FL_URL(1, NULL), FL_VALIDATORS_END };
static const fl_validator url_local_v[] = { FL_URL(0, "Bad URL %(x)s") , FL_VALIDATORS_END };
static const fl_validator ip4_v[] = { FL_IP_ADDRESS(1, 0, NULL), FL_VALIDATORS_END };
static const fl_validator ip6_v[] = { FL_IP_ADDRESS(0, 1, NULL), FL_VALIDATORS_END };
static const fl_validator none_v[] = { FL_NONE_OF(reserved, NULL), FL_VALIDATORS_END };
static const fl_validator none_msg_v[] = { FL_NONE_OF(reserved, "Not %(values)s!"), FL_VALIDATORS_END };
static const fl_validator uuid_v[] = { FL_UUID(NULL), FL_VALIDATORS_END };
static const fl_validator opt_url_v[] = { FL_OPTIONAL(), FL_URL(1, NULL), FL_VALIDATORS_END };
static const fl_validator opt_email_v[] = { FL_OPTIONAL(), FL_EMAIL(NULL), FL_VALIDATORS_END };
static const fl_validator in_req_v[] = { FL_INPUT_REQUIRED(NULL), FL_VALIDATORS_END };
static const fl_field_def val_fields[] = {
	FL_STRING_FIELD("url", NULL, url_v),
	FL_STRING_FIELD("local", NULL, url_local_v),
	FL_STRING_FIELD("ip4", NULL, ip4_v),
	FL_STRING_FIELD("ip6", NULL, ip6_v),
	FL_STRING_FIELD("user", NULL, none_v),
	FL_STRING_FIELD("user2", NULL, none_msg_v),
	FL_STRING_FIELD("uuid", NULL, uuid_v),
	FL_STRING_FIELD("home", NULL, opt_url_v),
	FL_STRING_FIELD("email", NULL, opt_email_v),
	FL_INTEGER_FIELD("n", NULL, in_req_v),
	FL_INTEGER_FIELD("m", NULL, dreq),
	FL_FIELDS_END
};
static const fl_form_def ValForm = { "ValForm", val_fields };

/* The errors of field `name` after submitting `value` for it alone. */
static const char *check(const char *name, const char *value)
{
	fl_form *f = fl_form_new(arena, &ValForm);
	fl_form_process(f, md(name, value, NULL));
	fl_form_validate(f);
	return errs(f, name);
}

static void test_url(void **state)
{
	static const char *const good[] = {
		"http://example.com", "HTTPS://Example.COM:8080/a/b?c=d#e", "ftp://a.b-c.de/",
		"http://127.0.0.1/", "http://x_y.example.org", "http://a.xn--p1ai", "http://xn--.com",
		"http://a.com/\n", "http://a.com?q", "http://b\xc3\xbc" "cher.de/", NULL };
	static const char *const bad[] = {
		"example.com", "http://localhost", "http://a.c", "http://-a.com", "http://a-.com",
		"http://a..com", "http://a.com:", "http://a.com:x", "http://a.com/x\ny", "http://",
		"http://a.com/ \n\n", "1http://a.com", "http://a b.com", "http://a.com1", "", NULL };
	for (size_t i = 0; good[i]; i++)
		if (strcmp(check("url", good[i]), "") != 0)
			fail_msg("URL refused %s", good[i]);
	for (size_t i = 0; bad[i]; i++)
		if (strcmp(check("url", bad[i]), "Invalid URL.") != 0)
			fail_msg("URL accepted %s", bad[i]);
	assert_string_equal(check("local", "http://localhost:5000/x"), "");
	assert_string_equal(check("local", "http://localhost:5000 /x"), "Bad URL %(x)s");
}

static void test_ip_none_of_uuid(void **state)
{
	assert_string_equal(check("ip4", "10.0.0.1"), "");
	assert_string_equal(check("ip4", "010.0.0.1"), "Invalid IP address.");
	assert_string_equal(check("ip4", "::1"), "Invalid IP address.");
	assert_string_equal(check("ip4", "1.2.3"), "Invalid IP address.");
	assert_string_equal(check("ip4", ""), "Invalid IP address.");
	assert_string_equal(check("ip6", "2001:db8::1"), "");
	assert_string_equal(check("ip6", "fe80::1%eth0"), "");
	assert_string_equal(check("ip6", "fe80::1%"), "Invalid IP address.");
	assert_string_equal(check("ip6", "10.0.0.1"), "Invalid IP address.");
	assert_string_equal(check("user", "root"), "Invalid value, can't be any of: admin, root.");
	assert_string_equal(check("user", "Root"), "");
	assert_string_equal(check("user2", "admin"), "Not admin, root!");
	assert_string_equal(check("uuid", "12345678-1234-5678-1234-567812345678"), "");
	assert_string_equal(check("uuid", "{12345678123456781234567812345678}"), "");
	assert_string_equal(check("uuid", "urn:uuid:12345678-1234-5678-1234-567812345678"), "");
	assert_string_equal(check("uuid", "0x345678123456781234567812345678"), "");  /* int(x, 16) */
	assert_string_equal(check("uuid", "12345678-1234-5678-1234-56781234567"), "Invalid UUID.");
	assert_string_equal(check("uuid", "g2345678123456781234567812345678"), "Invalid UUID.");
	assert_string_equal(check("uuid", ""), "Invalid UUID.");
}

static void test_optional_combinations(void **state)
{
	/* Optional stops the chain on empty or blank input ... */
	assert_string_equal(check("home", ""), "");
	assert_string_equal(check("home", "  \t"), "");
	assert_string_equal(check("email", " "), "");
	/* ... and lets the others run on anything else */
	assert_string_equal(check("home", "x"), "Invalid URL.");
	assert_string_equal(check("email", "x"), "Invalid email address.");
	assert_string_equal(check("email", "a@b.co"), "");
	/* absent entirely: Optional stops too */
	fl_form *f = fl_form_new(arena, &ValForm);
	fl_form_process(f, md("n", "1", NULL));
	fl_form_validate(f);
	assert_string_equal(errs(f, "home"), "");
	assert_string_equal(errs(f, "email"), "");
	/* InputRequired looks at the input, DataRequired at the coerced data */
	assert_string_equal(check("n", "0"), "");
	assert_string_equal(check("m", "0"), "This field is required.");
	assert_string_equal(check("n", ""), "This field is required.");
	/* both clear the coercion error they replace */
	assert_string_equal(check("m", "x"), "This field is required.");
	assert_string_equal(check("n", "x"), "Not a valid integer value.");
}

/* ---- quick_form ---------------------------------------------------------- */

static const char *quick_form(json_t *form, const char *extra)
{
	const char *root = getenv("FLAGON_ROOT");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/templates", root ? root : ".");
	fl_tpl_env *env = fl_tpl_env_new(dir, 0);
	fl_buf b;
	fl_buf_init(&b, arena);
	char src[256];
	snprintf(src, sizeof src, "{%% import \"_forms.html\" as forms %%}{{ forms.quick_form(form%s) }}",
	         extra);
	fl_tpl_error err;
	json_t *ctx = json_object();
	json_object_set(ctx, "form", form);
	fl_err e = fl_tpl_render_string(env, src, ctx, NULL, arena, &b, &err);
	fl_tpl_env_free(env);
	if (e != FL_OK)
		fail_msg("quick_form: %s", err.message);
	return fl_buf_cstr(&b);
}

static void test_quick_form_multipart(void **state)
{
	fl_form *f = fl_form_new(arena, &FileForm);
	const char *html = quick_form(fl_form_to_json(f, "tok"), "");
	assert_non_null(strstr(html, "<form method=\"post\" class=\"form\" "
	                       "enctype=\"multipart/form-data\" role=\"form\">"));
	assert_non_null(strstr(html, "id=\"photo\" name=\"photo\" required type=\"file\">"));
	assert_non_null(strstr(html, "id=\"docs\" multiple name=\"docs\" type=\"file\">"));
	html = quick_form(fl_form_to_json(f, "tok"), ", enctype='text/plain'");
	assert_non_null(strstr(html, "enctype=\"text/plain\""));
	html = quick_form(fl_form_to_json(fl_form_new(arena, &DecForm), "tok"), "");
	assert_null(strstr(html, "enctype"));
	assert_non_null(strstr(html, "step=\"any\" type=\"number\""));
	fl_form *c = fl_form_new(arena, &ChoiceForm);
	fl_form_process(c, md("r", "b", "m", "a", NULL));
	html = quick_form(fl_form_to_json(c, NULL), "");
	assert_non_null(strstr(html, "<input checked class=\"form-check-input\" id=\"r-1\" name=\"r\" "
	                       "type=\"radio\" value=\"b\">"));
	assert_non_null(strstr(html, "id=\"m\" multiple name=\"m\" required>"));
}

#define T(t) cmocka_unit_test_setup_teardown(t, arena_setup, arena_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_html_params),
		T(test_widgets),
		T(test_labels_and_accessors),
		T(test_hidden_tag),
		T(test_strptime),
		T(test_date_fields),
		T(test_decimal_text),
		T(test_decimal_field),
		T(test_radio_and_select_multiple),
		T(test_file_fields),
		T(test_url),
		T(test_ip_none_of_uuid),
		T(test_optional_combinations),
		T(test_quick_form_multipart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
