/* templating.h — render_template (Flask's templating.py): a template of
 * templates/ rendered into the response, with the globals Flask gives every
 * template (session, request, g, config, url_for, get_flashed_messages,
 * csrf_token) bound to this request.
 */
#ifndef FL_TEMPLATING_H
#define FL_TEMPLATING_H

#include <jansson.h>

#include "web/ctx.h"

/* fl_render — render_template(name, context): render `name` with
 * `context` (a JSON object, may be NULL; the globals session, request, g,
 * config are added) into a text/html response with status `status`
 * (0 = 200).  Returns 0, or 500 after logging the template error.  A
 * url_for in the template that cannot build also fails the whole request
 * (500 whatever the view returns, see fl_url_for). */
int fl_render(fl_ctx *c, int status, const char *name, json_t *context);

#endif
