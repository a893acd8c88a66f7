/* signing.c — itsdangerous 2.1 (signer.py, timed.py, url_safe.py,
 * encoding.py) on OpenSSL libcrypto and zlib.  See signing.h. */
#include "base/signing.h"
#include "base/signing_memo.h"
#include "base/pyrepr.h"
#include "base/utf8.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define JSON_MAX_DEPTH 2048

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- base64url ---------------------------------------------------------- */

/* Room for the base64url form of `len` bytes and a NUL. */
static size_t b64url_size(size_t len)
{
	return (len + 2) / 3 * 4 + 1;
}

/* Write the base64url form of the `len` bytes at `data` (no padding) and a
 * NUL at `out`, which has b64url_size(len) bytes; returns its length. */
static size_t b64url_write(char *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t o = 0, i = 0;

	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = b64_alphabet[v >> 6 & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		if (i + 1 < len)
			out[o++] = b64_alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

char *fl_base64url_encode(fl_arena *a, const void *data, size_t len)
{
	char *out = fl_arena_alloc(a, b64url_size(len));
	b64url_write(out, data, len);
	return out;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

fl_err fl_base64url_decode(fl_arena *a, const char *s, size_t len,
                           unsigned char **out, size_t *out_len)
{
	/* Trailing '=' are optional: itsdangerous re-pads whatever it gets. */
	size_t pad = 0;
	while (len > 0 && s[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if (len % 4 == 1)
		return FL_EMALFORMED;

	unsigned char *buf = fl_arena_alloc(a, len / 4 * 3 + 3);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return FL_EMALFORMED;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	buf[o] = '\0';
	*out = buf;
	*out_len = o;
	return FL_OK;
}

/* The last `c` in the `len` bytes at `s` (Python's rsplit), or NULL. */
static const char *last_sep(const char *s, size_t len, char c)
{
	while (len > 0) {
		if (s[--len] == c)
			return s + len;
	}
	return NULL;
}

/* ---- keys and signatures ------------------------------------------------ */

static const EVP_MD *md_of(fl_digest d)
{
	switch (d) {
	case FL_DIGEST_SHA1: return EVP_sha1();
	case FL_DIGEST_SHA256: return EVP_sha256();
	case FL_DIGEST_SHA512: return EVP_sha512();
	}
	return NULL;
}

static size_t secret_len(const fl_signer_opts *o)
{
	return o->secret_key_len ? o->secret_key_len : strlen(o->secret_key);
}

static char sep_of(const fl_signer_opts *o)
{
	return o->sep ? o->sep : '.';
}

/* The separator may not occur in a signature (Signer.__init__). */
static fl_err check_opts(const fl_signer_opts *o)
{
	char sep = sep_of(o);
	if (!o->secret_key || !md_of(o->digest) || b64_value((unsigned char)sep) >= 0 ||
	    sep == '=')
		return FL_EINVAL;
	return FL_OK;
}

static fl_err digest_concat(const EVP_MD *md, const char *salt, const char *mid,
                            const void *secret, size_t slen, unsigned char *buf,
                            size_t *key_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) &&
	         EVP_DigestUpdate(ctx, salt, strlen(salt)) &&
	         EVP_DigestUpdate(ctx, mid, strlen(mid)) &&
	         EVP_DigestUpdate(ctx, secret, slen) &&
	         EVP_DigestFinal_ex(ctx, buf, &n);
	EVP_MD_CTX_free(ctx);
	*key_len = n;
	return ok ? FL_OK : FL_ENOMEM;
}

static fl_err derive(const fl_signer_opts *o, const char *salt,
                     unsigned char buf[FL_SIGN_MAX_DIGEST], const unsigned char **key,
                     size_t *key_len)
{
	fl_err err = check_opts(o);
	if (err)
		return err;
	const EVP_MD *md = md_of(o->digest);
	size_t slen = secret_len(o);
	unsigned int n = 0;

	*key = buf;
	switch (o->key_derivation) {
	case FL_KEY_CONCAT:
		return digest_concat(md, salt, "", o->secret_key, slen, buf, key_len);
	case FL_KEY_DJANGO_CONCAT:
		return digest_concat(md, salt, "signer", o->secret_key, slen, buf, key_len);
	case FL_KEY_HMAC:
		if (!HMAC(md, o->secret_key, (int)slen, (const unsigned char *)salt,
		          strlen(salt), buf, &n))
			return FL_ENOMEM;
		*key_len = n;
		return FL_OK;
	case FL_KEY_NONE:
		*key = o->secret_key;
		*key_len = slen;
		return FL_OK;
	}
	return FL_EINVAL;
}

fl_err fl_signer_derive_key(const fl_signer_opts *o, unsigned char buf[FL_SIGN_MAX_DIGEST],
                            const unsigned char **key, size_t *key_len)
{
	if (!o)
		return FL_EINVAL;
	return derive(o, o->salt ? o->salt : "itsdangerous.Signer", buf, key, key_len);
}

/* ---- the per-process key cache (issue #9) ----
 * Every signed cookie and CSRF token needs the key derived from SECRET_KEY
 * and a salt (one HMAC or digest) and then an HMAC; OpenSSL 3's one-shot
 * HMAC() also looks the algorithm up in its provider store each time.
 * A process uses a handful of (secret, salt) pairs for its whole life, so
 * each gets a slot holding the derived key and an EVP_MAC_CTX keyed with
 * it, re-initialised (same key) for each signature.  A slot is compared by
 * the secret's bytes, so a changed SECRET_KEY can never reuse an old key. */

#define KEY_SLOTS 8

struct key_slot {
	bool used;
	fl_digest digest;
	fl_key_derivation kd;
	unsigned char *secret;
	size_t secret_len;
	char *salt;
	EVP_MAC_CTX *mac;
	unsigned long last_use;
	unsigned long id;       /* this derived key's number: the HMAC memo's key */
};

static struct key_slot key_slots[KEY_SLOTS];
static unsigned long key_clock, key_ids;

static void slot_clear(struct key_slot *k)
{
	if (k->secret)
		OPENSSL_cleanse(k->secret, k->secret_len);
	free(k->secret);
	free(k->salt);
	EVP_MAC_CTX_free(k->mac);
	memset(k, 0, sizeof *k);
}

/* An EVP_MAC_CTX for HMAC with `md`, keyed with key[0..len). */
static EVP_MAC_CTX *keyed_mac(const EVP_MD *md, const unsigned char *key, size_t len)
{
	static EVP_MAC *hmac;
	if (!hmac && !(hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
		return NULL;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
			(char *)EVP_MD_get0_name(md), 0),
		OSSL_PARAM_construct_end(),
	};
	if (ctx && EVP_MAC_init(ctx, key, len, params))
		return ctx;
	EVP_MAC_CTX_free(ctx);
	return NULL;
}

/* The slot for (o's digest, derivation and secret, salt), made on a miss
 * (evicting the least recently used one); NULL when out of memory. */
static struct key_slot *key_slot(const fl_signer_opts *o, const char *salt)
{
	size_t slen = secret_len(o);
	struct key_slot *k, *victim = &key_slots[0];
	for (k = key_slots; k < key_slots + KEY_SLOTS; k++) {
		if (k->used && k->digest == o->digest && k->kd == o->key_derivation &&
		    k->secret_len == slen && memcmp(k->secret, o->secret_key, slen) == 0 &&
		    strcmp(k->salt, salt) == 0) {
			k->last_use = ++key_clock;
			return k;
		}
		if (!k->used || (victim->used && k->last_use < victim->last_use))
			victim = k;
	}
	unsigned char kbuf[FL_SIGN_MAX_DIGEST];
	const unsigned char *key;
	size_t key_len;
	if (derive(o, salt, kbuf, &key, &key_len) != FL_OK)
		return NULL;
	slot_clear(victim);
	k = victim;
	k->secret = malloc(slen ? slen : 1);
	k->salt = strdup(salt);
	k->mac = keyed_mac(md_of(o->digest), key, key_len);
	OPENSSL_cleanse(kbuf, sizeof kbuf);
	if (!k->secret || !k->salt || !k->mac) {
		slot_clear(k);
		return NULL;
	}
	memcpy(k->secret, o->secret_key, slen);
	k->secret_len = slen;
	k->digest = o->digest;
	k->kd = o->key_derivation;
	k->used = true;
	k->last_use = ++key_clock;
	k->id = ++key_ids;
	return k;
}

/* Raw HMAC of `value` under the key derived with `salt`. */
static fl_err raw_signature(const fl_signer_opts *o, const char *salt, const char *value,
                            size_t len, unsigned char sig[FL_SIGN_MAX_DIGEST],
                            size_t *sig_len)
{
	fl_err err = check_opts(o);
	if (err)
		return err;
	struct key_slot *k = key_slot(o, salt);
	size_t n = 0;
	if (k && fl_mac_memo_get(k->id, value, len, sig, FL_SIGN_MAX_DIGEST, sig_len))
		return FL_OK;
	if (!k || !EVP_MAC_init(k->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(k->mac, (const unsigned char *)value, len) ||
	    !EVP_MAC_final(k->mac, sig, &n, FL_SIGN_MAX_DIGEST))
		return FL_ENOMEM;
	fl_mac_memo_put(k->id, value, len, sig, n);
	*sig_len = n;
	return FL_OK;
}

/* value, the separator, then `data` in base64url: how Signer.sign appends
 * the signature and TimestampSigner.sign the timestamp.  NUL-terminated in
 * `a`; its length goes to *out_len unless `out_len` is NULL. */
static char *join_b64(const fl_signer_opts *o, fl_arena *a, const char *value, size_t len,
                      const void *data, size_t n, size_t *out_len)
{
	char *s = fl_arena_alloc(a, len + 1 + b64url_size(n));
	memcpy(s, value, len);
	s[len] = sep_of(o);
	size_t k = b64url_write(s + len + 1, data, n);
	if (out_len)
		*out_len = len + 1 + k;
	return s;
}

static fl_err sign_with_salt(const fl_signer_opts *o, const char *salt, fl_arena *a,
                             const char *value, size_t len, char **out)
{
	unsigned char sig[FL_SIGN_MAX_DIGEST];
	size_t sig_len;
	fl_err err = raw_signature(o, salt, value, len, sig, &sig_len);
	if (err)
		return err;
	*out = join_b64(o, a, value, len, sig, sig_len, NULL);
	return FL_OK;
}

/* Signer.unsign: rsplit at the separator, constant-time compare. */
static fl_err unsign_with_salt(const fl_signer_opts *o, const char *salt, fl_arena *a,
                               const char *sv, size_t len, size_t *value_len)
{
	fl_err err = check_opts(o);
	if (err)
		return err;
	const char *sep = last_sep(sv, len, sep_of(o));
	if (!sep)
		return FL_EBADSIG;
	size_t vlen = (size_t)(sep - sv);
	unsigned char *given;
	size_t given_len;
	if (fl_base64url_decode(a, sep + 1, len - vlen - 1, &given, &given_len) != FL_OK)
		return FL_EBADSIG;

	unsigned char sig[FL_SIGN_MAX_DIGEST];
	size_t sig_len;
	err = raw_signature(o, salt, sv, vlen, sig, &sig_len);
	if (err)
		return err;
	if (given_len != sig_len || CRYPTO_memcmp(given, sig, sig_len) != 0)
		return FL_EBADSIG;
	*value_len = vlen;
	return FL_OK;
}

static void set_value(fl_arena *a, const char *sv, size_t vlen, char **value,
                      size_t *value_len)
{
	if (value)
		*value = fl_arena_strndup(a, sv, vlen);
	if (value_len)
		*value_len = vlen;
}

fl_err fl_signer_sign(const fl_signer_opts *o, fl_arena *a, const char *value, size_t len,
                      char **out)
{
	if (!o || !value || !out)
		return FL_EINVAL;
	return sign_with_salt(o, o->salt ? o->salt : "itsdangerous.Signer", a, value, len, out);
}

fl_err fl_signer_unsign(const fl_signer_opts *o, fl_arena *a, const char *signed_value,
                        size_t len, char **value, size_t *value_len)
{
	size_t vlen;
	if (!o || !signed_value)
		return FL_EINVAL;
	fl_err err = unsign_with_salt(o, o->salt ? o->salt : "itsdangerous.Signer", a,
	                              signed_value, len, &vlen);
	if (err)
		return err;
	set_value(a, signed_value, vlen, value, value_len);
	return FL_OK;
}

/* ---- timestamps --------------------------------------------------------- */

/* itsdangerous int_to_bytes: big-endian, leading zero bytes stripped. */
static size_t int_to_bytes(uint64_t v, unsigned char out[8])
{
	unsigned char tmp[8];
	size_t i = 0, n;
	for (int k = 7; k >= 0; k--)
		tmp[7 - k] = (unsigned char)(v >> (k * 8));
	while (i < 8 && tmp[i] == 0)
		i++;
	n = 8 - i;
	memcpy(out, tmp + i, n);
	return n;
}

static fl_err timestamp_sign(const fl_signer_opts *o, const char *salt, fl_arena *a,
                             const char *value, size_t len, time_t now, char **out)
{
	unsigned char ts[8];
	size_t tslen = int_to_bytes(now < 0 ? 0 : (uint64_t)now, ts);
	size_t vlen;
	char *v = join_b64(o, a, value, len, ts, tslen, &vlen);
	return sign_with_salt(o, salt, a, v, vlen, out);
}

static fl_err timestamp_unsign(const fl_signer_opts *o, const char *salt, fl_arena *a,
                               const char *sv, size_t len, long long max_age, time_t now,
                               size_t *value_len, time_t *signed_at)
{
	size_t vlen;
	fl_err err = unsign_with_salt(o, salt, a, sv, len, &vlen);
	if (err)
		return err;
	const char *sep = last_sep(sv, vlen, sep_of(o));
	if (!sep)
		return FL_EMALFORMED;   /* "timestamp missing" */
	size_t plen = (size_t)(sep - sv);
	unsigned char *ts;
	size_t tslen;
	if (fl_base64url_decode(a, sep + 1, vlen - plen - 1, &ts, &tslen) != FL_OK || tslen > 8)
		return FL_EMALFORMED;   /* "Malformed timestamp" */
	uint64_t t = 0;
	for (size_t i = 0; i < tslen; i++)
		t = t << 8 | ts[i];

	if (max_age >= 0) {
		uint64_t unow = now < 0 ? 0 : (uint64_t)now;
		if (t > unow)
			return FL_EBADSIG;  /* "Signature age < 0 seconds" */
		if (unow - t > (uint64_t)max_age)
			return FL_EEXPIRED;
	}
	if (signed_at)
		*signed_at = t > (uint64_t)INT64_MAX ? (time_t)INT64_MAX : (time_t)t;
	*value_len = plen;
	return FL_OK;
}

fl_err fl_timestamp_sign(const fl_signer_opts *o, fl_arena *a, const char *value, size_t len,
                         time_t now, char **out)
{
	if (!o || !value || !out)
		return FL_EINVAL;
	return timestamp_sign(o, o->salt ? o->salt : "itsdangerous.Signer", a, value, len, now,
	                      out);
}

fl_err fl_timestamp_unsign(const fl_signer_opts *o, fl_arena *a, const char *signed_value,
                           size_t len, long long max_age, time_t now,
                           char **value, size_t *value_len, time_t *signed_at)
{
	size_t vlen;
	if (!o || !signed_value)
		return FL_EINVAL;
	fl_err err = timestamp_unsign(o, o->salt ? o->salt : "itsdangerous.Signer", a,
	                              signed_value, len, max_age, now, &vlen, signed_at);
	if (err)
		return err;
	set_value(a, signed_value, vlen, value, value_len);
	return FL_OK;
}

/* ---- Python-compatible compact JSON ------------------------------------- */

/* "\\u" and four lowercase hex digits, as "\\u%04x" (cp < 0x10000). */
static void put_u_escape(fl_buf *out, unsigned cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hex[cp >> 12 & 15], hex[cp >> 8 & 15], hex[cp >> 4 & 15],
		hex[cp & 15] };
	fl_buf_append(out, e, sizeof e);
}

/* json.encoder.py_encode_basestring_ascii */
fl_err fl_json_dump_string(const char *str, size_t len, fl_buf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	fl_buf_putc(out, '"');
	for (size_t i = 0; i < len;) {
		/* A run of printable ASCII other than '"' and '\\' goes out as
		 * it is, in one append: most text is that (session keys, tokens,
		 * names), and a call per byte cost more than the escaping. */
		size_t run = i;
		while (run < len && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			fl_buf_append(out, s + i, run - i);
			i = run;
			continue;
		}
		uint32_t cp = s[i];
		size_t n = 1;
		/* Strict UTF-8 (no overlongs, no surrogates); ASCII needs no call. */
		if (cp >= 0x80 && !(n = fl_utf8_decode(str + i, len - i, &cp)))
			return FL_EUTF8;
		i += n;
		switch (cp) {
		case '"': fl_buf_puts(out, "\\\""); continue;
		case '\\': fl_buf_puts(out, "\\\\"); continue;
		case '\n': fl_buf_puts(out, "\\n"); continue;
		case '\r': fl_buf_puts(out, "\\r"); continue;
		case '\t': fl_buf_puts(out, "\\t"); continue;
		case '\b': fl_buf_puts(out, "\\b"); continue;
		case '\f': fl_buf_puts(out, "\\f"); continue;
		default: break;
		}
		/* what is left: controls, DEL and non-ASCII */
		if (cp < 0x10000) {
			put_u_escape(out, cp);
		} else {
			cp -= 0x10000;
			put_u_escape(out, 0xd800 | (cp >> 10));
			put_u_escape(out, 0xdc00 | (cp & 0x3ff));
		}
	}
	fl_buf_putc(out, '"');
	return FL_OK;
}


typedef struct key_ref {
	const char *key;
	size_t len;
	json_t *value;
} key_ref;

/* Python sorts str keys by code point; for UTF-8 that is byte order. */
static int cmp_keys(const void *x, const void *y)
{
	const key_ref *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static fl_err dump_value(const json_t *v, fl_buf *out, int depth);

static fl_err dump_object(const json_t *v, fl_buf *out, int depth)
{
	size_t n = json_object_size(v), i = 0;
	key_ref *keys = fl_arena_calloc(out->arena, n ? n : 1, sizeof *keys);
	const char *k;
	size_t klen;
	json_t *val;
	json_object_keylen_foreach((json_t *)v, k, klen, val) {
		keys[i].key = k;
		keys[i].len = klen;
		keys[i].value = val;
		i++;
	}
	qsort(keys, i, sizeof *keys, cmp_keys);
	fl_buf_putc(out, '{');
	for (size_t j = 0; j < i; j++) {
		if (j)
			fl_buf_putc(out, ',');
		fl_err err = fl_json_dump_string(keys[j].key, keys[j].len, out);
		if (!err) {
			fl_buf_putc(out, ':');
			err = dump_value(keys[j].value, out, depth + 1);
		}
		if (err)
			return err;
	}
	fl_buf_putc(out, '}');
	return FL_OK;
}

static fl_err dump_value(const json_t *v, fl_buf *out, int depth)
{
	if (!v)
		return FL_EINVAL;
	if (depth > JSON_MAX_DEPTH)
		return FL_ERANGE;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return dump_object(v, out, depth);
	case JSON_ARRAY:
		fl_buf_putc(out, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				fl_buf_putc(out, ',');
			fl_err err = dump_value(json_array_get(v, i), out, depth + 1);
			if (err)
				return err;
		}
		fl_buf_putc(out, ']');
		return FL_OK;
	case JSON_STRING:
		return fl_json_dump_string(json_string_value(v), json_string_length(v), out);
	case JSON_INTEGER:
		fl_buf_put_int(out, (long long)json_integer_value(v));
		return FL_OK;
	case JSON_REAL:
		fl_float_repr(out, json_real_value(v));
		return FL_OK;
	case JSON_TRUE:
		fl_buf_puts(out, "true");
		return FL_OK;
	case JSON_FALSE:
		fl_buf_puts(out, "false");
		return FL_OK;
	case JSON_NULL:
		fl_buf_puts(out, "null");
		return FL_OK;
	}
	return FL_EINVAL;
}

fl_err fl_json_dumps_compact(const json_t *v, fl_buf *out)
{
	if (!out)
		return FL_EINVAL;
	return dump_value(v, out, 0);
}

fl_err fl_json_loads(fl_arena *a, const char *text, size_t len, json_t **out)
{
	json_error_t jerr;
	fl_arena *old = fl_json_set_arena(a);
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	fl_json_set_arena(old);
	if (!v)
		return FL_EMALFORMED;
	*out = v;
	return FL_OK;
}

/* ---- URLSafeTimedSerializer --------------------------------------------- */

/* zlib.compress(data) with one deflate stream per process, reset for each
 * payload (issue #9).  compress2() allocates ~270 KB of zlib state and frees
 * it again on every call: glibc then trims the heap and the next session
 * cookie or CSRF token page-faults it all back in, which cost every page
 * with a form about a third of its CPU time.
 *
 * memLevel (issue #20): deflateReset() clears the hash table heads, 2 <<
 * (memLevel + 7) bytes: 64 KiB at zlib's default memLevel 8, twice per new
 * visitor (session cookie and CSRF token), a fifth of that page's
 * instructions.  memLevel 3 clears 2 KiB.  Its other effects: a 1024-entry
 * hash (colliding positions cost a few more compares; matches are still
 * checked byte by byte, so the stream stays valid) and blocks of at most
 * 511 symbols, which only a payload of ~500 literals or more ever reaches
 * (a cookie is at most 4 KB).  windowBits stays 15, Python's: the window is
 * not cleared by a reset, so a smaller one would save no instructions, and
 * 15 keeps the zlib header (and so, for the cookies the interop tests
 * cover, every byte) as zlib.compress() writes it.  Whatever the bytes,
 * Python's zlib.decompress() reads any valid stream with a window of at
 * most 15 bits, which is what Flask's loads() does.  Level 6 as before.
 * Processes are single-threaded; the stream is never freed (reachable
 * from here until exit). */
#define COMPRESS_MEM_LEVEL 3

static int compress_payload(unsigned char *dst, uLongf *dst_len, const unsigned char *src,
                            size_t len)
{
	static z_stream zs;
	static bool ready;
	if (len > UINT_MAX || *dst_len > UINT_MAX)
		return Z_BUF_ERROR;
	if (!ready) {
		memset(&zs, 0, sizeof zs);
		if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, MAX_WBITS,
		                 COMPRESS_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
			return Z_MEM_ERROR;
		ready = true;
	} else if (deflateReset(&zs) != Z_OK) {
		return Z_STREAM_ERROR;
	}
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = dst;
	zs.avail_out = (uInt)*dst_len;
	int rc = deflate(&zs, Z_FINISH);
	if (rc != Z_STREAM_END)
		return rc == Z_OK ? Z_BUF_ERROR : rc;
	*dst_len = zs.total_out;
	return Z_OK;
}

/* URLSafeSerializerMixin.dump_payload: the compressed form ('.' first)
 * when the JSON is at least FL_SIGN_COMPRESS_MIN bytes (why and what it
 * costs: signing.h) and the stream is shorter by more than that '.', else
 * the JSON, in base64url;
 * its length goes to *out_len.  The output buffer holds len - 2 bytes, the
 * longest compressed form that can win: deflate stops as soon as a stream
 * would be longer, so an incompressible payload costs no full pass. */
static char *dump_payload(fl_arena *a, const char *json, size_t len, size_t *out_len)
{
	if (len >= FL_SIGN_COMPRESS_MIN) {
		/* Z_OK means the stream fit len - 2 bytes: with its '.' it wins */
		uLongf clen = len - 2;
		unsigned char *c = fl_arena_alloc(a, clen);
		if (compress_payload(c, &clen, (const unsigned char *)json, len) == Z_OK) {
			char *p = fl_arena_alloc(a, 1 + b64url_size(clen));
			p[0] = '.';
			*out_len = 1 + b64url_write(p + 1, c, clen);
			return p;
		}
	}
	char *p = fl_arena_alloc(a, b64url_size(len));
	*out_len = b64url_write(p, json, len);
	return p;
}

static fl_err inflate_capped(fl_arena *a, const unsigned char *in, size_t len,
                             unsigned char **out, size_t *out_len)
{
	/* One inflate stream per process, reset for each payload, as deflate's
	 * (compress_payload): inflateInit() allocated ~7 KB of state and the
	 * 32 KB window and inflateEnd() freed them again on every compressed
	 * cookie (issue #20).  Never freed (reachable until exit). */
	static z_stream zs;
	static bool ready;
	if (!ready) {
		memset(&zs, 0, sizeof zs);
		if (inflateInit(&zs) != Z_OK)
			return FL_ENOMEM;
		ready = true;
	} else if (inflateReset(&zs) != Z_OK) {
		return FL_ENOMEM;
	}
	fl_buf b;
	fl_buf_init(&b, a);
	unsigned char chunk[16384];
	int rc;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof chunk;
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		size_t got = sizeof chunk - zs.avail_out;
		if (b.len + got > FL_SIGN_MAX_PAYLOAD)
			return FL_ETOOLARGE;
		fl_buf_append(&b, chunk, got);
		if (rc == Z_OK && got == 0 && zs.avail_in == 0)
			break;   /* truncated stream */
	} while (rc != Z_STREAM_END);
	if (rc != Z_STREAM_END)
		return FL_EMALFORMED;
	*out = (unsigned char *)fl_buf_cstr(&b);
	*out_len = b.len;
	return FL_OK;
}

/* URLSafeSerializerMixin.load_payload + Serializer.load_payload */
static fl_err load_payload(fl_arena *a, const char *p, size_t len, json_t **out)
{
	bool compressed = len > 0 && p[0] == '.';
	unsigned char *raw;
	size_t raw_len;
	if (compressed) {
		p++;
		len--;
	}
	if (fl_base64url_decode(a, p, len, &raw, &raw_len) != FL_OK)
		return FL_EMALFORMED;
	if (compressed) {
		if (raw_len > UINT32_MAX)
			return FL_ETOOLARGE;
		fl_err err = inflate_capped(a, raw, raw_len, &raw, &raw_len);
		if (err)
			return err;
	} else if (raw_len > FL_SIGN_MAX_PAYLOAD) {
		return FL_ETOOLARGE;
	}
	return fl_json_loads(a, (const char *)raw, raw_len, out);
}

fl_err fl_serializer_dumps(const fl_signer_opts *o, fl_arena *a, const json_t *v, time_t now,
                           char **out)
{
	if (!o || !a || !out)
		return FL_EINVAL;
	fl_err err = check_opts(o);
	if (err)
		return err;
	fl_buf json;
	fl_buf_init(&json, a);
	err = fl_json_dumps_compact(v, &json);
	if (err)
		return err;
	size_t plen;
	char *payload = dump_payload(a, fl_buf_cstr(&json), json.len, &plen);
	return timestamp_sign(o, o->salt ? o->salt : "itsdangerous", a, payload, plen, now, out);
}

fl_err fl_serializer_loads(const fl_signer_opts *o, fl_arena *a, const char *s, size_t len,
                           long long max_age, time_t now, json_t **out)
{
	return fl_serializer_loads_at(o, a, s, len, max_age, now, out, NULL);
}

fl_err fl_serializer_loads_at(const fl_signer_opts *o, fl_arena *a, const char *s, size_t len,
                              long long max_age, time_t now, json_t **out, time_t *signed_at)
{
	size_t plen;
	if (!o || !a || !s || !out)
		return FL_EINVAL;
	fl_err err = timestamp_unsign(o, o->salt ? o->salt : "itsdangerous", a, s, len, max_age,
	                              now, &plen, signed_at);
	if (err)
		return err;
	return load_payload(a, s, plen, out);
}
