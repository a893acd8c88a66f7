/* @APP@.c — the application (Flask's create_app): its models and
 * blueprints.  Add a blueprint: write cgi-bin/NAME.c defining
 * NAME_blueprint (.app = &@APP@_app), declare it in @APP@.h and list it
 * below; `make` builds cgi-bin/NAME, served at /cgi-bin/NAME/.
 * Add a column: change the model, then `./manage db migrate -m "why"`
 * and `./manage db upgrade`. */
#include "@APP@.h"

static const fl_column note_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 100, FL_NOT_NULL, FL_UNIQUE),
	FL_COLUMN_TEXT("body"),
	FL_COLUMN_DATETIME("created", FL_NOT_NULL, FL_SERVER_DEFAULT("CURRENT_TIMESTAMP")),
	FL_COLUMN_END,
};

const fl_model Note = { .name = "Note", .columns = note_columns };

static const fl_model *const models[] = { &Note, NULL };

static const fl_blueprint *const blueprints[] = { &@BLUEPRINT@_blueprint, NULL };

const fl_application @APP@_app = {
	.name = "@APP@",
	.models = models,
	.blueprints = blueprints,
};
