/* auth.c — Werkzeug-compatible password hashes (see auth.h). */
#include "auth/auth.h"
#include "base/hex.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* werkzeug.security.SALT_CHARS */
static const char salt_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Werkzeug's scrypt key length (hashlib.scrypt's dklen=64). */
#define SCRYPT_KEY_LEN 64

/* Longest "<method>" we build or accept ("pbkdf2:sha512:4294967295",
 * "scrypt:1048576:8:1" fit easily). */
#define METHOD_MAX 64

typedef enum kdf { KDF_PBKDF2, KDF_SCRYPT } kdf;

/* A parsed method: what to derive and how. */
typedef struct params {
	kdf kdf;
	const EVP_MD *md;          /* pbkdf2 */
	const char *md_name;       /* "sha256" */
	unsigned long iterations;  /* pbkdf2 */
	uint64_t n, r, p;          /* scrypt */
} params;

/* A decimal number of digits only (Werkzeug's int() is laxer, but every
 * hash it writes fits this), 1 ≤ value ≤ max. */
static bool parse_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* Split `s` (len bytes) at ':' into at most `max` fields. */
static size_t split_colons(const char *s, size_t len, const char **f, size_t *flen, size_t max)
{
	size_t n = 0;
	const char *end = s + len;
	while (n < max) {
		const char *c = memchr(s, ':', (size_t)(end - s));
		f[n] = s;
		flen[n] = c ? (size_t)(c - s) : (size_t)(end - s);
		n++;
		if (!c)
			return n;
		s = c + 1;
	}
	return max + 1;   /* too many fields */
}

static bool field_is(const char *f, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(f, word, len) == 0;
}

/* Bytes of memory OpenSSL's scrypt needs for n, r, p (B and V arrays),
 * or UINT64_MAX when it overflows. */
static uint64_t scrypt_memory(uint64_t n, uint64_t r, uint64_t p)
{
	if (r > UINT64_MAX / 128 / p || n > UINT64_MAX / 128 / r - 2)
		return UINT64_MAX;
	uint64_t b = 128 * r * p, v = 128 * r * (n + 2);
	return b > UINT64_MAX - v ? UINT64_MAX : b + v;
}

/* Parse a Werkzeug method ("pbkdf2", "pbkdf2:sha256", "pbkdf2:sha1:5000",
 * "scrypt", "scrypt:32768:8:1") of `len` bytes. */
static bool parse_method(const char *s, size_t len, params *out)
{
	const char *f[5];
	size_t fl[5];
	size_t n = split_colons(s, len, f, fl, 4);
	memset(out, 0, sizeof *out);
	if (n > 4)
		return false;
	if (field_is(f[0], fl[0], "pbkdf2")) {
		if (n > 3)
			return false;
		out->kdf = KDF_PBKDF2;
		out->md_name = "sha256";
		out->iterations = FL_PASSWORD_PBKDF2_ITERATIONS;
		if (n >= 2) {
			if (field_is(f[1], fl[1], "sha256"))
				out->md_name = "sha256";
			else if (field_is(f[1], fl[1], "sha512"))
				out->md_name = "sha512";
			else if (field_is(f[1], fl[1], "sha1"))
				out->md_name = "sha1";
			else
				return false;
		}
		if (n == 3) {
			uint64_t it;
			if (!parse_number(f[2], fl[2], INT_MAX, &it))   /* PKCS5_PBKDF2_HMAC takes an int */
				return false;
			out->iterations = (unsigned long)it;
		}
		out->md = EVP_get_digestbyname(out->md_name);
		return out->md != NULL;
	}
	if (field_is(f[0], fl[0], "scrypt")) {
		out->kdf = KDF_SCRYPT;
		out->n = FL_PASSWORD_SCRYPT_N;
		out->r = FL_PASSWORD_SCRYPT_R;
		out->p = FL_PASSWORD_SCRYPT_P;
		if (n != 1 && n != 4)
			return false;
		if (n == 4 && (!parse_number(f[1], fl[1], UINT32_MAX, &out->n) ||
				!parse_number(f[2], fl[2], UINT32_MAX, &out->r) ||
				!parse_number(f[3], fl[3], UINT32_MAX, &out->p)))
			return false;
		/* scrypt's N is a power of two above 1. */
		if (out->n < 2 || (out->n & (out->n - 1)) != 0)
			return false;
		return scrypt_memory(out->n, out->r, out->p) <= FL_PASSWORD_SCRYPT_MAXMEM;
	}
	return false;
}

/* The method as Werkzeug writes it back, parameters spelled out. */
static void method_string(const params *pr, char *buf, size_t cap)
{
	if (pr->kdf == KDF_PBKDF2)
		snprintf(buf, cap, "pbkdf2:%s:%lu", pr->md_name, pr->iterations);
	else
		snprintf(buf, cap, "scrypt:%llu:%llu:%llu", (unsigned long long)pr->n,
			(unsigned long long)pr->r, (unsigned long long)pr->p);
}

/* Derive the key of `pr` into `key` (room for EVP_MAX_MD_SIZE or
 * SCRYPT_KEY_LEN bytes); *keylen is its length.  False if OpenSSL fails. */
static bool derive(const params *pr, const char *password, const char *salt, size_t saltlen,
	unsigned char *key, size_t *keylen)
{
	size_t pwlen = strlen(password);
	if (pr->kdf == KDF_PBKDF2) {
		int mdlen = EVP_MD_size(pr->md);
		if (mdlen <= 0 || pwlen > INT_MAX || saltlen > INT_MAX)
			return false;
		*keylen = (size_t)mdlen;
		return PKCS5_PBKDF2_HMAC(password, (int)pwlen, (const unsigned char *)salt,
			(int)saltlen, (int)pr->iterations, pr->md, mdlen, key) == 1;
	}
	*keylen = SCRYPT_KEY_LEN;
	/* maxmem: what this n, r, p need (checked against the cap when parsed),
	 * with a little room as Werkzeug gives hashlib. */
	uint64_t mem = scrypt_memory(pr->n, pr->r, pr->p) + 4096;
	return EVP_PBE_scrypt(password, pwlen, (const unsigned char *)salt, saltlen,
		pr->n, pr->r, pr->p, mem, key, SCRYPT_KEY_LEN) == 1;
}

/* `len` characters of SALT_CHARS, uniformly (bytes ≥ 248 = 4 * 62 are
 * redrawn so no character is favoured).  False if RAND_bytes fails. */
static bool gen_salt(char *out, size_t len)
{
	size_t have = 0;
	const size_t nchars = sizeof salt_chars - 1;
	const unsigned limit = 256 - 256 % nchars;
	while (have < len) {
		unsigned char rnd[64];
		if (RAND_bytes(rnd, sizeof rnd) != 1)
			return false;
		for (size_t i = 0; i < sizeof rnd && have < len; i++)
			if (rnd[i] < limit)
				out[have++] = salt_chars[rnd[i] % nchars];
	}
	out[len] = '\0';
	return true;
}

const char *fl_generate_password_hash(fl_arena *a, const char *password, const char *method)
{
	params pr;
	char salt[FL_PASSWORD_SALT_LENGTH + 1], mstr[METHOD_MAX];
	unsigned char key[EVP_MAX_MD_SIZE > SCRYPT_KEY_LEN ? EVP_MAX_MD_SIZE : SCRYPT_KEY_LEN];
	char hex[2 * sizeof key + 1];
	size_t keylen;
	if (!password)
		return NULL;
	if (!method)
		method = FL_PASSWORD_DEFAULT_METHOD;
	if (!parse_method(method, strlen(method), &pr) || !gen_salt(salt, FL_PASSWORD_SALT_LENGTH))
		return NULL;
	if (!derive(&pr, password, salt, FL_PASSWORD_SALT_LENGTH, key, &keylen))
		return NULL;
	fl_hex_encode(hex, key, keylen);
	OPENSSL_cleanse(key, sizeof key);
	method_string(&pr, mstr, sizeof mstr);
	return fl_arena_printf(a, "%s$%s$%s", mstr, salt, hex);
}

bool fl_check_password_hash(const char *pwhash, const char *password)
{
	params pr;
	unsigned char key[EVP_MAX_MD_SIZE > SCRYPT_KEY_LEN ? EVP_MAX_MD_SIZE : SCRYPT_KEY_LEN];
	char hex[2 * sizeof key + 1];
	size_t keylen;
	if (!pwhash || !password)
		return false;
	/* method$salt$hash, split at the first two '$' like Werkzeug. */
	const char *d1 = strchr(pwhash, '$');
	const char *d2 = d1 ? strchr(d1 + 1, '$') : NULL;
	if (!d2 || (size_t)(d1 - pwhash) >= METHOD_MAX)
		return false;
	if (!parse_method(pwhash, (size_t)(d1 - pwhash), &pr))
		return false;
	const char *salt = d1 + 1, *stored = d2 + 1;
	if (!derive(&pr, password, salt, (size_t)(d2 - salt), key, &keylen))
		return false;
	fl_hex_encode(hex, key, keylen);
	OPENSSL_cleanse(key, sizeof key);
	/* The length of the stored digest is not secret; its content is. */
	if (strlen(stored) != 2 * keylen)
		return false;
	return CRYPTO_memcmp(hex, stored, 2 * keylen) == 0;
}
