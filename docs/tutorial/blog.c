/* blog.c — flaskr's blog blueprint (Flask's flaskr/blog.py): the posts,
 * and creating, updating and deleting one's own, each with an image.
 * Mounted at /cgi-bin/blog. */
#include <errno.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "base/hex.h"
#include "flaskr/flaskr.h"

/* ---- the form ---- */

static const fl_validator title_validators[] = {
	FL_DATA_REQUIRED("Title is required."),
	FL_VALIDATORS_END,
};

static const char *const image_extensions[] = { "png", "jpg", "jpeg", "gif", NULL };

static const fl_validator image_validators[] = {
	FL_FILE_ALLOWED(image_extensions, "Images only!"),
	FL_VALIDATORS_END,
};

static const fl_field_def post_fields[] = {
	FL_STRING_FIELD("title", "Title", title_validators),
	FL_TEXTAREA_FIELD("body", "Body", NULL),
	FL_FILE_FIELD("image", "Image", image_validators),
	FL_SUBMIT_FIELD("submit", "Save"),
	FL_FIELDS_END,
};

static const fl_form_def PostForm = { "PostForm", post_fields };

/* ---- the image ---- */

/* The upload folder: UPLOAD_FOLDER, relative to the project root unless
 * absolute. */
static const char *upload_folder(fl_ctx *c)
{
	const char *dir = fl_config_get_str(c->config, "UPLOAD_FOLDER");
	return dir[0] == '/' ? dir : fl_arena_printf(c->arena, "%s/%s", c->config->root, dir);
}

/* Save the form's image, if one was sent, under a name of its own and
 * note that name in post.image.  Returns 0, or the status to answer. */
static int save_image(fl_ctx *c, fl_form *form, json_t *post)
{
	const fl_file *image = fl_form_file(form, "image");
	if (!image || !image->filename[0])
		return 0;
	unsigned char rnd[4];
	char hex[9];
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		return fl_abort(c, 500, NULL);
	const char *name = fl_secure_filename(c->arena, image->filename);
	name = fl_arena_printf(c->arena, "%lld-%s-%s",
		json_integer_value(json_object_get(post, "id")),
		fl_hex_encode(hex, rnd, sizeof rnd), name[0] ? name : "image");
	fl_err e = fl_save_upload(image, upload_folder(c), name);
	if (e)
		return fl_abort(c, 500, "The image could not be saved.");
	json_object_set_new(post, "image", json_string(name));
	return 0;
}

/* Remove image `name` (one save_image made, or NULL) from the upload
 * folder once no post points to it any more: after the commit that
 * replaced or deleted it, so a failed commit loses nothing. */
static void remove_image(fl_ctx *c, const char *name)
{
	if (name && unlink(fl_arena_printf(c->arena, "%s/%s", upload_folder(c), name)) != 0
	    && errno != ENOENT)
		fl_warning("image %s: %s", name, strerror(errno));
}

/* ---- views ---- */

static int index_view(fl_ctx *c)
{
	json_t *posts;
	fl_query *q = fl_query_new(fl_get_db(c), c->arena, &Post);
	fl_query_load(q, "author");
	fl_query_order_by(q, "created", true);
	fl_query_order_by(q, "id", true);
	fl_err e = fl_query_all(q, &posts);
	if (e)
		return fl_abort_db(c, e);
	return fl_render(c, 0, "blog/index.html", json_pack("{s:o}", "posts", posts));
}

/* get_post(id, check_author): the post, 404 when there is none, 403 when
 * it is somebody else's.  Returns 0 with *post set, or the status. */
static int get_post(fl_ctx *c, long long id, bool check_author, json_t **post)
{
	fl_err e = fl_get(fl_get_db(c), c->arena, &Post, json_integer(id), post);
	if (e)
		return fl_abort_db(c, e);
	if (!*post)
		return fl_abort(c, 404, "Post id %lld doesn't exist.", id);
	if (check_author && !json_equal(json_object_get(*post, "author_id"),
			json_object_get(fl_current_user(c), "id")))
		return fl_abort(c, 403, NULL);
	return 0;
}

static int create_view(fl_ctx *c)
{
	fl_form *form = fl_new_form(c, &PostForm);
	if (fl_validate_on_submit(c, form)) {
		fl_db *db = fl_get_db(c);
		json_t *post = json_pack("{s:s, s:s, s:O}",
			"title", fl_form_data(form, "title"),
			"body", fl_form_data(form, "body"),
			"author_id", json_object_get(fl_current_user(c), "id"));
		fl_err e = fl_db_add(db, &Post, post);
		if (e)
			return fl_abort_db(c, e);
		int s = save_image(c, form, post);
		if (s)
			return s;
		e = fl_db_update(db, &Post, post);
		if (!e)
			e = fl_db_commit(db);
		if (e)
			return fl_abort_db(c, e);
		return fl_redirect(c, fl_url_for(c, "blog.index", NULL), 303);
	}
	return fl_render(c, 0, "blog/create.html", json_pack("{s:o}",
		"form", fl_make_form_context(c, form)));
}

static int update_view(fl_ctx *c)
{
	json_t *post;
	int s = get_post(c, fl_get_view_arg_int(c, "id"), true, &post);
	if (s)
		return s;
	fl_form *form = fl_new_form(c, &PostForm);
	if (fl_validate_on_submit(c, form)) {
		json_object_set_new(post, "title", json_string(fl_form_data(form, "title")));
		json_object_set_new(post, "body", json_string(fl_form_data(form, "body")));
		const char *old_image = json_string_value(json_object_get(post, "image"));
		old_image = old_image ? fl_arena_strdup(c->arena, old_image) : NULL;
		s = save_image(c, form, post);
		if (s)
			return s;
		fl_db *db = fl_get_db(c);
		fl_err e = fl_db_update(db, &Post, post);
		if (!e)
			e = fl_db_commit(db);
		if (e)
			return fl_abort_db(c, e);
		if (old_image && strcmp(old_image, json_string_value(json_object_get(post, "image"))))
			remove_image(c, old_image);
		return fl_redirect(c, fl_url_for(c, "blog.index", NULL), 303);
	}
	if (!fl_form_is_submitted(c->req.method_name)) {
		/* PostForm(obj=post): the form shows the post as it is. */
		fl_form_set_data(form, "title", json_string_value(json_object_get(post, "title")));
		fl_form_set_data(form, "body", json_string_value(json_object_get(post, "body")));
	}
	return fl_render(c, 0, "blog/update.html", json_pack("{s:O, s:o}",
		"post", post, "form", fl_make_form_context(c, form)));
}

static int delete_view(fl_ctx *c)
{
	json_t *post;
	int s = get_post(c, fl_get_view_arg_int(c, "id"), true, &post);
	if (s)
		return s;
	fl_db *db = fl_get_db(c);
	fl_err e = fl_db_delete(db, &Post, post);
	if (!e)
		e = fl_db_commit(db);
	if (e)
		return fl_abort_db(c, e);
	remove_image(c, json_string_value(json_object_get(post, "image")));
	return fl_redirect(c, fl_url_for(c, "blog.index", NULL), 303);
}

/* The post's image, from the upload folder (send_from_directory). */
static int image_view(fl_ctx *c)
{
	json_t *post;
	int s = get_post(c, fl_get_view_arg_int(c, "id"), false, &post);
	if (s)
		return s;
	const char *name = json_string_value(json_object_get(post, "image"));
	if (!name)
		return fl_abort(c, 404, "Post id %lld has no image.", fl_get_view_arg_int(c, "id"));
	return fl_send_from_directory(c, upload_folder(c), name, NULL);
}

/* ---- the blueprint ---- */

static const fl_route routes[] = {
	{ "/", "index", FL_M_GET, index_view, 0 },
	{ "/create", "create", FL_M_GET | FL_M_POST, create_view, FL_ROUTE_LOGIN_REQUIRED },
	{ "/<int:id>/update", "update", FL_M_GET | FL_M_POST, update_view,
	  FL_ROUTE_LOGIN_REQUIRED },
	{ "/<int:id>/delete", "delete", FL_M_POST, delete_view, FL_ROUTE_LOGIN_REQUIRED },
	{ "/<int:id>/image", "image", FL_M_GET, image_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint blog_blueprint = {
	.name = "blog", .routes = routes, .app = &flaskr_app,
};

int main(void)
{
	return fl_run(&blog_blueprint);
}
