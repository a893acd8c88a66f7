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

/* fl_make_form_context — the form as the JSON the templates' quick_form
 * macro renders, with this request's CSRF token as a hidden field. */
json_t *fl_make_form_context(fl_ctx *c, fl_form *f);

#endif
