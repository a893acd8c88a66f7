/* entries.c — the guestbook's blueprint: its model GuestbookEntry is
 * static here, known to the rest of the application only through
 * fl_blueprint.models (see guestbook.h). */
#include "../guestbook.h"

static const fl_column entry_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_INTEGER("visitor_id", FL_NOT_NULL, FL_FOREIGN_KEY("visitor.id")),
	FL_COLUMN_TEXT("body", FL_NOT_NULL),
	FL_COLUMN_END
};

/* Flask-SQLAlchemy's name for class GuestbookEntry: guestbook_entry. */
static const fl_model GuestbookEntry = { .name = "GuestbookEntry", .columns = entry_columns };

static const fl_model *const models[] = { &Visitor, &GuestbookEntry, NULL };

static int index_view(fl_ctx *c)
{
	return fl_text(c, 200, "text/plain", "guestbook\n");
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, index_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint entries_blueprint = {
	.name = "entries", .routes = routes, .app = &guestbook_app, .models = models,
};

int main(void)
{
	return fl_run(&entries_blueprint);
}
