/* bootstrap.h — Flask-Bootstrap 3 (3.3.7.1, the Flask book's): `bootstrap
 * = Bootstrap(app)` is listing &fl_bootstrap in fl_application.extensions
 * (web/extension.h).  It gives the application's templates:
 *
 *   bootstrap/base.html   Flask-Bootstrap's base template, its blocks and
 *                         their names as the original: doc, html_attribs,
 *                         html, head, title ({{title|default}}), metas (the
 *                         viewport meta), styles (Bootstrap's CSS), body_attribs,
 *                         body, navbar, content, scripts (jQuery, then
 *                         Bootstrap's JavaScript); `{% extends
 *                         "bootstrap/base.html" %}` and `{{ super() }}`.
 *   bootstrap/utils.html  the macros flashed_messages(messages=None,
 *                         container=True, transform={...}, default_category=None,
 *                         dismissible=False) and form_button(url, content,
 *                         method='post', class='btn-link').
 *   bootstrap/wtf.html    quick_form, form_field, form_errors (web/forms.h).
 *   bootstrap_find_resource(filename, cdn, use_minified=None, local=True)
 *                         the URL of a Bootstrap or jQuery file, served
 *                         locally (Flask-Bootstrap's BOOTSTRAP_SERVE_LOCAL):
 *                         the minified name ("css/bootstrap.css" →
 *                         "css/bootstrap.min.css") unless use_minified is
 *                         false, under /static/vendor/bootstrap3/ (cdn
 *                         'bootstrap') or /static/vendor/jquery/ (cdn
 *                         'jquery'), with Flask-Bootstrap's revving query
 *                         "?bootstrap=3.4.1"; another cdn is an error (the
 *                         KeyError of the original).
 *   bootstrap_is_hidden_field(field)
 *                         true for a form field (web/forms.h) whose .type is
 *                         HiddenField or CSRFTokenField (isinstance(field,
 *                         HiddenField) in Flask-Bootstrap): fl_form_is_hidden_field,
 *                         which every application's templates have anyway.
 *
 * The templates are files under lib/web/templates/bootstrap/, compiled
 * into the library (web/embedded_internal.h); an application's own
 * templates/bootstrap/base.html replaces the embedded one.  The files
 * they link are Bootstrap 3.4.1 and jQuery 1.12.4 from npm, copied under
 * htdocs/static/vendor/ by `make static` (no CDN): the web server serves
 * /static/ from htdocs/static/.
 *
 * Left out: Flask-Bootstrap's CDN mode and its nav/navbar (Flask-Nav)
 * integration.
 */
#ifndef FL_BOOTSTRAP_H
#define FL_BOOTSTRAP_H

#include "template/template.h"
#include "web/extension.h"

/* Flask-Bootstrap: its templates and globals (above). */
extern const fl_extension fl_bootstrap;

/* fl_bootstrap_init_templates — fl_bootstrap's init: add the embedded
 * bootstrap/ templates with fl_tpl_env_add_source and the globals
 * bootstrap_find_resource and bootstrap_is_hidden_field to `env`. */
void fl_bootstrap_init_templates(fl_tpl_env *env);

#endif
