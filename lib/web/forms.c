/* forms.c — Flask-WTF's FlaskForm: a form bound to the request (filled
 * from request.form on submit, its CSRF token the request's).  Fields and
 * validators are form/form.c. */
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

json_t *fl_make_form_context(fl_ctx *c, fl_form *f)
{
	return fl_form_to_json(f, fl_csrf_token(c));
}
