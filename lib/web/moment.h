/* moment.h — Flask-Moment 1.0 (1.0.5): `moment = Moment(app)` is listing
 * &fl_moment in fl_application.extensions (web/extension.h).  Templates
 * get the global `moment`, Flask-Moment's _moment class:
 *
 *   {{ moment(timestamp=None, local=False).format('LLL') }}
 *       timestamp: a DATETIME string "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC,
 *       how SQLAlchemy stores datetime.utcnow() and Flagon's rows hold it),
 *       ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|+00:00]", a date
 *       "YYYY-MM-DD" (midnight), or none/absent for now (UTC).  Fractions
 *       of a second are dropped (strftime('%Y-%m-%dT%H:%M:%S')); local=True
 *       leaves out the "Z" (the browser reads the time as its own).
 *   Methods, each returning markup, exactly Flask-Moment's:
 *       format(fmt=None, refresh=False), fromNow(no_suffix=False, refresh=False),
 *       fromTime(timestamp, no_suffix=False, refresh=False), toNow(…),
 *       toTime(timestamp, no_suffix=False, refresh=False), calendar(refresh=False),
 *       valueOf(refresh=False), unix(refresh=False), diff(timestamp, units, refresh=False)
 *     → <span class="flask-moment" data-timestamp="2026-12-06T04:05:07Z"
 *       data-function="format" data-format="LLL" data-refresh="0"
 *       style="display: none">2026-12-06T04:05:07Z</span>
 *     (data-format, data-timestamp2, data-nosuffix="1", data-units only when
 *     given; refresh=True is 60000 ms, an integer n is n minutes).
 *   {{ moment.include_moment(version=…, local_js=None, no_js=None, sri=None,
 *      with_locales=True) }}
 *       the <script> of moment.js, served locally — /static/vendor/moment/
 *       moment-with-locales.min.js (moment.min.js with with_locales=False;
 *       local_js: that URL instead; no_js: none; sri: its integrity
 *       attribute) — then Flask-Moment's inline script: moment.locale("en"),
 *       flask_moment_render / flask_moment_render_all run on
 *       DOMContentLoaded, refreshing every data-refresh ms.
 *   {{ moment.include_jquery(version=…, local_js=None, sri=None) }}
 *       the <script> of jQuery, /static/vendor/jquery/jquery.min.js.
 *   {{ moment.locale(language='en', auto_detect=False, customization=None) }},
 *   {{ moment.lang(language) }}   <script>moment.locale(…)</script>.
 *
 * Differences from Flask-Moment: `version` is accepted and ignored (the
 * moment.js served is package.json's, 2.29.4, no CDN: `make static`
 * copies it under htdocs/static/vendor/moment/); MOMENT_DEFAULT_FORMAT is
 * not read; the format and units strings are HTML-escaped in their
 * attributes (Flask-Moment inserts them raw); a timestamp that is not a
 * string of the forms above (Flask-Moment wants a datetime) is a render
 * error.
 *
 * Flasky's own templates/_moment.html and htdocs/static/moment.js are a
 * different, older helper without moment.js (Intl.DateTimeFormat on
 * <time> elements); they stay for Flasky's pages.  This module is
 * Flask-Moment itself, for templates written for it (the Flask book's).
 */
#ifndef FL_MOMENT_H
#define FL_MOMENT_H

#include "template/template.h"
#include "web/extension.h"

/* Flask-Moment: the `moment` global (above). */
extern const fl_extension fl_moment;

/* fl_moment_init_templates — fl_moment's init: add the global `moment` to
 * `env`. */
void fl_moment_init_templates(fl_tpl_env *env);

#endif
