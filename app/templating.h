/* templating.h — Flasky's own template extensions (Flask's
 * @app.template_filter and @app.context_processor), registered through
 * flasky_app (app/flasky.c):
 *
 *   {{ current_time|datetimeformat('%d %B %Y') }}   a filter
 *   {{ app_name }}, {{ current_time }}              from a context processor,
 *                                                   in every page and mail
 */
#ifndef APP_TEMPLATING_H
#define APP_TEMPLATING_H

#include "web/application.h"

/* Flasky's filters: datetimeformat(value, format='%Y-%m-%d %H:%M') — a
 * time as Unix seconds (a number) or as the text SQLite's CURRENT_TIMESTAMP
 * stores ("2026-12-06 02:33:32", a "T" also accepted), formatted in UTC
 * with strftime(format) (C locale: English names).  Anything else fails
 * the render ("datetimeformat: ... is not a time"). */
extern const fl_template_function flasky_template_filters[];

/* Flasky's context processors: app_name ("Flasky") and current_time (Unix
 * seconds, what Flasky's index view passes as current_time in the book). */
extern const fl_context_processor flasky_context_processors[];

#endif
