/* signing.h — itsdangerous 2.1 in C: base64url, Signer, TimestampSigner and
 * URLSafeTimedSerializer, byte-compatible with the Python package so Flask
 * and Flagon can read each other's signed values given the same secret.
 *
 * A signed value is  payload '.' base64url(timestamp) '.' base64url(HMAC)
 * where the HMAC key is derived from (secret key, salt) as Signer.derive_key
 * does.  The serializer's payload is compact sorted JSON, zlib-compressed
 * and prefixed with '.' when that is shorter (URLSafeSerializerMixin) and
 * the JSON is at least FL_SIGN_COMPRESS_MIN bytes long.
 *
 * Strings returned by these functions live in the fl_arena passed in.
 */
#ifndef FL_SIGNING_H
#define FL_SIGNING_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"

/* Largest decompressed serializer payload loads() accepts (zip-bomb cap). */
#define FL_SIGN_MAX_PAYLOAD (1024 * 1024)

/* Longest derived key / digest, in bytes (SHA-512). */
#define FL_SIGN_MAX_DIGEST 64

/* The hash used for key derivation and the HMAC (Signer.digest_method).
 * The zero value is itsdangerous' default, SHA-1. */
typedef enum fl_digest {
	FL_DIGEST_SHA1 = 0,
	FL_DIGEST_SHA256,
	FL_DIGEST_SHA512
} fl_digest;

/* How the signing key is made from secret key and salt
 * (Signer.key_derivation).  The zero value is itsdangerous' default. */
typedef enum fl_key_derivation {
	FL_KEY_DJANGO_CONCAT = 0, /* digest(salt + "signer" + secret) */
	FL_KEY_CONCAT,            /* digest(salt + secret) */
	FL_KEY_HMAC,              /* HMAC(secret, salt) — what Flask sessions use */
	FL_KEY_NONE               /* the secret itself */
} fl_key_derivation;

/* Signer options.  A zeroed struct plus a secret gives itsdangerous'
 * defaults (SHA-1, django-concat, '.').  `salt` NULL means the Python
 * default of the class: "itsdangerous.Signer" for fl_signer_* and
 * fl_timestamp_*, "itsdangerous" for fl_serializer_*. */
typedef struct fl_signer_opts {
	const void *secret_key;     /* SECRET_KEY bytes */
	size_t secret_key_len;      /* 0: strlen(secret_key) */
	const char *salt;           /* NUL-terminated, or NULL (see above) */
	fl_digest digest;           /* digest_method (0: SHA-1) */
	fl_key_derivation key_derivation; /* key_derivation (0: django-concat) */
	char sep;                   /* 0: '.'; must not be in the base64 alphabet */
} fl_signer_opts;

/* fl_base64url_encode — itsdangerous base64_encode: URL-safe alphabet
 * ("-_"), '=' padding stripped.  Returns a NUL-terminated string in `a`. */
char *fl_base64url_encode(fl_arena *a, const void *data, size_t len);

/* fl_base64url_decode — itsdangerous base64_decode of the `len` bytes at
 * `s`: accepts missing or present padding.  On success *out (in `a`, followed
 * by a NUL byte) holds *out_len bytes.  FL_EMALFORMED for characters outside
 * the URL-safe alphabet, misplaced padding or an impossible length. */
fl_err fl_base64url_decode(fl_arena *a, const char *s, size_t len,
                           unsigned char **out, size_t *out_len);

/* fl_signer_derive_key — Signer.derive_key().  Writes the key into `buf`
 * (FL_SIGN_MAX_DIGEST bytes) and points *key at it — or, for
 * FL_KEY_NONE, at the secret itself — with its length in *key_len.
 * FL_EINVAL for an unknown digest/derivation or a NULL secret. */
fl_err fl_signer_derive_key(const fl_signer_opts *o, unsigned char buf[FL_SIGN_MAX_DIGEST],
                            const unsigned char **key, size_t *key_len);

/* fl_signer_sign — Signer.sign(): value + sep + base64url(HMAC(key, value)).
 * *out is NUL-terminated in `a`.  FL_EINVAL for bad options. */
fl_err fl_signer_sign(const fl_signer_opts *o, fl_arena *a, const char *value, size_t len,
                      char **out);

/* fl_signer_unsign — Signer.unsign(): splits at the last separator and checks
 * the signature in constant time.  *value (NUL-terminated, in `a`) gets the
 * signed part, *value_len its length (either may be NULL).  FL_EBADSIG when
 * there is no separator or the signature does not match. */
fl_err fl_signer_unsign(const fl_signer_opts *o, fl_arena *a, const char *signed_value,
                        size_t len, char **value, size_t *value_len);

/* fl_timestamp_sign — TimestampSigner.sign() at time `now` (Unix seconds):
 * value + sep + base64url(minimal big-endian now) + sep + signature. */
fl_err fl_timestamp_sign(const fl_signer_opts *o, fl_arena *a, const char *value, size_t len,
                         time_t now, char **out);

/* fl_timestamp_unsign — TimestampSigner.unsign(max_age).  `max_age` in
 * seconds, negative for no limit; `now` is the current Unix time.  Outputs as
 * fl_signer_unsign, plus *signed_at (may be NULL) the signing time.
 * Errors: FL_EBADSIG (bad/missing signature, or a timestamp in the future
 * when max_age is given: itsdangerous' "Signature age < 0"),
 * FL_EMALFORMED (the signature is fine but the timestamp is missing or not
 * 1-8 base64 bytes), FL_EEXPIRED (now - timestamp > max_age). */
fl_err fl_timestamp_unsign(const fl_signer_opts *o, fl_arena *a, const char *signed_value,
                           size_t len, long long max_age, time_t now,
                           char **value, size_t *value_len, time_t *signed_at);

/* fl_json_dumps_compact — append `v` to `out` exactly as Python's
 * json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
 * writes it (Flask's session JSON): keys sorted by code point, non-ASCII and
 * control characters as lowercase \uXXXX (surrogate pairs above U+FFFF),
 * '/' unescaped, reals in Python repr form ("80.0", "0.1", "1e-05").
 * FL_EUTF8 for a string that is not UTF-8, FL_ERANGE for nesting deeper than
 * 2048, FL_EINVAL for a NULL value. */
fl_err fl_json_dumps_compact(const json_t *v, fl_buf *out);

/* fl_json_dump_string — append the JSON string literal of the `len` bytes
 * at `str` as Python's json.dumps(s, ensure_ascii=True) writes it (the
 * strings of fl_json_dumps_compact; Jinja's tojson uses it too): quotes,
 * \" \\ \n \r \t \b \f, other control and non-ASCII characters as
 * lowercase \uXXXX (surrogate pairs above U+FFFF), '/' unescaped.
 * FL_EUTF8 (out then holds a partial literal) when str is not UTF-8. */
fl_err fl_json_dump_string(const char *str, size_t len, fl_buf *out);

/* fl_json_loads — parse `len` bytes of JSON text (any value at top level,
 * "\u0000" allowed) into a value allocated in `a` (jansson is pointed at `a`
 * for the call).  FL_EMALFORMED when it is not JSON jansson can hold (bad
 * syntax, invalid UTF-8, integers beyond 64 bits, NaN). */
fl_err fl_json_loads(fl_arena *a, const char *text, size_t len, json_t **out);

/* Shortest JSON payload, in bytes, that fl_serializer_dumps tries to
 * compress (issue #20).  Below it the payload goes out uncompressed, where
 * itsdangerous would compress whenever that is shorter: building deflate's
 * Huffman trees costs ~20k instructions a call, twice on a new visitor's
 * first page (session cookie and CSRF token).  Every such value is still
 * one itsdangerous reads (its loads() takes an uncompressed payload
 * whatever its length) and decodes to the same value; only the bytes can
 * differ from Flask's.  The cost, measured with zlib.compress on sessions
 * of csrf_token, name, known and _flashes: the CSRF token (42 bytes) and a
 * new visitor's session (57) never compress shorter, a session with a name
 * (~85-100) saves at most 1 byte, the longest ones below 128 (a short flash
 * and a name) at most 8 bytes — so such a cookie is at most 11 base64
 * characters longer than Flask's.  A payload built to compress (one byte
 * repeated) could have saved up to 115 bytes (154 characters); cookies stay
 * far below the 4 KB limit either way.  At and above the bound the bytes
 * are itsdangerous' again (zlib level 6, the same streams for the payloads
 * the interop tests cover). */
#define FL_SIGN_COMPRESS_MIN 128

/* fl_serializer_dumps — URLSafeTimedSerializer(secret, salt, signer_kwargs)
 * .dumps(v) at time `now`: compact JSON, zlib level 6 when the JSON is at
 * least FL_SIGN_COMPRESS_MIN bytes long and len(compressed) < len(json) - 1
 * (then a leading '.'), base64url, timestamp-signed.  *out NUL-terminated
 * in `a`.  Errors of fl_json_dumps_compact, FL_EINVAL for bad options. */
fl_err fl_serializer_dumps(const fl_signer_opts *o, fl_arena *a, const json_t *v, time_t now,
                           char **out);

/* fl_serializer_loads — URLSafeTimedSerializer.loads(s, max_age): verify
 * (see fl_timestamp_unsign for max_age, now and the signature errors), then
 * base64-decode, inflate when the payload starts with '.', parse JSON.
 * *out is a value allocated in `a`.  FL_EMALFORMED for a payload that does
 * not decode, inflate or parse; FL_ETOOLARGE when it inflates beyond
 * FL_SIGN_MAX_PAYLOAD bytes. */
fl_err fl_serializer_loads(const fl_signer_opts *o, fl_arena *a, const char *s, size_t len,
                           long long max_age, time_t now, json_t **out);

/* fl_serializer_loads_at — fl_serializer_loads, and on success *signed_at
 * (may be NULL) the Unix time the value was signed at (its timestamp), for
 * callers that keep a loaded value and check its age again later (the
 * session cookie memo).  Same errors. */
fl_err fl_serializer_loads_at(const fl_signer_opts *o, fl_arena *a, const char *s, size_t len,
                              long long max_age, time_t now, json_t **out, time_t *signed_at);

#endif
