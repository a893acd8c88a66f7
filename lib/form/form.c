/* form.c — form instances: processing, coercion, validation, JSON.
 *
 * Follows wtforms/fields/{core,simple,numeric,choices}.py and
 * wtforms/form.py of WTForms 3.0; the validators are in validators.c.
 */
#include "form/form.h"
#include "form/internal.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/utf8.h"

const char *const fl_field_type_names[FL_FIELD__MAX] = {
	[FL_FIELD_STRING] = "string",
	[FL_FIELD_PASSWORD] = "password",
	[FL_FIELD_INTEGER] = "integer",
	[FL_FIELD_FLOAT] = "float",
	[FL_FIELD_BOOLEAN] = "boolean",
	[FL_FIELD_SELECT] = "select",
	[FL_FIELD_TEXTAREA] = "textarea",
	[FL_FIELD_HIDDEN] = "hidden",
	[FL_FIELD_SUBMIT] = "submit",
};

/* The widget each field class renders with (WTForms' widget = ...). */
static const char *const input_types[FL_FIELD__MAX] = {
	[FL_FIELD_STRING] = "text",
	[FL_FIELD_PASSWORD] = "password",
	[FL_FIELD_INTEGER] = "number",
	[FL_FIELD_FLOAT] = "text",
	[FL_FIELD_BOOLEAN] = "checkbox",
	[FL_FIELD_SELECT] = "select",
	[FL_FIELD_TEXTAREA] = "textarea",
	[FL_FIELD_HIDDEN] = "hidden",
	[FL_FIELD_SUBMIT] = "submit",
};

static const char MSG_NOT_INT[] = "Not a valid integer value.";
static const char MSG_NOT_FLOAT[] = "Not a valid float value.";
static const char MSG_NO_COERCE[] = "Invalid Choice: could not coerce.";
static const char MSG_NOT_CHOICE[] = "Not a valid choice.";
static const char MSG_NUL[] = "This field holds a NUL byte, which text cannot contain.";

/* ---- small helpers ---------------------------------------------------- */

void fl_strv_push(fl_arena *a, fl_strv *sv, const char *s)
{
	fl_vec_reserve(a, sv, 2); /* `s` and the NULL after it */
	sv->items[sv->len++] = s;
	sv->items[sv->len] = NULL;
}

void fl_strv_clear(fl_strv *sv)
{
	fl_vec_clear(sv);
	if (sv->items)
		sv->items[0] = NULL;
}

/* A copy of `src` in `a`, so the form's arrays can be edited freely. */
static void strv_copy(fl_arena *a, fl_strv *dst, const fl_strv *src)
{
	fl_strv_clear(dst);
	for (size_t i = 0; i < src->len; i++)
		fl_strv_push(a, dst, src->items[i]);
}

int fl_str_is_blank(const char *s)
{
	return fl_utf8_is_blank(s, s ? strlen(s) : 0);
}

int fl_field_truthy(const fl_field *field)
{
	if (!field->has_data)
		return 0;
	switch (field->def->type) {
	case FL_FIELD_INTEGER:
		return field->ival != 0;
	case FL_FIELD_FLOAT:
		return field->fval != 0.0;   /* NaN is true, as in Python */
	case FL_FIELD_BOOLEAN:
	case FL_FIELD_SUBMIT:
		return field->bval;
	case FL_FIELD_SELECT:
		if (field->def->coerce == FL_COERCE_INT)
			return field->ival != 0;
		return !fl_str_is_blank(field->data);
	default:
		return !fl_str_is_blank(field->data);
	}
}

/* ---- setting data ----------------------------------------------------- */

static void set_none(fl_field *field)
{
	field->has_data = 0;
	field->data = "";
	field->ival = 0;
	field->fval = 0;
	field->bval = 0;
}

/* BooleanField: false_values = (False, "false", "") */
static int bool_from_string(const char *s)
{
	return s && *s && strcmp(s, "false") != 0;
}

/* Coerce the string `s` into the field's data; 0 when it does not coerce
 * (the data is then left alone for the caller to decide). */
static int coerce(fl_form *f, fl_field *field, const char *s)
{
	long long i;
	double d;
	switch (field->def->type) {
	case FL_FIELD_INTEGER:
		if (!fl_parse_int(s, &i))
			return 0;
		field->ival = i;
		field->data = fl_arena_printf(f->arena, "%lld", i);
		break;
	case FL_FIELD_FLOAT:
		if (!fl_parse_float(s, &d))
			return 0;
		field->fval = d;
		field->data = fl_format_float(f->arena, d);
		break;
	case FL_FIELD_BOOLEAN:
	case FL_FIELD_SUBMIT:
		field->bval = bool_from_string(s);
		field->data = field->bval ? "y" : "";
		break;
	case FL_FIELD_SELECT:
		if (field->def->coerce == FL_COERCE_INT) {
			if (!fl_parse_int(s, &i))
				return 0;
			field->ival = i;
			field->data = fl_arena_printf(f->arena, "%lld", i);
			break;
		}
		field->data = fl_arena_strdup(f->arena, s);   /* coerce=str */
		break;
	default:
		field->data = fl_arena_strdup(f->arena, s);
		break;
	}
	field->has_data = 1;
	return 1;
}

/* Field.process_data(default): the default becomes the data. */
static void process_default(fl_form *f, fl_field *field)
{
	const fl_field_def *d = field->def;
	set_none(field);
	fl_strv_clear(&field->process_errors);
	field->has_raw = 0;
	field->raw = NULL;
	field->shown = NULL;
	if (d->type == FL_FIELD_BOOLEAN || d->type == FL_FIELD_SUBMIT) {
		/* bool(default): False without one. */
		coerce(f, field, d->default_value && *d->default_value ? "y" : "");
		return;
	}
	if (!d->default_value || coerce(f, field, d->default_value))
		return;
	/* A default that does not coerce: IntegerField raises, SelectField
	 * silently leaves None. */
	if (d->type == FL_FIELD_INTEGER)
		fl_strv_push(f->arena, &field->process_errors, MSG_NOT_INT);
	else if (d->type == FL_FIELD_FLOAT)
		fl_strv_push(f->arena, &field->process_errors, MSG_NOT_FLOAT);
}

/* Field.process_formdata(valuelist) for each field class. */
static void process_formdata(fl_form *f, fl_field *field)
{
	fl_field_type t = field->def->type;
	if (t == FL_FIELD_BOOLEAN || t == FL_FIELD_SUBMIT) {
		coerce(f, field, field->raw);   /* absent is false too */
		return;
	}
	if (!field->has_raw || coerce(f, field, field->raw))
		return;
	if (t == FL_FIELD_INTEGER || t == FL_FIELD_FLOAT) {
		set_none(field);
		fl_strv_push(f->arena, &field->process_errors,
		             t == FL_FIELD_INTEGER ? MSG_NOT_INT : MSG_NOT_FLOAT);
	} else {
		/* SelectField keeps its previous data when coercion fails. */
		fl_strv_push(f->arena, &field->process_errors, MSG_NO_COERCE);
	}
}

static void load_choices(fl_field *field)
{
	size_t n = 0;
	if (field->def->choices)
		while (field->def->choices[n].value)
			n++;
	field->choices = field->def->choices;
	field->nchoices = n;
}

fl_form *fl_form_new(fl_arena *a, const fl_form_def *def)
{
	fl_form *f = fl_arena_calloc(a, 1, sizeof *f);
	f->arena = a;
	f->def = def;
	size_t n = 0;
	while (def->fields && def->fields[n].name)
		n++;
	f->nfields = n;
	f->fields = fl_arena_calloc(a, n ? n : 1, sizeof *f->fields);
	for (size_t i = 0; i < n; i++) {
		fl_field *field = &f->fields[i];
		field->def = &def->fields[i];
		field->form = f;
		load_choices(field);
		process_default(f, field);
		strv_copy(a, &field->errors, &field->process_errors);
	}
	return f;
}

void fl_form_process(fl_form *f, const fl_multidict *formdata)
{
	int have = formdata && formdata->len > 0;
	for (size_t i = 0; i < f->nfields; i++) {
		fl_field *field = &f->fields[i];
		process_default(f, field);
		field->has_nul = 0;
		if (have) {
			const fl_pair *p = fl_multidict_find(formdata, field->def->name);
			field->has_raw = p != NULL;
			field->raw = p ? fl_arena_strdup(f->arena, p->value) : NULL;
			/* Form fields are text: a value holding a NUL byte is
			 * refused whole by validate_field, never cut at the NUL
			 * (the request already answers 400 for one; this is for
			 * form data built by hand). */
			if (p && memchr(p->value, '\0', p->value_len)) {
				field->has_nul = 1;
				field->raw = "";
				set_none(field);
			} else {
				process_formdata(f, field);
			}
		}
		strv_copy(f->arena, &field->errors, &field->process_errors);
	}
}

fl_field *fl_form_field(const fl_form *f, const char *name)
{
	if (!f || !name)
		return NULL;
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].def->name, name) == 0)
			return &f->fields[i];
	return NULL;
}

/* A field looked up by a name from the C source: a miss is a bug worth a log line. */
static fl_field *must_field(const fl_form *f, const char *name)
{
	fl_field *field = fl_form_field(f, name);
	if (!field)
		fl_warning("form %s has no field %s", f && f->def->name ? f->def->name : "?",
		           name ? name : "(null)");
	return field;
}

fl_err fl_form_set_data(fl_form *f, const char *name, const char *value)
{
	fl_field *field = must_field(f, name);
	if (!field)
		return FL_ENOTFOUND;
	fl_field_type t = field->def->type;
	if (!value) {
		set_none(field);
	} else if (t == FL_FIELD_BOOLEAN || t == FL_FIELD_SUBMIT) {
		coerce(f, field, value);
	} else {
		fl_field saved = *field;
		if (!coerce(f, field, value)) {
			*field = saved;
			return FL_EINVAL;
		}
	}
	field->shown = field->data;
	return FL_OK;
}

fl_err fl_form_set_choices(fl_form *f, const char *name, const fl_choice *choices, size_t n)
{
	fl_field *field = must_field(f, name);
	if (!field)
		return FL_ENOTFOUND;
	if (field->def->type != FL_FIELD_SELECT)
		return FL_EINVAL;
	fl_choice *c = fl_arena_calloc(f->arena, n + 1, sizeof *c);
	for (size_t i = 0; i < n; i++) {
		c[i].value = fl_arena_strdup(f->arena, choices[i].value ? choices[i].value : "");
		c[i].label = fl_arena_strdup(f->arena, choices[i].label ? choices[i].label : c[i].value);
	}
	field->choices = c;
	field->nchoices = n;
	return FL_OK;
}

void fl_form_set_context(fl_form *f, void *ctx)
{
	f->ctx = ctx;
}

void *fl_form_context(const fl_form *f)
{
	return f->ctx;
}

fl_arena *fl_form_arena(const fl_form *f)
{
	return f->arena;
}

/* ---- validation ------------------------------------------------------- */

/* Does choice value `v` equal the field's data after coercion? */
static int choice_matches(const fl_field *field, const char *v)
{
	if (!field->has_data)
		return 0;
	if (field->def->coerce == FL_COERCE_INT) {
		long long i;
		return fl_parse_int(v, &i) && i == field->ival;
	}
	return strcmp(v, field->data) == 0;
}

/* SelectField.pre_validate: the data must be one of the choices. */
static void pre_validate(fl_form *f, fl_field *field)
{
	if (field->def->type != FL_FIELD_SELECT)
		return;
	for (size_t i = 0; i < field->nchoices; i++)
		if (choice_matches(field, field->choices[i].value))
			return;
	fl_strv_push(f->arena, &field->errors, MSG_NOT_CHOICE);
}

/* Field.validate: errors = process_errors, pre_validate, the chain. */
static int validate_field(fl_form *f, fl_field *field)
{
	strv_copy(f->arena, &field->errors, &field->process_errors);
	if (field->has_nul) {
		fl_strv_push(f->arena, &field->errors, MSG_NUL);
		return 0;
	}
	pre_validate(f, field);
	const fl_validator *v = field->def->validators;
	for (; v && v->kind != FL_V_END; v++) {
		const char *msg = NULL;
		fl_vresult r = fl_validator_run(v, f, field, &msg);
		if (r == FL_VR_PASS)
			continue;
		if (msg)
			fl_strv_push(f->arena, &field->errors, msg);
		if (r == FL_VR_STOP)
			break;
	}
	return field->errors.len == 0;
}

int fl_form_validate(fl_form *f)
{
	int ok = 1;
	for (size_t i = 0; i < f->nfields; i++)
		if (!validate_field(f, &f->fields[i]))
			ok = 0;
	return ok;
}

int fl_form_is_submitted(const char *method)
{
	static const char *const methods[] = { "POST", "PUT", "PATCH", "DELETE", NULL };
	for (size_t i = 0; method && methods[i]; i++)
		if (strcmp(method, methods[i]) == 0)
			return 1;
	return 0;
}

int fl_form_validate_on_submit(fl_form *f, const char *method)
{
	return fl_form_is_submitted(method) && fl_form_validate(f);
}

/* ---- reading ---------------------------------------------------------- */

const char *fl_field_name(const fl_field *field)
{
	return field->def->name;
}

const char *fl_field_label(const fl_field *field)
{
	return field->def->label ? field->def->label : field->def->name;
}

const char *fl_field_data(const fl_field *field)
{
	return field->has_data ? field->data : "";
}

int fl_field_has_data(const fl_field *field)
{
	return field->has_data;
}

const char *fl_field_raw(const fl_field *field)
{
	return field->has_raw ? field->raw : NULL;
}

const char *fl_form_data(const fl_form *f, const char *name)
{
	fl_field *field = must_field(f, name);
	return field ? fl_field_data(field) : NULL;
}

fl_err fl_form_data_int(const fl_form *f, const char *name, long long *out)
{
	fl_field *field = must_field(f, name);
	if (!field)
		return FL_ENOTFOUND;
	if (!field->has_data)
		return FL_EINVAL;
	fl_field_type t = field->def->type;
	if (t == FL_FIELD_INTEGER || (t == FL_FIELD_SELECT && field->def->coerce == FL_COERCE_INT)) {
		*out = field->ival;
		return FL_OK;
	}
	return fl_parse_int(field->data, out) ? FL_OK : FL_EINVAL;
}

fl_err fl_form_data_float(const fl_form *f, const char *name, double *out)
{
	fl_field *field = must_field(f, name);
	if (!field)
		return FL_ENOTFOUND;
	if (!field->has_data)
		return FL_EINVAL;
	if (field->def->type == FL_FIELD_FLOAT) {
		*out = field->fval;
		return FL_OK;
	}
	return fl_parse_float(field->data, out) ? FL_OK : FL_EINVAL;
}

int fl_form_data_bool(const fl_form *f, const char *name)
{
	fl_field *field = must_field(f, name);
	return field ? fl_field_truthy(field) : 0;
}

/* An always valid NULL-terminated view of `sv`. */
static const char *const *strv_view(const fl_strv *sv)
{
	static const char *const empty[] = { NULL };
	return sv->len ? sv->items : empty;
}

const char *const *fl_form_errors(const fl_form *f, const char *name)
{
	if (!name)
		return strv_view(&f->form_errors);
	fl_field *field = must_field(f, name);
	return field ? strv_view(&field->errors) : NULL;
}

int fl_form_has_errors(const fl_form *f)
{
	if (f->form_errors.len)
		return 1;
	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].errors.len)
			return 1;
	return 0;
}

fl_err fl_form_add_error(fl_form *f, const char *name, const char *message)
{
	const char *m = fl_arena_strdup(f->arena, message ? message : "");
	if (!name) {
		fl_strv_push(f->arena, &f->form_errors, m);
		return FL_OK;
	}
	fl_field *field = must_field(f, name);
	if (!field)
		return FL_ENOTFOUND;
	fl_strv_push(f->arena, &field->errors, m);
	return FL_OK;
}

/* ---- JSON ------------------------------------------------------------- */

/* A JSON string of `s`; bytes that are not UTF-8 become U+FFFD, so input
 * that slipped past the request's checks still renders instead of
 * vanishing. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
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
	j = json_string(buf);
	free(buf);
	return j;
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
		return fl_field_label(field);
	case FL_FIELD_BOOLEAN:
		return field->has_raw ? field->raw : "y";
	case FL_FIELD_INTEGER:
	case FL_FIELD_FLOAT:
		if (field->shown)
			return field->shown;
		/* Bad input is shown again as typed, not as the None it became. */
		return field->has_raw ? field->raw : fl_field_data(field);
	default:
		return fl_field_data(field);
	}
}

/* The widget attributes the validators set (WTForms' field_flags, filtered
 * by each widget's validation_attrs). */
static void add_flags(json_t *o, const fl_field *field)
{
	const char *it = input_types[field->def->type];
	int texty = !strcmp(it, "text") || !strcmp(it, "password") || !strcmp(it, "textarea");
	int number = !strcmp(it, "number");
	int required = 0;
	const fl_validator *v = field->def->validators;
	for (; v && v->kind != FL_V_END; v++) {
		if (v->kind == FL_V_DATA_REQUIRED || v->kind == FL_V_INPUT_REQUIRED)
			required = 1;
		if (v->kind == FL_V_LENGTH && texty) {
			if (v->max != -1)
				json_object_set_new_nocheck(o, "maxlength", json_integer(v->max));
			if (v->min != -1)
				json_object_set_new_nocheck(o, "minlength", json_integer(v->min));
		}
		if (v->kind == FL_V_NUMBER_RANGE && number) {
			if (v->has_nmin)
				json_object_set_new_nocheck(o, "min", json_number(v->nmin));
			if (v->has_nmax)
				json_object_set_new_nocheck(o, "max", json_number(v->nmax));
		}
	}
	json_object_set_new_nocheck(o, "required", json_boolean(required));
}

static json_t *choices_json(const fl_field *field)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < field->nchoices; i++) {
		const fl_choice *c = &field->choices[i];
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "value", jstr(c->value));
		json_object_set_new_nocheck(o, "label", jstr(c->label ? c->label : c->value));
		json_object_set_new_nocheck(o, "selected", json_boolean(choice_matches(field, c->value)));
		json_array_append_new(a, o);
	}
	return a;
}

/* The keys every field has, in the order a reader expects them. */
static json_t *field_base(const char *name, const char *type, const char *input_type,
                          const char *label, const char *value, const char *data)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "name", jstr(name));
	json_object_set_new_nocheck(o, "id", jstr(name));
	json_object_set_new_nocheck(o, "type", json_string(type));
	json_object_set_new_nocheck(o, "input_type", json_string(input_type));
	json_object_set_new_nocheck(o, "label", jstr(label));
	json_object_set_new_nocheck(o, "value", jstr(value));
	json_object_set_new_nocheck(o, "data", jstr(data));
	return o;
}

static json_t *field_json(const fl_field *field)
{
	const fl_field_def *d = field->def;
	json_t *o = field_base(d->name, fl_field_type_names[d->type], input_types[d->type],
	                       fl_field_label(field), shown_value(field), fl_field_data(field));
	add_flags(o, field);
	json_object_set_new_nocheck(o, "errors", strv_json(&field->errors));
	if (d->description)
		json_object_set_new_nocheck(o, "description", jstr(d->description));
	if (d->type == FL_FIELD_BOOLEAN || d->type == FL_FIELD_SUBMIT)
		json_object_set_new_nocheck(o, "checked", json_boolean(field->bval));
	if (d->type == FL_FIELD_SELECT)
		json_object_set_new_nocheck(o, "choices", choices_json(field));
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
	return o;
}
