/* form_json.c — a form as JSON for templates (fl_form_to_json, the
 * quick_form macro's input) and a field's data as JSON. */
#include "form/form.h"
#include "base/jstring.h"
#include "form/internal.h"
#include "form/widgets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* ---- JSON ------------------------------------------------------------- */

/* A JSON string of `s`; bytes that are not UTF-8 become U+FFFD, so input
 * that slipped past the request's checks still renders instead of
 * vanishing. */
static json_t *jstr(const char *s)
{
	json_t *j = fl_json_string(s ? s : "");
	if (j)
		return j;
	size_t len = strlen(s);
	char *buf = malloc(3 * len + 1), *o = buf;
	if (!buf)
		return NULL;
	for (size_t i = 0; i < len;) {
		/* Strict, as jansson holds: no overlongs, surrogates or code
		 * points past U+10FFFF. */
		size_t n = fl_utf8_decode(s + i, len - i, NULL);
		if (!n) {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	j = fl_json_string(buf);
	free(buf);
	return j;
}

/* jstr of a string the form's definition gives (a name, a label, a class
 * name): shared once made (fl_json_string_const). */
static json_t *cstr(const char *s)
{
	json_t *j = fl_json_string_const(s ? s : "");
	return j ? j : jstr(s);
}

/* A JSON integer when `x` is whole (so templates print "10", not "10.0"). */
static json_t *json_number(double x)
{
	if (x == floor(x) && fabs(x) < 9e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

static json_t *strv_json(const fl_strv *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < sv->len; i++)
		json_array_append_new(a, jstr(sv->items[i]));
	return a;
}

/* What WTForms' widget puts in value= (Field._value(), SubmitInput, hide_value). */
static const char *shown_value(const fl_field *field)
{
	switch (field->def->type) {
	case FL_FIELD_PASSWORD:
		return "";
	case FL_FIELD_SUBMIT:
		return fl_field_label_text(field);
	default:
		return fl_field_value(field);
	}
}

/* The widget attributes the validators set (WTForms' field_flags, filtered
 * by each widget's validation_attrs). */
static void add_flags(json_t *o, const fl_field *field)
{
	const char *it = fl_field_classes[field->def->type].input_type;
	int texty = !strcmp(it, "text") || !strcmp(it, "password") || !strcmp(it, "textarea");
	int number = !strcmp(it, "number") || !strcmp(it, "date") || !strcmp(it, "datetime");
	fl_field_flags fl;
	fl_field_get_flags(field, &fl);
	if (texty && fl.maxlength != -1)
		json_object_set_new_nocheck(o, "maxlength", json_integer(fl.maxlength));
	if (texty && fl.minlength != -1)
		json_object_set_new_nocheck(o, "minlength", json_integer(fl.minlength));
	if (number && fl.has_min)
		json_object_set_new_nocheck(o, "min", json_number(fl.min));
	if (number && fl.has_max)
		json_object_set_new_nocheck(o, "max", json_number(fl.max));
	json_object_set_new_nocheck(o, "required", json_boolean(fl.required));
}

static json_t *choices_json(const fl_field *field)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < field->nchoices; i++) {
		const fl_choice *c = &field->choices[i];
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "value", jstr(c->value));
		json_object_set_new_nocheck(o, "label", jstr(c->label ? c->label : c->value));
		json_object_set_new_nocheck(o, "selected",
			json_boolean(fl_field_choice_selected(field, c->value)));
		json_array_append_new(a, o);
	}
	return a;
}

/* The keys every field has, in the order a reader expects them. */
static json_t *field_base(const char *name, const char *type, const char *input_type,
                          const char *label, const char *value, const char *data)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "name", cstr(name));
	json_object_set_new_nocheck(o, "id", cstr(name));
	json_object_set_new_nocheck(o, "type", fl_json_string_const(type));
	json_object_set_new_nocheck(o, "input_type", fl_json_string_const(input_type));
	json_object_set_new_nocheck(o, "label", cstr(label));
	json_object_set_new_nocheck(o, "value", jstr(value));
	json_object_set_new_nocheck(o, "data", jstr(data));
	return o;
}

static json_t *field_json(const fl_field *field)
{
	const fl_field_def *d = field->def;
	json_t *o = field_base(d->name, fl_field_classes[d->type].name, fl_field_classes[d->type].input_type,
	                       fl_field_label_text(field), shown_value(field), fl_field_data(field));
	add_flags(o, field);
	json_object_set_new_nocheck(o, "errors", strv_json(&field->errors));
	if (d->description)
		json_object_set_new_nocheck(o, "description", jstr(d->description));
	if (d->type == FL_FIELD_BOOLEAN || d->type == FL_FIELD_SUBMIT)
		json_object_set_new_nocheck(o, "checked", json_boolean(field->bval));
	if (fl_field_has_choices(d->type))
		json_object_set_new_nocheck(o, "choices", choices_json(field));
	if (d->type == FL_FIELD_SELECT_MULTIPLE || d->type == FL_FIELD_MULTIPLE_FILE)
		json_object_set_new_nocheck(o, "multiple", json_true());
	return o;
}

/* Flask-WTF's CSRFTokenField: a HiddenField named csrf_token, rendered first. */
static json_t *csrf_field_json(const char *token)
{
	json_t *o = field_base("csrf_token", "hidden", "hidden", "CSRF Token", token, token);
	json_object_set_new_nocheck(o, "required", json_false());
	json_object_set_new_nocheck(o, "errors", json_array());
	return o;
}

json_t *fl_form_to_json(const fl_form *f, const char *csrf_token)
{
	json_t *fields = json_array(), *errors = json_object();
	json_t *o = json_object();
	if (!fields || !errors || !o) {
		json_decref(fields);
		json_decref(errors);
		json_decref(o);
		return NULL;
	}
	if (csrf_token)
		json_array_append_new(fields, csrf_field_json(csrf_token));
	for (size_t i = 0; i < f->nfields; i++) {
		const fl_field *field = &f->fields[i];
		json_array_append_new(fields, field_json(field));
		if (field->errors.len)
			json_object_set_new(errors, field->def->name,
				strv_json(&field->errors));
	}
	json_object_set_new_nocheck(o, "name", jstr(f->def->name));
	json_object_set_new_nocheck(o, "fields", fields);
	if (csrf_token)
		json_object_set_new_nocheck(o, "csrf_token", jstr(csrf_token));
	json_object_set_new_nocheck(o, "errors", errors);
	json_object_set_new_nocheck(o, "form_errors", strv_json(&f->form_errors));
	json_object_set_new_nocheck(o, "has_errors", json_boolean(fl_form_has_errors(f)));
	if (fl_form_has_file(f))
		json_object_set_new_nocheck(o, "enctype", fl_json_string("multipart/form-data"));
	return o;
}

/* One value of the data as JSON (see fl_field_data_json). */
static json_t *data_item_json(const fl_field *field, const char *s)
{
	long long i;
	if (fl_field_has_choices(field->def->type) && field->def->coerce == FL_COERCE_INT &&
	    fl_parse_int(s, &i))
		return json_integer(i);
	return jstr(s);
}

static json_t *file_json(const fl_file *up)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "filename", jstr(up->filename));
	json_object_set_new_nocheck(o, "content_type",
	                            up->content_type ? jstr(up->content_type) : json_null());
	json_object_set_new_nocheck(o, "size", json_integer((json_int_t)up->len));
	return o;
}

json_t *fl_field_data_json(const fl_field *field)
{
	json_t *a;
	switch (field->def->type) {
	case FL_FIELD_FILE:
		return field->file ? file_json(field->file) : json_null();
	case FL_FIELD_MULTIPLE_FILE:
		if (!field->files.len)
			return json_null();
		a = json_array();
		for (size_t i = 0; i < field->files.len; i++)
			json_array_append_new(a, file_json(field->files.items[i]));
		return a;
	case FL_FIELD_BOOLEAN:
	case FL_FIELD_SUBMIT:
		return json_boolean(field->bval);
	default:
		break;
	}
	if (!field->has_data)
		return json_null();
	switch (field->def->type) {
	case FL_FIELD_INTEGER:
		return json_integer(field->ival);
	case FL_FIELD_FLOAT:
		return json_real(field->fval);
	case FL_FIELD_SELECT_MULTIPLE:
		a = json_array();
		for (size_t i = 0; i < field->multi.len; i++)
			json_array_append_new(a, data_item_json(field, field->multi.items[i]));
		return a;
	default:
		return data_item_json(field, field->data);
	}
}

/* ---- what templates read of a field (widgets.h) ---- */

/* The flags and the widget of a field depend on its definition only, and
 * the form of every page with a form asked for them anew, object by
 * object, on each request (issue #20).  They are made once per process on
 * the heap instead and shared: each call returns a new reference to the
 * same value.  Nobody changes them: no caller does, and templates cannot
 * (the engine changes only values of the render's arena).  They live, on
 * purpose, until the process exits. */
static json_t *on_heap(json_t *(*make)(const fl_field *), const fl_field *field)
{
	fl_arena *was = fl_json_set_arena(NULL);
	json_t *v = make(field);
	fl_json_set_arena(was);
	return v;
}

/* A few distinct flag sets in a process (a form has a handful of fields);
 * past these, flags are made per request again. */
#define SHARED_FLAGS 32

static int same_flags(const fl_field_flags *x, const fl_field_flags *y)
{
	return x->required == y->required && x->optional == y->optional &&
	       x->hidden == y->hidden && x->minlength == y->minlength &&
	       x->maxlength == y->maxlength && x->has_min == y->has_min &&
	       x->has_max == y->has_max && (!x->has_min || x->min == y->min) &&
	       (!x->has_max || x->max == y->max);
}

static json_t *flag_or_null(int set, json_t *v)
{
	if (set)
		return v;
	json_decref(v);
	return json_null();
}

static json_t *flags_json(const fl_field *field)
{
	fl_field_flags fl;
	fl_field_get_flags(field, &fl);
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "required", flag_or_null(fl.required, json_true()));
	json_object_set_new_nocheck(o, "optional", flag_or_null(fl.optional, json_true()));
	json_object_set_new_nocheck(o, "hidden", flag_or_null(fl.hidden, json_true()));
	json_object_set_new_nocheck(o, "minlength",
		flag_or_null(fl.minlength != -1, json_integer(fl.minlength)));
	json_object_set_new_nocheck(o, "maxlength",
		flag_or_null(fl.maxlength != -1, json_integer(fl.maxlength)));
	json_object_set_new_nocheck(o, "min", flag_or_null(fl.has_min, json_number(fl.min)));
	json_object_set_new_nocheck(o, "max", flag_or_null(fl.has_max, json_number(fl.max)));
	return o;
}

json_t *fl_field_flags_json(const fl_field *field)
{
	static struct { fl_field_flags key; json_t *v; } shared[SHARED_FLAGS];
	static size_t nshared;
	fl_field_flags fl;
	fl_field_get_flags(field, &fl);
	for (size_t i = 0; i < nshared; i++)
		if (same_flags(&shared[i].key, &fl))
			return json_incref(shared[i].v);
	if (nshared == SHARED_FLAGS)
		return flags_json(field);
	shared[nshared].key = fl;
	shared[nshared].v = on_heap(flags_json, field);
	return json_incref(shared[nshared++].v);
}

static json_t *widget_json(const fl_field *field)
{
	fl_field_type t = field->def->type;
	switch (t) {
	case FL_FIELD_SELECT:
	case FL_FIELD_SELECT_MULTIPLE:
		return json_pack("{s:b}", "multiple", t == FL_FIELD_SELECT_MULTIPLE);
	case FL_FIELD_RADIO:
		return json_pack("{s:s, s:b}", "html_tag", "ul", "prefix_label", 0);
	case FL_FIELD_TEXTAREA:
		return json_object();
	case FL_FIELD_FILE:
	case FL_FIELD_MULTIPLE_FILE:
		return json_pack("{s:s, s:b}", "input_type", "file",
		                 "multiple", t == FL_FIELD_MULTIPLE_FILE);
	case FL_FIELD_DECIMAL:
		return json_pack("{s:s, s:s}", "input_type", "number", "step", "any");
	default:
		return json_pack("{s:s}", "input_type", fl_field_classes[t].input_type);
	}
}

json_t *fl_field_widget_json(const fl_field *field)
{
	static json_t *shared[FL_FIELD__MAX];
	fl_field_type t = field->def->type;
	if ((unsigned)t >= FL_FIELD__MAX)
		return widget_json(field);
	if (!shared[t])
		shared[t] = on_heap(widget_json, field);
	return json_incref(shared[t]);
}

json_t *fl_field_render_kw_json(const fl_field *field)
{
	const fl_attr *r = field->def->render_kw;
	if (!r)
		return json_null();
	json_t *o = json_object();
	for (; r->name; r++)
		json_object_set_new(o, r->name, r->value ? jstr(r->value) : json_true());
	return o;
}

json_t *fl_field_default_json(const fl_field *field)
{
	return field->def->default_value ? jstr(field->def->default_value) : json_null();
}
