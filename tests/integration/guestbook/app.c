/* app.c — the guestbook test application (see guestbook.h). */
#include "guestbook.h"

static const fl_column visitor_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_NOT_NULL, FL_UNIQUE),
	FL_COLUMN_END
};

const fl_model Visitor = { .name = "Visitor", .columns = visitor_columns };

static const fl_model *const models[] = { &Visitor, NULL };
static const fl_blueprint *const blueprints[] = { &entries_blueprint, NULL };

const fl_application guestbook_app = {
	.name = "guestbook",
	.models = models,
	.blueprints = blueprints,
};
