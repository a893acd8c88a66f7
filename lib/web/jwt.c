/* jwt.c — flask-jwt-extended's decorators and helpers for views, over
 * auth/token.c.  See jwt.h. */
#include "web/jwt.h"
#include "web/ctx_internal.h"
#include "web/helpers.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/token.h"
#include "base/clock.h"
#include "base/log.h"

static const char *jwt_key(fl_ctx *c, size_t *len)
{
	const char *k = c->config->jwt_secret_key;
	if (!k || !*k)
		k = c->config->secret_key;
	*len = k ? strlen(k) : 0;
	return k;
}

const char *fl_create_access_token(fl_ctx *c, const char *identity)
{
	size_t klen;
	const char *key = jwt_key(c, &klen);
	char *tok;
	if (fl_token_create_access(c->arena, key, klen, identity,
			c->config->jwt_access_token_expires, fl_now(), &tok)) {
		fl_error("create_access_token failed");
		return NULL;
	}
	return tok;
}

/* The blueprint's user lookup (flask-jwt-extended's _load_user): 0, the
 * lookup's own status, or 401 when it finds nobody. */
static int load_user(fl_ctx *c, json_t *claims)
{
	int (*lookup)(fl_ctx *, json_t *, json_t **) = c->app->bp->jwt_user_lookup;
	json_t *user = NULL;
	fl_state(c)->jwt_user = NULL;
	if (!lookup)
		return 0;
	int s = lookup(c, claims, &user);
	if (s)
		return s;
	if (!user) {
		/* fl_get_jwt must not show claims that were refused. */
		json_object_del(c->g, "_jwt");
		fl_set_header(c, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return fl_abort(c, 401, "Error loading the user %s",
			json_string_value(json_object_get(claims, "sub")));
	}
	fl_state(c)->jwt_user = user;
	return 0;
}

int fl_jwt_required(fl_ctx *c)
{
	/* RFC 6750 §3: tell the client which scheme to use. */
	const char *auth = fl_get_header(c, "Authorization");
	if (!auth || !*auth) {
		fl_set_header(c, "WWW-Authenticate", "Bearer");
		return fl_abort(c, 401, "Missing Authorization Header");
	}
	if (strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7] || strchr(auth + 7, ' ')) {
		fl_set_header(c, "WWW-Authenticate", "Bearer");
		return fl_abort(c, 401, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'");
	}
	size_t klen;
	const char *key = jwt_key(c, &klen);
	fl_token_claims claims;
	const char *why = NULL;
	fl_err e = fl_token_decode(c->arena, key, klen, auth + 7, fl_now(), &claims, &why);
	if (e) {
		fl_set_header(c, "WWW-Authenticate", e == FL_EEXPIRED
			? "Bearer error=\"invalid_token\", error_description=\"The token has expired\""
			: "Bearer error=\"invalid_token\"");
		return fl_abort(c, 401, "%s", why ? why : "Invalid token");
	}
	json_object_set_nocheck(c->g, "_jwt", claims.json);
	return load_user(c, claims.json);
}

json_t *fl_get_current_user(fl_ctx *c)
{
	return fl_state(c)->jwt_user;
}

json_t *fl_get_jwt(fl_ctx *c)
{
	return json_object_get(c->g, "_jwt");
}

const char *fl_get_jwt_identity(fl_ctx *c)
{
	return json_string_value(json_object_get(fl_get_jwt(c), "sub"));
}
