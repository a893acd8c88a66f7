/* auth.h — who a JSON API token speaks for, in Flasky (the callback the
 * Flask app registers with flask-jwt-extended):
 *
 *     @jwt.user_lookup_loader
 *     def user_lookup_callback(_jwt_header, jwt_data):
 *         return User.query.get(int(jwt_data["sub"]))
 */
#ifndef APP_AUTH_H
#define APP_AUTH_H

#include "flagon.h"

/* flasky_user_lookup — a blueprint's jwt_user_lookup (web/app.h): the User
 * row whose id the token's "sub" claim names.  "sub" must be the canonical
 * decimal form login writes (1 to 18 digits, no sign, no leading zero, no
 * spaces); anything else names nobody.  Returns 0 with *user the row (in
 * the request arena) or NULL when there is no such user (the request then
 * answers 401), or the status of a database error (fl_abort_db). */
int flasky_user_lookup(fl_ctx *c, json_t *jwt_data, json_t **user);

#endif
