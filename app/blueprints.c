/* blueprints.c — the list of Flasky's blueprints (see blueprints.h). */
#include "app/blueprints.h"

const fl_blueprint *const flasky_blueprints[] = {
	&main_blueprint,
	&session_blueprint,
	&model_blueprint,
	&relations_blueprint,
	&cookies_blueprint,
	&animals_blueprint,
	&api_blueprint,
	NULL,
};
