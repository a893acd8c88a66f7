/* crashapp — a test-only blueprint for tests/integration: it lets the
 * integration tests see the 500 page and a crashing FastCGI process, which
 * the real blueprints never produce on purpose.  The Makefile builds it to
 * $(BUILD)/tests/integration/crashapp; the tests mount it at
 * /cgi-bin/crashapp next to cgi-bin/main.
 *
 *   GET /        200 text "ok"
 *   GET /error   abort(500): the custom 500 page and a log line
 *   GET|POST /segv    a write to address 64: SIGSEGV in the middle of a
 *                     view, after putting name=Alice in the session and
 *                     user=dave in g (the development page shows both)
 *   GET /divide  an integer division by zero: SIGFPE
 *   GET /token   the CSRF token, as text (to POST to /segv)
 *   GET /render/<name>  render_template(name, who="world")
 *
 * and views with a bug the library must answer with a logged 500 page, not
 * a crash (none of them may fault):
 *
 *   GET /url_for/unknown    redirect to url_for("login"): no such endpoint
 *   GET /url_for/missing    url_for(".user") without its <name>
 *   GET /url_for/badtype    url_for(".user_id", id="abc") for an <int:id>
 *   GET /url_for/values     url_for(".index", ["not", "an", "object"])
 *   GET /url_for/null       url_for(NULL)
 *   GET /redirect_null      redirect(NULL)
 *   GET /text_null          a text response with a NULL body
 *   GET /template_url_for   a template's url_for('nope'), render error ignored
 *   GET /user/<name>, GET /users/<int:id>  the endpoints those views build
 *
 * and one that must not crash either, though it has no request to fail:
 *
 *   GET /template_no_request  url_for() in a template rendered without a
 *                              request context: a template error, 200 text
 */
#include <stdint.h>

#include "flagon.h"

static int ok_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, "ok");
}

static int error_view(fl_ctx *c)
{
	return fl_abort(c, 500, NULL);
}

/* What the development error page must show of the request's state. */
static void remember(fl_ctx *c)
{
	json_object_set_new(fl_get_session(c), "name", json_string("Alice"));
	json_object_set_new(c->g, "user", json_string("dave"));
}

static int segv_view(fl_ctx *c)
{
	remember(c);
	/* A write to the unmapped first page: a real SIGSEGV.  Not through NULL
	 * itself, which UBSan (make check) would catch and abort on first; both
	 * volatile so the compiler keeps the store. */
	volatile int *volatile p = (volatile int *)(uintptr_t)64;
	*p = 42;  /* CRASH-SEGV (test_debugger.py finds this line) */
	return fl_text(c, 200, NULL, "unreachable");
}

/* Not inlined nor specialised (gcc turns 1 / b into a compare), so that
 * the fault is in a frame of its own; UBSan (make
 * check) would abort before the division traps. */
__attribute__((noipa, no_sanitize_undefined)) static int divide(int a, int b)
{
	return a / b;  /* CRASH-FPE (test_debugger.py finds this line) */
}

static int divide_view(fl_ctx *c)
{
	volatile int one = 1, zero = 0;
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "%d", divide(one, zero)));
}

static int token_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, fl_csrf_token(c));
}

static int render_view(fl_ctx *c)
{
	return fl_render(c, 200, c->view_args[0].value, json_pack("{s:s}", "who", "world"));
}

/* Each view below answers what it got as if all went well: the library
 * alone must turn the bug into the 500 page. */
static int answer(fl_ctx *c, const char *url)
{
	return fl_text(c, 200, NULL, url ? url : "(no url)");
}

static int url_for_unknown_view(fl_ctx *c)
{
	return fl_redirect(c, fl_url_for(c, "login", NULL), 0);
}

static int url_for_missing_view(fl_ctx *c)
{
	return answer(c, fl_url_for(c, ".user", NULL));
}

static int url_for_badtype_view(fl_ctx *c)
{
	json_t *values = json_pack("{s:s}", "id", "abc");
	const char *url = fl_url_for(c, ".user_id", values);
	json_decref(values);
	return answer(c, url);
}

static int url_for_values_view(fl_ctx *c)
{
	json_t *values = json_pack("[sss]", "not", "an", "object");
	const char *url = fl_url_for(c, ".index", values);
	json_decref(values);
	return answer(c, url);
}

static int url_for_null_view(fl_ctx *c)
{
	return answer(c, fl_url_for(c, NULL, NULL));
}

static int redirect_null_view(fl_ctx *c)
{
	return fl_redirect(c, NULL, 303);
}

static int text_null_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, NULL);
}

static int template_url_for_view(fl_ctx *c)
{
	fl_buf out;
	fl_tpl_error err;
	fl_buf_init(&out, c->arena);
	(void)fl_tpl_render_string(fl_app_templates(c->app), "<a href=\"{{ url_for('nope') }}\">",
		NULL, c, c->arena, &out, &err);
	return fl_html(c, 200, "rendered");
}

static int template_no_request_view(fl_ctx *c)
{
	fl_buf out;
	fl_tpl_error err;
	fl_buf_init(&out, c->arena);
	fl_err e = fl_tpl_render_string(fl_app_templates(c->app), "{{ url_for('.index') }}",
		NULL, NULL, c->arena, &out, &err);
	return fl_text(c, 200, NULL, e ? fl_arena_printf(c->arena, "template error: %s",
		err.message) : fl_buf_cstr(&out));
}

static int user_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, c->view_args[0].value);
}

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, ok_view, 0 },
	{ "/error", "error", FL_M_GET, error_view, 0 },
	{ "/segv", "segv", FL_M_GET | FL_M_POST, segv_view, 0 },
	{ "/divide", "divide", FL_M_GET, divide_view, 0 },
	{ "/token", "token", FL_M_GET, token_view, 0 },
	{ "/render/<name>", "render", FL_M_GET, render_view, 0 },
	{ "/url_for/unknown", "url_for_unknown", FL_M_GET, url_for_unknown_view, 0 },
	{ "/url_for/missing", "url_for_missing", FL_M_GET, url_for_missing_view, 0 },
	{ "/url_for/badtype", "url_for_badtype", FL_M_GET, url_for_badtype_view, 0 },
	{ "/url_for/values", "url_for_values", FL_M_GET, url_for_values_view, 0 },
	{ "/url_for/null", "url_for_null", FL_M_GET, url_for_null_view, 0 },
	{ "/redirect_null", "redirect_null", FL_M_GET, redirect_null_view, 0 },
	{ "/text_null", "text_null", FL_M_GET, text_null_view, 0 },
	{ "/template_url_for", "template_url_for", FL_M_GET, template_url_for_view, 0 },
	{ "/template_no_request", "template_no_request", FL_M_GET, template_no_request_view, 0 },
	{ "/user/<name>", "user", FL_M_GET, user_view, 0 },
	{ "/users/<int:id>", "user_id", FL_M_GET, user_view, 0 },
	FL_ROUTES_END,
};

static const fl_blueprint crashapp_blueprint = {
	.name = "crashapp", .routes = routes,
};

int main(void)
{
	return fl_run(&crashapp_blueprint);
}
