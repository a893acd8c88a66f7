/* test_form_face.c — the template face of a form (web/forms.h:
 * fl_form_template_value, fl_form_is_hidden_field) as WTForms 3.0,
 * Flask-WTF and Flask-Bootstrap's bootstrap/wtf.html read it: iteration
 * over the fields, field.type / widget / flags / default / render_kw,
 * class= and class_=, a RadioField's options, form.errors.
 * tests/integration/test_wtf_templates.py compares whole pages with the
 * real Jinja + WTForms; these pin the rules one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/arena.h"
#include "form/form.h"
#include "form/widgets.h"
#include "template/template.h"
#include "web/forms.h"
#include "arena_fixture.h"
#include "form_fixture.h"

static const fl_validator req_v[] = { FL_DATA_REQUIRED(NULL), FL_LENGTH(1, 8, NULL),
	FL_VALIDATORS_END };
static const fl_validator opt_v[] = { FL_OPTIONAL(), FL_NUMBER_RANGE(0, 1.5, NULL),
	FL_VALIDATORS_END };
static const fl_choice sizes[] = { { "s", "Small" }, { "m", "M <&>" }, FL_CHOICES_END };
static const fl_attr name_kw[] = { { "placeholder", "P" }, { "class_", "rk" },
	{ "autofocus", NULL }, FL_ATTRS_END };
static const fl_attr size_kw[] = { { "data_x", "1" }, FL_ATTRS_END };
static const fl_field_def fields[] = {
	{ .name = "name", .label = "Name", .type = FL_FIELD_STRING, .validators = req_v,
	  .description = "Help", .render_kw = name_kw, .default_value = "d" },
	{ .name = "size", .label = "Size", .type = FL_FIELD_RADIO, .validators = req_v,
	  .choices = sizes, .render_kw = size_kw },
	FL_FLOAT_FIELD("ratio", NULL, opt_v),
	FL_HIDDEN_FIELD("next", NULL),
	FL_FILE_FIELD("photo", "Photo", NULL),
	FL_TEXTAREA_FIELD("body", "Body", NULL),
	FL_SUBMIT_FIELD("submit", "Send"),
	FL_FIELDS_END
};
static const fl_form_def FaceForm = { "FaceForm", fields };

static fl_tpl_env *env;

static int setup(void **state)
{
	arena_setup(state);
	env = fl_tpl_env_new("lib/web/templates", 0);
	fl_tpl_env_add_function(env, "bootstrap_is_hidden_field", fl_form_is_hidden_field);
	return 0;
}

static int teardown(void **state)
{
	fl_tpl_env_free(env);
	return arena_teardown(state);
}

/* `src` rendered with {"form": the form's face}; "ERR: message" on error. */
static const char *render(fl_form *f, const char *csrf, const char *src)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "form", fl_form_template_value(arena, f, csrf));
	fl_buf out;
	fl_buf_init(&out, arena);
	fl_tpl_error err = { 0 };
	fl_err e = fl_tpl_render_string(env, src, ctx, NULL, arena, &out, &err);
	json_decref(ctx);
	if (e != FL_OK)
		return fl_arena_printf(arena, "ERR: %s", err.message);
	return out.data ? fl_buf_cstr(&out) : "";
}

static void test_iteration_in_declaration_order(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	assert_string_equal(render(f, "tok", "{% for x in form %}{{ x.name }} {% endfor %}"),
		"name size ratio next photo body submit csrf_token ");
	assert_string_equal(render(f, NULL, "{% for x in form %}{{ x.type }} {% endfor %}"),
		"StringField RadioField FloatField HiddenField FileField TextAreaField SubmitField ");
	assert_string_equal(render(f, "tok", "{{ form|length }} {{ form['size'].label.text }} "
		"{{ form.ratio.label.text }} {{ form.csrf_token.type }} {{ form.name.short_name }}"),
		"8 Size Ratio CSRFTokenField name");
	/* what existed before stays: the quick_form JSON, hidden_tag() */
	assert_string_equal(render(f, "tok", "{{ form.fields|length }} {{ form.enctype }} "
		"{{ form.hidden_tag() }}"),
		"8 multipart/form-data <input id=\"next\" name=\"next\" type=\"hidden\" value=\"\">\n"
		"<input id=\"csrf_token\" name=\"csrf_token\" type=\"hidden\" value=\"tok\">");
}

static void test_field_attributes(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	assert_string_equal(render(f, "t", "{% for x in form %}{{ x.widget.input_type }},"
		"{% endfor %}|{{ form.size.widget.html_tag }}"),
		"text,,text,hidden,file,,submit,hidden,|ul");
	assert_string_equal(render(f, "t", "{% for x in form %}{{ x.flags.required }}"
		"{{ x.flags.optional }}{{ x.flags.hidden }},{% endfor %}"),
		"TrueNoneNone,TrueNoneNone,NoneTrueNone,NoneNoneTrue,NoneNoneNone,NoneNoneNone,"
		"NoneNoneNone,NoneNoneTrue,");
	assert_string_equal(render(f, "t", "{{ form.name.flags.maxlength }} {{ form.ratio.flags.max }} "
		"{{ form.ratio.flags.min }} {{ form.name.default }} {{ form.ratio.default }} "
		"[{{ form.name.description }}] [{{ form.ratio.description }}] {{ form.ratio.render_kw }} "
		"{{ form.size.render_kw }}"),
		"8 1.5 0 d None [Help] [] None {&#39;data_x&#39;: &#39;1&#39;}");
	/* errors: WTForms' () before validate(), a list after */
	assert_string_equal(render(f, "t", "{{ form.name.errors }}{{ form.csrf_token.errors }}"
		"{% if form.name.errors %}x{% endif %}"), "()()");
	fl_form_process(f, md("name", "", NULL));
	fl_form_validate(f);
	assert_string_equal(render(f, "t", "{{ form.name.errors }} {{ form.ratio.errors }} "
		"{{ form.csrf_token.errors }}"),
		"[&#39;This field is required.&#39;] [] []");
}

static void test_class_and_render_kw(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	/* render_kw under the call's arguments; class= and class_= are one key */
	assert_string_equal(render(f, NULL, "{{ form.name }}"),
		"<input autofocus class=\"rk\" id=\"name\" maxlength=\"8\" minlength=\"1\" name=\"name\" "
		"placeholder=\"P\" required type=\"text\" value=\"d\">");
	assert_string_equal(render(f, NULL, "{{ form.name(class='a', autofocus=false) }}"),
		"<input class=\"a\" id=\"name\" maxlength=\"8\" minlength=\"1\" name=\"name\" "
		"placeholder=\"P\" required type=\"text\" value=\"d\">");
	assert_string_equal(render(f, NULL, "{{ form.body(class='a', class_='b') }}"),
		"<textarea class=\"b\" id=\"body\" name=\"body\">\r\n</textarea>");
	assert_string_equal(render(f, NULL, "{{ form.body(**{}) }}|{{ form.body(**{'class': 'k'}) }}"),
		"<textarea id=\"body\" name=\"body\">\r\n</textarea>|"
		"<textarea class=\"k\" id=\"body\" name=\"body\">\r\n</textarea>");
	assert_string_equal(render(f, NULL, "{{ form.body.label(class='l') }}"),
		"<label class=\"l\" for=\"body\">Body</label>");
	assert_string_equal(render(f, "t", "{{ form.csrf_token.label(for_='x') }}"),
		"<label for=\"x\">CSRF Token</label>");
	assert_string_equal(render(f, NULL, "{{ form.name(name_='x') }}"),
		"ERR: name: an attribute value must be a string, number, boolean or none, and `name` "
		"cannot be given");
}

static void test_radio_options(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	fl_form_process(f, md("size", "m", NULL));
	assert_string_equal(render(f, NULL, "{% for o in form.size %}{{ o }} {{ o.label }} "
		"{{ o.label.text }} {{ o.id }} {{ o.type }} {{ o.checked }} {{ o.data }} "
		"{{ o.errors }}|{% endfor %}"),
		"<input data-x=\"1\" id=\"size-0\" name=\"size\" required type=\"radio\" value=\"s\"> "
		"<label for=\"size-0\">Small</label> Small size-0 _Option False s ()|"
		"<input checked data-x=\"1\" id=\"size-1\" name=\"size\" required type=\"radio\" "
		"value=\"m\"> <label for=\"size-1\">M &lt;&amp;&gt;</label> M &lt;&amp;&gt; size-1 "
		"_Option True m ()|");
	assert_string_equal(render(f, NULL, "{% for o in form.size %}{{ o(class_='c', data_x=2) }}"
		"{% endfor %}"),
		"<input class=\"c\" data-x=\"2\" id=\"size-0\" name=\"size\" required type=\"radio\" "
		"value=\"s\"><input checked class=\"c\" data-x=\"2\" id=\"size-1\" name=\"size\" required "
		"type=\"radio\" value=\"m\">");
	/* still a field: called, printed, truthy */
	const char *ul = render(f, NULL, "{{ form.size(class_='u') }}");
	assert_non_null(strstr(ul, "<ul class=\"u\" data-x=\"1\" id=\"size\"><li><input data-x=\"1\""));
	assert_string_equal(render(f, NULL, "{% if form.size %}y{% endif %}"
		"{% for o in form.size %}{{ loop.length }}{% endfor %}"), "y22");
	/* an option's widget out of range, or given a name */
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_field_option_widget(fl_form_field(f, "size"), 2, NULL, &b), FL_EINVAL);
	json_t *kw = json_pack("{s:s}", "name", "x");
	assert_int_equal(fl_field_option_widget(fl_form_field(f, "size"), 0, kw, &b), FL_EINVAL);
	json_decref(kw);
	assert_int_equal(fl_field_option_count(fl_form_field(f, "name")), 0);
}

static void test_form_errors(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	assert_string_equal(render(f, NULL, "{{ form.errors }}"), "{}");
	fl_form_process(f, md("name", "x", "ratio", "9", NULL));
	fl_form_validate(f);
	assert_string_equal(render(f, NULL, "{% for k, v in form.errors.items() %}{{ k }}:{{ v|length }} "
		"{% endfor %}"), "size:1 ratio:1 ");
	fl_form_add_error(f, NULL, "bad");
	assert_string_equal(render(f, NULL, "{% for k, v in form.errors.items() %}{{ k }}:{{ v[0] }} "
		"{% endfor %}{{ form[none] is defined }}"),
		"size:This field is required. ratio:Number must be between 0 and 1.5. None:bad False");
}

static void test_hidden_field_global(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	assert_string_equal(render(f, "t", "{% for x in form %}{{ bootstrap_is_hidden_field(x)|int }}"
		"{% endfor %}{{ bootstrap_is_hidden_field(form.nope) }}"
		"{{ bootstrap_is_hidden_field({'type': 'HiddenField'}) }}"), "00010001FalseFalse");
	assert_string_equal(render(f, "t", "{{ bootstrap_is_hidden_field() }}"),
		"ERR: bootstrap_is_hidden_field() takes exactly one argument");
}

/* bootstrap/wtf.html itself (the page-level comparison with Jinja is
 * tests/integration/test_wtf_templates.py). */
static void test_wtf_quick_form(void **state)
{
	fl_form *f = fl_form_new(arena, &FaceForm);
	const char *html = render(f, "tok", "{% import 'bootstrap/wtf.html' as wtf %}"
		"{{ wtf.quick_form(form, form_type='horizontal', button_map={'submit': 'primary'}) }}");
	assert_null(strstr(html, "ERR"));
	assert_non_null(strstr(html, "<form action=\"\" method=\"post\"\n  class=\"form form-horizontal\" "
		"enctype=\"multipart/form-data\" role=\"form\">"));
	assert_non_null(strstr(html, "<input class=\"btn btn-primary\" id=\"submit\" name=\"submit\" "
		"type=\"submit\" value=\"Send\">"));
	assert_non_null(strstr(html, "<label class=\"control-label  col-lg-2\" for=\"name\">Name</label>"));
	assert_non_null(strstr(html, "<div class=\"radio\">"));
	assert_null(strstr(html, "<label class=\"control-label  col-lg-2\" for=\"next\">"));
	html = render(f, NULL, "{% import 'bootstrap/wtf.html' as wtf %}{{ wtf.form_field(form.body) }}");
	assert_non_null(strstr(html, "<div class=\"form-group \"><label class=\"control-label\" "
		"for=\"body\">Body</label>"));
	assert_non_null(strstr(html, "<textarea class=\"form-control\" id=\"body\" name=\"body\">"));
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_iteration_in_declaration_order),
		T(test_field_attributes),
		T(test_class_and_render_kw),
		T(test_radio_options),
		T(test_form_errors),
		T(test_hidden_field_global),
		T(test_wtf_quick_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
