/* templating.h — render_template (Flask's templating.py): a template of
 * templates/ rendered into the response, with the globals Flask gives every
 * template (session, request, g, config, url_for, get_flashed_messages,
 * csrf_token) bound to this request, and what the application adds
 * (web/application.h: its filters, tests, globals and context processors).
 */
#ifndef FL_TEMPLATING_H
#define FL_TEMPLATING_H

#include <jansson.h>

#include "web/ctx.h"

/* fl_render — render_template(name, context): render `name` with
 * `context` (a JSON object, may be NULL; left unchanged but for the
 * context processors' keys) and the render globals session, request, g,
 * config (seen also by templates imported or included without context,
 * which do not see `context`, as in Flask; fl_tpl_render_ex) into a
 * text/html response with status `status`
 * (0 = 200).  Returns 0, or 500 after logging the template error.  A
 * url_for in the template that cannot build also fails the whole request
 * (500 whatever the view returns, see fl_url_for). */
int fl_render(fl_ctx *c, int status, const char *name, json_t *context);

/* fl_update_template_context — Flask's app.update_template_context for
 * the application's context processors (fl_application.context_processors):
 * run each in order on a fresh object, then add to `context` (a JSON
 * object) every key it does not hold yet — the caller's keys win, a later
 * processor's over an earlier one's.  fl_render and fl_render_mail call it;
 * call it yourself for a template you render with fl_tpl_render.  Values
 * come from the request arena.  Returns FL_OK (also when the blueprint has
 * no application or it has no processors), or the first processor's error
 * (logged; `context` then unchanged). */
fl_err fl_update_template_context(fl_ctx *c, json_t *context);

#endif
