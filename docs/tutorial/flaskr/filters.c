/* filters.c — flaskr's own template filter.  Flask's flaskr writes
 * post['created'].strftime('%Y-%m-%d') in its template, because sqlite3
 * hands it a datetime; a Flagon row holds the text the database gives
 * ("2026-12-06 09:30:00"; PostgreSQL adds fractions of a second), so the
 * formatting is a filter of the application's own:
 *
 *     @app.template_filter('datetimeformat')
 *     def datetimeformat(value, format='%B %d, %Y'):
 *         return value.strftime(format)
 */
#include <string.h>
#include <time.h>

#include "flaskr/flaskr.h"

json_t *flaskr_datetimeformat(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	const char *value = json_string_value(json_array_get(args, 0));
	json_t *fmt = json_array_get(args, 1);
	if (!fmt)
		fmt = json_object_get(kwargs, "format");
	const char *format = fmt ? json_string_value(fmt) : "%B %d, %Y";
	if (!format) {
		snprintf(err->message, sizeof err->message, "datetimeformat: the format is not a string");
		return NULL;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = value ? strptime(value, "%Y-%m-%d %H:%M:%S", &tm) : NULL;
	if (end && *end == '.')                    /* PostgreSQL's fractions of a second */
		end += 1 + strspn(end + 1, "0123456789");
	if (!end || *end)
		return json_string(value ? value : "");   /* not a timestamp: as it is */
	char out[128];
	if (!strftime(out, sizeof out, format, &tm))
		return json_string("");
	return json_string(out);
}
