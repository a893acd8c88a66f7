/* render_cli.h — `manage render TEMPLATE [--context JSON]`: try a template
 * from the shell with the application's own template environment, as a
 * Flask user does with `flask shell` and
 *
 *     with app.test_request_context('/'):
 *         print(render_template('x.html', **ctx), end='')
 *
 * A framework command: every application's manage can dispatch to it. */
#ifndef FL_RENDER_CLI_H
#define FL_RENDER_CLI_H

#include "base/config.h"
#include "web/application.h"

/* The usage text of `manage render` (what --help prints). */
extern const char fl_cli_render_usage[];

/* fl_cli_render — `manage render`: argv[0] is "render", then TEMPLATE and
 * options:
 *   TEMPLATE          a template file; "-" reads the template text from
 *                     standard input (named "<stdin>", autoescaped as
 *                     Flask's render_template_string is)
 *   --context JSON    the context: a JSON object, or @FILE to read one
 *                     from FILE ("--context=JSON" too)
 *   --help, -h        print the usage on stdout and return 0
 * A file inside the application's template folder (`root`/its
 * template_folder, default templates/) is rendered by its name there; any
 * other file by its base name, its own directory searched before the
 * template folder (so it can include, import and extend the application's
 * templates, and files beside it); a relative TEMPLATE that is no file
 * is looked up as a name under the template folder ("index.html").  The environment is the one the
 * application's programs build (fl_app_new_templates: url_for,
 * get_flashed_messages, csrf_token and the application's filters, tests,
 * globals), and the render runs inside a test request context like
 * Flask's app.test_request_context('/'): a GET of / of the application's
 * first blueprint (http://localhost/cgi-bin/<blueprint>/), an empty
 * session, an empty g, the configuration `cfg`; the application's
 * context processors run, no request hook does.  The database is not
 * opened (a context processor or filter that needs it fails), nothing is
 * written under var/.
 * The output goes to stdout byte for byte (no newline added).  Returns the
 * exit status: 0; 1 after "file:line:col: message" on stderr for a
 * template error, or "manage render: no such template: X"; 2 for a usage
 * error or a --context that is not a JSON object (the message names the
 * line, column and byte position of a JSON syntax error).  `app` is the
 * application (its blueprints, template folder, filters...), `cfg` its
 * loaded configuration (borrowed), `root` the project root. */
int fl_cli_render(const fl_application *app, const fl_config *cfg, const char *root, int argc,
	char **argv);

#endif
