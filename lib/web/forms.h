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

/* fl_make_form_context — the form as templates see it: the JSON the
 * quick_form macro of templates/_forms.html renders (fl_form_to_json, with
 * this request's CSRF token as a hidden field), and the form as the Flask
 * book's templates address it, field by field, as in WTForms 3.0 and
 * Flask-WTF:
 *
 *   {{ form.hidden_tag() }}            the hidden fields then csrf_token, "\n"-joined;
 *                                      hidden_tag('id', form.x): only those, if hidden
 *   {{ form.name.label }}              <label for="name">What is your name?</label>
 *   {{ form.name.label(class_='x') }}  attributes; label('Other text'); .text, .field_id
 *   {{ form.name }} / {{ form.name() }}  the widget, byte for byte WTForms'
 *   {{ form.name(id='my-text-field', class_='x', placeholder='…') }}
 *   form.name.errors, .data (typed: fl_field_data_json), .name, .short_name, .id,
 *   .type ("StringField"), .description, .flags.required
 *   {{ form.csrf_token }}              Flask-WTF's CSRFTokenField (.current_token)
 *   {{ form.submit() }}                any field by its name
 *   form.errors                        {name: [errors]} of the fields with errors
 *
 * Fields are fl_tpl_callable objects whose calls render with form/widgets.h
 * (a bad attribute value fails the render).  A field's key replaces the
 * quick_form key of the same name ("name", the class name, for a field
 * called `name`; "csrf_token", the token string, is the CSRF field); a
 * field named like a key the form itself needs — fields, errors,
 * form_errors, has_errors, enctype, hidden_tag — is only in form.fields.
 * Made by jansson in the request arena; the form and the context must
 * outlive the render (they do: both are the request's).  NULL only when
 * jansson fails to allocate. */
json_t *fl_make_form_context(fl_ctx *c, fl_form *f);

#endif
