/* resource.h — a small flask-restful: resources with one handler per HTTP
 * method, JSON bodies checked for their Content-Type, reqparse-style field
 * validation (422 naming the field), pagination and 201 + Location.
 *
 *     class StudentList(Resource):
 *         def get(self): ...
 *         def post(self): ...
 *     api.add_resource(StudentList, '/students')
 *
 * becomes
 *
 *     static const fl_resource StudentList = { .get = list_students, .post = create_student };
 *     FL_RESOURCE_VIEW(student_list_view, StudentList)
 *     static const fl_route routes[] = {
 *         { "/students", "students", FL_M_GET | FL_M_POST, student_list_view, 0 },
 *         ...
 *
 * The route's methods should be the resource's (routing answers 405 with
 * Allow for the others before the body is read); the dispatcher answers 405
 * too for a method the resource has no handler for.  HEAD runs get.
 *
 * A blueprint of resources sets csrf_exempt (a bearer token is not a
 * cookie, CSRF cannot forge it) and json_errors (every error, routing's
 * 404/405 and the body parser's 400/413 included, is {"message": "..."}).
 */
#ifndef FL_RESOURCE_H
#define FL_RESOURCE_H

#include <jansson.h>

#include "web/ctx.h"
#include "data/query.h"

/* A resource: a handler per method; NULL = not allowed (405). */
typedef struct fl_resource {
	fl_view_fn get;             /* GET (and HEAD) */
	fl_view_fn post;            /* POST */
	fl_view_fn put;             /* PUT */
	fl_view_fn patch;           /* PATCH */
	fl_view_fn delete_;         /* DELETE */
	/* flask-restful's method_decorators: `guard` runs first for the
	 * methods in `guard_methods` (FL_M_* mask), before the body checks;
	 * a non-zero result is the answer (e.g. fl_jwt_required → 401). */
	fl_view_fn guard;
	unsigned guard_methods;     /* the methods guard runs for */
} fl_resource;

/* fl_dispatch_resource — Resource.dispatch_request: run the handler for
 * the request's method.  Before a POST, PUT or PATCH handler runs, the
 * body must be JSON: a Content-Type other than application/json (or
 * application/<x>+json) answers 415, a missing/empty body 400.  A method
 * without a handler answers 405 with Allow.  Returns the handler's result
 * (0 or an error status).  The guard (if any) runs before the 415/400
 * checks, so an anonymous write gets 401 whatever its body. */
int fl_dispatch_resource(fl_ctx *c, const fl_resource *r);

/* FL_RESOURCE_VIEW(fn, resource) — define the view function `fn` that
 * dispatches to `resource` (for a route table). */
#define FL_RESOURCE_VIEW(fn, resource) \
	static int fn(fl_ctx *c) { return fl_dispatch_resource(c, &(resource)); }

/* ---- request parsing (flask-restful's reqparse) ---- */

/* The type an argument of a JSON body must have (reqparse's `type=`). */
typedef enum fl_arg_type {
	FL_ARG_STRING,     /* a JSON string (UTF-8 checked by the body parser) */
	FL_ARG_INTEGER,    /* a JSON integer (not 1.0, not true) */
	FL_ARG_NUMBER,     /* a JSON integer or real (not true/false) */
	FL_ARG_BOOLEAN,    /* true or false */
	FL_ARG__MAX
} fl_arg_type;

/* One field of a JSON body. */
typedef struct fl_arg {
	const char *name;           /* the JSON field */
	fl_arg_type type;           /* its JSON type */
	int required;          /* must be present (and not null) */
	size_t max_length;     /* strings: at most this many characters (0 = any) */
	int nonempty;          /* strings: "" (or only spaces) is refused */
	int has_min, has_max;  /* numbers: bounds in force */
	double min, max;       /* numbers: inclusive bounds */
} fl_arg;

/* Ends an fl_arg array. */
#define FL_ARGS_END { NULL, FL_ARG__MAX, 0, 0, 0, 0, 0, 0, 0 }

/* fl_parse_args — parser.parse_args(): check the request's JSON body
 * (an object; else 400) against `args` (ending with FL_ARGS_END) and put
 * the fields it holds into *out (a new object in the request arena; fields
 * not declared are ignored).  With `partial` (PATCH/PUT of some fields)
 * `required` is not enforced.  Returns 0, or 422 with the message naming
 * the first bad field ("s_age: must be an integer"). */
int fl_parse_args(fl_ctx *c, const fl_arg *args, int partial, json_t **out);

/* ---- answers ---- */

/* fl_respond_created — 201 Created with `body` (stolen) and a Location
 * header `location` (a URL from fl_url_for; NULL: none). */
int fl_respond_created(fl_ctx *c, const char *location, json_t *body);

/* fl_respond_no_content — 204 No Content (an empty body). */
int fl_respond_no_content(fl_ctx *c);

/* fl_paginate — paginate query `q` by the request's ?page= (default
 * 1) and ?per_page= (default `default_per_page`, capped at `max_per_page`)
 * and answer {"items": [...], "page", "per_page", "total", "pages"} (200).
 * A page or per_page that is not a positive integer of digits only
 * (fl_paginate_args: " 1" and "+1" are not), and a page past
 * the last one answer 404 (Flask-SQLAlchemy's paginate(error_out=True)),
 * with a message naming the parameter; database errors through
 * fl_abort_db.  Returns 0 or the error status. */
int fl_paginate(fl_ctx *c, fl_query *q, long default_per_page, long max_per_page);

#endif
