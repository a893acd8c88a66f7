/* session.c — Flask's open_session/save_session rules over any store,
 * werkzeug's dump_cookie formatting, and TaggedJSON helpers.  See session.h. */
#include "session/session.h"
#include "session/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "base/log.h"
#include "base/signing.h"

/* werkzeug.sansio.response: browsers may drop larger cookies. */
#define COOKIE_MAX_SIZE 4093

void fl_session_config_init(fl_session_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->permanent_lifetime = FL_SESSION_DEFAULT_LIFETIME;
	cfg->cookie_name = "session";
	cfg->path = "/";
	cfg->httponly = true;
	cfg->refresh_each_request = true;
}

/* ---- open / save -------------------------------------------------------- */

const char *fl_session_serialize(fl_arena *a, const json_t *data)
{
	fl_buf b;
	fl_buf_init(&b, a);
	if (fl_json_dumps_compact(data, &b) != FL_OK)
		return NULL;   /* never equal to anything: counts as modified */
	return fl_buf_cstr(&b);
}

fl_err fl_session_open(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
                       const char *cookie_value, time_t now, fl_session *s)
{
	fl_err err = FL_OK;
	memset(s, 0, sizeof *s);
	if (cookie_value && !*cookie_value)
		cookie_value = NULL;
	if (st && cfg)
		err = st->open(st, cfg, a, cookie_value, now, s);
	if (!json_is_object(s->data)) {
		fl_arena *old = fl_json_set_arena(a);
		s->data = json_object();
		fl_json_set_arena(old);
		s->sid = NULL;
		s->opened = NULL;
	}
	if (json_object_size(s->data) == 0)
		s->is_new = true;
	if (!s->opened)   /* the cookie store gives it with the object */
		s->opened = fl_session_serialize(a, s->data);
	return err;
}

static bool modified_in(fl_arena *a, const fl_session *s)
{
	const char *now = fl_session_serialize(a, s->data);
	return !now || !s->opened || strcmp(now, s->opened) != 0;
}

bool fl_session_modified(const fl_session *s)
{
	fl_arena *a = fl_arena_new(4096);
	bool modified = modified_in(a, s);
	fl_arena_free(a);
	return modified;
}

bool fl_session_permanent(const json_t *data)
{
	return json_is_true(json_object_get(data, "_permanent"));
}

void fl_session_set_permanent(json_t *data, bool on)
{
	json_object_set_new_nocheck(data, "_permanent", json_boolean(on));
}

static void cookie_attrs(const fl_session_config *cfg, time_t now, fl_cookie *out)
{
	fl_cookie_init(out, cfg->cookie_name ? cfg->cookie_name : "session", "");
	out->now = now;
	out->domain = cfg->domain && *cfg->domain ? cfg->domain : NULL;
	out->path = cfg->path ? cfg->path : "/";
	out->secure = cfg->secure;
	out->httponly = cfg->httponly;
	out->samesite = cfg->samesite && *cfg->samesite ? cfg->samesite : NULL;
}

fl_err fl_session_save(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
                       fl_session *s, time_t now, fl_cookie *out)
{
	memset(out, 0, sizeof *out);
	out->max_age = -1;
	if (!st || !cfg || !s || !s->data)
		return FL_EINVAL;
	bool modified = modified_in(a, s);

	if (json_object_size(s->data) == 0) {
		if (!modified)
			return FL_OK;
		fl_err err = st->delete_record ? st->delete_record(st, cfg, a, s) : FL_OK;
		cookie_attrs(cfg, now, out);   /* response.delete_cookie(...) */
		out->expires_set = true;
		out->expires = 0;
		out->max_age = 0;
		return err;
	}
	bool permanent = st->permanent || fl_session_permanent(s->data);
	if (!modified && !(permanent && cfg->refresh_each_request))
		return FL_OK;
	if (!cfg->secret_key || !*cfg->secret_key)
		return FL_ECONFIG;

	const char *value = NULL;
	fl_err err = st->save(st, cfg, a, s, now, &value);
	if (err)
		return err;
	cookie_attrs(cfg, now, out);
	out->value = value;
	if (permanent) {
		out->expires_set = true;
		out->expires = now + (time_t)cfg->permanent_lifetime;
	}
	return FL_OK;
}

fl_err fl_session_save_header(const fl_session_store *st, const fl_session_config *cfg,
                              fl_arena *a, fl_session *s, time_t now, const char **header)
{
	fl_cookie c;
	char *h = NULL;
	*header = NULL;
	fl_err err = fl_session_save(st, cfg, a, s, now, &c);
	if (err || !c.key)
		return err;
	err = fl_dump_cookie(a, &c, &h);
	if (err)
		return err;
	if (strlen(h) > COOKIE_MAX_SIZE)
		fl_warning("The '%s' cookie is too large: %zu bytes; browsers may ignore it",
		           c.key, strlen(h));
	*header = h;
	return FL_OK;
}


fl_err fl_session_regenerate_id(const fl_session_store *st, const fl_session_config *cfg,
                                fl_arena *a, fl_session *s)
{
	fl_err err = FL_OK;
	if (s->sid && st && st->delete_record)
		err = st->delete_record(st, cfg, a, s);
	s->sid = NULL;
	s->opened = NULL;   /* counts as modified: saved under a new id */
	return err;
}

void fl_session_store_free(fl_session_store *st)
{
	if (st && st->destroy)
		st->destroy(st);
}


/* ---- server-side session ids (Flask-Session) ----------------------------- */

/* Flask-Session signs session ids with Signer(secret_key,
 * salt="flask-session", key_derivation="hmac"). */
#define SID_SALT "flask-session"

/* See internal.h. */
fl_err fl_session_signer_opts(const fl_session_config *cfg, const char *salt,
                              fl_signer_opts *o)
{
	if (!cfg || !cfg->secret_key || !*cfg->secret_key)
		return FL_ECONFIG;
	memset(o, 0, sizeof *o);
	o->secret_key = cfg->secret_key;
	o->secret_key_len = cfg->secret_key_len;
	o->salt = salt;
	o->digest = FL_DIGEST_SHA1;
	o->key_derivation = FL_KEY_HMAC;
	return FL_OK;
}

fl_err fl_session_sid_new(fl_arena *a, char **out)
{
	unsigned char raw[FL_SESSION_SID_BYTES];
	if (RAND_bytes(raw, sizeof raw) != 1) {
		fl_error("RAND_bytes failed: cannot make a session id");
		return FL_EIO;
	}
	*out = fl_base64url_encode(a, raw, sizeof raw);
	return *out ? FL_OK : FL_ENOMEM;
}

bool fl_session_sid_valid(const char *sid)
{
	if (!sid || strlen(sid) != FL_SESSION_SID_LEN)
		return false;
	for (const char *p = sid; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

fl_err fl_session_sid_sign(const fl_session_config *cfg, fl_arena *a, const char *sid,
                           char **out)
{
	fl_signer_opts o;
	fl_err err = fl_session_signer_opts(cfg, SID_SALT, &o);
	if (err)
		return err;
	if (!fl_session_sid_valid(sid))
		return FL_EINVAL;
	return fl_signer_sign(&o, a, sid, strlen(sid), out);
}

fl_err fl_session_sid_unsign(const fl_session_config *cfg, fl_arena *a, const char *cookie_value,
                             char **sid)
{
	fl_signer_opts o;
	char *v = NULL;
	fl_err err = fl_session_signer_opts(cfg, SID_SALT, &o);
	if (err)
		return err;
	if (!cookie_value)
		return FL_EMALFORMED;
	err = fl_signer_unsign(&o, a, cookie_value, strlen(cookie_value), &v, NULL);
	if (err)
		return err;
	if (!fl_session_sid_valid(v))
		return FL_EMALFORMED;
	*sid = v;
	return FL_OK;
}

fl_err fl_session_record_load(fl_arena *a, const char *sid, const char *text, size_t len,
                              fl_session *s)
{
	json_t *v = NULL;
	if (fl_json_loads(a, text, len, &v) != FL_OK || !json_is_object(v))
		return FL_EMALFORMED;
	s->data = v;
	s->sid = fl_arena_strdup(a, sid);
	return FL_OK;
}

fl_err fl_session_record_prepare(const fl_session_config *cfg, fl_arena *a, fl_session *s,
                                 const char **text, const char **cookie_value)
{
	char *cookie = NULL;
	fl_err err;
	if (!s->sid || !fl_session_sid_valid(s->sid)) {
		char *sid = NULL;
		if ((err = fl_session_sid_new(a, &sid)) != FL_OK)
			return err;
		s->sid = sid;
	}
	const char *t = fl_session_serialize(a, s->data);
	if (!t)
		return FL_EINVAL;
	if ((err = fl_session_sid_sign(cfg, a, s->sid, &cookie)) != FL_OK)
		return err;
	*text = t;
	*cookie_value = cookie;
	return FL_OK;
}


/* ---- TaggedJSON ---------------------------------------------------------- */

static const char *const tag_keys[] = {" di", " t", " b", " m", " u", " d"};

static bool is_tag_key(const char *k, size_t len)
{
	for (size_t i = 0; i < sizeof tag_keys / sizeof tag_keys[0]; i++)
		if (strlen(tag_keys[i]) == len && memcmp(tag_keys[i], k, len) == 0)
			return true;
	return false;
}

json_t *fl_tag_tuple(json_t *array)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, " t", array ? array : json_array());
	return o;
}

/* base64.b64decode of `s` into malloc'd bytes; -1 when it is not base64. */
static long b64_std_decode(const char *s, unsigned char **out)
{
	size_t len = strlen(s);
	unsigned char *buf = malloc(len / 4 * 3 + 3);
	uint32_t acc = 0;
	int bits = 0;
	long o = 0;
	if (!buf)
		return -1;
	while (len && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *p = s[i] ? strchr(alpha, s[i]) : NULL;
		if (!p) {
			free(buf);
			return -1;
		}
		acc = (acc << 6 | (uint32_t)(p - alpha)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	*out = buf;
	return o;
}

static json_t *untag_bytes(const json_t *v)
{
	unsigned char *raw;
	long n;
	if (!json_is_string(v) || (n = b64_std_decode(json_string_value(v), &raw)) < 0)
		return json_deep_copy(v);
	json_t *s = memchr(raw, 0, (size_t)n) ? NULL : json_stringn((char *)raw, (size_t)n);
	free(raw);
	return s ? s : json_deep_copy(v);
}

/* The only member of a one-member object. */
static void only_member(json_t *obj, const char **k, size_t *klen, json_t **v)
{
	void *it = json_object_iter(obj);
	*k = json_object_iter_key(it);
	*klen = json_object_iter_key_len(it);
	*v = json_object_iter_value(it);
}

/* TaggedJSONSerializer.untag on an object whose children are untagged. */
static json_t *untag_one(json_t *obj)
{
	const char *k, *ik;
	size_t klen, iklen;
	json_t *v, *iv, *r = NULL;
	if (json_object_size(obj) != 1)
		return obj;
	only_member(obj, &k, &klen, &v);
	if (!is_tag_key(k, klen))
		return obj;
	if (strcmp(k, " di") == 0) {
		/* TagDict.to_python: {key[:-2]: value} */
		if (json_object_size(v) == 1) {
			only_member(v, &ik, &iklen, &iv);
			if (iklen >= 2) {
				r = json_object();
				json_object_setn(r, ik, iklen - 2, iv);
			}
		}
	} else if (strcmp(k, " b") == 0) {
		r = untag_bytes(v);
	} else {
		r = json_incref(v);   /* " t" is already an array; the rest strings */
	}
	if (!r)
		return obj;
	json_decref(obj);
	return r;
}

json_t *fl_tag_untag(const json_t *tagged)
{
	if (json_is_array(tagged)) {
		json_t *arr = json_array();
		for (size_t i = 0; i < json_array_size(tagged); i++)
			json_array_append_new(arr, fl_tag_untag(json_array_get(tagged, i)));
		return arr;
	}
	if (!json_is_object(tagged))
		return json_deep_copy(tagged);
	json_t *obj = json_object();
	const char *k;
	size_t klen;
	json_t *v;
	json_object_keylen_foreach((json_t *)tagged, k, klen, v)
		json_object_setn_new(obj, k, klen, fl_tag_untag(v));
	return untag_one(obj);
}

json_t *fl_tag_escape(const json_t *plain)
{
	if (json_is_array(plain)) {
		json_t *arr = json_array();
		for (size_t i = 0; i < json_array_size(plain); i++)
			json_array_append_new(arr, fl_tag_escape(json_array_get(plain, i)));
		return arr;
	}
	if (!json_is_object(plain))
		return json_deep_copy(plain);
	const char *k;
	size_t klen;
	json_t *v;
	json_t *obj = json_object();
	json_object_keylen_foreach((json_t *)plain, k, klen, v) {
		if (json_object_size(plain) == 1 && is_tag_key(k, klen)) {
			/* TagDict.to_json: {key + "__": tag(value)} under " di" */
			char *nk = malloc(klen + 2);
			if (!nk)
				break;
			memcpy(nk, k, klen);
			memcpy(nk + klen, "__", 2);
			json_t *inner = json_object();
			json_object_setn_new(inner, nk, klen + 2, fl_tag_escape(v));
			free(nk);
			json_object_set_new_nocheck(obj, " di", inner);
		} else {
			json_object_setn_new(obj, k, klen, fl_tag_escape(v));
		}
	}
	return obj;
}
