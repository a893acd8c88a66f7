/* errors.c — flaskr's error handlers:
 *
 *     @app.errorhandler(404)
 *     def page_not_found(e):
 *         if request.accept_mimetypes.accept_json and \
 *                 not request.accept_mimetypes.accept_html:
 *             return jsonify(code=404, error=e.name, message=e.description), 404
 *         return render_template('404.html', error=e), 404
 */
#include "flaskr/flaskr.h"

static int render_error(fl_ctx *c, const fl_http_error *e, const char *template)
{
	if (fl_wants_json(c))
		return fl_jsonify(c, e->code, json_pack("{s:i, s:s, s:s}",
			"code", e->code, "error", e->name, "message", e->description));
	return fl_render(c, e->code, template, json_pack("{s:{s:i, s:s, s:s}}",
		"error", "code", e->code, "name", e->name, "description", e->description));
}

int flaskr_page_not_found(fl_ctx *c, const fl_http_error *e)
{
	return render_error(c, e, "404.html");
}

int flaskr_http_error(fl_ctx *c, const fl_http_error *e)
{
	return render_error(c, e, "error.html");
}
