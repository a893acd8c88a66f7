/* extension.h — a Flask extension that adds to the templates (Flask's
 * `bootstrap = Bootstrap(app)`, `moment = Moment(app)`): an object the
 * application lists in fl_application.extensions, whose init runs once per
 * process at start-up on the application's template environment.
 *
 *     static const fl_extension *const blog_extensions[] = {
 *         &fl_bootstrap, &fl_moment, NULL };          (web/bootstrap.h, web/moment.h)
 *     const fl_application blog_app = { ..., .extensions = blog_extensions };
 *
 * Order at start-up: the template environment is made with the
 * application's template folder; each extension's init runs (in the
 * list's order), then the framework's globals (url_for, csrf_token, ...)
 * and the application's own filters, tests and globals are added — so a
 * global of the application replaces an extension's of the same name,
 * and a template file of the application replaces an extension's embedded
 * template of the same name (fl_tpl_env_add_source comes after every
 * folder).  Then every template is compiled.  An extension that is not
 * listed costs nothing: its globals and templates do not exist.
 */
#ifndef FL_EXTENSION_H
#define FL_EXTENSION_H

#include "template/template.h"

/* A Flask extension of the templates. */
typedef struct fl_extension {
	/* Its name, Flask's app.extensions key ("bootstrap", "moment"). */
	const char *name;
	/* Register the extension's globals, filters and embedded templates
	 * on `env` (fl_tpl_env_add_function, _add_global, _add_source).  Runs
	 * before any template is compiled; also callable on any env, e.g. a
	 * test's or `./manage render`'s. */
	void (*init_templates)(fl_tpl_env *env);
} fl_extension;

#endif
