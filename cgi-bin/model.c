/* model — the Flask-SQLAlchemy demo: a table of students.
 * The Flask original (App/views.py of the demo):
 *
 *     @blue.route('/createmodel/')
 *     def create_model():
 *         db.create_all()
 *         return '创建表格成功'
 *
 *     @blue.route('/add_student/')
 *     def add_student():
 *         student = Student(s_name='小明', s_age=16, s_score=80)
 *         db.session.add(student)
 *         db.session.commit()
 *         return '添加成功'
 *
 *     @blue.route('/add_students/')
 *     def add_students():
 *         students = []
 *         for i in range(10):
 *             n = random.randrange(100)
 *             students.append(Student(s_name='xiaojun%d' % n, s_age=n, s_score=n + 60))
 *         db.session.add_all(students)
 *         db.session.commit()
 *         return '批量添加学生成功'
 *
 *     @blue.route('/get_all_student/')
 *     def get_all_student():
 *         students = Student.query.all()
 *         return render_template('student_list.html', students=students)
 *
 *     @blue.route('/drop_table/')
 *     def drop_table():
 *         db.drop_all()
 *         return '删除表格成功'
 *
 * Differences, as SPEC §3 asks: a duplicate 小明 is 409; add_students
 * re-draws names already taken so exactly ten rows are added (409 when fewer
 * than ten xiaojunN names are free), all in one transaction;
 * get_all_student paginates with ?page=N&per_page=M (Flask-SQLAlchemy 3's
 * paginate(error_out=True): a page or per_page that is not an integer, is
 * below 1, or a page past the last one → 404; per_page defaults to 20 and
 * is capped at 100); in the production config the four mutating routes
 * answer GET with a confirmation form and act only on its POST.  A missing
 * table answers 503 naming it and /cgi-bin/model/createmodel/.
 */
#include <openssl/rand.h>
#include <stdbool.h>
#include <string.h>

#include "flagon.h"
#include "app/blueprints.h"
#include "app/flasky.h"
#include "app/models.h"
#include "base/pynum.h"

/* The tables this blueprint creates and drops: the Student model only
 * (relations owns the rest of the application's models). */
static const fl_model *const model_tables[] = { &Student, NULL };

#define XIAOJUN_NAMES 100   /* xiaojun0 .. xiaojun99 */
#define STUDENTS_PER_BATCH 10
#define DEFAULT_PER_PAGE 20
#define MAX_PER_PAGE 100

/* ---- production: confirm before changing anything ---- */

/* In production a GET of a mutating route only shows confirm.html, a POST
 * form back to the same URL (CSRF-checked before the view runs). */
static bool needs_confirmation(fl_ctx *c)
{
	return c->config->cls == FL_CONFIG_PRODUCTION && c->req.method != FL_POST;
}

static int confirm(fl_ctx *c, const char *question, const char *button)
{
	return fl_render(c, 0, "confirm.html", json_pack("{s:s, s:s, s:s}",
		"question", question, "button", button,
		"action", fl_url_for(c, fl_arena_printf(c->arena, ".%s", c->route->endpoint), NULL)));
}

/* ---- random xiaojunN names ---- */

/* A uniform random number in [0, n) from OpenSSL's CSPRNG (n <= 256);
 * bytes that would bias the modulo are re-drawn. */
static int random_below(unsigned n, unsigned *out)
{
	unsigned limit = 256 - 256 % n;
	unsigned char b;
	do {
		if (RAND_bytes(&b, 1) != 1)
			return -1;
	} while (b >= limit);
	*out = b % n;
	return 0;
}

/* taken[N] = whether student xiaojunN exists.  Runs inside the caller's
 * transaction, so no other writer can take a name before we insert. */
static fl_err xiaojun_taken(fl_ctx *c, bool taken[XIAOJUN_NAMES])
{
	json_t *names = json_array();
	for (int n = 0; n < XIAOJUN_NAMES; n++)
		json_array_append_new(names, json_sprintf("xiaojun%d", n));
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, &Student);
	json_t *rows;
	fl_err e = fl_query_all(fl_query_filter(q, "s_name", FL_OP_IN, names), &rows);
	if (e)
		return e;
	memset(taken, 0, XIAOJUN_NAMES * sizeof *taken);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		long long n;
		const char *name = json_string_value(json_object_get(row, "s_name"));
		if (name && fl_parse_int(name + strlen("xiaojun"), &n) && n >= 0 && n < XIAOJUN_NAMES)
			taken[n] = true;
	}
	return FL_OK;
}

/* ---- views ---- */

static int create_model(fl_ctx *c)
{
	if (needs_confirmation(c))
		return confirm(c, "Create the student table?", "Create");
	fl_err e = fl_create_all(fl_get_db(c), c->arena, model_tables);
	if (e)
		return fl_abort_db(c, e);
	return fl_html(c, 0, "创建表格成功");
}

static int add_student(fl_ctx *c)
{
	if (needs_confirmation(c))
		return confirm(c, "Add the student 小明 (16, 80)?", "Add");
	fl_db *db = fl_get_db(c);
	json_t *student = json_pack("{s:s, s:i, s:f}", "s_name", "小明", "s_age", 16, "s_score", 80.0);
	/* A second 小明 violates the unique s_name: FL_EEXISTS → 409, rolled back. */
	fl_err e = fl_db_add(db, &Student, student);
	if (!e)
		e = fl_db_commit(db);
	if (e)
		return fl_abort_db(c, e);
	return fl_html(c, 0, "添加成功");
}

static int add_students(fl_ctx *c)
{
	if (needs_confirmation(c))
		return confirm(c, "Add ten random students xiaojunN?", "Add");
	fl_db *db = fl_get_db(c);
	bool taken[XIAOJUN_NAMES];
	/* BEGIN IMMEDIATE before reading which names are taken: the check and
	 * the inserts are one transaction, all or nothing. */
	fl_err e = fl_db_begin(db);
	if (!e)
		e = xiaojun_taken(c, taken);
	if (e)
		return fl_abort_db(c, e);

	unsigned free_names[XIAOJUN_NAMES], nfree = 0;
	for (unsigned n = 0; n < XIAOJUN_NAMES; n++)
		if (!taken[n])
			free_names[nfree++] = n;
	if (nfree < STUDENTS_PER_BATCH) {
		fl_db_rollback(db);
		return fl_abort(c, 409, "Only %u of the names xiaojun0 to xiaojun%d are free; "
			"%d are needed, so no student was added.",
			nfree, XIAOJUN_NAMES - 1, STUDENTS_PER_BATCH);
	}

	/* random.randrange(100), re-drawn while the name is taken: the same as
	 * drawing from the free names without replacement (Fisher-Yates). */
	json_t *students = json_array();
	for (unsigned i = 0; i < STUDENTS_PER_BATCH; i++) {
		unsigned j;
		if (random_below(nfree - i, &j) != 0) {
			fl_db_rollback(db);
			return fl_abort(c, 500, "no random numbers");
		}
		unsigned n = free_names[i + j];
		free_names[i + j] = free_names[i];
		free_names[i] = n;
		json_array_append_new(students, json_pack("{s:o, s:i, s:f}",
			"s_name", json_sprintf("xiaojun%u", n), "s_age", (int)n, "s_score", n + 60.0));
	}
	e = fl_db_add_all(db, &Student, students);
	if (!e)
		e = fl_db_commit(db);
	if (e)
		return fl_abort_db(c, e);
	return fl_html(c, 0, "批量添加学生成功");
}

static int get_all_student(fl_ctx *c)
{
	/* compact rows: the template reads student.s_name by column index */
	fl_query *q = fl_query_order_by(fl_query_compact(fl_query_new(fl_get_db(c), c->arena,
		&Student)), "id", false);
	fl_err e;

	if (!fl_get_arg(c, "page") && !fl_get_arg(c, "per_page")) {
		/* Student.query.all() */
		json_t *students;
		if ((e = fl_query_all(q, &students)))
			return fl_abort_db(c, e);
		return fl_render(c, 0, "student_list.html", json_pack("{s:o}", "students", students));
	}

	/* Student.query.paginate(page=page, per_page=per_page, max_per_page=100) */
	long page, per_page;
	fl_pagination p;
	int s = fl_paginate_args(c, DEFAULT_PER_PAGE, &page, &per_page);
	if (s)
		return s;
	if ((e = fl_query_paginate(q, page, per_page, MAX_PER_PAGE, &p)))
		return fl_abort_db(c, e);
	return fl_render(c, 0, "student_list.html", json_pack("{s:O, s:o}",
		"students", p.items, "pagination", fl_pagination_to_json(&p)));
}

static int drop_table(fl_ctx *c)
{
	if (needs_confirmation(c))
		return confirm(c, "Drop the student table and every student in it?", "Drop");
	fl_db *db = fl_get_db(c);
	fl_err e = fl_drop_all(db, c->arena, model_tables);
	if (e == FL_ECONSTRAINT) {
		/* DROP TABLE deletes the rows first; enrolments (student_course,
		 * the relations blueprint's table) still point at some of them. */
		fl_db_rollback(db);
		return fl_abort(c, 409, "The student table cannot be dropped while other tables "
			"(student_course) still refer to its students.");
	}
	if (e)
		return fl_abort_db(c, e);
	return fl_html(c, 0, "删除表格成功");
}

static const fl_route routes[] = {
	{ "/createmodel/", "create_model", FL_M_GET | FL_M_POST, create_model, 0 },
	{ "/add_student/", "add_student", FL_M_GET | FL_M_POST, add_student, 0 },
	{ "/add_students/", "add_students", FL_M_GET | FL_M_POST, add_students, 0 },
	{ "/get_all_student/", "get_all_student", FL_M_GET, get_all_student, 0 },
	{ "/drop_table/", "drop_table", FL_M_GET | FL_M_POST, drop_table, 0 },
	FL_ROUTES_END,
};

const fl_blueprint model_blueprint = {
	.name = "model", .routes = routes, .app = &flasky_app,
	.create_tables_hint = "the route /cgi-bin/model/createmodel/",
};

int main(void)
{
	return fl_run(&model_blueprint);
}
