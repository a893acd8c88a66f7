/* csrf.h — Flask-WTF 1.1's CSRF tokens (flask_wtf/csrf.py generate_csrf,
 * validate_csrf).
 *
 * The session holds a raw token, session["csrf_token"] = 40 hex digits
 * (sha1 of 64 random bytes); forms carry it signed with
 * URLSafeTimedSerializer(secret, salt="wtf-csrf-token") — itsdangerous'
 * defaults: SHA-1 HMAC with django-concat key derivation — so a token made
 * by Flask validates here and the other way round.
 */
#ifndef FL_CSRF_H
#define FL_CSRF_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"

/* WTF_CSRF_TIME_LIMIT default, seconds. */
#define FL_CSRF_TIME_LIMIT 3600

/* The session key and form field name (WTF_CSRF_FIELD_NAME). */
#define FL_CSRF_FIELD_NAME "csrf_token"

/* fl_csrf_generate — generate_csrf(): when `session` has no string under
 * "csrf_token", store a fresh raw token there (40 lowercase hex digits of
 * 20 bytes from the kernel's generator, getrandom(2), as Flask-WTF's
 * os.urandom; what its SHA-1 of 64 random bytes looks like; the new
 * string is allocated where jansson currently allocates); then sign it at
 * time `now`.  `secret`/`secret_len` is WTF_CSRF_SECRET_KEY or SECRET_KEY
 * (len 0: strlen).  *token is NUL-terminated in `a`.  Flask-WTF caches the
 * token per request (g.csrf_token); callers that render several forms may
 * do the same.  Errors: FL_EINVAL (no secret, session not an object),
 * FL_EIO (no randomness). */
fl_err fl_csrf_generate(const char *secret, size_t secret_len, json_t *session, fl_arena *a,
                        time_t now, const char **token);

/* fl_csrf_validate — validate_csrf(token, time_limit): FL_OK when `token`
 * is a signature of session["csrf_token"] made at most `time_limit` seconds
 * before `now` (negative: no limit).  FL_ECSRFMISSING ("The CSRF token is
 * missing.") when `token` is NULL or empty; FL_ECSRFINVALID for everything
 * else Flask-WTF rejects: no session token, expired, bad signature,
 * malformed, or a different token (compared in constant time). */
fl_err fl_csrf_validate(const char *secret, size_t secret_len, const json_t *session,
                        fl_arena *a, const char *token, long long time_limit, time_t now);

#endif
