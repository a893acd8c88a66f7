/* widgets.c — wtforms/widgets/core.py in C: html_params, the input,
 * select, textarea and list widgets, Label, and Flask-WTF's hidden_tag.
 *
 * The attributes are collected as WTForms' kwargs dict is (the caller's
 * keyword arguments, then setdefault for id/type/value, then the flags
 * the widget's validation_attrs name), sorted by key, and written. */
#include "form/widgets.h"
#include "form/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "base/pynum.h"

/* One keyword argument: absent from the output when `omit` (False), a
 * bare name when `bare` (True), else key="val". */
typedef struct wattr {
	const char *key;
	const char *val;
	int bare, omit;
} wattr;

typedef FL_VEC(wattr) wattrs;


static wattr *attr_find(wattrs *v, const char *key)
{
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(v->items[i].key, key) == 0)
			return &v->items[i];
	return NULL;
}

/* kwargs[key] = value (val NULL with bare 0: False). */
static void attr_set(fl_arena *a, wattrs *v, const char *key, const char *val, int bare)
{
	wattr *w = attr_find(v, key);
	if (!w)
		w = fl_vec_push(a, v);
	*w = (wattr){ .key = key, .val = val, .bare = bare, .omit = !val && !bare };
}

/* kwargs.setdefault(key, value) */
static void attr_default(fl_arena *a, wattrs *v, const char *key, const char *val, int bare)
{
	if (!attr_find(v, key))
		attr_set(a, v, key, val, bare);
}

/* str(value) of a JSON keyword argument; FL_EINVAL for arrays and objects. */
static fl_err attr_from_json(fl_arena *a, wattrs *v, const char *key, json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_TRUE:
		attr_set(a, v, key, NULL, 1);
		return FL_OK;
	case JSON_FALSE:
		attr_set(a, v, key, NULL, 0);
		return FL_OK;
	case JSON_NULL:
		attr_set(a, v, key, "None", 0);
		return FL_OK;
	case JSON_STRING:
		attr_set(a, v, key, fl_arena_strndup(a, json_string_value(j), json_string_length(j)), 0);
		return FL_OK;
	case JSON_INTEGER:
		attr_set(a, v, key, fl_arena_printf(a, "%" JSON_INTEGER_FORMAT,
		                                    json_integer_value(j)), 0);
		return FL_OK;
	case JSON_REAL:
		attr_set(a, v, key, fl_format_float(a, json_real_value(j)), 0);
		return FL_OK;
	default:
		return FL_EINVAL;
	}
}

/* clean_key(): trailing '_' stripped; data_/aria_ keys get '-' for '_'. */
static void put_key(const char *key, fl_buf *out)
{
	size_t n = strlen(key);
	while (n && key[n - 1] == '_')
		n--;
	int dash = n >= 5 && (strncmp(key, "data_", 5) == 0 || strncmp(key, "aria_", 5) == 0);
	for (size_t i = 0; i < n; i++)
		fl_buf_putc(out, dash && key[i] == '_' ? '-' : key[i]);
}

/* clean_key(key) as a string of the arena. */
static const char *clean_key(fl_arena *a, const char *key)
{
	fl_buf b;
	fl_buf_init(&b, a);
	put_key(key, &b);
	return b.data ? fl_buf_cstr(&b) : "";
}

/* The keyword arguments of `kwargs` into `v`; `clean`: with their keys
 * cleaned first, later ones winning (meta.render_field), else as given
 * (html_params cleans them as it writes). */
static fl_err attrs_from_json(fl_arena *a, wattrs *v, json_t *kwargs, int clean)
{
	const char *key;
	json_t *val;
	if (!kwargs)
		return FL_OK;
	if (!json_is_object(kwargs))
		return FL_EINVAL;
	json_object_foreach(kwargs, key, val) {
		fl_err e = attr_from_json(a, v, clean ? clean_key(a, key) : fl_arena_strdup(a, key),
		                          val);
		if (e != FL_OK)
			return e;
	}
	return FL_OK;
}

/* The field's render_kw, keys cleaned (meta.render_field). */
static void add_render_kw(fl_arena *a, wattrs *v, const fl_field *field)
{
	for (const fl_attr *r = field->def->render_kw; r && r->name; r++)
		attr_set(a, v, clean_key(a, r->name), r->value, !r->value);
}

/* meta.render_field(field, kwargs): render_kw, then the call's keyword
 * arguments over it, every key cleaned. */
static fl_err render_field_attrs(fl_arena *a, wattrs *v, const fl_field *field, json_t *kwargs)
{
	add_render_kw(a, v, field);
	return attrs_from_json(a, v, kwargs, 1);
}

static int attr_cmp(const void *x, const void *y)
{
	return strcmp(((const wattr *)x)->key, ((const wattr *)y)->key);
}

/* html_params(**kwargs) of a collected list (sorted in place). */
static void attrs_write(wattrs *v, fl_buf *out)
{
	if (v->len > 1)
		qsort(v->items, v->len, sizeof *v->items, attr_cmp);
	int first = 1;
	for (size_t i = 0; i < v->len; i++) {
		const wattr *w = &v->items[i];
		if (w->omit)
			continue;
		if (!first)
			fl_buf_putc(out, ' ');
		first = 0;
		put_key(w->key, out);
		if (w->bare)
			continue;
		fl_buf_puts(out, "=\"");
		fl_html_escape(out, w->val, strlen(w->val));
		fl_buf_putc(out, '"');
	}
}

fl_err fl_html_params(json_t *kwargs, fl_buf *out)
{
	wattrs v = { 0 };
	fl_err e = attrs_from_json(out->arena, &v, kwargs, 0);
	if (e != FL_OK)
		return e;
	attrs_write(&v, out);
	return FL_OK;
}

/* ---- the widgets ------------------------------------------------------ */

/* Which of the field's flags a widget writes (validation_attrs). */
enum {
	VA_REQUIRED = 1,
	VA_LENGTH = 2,    /* maxlength, minlength */
	VA_RANGE = 4,     /* max, min */
	VA_ACCEPT = 8
};

static int validation_attrs(fl_field_type t)
{
	switch (t) {
	case FL_FIELD_STRING:
	case FL_FIELD_PASSWORD:
	case FL_FIELD_FLOAT:
	case FL_FIELD_TEXTAREA:
	case FL_FIELD_EMAIL:
	case FL_FIELD_URL:
		return VA_REQUIRED | VA_LENGTH;
	case FL_FIELD_INTEGER:
	case FL_FIELD_DECIMAL:
	case FL_FIELD_DATE:
	case FL_FIELD_DATETIME:
		return VA_REQUIRED | VA_RANGE;
	case FL_FIELD_FILE:
	case FL_FIELD_MULTIPLE_FILE:
		return VA_REQUIRED | VA_ACCEPT;
	default:
		return VA_REQUIRED;
	}
}

/* A flag's number as str() writes it. */
static const char *flag_number(fl_arena *a, double x)
{
	if (x == (double)(long long)x && x > -9e15 && x < 9e15)
		return fl_arena_printf(a, "%lld", (long long)x);
	return fl_format_float(a, x);
}

/* for k in dir(flags): if k in validation_attrs and k not in kwargs:
 * kwargs[k] = flags.k */
static void add_flags(fl_arena *a, wattrs *v, const fl_field *field)
{
	int va = validation_attrs(field->def->type);
	fl_field_flags fl;
	fl_field_get_flags(field, &fl);
	if ((va & VA_REQUIRED) && fl.required)
		attr_default(a, v, "required", NULL, 1);
	if ((va & VA_LENGTH) && fl.maxlength != -1)
		attr_default(a, v, "maxlength", fl_arena_printf(a, "%ld", fl.maxlength), 0);
	if ((va & VA_LENGTH) && fl.minlength != -1)
		attr_default(a, v, "minlength", fl_arena_printf(a, "%ld", fl.minlength), 0);
	if ((va & VA_RANGE) && fl.has_min)
		attr_default(a, v, "min", flag_number(a, fl.min), 0);
	if ((va & VA_RANGE) && fl.has_max)
		attr_default(a, v, "max", flag_number(a, fl.max), 0);
}

/* Input.__call__ and its subclasses. */
static void input_widget(fl_arena *a, const fl_field *field, wattrs *v, fl_buf *out)
{
	fl_field_type t = field->def->type;
	if (t == FL_FIELD_PASSWORD)
		attr_set(a, v, "value", "", 0);          /* hide_value */
	if (t == FL_FIELD_BOOLEAN && fl_field_truthy(field))
		attr_set(a, v, "checked", NULL, 1);
	if (t == FL_FIELD_SUBMIT)
		attr_default(a, v, "value", fl_field_label_text(field), 0);
	if (t == FL_FIELD_FILE || t == FL_FIELD_MULTIPLE_FILE) {
		attr_set(a, v, "value", NULL, 0);        /* value=False */
		if (t == FL_FIELD_MULTIPLE_FILE)
			attr_set(a, v, "multiple", NULL, 1);
	}
	if (t == FL_FIELD_DECIMAL)
		attr_default(a, v, "step", "any", 0);    /* NumberInput(step="any") */
	attr_default(a, v, "id", fl_field_id(field), 0);
	attr_default(a, v, "type", fl_field_classes[t].input_type, 0);
	if (!attr_find(v, "value"))
		attr_set(a, v, "value", fl_field_value(field), 0);
	add_flags(a, v, field);
	attr_set(a, v, "name", fl_field_name(field), 0);
	fl_buf_puts(out, "<input ");
	attrs_write(v, out);
	fl_buf_putc(out, '>');
}

static void textarea_widget(fl_arena *a, const fl_field *field, wattrs *v, fl_buf *out)
{
	attr_default(a, v, "id", fl_field_id(field), 0);
	add_flags(a, v, field);
	attr_set(a, v, "name", fl_field_name(field), 0);
	fl_buf_puts(out, "<textarea ");
	attrs_write(v, out);
	fl_buf_puts(out, ">\r\n");
	fl_html_escape(out, fl_field_value(field), strlen(fl_field_value(field)));
	fl_buf_puts(out, "</textarea>");
}

/* Select.render_option */
static void option(fl_arena *a, const char *value, const char *label, int selected, fl_buf *out)
{
	wattrs v = { 0 };
	attr_set(a, &v, "value", value, 0);
	if (selected)
		attr_set(a, &v, "selected", NULL, 1);
	fl_buf_puts(out, "<option ");
	attrs_write(&v, out);
	fl_buf_putc(out, '>');
	fl_html_escape(out, label, strlen(label));
	fl_buf_puts(out, "</option>");
}

static void select_widget(fl_arena *a, const fl_field *field, wattrs *v, fl_buf *out)
{
	attr_default(a, v, "id", fl_field_id(field), 0);
	if (field->def->type == FL_FIELD_SELECT_MULTIPLE)
		attr_set(a, v, "multiple", NULL, 1);
	add_flags(a, v, field);
	attr_set(a, v, "name", fl_field_name(field), 0);
	fl_buf_puts(out, "<select ");
	attrs_write(v, out);
	fl_buf_putc(out, '>');
	for (size_t i = 0; i < field->nchoices; i++) {
		const fl_choice *c = &field->choices[i];
		option(a, c->value, c->label ? c->label : c->value,
		       fl_field_choice_selected(field, c->value), out);
	}
	fl_buf_puts(out, "</select>");
}

/* RadioInput of option `i`, a field of its own (SelectFieldBase.__iter__'s
 * _Option: id "ID-i", the parent's name, validators (so its flags) and
 * render_kw) called with the attributes `o` (render_kw and keyword
 * arguments, collected). */
static void radio_option(fl_arena *a, const fl_field *field, size_t i, wattrs *o, fl_buf *out)
{
	const fl_choice *c = &field->choices[i];
	if (fl_field_choice_selected(field, c->value))
		attr_set(a, o, "checked", NULL, 1);
	attr_default(a, o, "id", fl_arena_printf(a, "%s-%zu", fl_field_id(field), i), 0);
	attr_default(a, o, "type", "radio", 0);
	attr_default(a, o, "value", c->value, 0);
	add_flags(a, o, field);
	attr_set(a, o, "name", fl_field_name(field), 0);
	fl_buf_puts(out, "<input ");
	attrs_write(o, out);
	fl_buf_putc(out, '>');
}

/* ListWidget(prefix_label=False) of the options: `<input ..> <label ..>`
 * in an <li> each, the option's label for its id. */
static void radio_widget(fl_arena *a, const fl_field *field, wattrs *v, fl_buf *out)
{
	attr_default(a, v, "id", fl_field_id(field), 0);
	fl_buf_puts(out, "<ul ");
	attrs_write(v, out);
	fl_buf_putc(out, '>');
	for (size_t i = 0; i < field->nchoices; i++) {
		const fl_choice *c = &field->choices[i];
		const char *id = fl_arena_printf(a, "%s-%zu", fl_field_id(field), i);
		wattrs o = { 0 };
		add_render_kw(a, &o, field);
		fl_buf_puts(out, "<li>");
		radio_option(a, field, i, &o, out);
		fl_buf_puts(out, " <label for=\"");
		fl_html_escape(out, id, strlen(id));
		fl_buf_puts(out, "\">");
		const char *label = c->label ? c->label : c->value;
		fl_html_escape(out, label, strlen(label));
		fl_buf_puts(out, "</label></li>");
	}
	fl_buf_puts(out, "</ul>");
}

fl_err fl_field_option_widget(const fl_field *field, size_t i, json_t *kwargs, fl_buf *out)
{
	fl_arena *a = out->arena;
	wattrs o = { 0 };
	if (i >= field->nchoices)
		return FL_EINVAL;
	fl_err e = render_field_attrs(a, &o, field, kwargs);
	if (e != FL_OK)
		return e;
	if (attr_find(&o, "name"))
		return FL_EINVAL;
	radio_option(a, field, i, &o, out);
	return FL_OK;
}

size_t fl_field_option_count(const fl_field *field)
{
	return field->def->type == FL_FIELD_RADIO ? field->nchoices : 0;
}

void fl_field_option(const fl_field *field, size_t i, const char **value, const char **label,
                     int *checked)
{
	const fl_choice *c = &field->choices[i];
	*value = c->value;
	*label = c->label ? c->label : c->value;
	*checked = fl_field_choice_selected(field, c->value);
}

fl_err fl_field_widget(const fl_field *field, json_t *kwargs, fl_buf *out)
{
	fl_arena *a = out->arena;
	wattrs v = { 0 };
	fl_err e = render_field_attrs(a, &v, field, kwargs);
	if (e != FL_OK)
		return e;
	fl_field_type t = field->def->type;
	if (t != FL_FIELD_RADIO && attr_find(&v, "name"))
		return FL_EINVAL;
	switch (t) {
	case FL_FIELD_TEXTAREA:
		textarea_widget(a, field, &v, out);
		break;
	case FL_FIELD_SELECT:
	case FL_FIELD_SELECT_MULTIPLE:
		select_widget(a, field, &v, out);
		break;
	case FL_FIELD_RADIO:
		radio_widget(a, field, &v, out);
		break;
	default:
		input_widget(a, field, &v, out);
		break;
	}
	return FL_OK;
}

fl_err fl_field_label(const fl_field *field, json_t *kwargs, fl_buf *out)
{
	fl_arena *a = out->arena;
	wattrs v = { 0 };
	const char *text = NULL;
	const char *key;
	json_t *val;
	if (kwargs && !json_is_object(kwargs))
		return FL_EINVAL;
	if (kwargs) {
		json_object_foreach(kwargs, key, val) {
			if (strcmp(key, "text") == 0) {   /* Label.__call__(text=...) */
				if (json_is_string(val) && json_string_length(val))
					text = json_string_value(val);
				continue;
			}
			if (strcmp(key, "for_") == 0)
				continue;
			fl_err e = attr_from_json(a, &v, fl_arena_strdup(a, key), val);
			if (e != FL_OK)
				return e;
		}
		/* kwargs["for"] = kwargs.pop("for_") */
		val = json_object_get(kwargs, "for_");
		if (val && attr_from_json(a, &v, "for", val) != FL_OK)
			return FL_EINVAL;
	}
	attr_default(a, &v, "for", fl_field_id(field), 0);
	fl_buf_puts(out, "<label ");
	attrs_write(&v, out);
	fl_buf_putc(out, '>');
	if (!text)
		text = fl_field_label_text(field);
	fl_html_escape(out, text, strlen(text));
	fl_buf_puts(out, "</label>");
	return FL_OK;
}

void fl_form_hidden_tag(const fl_form *f, const char *csrf_token, fl_buf *out)
{
	int first = 1;
	for (size_t i = 0; i < f->nfields; i++) {
		const fl_field *field = &f->fields[i];
		if (field->def->type != FL_FIELD_HIDDEN)
			continue;
		if (!first)
			fl_buf_putc(out, '\n');
		first = 0;
		fl_field_widget(field, NULL, out);
	}
	if (!csrf_token)
		return;
	if (!first)
		fl_buf_putc(out, '\n');
	fl_buf_puts(out, "<input id=\"csrf_token\" name=\"csrf_token\" type=\"hidden\" value=\"");
	fl_html_escape(out, csrf_token, strlen(csrf_token));
	fl_buf_puts(out, "\">");
}
