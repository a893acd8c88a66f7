/* filesapp — a test-only blueprint for tests/integration/test_send_file.py:
 * sending files, uploads and binary bodies (web/send_file.h,
 * web/uploads.h) behind real lighttpd and Apache.  The Makefile builds it
 * to $(BUILD)/tests/integration/filesapp; the test mounts it at
 * /cgi-bin/filesapp.  Its one configuration key, FILESAPP_DIR, names a
 * directory holding files/ (what is served) and uploads/ (where uploads
 * go).
 *
 *   GET /files/<path:name>      send_from_directory(files, name)
 *   GET /get?name=N             the same with the name from the query, so
 *                               no web server normalizes it first
 *   GET /download/<path:name>?as=NAME
 *                               as_attachment=True, download_name=NAME
 *   GET /bytes                  make_response(bytes): 256 bytes 0..255
 *   GET /page?page=N            request.args.get('page', 1, type=int)
 *   POST /upload (file field "file", CSRF-exempt)
 *                               secure_filename, then a safe save: 201 and
 *                               the name, 409 when it exists, 400 when no
 *                               name is left
 *   GET /uploads/<path:name>    send_from_directory(uploads, name)
 *   GET /config                 "USE_X_SENDFILE=1 X_SENDFILE_HEADER=X-Sendfile":
 *                               what the program was started with
 */
#include "flagon.h"

static const fl_config_key keys[] = {
	{ "FILESAPP_DIR", FL_CONFIG_STR, FL_CONFIG_DEFAULT("var/filesapp"), 0, 0, 0 },
	FL_CONFIG_KEYS_END,
};

static const fl_application filesapp = { .name = "filesapp", .config_keys = keys };

static const char *dir(fl_ctx *c, const char *sub)
{
	return fl_arena_printf(c->arena, "%s/%s", fl_config_get_str(c->config, "FILESAPP_DIR"), sub);
}

static int files_view(fl_ctx *c)
{
	return fl_send_from_directory(c, dir(c, "files"), fl_get_view_arg(c, "name"), NULL);
}

static int get_view(fl_ctx *c)
{
	return fl_send_from_directory(c, dir(c, "files"), fl_get_arg(c, "name"), NULL);
}

static int download_view(fl_ctx *c)
{
	fl_send_file_opts o = { .as_attachment = true, .download_name = fl_get_arg(c, "as") };
	return fl_send_from_directory(c, dir(c, "files"), fl_get_view_arg(c, "name"), &o);
}

static int bytes_view(fl_ctx *c)
{
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	return fl_send_bytes(c, 200, "application/octet-stream", all, sizeof all);
}

static int page_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "page %lld",
		fl_get_arg_int_or(c, "page", 1)));
}

static int upload_view(fl_ctx *c)
{
	const fl_file *f = fl_get_file(c, "file");
	if (!f || !*f->filename)
		return fl_abort(c, 400, "No file was uploaded.");
	const char *name = fl_secure_filename(c->arena, f->filename);
	if (!*name)
		return fl_abort(c, 400, "The file name has nothing usable in it.");
	switch (fl_save_upload(f, dir(c, "uploads"), name)) {
	case FL_OK:
		return fl_text(c, 201, NULL, name);
	case FL_EEXISTS:
		return fl_abort(c, 409, "A file called %s exists already.", name);
	default:
		return fl_abort(c, 500, "The file could not be saved.");
	}
}

static int uploads_view(fl_ctx *c)
{
	return fl_send_from_directory(c, dir(c, "uploads"), fl_get_view_arg(c, "name"), NULL);
}

static int config_view(fl_ctx *c)
{
	return fl_text(c, 200, NULL, fl_arena_printf(c->arena, "USE_X_SENDFILE=%d X_SENDFILE_HEADER=%s",
		c->config->use_x_sendfile, c->config->x_sendfile_header));
}

static const fl_route routes[] = {
	{ "/config", "config", FL_M_GET, config_view, 0 },
	{ "/files/<path:name>", "files", FL_M_GET, files_view, 0 },
	{ "/get", "get", FL_M_GET, get_view, 0 },
	{ "/download/<path:name>", "download", FL_M_GET, download_view, 0 },
	{ "/bytes", "bytes", FL_M_GET, bytes_view, 0 },
	{ "/page", "page", FL_M_GET, page_view, 0 },
	{ "/upload", "upload", FL_M_POST, upload_view, FL_ROUTE_CSRF_EXEMPT },
	{ "/uploads/<path:name>", "uploads", FL_M_GET, uploads_view, 0 },
	FL_ROUTES_END,
};

static const fl_blueprint filesapp_blueprint = { .name = "filesapp", .routes = routes,
	.app = &filesapp };

int main(void)
{
	return fl_run(&filesapp_blueprint);
}
