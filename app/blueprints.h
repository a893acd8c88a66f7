/* blueprints.h — Flasky's blueprints (Flask's app.register_blueprint in
 * create_app): each is defined by its program's source, cgi-bin/<name>.c,
 * as a global `<name>_blueprint`, and listed in flasky_blueprints
 * (blueprints.c), which flasky_app names.  So every program of Flasky —
 * and ./manage — knows every endpoint: url_for("session.login") works
 * from main, and `manage routes` prints the whole map.  The Makefile links
 * every blueprint into every program (its fl_application function). */
#ifndef APP_BLUEPRINTS_H
#define APP_BLUEPRINTS_H

#include "web/app.h"

/* The blueprints, one per program under cgi-bin/. */
extern const fl_blueprint main_blueprint;
extern const fl_blueprint session_blueprint;
extern const fl_blueprint model_blueprint;
extern const fl_blueprint relations_blueprint;
extern const fl_blueprint cookies_blueprint;
extern const fl_blueprint animals_blueprint;
extern const fl_blueprint api_blueprint;

/* Every blueprint of Flasky, NULL-terminated (fl_application.blueprints). */
extern const fl_blueprint *const flasky_blueprints[];

#endif
