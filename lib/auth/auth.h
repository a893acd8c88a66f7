/* auth.h — password hashes compatible with werkzeug.security.
 *
 * A hash is the text Werkzeug stores, "<method>$<salt>$<hex digest>":
 *
 *   pbkdf2:sha256:260000$Ux9f3kQ2ZmL7pW1a$5e0c...   (PBKDF2-HMAC, 64 hex digits)
 *   scrypt:32768:8:1$OEF9ZRaM1DYiPjv0$310e...      (scrypt, 64-byte key)
 *
 * so a users.password_hash written by a Flask application (Werkzeug 2.2,
 * pbkdf2:sha256 with 260000 iterations) or by a newer Werkzeug (scrypt)
 * verifies here, and hashes made here verify in Werkzeug.  The digest is
 * OpenSSL's; the salt is 16 characters of Werkzeug's SALT_CHARS
 * ([A-Za-z0-9]) drawn with RAND_bytes.  Comparison is constant-time
 * (CRYPTO_memcmp).
 */
#ifndef FL_AUTH_H
#define FL_AUTH_H

#include <stdbool.h>

#include "base/arena.h"

/* Werkzeug 2.2's defaults: generate_password_hash(password) with no method. */
#define FL_PASSWORD_DEFAULT_METHOD "pbkdf2:sha256"
#define FL_PASSWORD_PBKDF2_ITERATIONS 260000
#define FL_PASSWORD_SALT_LENGTH 16

/* Werkzeug's scrypt defaults (n = 2**15, r = 8, p = 1, 64-byte key). */
#define FL_PASSWORD_SCRYPT_N 32768
#define FL_PASSWORD_SCRYPT_R 8
#define FL_PASSWORD_SCRYPT_P 1

/* Most memory a scrypt hash may ask for when it is checked or made (its
 * n * r * p decide); a stored hash beyond it is refused, not computed. */
#define FL_PASSWORD_SCRYPT_MAXMEM (256u << 20)

/* fl_generate_password_hash — werkzeug.security.generate_password_hash:
 * hash the NUL-terminated (UTF-8) `password` with a fresh random salt and
 * return "<method>$<salt>$<hex>" allocated from `a`.  `method` is NULL for
 * the default "pbkdf2:sha256" (260000 iterations), or
 * "pbkdf2:<sha1|sha256|sha512>[:<iterations>]" or "scrypt[:n:r:p]".
 * The method part of the result always spells out its parameters
 * ("pbkdf2:sha256:260000", "scrypt:32768:8:1"), as Werkzeug writes it.
 * Returns NULL for an unknown or out-of-range method, or when OpenSSL's
 * random generator or key derivation fails. */
const char *fl_generate_password_hash(fl_arena *a, const char *password, const char *method);

/* fl_check_password_hash — werkzeug.security.check_password_hash: true when
 * `password` hashes to `pwhash` under the method, parameters and salt that
 * `pwhash` names: pbkdf2 with sha1/sha256/sha512 and any iteration count
 * (missing: 260000), or scrypt:n:r:p (missing: Werkzeug's defaults).  The
 * digests are compared in constant time.  A NULL, malformed or unsupported
 * hash, parameters out of range (scrypt memory above
 * FL_PASSWORD_SCRYPT_MAXMEM), or a NULL password give false. */
bool fl_check_password_hash(const char *pwhash, const char *password);

#endif
