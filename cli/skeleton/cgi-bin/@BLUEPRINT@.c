/* @BLUEPRINT@ — the @BLUEPRINT@ blueprint of @APP@, mounted at
 * /cgi-bin/@BLUEPRINT@/: a list of notes and a form to add one.  The Flask
 * original would read:
 *
 *     class NoteForm(FlaskForm):
 *         title = StringField('Title', validators=[DataRequired(), Length(1, 100)])
 *         body = TextAreaField('Body')
 *         submit = SubmitField('Add')
 *
 *     @bp.route('/', methods=['GET', 'POST'])
 *     def index():
 *         form = NoteForm()
 *         if form.validate_on_submit():
 *             db.session.add(Note(title=form.title.data, body=form.body.data))
 *             try:
 *                 db.session.commit()
 *             except IntegrityError:
 *                 db.session.rollback()
 *                 flash('There is a note with that title already.', 'error')
 *                 return render_template('index.html', form=form, notes=...)
 *             flash('Note added.')
 *             return redirect(url_for('.index'))
 *         notes = Note.query.order_by(Note.created.desc(), Note.id.desc()).all()
 *         return render_template('index.html', form=form, notes=notes)
 */
#include "@APP@.h"

/* ---- the form ---- */

static const fl_validator title_validators[] = {
	FL_DATA_REQUIRED(NULL),
	FL_LENGTH(1, 100, NULL),
	FL_VALIDATORS_END,
};

static const fl_field_def note_fields[] = {
	FL_STRING_FIELD("title", "Title", title_validators),
	FL_TEXTAREA_FIELD("body", "Body", NULL),
	FL_SUBMIT_FIELD("submit", "Add"),
	FL_FIELDS_END,
};

static const fl_form_def NoteForm = { "NoteForm", note_fields };

/* ---- views ---- */

/* The index page: the notes, newest first, and `form` (with its errors
 * after an invalid POST). */
static int show_index(fl_ctx *c, fl_form *form)
{
	json_t *notes;
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, &Note);
	fl_query_order_by(q, "created", true);
	fl_query_order_by(q, "id", true);
	fl_err e = fl_query_all(q, &notes);
	if (e)
		return fl_abort_db(c, e);
	return fl_render(c, 0, "index.html", json_pack("{s:o, s:o}",
		"form", fl_make_form_context(c, form), "notes", notes));
}

static int index_view(fl_ctx *c)
{
	fl_form *form = fl_new_form(c, &NoteForm);
	if (!fl_validate_on_submit(c, form))
		return show_index(c, form);
	fl_db *db = fl_get_db(c);
	json_t *note = json_pack("{s:s, s:s}",
		"title", fl_form_data(form, "title"), "body", fl_form_data(form, "body"));
	fl_err e = fl_db_add(db, &Note, note);
	if (!e)
		e = fl_db_commit(db);
	if (e == FL_EEXISTS) {          /* the title is unique: say so, keep the form */
		fl_db_rollback(db);
		fl_flash(c, "There is a note with that title already.", "error");
		return show_index(c, form);
	}
	if (e)
		return fl_abort_db(c, e);
	fl_flash(c, "Note added.", "message");
	return fl_redirect(c, fl_url_for(c, ".index", NULL), 303);
}

/* ---- the blueprint ---- */

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET | FL_M_POST, index_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint @BLUEPRINT@_blueprint = {
	.name = "@BLUEPRINT@", .routes = routes, .app = &@APP@_app,
};

int main(void)
{
	return fl_run(&@BLUEPRINT@_blueprint);
}
