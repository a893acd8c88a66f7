/* email.h — Flasky's send_email (app/email.py), on the framework's
 * fl_send_templated_mail. */
#ifndef APP_EMAIL_H
#define APP_EMAIL_H

#include "flagon.h"

/* send_email — send_email(to, subject, template, **kwargs): a message
 * from FLASKY_MAIL_SENDER to `to` (an address, "Name <addr>" or "addr"),
 * subject FLASKY_MAIL_SUBJECT_PREFIX + " " + `subject` (just `subject`
 * when the prefix is empty), bodies from `template` .txt and .html
 * rendered now with `context` (a JSON object, borrowed, may be NULL), sent
 * after the response.  A mail problem never fails the page: errors are
 * logged and returned (FL_EINVAL for a bad sender, subject or recipient;
 * otherwise as fl_send_templated_mail), and nothing is sent then. */
fl_err send_email(fl_ctx *c, const char *to, const char *subject, const char *template_base,
		  json_t *context);

#endif
