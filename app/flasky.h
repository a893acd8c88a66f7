/* flasky.h — the Flasky application, declared for the framework: every
 * blueprint under cgi-bin/ points to it (`.app = &flasky_app`), and
 * `./manage` takes its configuration keys, models and demo data from it.
 *
 *   app/config.[ch]  FLASKY_ADMIN, FLASKY_MAIL_SUBJECT_PREFIX, FLASKY_MAIL_SENDER
 *   app/models.[ch]  Role, User, Ident, Article, Student, Course, ..., Dog, Cat
 *   app/email.[ch]   send_email(to, subject, template, context)
 *   app/seed.[ch]    the demo data of `./manage seed`
 *   app/auth.[ch]    the JSON API's user lookup (flask-jwt-extended's user_lookup_loader)
 *   app/blueprints.[ch] the list of its blueprints (cgi-bin/<name>.c each define one)
 *   app/commands.[ch] its own ./manage commands (deploy)
 *   app/templating.[ch]  the datetimeformat filter, the app_name/current_time context processor
 */
#ifndef APP_FLASKY_H
#define APP_FLASKY_H

#include "web/application.h"

/* The application: name "flasky", flasky_config_keys and
 * flasky_init_config, flasky_models, flasky_seed, flasky_blueprints,
 * flasky_commands, flasky_template_filters, flasky_context_processors. */
extern const fl_application flasky_app;

#endif
