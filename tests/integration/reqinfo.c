/* reqinfo — a test-only blueprint of the Flasky application for
 * tests/integration/test_urls.py: what a view and a template see of the
 * request's own URL, and url_for across blueprints from C.  The Makefile
 * builds it to $(BUILD)/tests/integration/reqinfo; the tests mount it at
 * /cgi-bin/reqinfo next to Flasky's programs.
 *
 *   GET /info/<int:n>, /info/<int:n>/<path:rest>  JSON: fl_request_url, _host, _scheme, _endpoint,
 *                      _blueprint, _referrer, and url_for of
 *                      "session.login", ".info" (_external),
 *                      "relations.user" (id=n), "main.index" (_anchor)
 *   GET /badtype       url_for("relations.user", id="abc"): the int
 *                      converter refuses it, a 500
 *   GET /page          templates/tests/request_info.html: the same seen
 *                      from a template (request.url, .host, ...)
 */
#include "flagon.h"
#include "app/flasky.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int info_view(fl_ctx *c)
{
	long long n = fl_get_view_arg_int(c, "n");
	return fl_jsonify(c, 200, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"url", str_or_null(fl_request_url(c)),
		"host", str_or_null(fl_request_host(c)),
		"scheme", str_or_null(fl_request_scheme(c)),
		"endpoint", str_or_null(fl_request_endpoint(c)),
		"blueprint", str_or_null(fl_request_blueprint(c)),
		"referrer", str_or_null(fl_request_referrer(c)),
		"login", str_or_null(fl_url_for(c, "session.login", NULL)),
		"external", str_or_null(fl_url_for(c, ".info", json_pack("{s:I, s:b}", "n", n,
			"_external", 1))),
		"user", str_or_null(fl_url_for(c, "relations.user", json_pack("{s:I}", "id", n))),
		"home", str_or_null(fl_url_for(c, "main.index", json_pack("{s:s}", "_anchor", "top")))));
}

static int badtype_view(fl_ctx *c)
{
	return fl_redirect(c, fl_url_for(c, "relations.user", json_pack("{s:s}", "id", "abc")), 0);
}

static int page_view(fl_ctx *c)
{
	return fl_render(c, 0, "tests/request_info.html", NULL);
}

static const fl_route routes[] = {
	{ "/info/<int:n>", "info", FL_M_GET, info_view, 0 },
	{ "/info/<int:n>/<path:rest>", "info_path", FL_M_GET, info_view, 0 },
	{ "/badtype", "badtype", FL_M_GET, badtype_view, 0 },
	{ "/page", "page", FL_M_GET, page_view, 0 },
	FL_ROUTES_END,
};

static const fl_blueprint reqinfo_blueprint = {
	.name = "reqinfo", .routes = routes, .app = &flasky_app,
};

int main(void)
{
	return fl_run(&reqinfo_blueprint);
}
