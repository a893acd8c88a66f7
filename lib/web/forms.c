/* forms.c — Flask-WTF's FlaskForm: a form bound to the request (filled
 * from request.form on submit, its CSRF token the request's), and the form
 * as templates see it: the quick_form JSON plus every field as a callable
 * object, as WTForms' fields are (`{{ form.name.label }} {{ form.name(
 * class_='x') }}`).  Fields and validators are form/form.c, their HTML
 * form/widgets.c. */
#include <stdio.h>
#include <string.h>

#include "base/jstring.h"
#include "form/widgets.h"
#include "web/ctx_internal.h"
#include "web/forms.h"
#include "web/sessions.h"

fl_form *fl_new_form(fl_ctx *c, const fl_form_def *def)
{
	fl_form *f = fl_form_new(c->arena, def);
	fl_form_set_context(f, c);
	if (fl_form_is_submitted(c->req.method_name))
		fl_form_process_files(f, &c->req.form, &c->req.files);
	return f;
}

int fl_validate_on_submit(fl_ctx *c, fl_form *f)
{
	return fl_form_validate_on_submit(f, c->req.method_name);
}

/* ---- the template side ---- */

#define CSRF_NAME "csrf_token"
#define CSRF_LABEL "CSRF Token"

/* What hidden_tag() needs. */
struct form_ud {
	const fl_form *form;
	const char *csrf;           /* the request's token, or NULL */
};

static json_t *html_result(fl_buf *out)
{
	return fl_markup(out->data ? fl_buf_cstr(out) : "");
}

static json_t *bad_attributes(fl_tpl_error *err, const char *what)
{
	snprintf(err->message, sizeof err->message,
		"%s: an attribute value must be a string, number, boolean or none, and "
		"`name` cannot be given", what);
	return NULL;
}

/* field(**kwargs) — WTForms' Field.__call__: the widget. */
static json_t *field_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	const fl_field *field = ud;
	if (json_array_size(args)) {
		snprintf(err->message, sizeof err->message,
			"%s() takes keyword arguments only", fl_field_name(field));
		return NULL;
	}
	fl_buf out;
	fl_buf_init(&out, a);
	if (fl_field_widget(field, kwargs, &out))
		return bad_attributes(err, fl_field_name(field));
	return html_result(&out);
}

/* Label.__call__(text=None, **kwargs): a positional text is `text`. */
static json_t *label_kwargs(json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	if (json_array_size(args) > 1 ||
	    (json_array_size(args) == 1 && json_object_get(kwargs, "text"))) {
		snprintf(err->message, sizeof err->message, "label() takes one text at most");
		return NULL;
	}
	json_t *kw = kwargs ? json_copy(kwargs) : json_object();
	if (json_array_size(args))
		json_object_set(kw, "text", json_array_get(args, 0));
	return kw;
}

static json_t *label_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	json_t *kw = label_kwargs(args, kwargs, err);
	if (!kw)
		return NULL;
	fl_buf out;
	fl_buf_init(&out, a);
	if (fl_field_label(ud, kw, &out))
		return bad_attributes(err, "label");
	return html_result(&out);
}

/* ---- Flask-WTF's CSRFTokenField: a HiddenField outside the form's
 * definition, so its widget and label are written here from the same
 * html_params. */

static json_t *csrf_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	if (json_array_size(args)) {
		snprintf(err->message, sizeof err->message, CSRF_NAME "() takes keyword arguments only");
		return NULL;
	}
	if (json_object_get(kwargs, "name"))
		return bad_attributes(err, CSRF_NAME);
	/* HiddenInput: id, type and value unless given; name always. */
	json_t *kw = kwargs ? json_copy(kwargs) : json_object();
	if (!json_object_get(kw, "id"))
		json_object_set_new(kw, "id", fl_json_string(CSRF_NAME));
	if (!json_object_get(kw, "type"))
		json_object_set_new(kw, "type", fl_json_string("hidden"));
	if (!json_object_get(kw, "value"))
		json_object_set_new(kw, "value", fl_json_string(ud));
	json_object_set_new(kw, "name", fl_json_string(CSRF_NAME));
	fl_buf out;
	fl_buf_init(&out, a);
	fl_buf_puts(&out, "<input ");
	if (fl_html_params(kw, &out))
		return bad_attributes(err, CSRF_NAME);
	fl_buf_putc(&out, '>');
	return html_result(&out);
}

/* A Label of its own (Flask-WTF's CSRF field, a radio option): the id
 * its `for` names and its text. */
struct label_ud {
	const char *id;
	const char *text;
};

/* Label.__call__(text=None, **kwargs) of a label_ud. */
static json_t *text_label_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	const struct label_ud *l = ud;
	json_t *kw = label_kwargs(args, kwargs, err);
	if (!kw)
		return NULL;
	json_t *text = json_object_get(kw, "text");
	const char *t = json_is_string(text) && json_string_length(text) ? json_string_value(text)
		: l->text;
	json_object_del(kw, "text");
	if (json_object_get(kw, "for_")) {
		json_object_set(kw, "for", json_object_get(kw, "for_"));
		json_object_del(kw, "for_");
	} else if (!json_object_get(kw, "for")) {
		json_object_set_new(kw, "for", fl_json_string(l->id));
	}
	fl_buf out;
	fl_buf_init(&out, a);
	fl_buf_puts(&out, "<label ");
	if (fl_html_params(kw, &out))
		return bad_attributes(err, "label");
	fl_buf_putc(&out, '>');
	fl_html_escape(&out, t, strlen(t));
	fl_buf_puts(&out, "</label>");
	return html_result(&out);
}

/* form.hidden_tag(*fields) — Flask-WTF: the hidden fields' widgets joined
 * by "\n"; with arguments (names or fields) only those that are hidden. */
static json_t *hidden_tag_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	const struct form_ud *fu = ud;
	fl_buf out;
	fl_buf_init(&out, a);
	if (!json_array_size(args)) {
		fl_form_hidden_tag(fu->form, fu->csrf, &out);
		return html_result(&out);
	}
	size_t i;
	json_t *arg;
	int first = 1;
	json_array_foreach(args, i, arg) {
		json_t *name = json_is_string(arg) ? arg : json_object_get(arg, "name");
		if (!json_is_string(name))
			continue;
		const char *n = json_string_value(name);
		json_t *html;
		if (!strcmp(n, CSRF_NAME) && fu->csrf) {
			html = csrf_call((void *)fu->csrf, a, NULL, NULL, err);
		} else {
			const fl_field *field = fl_form_field(fu->form, n);
			if (!field || fl_field_type_of(field) != FL_FIELD_HIDDEN)
				continue;
			html = field_call((void *)field, a, NULL, NULL, err);
		}
		if (!html)
			return NULL;
		if (!first)
			fl_buf_putc(&out, '\n');
		first = 0;
		fl_buf_puts(&out, fl_markup_html(html, NULL));
	}
	return html_result(&out);
}

/* A label object: `{{ f.label }}`, `f.label(class_='x')`, f.label.text,
 * f.label.field_id. */
static json_t *label_object(const char *id, const char *text, fl_tpl_function fn, void *ud)
{
	/* members set on the callable itself: no attrs object to copy */
	json_t *o = fl_tpl_callable(NULL, fn, ud);
	json_object_set_new(o, "field_id", fl_json_string_const(id));
	json_object_set_new(o, "text", fl_json_string_const(text));
	return o;
}


/* Values that are the same on every request are made once per process
 * on the heap and shared, a new reference each time (issue #20: the form
 * of the index was rebuilt object by object on every request).  Templates
 * cannot change them (the engine changes only values of the render's
 * arena); they live until the process exits. */
static json_t *shared(json_t **slot, json_t *(*make)(void))
{
	if (!*slot) {
		fl_arena *was = fl_json_set_arena(NULL);
		*slot = make();
		fl_json_set_arena(was);
	}
	return json_incref(*slot);
}

static json_t *make_empty_tuple(void)
{
	json_t *none = json_array(), *t = fl_tpl_sequence(NULL, none);
	json_decref(none);
	return t;
}

/* WTForms' errors before validate(): the class attribute, an empty tuple. */
static json_t *empty_tuple(void)
{
	static json_t *tuple;
	return shared(&tuple, make_empty_tuple);
}

/* field.errors: a list once the form was validated (or the field has
 * processing errors to show), else (). */
static json_t *errors_value(const fl_field *field, const fl_form *f)
{
	const char *const *e = fl_field_errors(field);
	if (!(e && *e) && !fl_form_was_validated(f))
		return empty_tuple();
	json_t *a = json_array();
	for (; e && *e; e++)
		json_array_append_new(a, fl_json_string(*e));
	return a;
}

/* One option of a RadioField (WTForms' _Option). */
struct option_ud {
	const fl_field *field;
	size_t i;
};

static json_t *option_call(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	const struct option_ud *o = ud;
	if (json_array_size(args)) {
		snprintf(err->message, sizeof err->message,
			"%s() takes keyword arguments only", fl_field_name(o->field));
		return NULL;
	}
	fl_buf out;
	fl_buf_init(&out, a);
	if (fl_field_option_widget(o->field, o->i, kwargs, &out))
		return bad_attributes(err, fl_field_name(o->field));
	return html_result(&out);
}

/* The attributes every field object has (WTForms' Field), the widget's
 * class name `type` and `data` given; `form` NULL for a field that is
 * never validated (a radio option: errors ()). */
static void set_field_attrs(json_t *attrs, const fl_form *form, const fl_field *field,
			    const char *id, const char *type, json_t *label, json_t *data)
{
	/* the definition's strings: shared once made */
	json_object_set_new_nocheck(attrs, "name", fl_json_string_const(fl_field_name(field)));
	json_object_set_new_nocheck(attrs, "short_name",
		fl_json_string_const(fl_field_name(field)));
	json_object_set_new_nocheck(attrs, "id", fl_json_string_const(id));
	json_object_set_new_nocheck(attrs, "type", fl_json_string_const(type));
	json_object_set_new_nocheck(attrs, "label", label);
	json_object_set_new_nocheck(attrs, "errors", form ? errors_value(field, form) : empty_tuple());
	json_object_set_new_nocheck(attrs, "data", data);
	json_object_set_new_nocheck(attrs, "default", fl_field_default_json(field));
	json_object_set_new_nocheck(attrs, "description",
		fl_json_string_const(fl_field_description(field)));
	json_object_set_new_nocheck(attrs, "flags", fl_field_flags_json(field));
	json_object_set_new_nocheck(attrs, "render_kw", fl_field_render_kw_json(field));
}

/* Option i of a RadioField: id "ID-i", its label, data its value,
 * `checked`, a RadioInput widget; the parent's flags and render_kw. */
static json_t *option_object(fl_arena *a, const fl_field *field, size_t i)
{
	const char *value, *text;
	int checked;
	fl_field_option(field, i, &value, &text, &checked);
	struct option_ud *ud = fl_arena_alloc(a, sizeof *ud);
	*ud = (struct option_ud){ field, i };
	struct label_ud *l = fl_arena_alloc(a, sizeof *l);
	l->id = fl_arena_printf(a, "%s-%zu", fl_field_id(field), i);
	l->text = text;
	json_t *o = fl_tpl_callable(NULL, option_call, ud);
	set_field_attrs(o, NULL, field, l->id, "_Option",
		label_object(l->id, text, text_label_call, l), fl_json_string(value));
	json_object_set_new(o, "checked", json_boolean(checked));
	json_object_set_new(o, "widget", json_pack("{s:s}", "input_type", "radio"));
	return o;
}

/* A field's members but the options, on `o`. */
static void set_field_members(json_t *o, const fl_form *form, fl_field *field)
{
	json_t *label = label_object(fl_field_id(field), fl_field_label_text(field), label_call,
		field);
	set_field_attrs(o, form, field, fl_field_id(field), fl_field_class_name(field), label,
		fl_field_data_json(field));
	json_object_set_new(o, "widget", fl_field_widget_json(field));
}

struct lazy_field {
	fl_arena *arena;   /* where this struct and `all` live */
	const fl_form *form;
	fl_field *field;
	json_t *all;       /* every member, made at the first read */
};

/* The members of a field object, made when a template first reads one
 * (fl_tpl_lazy): pages that render forms through fl_form_to_json's
 * `fields` (Flasky's quick_form) never read them.  All are made at once
 * and kept: a template that reads one usually reads several (wtf.html's
 * form_field reads six). */
static json_t *lazy_field_members(void *ud, const char *name)
{
	struct lazy_field *lf = ud;
	if (!lf->all) {
		/* in the struct's arena: kept exactly as long as it is */
		fl_arena *prev = fl_json_set_arena(lf->arena);
		lf->all = json_object();
		set_field_members(lf->all, lf->form, lf->field);
		fl_json_set_arena(prev);
	}
	return json_incref(name ? json_object_get(lf->all, name) : lf->all);
}

/* One field as WTForms shows it to a template; a RadioField iterates its
 * options. */
static json_t *field_object(fl_arena *a, const fl_form *form, fl_field *field)
{
	size_t n = fl_field_option_count(field);
	if (!n) {
		/* members on the callable itself, made when first read */
		struct lazy_field *lf = fl_arena_alloc(a, sizeof *lf);
		*lf = (struct lazy_field){ a, form, field, NULL };
		return fl_tpl_lazy_members(fl_tpl_callable(NULL, field_call, field),
			lazy_field_members, lf);
	}
	json_t *label = label_object(fl_field_id(field), fl_field_label_text(field), label_call,
		field);
	/* a RadioField iterates its options: a callable sequence */
	json_t *attrs = json_object();
	set_field_attrs(attrs, form, field, fl_field_id(field), fl_field_class_name(field), label,
		fl_field_data_json(field));
	json_object_set_new(attrs, "widget", fl_field_widget_json(field));
	json_t *options = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(options, option_object(a, field, i));
	json_t *seq = fl_tpl_sequence(attrs, options);
	json_decref(options);
	json_decref(attrs);
	json_t *o = fl_tpl_callable(seq, field_call, field);
	json_decref(seq);
	return o;
}

/* The CSRF field's members that never change: widget, flags, label. */
static json_t *make_csrf_widget(void)
{
	json_t *widget = json_object();
	json_object_set_new_nocheck(widget, "input_type", json_string_nocheck("hidden"));
	return widget;
}

static json_t *make_csrf_flags(void)
{
	static const char *const flag_names[] = {
		"required", "optional", "hidden", "minlength", "maxlength", "min", "max",
	};
	json_t *flags = json_object();
	for (size_t i = 0; i < sizeof flag_names / sizeof *flag_names; i++)
		json_object_set_new_nocheck(flags, flag_names[i],
			!strcmp(flag_names[i], "hidden") ? json_true() : json_null());
	return flags;
}

static json_t *make_csrf_label(void)
{
	static const struct label_ud l = { CSRF_NAME, CSRF_LABEL };
	return label_object(CSRF_NAME, CSRF_LABEL, text_label_call, (void *)&l);
}

static json_t *csrf_object(fl_arena *a, const fl_form *f, const char *token)
{
	static json_t *widget, *flags, *label;
	(void)a;
	/* Set member by member, in WTForms' order, on the callable itself:
	 * a json_pack of this on every page with a form cost more than the
	 * members (issue #20). */
	json_t *o = fl_tpl_callable(NULL, csrf_call, (void *)token);
	const struct { const char *key; json_t *value; } members[] = {
		{ "name", json_string_nocheck(CSRF_NAME) },
		{ "short_name", json_string_nocheck(CSRF_NAME) },
		{ "id", json_string_nocheck(CSRF_NAME) },
		{ "type", json_string_nocheck("CSRFTokenField") },
		{ "label", shared(&label, make_csrf_label) },
		{ "errors", fl_form_was_validated(f) ? json_array() : empty_tuple() },
		{ "data", fl_json_string(token) },
		{ "default", json_null() },
		{ "description", json_string_nocheck("") },
		{ "render_kw", json_null() },
		{ "current_token", fl_json_string(token) },
		{ "widget", shared(&widget, make_csrf_widget) },
		{ "flags", shared(&flags, make_csrf_flags) },
	};
	for (size_t i = 0; i < sizeof members / sizeof *members; i++)
		json_object_set_new_nocheck(o, members[i].key, members[i].value);
	return o;
}

/* The keys of the quick_form JSON a field cannot take over. */
static int reserved(const char *name)
{
	static const char *const keys[] = {
		"fields", "errors", "form_errors", "has_errors", "enctype", "hidden_tag", NULL,
	};
	for (const char *const *k = keys; *k; k++)
		if (!strcmp(*k, name))
			return 1;
	return 0;
}

json_t *fl_form_template_value(fl_arena *a, fl_form *f, const char *csrf)
{
	json_t *o = fl_form_to_json(f, csrf);
	if (!o)
		return NULL;
	json_t *items = json_array();
	size_t i;
	json_t *entry;
	json_array_foreach(json_object_get(o, "fields"), i, entry) {
		const char *name = json_string_value(json_object_get(entry, "name"));
		fl_field *field = name ? fl_form_field(f, name) : NULL;
		if (!field)
			continue;  /* the CSRF entry */
		json_t *fo = field_object(a, f, field);
		json_array_append(items, fo);
		if (!reserved(name))
			json_object_set(o, name, fo);
		json_decref(fo);
	}
	if (csrf && !fl_form_field(f, CSRF_NAME)) {
		/* Flask-WTF's field comes after the class's own */
		json_t *co = csrf_object(a, f, csrf);
		json_object_set(o, CSRF_NAME, co);
		json_array_append_new(items, co);
	}
	/* form.errors: WTForms 3.0 adds the form-level errors under None */
	json_t *form_errors = json_object_get(o, "form_errors");
	if (json_array_size(form_errors))
		json_object_set(json_object_get(o, "errors"), "None", form_errors);
	struct form_ud *fu = fl_arena_alloc(a, sizeof *fu);
	fu->form = f;
	fu->csrf = csrf;
	json_object_set_new(o, "hidden_tag", fl_tpl_callable(NULL, hidden_tag_call, fu));
	json_t *form = fl_tpl_sequence(o, items);
	json_decref(o);
	json_decref(items);
	return form;
}

json_t *fl_make_form_context(fl_ctx *c, fl_form *f)
{
	return fl_form_template_value(c->arena, f, fl_csrf_token(c));
}

json_t *fl_form_is_hidden_field(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	(void)ud, (void)a, (void)err;
	if (json_array_size(args) + json_object_size(kwargs) != 1) {
		snprintf(err->message, sizeof err->message,
			"bootstrap_is_hidden_field() takes exactly one argument");
		return NULL;
	}
	json_t *field = json_array_size(args) ? json_array_get(args, 0) : json_object_get(kwargs, "field");
	const char *type = fl_tpl_is_callable(field)
		? json_string_value(json_object_get(field, "type")) : NULL;
	return json_boolean(type && (!strcmp(type, "HiddenField") ||
	                             !strcmp(type, "CSRFTokenField")));
}
