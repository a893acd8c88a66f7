/* test_signing.c — itsdangerous compatibility of lib/base/signing.c.  The vectors
 * were produced once by itsdangerous 2.1.2 / Flask 2.2.2 with the clock
 * fixed at 1700000000 ("ZVPxAA"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/signing.h"
#include "base/signing_memo.h"
#include "arena_fixture.h"

#define TS ((time_t)1700000000)

static fl_signer_opts opts(const char *secret, const char *salt, fl_key_derivation kd,
                           fl_digest d)
{
	fl_signer_opts o = {.secret_key = secret, .salt = salt, .key_derivation = kd,
	                    .digest = d};
	return o;
}

static const char *hex(const unsigned char *p, size_t n)
{
	char *s = fl_arena_alloc(arena, 2 * n + 1);
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = '\0';
	return s;
}

static void base64url_round_trips_without_padding(void **state)
{
	unsigned char *out;
	size_t n;
	assert_string_equal(fl_base64url_encode(arena, "\xff\xfe\x00" "abc", 6), "__4AYWJj");
	assert_string_equal(fl_base64url_encode(arena, "a", 1), "YQ");
	assert_string_equal(fl_base64url_encode(arena, "ab", 2), "YWI");
	assert_string_equal(fl_base64url_encode(arena, "", 0), "");
	assert_int_equal(fl_base64url_decode(arena, "YWI", 3, &out, &n), FL_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "ab", 2);
	assert_int_equal(fl_base64url_decode(arena, "YWI=", 4, &out, &n), FL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(fl_base64url_decode(arena, "__4AYWJj", 8, &out, &n), FL_OK);
	assert_memory_equal(out, "\xff\xfe\x00" "abc", 6);
	assert_int_equal(fl_base64url_decode(arena, "", 0, &out, &n), FL_OK);
	assert_int_equal(n, 0);
}

static void base64url_rejects_garbage(void **state)
{
	unsigned char *out;
	size_t n;
	assert_int_equal(fl_base64url_decode(arena, "YW+I", 4, &out, &n), FL_EMALFORMED);
	assert_int_equal(fl_base64url_decode(arena, "YW/I", 4, &out, &n), FL_EMALFORMED);
	assert_int_equal(fl_base64url_decode(arena, "YWJjZ", 5, &out, &n), FL_EMALFORMED);
	assert_int_equal(fl_base64url_decode(arena, "Y=WI", 4, &out, &n), FL_EMALFORMED);
	assert_int_equal(fl_base64url_decode(arena, "YW I", 4, &out, &n), FL_EMALFORMED);
	assert_int_equal(fl_base64url_decode(arena, "YQ\0A", 4, &out, &n), FL_EMALFORMED);
}

struct kd_vector {
	fl_key_derivation kd;
	fl_digest digest;
	const char *key_hex;
	const char *signed_value;
};

static const struct kd_vector kd_vectors[] = {
	{FL_KEY_DJANGO_CONCAT, FL_DIGEST_SHA1, "0ff8f70a5e35b48aeb5dc8dd36d1186410644ce1",
	 "hello world.-MYcLvC7kjxKaHLgb7lKp5fd9NA"},
	{FL_KEY_DJANGO_CONCAT, FL_DIGEST_SHA256,
	 "f069c2185a26af535d4cccb6f63fe174dbc637c4fe545cea8fd7211dbb67d9b8",
	 "hello world.x2OlH13EBbAbUlWBZjViVCzQTJ7PnUryDEfZ3yv3Hh4"},
	{FL_KEY_DJANGO_CONCAT, FL_DIGEST_SHA512,
	 "e9f241616efaaf9aec04a451acfd05249f329b0722c33adbc4a4c23748808c3cd16a2f7814d067a300f146b1bbd9616f31045081a2b88679f66594a26b82379c",
	 "hello world.TmXbnlx1dBywIIDBZcwka8Zp0m8yPU6AP4iO0XNod5R-hJ6-oNbRAAUeqwj1m4fDD-EZQMNWHwZUgprK6iqYqQ"},
	{FL_KEY_CONCAT, FL_DIGEST_SHA1, "2c290d24b4d05e7d692344dfe301d2ddd5a4ef71",
	 "hello world.mScjYRgP81h2vtbHOYoKQ-Z6t3o"},
	{FL_KEY_CONCAT, FL_DIGEST_SHA256,
	 "41b5de330609cda1e15962a6d2f76a8107847f056be303d3e49104769e65788e",
	 "hello world.i6tKLfLn3wcfJGiNW41LEVkNnJwLz4C6t8I--bwkZhE"},
	{FL_KEY_HMAC, FL_DIGEST_SHA1, "67ec3af104ce40a52f9a2103f2df8cc7f51fc373",
	 "hello world.vw44oFad6o2IXCPqODovJUPoTvY"},
	{FL_KEY_HMAC, FL_DIGEST_SHA256,
	 "1eff7a07f101e1d7d5f312a0d77fa424efc964610b2b675fd77c777a78dd571b",
	 "hello world.BUcggouUYe-kXTR4kyZEdhCrwjRgH6CjuW1bM_ih-X8"},
	{FL_KEY_HMAC, FL_DIGEST_SHA512,
	 "c3ad90325ccf012329f3efe54b8bec1aaa8f2cd9cb8593b5ef56badb2a732774493dae6aaa01e8c1412a9c0ace47413682a347bddd4b883014d519fd684485bc",
	 "hello world.jfEFPZ4BFkpyhQipWOUjOeFKO3JQT3vy1zLgmZTfpNCvJanN8K8fiIYcQgC1ye1TGv1MNHgzR3F8f1_-Ww8EYQ"},
	{FL_KEY_NONE, FL_DIGEST_SHA1, "733363726574", "hello world.FiJ6w8tBTb_X91ZYrZgWVNxWfj8"},
	{FL_KEY_NONE, FL_DIGEST_SHA256, "733363726574",
	 "hello world.QbOL5x80quvlHmkLq7XO8PWMz-gOO5MsHK8K15ReyeQ"},
};

static void every_key_derivation_matches_itsdangerous(void **state)
{
	for (size_t i = 0; i < sizeof kd_vectors / sizeof kd_vectors[0]; i++) {
		const struct kd_vector *v = &kd_vectors[i];
		fl_signer_opts o = opts("s3cret", "salty", v->kd, v->digest);
		unsigned char buf[FL_SIGN_MAX_DIGEST];
		const unsigned char *key;
		size_t key_len;
		char *signed_value, *value;
		assert_int_equal(fl_signer_derive_key(&o, buf, &key, &key_len), FL_OK);
		assert_string_equal(hex(key, key_len), v->key_hex);
		assert_int_equal(fl_signer_sign(&o, arena, "hello world", 11, &signed_value), FL_OK);
		assert_string_equal(signed_value, v->signed_value);
		assert_int_equal(fl_signer_unsign(&o, arena, v->signed_value,
		                                  strlen(v->signed_value), &value, NULL), FL_OK);
		assert_string_equal(value, "hello world");
	}
}

static void signer_defaults_match_itsdangerous(void **state)
{
	fl_signer_opts o = {.secret_key = "s3cret"};
	char *out;
	assert_int_equal(fl_signer_sign(&o, arena, "hello", 5, &out), FL_OK);
	assert_string_equal(out, "hello.40DgSema3OHjupqKSPAQxslKgSI");
	assert_int_equal(fl_timestamp_sign(&o, arena, "hello", 5, TS, &out), FL_OK);
	assert_string_equal(out, "hello.ZVPxAA.cPHpWrP8-QKZkG0C5Dgm9whZR_M");
}

static void separator_from_the_alphabet_is_refused(void **state)
{
	fl_signer_opts o = {.secret_key = "s3cret", .sep = '-'};
	char *out;
	assert_int_equal(fl_signer_sign(&o, arena, "hello", 5, &out), FL_EINVAL);
}

static void tampered_signature_is_rejected(void **state)
{
	fl_signer_opts o = {.secret_key = "s3cret"};
	const char *good = "hello.ZVPxAA.cPHpWrP8-QKZkG0C5Dgm9whZR_M";
	char *value;
	size_t n;
	time_t at;
	assert_int_equal(fl_timestamp_unsign(&o, arena, good, strlen(good), 60, TS + 5,
	                                     &value, &n, &at), FL_OK);
	assert_string_equal(value, "hello");
	assert_int_equal(n, 5);
	assert_int_equal(at, TS);

	const char *bad[] = {
		"hellO.ZVPxAA.cPHpWrP8-QKZkG0C5Dgm9whZR_M",   /* value changed */
		"hello.ZVPxAB.cPHpWrP8-QKZkG0C5Dgm9whZR_M",   /* timestamp changed */
		"hello.ZVPxAA.cPHpWrP8-QKZkG0C5Dgm9whZR_Q",   /* signature changed */
		"hello.ZVPxAA.cPHpWrP8-QKZkG0C5Dgm9whZR",     /* truncated */
		"hello.ZVPxAA.",                              /* empty signature */
		"hello",                                      /* no separator */
		"",
		"hello.ZVPxAA.cPHpWrP8+QKZkG0C5Dgm9whZR_M",   /* not base64url */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(fl_timestamp_unsign(&o, arena, bad[i], strlen(bad[i]), 60, TS,
		                                     &value, &n, NULL), FL_EBADSIG);
	fl_signer_opts other = {.secret_key = "other"};
	assert_int_equal(fl_timestamp_unsign(&other, arena, good, strlen(good), -1, TS,
	                                     &value, &n, NULL), FL_EBADSIG);
}

static void expired_and_future_signatures_are_rejected(void **state)
{
	fl_signer_opts o = {.secret_key = "s3cret"};
	const char *good = "hello.ZVPxAA.cPHpWrP8-QKZkG0C5Dgm9whZR_M";
	size_t len = strlen(good);
	char *value;
	/* age == max_age is still fine, one second more is not */
	assert_int_equal(fl_timestamp_unsign(&o, arena, good, len, 60, TS + 60, &value, NULL,
	                                     NULL), FL_OK);
	assert_int_equal(fl_timestamp_unsign(&o, arena, good, len, 60, TS + 61, &value, NULL,
	                                     NULL), FL_EEXPIRED);
	/* signed in the future: itsdangerous' "Signature age -1 < 0 seconds" */
	assert_int_equal(fl_timestamp_unsign(&o, arena, good, len, 60, TS - 1, &value, NULL,
	                                     NULL), FL_EBADSIG);
	/* without max_age neither is checked */
	assert_int_equal(fl_timestamp_unsign(&o, arena, good, len, -1, TS + 1000000, &value,
	                                     NULL, NULL), FL_OK);
}

static void malformed_timestamp_is_reported(void **state)
{
	fl_signer_opts o = {.secret_key = "s3cret"};
	char *sv, *value;
	/* a correctly signed value whose timestamp part is 9 bytes */
	assert_int_equal(fl_signer_sign(&o, arena, "x.AQEBAQEBAQEBAQ", 16, &sv), FL_OK);
	assert_int_equal(fl_timestamp_unsign(&o, arena, sv, strlen(sv), 60, TS, &value, NULL,
	                                     NULL), FL_EMALFORMED);
	/* a correctly signed value without any timestamp */
	assert_int_equal(fl_signer_sign(&o, arena, "x", 1, &sv), FL_OK);
	assert_int_equal(fl_timestamp_unsign(&o, arena, sv, strlen(sv), 60, TS, &value, NULL,
	                                     NULL), FL_EMALFORMED);
}

static void json_matches_python_dumps(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{"80.0", "80.0"}, {"0.1", "0.1"}, {"1e16", "1e+16"},
		{"1234567890123456.0", "1234567890123456.0"}, {"0.0001", "0.0001"},
		{"0.00001", "1e-05"}, {"-0.0", "-0.0"}, {"1.5e300", "1.5e+300"},
		{"4611686018427387904", "4611686018427387904"}, {"5e-324", "5e-324"},
		{"0.3333333333333333", "0.3333333333333333"}, {"123456789.123", "123456789.123"},
		{"{\"b\":\"\\u00e9/\\u0001\\u007f\\ud83d\\ude00\\\"\\\\\\n\\t\\b\\f\\r\","
		 "\"a\":[1,true,null]}",
		 "{\"a\":[1,true,null],\"b\":\"\\u00e9/\\u0001\\u007f\\ud83d\\ude00\\\"\\\\\\n\\t\\b"
		 "\\f\\r\"}"},
		{"{\"\\u00e9\":1,\"z\":2,\"ab\":3,\"a\":4,\"\\ud83d\\ude00\":5,\"\\uffff\":6}",
		 "{\"a\":4,\"ab\":3,\"z\":2,\"\\u00e9\":1,\"\\uffff\":6,\"\\ud83d\\ude00\":5}"},
		{"\"\\u0000\"", "\"\\u0000\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v;
		fl_buf b;
		if (fl_json_loads(arena, cases[i].in, strlen(cases[i].in), &v) != FL_OK)
			fail_msg("cannot parse %s", cases[i].in);
		fl_buf_init(&b, arena);
		assert_int_equal(fl_json_dumps_compact(v, &b), FL_OK);
		assert_string_equal(fl_buf_cstr(&b), cases[i].out);
	}
}

/* A string that is not strict UTF-8 has no Python str to dump: FL_EUTF8,
 * in a value or in a key. */
static void json_dumps_refuses_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"a\xc0\xaf",         /* overlong */
		"\xed\xa0\x80",      /* surrogate */
		"\xf4\x90\x80\x80",  /* past U+10FFFF */
		"x\xe4\xbd",         /* cut short */
		"\x80",              /* continuation byte */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fl_buf b;
		json_t *s = json_stringn_nocheck(bad[i], strlen(bad[i]));
		fl_buf_init(&b, arena);
		assert_int_equal(fl_json_dumps_compact(s, &b), FL_EUTF8);
		json_t *o = json_object();
		json_object_set_nocheck(o, bad[i], json_true());
		fl_buf_init(&b, arena);
		assert_int_equal(fl_json_dumps_compact(o, &b), FL_EUTF8);
		json_decref(o);
		json_decref(s);
	}
}

static void serializer_matches_itsdangerous(void **state)
{
	fl_signer_opts o = {.secret_key = "s3cret"};
	json_t *v;
	char *out;
	const char *want = "eyJhIjpbMSwyLjUsIngiXX0.ZVPxAA.Gf-_zJ4uD--s2Kwp6B7MZ8TB3Gw";
	assert_int_equal(fl_json_loads(arena, "{\"a\":[1,2.5,\"x\"]}", 17, &v), FL_OK);
	assert_int_equal(fl_serializer_dumps(&o, arena, v, TS, &out), FL_OK);
	assert_string_equal(out, want);
	assert_int_equal(fl_serializer_loads(&o, arena, want, strlen(want), 100, TS + 1, &v),
	                 FL_OK);
	assert_true(json_is_real(json_array_get(json_object_get(v, "a"), 1)));
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "a"), 2)), "x");
}

static void compressed_payload_round_trips(void **state)
{
	/* Flask: s.dumps({"data": "x" * 200, "n": list(range(20))}) */
	const char *flask = ".eJzdyCsOgDAARMG7rH6C7b-9CkE0QaMQJIS7wzkYObf2eU4NXT8hdGisCyYQSWQKlUbHXxo"
	                    "HHHHCGRdcccN9e14psmwt.ZVPxAA.TyoahL6y4WZZq-ym3WGrSCO9KAM";
	fl_signer_opts o = {.secret_key = "dev-key", .salt = "cookie-session",
	                    .key_derivation = FL_KEY_HMAC};
	json_t *v;
	char *out;
	assert_int_equal(fl_serializer_loads(&o, arena, flask, strlen(flask), -1, TS, &v), FL_OK);
	assert_int_equal(strlen(json_string_value(json_object_get(v, "data"))), 200);
	assert_int_equal(json_array_size(json_object_get(v, "n")), 20);
	assert_int_equal(fl_serializer_dumps(&o, arena, v, TS, &out), FL_OK);
	assert_string_equal(out, flask);
}

static void short_payload_is_not_compressed(void **state)
{
	fl_signer_opts o = {.secret_key = "dev-key", .salt = "cookie-session",
	                    .key_derivation = FL_KEY_HMAC};
	json_t *v = json_pack("{s:s}", "a", "b");
	char *out;
	assert_int_equal(fl_serializer_dumps(&o, arena, v, TS, &out), FL_OK);
	assert_true(out[0] != '.');
}

static void compressible_payload_below_the_bound_stays_plain(void **state)
{
	/* JSON of FL_SIGN_COMPRESS_MIN - 1 bytes that zlib would shrink a lot:
	 * sent as it is, and read back. */
	fl_signer_opts o = {.secret_key = "dev-key", .salt = "cookie-session",
	                    .key_derivation = FL_KEY_HMAC};
	char s[FL_SIGN_COMPRESS_MIN];
	size_t n = FL_SIGN_COMPRESS_MIN - 1 - strlen("{\"a\":\"\"}");
	memset(s, 'x', n);
	s[n] = 0;
	json_t *v = json_pack("{s:s}", "a", s), *back;
	char *out;
	assert_int_equal(fl_serializer_dumps(&o, arena, v, TS, &out), FL_OK);
	assert_true(out[0] != '.');
	assert_int_equal(fl_serializer_loads(&o, arena, out, strlen(out), -1, TS, &back), FL_OK);
	assert_true(json_equal(v, back));
	/* one byte more and it is compressed, as itsdangerous does */
	s[n] = 'x';
	s[n + 1] = 0;
	json_object_set_new(v, "a", json_string(s));
	assert_int_equal(fl_serializer_dumps(&o, arena, v, TS, &out), FL_OK);
	assert_true(out[0] == '.');
}

static void incompressible_payload_stays_plain(void **state)
{
	/* A 200-byte string with no repeats worth a match: deflate runs out of
	 * its len - 2 bytes of output and the JSON goes out as it is. */
	fl_signer_opts o = {.secret_key = "dev-key", .salt = "cookie-session",
	                    .key_derivation = FL_KEY_HMAC};
	char s[201];
	unsigned x = 12345;
	for (int i = 0; i < 200; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = (char)(33 + (x >> 16) % 90);
		if (s[i] == '"' || s[i] == '\\')
			s[i] = 'q';
	}
	s[200] = '\0';
	json_t *v = json_pack("{s:s}", "a", s), *back;
	char *out;
	assert_int_equal(fl_serializer_dumps(&o, arena, v, TS, &out), FL_OK);
	assert_true(out[0] != '.');
	assert_int_equal(fl_serializer_loads(&o, arena, out, strlen(out), -1, TS, &back), FL_OK);
	assert_string_equal(json_string_value(json_object_get(back, "a")), s);
	json_decref(v);
}

static void zip_bomb_is_refused(void **state)
{
	/* A correctly signed compressed payload inflating to 2 MiB. */
	fl_signer_opts o = {.secret_key = "k"};
	fl_buf json;
	fl_buf_init(&json, arena);
	fl_buf_putc(&json, '"');
	for (int i = 0; i < 2 * 1024 * 1024; i++)
		fl_buf_putc(&json, 'a');
	fl_buf_putc(&json, '"');
	json_t *big = json_stringn(json.data + 1, json.len - 2);
	char *out;
	json_t *v;
	assert_int_equal(fl_serializer_dumps(&o, arena, big, TS, &out), FL_OK);
	assert_true(out[0] == '.');
	assert_true(strlen(out) < 10000);
	assert_int_equal(fl_serializer_loads(&o, arena, out, strlen(out), -1, TS, &v),
	                 FL_ETOOLARGE);
}

static void corrupt_payload_is_malformed(void **state)
{
	fl_signer_opts o = {.secret_key = "k"};
	char *sv;
	json_t *v;
	/* signed, but the payload is not base64 JSON / not zlib */
	assert_int_equal(fl_timestamp_sign(&o, arena, "bm90IGpzb24", 11, TS, &sv), FL_OK);
	assert_int_equal(fl_serializer_loads(&o, arena, sv, strlen(sv), -1, TS, &v), FL_EBADSIG);
	o.salt = "itsdangerous";
	assert_int_equal(fl_timestamp_sign(&o, arena, "bm90IGpzb24", 11, TS, &sv), FL_OK);
	assert_int_equal(fl_serializer_loads(&o, arena, sv, strlen(sv), -1, TS, &v),
	                 FL_EMALFORMED);
	assert_int_equal(fl_timestamp_sign(&o, arena, ".bm90IGpzb24", 12, TS, &sv), FL_OK);
	assert_int_equal(fl_serializer_loads(&o, arena, sv, strlen(sv), -1, TS, &v),
	                 FL_EMALFORMED);
	assert_int_equal(fl_timestamp_sign(&o, arena, "e30!", 4, TS, &sv), FL_OK);
	assert_int_equal(fl_serializer_loads(&o, arena, sv, strlen(sv), -1, TS, &v),
	                 FL_EMALFORMED);
	assert_int_equal(fl_timestamp_sign(&o, arena, "e30", 3, TS, &sv), FL_OK);
	assert_int_equal(fl_serializer_loads(&o, arena, sv, strlen(sv), -1, TS, &v), FL_OK);
	assert_true(json_is_object(v));
}

/* The per-process key cache: a changed secret (even one differing only
 * after an embedded NUL) or salt never reuses an old key, and more pairs
 * than the cache holds still sign and verify correctly. */
/* Sign the `len` bytes at msg twice (the second answer from the HMAC
 * memo when it is short enough): one signature, which checks. */
static const char *signed_twice(const fl_signer_opts *o, const char *msg, size_t len)
{
	char *first, *again, *v;
	size_t n;
	assert_int_equal(fl_signer_sign(o, arena, msg, len, &first), FL_OK);
	assert_int_equal(fl_signer_sign(o, arena, msg, len, &again), FL_OK);
	assert_string_equal(first, again);
	assert_int_equal(fl_signer_unsign(o, arena, again, strlen(again), &v, &n), FL_OK);
	return first;
}

static void memoized_signatures_check_the_same(void **state)
{
	fl_signer_opts o = {.secret_key = "memo-key", .salt = "s"};
	char *v;
	size_t n;
	const char *good = signed_twice(&o, "payload", 7);
	/* a tampered signature is still refused after a memo hit */
	char *bad = fl_arena_strdup(arena, good);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(fl_signer_unsign(&o, arena, bad, strlen(bad), &v, &n), FL_EBADSIG);
	/* longer than the memo keeps: computed each time */
	char big[FL_MAC_MEMO_MAX + 10];
	memset(big, 'b', sizeof big);
	signed_twice(&o, big, sizeof big);
}

static void key_cache_never_mixes_secrets_or_salts(void **state)
{
	(void)state;
	static const char secret_a[] = "same\0A", secret_b[] = "same\0B";
	fl_signer_opts a = {.secret_key = secret_a, .secret_key_len = 6, .salt = "s"};
	fl_signer_opts b = {.secret_key = secret_b, .secret_key_len = 6, .salt = "s"};
	char *sa, *sb, *v;
	size_t n;
	assert_int_equal(fl_signer_sign(&a, arena, "x", 1, &sa), FL_OK);
	assert_int_equal(fl_signer_sign(&b, arena, "x", 1, &sb), FL_OK);
	assert_string_not_equal(sa, sb);
	assert_int_equal(fl_signer_unsign(&a, arena, sb, strlen(sb), &v, &n), FL_EBADSIG);
	assert_int_equal(fl_signer_unsign(&b, arena, sa, strlen(sa), &v, &n), FL_EBADSIG);
	assert_int_equal(fl_signer_unsign(&a, arena, sa, strlen(sa), &v, &n), FL_OK);
	/* 20 salts, twice round: the second round re-derives evicted keys. */
	char first[20][128];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 20; i++) {
			char salt[16], *sv;
			snprintf(salt, sizeof salt, "salt%d", i);
			fl_signer_opts o = {.secret_key = "k", .salt = salt,
			                    .key_derivation = i % 2 ? FL_KEY_HMAC : FL_KEY_CONCAT,
			                    .digest = i % 3 ? FL_DIGEST_SHA1 : FL_DIGEST_SHA256};
			assert_int_equal(fl_signer_sign(&o, arena, "v", 1, &sv), FL_OK);
			if (round == 0)
				snprintf(first[i], sizeof first[i], "%s", sv);
			else
				assert_string_equal(sv, first[i]);
			if (i)
				assert_string_not_equal(first[i], first[i - 1]);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base64url_round_trips_without_padding),
		cmocka_unit_test(base64url_rejects_garbage),
		cmocka_unit_test(every_key_derivation_matches_itsdangerous),
		cmocka_unit_test(signer_defaults_match_itsdangerous),
		cmocka_unit_test(separator_from_the_alphabet_is_refused),
		cmocka_unit_test(tampered_signature_is_rejected),
		cmocka_unit_test(expired_and_future_signatures_are_rejected),
		cmocka_unit_test(malformed_timestamp_is_reported),
		cmocka_unit_test(json_matches_python_dumps),
		cmocka_unit_test(json_dumps_refuses_invalid_utf8),
		cmocka_unit_test(serializer_matches_itsdangerous),
		cmocka_unit_test(compressed_payload_round_trips),
		cmocka_unit_test(short_payload_is_not_compressed),
		cmocka_unit_test(compressible_payload_below_the_bound_stays_plain),
		cmocka_unit_test(incompressible_payload_stays_plain),
		cmocka_unit_test(zip_bomb_is_refused),
		cmocka_unit_test(corrupt_payload_is_malformed),
		cmocka_unit_test(memoized_signatures_check_the_same),
		cmocka_unit_test(key_cache_never_mixes_secrets_or_salts),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
