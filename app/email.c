/* email.c — Flasky's send_email (see email.h). */
#include "app/email.h"

fl_err send_email(fl_ctx *c, const char *to, const char *subject, const char *template_base,
		  json_t *context)
{
	const char *prefix = fl_config_get_str(c->config, "FLASKY_MAIL_SUBJECT_PREFIX");
	const char *sender = fl_config_get_str(c->config, "FLASKY_MAIL_SENDER");
	const char *full = prefix && *prefix ? fl_arena_printf(c->arena, "%s %s", prefix, subject)
					     : subject;
	fl_err e;
	fl_message *m = fl_message_new(c->arena, full, sender, &e);
	if (!m) {
		fl_error("mail: FLASKY_MAIL_SENDER or the subject is not valid");
		return e;
	}
	if ((e = fl_message_add_recipient(m, to))) {
		fl_error("mail: '%s' is not a valid recipient", to);
		return e;
	}
	return fl_send_templated_mail(c, m, template_base, context);
}
