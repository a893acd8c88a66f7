/* jwt.h — flask-jwt-extended in views: create_access_token with the
 * application's settings, @jwt_required, get_jwt_identity, and the user
 * lookup (user_lookup_loader, current_user).  The token format
 * itself (encode, verify, claims) is auth/token.h, which knows no request. */
#ifndef FL_JWT_H
#define FL_JWT_H

#include <jansson.h>

#include "web/ctx.h"

/* fl_create_access_token — create_access_token(identity) with the
 * application's JWT_SECRET_KEY and JWT_ACCESS_TOKEN_EXPIRES.  Returns an
 * arena string, or NULL after logging when signing failed. */
const char *fl_create_access_token(fl_ctx *c, const char *identity);

/* fl_jwt_required — @jwt_required(): read "Authorization: Bearer TOKEN"
 * and verify it; then, when the blueprint has a jwt_user_lookup
 * (flask-jwt-extended's user_lookup_loader, web/app.h), load the user the
 * token names.  Returns 0 (the claims are then available through
 * fl_get_jwt / fl_get_jwt_identity, the user through
 * fl_get_current_user), or 401 with the reason set for the error answer
 * (and WWW-Authenticate: Bearer), so a view writes
 *     int s = fl_jwt_required(c); if (s) return s;
 * A valid token whose user the lookup cannot find (deleted, or never
 * there) is 401 "Error loading the user <sub>", flask-jwt-extended's
 * default user_lookup_error_loader answer; a status the lookup returns
 * (a database error) is returned as it is. */
int fl_jwt_required(fl_ctx *c);

/* fl_get_current_user — get_current_user() / current_user: the user the
 * blueprint's jwt_user_lookup loaded for this request's token (borrowed,
 * in the request arena), or NULL when fl_jwt_required has not succeeded
 * or the blueprint has no lookup. */
json_t *fl_get_current_user(fl_ctx *c);

/* fl_get_jwt_identity — get_jwt_identity(): the verified token's "sub",
 * or NULL when fl_jwt_required has not succeeded in this request. */
const char *fl_get_jwt_identity(fl_ctx *c);

/* fl_get_jwt — get_jwt(): every claim of the verified token (a JSON
 * object, borrowed), or NULL. */
json_t *fl_get_jwt(fl_ctx *c);

#endif
