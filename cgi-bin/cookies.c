/* cookies — raw cookies: set, read and delete one cookie (the Flask
 * demo's response.set_cookie / request.cookies.get / delete_cookie).
 *
 *     GET /set?key=K&value=V[&max_age=SECONDS][&expires_days=D]
 *     GET /get?key=K
 *     GET /delete?key=K
 *
 * Values go out raw (RFC 6265 cookie-octets, no quoting), so anything that
 * is not a token name or a cookie-octet value is refused with 400 rather
 * than sent as a broken header.  Every route refuses the names the
 * application keeps (fl_cookie_name_reserved: the session cookie,
 * __Host-/__Secure- names) with 400: /set and /delete answer a plain GET,
 * so any site could otherwise make a visitor's browser plant a session,
 * and /get would hand an HttpOnly session cookie to page scripts.
 */
#include <string.h>
#include <time.h>

#include "flagon.h"
#include "app/blueprints.h"
#include "app/flasky.h"

/* Largest max_age accepted: 100 years, so Expires stays a real date. */
#define MAX_AGE_MAX 3153600000LL
/* expires_days accepted: ten years back (an already expired cookie) to a
 * hundred years ahead. */
#define EXPIRES_DAYS_MIN (-3650LL)
#define EXPIRES_DAYS_MAX 36500LL
/* Longest name and value accepted (a cookie is ~4 KB at most in browsers). */
#define COOKIE_TEXT_MAX 4000

/* The `key` query argument, checked; NULL after answering 400 (*status).
 * The names the application keeps for itself are refused too: a cross-site
 * GET could otherwise plant a session, and reading the session cookie back
 * into the page would undo its HttpOnly. */
static const char *cookie_key(fl_ctx *c, int *status)
{
	const char *key = fl_get_arg(c, "key");
	if (!key || !*key) {
		*status = fl_abort(c, 400, "The query argument 'key' (the cookie name) is required.");
		return NULL;
	}
	if (strlen(key) > COOKIE_TEXT_MAX || !fl_header_name_ok(key)) {
		*status = fl_abort(c, 400, "Invalid cookie name: it must be an RFC 6265 token "
			"(letters, digits and !#$%%&'*+-.^_`|~, no spaces, '=' or ';').");
		return NULL;
	}
	const char *why = fl_cookie_name_reserved(c, key);
	if (why) {
		*status = fl_abort(c, 400, "The cookie name '%s' is reserved: %s.", key, why);
		return NULL;
	}
	return key;
}

static int set_view(fl_ctx *c)
{
	int status = 0;
	const char *key = cookie_key(c, &status);
	if (!key)
		return status;
	const char *value = fl_get_arg(c, "value");
	if (!value)
		return fl_abort(c, 400, "The query argument 'value' is required.");
	if (strlen(value) > COOKIE_TEXT_MAX || !fl_cookie_value_ok(value))
		return fl_abort(c, 400, "Invalid cookie value: only RFC 6265 cookie-octets are "
			"allowed (printable ASCII except space, '\"', ',', ';' and '\\').");
	fl_cookie_opts o = FL_COOKIE_DEFAULTS;
	long long n;
	fl_err e = fl_get_arg_int(c, "max_age", &n);
	if (e != FL_ENOTFOUND) {
		if (e)
			return fl_abort(c, 400, "max_age must be an integer number of seconds.");
		if (n < 0)
			return fl_abort(c, 400, "max_age must not be negative.");
		if (n > MAX_AGE_MAX)
			return fl_abort(c, 400, "max_age is too large (at most %lld seconds).",
				MAX_AGE_MAX);
		o.max_age = (long)n;
	}
	e = fl_get_arg_int(c, "expires_days", &n);
	if (e != FL_ENOTFOUND) {
		if (e)
			return fl_abort(c, 400, "expires_days must be an integer number of days.");
		if (n < EXPIRES_DAYS_MIN || n > EXPIRES_DAYS_MAX)
			return fl_abort(c, 400, "expires_days must be between %lld and %lld.",
				EXPIRES_DAYS_MIN, EXPIRES_DAYS_MAX);
		o.expires = time(NULL) + (time_t)(n * 86400);
	}
	e = fl_set_cookie(c, key, value, &o);
	if (e)
		return fl_abort(c, 400, "The cookie cannot be set: %s.", fl_strerror(e));
	return fl_text(c, 200, NULL, "cookie set");
}

static int get_view(fl_ctx *c)
{
	int status = 0;
	const char *key = cookie_key(c, &status);
	if (!key)
		return status;
	const char *value = fl_get_cookie(c, key);
	if (!value)
		return fl_abort(c, 404, "There is no cookie with that name.");
	fl_buf b;
	fl_buf_init(&b, c->arena);
	fl_html_escape(&b, value, strlen(value));
	return fl_html(c, 200, fl_buf_cstr(&b));
}

static int delete_view(fl_ctx *c)
{
	int status = 0;
	const char *key = cookie_key(c, &status);
	if (!key)
		return status;
	fl_err e = fl_delete_cookie(c, key, NULL, NULL);
	if (e)
		return fl_abort(c, 400, "The cookie cannot be deleted: %s.", fl_strerror(e));
	return fl_text(c, 200, NULL, "cookie deleted");
}

static const fl_route routes[] = {
	{ "/set", "set", FL_M_GET, set_view, 0 },
	{ "/get", "get", FL_M_GET, get_view, 0 },
	{ "/delete", "delete", FL_M_GET, delete_view, 0 },
	FL_ROUTES_END,
};

const fl_blueprint cookies_blueprint = {
	.name = "cookies", .routes = routes, .app = &flasky_app,
};

int main(void)
{
	return fl_run(&cookies_blueprint);
}
