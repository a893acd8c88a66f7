/* templating.c — Flasky's template filter and context processor (see
 * templating.h). */
#include "app/templating.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

/* "YYYY-MM-DD HH:MM[:SS]" (or with a "T") as UTC → Unix seconds. */
static int parse_timestamp(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int n = 0;
	char sep;
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &sep,
		   &tm.tm_hour, &tm.tm_min, &n) != 6 || (sep != ' ' && sep != 'T'))
		return -1;
	int m = 0;
	if (s[n] == ':' && sscanf(s + n, ":%2d%n", &tm.tm_sec, &m) == 1)
		n += m;
	if (s[n] != '\0' && s[n] != '.')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

static json_t *datetimeformat(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	json_t *v = json_array_get(args, 0);
	json_t *fmt = json_object_get(kwargs, "format");
	if (!fmt)
		fmt = json_array_get(args, 1);
	time_t t;
	if (json_is_number(v)) {
		t = (time_t)json_number_value(v);
	} else if (!json_is_string(v) || parse_timestamp(json_string_value(v), &t)) {
		snprintf(err->message, sizeof err->message,
			"datetimeformat: %s is not a time", json_is_string(v) ? "this text" : "this value");
		return NULL;
	}
	if (fmt && !json_is_string(fmt)) {
		snprintf(err->message, sizeof err->message, "datetimeformat: the format must be text");
		return NULL;
	}
	struct tm tm;
	char buf[256];
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof buf, fmt ? json_string_value(fmt) : "%Y-%m-%d %H:%M", &tm))
		buf[0] = '\0';
	return json_string(buf);
}

const fl_template_function flasky_template_filters[] = {
	{ "datetimeformat", datetimeformat },
	FL_TEMPLATE_FUNCTIONS_END,
};

static fl_err flasky_globals(fl_ctx *c, json_t *context)
{
	json_object_set_new(context, "app_name", json_string("Flasky"));
	json_object_set_new(context, "current_time", json_integer((json_int_t)fl_now()));
	return FL_OK;
}

const fl_context_processor flasky_context_processors[] = {
	flasky_globals,
	NULL,
};
