/* token.c — JSON Web Tokens over libjwt (flask-jwt-extended's access
 * tokens).  See token.h, in particular for why every libjwt call runs inside
 * a "heap window" (libjwt 1.10 frees jansson's strings with plain free()). */
#include "auth/token.h"

#include <jwt.h>
#include <limits.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/signing.h"

/* ---- the heap window ----
 * While it is open jansson allocates with plain malloc/free, which is what
 * libjwt 1.10 assumes when it free()s the result of json_dumps().  Every
 * jwt_t is created and freed inside one window; only C strings (copied to
 * an arena, or malloc'ed by libjwt and free()d here) leave it. */

typedef struct heap_window {
	json_malloc_t malloc_fn;
	json_free_t free_fn;
} heap_window;

static void window_open(heap_window *w)
{
	json_get_alloc_funcs(&w->malloc_fn, &w->free_fn);
	json_set_alloc_funcs(malloc, free);
}

static void window_close(heap_window *w)
{
	json_set_alloc_funcs(w->malloc_fn, w->free_fn);
}

/* ---- creating ---- */

/* str(uuid.uuid4()) from 16 random bytes; false when RAND_bytes fails. */
static int uuid4(char out[37])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1)
		return 0;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		b[13], b[14], b[15]);
	return 1;
}

fl_err fl_token_create_access(fl_arena *a, const void *key, size_t key_len, const char *sub,
	long expires_in, time_t now, char **out)
{
	char jti[37];
	*out = NULL;
	if (!key || key_len == 0 || key_len > INT_MAX || !sub || !*sub || expires_in <= 0)
		return FL_EINVAL;
	if ((long long)now > LLONG_MAX / 2 || expires_in > LONG_MAX - (long)now)
		return FL_EINVAL;
	if (!uuid4(jti)) {
		fl_error("token: the random generator failed");
		return FL_EIO;
	}
	heap_window w;
	window_open(&w);
	jwt_t *jwt = NULL;
	char *encoded = NULL;
	int rc = jwt_new(&jwt);
	if (!rc)
		rc = jwt_set_alg(jwt, JWT_ALG_HS256, key, (int)key_len);
	if (!rc)
		rc = jwt_add_grant(jwt, "sub", sub);
	if (!rc)
		rc = jwt_add_grant_int(jwt, "iat", (long)now);
	if (!rc)
		rc = jwt_add_grant_int(jwt, "nbf", (long)now);
	if (!rc)
		rc = jwt_add_grant_int(jwt, "exp", (long)now + expires_in);
	if (!rc)
		rc = jwt_add_grant(jwt, "jti", jti);
	if (!rc)
		rc = jwt_add_grant(jwt, "type", "access");
	if (!rc)
		rc = jwt_add_grant_bool(jwt, "fresh", 0);
	if (!rc && !(encoded = jwt_encode_str(jwt)))
		rc = -1;
	if (encoded) {
		*out = fl_arena_strdup(a, encoded);
		free(encoded);   /* libjwt's malloc */
	}
	jwt_free(jwt);
	window_close(&w);
	if (rc) {
		fl_error("token: libjwt could not sign a token (%d)", rc);
		return FL_EIO;
	}
	return FL_OK;
}

/* ---- verifying ---- */

static fl_err fail(const char **why, const char *reason, fl_err e)
{
	if (why)
		*why = reason;
	return e;
}

/* The JSON object a base64url segment holds, parsed into `a`, or NULL. */
static json_t *segment_object(fl_arena *a, const char *s, size_t n)
{
	unsigned char *raw;
	size_t len;
	json_t *v;
	if (n == 0 || fl_base64url_decode(a, s, n, &raw, &len) ||
	    fl_json_loads(a, (const char *)raw, len, &v) || !json_is_object(v))
		return NULL;
	return v;
}

/* A NumericDate claim: *out and 1 when present as a number, 0 when absent,
 * -1 when present but not a number (true/false are not numbers). */
static int numeric_claim(json_t *claims, const char *name, long long *out)
{
	json_t *v = json_object_get(claims, name);
	*out = 0;
	if (!v)
		return 0;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 1;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d != d || d > 9e18 || d < -9e18)
			return -1;
		*out = (long long)d;
		return 1;
	}
	return -1;
}

fl_err fl_token_decode(fl_arena *a, const void *key, size_t key_len, const char *token,
	time_t now, fl_token_claims *claims, const char **why)
{
	memset(claims, 0, sizeof *claims);
	if (!key || key_len == 0 || key_len > INT_MAX)
		return fail(why, "The server has no JWT key.", FL_EINVAL);
	if (!token || !*token)
		return fail(why, "Missing token.", FL_EMALFORMED);
	size_t n = strnlen(token, FL_TOKEN_MAX_LENGTH + 1);
	if (n > FL_TOKEN_MAX_LENGTH)
		return fail(why, "The token is too long.", FL_EMALFORMED);
	/* header.payload.signature: exactly two dots, base64url in between. */
	const char *dot1 = memchr(token, '.', n);
	const char *dot2 = dot1 ? memchr(dot1 + 1, '.', n - (size_t)(dot1 + 1 - token)) : NULL;
	if (!dot1 || !dot2 || memchr(dot2 + 1, '.', n - (size_t)(dot2 + 1 - token)))
		return fail(why, "Not enough segments.", FL_EMALFORMED);
	/* Check the algorithm ourselves, before libjwt: only HS256 is allowed,
	 * so "none" (no signature) and key-confusion tricks never reach it. */
	json_t *header = segment_object(a, token, (size_t)(dot1 - token));
	if (!header)
		return fail(why, "Invalid header.", FL_EMALFORMED);
	const char *alg = json_string_value(json_object_get(header, "alg"));
	if (!alg || strcmp(alg, "HS256") != 0)
		return fail(why, "The specified alg value is not allowed.", FL_EMALFORMED);
	if (!segment_object(a, dot1 + 1, (size_t)(dot2 - dot1 - 1)))
		return fail(why, "Invalid payload.", FL_EMALFORMED);
	if (dot2[1] == '\0')
		return fail(why, "Signature verification failed.", FL_EBADSIG);

	/* libjwt verifies the signature and parses the claims. */
	heap_window w;
	window_open(&w);
	jwt_t *jwt = NULL;
	char *grants = NULL;
	int rc = jwt_decode(&jwt, token, key, (int)key_len);
	int alg_ok = !rc && jwt_get_alg(jwt) == JWT_ALG_HS256;
	char *copy = NULL;
	if (alg_ok && (grants = jwt_get_grants_json(jwt, NULL)) != NULL) {
		copy = fl_arena_strdup(a, grants);
		free(grants);    /* json_dumps under the window: plain malloc */
	}
	jwt_free(jwt);
	window_close(&w);
	if (rc || !alg_ok)
		return fail(why, "Signature verification failed.", FL_EBADSIG);
	json_t *body;
	if (!copy || fl_json_loads(a, copy, strlen(copy), &body) || !json_is_object(body))
		return fail(why, "Invalid payload.", FL_EMALFORMED);

	/* The claims flask-jwt-extended checks (no leeway). */
	long long exp, nbf, iat;
	int has_exp = numeric_claim(body, "exp", &exp);
	int has_nbf = numeric_claim(body, "nbf", &nbf);
	int has_iat = numeric_claim(body, "iat", &iat);
	if (has_exp < 0 || has_nbf < 0 || has_iat < 0)
		return fail(why, "Invalid date claim.", FL_EINVAL);
	if (!has_exp)
		return fail(why, "Missing claim: exp", FL_EINVAL);
	if (exp <= (long long)now)
		return fail(why, "Token has expired", FL_EEXPIRED);
	if (has_nbf && nbf > (long long)now)
		return fail(why, "The token is not yet valid (nbf)", FL_EINVAL);
	json_t *sub = json_object_get(body, "sub");
	if (!sub)
		return fail(why, "Missing claim: sub", FL_EINVAL);
	if (!json_is_string(sub) || json_string_length(sub) == 0)
		return fail(why, "Subject must be a string", FL_EINVAL);
	json_t *type = json_object_get(body, "type");
	if (type && (!json_is_string(type) || strcmp(json_string_value(type), "access") != 0))
		return fail(why, "Only access tokens are allowed", FL_EINVAL);
	json_t *fresh = json_object_get(body, "fresh");

	claims->sub = json_string_value(sub);
	claims->jti = json_string_value(json_object_get(body, "jti"));
	claims->type = "access";
	claims->fresh = json_is_true(fresh);
	claims->iat = iat;
	claims->nbf = nbf;
	claims->exp = exp;
	claims->json = body;
	return FL_OK;
}
