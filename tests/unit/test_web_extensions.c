/* test_web_extensions.c — Flask-Bootstrap (web/bootstrap.h) and
 * Flask-Moment (web/moment.h) on a bare template environment: the moment
 * global's markup and its errors, bootstrap_find_resource,
 * bootstrap_is_hidden_field, the embedded bootstrap/ templates and an
 * application's own file replacing one.  The pages of the Flask book are
 * compared with Flask itself by tests/integration/test_flask_book.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tpl_fixture.h"
#include "web/bootstrap.h"
#include "web/moment.h"

static char tdir[64];       /* an empty template folder */
static char odir[64];       /* one with its own bootstrap/base.html */

/* The env on `dir`, with both extensions' templates and globals. */
static int setup_in(void **state, const char *dir)
{
	tpl_fixture_setup_in(state, dir);
	fl_bootstrap.init_templates(tpl.env);
	fl_moment.init_templates(tpl.env);
	return 0;
}

static int setup(void **state) { return setup_in(state, tdir); }
static int setup_override(void **state) { return setup_in(state, odir); }

/* Render src with a timestamp `t` and two form-field-like dicts. */
static const char *render(const char *src, fl_tpl_error *err)
{
	json_t *ctx = json_pack("{s:s, s:{s:s}, s:{s:s}}", "t", "2026-12-06 04:05:07.123456",
		"hidden", "type", "HiddenField", "text", "type", "StringField");
	return tpl_render(src, ctx, err);
}

static void expect(const char *src, const char *want)
{
	fl_tpl_error err;
	tpl_check_output(src, render(src, &err), &err, want);
}

static void expect_error(const char *src, const char *msg)
{
	fl_tpl_error err;
	tpl_check_error(src, render(src, &err), &err, 1, 0, msg);
}

#define SPAN(ts, data) "<span class=\"flask-moment\" data-timestamp=\"" ts "\" " data \
	" style=\"display: none\">" ts "</span>"

static void test_moment_methods(void **state)
{
	expect("{{ moment(t).format('LLL') }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"format\" data-format=\"LLL\" data-refresh=\"0\""));
	expect("{{ moment(t).format() }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"format\" data-refresh=\"0\""));
	expect("{{ moment(t).fromNow(refresh=True) }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"fromNow\" data-refresh=\"60000\""));
	expect("{{ moment(t).fromNow(True, 5) }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"fromNow\" data-nosuffix=\"1\" data-refresh=\"300000\""));
	expect("{{ moment(t).toNow() }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"toNow\" data-refresh=\"0\""));
	expect("{{ moment('2026-12-06T04:05:07Z').calendar() }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"calendar\" data-refresh=\"0\""));
	expect("{{ moment('2026-12-06').valueOf() }}{{ moment(t, local=True).unix() }}",
		SPAN("2026-12-06T00:00:00Z", "data-function=\"valueOf\" data-refresh=\"0\"")
		SPAN("2026-12-06T04:05:07", "data-function=\"unix\" data-refresh=\"0\""));
	expect("{{ moment(t).fromTime('2027-01-01 00:00:00') }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"from\" data-timestamp2=\"2027-01-01T00:00:00Z\" data-refresh=\"0\""));
	expect("{{ moment(t).toTime(timestamp='2027-01-01T00:00:00+00:00', no_suffix=1) }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"to\" data-timestamp2=\"2027-01-01T00:00:00Z\" data-nosuffix=\"1\" data-refresh=\"0\""));
	expect("{{ moment(t).diff('2027-01-01 00:00:00', 'days') }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"diff\" data-timestamp2=\"2027-01-01T00:00:00Z\" data-units=\"days\" data-refresh=\"0\""));
	/* the format is escaped in its attribute */
	expect("{{ moment(t).format('\"<x>') }}",
		SPAN("2026-12-06T04:05:07Z", "data-function=\"format\" data-format=\"&#34;&lt;x&gt;\" data-refresh=\"0\""));
	/* no timestamp: now */
	fl_tpl_error err;
	const char *now = render("{{ moment().format('L') }}", &err);
	assert_non_null(now);
	char want[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(want, sizeof want, "data-timestamp=\"%Y-%m-%dT", &tm);
	assert_non_null(strstr(now, want));
}

static void test_moment_errors(void **state)
{
	expect_error("{{ moment('yesterday').format() }}", "moment(): the timestamp");
	expect_error("{{ moment(42) }}", "moment(): the timestamp");
	expect_error("{{ moment('2026-12-06 04:05') }}", "moment(): the timestamp");
	expect_error("{{ moment(t).format('L', when=1) }}", "unexpected keyword argument 'when'");
	expect_error("{{ moment(t).fromTime() }}", "missing required argument 'timestamp'");
	expect_error("{{ moment(t).diff(t) }}", "missing required argument 'units'");
	expect_error("{{ moment(t).calendar(1, 2) }}", "takes 1 positional arguments but 2");
	expect_error("{{ moment(t).format('L', refresh='x') }}", "refresh");
	expect_error("{{ moment.locale('en\");alert(1);//') }}", "language");
}

static void test_moment_scripts(void **state)
{
	fl_tpl_error err;
	const char *s = render("{{ moment.include_moment() }}", &err);
	assert_non_null(s);
	assert_true(strncmp(s, "<script src=\"/static/vendor/moment/moment-with-locales.min.js\">"
		"</script>\n<script>\nmoment.locale(\"en\");\nfunction flask_moment_render(elem) {", 118) == 0);
	assert_non_null(strstr(s, "document.addEventListener(\"DOMContentLoaded\", flask_moment_render_all);\n</script>"));
	s = render("{{ moment.include_moment(with_locales=False, sri='sha-1') }}", &err);
	assert_true(strncmp(s, "<script src=\"/static/vendor/moment/moment.min.js\" integrity=\"sha-1\" "
		"crossorigin=\"anonymous\"></script>\n<script>", 101) == 0);
	s = render("{{ moment.include_moment('2.29.1', local_js='/m.js') }}", &err);
	assert_true(strncmp(s, "<script src=\"/m.js\"></script>\n<script>", 37) == 0);
	s = render("{{ moment.include_moment(no_js=True) }}", &err);
	assert_true(strncmp(s, "<script>\nmoment.locale", 22) == 0);
	expect("{{ moment.include_jquery() }}",
		"<script src=\"/static/vendor/jquery/jquery.min.js\"></script>\n");
	expect("{{ moment.locale('pt-br') }}|{{ moment.lang('de') }}",
		"<script>\nmoment.locale(\"pt-br\");\n</script>|<script>\nmoment.locale(\"de\");\n</script>");
	expect("{{ moment.locale(auto_detect=True) }}",
		"<script>\nvar locale = window.navigator.userLanguage || window.navigator.language;\n"
		"moment.locale(locale);\n</script>");
	expect("{{ moment.locale('fr', customization={'week': {'dow': 1}}) }}",
		"<script>\nmoment.locale(\"fr\", {\"week\": {\"dow\": 1}});\n</script>");
}

static void test_bootstrap_globals(void **state)
{
	expect("{{ bootstrap_find_resource('css/bootstrap.css', cdn='bootstrap') }}",
		"/static/vendor/bootstrap3/css/bootstrap.min.css?bootstrap=3.4.1");
	expect("{{ bootstrap_find_resource('jquery.js', 'jquery', False) }}",
		"/static/vendor/jquery/jquery.js?bootstrap=3.4.1");
	expect("{{ bootstrap_find_resource('js/bootstrap.js', 'bootstrap', use_minified=None) }}",
		"/static/vendor/bootstrap3/js/bootstrap.min.js?bootstrap=3.4.1");
	expect_error("{{ bootstrap_find_resource('x.css', cdn='elsewhere') }}", "no cdn 'elsewhere'");
	expect_error("{{ bootstrap_find_resource('css') }}", "missing required argument 'cdn'");
	expect_error("{{ bootstrap_find_resource('noext', 'bootstrap') }}", "no extension");
	/* a form field's: tests/unit/test_form_face.c; data is never a field */
	expect("{{ bootstrap_is_hidden_field(hidden) }} {{ bootstrap_is_hidden_field(none) }}",
		"False False");
}

static void test_bootstrap_templates(void **state)
{
	expect("{% extends 'bootstrap/base.html' %}{% block title %}T{% endblock %}"
		"{% block html_attribs %} lang=\"en\"{% endblock %}{% block content %}C{% endblock %}"
		"{% block scripts %}S{% endblock %}",
		"<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>T</title>\n"
		"    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n"
		"    <!-- Bootstrap -->\n"
		"    <link href=\"/static/vendor/bootstrap3/css/bootstrap.min.css?bootstrap=3.4.1\" rel=\"stylesheet\">\n"
		"  </head>\n  <body>\n    \n    C\n\n    S\n  </body>\n</html>\n");
	expect("{% import 'bootstrap/utils.html' as u %}"
		"{{ u.flashed_messages([('error', 'E&'), ('x', 'y')], container=False, dismissible=True) }}",
		"\n\n      <div class=\"alert alert-danger alert-dismissible\" role=\"alert\">\n"
		"        <button type=\"button\" class=\"close\" data-dismiss=\"alert\">&times;</button>\n"
		"        E&amp;\n      </div>"
		"      <div class=\"alert alert-x alert-dismissible\" role=\"alert\">\n"
		"        <button type=\"button\" class=\"close\" data-dismiss=\"alert\">&times;</button>\n"
		"        y\n      </div>");
	/* Jinja 3.1.2's bytes */
	expect("{% import 'bootstrap/utils.html' as u %}{{ u.flashed_messages([('info', 'i')]) }}",
		"\n\n<!-- begin message block -->\n<div class=\"container flashed-messages\">\n"
		"  <div class=\"row\">\n    <div class=\"col-md-12\">\n"
		"      <div class=\"alert alert-info\" role=\"alert\">\n\n        i\n      </div>\n"
		"    </div>\n  </div>\n</div>\n<!-- end message block -->\n");
	expect("{% from 'bootstrap/utils.html' import form_button %}{{ form_button('/x', 'Go') }}",
		"<form style=\"display: inline;\" action='/x' method='post'><button class=\"btn-link\">Go</button></form>");
	/* icon(): xmlattr on the classes and on kwargs (Jinja 3.1.2's bytes) */
	expect("{% import 'bootstrap/utils.html' as u %}[{{ u.icon('star') }}]"
		"[{{ u.icon('user', ['big'], title='A <b>', id='x') }}]",
		"[<span class=\"glyphicon glyphicon-star\"></span>][<span class=\"glyphicon "
		"glyphicon-user big\" title=\"A &lt;b&gt;\" id=\"x\"></span>]");
}

static void test_application_file_wins(void **state)
{
	expect("{% extends 'bootstrap/base.html' %}{% block b %}x{% endblock %}", "mine: x");
	/* the other embedded templates are still there */
	expect("{% from 'bootstrap/utils.html' import form_button %}{{ form_button('/', 'a')|length > 0 }}",
		"True");
}

int main(void)
{
	snprintf(tdir, sizeof tdir, "/tmp/flagon-ext-%d", (int)getpid());
	snprintf(odir, sizeof odir, "/tmp/flagon-ext-o-%d", (int)getpid());
	char path[128];
	mkdir(tdir, 0700);
	mkdir(odir, 0700);
	snprintf(path, sizeof path, "%s/bootstrap", odir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/bootstrap/base.html", odir);
	FILE *fp = fopen(path, "w");
	fputs("mine: {% block b %}{% endblock %}\n", fp);
	fclose(fp);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_moment_methods, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_moment_errors, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_moment_scripts, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bootstrap_globals, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bootstrap_templates, setup, tpl_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_application_file_wins, setup_override, tpl_fixture_teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	snprintf(path, sizeof path, "%s/bootstrap", odir);
	rmdir(path);
	rmdir(odir);
	rmdir(tdir);
	return rc;
}
