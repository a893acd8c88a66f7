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

/* Each field class: its fl_form_to_json "type", its WTForms class name,
 * and the widget it renders with (WTForms' widget = ...). */
const fl_field_class fl_field_classes[FL_FIELD__MAX] = {
	[FL_FIELD_STRING] = { "string", "StringField", "text" },
	[FL_FIELD_PASSWORD] = { "password", "PasswordField", "password" },
	[FL_FIELD_INTEGER] = { "integer", "IntegerField", "number" },
	[FL_FIELD_FLOAT] = { "float", "FloatField", "text" },
	[FL_FIELD_BOOLEAN] = { "boolean", "BooleanField", "checkbox" },
	[FL_FIELD_SELECT] = { "select", "SelectField", "select" },
	[FL_FIELD_TEXTAREA] = { "textarea", "TextAreaField", "textarea" },
	[FL_FIELD_HIDDEN] = { "hidden", "HiddenField", "hidden" },
	[FL_FIELD_SUBMIT] = { "submit", "SubmitField", "submit" },
	[FL_FIELD_DATE] = { "date", "DateField", "date" },
	[FL_FIELD_DATETIME] = { "datetime", "DateTimeField", "datetime" },
	[FL_FIELD_DECIMAL] = { "decimal", "DecimalField", "number" },
	[FL_FIELD_EMAIL] = { "email", "EmailField", "email" },
	[FL_FIELD_URL] = { "url", "URLField", "url" },
	[FL_FIELD_RADIO] = { "radio", "RadioField", "radio" },
	[FL_FIELD_SELECT_MULTIPLE] = { "select_multiple", "SelectMultipleField", "select" },
	[FL_FIELD_FILE] = { "file", "FileField", "file" },
	[FL_FIELD_MULTIPLE_FILE] = { "multiple_file", "MultipleFileField", "file" },
};

static const char MSG_NOT_INT[] = "Not a valid integer value.";
static const char MSG_NOT_FLOAT[] = "Not a valid float value.";
static const char MSG_NO_COERCE[] = "Invalid Choice: could not coerce.";
static const char MSG_NOT_CHOICE[] = "Not a valid choice.";
static const char MSG_NOT_DATE[] = "Not a valid date value.";
static const char MSG_NOT_DATETIME[] = "Not a valid datetime value.";
static const char MSG_NOT_DECIMAL[] = "Not a valid decimal value.";
static const char MSG_NO_COERCE_MULTI[] =
	"Invalid choice(s): one or more data inputs could not be coerced.";
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

int fl_field_has_choices(fl_field_type t)
{
	return t == FL_FIELD_SELECT || t == FL_FIELD_RADIO || t == FL_FIELD_SELECT_MULTIPLE;
}

int fl_field_truthy(const fl_field *field)
{
	switch (field->def->type) {
	case FL_FIELD_SELECT_MULTIPLE:
		return field->has_data && field->multi.len > 0;
	case FL_FIELD_FILE:
		return field->file && field->file->filename[0];
	case FL_FIELD_MULTIPLE_FILE:
		return field->files.len > 0;
	default:
		break;
	}
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
	case FL_FIELD_DECIMAL:
		return !fl_pydec_is_zero(field->data);
	case FL_FIELD_DATE:
	case FL_FIELD_DATETIME:
		return 1;                    /* a date is always true */
	case FL_FIELD_SELECT:
	case FL_FIELD_RADIO:
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
	fl_strv_clear(&field->multi);
	field->file = NULL;
	fl_vec_clear(&field->files);
}

/* BooleanField: false_values = (False, "false", "") */
static int bool_from_string(const char *s)
{
	return s && *s && strcmp(s, "false") != 0;
}

/* The format of a date field (format=, or WTForms' default). */
static const char *date_format(const fl_field *field)
{
	if (field->def->format)
		return field->def->format;
	return field->def->type == FL_FIELD_DATE ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S";
}

/* `coerce(s)` for a select's choice value: the string form, or NULL. */
static const char *coerce_choice(fl_arena *a, fl_coerce c, const char *s, long long *iv)
{
	if (c != FL_COERCE_INT)
		return fl_arena_strdup(a, s);
	long long i;
	if (!fl_parse_int(s, &i))
		return NULL;
	if (iv)
		*iv = i;
	return fl_arena_printf(a, "%lld", i);
}

/* Coerce the string `s` into the field's data; 0 when it does not coerce
 * (the data is then left alone for the caller to decide). */
static int coerce(fl_form *f, fl_field *field, const char *s)
{
	long long i;
	double d;
	const char *c;
	fl_pydt dt;
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
	case FL_FIELD_DECIMAL:
		if (!(c = fl_pydec_parse(f->arena, s)))
			return 0;
		field->data = c;
		break;
	case FL_FIELD_DATE:
	case FL_FIELD_DATETIME:
		if (!fl_pydt_parse(date_format(field), s, &dt))
			return 0;
		field->dt = dt;
		field->data = field->def->type == FL_FIELD_DATE ?
			fl_arena_printf(f->arena, "%04d-%02d-%02d", dt.year, dt.month, dt.day) :
			fl_arena_printf(f->arena, "%04d-%02d-%02d %02d:%02d:%02d", dt.year,
			                dt.month, dt.day, dt.hour, dt.minute, dt.second);
		break;
	case FL_FIELD_BOOLEAN:
	case FL_FIELD_SUBMIT:
		field->bval = bool_from_string(s);
		field->data = field->bval ? "y" : "";
		break;
	case FL_FIELD_SELECT:
	case FL_FIELD_RADIO:
		if (!(c = coerce_choice(f->arena, field->def->coerce, s, &field->ival)))
			return 0;
		field->data = c;
		break;
	case FL_FIELD_SELECT_MULTIPLE:
		/* One value (a default, fl_form_set_data): a list of one. */
		if (!(c = coerce_choice(f->arena, field->def->coerce, s, NULL)))
			return 0;
		fl_strv_clear(&field->multi);
		fl_strv_push(f->arena, &field->multi, c);
		field->data = c;
		break;
	case FL_FIELD_FILE:
	case FL_FIELD_MULTIPLE_FILE:
		return 0;                    /* a file is no text */
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
	fl_strv_clear(&field->raw_list);
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
	else if (d->type != FL_FIELD_SELECT && d->type != FL_FIELD_RADIO &&
	         d->type != FL_FIELD_SELECT_MULTIPLE)
		fl_warning("form %s field %s: the default \"%s\" does not coerce", f->def->name,
		           d->name, d->default_value);
}

/* SelectMultipleField.process_formdata: every value coerced, or an error
 * and the data left as it was. */
static void process_multi(fl_form *f, fl_field *field)
{
	fl_strv data = { 0 };
	for (size_t i = 0; i < field->raw_list.len; i++) {
		const char *c = coerce_choice(f->arena, field->def->coerce, field->raw_list.items[i], NULL);
		if (!c) {
			fl_strv_push(f->arena, &field->process_errors, MSG_NO_COERCE_MULTI);
			return;
		}
		fl_strv_push(f->arena, &data, c);
	}
	strv_copy(f->arena, &field->multi, &data);
	field->has_data = 1;
	field->data = field->multi.len ? field->multi.items[0] : "";
}

/* Field.process_formdata(valuelist) for each field class. */
static void process_formdata(fl_form *f, fl_field *field)
{
	fl_field_type t = field->def->type;
	if (t == FL_FIELD_BOOLEAN || t == FL_FIELD_SUBMIT) {
		coerce(f, field, field->raw);   /* absent is false too */
		return;
	}
	if (t == FL_FIELD_SELECT_MULTIPLE) {
		process_multi(f, field);
		return;
	}
	if (!field->has_raw)
		return;
	const char *s = field->raw;
	if (t == FL_FIELD_DATE || t == FL_FIELD_DATETIME) {
		/* " ".join(valuelist) */
		fl_buf b;
		fl_buf_init(&b, f->arena);
		for (size_t i = 0; i < field->raw_list.len; i++) {
			fl_buf_puts(&b, i ? " " : "");
			fl_buf_puts(&b, field->raw_list.items[i]);
		}
		s = fl_buf_cstr(&b);
	}
	if (coerce(f, field, s))
		return;
	const char *msg = MSG_NO_COERCE;   /* SelectField keeps its previous data */
	switch (t) {
	case FL_FIELD_INTEGER: msg = MSG_NOT_INT; break;
	case FL_FIELD_FLOAT: msg = MSG_NOT_FLOAT; break;
	case FL_FIELD_DECIMAL: msg = MSG_NOT_DECIMAL; break;
	case FL_FIELD_DATE: msg = MSG_NOT_DATE; break;
	case FL_FIELD_DATETIME: msg = MSG_NOT_DATETIME; break;
	default: break;
	}
	if (msg != MSG_NO_COERCE)
		set_none(field);
	fl_strv_push(f->arena, &field->process_errors, msg);
}

/* Flask-WTF's FileField.process_formdata: the first upload with a file
 * name is the data, else raw_data = () (no input); MultipleFileField
 * (Flask-WTF 1.2's): every such upload, or raw_data = (). */
static void process_files(fl_form *f, fl_field *field, const fl_files *files)
{
	field->has_raw = 0;
	field->raw = NULL;
	fl_strv_clear(&field->raw_list);
	for (size_t i = 0; files && i < files->len; i++) {
		const fl_file *up = &files->items[i];
		if (strcmp(up->name, field->def->name) != 0 || !up->filename[0])
			continue;
		if (!field->has_raw) {
			field->has_raw = 1;
			field->raw = up->filename;
			field->file = up;
			field->has_data = 1;
			field->data = up->filename;
		}
		fl_strv_push(f->arena, &field->raw_list, up->filename);
		*fl_vec_push(f->arena, &field->files) = up;
		if (field->def->type == FL_FIELD_FILE)
			break;
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

/* raw_data = formdata.getlist(name); a NUL byte in any value refuses it. */
static void load_raw(fl_form *f, fl_field *field, const fl_multidict *formdata)
{
	const char *name = field->def->name;
	for (size_t i = 0; i < formdata->len; i++) {
		const fl_pair *p = &formdata->items[i];
		if (strcmp(p->key, name) != 0)
			continue;
		if (memchr(p->value, '\0', p->value_len))
			field->has_nul = 1;
		fl_strv_push(f->arena, &field->raw_list, fl_arena_strdup(f->arena, p->value));
	}
	field->has_raw = field->raw_list.len > 0;
	field->raw = field->has_raw ? field->raw_list.items[0] : NULL;
}

void fl_form_process_files(fl_form *f, const fl_multidict *formdata, const fl_files *files)
{
	int have = (formdata && formdata->len > 0) || (files && files->len > 0);
	for (size_t i = 0; i < f->nfields; i++) {
		fl_field *field = &f->fields[i];
		fl_field_type t = field->def->type;
		process_default(f, field);
		field->has_nul = 0;
		if (have && (t == FL_FIELD_FILE || t == FL_FIELD_MULTIPLE_FILE)) {
			process_files(f, field, files);
		} else if (have) {
			if (formdata)
				load_raw(f, field, formdata);
			/* Form fields are text: a value holding a NUL byte is
			 * refused whole by validate_field, never cut at the NUL
			 * (the request already answers 400 for one; this is for
			 * form data built by hand). */
			if (field->has_nul) {
				field->raw = "";
				set_none(field);
			} else {
				process_formdata(f, field);
			}
		}
		strv_copy(f->arena, &field->errors, &field->process_errors);
	}
}

void fl_form_process(fl_form *f, const fl_multidict *formdata)
{
	fl_form_process_files(f, formdata, NULL);
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
	if (!fl_field_has_choices(field->def->type))
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

/* Does choice value `v`, coerced, equal the data string `data`? */
static int coerced_equals(const fl_field *field, const char *v, const char *data)
{
	if (field->def->coerce == FL_COERCE_INT) {
		long long i, j;
		return fl_parse_int(v, &i) && fl_parse_int(data, &j) && i == j;
	}
	return strcmp(v, data) == 0;
}

int fl_field_choice_selected(const fl_field *field, const char *v)
{
	if (!field->has_data)
		return 0;
	if (field->def->type == FL_FIELD_SELECT_MULTIPLE) {
		for (size_t i = 0; i < field->multi.len; i++)
			if (coerced_equals(field, v, field->multi.items[i]))
				return 1;
		return 0;
	}
	return coerced_equals(field, v, field->data);
}

/* SelectMultipleField.pre_validate: every value one of the choices;
 * "'x' is not a valid choice for this field." or "'x', 'y' are not valid
 * choices for this field." (each bad value once, in input order). */
static void pre_validate_multi(fl_form *f, fl_field *field)
{
	fl_strv bad = { 0 };
	for (size_t i = 0; i < field->multi.len; i++) {
		const char *d = field->multi.items[i];
		int ok = 0;
		for (size_t j = 0; j < field->nchoices && !ok; j++)
			ok = coerced_equals(field, field->choices[j].value, d);
		for (size_t j = 0; j < bad.len && !ok; j++)
			ok = strcmp(bad.items[j], d) == 0;
		if (!ok)
			fl_strv_push(f->arena, &bad, d);
	}
	if (!bad.len)
		return;
	fl_buf b;
	fl_buf_init(&b, f->arena);
	fl_buf_putc(&b, '\'');
	for (size_t i = 0; i < bad.len; i++) {
		fl_buf_puts(&b, i ? "', '" : "");
		fl_buf_puts(&b, bad.items[i]);
	}
	fl_buf_puts(&b, bad.len == 1 ? "' is not a valid choice for this field." :
	                "' are not valid choices for this field.");
	fl_strv_push(f->arena, &field->errors, fl_buf_cstr(&b));
}

/* SelectField.pre_validate: the data must be one of the choices. */
static void pre_validate(fl_form *f, fl_field *field)
{
	fl_field_type t = field->def->type;
	if (t == FL_FIELD_SELECT_MULTIPLE) {
		pre_validate_multi(f, field);
		return;
	}
	if (t != FL_FIELD_SELECT && t != FL_FIELD_RADIO)
		return;
	for (size_t i = 0; i < field->nchoices; i++)
		if (fl_field_choice_selected(field, field->choices[i].value))
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
	f->validated = 1;
	for (size_t i = 0; i < f->nfields; i++)
		if (!validate_field(f, &f->fields[i]))
			ok = 0;
	return ok;
}

int fl_form_was_validated(const fl_form *f)
{
	return f->validated;
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

const char *fl_field_id(const fl_field *field)
{
	return field->def->name;
}

const char *fl_field_label_text(const fl_field *field)
{
	if (field->def->label)
		return field->def->label;
	/* name.replace("_", " ").title() */
	char *t = fl_arena_strdup(field->form->arena, field->def->name);
	int prev_cased = 0;
	for (char *p = t; *p; p++) {
		if (*p == '_')
			*p = ' ';
		if (isalpha((unsigned char)*p))
			*p = (char)(prev_cased ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
		prev_cased = isalpha((unsigned char)*p);
	}
	return t;
}

fl_field_type fl_field_type_of(const fl_field *field)
{
	return field->def->type;
}

const char *fl_field_class_name(const fl_field *field)
{
	return fl_field_classes[field->def->type].class_name;
}

const char *fl_field_description(const fl_field *field)
{
	return field->def->description ? field->def->description : "";
}

/* " ".join(raw_data) */
static const char *raw_joined(const fl_field *field)
{
	fl_buf b;
	fl_buf_init(&b, field->form->arena);
	for (size_t i = 0; i < field->raw_list.len; i++) {
		fl_buf_puts(&b, i ? " " : "");
		fl_buf_puts(&b, field->raw_list.items[i]);
	}
	return fl_buf_cstr(&b);
}

const char *fl_field_value(const fl_field *field)
{
	fl_arena *a = field->form->arena;
	switch (field->def->type) {
	case FL_FIELD_BOOLEAN:
	case FL_FIELD_SUBMIT:
		return field->has_raw ? field->raw : "y";
	case FL_FIELD_FILE:
	case FL_FIELD_MULTIPLE_FILE:
		return "";
	case FL_FIELD_INTEGER:
	case FL_FIELD_FLOAT:
		if (field->shown)
			return field->shown;
		/* Bad input is shown again as typed, not as the None it became. */
		return field->has_raw ? field->raw : fl_field_data(field);
	case FL_FIELD_DECIMAL:
		if (field->has_raw && !field->shown)
			return field->raw;
		if (!field->has_data)
			return "";
		if (field->def->places == FL_PLACES_NONE)
			return field->data;
		return fl_pydec_quantize(a, field->data, field->def->places, field->def->rounding);
	case FL_FIELD_DATE:
	case FL_FIELD_DATETIME:
		if (field->has_raw && !field->shown)
			return raw_joined(field);
		return field->has_data ? fl_pydt_format(a, date_format(field), &field->dt) : "";
	default:
		return fl_field_data(field);
	}
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

int fl_form_has_file(const fl_form *f)
{
	for (size_t i = 0; i < f->nfields; i++) {
		fl_field_type t = f->fields[i].def->type;
		if (t == FL_FIELD_FILE || t == FL_FIELD_MULTIPLE_FILE)
			return 1;
	}
	return 0;
}

const fl_file *fl_form_file(const fl_form *f, const char *name)
{
	fl_field *field = must_field(f, name);
	return field ? field->file : NULL;
}

const fl_file *const *fl_form_files(const fl_form *f, const char *name, size_t *n)
{
	fl_field *field = must_field(f, name);
	*n = field ? field->files.len : 0;
	return field && field->files.len ? field->files.items : NULL;
}

const char *const *fl_form_data_list(const fl_form *f, const char *name)
{
	static const char *const empty[] = { NULL };
	fl_field *field = must_field(f, name);
	if (!field)
		return NULL;
	if (field->def->type != FL_FIELD_SELECT_MULTIPLE) {
		if (!field->has_data)
			return empty;
		const char **one = fl_arena_calloc(f->arena, 2, sizeof *one);
		one[0] = field->data;
		return one;
	}
	return field->multi.len ? field->multi.items : empty;
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

const char *const *fl_field_errors(const fl_field *field)
{
	return strv_view(&field->errors);
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
