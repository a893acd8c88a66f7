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

#endif
