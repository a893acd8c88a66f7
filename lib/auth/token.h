/* token.h — JSON Web Tokens for the API (flask-jwt-extended), a thin
 * wrapper over libjwt.  (Not "jwt.h": with -Ilib that name would hide
 * libjwt's own <jwt.h>.)
 *
 * An access token is what flask-jwt-extended's create_access_token(identity)
 * makes: HS256 over JWT_SECRET_KEY, header {"alg":"HS256","typ":"JWT"},
 * claims
 *
 *     sub    the identity, a STRING (RFC 7519: the user id "5", not 5)
 *     iat    issued at (seconds since the epoch)
 *     nbf    not before (= iat)
 *     exp    iat + JWT_ACCESS_TOKEN_EXPIRES (900 s by default)
 *     jti    a random UUID4, so no two tokens are alike
 *     type   "access"
 *     fresh  false
 *
 * so a Flagon token decodes with PyJWT / flask-jwt-extended given the same
 * key, and theirs verify here.  Verification accepts HS256 only: a token
 * whose header names any other algorithm — "none" included, and HS384/512,
 * RS256 (key confusion) — is refused before libjwt looks at it.  Expired
 * (exp <= now), not yet valid (nbf > now), tampered (bad signature),
 * malformed tokens, a non-string sub and a type other than "access" are
 * refused too; there is no leeway (JWT_DECODE_LEEWAY = 0).
 *
 * Memory.  libjwt 1.10 keeps its claims in jansson values and frees what
 * json_dumps() returns with plain free(), but Flagon replaces jansson's
 * allocator for the whole process with a tagged one (arena.c: every block
 * starts 16 bytes before the pointer jansson sees), so libjwt's free()
 * would hit the wrong address.  libjwt 1.10 has no jwt_set_alloc() (that
 * came in 1.12).  So every call into libjwt happens inside a short window
 * during which jansson allocates with plain malloc/free (the previous
 * functions are saved with json_get_alloc_funcs and put back afterwards);
 * every libjwt object is created and destroyed inside its window and only
 * plain C strings, copied into the caller's arena, leave it.  No jansson
 * value ever crosses the boundary in either direction (libjwt's API takes
 * and returns strings).  The programs are single-threaded, so swapping the
 * process-wide hooks is safe.  test_token.c checks this under ASan.
 */
#ifndef FL_TOKEN_H
#define FL_TOKEN_H

#include <jansson.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"

/* Longest token accepted for verification (bytes). */
#define FL_TOKEN_MAX_LENGTH 8192

/* The claims of a verified access token; strings owned by the arena given
 * to fl_token_decode. */
typedef struct fl_token_claims {
	const char *sub;        /* identity (user id as a string) */
	const char *jti;        /* NULL when absent */
	const char *type;       /* "access" */
	int fresh;                  /* the "fresh" claim (always false here) */
	long long iat, nbf, exp; /* 0 when absent (iat, nbf) */
	json_t *json;           /* every claim, as an object in the arena */
} fl_token_claims;

/* fl_token_create_access — create_access_token(identity=sub): a signed
 * HS256 access token with the claims above, valid from `now` for
 * `expires_in` seconds (> 0), as an arena string in *out.  `key` is the
 * JWT secret (non-empty; `key_len` bytes), `sub` the identity (non-empty).
 * Errors: FL_EINVAL (empty key or sub, expires_in <= 0), FL_EIO (libjwt or
 * the random generator failed; logged). */
fl_err fl_token_create_access(fl_arena *a, const void *key, size_t key_len, const char *sub,
	long expires_in, time_t now, char **out);

/* fl_token_decode — verify `token` (HS256 with `key`) and read its claims
 * at time `now` into *claims (arena strings).  Errors:
 *   FL_EMALFORMED  not three base64url segments, header or payload not a
 *                  JSON object, longer than FL_TOKEN_MAX_LENGTH, or an alg
 *                  other than HS256 ("none" included);
 *   FL_EBADSIG     the signature does not verify with `key`;
 *   FL_EEXPIRED    exp <= now;
 *   FL_EINVAL      missing or mistyped claims (exp, sub as a string), nbf
 *                  in the future, a type other than "access".
 * *why (may be NULL) gets a short English reason for the 401 answer. */
fl_err fl_token_decode(fl_arena *a, const void *key, size_t key_len, const char *token,
	time_t now, fl_token_claims *claims, const char **why);

#endif
