/* flagon.h — everything a blueprint needs, in one include.
 *
 * Flagon is Flask and its extensions in C.  The folders of lib/, from the
 * bottom up (each knows only those below it):
 *
 *   base/      arena, errors, log, config, multidict, signing, redis,
 *              UTF-8, Python numbers
 *   http/      request, response, routing, form bodies (werkzeug)
 *   template/  Jinja templates       data/   db, model, query, migrations
 *   auth/      password hashes, JWT  mail/   messages, SMTP, outbox
 *   cache/     cache backends        session/ session stores, flash
 *   form/      fields, validators, CSRF
 *   web/       the application and the request context, one header per
 *              Flask module: app (start-up, blueprints), hooks (request
 *              hooks), errors (error handlers), ctx (the request), helpers
 *              (responses, redirect, url_for, cookies), templating,
 *              sessions (session, flash, CSRF), forms, db (*_or_404),
 *              login (Flask-Login), view_cache, ratelimit, resource, jwt,
 *              command (an application's ./manage commands), send_file
 *              (send_file, bytes), uploads
 */
#ifndef FLAGON_H
#define FLAGON_H

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/multidict.h"
#include "base/pynum.h"
#include "base/row.h"
#include "base/jsondump.h"
#include "base/signing.h"
#include "http/accept.h"
#include "http/conditional.h"
#include "http/filename.h"
#include "http/http.h"
#include "http/mimetypes.h"
#include "http/request.h"
#include "http/response.h"
#include "http/routing.h"
#include "template/template.h"
#include "data/db.h"
#include "data/dialect.h"
#include "data/model.h"
#include "data/query.h"
#include "data/relationship.h"
#include "auth/auth.h"
#include "auth/token.h"
#include "mail/mail.h"
#include "cache/cache.h"
#include "session/flash.h"
#include "session/session.h"
#include "form/csrf.h"
#include "form/form.h"
#include "web/app.h"
#include "web/application.h"
#include "web/command.h"
#include "web/ctx.h"
#include "web/helpers.h"
#include "web/templating.h"
#include "web/sessions.h"
#include "web/forms.h"
#include "web/db.h"
#include "web/mail.h"
#include "web/view_cache.h"
#include "web/ratelimit.h"
#include "web/jwt.h"
#include "web/login.h"
#include "web/errors.h"
#include "web/hooks.h"
#include "web/resource.h"
#include "web/send_file.h"
#include "web/uploads.h"
#include "web/extension.h"
#include "web/bootstrap.h"
#include "web/moment.h"

#endif
