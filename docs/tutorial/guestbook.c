/* guestbook — the blueprint of docs/tutorial.md: a model, a form with
 * validators, two routes, a template extending base.html, a migration, a
 * flash and a test.  The Flask original it ports:
 *
 *     class Entry(db.Model):
 *         __tablename__ = 'guestbook_entries'
 *         id = db.Column(db.Integer, primary_key=True)
 *         name = db.Column(db.String(64), nullable=False)
 *         message = db.Column(db.String(500), nullable=False)
 *         created_at = db.Column(db.DateTime, nullable=False,
 *                                server_default=db.func.current_timestamp())
 *
 *     class EntryForm(FlaskForm):
 *         name = StringField('Your name', validators=[DataRequired(), Length(1, 64)])
 *         message = TextAreaField('Message', validators=[DataRequired(), Length(1, 500)])
 *         submit = SubmitField('Sign')
 *
 *     @guestbook.route('/', methods=['GET', 'POST'])
 *     def index(): ...
 *
 *     @guestbook.route('/entries/<int:id>')
 *     def entry(id): ...
 */
#include "flagon.h"

/* ---- the model ---- */

static const fl_column entry_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_NOT_NULL),
	FL_COLUMN_STRING("message", 500, FL_NOT_NULL),
	FL_COLUMN_DATETIME("created_at", FL_NOT_NULL, FL_SERVER_DEFAULT("CURRENT_TIMESTAMP")),
	FL_COLUMN_END,
};

static const fl_model Entry = {
	.name = "Entry", .tablename = "guestbook_entries", .columns = entry_columns,
};

static const fl_model *const guestbook_models[] = { &Entry, NULL };

/* ---- the form ---- */

static const fl_validator name_validators[] = {
	FL_DATA_REQUIRED(NULL),
	FL_LENGTH(1, 64, NULL),
	FL_VALIDATORS_END,
};

static const fl_validator message_validators[] = {
	FL_DATA_REQUIRED(NULL),
	FL_LENGTH(1, 500, NULL),
	FL_VALIDATORS_END,
};

static const fl_field_def entry_form_fields[] = {
	FL_STRING_FIELD("name", "Your name", name_validators),
	FL_TEXTAREA_FIELD("message", "Message", message_validators),
	FL_SUBMIT_FIELD("submit", "Sign"),
	FL_FIELDS_END,
};

static const fl_form_def EntryForm = { "EntryForm", entry_form_fields };

/* ---- the views ---- */

static int index_view(fl_ctx *c)
{
	fl_db *db = fl_get_db(c);
	fl_form *form = fl_new_form(c, &EntryForm);
	if (fl_validate_on_submit(c, form)) {
		json_t *entry = json_pack("{s:s, s:s}",
			"name", fl_form_data(form, "name"),
			"message", fl_form_data(form, "message"));
		fl_err e = fl_db_add(db, &Entry, entry);
		if (!e)
			e = fl_db_commit(db);
		if (e)
			return fl_abort_db(c, e);
		fl_flash(c, "Thanks for signing the guestbook!", "success");
		return fl_redirect(c, fl_url_for(c, ".index", NULL), 303);
	}
	fl_query *q = fl_query_new(db, c->arena, &Entry);
	json_t *entries = NULL;
	fl_err e = fl_query_all(fl_query_order_by(q, "id", true), &entries);
	if (e)
		return fl_abort_db(c, e);
	return fl_render(c, 0, "guestbook/index.html", json_pack("{s:o, s:o}",
		"form", fl_make_form_context(c, form),
		"entries", entries));
}

static int entry_view(fl_ctx *c)
{
	json_t *entry;
	int s = fl_get_or_404(c, &Entry, fl_get_view_arg_int(c, "id"), &entry);
	if (s)
		return s;
	return fl_render(c, 0, "guestbook/entry.html", json_pack("{s:O}", "entry", entry));
}

/* ---- the blueprint ---- */

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET | FL_M_POST, index_view, 0 },
	{ "/entries/<int:id>", "entry", FL_M_GET, entry_view, 0 },
	FL_ROUTES_END,
};

static const fl_blueprint guestbook_blueprint = {
	.name = "guestbook", .routes = routes, .models = guestbook_models,
};

int main(void)
{
	return fl_run(&guestbook_blueprint);
}
