/* mail.c — mail from a request: render the bodies now (the request's
 * templates and context), send after the response (what the send_email of
 * Flask's tutorial does in a thread; here fl_defer). */
#include "web/mail.h"

#include <stdio.h>
#include <string.h>

#include "web/app.h"
#include "web/helpers.h"
#include "web/templating.h"
#include "base/log.h"

static void send_deferred(fl_ctx *c, void *ud)
{
	fl_message *m = ud;
	char why[512];
	/* fl_mail_send logs failures and keeps the message in the outbox. */
	(void)fl_mail_send(c->config, m, why, sizeof why);
}

fl_err fl_send_mail(fl_ctx *c, fl_message *m)
{
	return fl_defer(c, send_deferred, m);
}

static fl_err render_one(fl_ctx *c, const char *name, json_t *context, const char **out)
{
	fl_buf buf;
	fl_tpl_error err;
	fl_buf_init(&buf, c->arena);
	memset(&err, 0, sizeof err);
	fl_err e = fl_tpl_render(fl_app_templates(c->app), name, context, c, c->arena, &buf, &err);
	if (e == FL_ETEMPLATE)
		fl_error("template %s:%d:%d: %s", err.file, err.line, err.column, err.message);
	*out = e ? NULL : fl_buf_cstr(&buf);
	return e;
}

fl_err fl_render_mail(fl_ctx *c, fl_message *m, const char *base, json_t *context)
{
	/* A copy, so the caller's context does not grow the processors' keys. */
	json_t *ctx = context ? json_copy(context) : json_object();
	const char *text = NULL, *html = NULL;
	fl_err ep = fl_update_template_context(c, ctx);
	if (ep) {
		json_decref(ctx);
		return ep;
	}
	/* The .txt body is not autoescaped (the engine decides by the name's
	 * extension, as Flask's select_jinja_autoescape). */
	fl_err et = render_one(c, fl_arena_printf(c->arena, "%s.txt", base), ctx, &text);
	fl_err eh = render_one(c, fl_arena_printf(c->arena, "%s.html", base), ctx, &html);
	json_decref(ctx);
	if ((et && et != FL_ENOTFOUND) || (eh && eh != FL_ENOTFOUND))
		return et && et != FL_ENOTFOUND ? et : eh;
	if (et && eh) {
		fl_error("mail template %s.txt / %s.html not found", base, base);
		return FL_ENOTFOUND;
	}
	fl_err e = FL_OK;
	if (text)
		e = fl_message_set_body(m, text);
	if (!e && html)
		e = fl_message_set_html(m, html);
	return e;
}

fl_err fl_send_templated_mail(fl_ctx *c, fl_message *m, const char *template_base,
			      json_t *context)
{
	fl_err e = fl_render_mail(c, m, template_base, context);
	return e ? e : fl_send_mail(c, m);
}
