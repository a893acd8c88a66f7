/* bootstrap.c — Flask-Bootstrap's templates and globals (bootstrap.h). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "http/http.h"
#include "web/bootstrap.h"
#include "web/forms.h"
#include "web/embedded_internal.h"

/* The version in the revving query, Flask-Bootstrap's
 * BOOTSTRAP_QUERYSTRING_REVVING: the Bootstrap that is served. */
#define BOOTSTRAP_REV "3.4.1"

/* bootstrap_find_resource(filename, cdn, use_minified=None, local=True) */
static json_t *find_resource(void *ud, fl_arena *a, json_t *args, json_t *kwargs,
	fl_tpl_error *err)
{
	static const char *const names[] = { "filename", "cdn", "use_minified", "local" };
	json_t *v[4];
	if (fl_tpl_bind_args("bootstrap_find_resource", args, kwargs, names, 4, 2, v, err))
		return NULL;
	if (!json_is_string(v[0]) || !json_is_string(v[1])) {
		snprintf(err->message, sizeof err->message,
			"bootstrap_find_resource(): filename and cdn must be strings");
		return NULL;
	}
	const char *cdn = json_string_value(v[1]), *dir;
	if (strcmp(cdn, "bootstrap") == 0)
		dir = "vendor/bootstrap3/";
	else if (strcmp(cdn, "jquery") == 0)
		dir = "vendor/jquery/";
	else {
		snprintf(err->message, sizeof err->message, "bootstrap_find_resource(): no cdn '%.100s'",
			cdn);
		return NULL;
	}
	const char *fn = json_string_value(v[0]);
	size_t n = json_string_length(v[0]);
	const char *dot = NULL;
	if (v[2] == NULL || json_is_null(v[2]) || fl_tpl_arg_truth(v[2], 1)) {
		/* '%s.min.%s' % tuple(filename.rsplit('.', 1)) */
		dot = memrchr(fn, '.', n);
		if (!dot) {
			snprintf(err->message, sizeof err->message,
				"bootstrap_find_resource(): '%.100s' has no extension to minify", fn);
			return NULL;
		}
	}
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, "/static/");
	fl_buf_puts(&b, dir);
	if (dot) {
		fl_url_quote_buf(&b, fn, (size_t)(dot - fn), FL_QUOTE_PATH);
		fl_buf_puts(&b, ".min.");
		fl_url_quote_buf(&b, dot + 1, n - (size_t)(dot + 1 - fn), FL_QUOTE_PATH);
	} else
		fl_url_quote_buf(&b, fn, n, FL_QUOTE_PATH);
	fl_buf_puts(&b, "?bootstrap=" BOOTSTRAP_REV);
	return json_string(fl_buf_cstr(&b));
}

void fl_bootstrap_init_templates(fl_tpl_env *env)
{
	for (const fl_embedded_file *t = fl_embedded_templates; t->name; t++)
		if (strncmp(t->name, "bootstrap/", 10) == 0)
			fl_tpl_env_add_source(env, t->name, t->source);
	fl_tpl_env_add_function(env, "bootstrap_find_resource", find_resource);
	/* web/forms.c's: it knows what a form field is */
	fl_tpl_env_add_function(env, "bootstrap_is_hidden_field", fl_form_is_hidden_field);
}

const fl_extension fl_bootstrap = { "bootstrap", fl_bootstrap_init_templates };
