/* animals — abstract models and caching (the Flask-Caching demo).
 * The Flask original:
 *
 *     class Animal(db.Model):
 *         __abstract__ = True
 *         id = db.Column(db.Integer, primary_key=True)
 *         name = db.Column(db.String(64), nullable=False)
 *         age = db.Column(db.Integer, default=0)
 *     class Dog(Animal): pass
 *     class Cat(Animal): pass
 *
 *     @blue.route('/cats/', methods=['GET', 'POST'])
 *     @cache.cached(timeout=50)
 *     def getcats():
 *         ...
 *         return render_template('getcats.html', cats=Cat.query.all(), ...)
 *
 * Both tables share one column list (app/models.c); both pages share one
 * view, parameterised by the `kinds` entry of the matched endpoint.
 *
 * GET /cats/, GET /dogs/ — the list, cached whole for 50 s (FL_ROUTE_CACHE:
 * X-Cache: HIT|MISS; the CSRF token in its form is the visitor's own and it
 * shows no flashed messages — see lib/web/view_cache.c); the page shows when it
 * was rendered (UTC).  The page reads no query argument, so the route does
 * not opt in to FL_ROUTE_CACHE_QUERY_STRING: /cats/?x=1 is the page of /cats/.
 * POST /cats/, POST /dogs/ — field `name` (required, at most 64 characters),
 * `age` (optional, a non-negative integer): add the animal, invalidate the
 * cached page, redirect (303) to it.  Invalid input: the page again with the
 * errors next to the fields, status 400.  A missing table: 503 naming it.
 */
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "flagon.h"
#include "app/blueprints.h"
#include "app/flasky.h"
#include "app/models.h"

/* @cache.cached(timeout=50), SPEC §3. */
#define ANIMALS_CACHE_TIMEOUT 50

/* ---- forms ---- */

static const fl_validator name_validators[] = {
	FL_DATA_REQUIRED(NULL),
	FL_LENGTH(1, 64, NULL),
	FL_VALIDATORS_END,
};

static const fl_validator age_validators[] = {
	FL_OPTIONAL(),
	FL_NUMBER_RANGE_MIN(0, NULL),
	FL_VALIDATORS_END,
};

static const fl_field_def animal_form_fields[] = {
	FL_STRING_FIELD("name", "Name", name_validators),
	FL_INTEGER_FIELD("age", "Age", age_validators),
	FL_SUBMIT_FIELD("submit", "Add"),
	FL_FIELDS_END,
};

static const fl_form_def AnimalForm = { "AnimalForm", animal_form_fields };

/* ---- one view for both models ---- */

typedef struct animal_kind {
	const char *endpoint;   /* the route's endpoint */
	const fl_model *model;
	const char *template;
	const char *singular, *plural, *title;
} animal_kind;

static const animal_kind kinds[] = {
	{ "getcats", &Cat, "getcats.html", "cat", "cats", "Cats" },
	{ "getdogs", &Dog, "getdogs.html", "dog", "dogs", "Dogs" },
};

static const animal_kind *kind_of(fl_ctx *c)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(c->route->endpoint, kinds[i].endpoint) == 0)
			return &kinds[i];
	return NULL;
}

/* Now, UTC, ISO 8601 with milliseconds ("2024-05-01T12:00:00.123Z"). */
static const char *utc_now(fl_ctx *c)
{
	struct timeval tv;
	struct tm tm;
	char buf[32];
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	return fl_arena_printf(c->arena, "%s.%03ldZ", buf, (long)(tv.tv_usec / 1000));
}

/* The list page: every animal of the kind, oldest first, and the form. */
static int list_page(fl_ctx *c, const animal_kind *k, fl_form *form, int status)
{
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, k->model);
	json_t *animals = NULL;
	fl_err e = fl_query_all(fl_query_order_by(q, "id", false), &animals);
	if (e)
		return fl_abort_db(c, e);
	return fl_render(c, status, k->template, json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s}",
		"animals", animals,
		"form", fl_make_form_context(c, form),
		"rendered_at", utc_now(c),
		"endpoint", k->endpoint,
		"singular", k->singular,
		"plural", k->plural,
		"title", k->title));
}

/* POST: add one animal, forget the cached page, back to the list. */
static int add_animal(fl_ctx *c, const animal_kind *k, fl_form *form)
{
	fl_db *db = fl_get_db(c);
	json_t *row = json_pack("{s:s}", "name", fl_form_data(form, "name"));
	long long age;
	if (fl_form_data_int(form, "age", &age) == FL_OK)
		json_object_set_new(row, "age", json_integer(age));
	fl_err e = fl_db_add(db, k->model, row);
	if (!e)
		e = fl_db_commit(db);
	if (e)
		return fl_abort_db(c, e);
	/* After the commit: a process that renders the page from now on
	 * sees the new row. */
	fl_invalidate_view(c, c->req.path);
	const char *url = fl_url_for(c, k->endpoint, NULL);
	return url ? fl_redirect(c, url, 303) : fl_abort(c, 500, NULL);
}

static int animals_view(fl_ctx *c)
{
	const animal_kind *k = kind_of(c);
	if (!k)
		return fl_abort(c, 500, NULL);
	fl_form *form = fl_new_form(c, &AnimalForm);
	if (c->req.method == FL_POST) {
		if (fl_validate_on_submit(c, form))
			return add_animal(c, k, form);
		return list_page(c, k, form, 400);
	}
	return list_page(c, k, form, 0);
}

static const fl_route routes[] = {
	{ "/cats/", "getcats", FL_M_GET | FL_M_POST, animals_view, FL_ROUTE_CACHE(ANIMALS_CACHE_TIMEOUT) },
	{ "/dogs/", "getdogs", FL_M_GET | FL_M_POST, animals_view, FL_ROUTE_CACHE(ANIMALS_CACHE_TIMEOUT) },
	FL_ROUTES_END,
};

const fl_blueprint animals_blueprint = {
	.name = "animals", .routes = routes, .app = &flasky_app,
};

int main(void)
{
	return fl_run(&animals_blueprint);
}
