/* internal.h — what session.c and the signed-cookie store
 * (session_cookie.c) share.  Not part of the public API: blueprints and
 * stores use session.h. */
#ifndef FL_SESSION_INTERNAL_H
#define FL_SESSION_INTERNAL_H

#include "base/err.h"
#include "base/signing.h"
#include "session/session.h"

/* fl_session_signer_opts — fill `o` with the itsdangerous options Flask
 * signs sessions with: cfg's secret key, `salt` (a static string, kept by
 * pointer), SHA-1 and HMAC key derivation — Flask's
 * SecureCookieSessionInterface with salt "cookie-session", Flask-Session's
 * signed session ids with "flask-session".  FL_ECONFIG, `o` untouched,
 * when `cfg` is NULL or has no secret key (Flask refuses to sign without
 * one). */
fl_err fl_session_signer_opts(const fl_session_config *cfg, const char *salt,
                              fl_signer_opts *o);

/* fl_session_serialize — the compact JSON dump of `data` (Flask's session
 * JSON, fl_json_dumps_compact) in `a`, which fl_session_save compares with
 * s->opened to know whether the session changed; NULL when it cannot be
 * dumped (then it counts as changed). */
const char *fl_session_serialize(fl_arena *a, const json_t *data);

/* ---- the memo of verified session cookies (cookie_memo.c) ---------------- */

/* Longest cookie value kept, in bytes, and the number of entries
 * (direct-mapped): at most 8 KiB of cookies, plus their objects. */
#define FL_SESSION_MEMO_MAX 1024
#define FL_SESSION_MEMO_SLOTS 8

/* fl_session_memo_get — when the `len` bytes of `value` are a cookie that
 * verified under cfg's secret key (fl_session_memo_put) and its timestamp is
 * still within `max_age` seconds of `now` (negative: no limit), set *data
 * to a copy of its session object and *opened to the object's compact dump,
 * both in `a` (the caller may change them), and return true.  False, with
 * nothing set, otherwise: the caller then loads the cookie itself. */
bool fl_session_memo_get(const fl_session_config *cfg, fl_arena *a, const char *value,
                         size_t len, long long max_age, time_t now, json_t **data,
                         const char **opened);

/* fl_session_memo_put — keep the cookie value `value` (`len` bytes, a
 * cookie that fl_serializer_loads_at verified under cfg's secret key and
 * signed at `signed_at`), a heap copy of its object `data` and `opened`
 * (fl_session_serialize of it), replacing whatever shared its entry.
 * Values longer than FL_SESSION_MEMO_MAX are not kept; out of memory,
 * nothing is.  The memo lives as long as the process. */
void fl_session_memo_put(const fl_session_config *cfg, const char *value, size_t len,
                         time_t signed_at, const json_t *data, const char *opened);

#endif
