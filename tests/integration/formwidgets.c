/* formwidgets — Flagon's forms on the command line, so
 * tests/integration/test_form_widgets.py can compare them byte for byte
 * with WTForms 3.0 / Flask-WTF rendering the same form definition.
 *
 *   formwidgets < CASES.json > RESULTS.json
 *
 * CASES is a JSON array; each case:
 *   { "form": "AllForm" | "ValForm",
 *     "formdata": [[key, value], ...] or null   (null: a GET, no form data)
 *     "files": [[field, filename, content_type, size], ...]   optional
 *     "set_data": {field: value}                 optional, after processing
 *     "validate": true,                          optional
 *     "widgets": [[field, kwargs], ...], "labels": [[field, kwargs], ...],
 *     "hidden_tag": token or null }
 * and its result: { "widgets": [html, ...] (null where FL_EINVAL),
 *   "labels": [...], "hidden_tag": html, "valid": bool,
 *   "errors": {field: [...]} (fields with errors), "data": {field: json},
 *   "types": {field: "StringField"} }.
 * The form definitions below are the ones the Python test writes too.
 *
 *   formwidgets TEMPLATE_DIR < CASES.json > RESULTS.json
 *
 * also renders template cases (tests/integration/test_wtf_templates.py):
 *   { "form": "NameForm" | "MixForm" | "AllForm" | "ValForm",
 *     "formdata", "files", "validate" as above, "form_error": text (a
 *     form-level error added after validation), "csrf": token or null,
 *     "template": source }
 * rendered with {"form": the template face of the form (web/forms.h)} in
 * an env whose search path is TEMPLATE_DIR (bootstrap/wtf.html) with
 * Flask-Bootstrap's bootstrap_is_hidden_field; the result is
 * {"html": text} or {"error": "line:col: message"}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/vec.h"
#include "form/form.h"
#include "form/widgets.h"
#include "template/template.h"
#include "web/forms.h"

static const fl_validator name_v[] = { FL_DATA_REQUIRED(NULL), FL_LENGTH(1, 64, NULL),
	FL_VALIDATORS_END };
static const fl_validator secret_v[] = { FL_INPUT_REQUIRED(NULL), FL_VALIDATORS_END };
static const fl_validator age_v[] = { FL_NUMBER_RANGE(0, 150, NULL), FL_VALIDATORS_END };
static const fl_validator opt_v[] = { FL_OPTIONAL(), FL_VALIDATORS_END };
static const fl_validator body_v[] = { FL_LENGTH(-1, 500, NULL), FL_VALIDATORS_END };
static const fl_validator url_v[] = { FL_OPTIONAL(), FL_URL(1, NULL), FL_VALIDATORS_END };
static const fl_validator req_v[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
static const char *const photo_exts[] = { "jpg", "png", NULL };
static const fl_validator photo_v[] = { FL_FILE_REQUIRED(NULL), FL_FILE_ALLOWED(photo_exts, NULL),
	FL_FILE_SIZE(100, 0, NULL), FL_VALIDATORS_END };
static const fl_choice colours[] = { { "r", "Red" }, { "g", "Green <&>" }, FL_CHOICES_END };
static const fl_choice counts[] = { { "1", "One" }, { "2", "Two" }, FL_CHOICES_END };
static const fl_choice sizes[] = { { "s", "Small" }, { "m", "Medium" }, FL_CHOICES_END };
static const fl_choice tags[] = { { "a", "A" }, { "b", "B" }, { "c", "C" }, FL_CHOICES_END };

static const fl_field_def all_fields[] = {
	FL_STRING_FIELD("name", "What is your name?", name_v),
	FL_PASSWORD_FIELD("secret", "Password", secret_v),
	FL_INTEGER_FIELD("age", "Age", age_v),
	FL_FLOAT_FIELD("ratio", "Ratio", opt_v),
	FL_DECIMAL_FIELD("price", "Price", NULL),
	FL_BOOLEAN_FIELD("remember_me", NULL, NULL),
	FL_SELECT_FIELD("colour", "Colour", colours, FL_COERCE_STR, NULL),
	FL_SELECT_FIELD("count", "Count", counts, FL_COERCE_INT, NULL),
	FL_TEXTAREA_FIELD("body", "Body", body_v),
	FL_HIDDEN_FIELD("next", NULL),
	FL_DATE_FIELD("born", "Born", NULL),
	FL_DATETIME_FIELD("when", "When", NULL),
	FL_EMAIL_FIELD("email", "Email", req_v),
	FL_URL_FIELD("homepage", "Homepage", url_v),
	FL_RADIO_FIELD("size", "Size", sizes, FL_COERCE_STR, req_v),
	FL_SELECT_MULTIPLE_FIELD("tags", "Tags", tags, FL_COERCE_STR, NULL),
	FL_FILE_FIELD("photo", "Photo", photo_v),
	FL_MULTIPLE_FILE_FIELD("docs", "Docs", NULL),
	FL_HIDDEN_FIELD("token", NULL),
	FL_SUBMIT_FIELD("submit", "Submit"),
	FL_FIELDS_END
};
static const fl_form_def AllForm = { "AllForm", all_fields };

/* Validators on strings. */
static const char *const bad_words[] = { "admin", "root", NULL };
static const fl_validator url_tld_v[] = { FL_URL(1, NULL), FL_VALIDATORS_END };
static const fl_validator url_notld_v[] = { FL_URL(0, NULL), FL_VALIDATORS_END };
static const fl_validator ip4_v[] = { FL_IP_ADDRESS(1, 0, NULL), FL_VALIDATORS_END };
static const fl_validator ip6_v[] = { FL_IP_ADDRESS(0, 1, NULL), FL_VALIDATORS_END };
static const fl_validator ip46_v[] = { FL_IP_ADDRESS(1, 1, NULL), FL_VALIDATORS_END };
static const fl_validator noneof_v[] = { FL_NONE_OF(bad_words, NULL), FL_VALIDATORS_END };
static const fl_validator uuid_v[] = { FL_UUID(NULL), FL_VALIDATORS_END };
static const fl_validator optuuid_v[] = { FL_OPTIONAL(), FL_UUID(NULL), FL_VALIDATORS_END };
static const fl_validator int_req_v[] = { FL_INPUT_REQUIRED(NULL), FL_VALIDATORS_END };
static const fl_validator int_dreq_v[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };
static const fl_validator int_opt_v[] = { FL_OPTIONAL(), FL_NUMBER_RANGE(1, 5, NULL),
	FL_VALIDATORS_END };
static const fl_validator size_v[] = { FL_FILE_SIZE(10, 2, NULL), FL_VALIDATORS_END };
static const fl_validator dec_req_v[] = { FL_DATA_REQUIRED(NULL), FL_VALIDATORS_END };

static const fl_field_def val_fields[] = {
	FL_STRING_FIELD("url", "URL", url_tld_v),
	FL_STRING_FIELD("url_notld", NULL, url_notld_v),
	FL_STRING_FIELD("ip4", NULL, ip4_v),
	FL_STRING_FIELD("ip6", NULL, ip6_v),
	FL_STRING_FIELD("ip46", NULL, ip46_v),
	FL_STRING_FIELD("user", NULL, noneof_v),
	FL_STRING_FIELD("uuid", NULL, uuid_v),
	FL_STRING_FIELD("opt_uuid", NULL, optuuid_v),
	FL_INTEGER_FIELD("n_input", NULL, int_req_v),
	FL_INTEGER_FIELD("n_data", NULL, int_dreq_v),
	FL_INTEGER_FIELD("n_opt", NULL, int_opt_v),
	FL_FILE_FIELD("upload", NULL, size_v),
	FL_DECIMAL_FIELD("amount", NULL, dec_req_v),
	FL_DECIMAL_FIELD_PLACES("exact", NULL, NULL, FL_PLACES_NONE, FL_ROUND_HALF_EVEN),
	FL_DECIMAL_FIELD_PLACES("up", NULL, NULL, 1, FL_ROUND_HALF_UP),
	{ .name = "day", .type = FL_FIELD_DATE, .format = "%d/%m/%Y" },
	FL_FIELDS_END
};
static const fl_form_def ValForm = { "ValForm", val_fields };

/* The Flask book's NameForm (chapter 4). */
static const fl_field_def name_fields[] = {
	FL_STRING_FIELD("name", "What is your name?", req_v),
	FL_SUBMIT_FIELD("submit", "Submit"),
	FL_FIELDS_END
};
static const fl_form_def NameForm = { "NameForm", name_fields };

/* One of each widget Flask-Bootstrap lays out differently, with
 * descriptions and render_kw. */
static const fl_attr name_kw[] = { { "placeholder", "Your <name>" }, { "autofocus", NULL },
	FL_ATTRS_END };
static const fl_attr size_kw[] = { { "class_", "sz" }, { "data_x", "1" }, FL_ATTRS_END };
static const fl_attr go_kw[] = { { "class", "ignored" }, FL_ATTRS_END };
static const fl_validator nick_v[] = { FL_OPTIONAL(), FL_LENGTH(2, 10, NULL), FL_VALIDATORS_END };
static const fl_field_def mix_fields[] = {
	{ .name = "name", .label = "Name", .type = FL_FIELD_STRING, .validators = name_v,
	  .description = "Your <b>full</b> name", .render_kw = name_kw },
	{ .name = "nick", .type = FL_FIELD_STRING, .validators = nick_v, .default_value = "nn" },
	FL_PASSWORD_FIELD("secret", "Password", secret_v),
	FL_BOOLEAN_FIELD("remember_me", "Keep me logged in", NULL),
	{ .name = "size", .label = "Size", .type = FL_FIELD_RADIO, .validators = req_v,
	  .choices = sizes, .render_kw = size_kw },
	FL_SELECT_FIELD("colour", "Colour", colours, FL_COERCE_STR, NULL),
	{ .name = "body", .label = "Body", .type = FL_FIELD_TEXTAREA, .validators = body_v,
	  .description = "Markdown & more" },
	{ .name = "photo", .label = "Photo", .type = FL_FIELD_FILE, .description = "A picture" },
	FL_HIDDEN_FIELD("next", NULL),
	FL_INTEGER_FIELD("age", "Age", age_v),
	{ .name = "go", .label = "Go!", .type = FL_FIELD_SUBMIT, .render_kw = go_kw },
	FL_FIELDS_END
};
static const fl_form_def MixForm = { "MixForm", mix_fields };

static const fl_form_def *form_def(const char *name)
{
	static const fl_form_def *const all[] = { &AllForm, &ValForm, &NameForm, &MixForm };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return &AllForm;
}

static fl_tpl_env *env;

static fl_arena *arena;

static const char *render(const fl_field *field, json_t *kw, int label)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	fl_err e = label ? fl_field_label(field, kw, &b) : fl_field_widget(field, kw, &b);
	return e == FL_OK ? fl_buf_cstr(&b) : NULL;
}

static json_t *renders(const fl_form *f, json_t *list, int label)
{
	json_t *out = json_array(), *item;
	size_t i;
	json_array_foreach(list, i, item) {
		const fl_field *field = fl_form_field(f, json_string_value(json_array_get(item, 0)));
		const char *html = field ? render(field, json_array_get(item, 1), label) : NULL;
		json_array_append_new(out, html ? json_string(html) : json_null());
	}
	return out;
}

/* A template case: the form's template face rendered by `template`. */
static json_t *render_case(json_t *c, fl_form *f, json_t *r)
{
	json_t *fe = json_object_get(c, "form_error");
	if (json_is_string(fe))
		fl_form_add_error(f, NULL, json_string_value(fe));
	/* the form's face and the render in the arena, as a request's are */
	fl_arena *prev = fl_json_set_arena(arena);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "form", fl_form_template_value(arena, f,
		json_string_value(json_object_get(c, "csrf"))));
	fl_buf out;
	fl_buf_init(&out, arena);
	fl_tpl_error err = { 0 };
	fl_err e = env ? fl_tpl_render_string(env, json_string_value(json_object_get(c, "template")),
	                                      ctx, NULL, arena, &out, &err) : FL_EINVAL;
	fl_json_set_arena(prev);
	if (e != FL_OK)
		json_object_set_new(r, "error", json_string(fl_arena_printf(arena, "%d:%d: %s",
			err.line, err.column, env ? err.message : "no TEMPLATE_DIR")));
	else
		json_object_set_new(r, "html", json_string(out.data ? fl_buf_cstr(&out) : ""));
	return r;
}

static json_t *run_case(json_t *c)
{
	const char *name = json_string_value(json_object_get(c, "form"));
	const fl_form_def *def = form_def(name);
	fl_form *f = fl_form_new(arena, def);
	json_t *fd = json_object_get(c, "formdata"), *files = json_object_get(c, "files");
	json_t *item;
	size_t i;
	fl_multidict md;
	fl_files fs;
	fl_multidict_init(&md, arena);
	fl_files_init(&fs, arena);
	json_array_foreach(fd, i, item) {
		const char *v = json_string_value(json_array_get(item, 1));
		fl_multidict_add(&md, json_string_value(json_array_get(item, 0)), v, strlen(v));
	}
	json_array_foreach(files, i, item) {
		fl_file *up = fl_vec_push(arena, &fs);
		size_t size = (size_t)json_integer_value(json_array_get(item, 3));
		char *data = fl_arena_alloc(arena, size + 1);
		memset(data, 'x', size);
		*up = (fl_file){ .name = json_string_value(json_array_get(item, 0)),
			.filename = json_string_value(json_array_get(item, 1)),
			.content_type = json_string_value(json_array_get(item, 2)),
			.data = data, .len = size };
	}
	if (json_is_array(fd) || fs.len)
		fl_form_process_files(f, &md, &fs);
	const char *key;
	json_t *val;
	json_object_foreach(json_object_get(c, "set_data"), key, val)
		fl_form_set_data(f, key, json_string_value(val));
	json_t *r = json_object();
	json_object_set_new(r, "valid", json_boolean(json_is_true(json_object_get(c, "validate")) &&
	                                           fl_form_validate(f)));
	json_t *tpl = json_object_get(c, "template");
	if (tpl)
		return render_case(c, f, r);
	json_object_set_new(r, "widgets", renders(f, json_object_get(c, "widgets"), 0));
	json_object_set_new(r, "labels", renders(f, json_object_get(c, "labels"), 1));
	json_t *tok = json_object_get(c, "hidden_tag");
	if (tok) {
		fl_buf b;
		fl_buf_init(&b, arena);
		fl_form_hidden_tag(f, json_string_value(tok), &b);
		json_object_set_new(r, "hidden_tag", json_string(fl_buf_cstr(&b)));
	}
	json_t *errors = json_object(), *data = json_object(), *types = json_object();
	for (const fl_field_def *d = def->fields; d->name; d++) {
		const fl_field *field = fl_form_field(f, d->name);
		const char *const *e = fl_field_errors(field);
		if (e[0]) {
			json_t *a = json_array();
			for (; *e; e++)
				json_array_append_new(a, json_string(*e));
			json_object_set_new(errors, d->name, a);
		}
		json_object_set_new(data, d->name, fl_field_data_json(field));
		json_object_set_new(types, d->name, json_string(fl_field_class_name(field)));
	}
	json_object_set_new(r, "errors", errors);
	json_object_set_new(r, "data", data);
	json_object_set_new(r, "types", types);
	return r;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		env = fl_tpl_env_new(argv[1], 0);
		fl_tpl_env_add_function(env, "bootstrap_is_hidden_field", fl_form_is_hidden_field);
	}
	json_error_t err;
	json_t *cases = json_loadf(stdin, 0, &err);
	if (!json_is_array(cases)) {
		fprintf(stderr, "formwidgets: bad input: %s\n", err.text);
		return 2;
	}
	arena = fl_arena_new(0);
	json_t *out = json_array(), *c;
	size_t i;
	json_array_foreach(cases, i, c)
		json_array_append_new(out, run_case(c));
	json_dumpf(out, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(out);
	json_decref(cases);
	fl_arena_free(arena);
	if (env)
		fl_tpl_env_free(env);
	return 0;
}
