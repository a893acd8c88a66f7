/* forms.h — Flask-WTF's FlaskForm: a form (form/form.h) bound to the
 * request — filled from request.form when the request submits data, its
 * CSRF token the request's.
 */
#ifndef FL_FORMS_H
#define FL_FORMS_H

#include <jansson.h>

#include "form/form.h"
#include "web/ctx.h"

/* fl_new_form — FlaskForm(): a form of type `def` filled from request.form
 * when the request submits data (POST, PUT, PATCH, DELETE).  Arena-owned. */
fl_form *fl_new_form(fl_ctx *c, const fl_form_def *def);

/* fl_validate_on_submit — form.validate_on_submit(): the request submits
 * data and every validator passes.  (The CSRF token was already checked
 * for the whole request before the view ran.) */
int fl_validate_on_submit(fl_ctx *c, fl_form *f);

/* fl_make_form_context — the form as templates see it:
 * fl_form_template_value(c->arena, f, this request's CSRF token). */
json_t *fl_make_form_context(fl_ctx *c, fl_form *f);

/* fl_form_template_value — the template face of a form: a WTForms 3.0 /
 * Flask-WTF form as a Jinja template reads it, and what Flask-Bootstrap's
 * bootstrap/wtf.html (quick_form, form_field, form_errors) needs:
 *
 *   {% for field in form %}            the fields in declaration order, then
 *                                      Flask-WTF's csrf_token (BaseForm adds
 *                                      it after the class's fields); form|length
 *                                      counts them (Python has no len(form))
 *   form.name, form['name']            a field by its name
 *   {{ form.hidden_tag() }}            the hidden fields then csrf_token, "\n"-joined;
 *                                      hidden_tag('id', form.x): only those, if hidden
 *   {{ form.name.label }}              <label for="name">What is your name?</label>
 *   {{ form.name.label(class_='x') }}  attributes (class= too); label('Other
 *                                      text'); .text, .field_id
 *   {{ form.name }} / {{ form.name() }}  the widget, byte for byte WTForms'
 *   {{ form.name(id='x', class_='y', placeholder='…') }}  keyword arguments,
 *                                      keys cleaned as meta.render_field does
 *                                      (class_ and class both give class, the
 *                                      later winning), over the field's render_kw
 *   field.type                         the class name: "StringField",
 *                                      "SubmitField", "HiddenField", "FileField",
 *                                      "RadioField", "CSRFTokenField", …
 *   field.widget.input_type            "text", "password", "submit", "hidden",
 *                                      "checkbox", "file", "number", … (none
 *                                      for Select, TextArea and RadioField's
 *                                      ListWidget: widget.html_tag "ul")
 *   field.flags.required, .optional, .hidden, .minlength, .maxlength, .min,
 *   .max                               true/the number, or none (widgets.h)
 *   field.name, .short_name, .id, .label.text, .description ("" for none),
 *   .errors (a list), .data (typed: fl_field_data_json), .default (the
 *   definition's default_value or none), .render_kw (none or an object)
 *   {% for option in form.size %}      a RadioField's options (WTForms'
 *                                      _Option, type "_Option"): {{ option }},
 *                                      option.label.text, .id "size-0", .data
 *                                      (the value), .checked
 *   {{ form.csrf_token }}              Flask-WTF's CSRFTokenField (.current_token)
 *   form.errors                        {name: [errors]} of the fields with errors,
 *                                      in declaration order, and the form-level
 *                                      errors under "None" (WTForms 3.0: None)
 *                                      when there are any
 *
 * The form also keeps the keys of fl_form_to_json (form.fields, the
 * quick_form JSON of templates/_forms.html, form.form_errors, …); a
 * field's key replaces the JSON key of the same name ("name", the class
 * name, for a field called `name`; "csrf_token", the token string, is the
 * CSRF field); a field named like a key the form itself needs — fields,
 * errors, form_errors, has_errors, enctype, hidden_tag — is reached by
 * iteration and form.fields only.
 * Fields are fl_tpl_callable objects (a RadioField also a sequence)
 * whose calls render with form/widgets.h (a bad attribute value fails the
 * render).  Made by jansson in the current jansson arena, the callables'
 * data in `a`; the form and `a` must outlive the render (under
 * fl_make_form_context both are the request's).  `csrf_token` may be
 * NULL (no CSRF field).  NULL only when jansson fails to allocate. */
json_t *fl_form_template_value(fl_arena *a, fl_form *f, const char *csrf_token);

/* fl_form_is_hidden_field — Flask-Bootstrap's template global
 * `bootstrap_is_hidden_field(field)` (isinstance(field, HiddenField)):
 * true for a field object of fl_form_template_value whose type is
 * HiddenField or CSRFTokenField, false for anything else (undefined
 * too).  An fl_tpl_function; the application registers it under that
 * name at start-up.  Exactly one argument, else a render error. */
json_t *fl_form_is_hidden_field(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err);

#endif
