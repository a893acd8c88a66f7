/* flagon.h — everything a blueprint needs, in one include.
 *
 * Flagon is Flask's tutorial stack in C: the request cycle and routing
 * (app, request, response, routing), signed-cookie sessions and flash
 * messages (session, flash), forms with CSRF (form, csrf), Jinja-style
 * templates (template), SQLite models, queries and migrations (db, model,
 * query, migrate). */
#ifndef FLAGON_H
#define FLAGON_H

#include "app.h"
#include "arena.h"
#include "cache.h"
#include "config.h"
#include "csrf.h"
#include "db.h"
#include "err.h"
#include "flash.h"
#include "form.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "model.h"
#include "models.h"
#include "multidict.h"
#include "query.h"
#include "request.h"
#include "response.h"
#include "routing.h"
#include "session.h"
#include "signing.h"
#include "template.h"

#endif
