/* csrf.c — Flask-WTF's CSRF token scheme.  See csrf.h. */
#include "form/csrf.h"

#include <openssl/crypto.h>
#include <string.h>
#include <sys/random.h>

#include "base/signing.h"
#include "base/hex.h"

static void csrf_opts(const char *secret, size_t secret_len, fl_signer_opts *o)
{
	/* URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token"): the
	 * default TimestampSigner, SHA-1 and django-concat. */
	memset(o, 0, sizeof *o);
	o->secret_key = secret;
	o->secret_key_len = secret_len;
	o->salt = "wtf-csrf-token";
	o->digest = FL_DIGEST_SHA1;
	o->key_derivation = FL_KEY_DJANGO_CONCAT;
}

/* Flask-WTF's hashlib.sha1(os.urandom(64)).hexdigest() is 160 random
 * bits as 40 lowercase hex digits, and that is all anyone reads of it (it
 * is only ever compared as a string); 20 random bytes in hex are the same
 * without the SHA-1 over 64 of them, which cost ~5k instructions on every
 * new visitor's first page (issue #20). */
static fl_err new_raw_token(char hex[41])
{
	/* The kernel's generator, as os.urandom is: OpenSSL's RAND_bytes
	 * would set up its DRBGs and providers on the first new visitor,
	 * ~200 kB of heap in every process that shows a form (issue 20). */
	unsigned char rnd[20];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return FL_EIO;
	fl_hex_encode(hex, rnd, sizeof rnd);
	OPENSSL_cleanse(rnd, sizeof rnd);
	return FL_OK;
}

fl_err fl_csrf_generate(const char *secret, size_t secret_len, json_t *session, fl_arena *a,
                        time_t now, const char **token)
{
	fl_signer_opts o;
	char *signed_token;
	if (!secret || (!secret_len && !*secret) || !json_is_object(session) || !token)
		return FL_EINVAL;
	json_t *raw = json_object_get(session, FL_CSRF_FIELD_NAME);
	if (!json_is_string(raw)) {
		/* Flask-WTF only replaces a token it cannot serialize; a non-string
		 * could never compare equal in validate_csrf, so replace it too. */
		char hex[41];
		fl_err err = new_raw_token(hex);
		if (err)
			return err;
		raw = json_stringn_nocheck(hex, 40);   /* hex digits: ASCII */
		json_object_set_new(session, FL_CSRF_FIELD_NAME, raw);
	}
	csrf_opts(secret, secret_len, &o);
	fl_err err = fl_serializer_dumps(&o, a, raw, now, &signed_token);
	if (err)
		return err;
	*token = signed_token;
	return FL_OK;
}

fl_err fl_csrf_validate(const char *secret, size_t secret_len, const json_t *session,
                        fl_arena *a, const char *token, long long time_limit, time_t now)
{
	fl_signer_opts o;
	json_t *payload;
	if (!token || !*token)
		return FL_ECSRFMISSING;
	if (!secret || (!secret_len && !*secret))
		return FL_ECSRFINVALID;
	json_t *raw = json_object_get(session, FL_CSRF_FIELD_NAME);
	if (!json_is_string(raw))
		return FL_ECSRFINVALID;  /* "The CSRF session token is missing." */
	csrf_opts(secret, secret_len, &o);
	if (fl_serializer_loads(&o, a, token, strlen(token), time_limit, now, &payload) != FL_OK)
		return FL_ECSRFINVALID;  /* expired, invalid */
	if (!json_is_string(payload))
		return FL_ECSRFINVALID;
	size_t n = json_string_length(raw);
	if (json_string_length(payload) != n ||
	    CRYPTO_memcmp(json_string_value(payload), json_string_value(raw), n) != 0)
		return FL_ECSRFINVALID;  /* "The CSRF tokens do not match." */
	return FL_OK;
}
