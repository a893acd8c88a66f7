/* api — the JSON API over the Student model (flask-restful +
 * flask-jwt-extended).  The Flask original:
 *
 *     @api_bp.route('/login', methods=['POST'])
 *     def login():
 *         user = User.query.filter_by(username=request.json['username']).first()
 *         if user is None or not user.verify_password(request.json['password']):
 *             return {'message': 'Bad username or password'}, 401
 *         return {'access_token': create_access_token(identity=str(user.id))}
 *
 *     class StudentList(Resource):
 *         def get(self):
 *             p = Student.query.order_by(Student.id).paginate(max_per_page=100)
 *             return {'items': [s.to_json() for s in p.items], 'page': p.page, ...}
 *         @jwt_required()
 *         def post(self):
 *             args = parser.parse_args()        # 422 naming the bad field
 *             s = Student(**args); db.session.add(s); db.session.commit()
 *             return s.to_json(), 201, {'Location': url_for('.student', id=s.id)}
 *
 *     class StudentItem(Resource):
 *         def get(self, id): return Student.query.get_or_404(id).to_json()
 *         @jwt_required()
 *         def put(self, id): ...                 # the fields given are changed
 *         @jwt_required()
 *         def delete(self, id): ...; return '', 204
 *
 * Routes (under /cgi-bin/api):
 *   POST   /login               {"username", "password"} → {"access_token"}; 401 when wrong;
 *                               429 + Retry-After after too many failures for the
 *                               username or the address (web/ratelimit.h)
 *   GET    /students            ?page=&per_page= (20, at most 100) → {"items", "page",
 *                               "per_page", "total", "pages"}; past the last page → 404
 *   POST   /students            (Bearer) → 201 + Location; 409 when s_name is taken
 *   GET    /students/<int:id>   → the student; 404
 *   PUT    /students/<int:id>   (Bearer) change the fields given (PATCH is the same)
 *   DELETE /students/<int:id>   (Bearer) → 204
 * (Bearer): a valid token of a user who still exists (flasky_user_lookup,
 * flask-jwt-extended's user_lookup_loader); otherwise 401.
 * Bodies are JSON objects (415 otherwise); s_name a string of 1–32
 * characters, s_age an integer >= 0, s_score a number (422 naming the
 * field).  Every error is {"message": "..."} (json_errors); the blueprint
 * is outside CSRF (csrf_exempt): writes need a bearer token, not a cookie.
 */
#include <stdio.h>
#include <string.h>

#include "flagon.h"
#include "app/auth.h"
#include "app/blueprints.h"
#include "app/flasky.h"
#include "app/models.h"

#define DEFAULT_PER_PAGE 20
#define MAX_PER_PAGE 100

/* A valid hash of nothing anyone knows: checked when the user does not
 * exist, so an unknown name costs the same time as a wrong password. */
static const char dummy_hash[] = "pbkdf2:sha256:260000$QbV0tDk3yq8gMZ2h$"
	"0000000000000000000000000000000000000000000000000000000000000000";

/* ---- login ---- */

static const fl_arg login_args[] = {
	{ .name = "username", .type = FL_ARG_STRING, .required = 1, .max_length = 64 },
	{ .name = "password", .type = FL_ARG_STRING, .required = 1, .max_length = 1024 },
	FL_ARGS_END,
};

static int login_post(fl_ctx *c)
{
	json_t *args;
	int s = fl_parse_args(c, login_args, 0, &args);
	if (s)
		return s;
	const char *username = json_string_value(json_object_get(args, "username"));
	const char *password = json_string_value(json_object_get(args, "password"));
	/* Too many failures for this username or address: 429, before any
	 * password hash is computed (a refused attempt must be cheap). */
	if ((s = fl_login_check(c, username)))
		return s;
	json_t *user;
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, &User);
	fl_err e = fl_query_first(fl_query_filter_by(q, "username", json_string(username)), &user);
	if (e)
		return fl_abort_db(c, e);
	const char *hash = user ? json_string_value(json_object_get(user, "password_hash")) : NULL;
	int ok = fl_check_password_hash(hash ? hash : dummy_hash, password);
	if (!user || !hash || !ok) {
		fl_login_failed(c, username);
		return fl_abort(c, 401, "Bad username or password");
	}
	fl_login_succeeded(c, username);
	const char *identity = fl_arena_printf(c->arena, "%lld",
		(long long)json_integer_value(json_object_get(user, "id")));
	const char *token = fl_create_access_token(c, identity);
	if (!token)
		return fl_abort(c, 500, NULL);
	return fl_jsonify(c, 200, json_pack("{s:s}", "access_token", token));
}

static const fl_resource Login = { .post = login_post };
FL_RESOURCE_VIEW(login_view, Login)

/* ---- students ---- */

static const fl_arg student_args[] = {
	{ .name = "s_name", .type = FL_ARG_STRING, .required = 1, .max_length = 32, .nonempty = 1 },
	{ .name = "s_age", .type = FL_ARG_INTEGER, .has_min = 1, .min = 0 },
	{ .name = "s_score", .type = FL_ARG_NUMBER },
	FL_ARGS_END,
};

/* Student.to_json(): the columns, by their names. */
static json_t *student_json(json_t *row)
{
	return json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(row, "id"),
		"s_name", json_object_get(row, "s_name"), "s_age", json_object_get(row, "s_age"),
		"s_score", json_object_get(row, "s_score"));
}

static int list_students(fl_ctx *c)
{
	/* compact rows: the page goes straight from their cells to JSON */
	fl_query *q = fl_query_compact(fl_query_new(fl_get_db(c), c->arena, &Student));
	fl_query_order_by(q, "id", false);
	return fl_paginate(c, q, DEFAULT_PER_PAGE, MAX_PER_PAGE);
}

static int create_student(fl_ctx *c)
{
	json_t *row;
	int s = fl_parse_args(c, student_args, 0, &row);
	if (s)
		return s;
	fl_db *db = fl_get_db(c);
	fl_err e = fl_db_add(db, &Student, row);
	if (!e)
		e = fl_db_commit(db);
	if (e)
		return fl_abort_db(c, e);
	json_int_t id = json_integer_value(json_object_get(row, "id"));
	json_t *created;
	if ((s = fl_get_or_404(c, &Student, id, &created)))
		return s;
	const char *location = fl_url_for(c, ".student", json_pack("{s:I}", "id", id));
	return fl_respond_created(c, location, student_json(created));
}

static int get_student(fl_ctx *c)
{
	json_t *row;
	int s = fl_get_or_404(c, &Student, fl_get_view_arg_int(c, "id"), &row);
	return s ? s : fl_jsonify(c, 200, student_json(row));
}

static int update_student(fl_ctx *c)
{
	json_t *row, *changes;
	long long id = fl_get_view_arg_int(c, "id");
	int s = fl_get_or_404(c, &Student, id, &row);
	if (!s)
		s = fl_parse_args(c, student_args, 1, &changes);
	if (s)
		return s;
	if (json_object_size(changes) > 0) {
		fl_db *db = fl_get_db(c);
		json_object_set_new(changes, "id", json_integer(id));
		fl_err e = fl_db_update(db, &Student, changes);
		if (!e)
			e = fl_db_commit(db);
		if (e)
			return fl_abort_db(c, e);
		if ((s = fl_get_or_404(c, &Student, id, &row)))
			return s;
	}
	return fl_jsonify(c, 200, student_json(row));
}

static int delete_student(fl_ctx *c)
{
	json_t *row;
	int s = fl_get_or_404(c, &Student, fl_get_view_arg_int(c, "id"), &row);
	if (s)
		return s;
	fl_db *db = fl_get_db(c);
	fl_err e = fl_db_delete(db, &Student, row);
	if (!e)
		e = fl_db_commit(db);
	return e ? fl_abort_db(c, e) : fl_respond_no_content(c);
}

#define WRITES (FL_M_POST | FL_M_PUT | FL_M_PATCH | FL_M_DELETE)

static const fl_resource StudentList = {
	.get = list_students, .post = create_student,
	.guard = fl_jwt_required, .guard_methods = WRITES,
};
FL_RESOURCE_VIEW(student_list_view, StudentList)

static const fl_resource StudentItem = {
	.get = get_student, .put = update_student, .patch = update_student,
	.delete_ = delete_student,
	.guard = fl_jwt_required, .guard_methods = WRITES,
};
FL_RESOURCE_VIEW(student_view, StudentItem)

static const fl_route routes[] = {
	{ "/login", "login", FL_M_POST, login_view, 0 },
	{ "/students", "students", FL_M_GET | FL_M_POST, student_list_view, 0 },
	{ "/students/<int:id>", "student", FL_M_GET | FL_M_PUT | FL_M_PATCH | FL_M_DELETE,
	  student_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint api_blueprint = {
	.name = "api", .routes = routes, .app = &flasky_app,
	.csrf_exempt = 1, .json_errors = 1,
	.jwt_user_lookup = flasky_user_lookup,   /* a token of a deleted user: 401 */
};

int main(void)
{
	return fl_run(&api_blueprint);
}
