/* mail.h — Flask-Mail from a view: render a message's bodies from the
 * application's templates now, send it after the response has reached the
 * client.  The message itself, its transport and the outbox are
 * mail/mail.h, which knows no request. */
#ifndef FL_WEB_MAIL_H
#define FL_WEB_MAIL_H

#include <jansson.h>

#include "base/err.h"
#include "mail/mail.h"
#include "web/ctx.h"

/* fl_send_mail — send `m` with fl_mail_send after the
 * response has reached the client (fl_defer); a failure is only logged
 * (the message waits in the outbox).  `m` must live in the request's
 * arena or longer.  FL_ETOOLARGE when too much work is deferred already. */
fl_err fl_send_mail(fl_ctx *c, fl_message *m);

/* fl_render_mail — fill m's bodies from templates: `base` + ".txt" into
 * the text body, `base` + ".html" into the HTML body (a missing file is
 * skipped; at least one must exist).  The .txt template renders without
 * HTML escaping (Flask escapes only .html/.htm/.xml templates).  `context`
 * (borrowed, may be NULL) is the template context.  FL_ENOTFOUND when
 * neither exists, FL_ETEMPLATE after logging a template error. */
fl_err fl_render_mail(fl_ctx *c, fl_message *m, const char *base, json_t *context);

/* fl_send_templated_mail — what an application's send_email(to, subject,
 * template, **kwargs) does with a message it has addressed: fill m's
 * bodies from the template pair `template_base` .txt/.html now
 * (fl_render_mail, with the request's templates and `context`, borrowed,
 * may be NULL), and send it after the response has reached the client
 * (fl_send_mail).  Errors as fl_render_mail and fl_send_mail; nothing is
 * sent then. */
fl_err fl_send_templated_mail(fl_ctx *c, fl_message *m, const char *template_base,
			      json_t *context);

#endif
