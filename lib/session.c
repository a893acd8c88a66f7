/* session.c — Flask's open_session/save_session rules over any store,
 * werkzeug's dump_cookie formatting, and TaggedJSON helpers.  See session.h. */
#include "session.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "signing.h"

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

static const char *serialize(fl_arena *a, const json_t *data)
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
	}
	if (json_object_size(s->data) == 0)
		s->is_new = true;
	s->opened = serialize(a, s->data);
	return err;
}

static bool modified_in(fl_arena *a, const fl_session *s)
{
	const char *now = serialize(a, s->data);
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
	json_object_set_new(data, "_permanent", json_boolean(on));
}

static void cookie_attrs(const fl_session_config *cfg, fl_session_cookie *out)
{
	out->name = cfg->cookie_name ? cfg->cookie_name : "session";
	out->max_age = -1;
	out->domain = cfg->domain && *cfg->domain ? cfg->domain : NULL;
	out->path = cfg->path ? cfg->path : "/";
	out->secure = cfg->secure;
	out->httponly = cfg->httponly;
	out->samesite = cfg->samesite && *cfg->samesite ? cfg->samesite : NULL;
}

fl_err fl_session_save(const fl_session_store *st, const fl_session_config *cfg, fl_arena *a,
                       fl_session *s, time_t now, fl_session_cookie *out)
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
		cookie_attrs(cfg, out);   /* response.delete_cookie(...) */
		out->value = "";
		out->has_expires = true;
		out->expires = 0;
		out->max_age = 0;
		return err;
	}
	bool permanent = fl_session_permanent(s->data);
	if (!modified && !(permanent && cfg->refresh_each_request))
		return FL_OK;
	if (!cfg->secret_key || !*cfg->secret_key)
		return FL_ECONFIG;

	const char *value = NULL;
	fl_err err = st->save(st, cfg, a, s, now, &value);
	if (err)
		return err;
	cookie_attrs(cfg, out);
	out->value = value;
	if (permanent) {
		out->has_expires = true;
		out->expires = now + (time_t)cfg->permanent_lifetime;
	}
	return FL_OK;
}

fl_err fl_session_save_header(const fl_session_store *st, const fl_session_config *cfg,
                              fl_arena *a, fl_session *s, time_t now, const char **header)
{
	fl_session_cookie c;
	char *h = NULL;
	*header = NULL;
	fl_err err = fl_session_save(st, cfg, a, s, now, &c);
	if (err || !c.name)
		return err;
	err = fl_session_cookie_header(&c, a, &h);
	if (err)
		return err;
	if (strlen(h) > COOKIE_MAX_SIZE)
		fl_warning("The '%s' cookie is too large: %zu bytes; browsers may ignore it",
		           c.name, strlen(h));
	*header = h;
	return FL_OK;
}

/* ---- Set-Cookie formatting (werkzeug.http.dump_cookie) ------------------ */

char *fl_session_http_date(time_t t, char buf[32])
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	snprintf(buf, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
	         tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	         tm.tm_sec);
	return buf;
}

/* werkzeug._internal._legal_cookie_chars */
static bool legal_cookie_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("/=!#$%&'*+-.^_`|~:", c));
}

/* werkzeug._internal._cookie_quote: octal escapes, quoted when needed. */
static void cookie_quote(fl_buf *b, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t i;
	for (i = 0; p[i] && legal_cookie_char(p[i]); i++)
		;
	if (!p[i]) {
		fl_buf_puts(b, v);
		return;
	}
	fl_buf_putc(b, '"');
	for (i = 0; p[i]; i++) {
		unsigned char c = p[i];
		if (legal_cookie_char(c))
			fl_buf_putc(b, (char)c);
		else if (c == '"' || c == '\\')
			fl_buf_printf(b, "\\%c", c);
		else if (c == ',' || c == ';' || c < 32 || c >= 127)
			fl_buf_printf(b, "\\%03o", c);
		else
			fl_buf_putc(b, (char)c);
	}
	fl_buf_putc(b, '"');
}

static bool is_token(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 32 || c >= 127 || strchr("()<>@,;:\\\"/[]?={}", c))
			return false;
	}
	return true;
}

static bool is_attr_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 32 || c == 127 || c == ';')
			return false;
	}
	return true;
}

fl_err fl_session_cookie_header(const fl_session_cookie *c, fl_arena *a, char **header)
{
	static const char *const samesites[] = {"Strict", "Lax", "None"};
	const char *samesite = NULL;
	char date[32];

	if (!c || !is_token(c->name) || (c->path && !is_attr_value(c->path)))
		return FL_EINVAL;
	if (c->samesite) {
		for (size_t i = 0; i < 3; i++)
			if (strcasecmp(c->samesite, samesites[i]) == 0)
				samesite = samesites[i];
		if (!samesite)
			return FL_EINVAL;
	}
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, c->name);
	fl_buf_putc(&b, '=');
	cookie_quote(&b, c->value ? c->value : "");
	if (c->domain) {
		/* _make_cookie_domain: drop a port, insist on a dot. */
		const char *colon = strchr(c->domain, ':');
		size_t dlen = colon ? (size_t)(colon - c->domain) : strlen(c->domain);
		char *d = fl_arena_strndup(a, c->domain, dlen);
		if (!strchr(d, '.') || !is_attr_value(d))
			return FL_EINVAL;
		fl_buf_puts(&b, "; Domain=");
		cookie_quote(&b, d);
	}
	if (c->has_expires)
		fl_buf_printf(&b, "; Expires=%s", fl_session_http_date(c->expires, date));
	if (c->max_age >= 0)
		fl_buf_printf(&b, "; Max-Age=%lld", c->max_age);
	if (c->secure)
		fl_buf_puts(&b, "; Secure");
	if (c->httponly)
		fl_buf_puts(&b, "; HttpOnly");
	if (c->path)
		fl_buf_printf(&b, "; Path=%s", c->path);
	if (samesite)
		fl_buf_printf(&b, "; SameSite=%s", samesite);
	*header = (char *)fl_buf_cstr(&b);
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
	json_object_set_new(o, " t", array ? array : json_array());
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
			json_object_set_new(obj, " di", inner);
		} else {
			json_object_setn_new(obj, k, klen, fl_tag_escape(v));
		}
	}
	return obj;
}
