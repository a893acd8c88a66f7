/* session_cookie.c — Flask's SecureCookieSessionInterface: the whole session
 * signed into the `session` cookie.  See session.h. */
#include <string.h>

#include "session/session.h"
#include "session/internal.h"
#include "base/signing.h"

/* SecureCookieSessionInterface.salt, for get_signing_serializer */
#define COOKIE_SALT "cookie-session"

/* Flask checks a cookie's age against PERMANENT_SESSION_LIFETIME. */
static long long max_age_of(const fl_session_config *cfg)
{
	return cfg->permanent_lifetime < 0 ? 0 : cfg->permanent_lifetime;
}

fl_err fl_session_cookie_dumps(const fl_session_config *cfg, fl_arena *a, const json_t *data,
                               time_t now, char **out)
{
	fl_signer_opts o;
	fl_err err = fl_session_signer_opts(cfg, COOKIE_SALT, &o);
	if (err)
		return err;
	return fl_serializer_dumps(&o, a, data, now, out);
}

/* …loads(value, max_age=PERMANENT_SESSION_LIFETIME), and the signing time. */
static fl_err cookie_loads(const fl_session_config *cfg, fl_arena *a, const char *value,
                           size_t len, time_t now, json_t **out, time_t *signed_at)
{
	fl_signer_opts o;
	json_t *v;
	fl_err err = fl_session_signer_opts(cfg, COOKIE_SALT, &o);
	if (err)
		return err;
	err = fl_serializer_loads_at(&o, a, value, len, max_age_of(cfg), now, &v, signed_at);
	if (err)
		return err;
	if (!json_is_object(v))
		return FL_EMALFORMED;
	*out = v;
	return FL_OK;
}

fl_err fl_session_cookie_loads(const fl_session_config *cfg, fl_arena *a, const char *value,
                               time_t now, json_t **out)
{
	if (!value)
		return cfg && cfg->secret_key && *cfg->secret_key ? FL_EMALFORMED : FL_ECONFIG;
	return cookie_loads(cfg, a, value, strlen(value), now, out, NULL);
}

/* open_session: any failure is an empty (new) session, never an error.  A
 * cookie seen before comes from the memo (cookie_memo.c). */
static fl_err cookie_open(const fl_session_store *st, const fl_session_config *cfg,
                          fl_arena *a, const char *cookie_value, time_t now, fl_session *s)
{
	json_t *data;
	time_t signed_at;
	if (!cookie_value || !cfg->secret_key)
		return FL_OK;
	size_t len = strlen(cookie_value);
	if (fl_session_memo_get(cfg, a, cookie_value, len, max_age_of(cfg), now, &s->data,
	                        &s->opened))
		return FL_OK;
	if (cookie_loads(cfg, a, cookie_value, len, now, &data, &signed_at) != FL_OK)
		return FL_OK;
	s->data = data;
	s->opened = fl_session_serialize(a, data);
	if (s->opened)
		fl_session_memo_put(cfg, cookie_value, len, signed_at, data, s->opened);
	return FL_OK;
}

static fl_err cookie_save(const fl_session_store *st, const fl_session_config *cfg,
                          fl_arena *a, fl_session *s, time_t now, const char **cookie_value)
{
	char *v;
	fl_err err = fl_session_cookie_dumps(cfg, a, s->data, now, &v);
	if (err)
		return err;
	*cookie_value = v;
	return FL_OK;
}

/* Nothing is stored server-side: the deletion cookie is all it takes. */
static fl_err cookie_delete(const fl_session_store *st, const fl_session_config *cfg,
                            fl_arena *a, fl_session *s)
{
	return FL_OK;
}

static const fl_session_store cookie_store = {
	.type = "null",
	.open = cookie_open,
	.save = cookie_save,
	.delete_record = cookie_delete,
	.destroy = NULL,
	.impl = NULL,
};

const fl_session_store *fl_session_cookie_store(void)
{
	return &cookie_store;
}
