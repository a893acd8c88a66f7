/* moment.c — Flask-Moment's `moment` global (moment.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/html.h"
#include "web/moment.h"

#define MOMENT_JS_DIR "/static/vendor/moment/"
#define JQUERY_JS "/static/vendor/jquery/jquery.min.js"

/* One moment(timestamp, local): what its methods render. */
typedef struct moment_obj {
	char iso[24];               /* "YYYY-MM-DDTHH:MM:SS" + "Z" unless local */
	int local;
} moment_obj;

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* datetime.strftime('%Y-%m-%dT%H:%M:%S' + ('' if local else 'Z')) of a
 * timestamp argument: NULL/none is now (datetime.utcnow()). */
static int iso_8601(json_t *ts, int local, char out[24], fl_tpl_error *err)
{
	char s[20];
	if (!ts || json_is_null(ts)) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	} else {
		const char *v = json_is_string(ts) ? json_string_value(ts) : NULL;
		size_t n = v ? json_string_length(ts) : 0;
		/* YYYY-MM-DD, then [ T]HH:MM:SS, then .digits, then Z or +00:00 */
		int ok = n >= 10 && all_digits(v, 4) && v[4] == '-' && all_digits(v + 5, 2) &&
			v[7] == '-' && all_digits(v + 8, 2);
		size_t i = 10;
		if (ok && n == 10)
			snprintf(s, sizeof s, "%.10sT00:00:00", v);
		else if (ok && n >= 19 && (v[10] == ' ' || v[10] == 'T') && all_digits(v + 11, 2) &&
			v[13] == ':' && all_digits(v + 14, 2) && v[16] == ':' && all_digits(v + 17, 2)) {
			i = 19;
			if (i < n && v[i] == '.') {
				size_t j = ++i;
				while (i < n && isdigit((unsigned char)v[i]))
					i++;
				ok = i > j;
			}
			if (i < n && (strcmp(v + i, "Z") == 0 || strcmp(v + i, "+00:00") == 0))
				i = n;
			ok = ok && i == n;
			snprintf(s, sizeof s, "%.10sT%.8s", v, v + 11);
		} else
			ok = 0;
		if (!ok) {
			snprintf(err->message, sizeof err->message,
				"moment(): the timestamp must be a UTC date and time "
				"'YYYY-MM-DD HH:MM:SS[.ffffff]' or ISO 8601, not %.60s%s%s",
				v ? "'" : "a ", v ? v : "non-string", v ? "'" : "");
			return -1;
		}
	}
	snprintf(out, 24, "%s%s", s, local ? "" : "Z");
	return 0;
}

/* int(refresh) * 60000 */
static int refresh_ms(json_t *v, long long *ms, fl_tpl_error *err)
{
	if (!v || json_is_null(v) || json_is_boolean(v)) {
		*ms = v && json_is_true(v) ? 60000 : 0;
		return 0;
	}
	if (json_is_integer(v) && json_integer_value(v) > -1000000000 &&
		json_integer_value(v) < 1000000000) {
		*ms = json_integer_value(v) * 60000;
		return 0;
	}
	snprintf(err->message, sizeof err->message, "moment: refresh must be a boolean or minutes");
	return -1;
}

static void put_attr(fl_buf *b, const char *name, json_t *v)
{
	fl_buf_printf(b, " %s=\"", name);
	if (json_is_string(v))
		fl_html_escape(b, json_string_value(v), json_string_length(v));
	fl_buf_putc(b, '"');
}

/* _moment._render(func, format, timestamp2, no_suffix, units, refresh) */
static json_t *render(fl_arena *a, const moment_obj *m, const char *func, json_t *format,
	json_t *ts2, json_t *no_suffix, json_t *units, json_t *refresh, fl_tpl_error *err)
{
	long long ms;
	if (refresh_ms(refresh, &ms, err))
		return NULL;
	char t2[24];
	if (ts2 && iso_8601(ts2, m->local, t2, err))
		return NULL;
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_printf(&b, "<span class=\"flask-moment\" data-timestamp=\"%s\" data-function=\"%s\"",
		m->iso, func);
	if (format && fl_tpl_arg_truth(format, 0))
		put_attr(&b, "data-format", format);
	if (ts2)
		fl_buf_printf(&b, " data-timestamp2=\"%s\"", t2);
	if (fl_tpl_arg_truth(no_suffix, 0))
		fl_buf_puts(&b, " data-nosuffix=\"1\"");
	if (units && fl_tpl_arg_truth(units, 0))
		put_attr(&b, "data-units", units);
	fl_buf_printf(&b, " data-refresh=\"%lld\" style=\"display: none\">%s</span>", ms, m->iso);
	return fl_markup(fl_buf_cstr(&b));
}

/* The bound value of parameter `name`, NULL when the method has no such
 * parameter or it was not given. */
static json_t *arg(const char *const *names, json_t **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return v[i];
	return NULL;
}

/* The methods: each binds its parameters, then renders. */
#define METHOD(cname, pyname, func, required, ...) \
	static json_t *cname(void *ud, fl_arena *a, json_t *args, json_t *kwargs, \
		fl_tpl_error *err) \
	{ \
		static const char *const names[] = { __VA_ARGS__ }; \
		enum { N = sizeof names / sizeof names[0] }; \
		json_t *v[N]; \
		if (fl_tpl_bind_args(pyname, args, kwargs, names, N, required, v, err)) \
			return NULL; \
		return render(a, ud, func, arg(names, v, N, "fmt"), arg(names, v, N, "timestamp"), \
			arg(names, v, N, "no_suffix"), arg(names, v, N, "units"), \
			arg(names, v, N, "refresh"), err); \
	}

/* name in C, in Python, data-function, required parameters, parameters */
METHOD(m_format, "format", "format", 0, "fmt", "refresh")
METHOD(m_from_now, "fromNow", "fromNow", 0, "no_suffix", "refresh")
METHOD(m_to_now, "toNow", "toNow", 0, "no_suffix", "refresh")
METHOD(m_calendar, "calendar", "calendar", 0, "refresh")
METHOD(m_value_of, "valueOf", "valueOf", 0, "refresh")
METHOD(m_unix, "unix", "unix", 0, "refresh")
METHOD(m_from_time, "fromTime", "from", 1, "timestamp", "no_suffix", "refresh")
METHOD(m_to_time, "toTime", "to", 1, "timestamp", "no_suffix", "refresh")
METHOD(m_diff, "diff", "diff", 2, "timestamp", "units", "refresh")

/* moment(timestamp=None, local=False) */
static json_t *moment_new(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	static const char *const names[] = { "timestamp", "local" };
	json_t *v[2];
	if (fl_tpl_bind_args("moment", args, kwargs, names, 2, 0, v, err))
		return NULL;
	moment_obj *m = fl_arena_calloc(a, 1, sizeof *m);
	m->local = fl_tpl_arg_truth(v[1], 0);
	if (iso_8601(v[0], m->local, m->iso, err))
		return NULL;
	static const struct {
		const char *name;
		fl_tpl_function fn;
	} methods[] = {
		{ "format", m_format }, { "fromNow", m_from_now }, { "fromTime", m_from_time },
		{ "toNow", m_to_now }, { "toTime", m_to_time }, { "calendar", m_calendar },
		{ "valueOf", m_value_of }, { "unix", m_unix }, { "diff", m_diff },
	};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		json_object_set_new(o, methods[i].name, fl_tpl_callable(NULL, methods[i].fn, m));
	json_object_set_new(o, "timestamp", json_string(m->iso));
	json_object_set_new(o, "local", json_boolean(m->local));
	return o;
}

/* <script src="URL"[ integrity="SRI" crossorigin="anonymous"]></script>\n */
static void script_tag(fl_buf *b, const char *url, json_t *sri)
{
	fl_buf_puts(b, "<script src=\"");
	fl_html_escape(b, url, strlen(url));
	fl_buf_putc(b, '"');
	if (fl_tpl_arg_truth(sri, 0)) {
		put_attr(b, "integrity", sri);
		fl_buf_puts(b, " crossorigin=\"anonymous\"");
	}
	fl_buf_puts(b, "></script>\n");
}

static const char render_script[] =
	"<script>\n"
	"moment.locale(\"en\");\n"
	"function flask_moment_render(elem) {\n"
	"    const timestamp = moment(elem.dataset.timestamp);\n"
	"    const func = elem.dataset.function;\n"
	"    const format = elem.dataset.format;\n"
	"    const timestamp2 = elem.dataset.timestamp2;\n"
	"    const no_suffix = elem.dataset.nosuffix;\n"
	"    const units = elem.dataset.units;\n"
	"    let args = [];\n"
	"    if (format)\n"
	"        args.push(format);\n"
	"    if (timestamp2)\n"
	"        args.push(moment(timestamp2));\n"
	"    if (no_suffix)\n"
	"        args.push(no_suffix);\n"
	"    if (units)\n"
	"        args.push(units);\n"
	"    elem.textContent = timestamp[func].apply(timestamp, args);\n"
	"    elem.classList.remove('flask-moment');\n"
	"    elem.style.display = \"\";\n"
	"}\n"
	"function flask_moment_render_all() {\n"
	"    const moments = document.querySelectorAll('.flask-moment');\n"
	"    moments.forEach(function(moment) {\n"
	"        flask_moment_render(moment);\n"
	"        const refresh = moment.dataset.refresh;\n"
	"        if (refresh && refresh > 0) {\n"
	"            (function(elem, interval) {\n"
	"                setInterval(function() {\n"
	"                    flask_moment_render(elem);\n"
	"                }, interval);\n"
	"            })(moment, refresh);\n"
	"        }\n"
	"    })\n"
	"}\n"
	"document.addEventListener(\"DOMContentLoaded\", flask_moment_render_all);\n"
	"</script>";

/* moment.include_moment(version, local_js=None, no_js=None, sri=None, with_locales=True) */
static json_t *include_moment(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	static const char *const names[] = { "version", "local_js", "no_js", "sri",
		"with_locales" };
	json_t *v[5];
	if (fl_tpl_bind_args("include_moment", args, kwargs, names, 5, 0, v, err))
		return NULL;
	fl_buf b;
	fl_buf_init(&b, a);
	if (!fl_tpl_arg_truth(v[2], 0)) {
		if (v[1] && !json_is_null(v[1]))
			script_tag(&b, json_is_string(v[1]) ? json_string_value(v[1]) : "", v[3]);
		else
			script_tag(&b, fl_tpl_arg_truth(v[4], 1) ? MOMENT_JS_DIR "moment-with-locales.min.js"
				: MOMENT_JS_DIR "moment.min.js", v[3]);
	}
	fl_buf_puts(&b, render_script);
	return fl_markup(fl_buf_cstr(&b));
}

/* moment.include_jquery(version, local_js=None, sri=None) */
static json_t *include_jquery(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	static const char *const names[] = { "version", "local_js", "sri" };
	json_t *v[3];
	if (fl_tpl_bind_args("include_jquery", args, kwargs, names, 3, 0, v, err))
		return NULL;
	fl_buf b;
	fl_buf_init(&b, a);
	script_tag(&b, json_is_string(v[1]) ? json_string_value(v[1]) : JQUERY_JS, v[2]);
	return fl_markup(fl_buf_cstr(&b));
}

/* A language tag for a JavaScript string: letters, digits, '-' and '_'. */
static const char *language(json_t *v, fl_tpl_error *err)
{
	const char *s = v ? json_string_value(v) : "en";
	size_t n = s ? strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
		: 0;
	if (!s || !*s || s[n]) {
		snprintf(err->message, sizeof err->message,
			"moment.locale(): the language must be a tag such as 'en' or 'pt-br'");
		return NULL;
	}
	return s;
}

/* json_dump_callback's writer: into an fl_buf, "<" as \u003c. */
static int put_json(const char *s, size_t n, void *ud)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			fl_buf_puts(ud, "\\u003c");
		else
			fl_buf_putc(ud, s[i]);
	}
	return 0;
}

static json_t *locale_script(fl_arena *a, const char *lang, int auto_detect, json_t *custom)
{
	if (auto_detect)
		return fl_markup("<script>\nvar locale = window.navigator.userLanguage || "
			"window.navigator.language;\nmoment.locale(locale);\n</script>");
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_printf(&b, "<script>\nmoment.locale(\"%s\"", lang);
	if (custom && fl_tpl_arg_truth(custom, 0)) {
		/* json.dumps(customization): ", " and ": ", ASCII; "</" cannot
		 * end the script early. */
		fl_buf_puts(&b, ", ");
		json_dump_callback(custom, put_json, &b, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	}
	fl_buf_puts(&b, ");\n</script>");
	return fl_markup(fl_buf_cstr(&b));
}

/* moment.locale(language='en', auto_detect=False, customization=None) */
static json_t *locale(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	static const char *const names[] = { "language", "auto_detect", "customization" };
	json_t *v[3];
	if (fl_tpl_bind_args("locale", args, kwargs, names, 3, 0, v, err))
		return NULL;
	int auto_detect = fl_tpl_arg_truth(v[1], 0);
	const char *lang = auto_detect ? "" : language(v[0], err);
	return lang ? locale_script(a, lang, auto_detect, v[2]) : NULL;
}

/* moment.lang(language) */
static json_t *lang(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	static const char *const names[] = { "language" };
	json_t *v[1];
	if (fl_tpl_bind_args("lang", args, kwargs, names, 1, 1, v, err))
		return NULL;
	const char *l = language(v[0], err);
	return l ? locale_script(a, l, 0, NULL) : NULL;
}

void fl_moment_init_templates(fl_tpl_env *env)
{
	fl_arena *prev = fl_json_set_arena(NULL);
	json_t *attrs = json_object();
	json_object_set_new(attrs, "include_moment", fl_tpl_callable(NULL, include_moment, NULL));
	json_object_set_new(attrs, "include_jquery", fl_tpl_callable(NULL, include_jquery, NULL));
	json_object_set_new(attrs, "locale", fl_tpl_callable(NULL, locale, NULL));
	json_object_set_new(attrs, "lang", fl_tpl_callable(NULL, lang, NULL));
	json_t *moment = fl_tpl_callable(attrs, moment_new, NULL);
	fl_tpl_env_add_global(env, "moment", moment);
	json_decref(moment);
	json_decref(attrs);
	fl_json_set_arena(prev);
}

const fl_extension fl_moment = { "moment", fl_moment_init_templates };
