/* relations — one-to-one, one-to-many and many-to-many relationships over
 * the Flasky models (app/models.c): roles and their users, a user's ident
 * and articles, students and the courses they take.  The Flask original:
 *
 *     @relations.route('/users/<int:id>')
 *     def user(id):
 *         user = User.query.get_or_404(id)
 *         articles = user.articles.filter_by(isdelete=False) \
 *                                 .order_by(-Article.rdatetime).all()
 *         return render_template('relations/user.html', user=user, articles=articles)
 *
 *     @relations.route('/students/<int:sid>/courses', methods=['POST'])
 *     def enroll(sid):
 *         student = Student.query.get_or_404(sid)
 *         course = Course.query.get_or_404(form.cou_id.data)
 *         if course not in student.courses:
 *             student.courses.append(course)
 *             db.session.commit()
 *         return redirect(url_for('.student', id=sid))
 *
 * Every page loads its relationships with the query (fl_query_load), one
 * statement per relationship whatever the number of rows.
 */
#include <string.h>
#include <strings.h>

#include "flagon.h"
#include "app/blueprints.h"
#include "app/flasky.h"
#include "app/models.h"

/* ---- forms ---- */

/* class EnrollForm(FlaskForm):
 *     cou_id = SelectField('Course', coerce=int)   # choices set per student
 *     submit = SubmitField('Enroll') */
static const fl_field_def enroll_form_fields[] = {
	FL_SELECT_FIELD("cou_id", "Course", NULL, FL_COERCE_INT, NULL),
	FL_SUBMIT_FIELD("submit", "Enroll"),
	FL_FIELDS_END,
};

static const fl_form_def EnrollForm = { "EnrollForm", enroll_form_fields };

/* ---- helpers ---- */

static json_t *id_value(long long id)
{
	return json_pack("{s:I}", "id", (json_int_t)id);
}

static long long row_id(json_t *row, const char *column)
{
	return (long long)json_integer_value(json_object_get(row, column));
}


/* ---- views ---- */

/* count_users_by_role — set role.user_count on every role from
 *     db.session.query(User.role_id, func.count()).group_by(User.role_id)
 * (one statement for all roles). */
static fl_err count_users_by_role(fl_ctx *c, json_t *roles)
{
	json_t *counts;
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, &User);
	fl_err e = fl_query_all(fl_query_group_by(q, "role_id"), &counts);
	if (e)
		return e;
	size_t i, k;
	json_t *role, *count;
	json_array_foreach(roles, i, role) {
		json_int_t n = 0;
		json_array_foreach(counts, k, count)
			if (json_equal(json_object_get(count, "role_id"), json_object_get(role, "id")))
				n = json_integer_value(json_object_get(count, "count"));
		json_object_set_new(role, "user_count", json_integer(n));
	}
	return FL_OK;
}

/* all_by_id — Model.query.order_by(Model.id).all() */
static fl_err all_by_id(fl_ctx *c, const fl_model *m, json_t **rows)
{
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, m);
	return fl_query_all(fl_query_order_by(q, "id", false), rows);
}

static int index_view(fl_ctx *c)
{
	json_t *roles, *students, *courses;
	fl_err e = all_by_id(c, &Role, &roles);
	if (!e)
		e = count_users_by_role(c, roles);
	if (!e)
		e = all_by_id(c, &Student, &students);
	if (!e)
		e = all_by_id(c, &Course, &courses);
	if (e)
		return fl_abort_db(c, e);
	return fl_render(c, 0, "relations/overview.html", json_pack("{s:O, s:O, s:O}",
		"roles", roles, "students", students, "courses", courses));
}

/* get_with_or_404 — Model.query.options(selectinload(rel)).get_or_404(id) */
static int get_with_or_404(fl_ctx *c, const fl_model *m, long long id, const char *rel,
	json_t **row)
{
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, m);
	fl_query_filter_by(q, "id", json_integer(id));
	fl_query_load(q, rel);
	return fl_first_or_404(c, q, row);
}

static int role_view(fl_ctx *c)
{
	json_t *role;
	int s = get_with_or_404(c, &Role, fl_get_view_arg_int(c, "id"), "users", &role);
	if (s)
		return s;
	return fl_render(c, 0, "relations/role.html", json_pack("{s:O}", "role", role));
}

static int user_view(fl_ctx *c)
{
	fl_db *db = fl_get_db(c);
	json_t *user, *articles;
	fl_query *q = fl_query_new(db, c->arena, &User);
	fl_query_filter_by(q, "id", json_integer(fl_get_view_arg_int(c, "id")));
	fl_query_load(q, "role");
	fl_query_load(q, "ident");
	int s = fl_first_or_404(c, q, &user);
	if (s)
		return s;
	/* user.articles.filter_by(isdelete=False): the relationship's
	 * order_by(-rdatetime) puts the newest first; article.user is the
	 * backref, loaded for every article in one statement. */
	fl_query *aq = fl_query_related(db, c->arena, &User, user, "articles");
	fl_query_filter_by(aq, "isdelete", json_false());
	fl_query_load(aq, "user");
	fl_err e = fl_query_all(aq, &articles);
	if (e)
		return fl_abort_db(c, e);
	return fl_render(c, 0, "relations/user.html", json_pack("{s:O, s:O}",
		"user", user, "articles", articles));
}

static int student_view(fl_ctx *c)
{
	json_t *student, *courses;
	int s = get_with_or_404(c, &Student, fl_get_view_arg_int(c, "id"), "courses", &student);
	if (s)
		return s;
	fl_err e = all_by_id(c, &Course, &courses);
	if (e)
		return fl_abort_db(c, e);

	/* form.cou_id.choices = [(c.id, c.cname) for c in courses
	 *                        if c not in student.courses] */
	json_t *taken = json_object_get(student, "courses");
	fl_choice *choices = fl_arena_calloc(c->arena, json_array_size(courses) + 1,
		sizeof *choices);
	size_t n = 0, i, k;
	json_t *course, *t;
	json_array_foreach(courses, i, course) {
		int enrolled = 0;
		json_array_foreach(taken, k, t)
			enrolled |= row_id(t, "id") == row_id(course, "id");
		if (enrolled)
			continue;
		choices[n].value = fl_arena_printf(c->arena, "%lld", row_id(course, "id"));
		choices[n].label = json_string_value(json_object_get(course, "cname"));
		n++;
	}
	fl_form *form = fl_new_form(c, &EnrollForm);
	fl_form_set_choices(form, "cou_id", choices, n);
	return fl_render(c, 0, "relations/student.html", json_pack("{s:O, s:o, s:b}",
		"student", student, "form", fl_make_form_context(c, form), "can_enroll", n > 0));
}

static int course_view(fl_ctx *c)
{
	json_t *course;
	int s = get_with_or_404(c, &Course, fl_get_view_arg_int(c, "id"), "students", &course);
	if (s)
		return s;
	return fl_render(c, 0, "relations/course.html", json_pack("{s:O}", "course", course));
}

/* The student and course a link route names must both exist (404
 * otherwise). */
static int student_and_course_or_404(fl_ctx *c, long long sid, long long cid,
	json_t **student, json_t **course)
{
	int s = fl_get_or_404(c, &Student, sid, student);
	return s ? s : fl_get_or_404(c, &Course, cid, course);
}

static const char *cname_of(json_t *course)
{
	return json_string_value(json_object_get(course, "cname"));
}

/* Flash `fmt` (with the course name) and go back to the student's page. */
static int back_to_student(fl_ctx *c, long long sid, const char *category, const char *fmt,
	const char *cname)
{
	fl_flash(c, fl_arena_printf(c->arena, fmt, cname), category);
	return fl_redirect(c, fl_url_for(c, ".student", id_value(sid)), 303);
}

static int enroll_view(fl_ctx *c)
{
	fl_db *db = fl_get_db(c);
	long long sid = fl_get_view_arg_int(c, "sid"), cid;
	json_t *student, *course;
	bool enrolled = false;
	fl_form *form = fl_new_form(c, &EnrollForm);
	if (fl_form_data_int(form, "cou_id", &cid))
		return fl_abort(c, 400, "cou_id must be a course id.");
	int s = student_and_course_or_404(c, sid, cid, &student, &course);
	if (s)
		return s;

	/* if course not in student.courses: student.courses.append(course) */
	fl_err e = fl_relationship_contains(db, &Student, student, "courses", course, &enrolled);
	if (!e && !enrolled) {
		e = fl_relationship_append(db, &Student, student, "courses", course);
		if (!e)
			e = fl_db_commit(db);
		if (e == FL_EEXISTS) {
			/* Another request enrolled the same pair first: that is the
			 * state we wanted. */
			fl_db_rollback(db);
			enrolled = true;
			e = FL_OK;
		}
	}
	if (e)
		return fl_abort_db(c, e);
	if (enrolled)
		return back_to_student(c, sid, "info", "Already enrolled in %s.", cname_of(course));
	return back_to_student(c, sid, "success", "Enrolled in %s.", cname_of(course));
}

static int drop_course_view(fl_ctx *c)
{
	fl_db *db = fl_get_db(c);
	long long sid = fl_get_view_arg_int(c, "sid"), cid = fl_get_view_arg_int(c, "cid");
	json_t *student, *course;
	int s = student_and_course_or_404(c, sid, cid, &student, &course);
	if (s)
		return s;

	/* student.courses.remove(course): only the association row goes;
	 * not enrolled is Python's ValueError, FL_ENOTFOUND here. */
	fl_err e = fl_relationship_remove(db, &Student, student, "courses", course);
	if (!e)
		e = fl_db_commit(db);
	if (e == FL_ENOTFOUND)
		return back_to_student(c, sid, "info", "Not enrolled in %s.", cname_of(course));
	if (e)
		return fl_abort_db(c, e);
	return back_to_student(c, sid, "success", "Dropped %s.", cname_of(course));
}

static int delete_article_view(fl_ctx *c)
{
	fl_db *db = fl_get_db(c);
	json_t *article;
	int s = fl_get_or_404(c, &Article, fl_get_view_arg_int(c, "id"), &article);
	if (s)
		return s;
	/* article.isdelete = True: a logical delete, the row stays. */
	json_object_set_new(article, "isdelete", json_true());
	fl_err e = fl_db_update(db, &Article, article);
	if (!e)
		e = fl_db_commit(db);
	if (e)
		return fl_abort_db(c, e);
	fl_flash(c, "The article has been deleted.", "success");
	const char *back = fl_get_header(c, "Referer");
	if (!fl_is_safe_url(c, back))
		back = fl_url_for(c, ".user", id_value(row_id(article, "user_id")));
	return fl_redirect(c, back, 303);
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, index_view, 0 },
	{ "/roles/<int:id>", "role", FL_M_GET, role_view, 0 },
	{ "/users/<int:id>", "user", FL_M_GET, user_view, 0 },
	{ "/students/<int:id>", "student", FL_M_GET, student_view, 0 },
	{ "/courses/<int:id>", "course", FL_M_GET, course_view, 0 },
	{ "/students/<int:sid>/courses", "enroll", FL_M_POST, enroll_view, 0 },
	{ "/students/<int:sid>/courses/<int:cid>/delete", "drop_course", FL_M_POST,
	  drop_course_view, 0 },
	{ "/articles/<int:id>/delete", "delete_article", FL_M_POST, delete_article_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint relations_blueprint = {
	.name = "relations", .routes = routes, .app = &flasky_app,
	.create_tables_hint = NULL,   /* "./manage db upgrade" */
};

int main(void)
{
	return fl_run(&relations_blueprint);
}
