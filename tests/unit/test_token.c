/* test_token.c — JWT access tokens (lib/auth/token.c over libjwt), checked
 * against Debian's PyJWT (/usr/bin/python3 -c "import jwt"), and the
 * allocator compatibility between libjwt and Flagon's tagged jansson
 * allocator (run under ASan by `make check`). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/signing.h"
#include "auth/token.h"

#define KEY "integration-test-secret-key"
#define KEYLEN (sizeof KEY - 1)

/* Run a Python snippet (argv[1..] are the extra args) and return its first
 * output line in `out`; 0 on exit status 0. */
static int python(char *out, size_t outlen, const char *code, const char *arg)
{
	char cmd[16384];
	/* Tokens and keys here are base64url / plain ASCII: no quote in them. */
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c '%s' '%s' 2>&1", code, arg ? arg : "");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (!fgets(out, (int)outlen, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	/* drain */
	char junk[256];
	while (fgets(junk, sizeof junk, p))
		;
	return pclose(p);
}

static int have_pyjwt(void)
{
	char out[256];
	return python(out, sizeof out, "import jwt; print(jwt.__version__)", NULL) == 0;
}

static void test_roundtrip(void **state)
{
	fl_arena *a = fl_arena_new(0);
	/* As in a request: jansson allocates from the arena around the calls. */
	fl_arena *old = fl_json_set_arena(a);
	json_t *before = json_pack("{s:s}", "k", "v");
	time_t now = time(NULL);
	char *tok;
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "42", 900, now, &tok), FL_OK);
	assert_non_null(tok);
	assert_int_equal(strncmp(tok, "eyJ", 3), 0);
	fl_token_claims cl;
	const char *why = NULL;
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, tok, now, &cl, &why), FL_OK);
	assert_string_equal(cl.sub, "42");
	assert_string_equal(cl.type, "access");
	assert_int_equal(cl.fresh, 0);
	assert_int_equal(cl.exp - cl.iat, 900);
	assert_int_equal(cl.nbf, cl.iat);
	assert_non_null(cl.jti);
	assert_int_equal(strlen(cl.jti), 36);
	assert_int_equal(cl.jti[14], '4');
	assert_true(json_is_string(json_object_get(cl.json, "sub")));
	/* jansson still works with the arena allocator afterwards. */
	json_t *after = json_pack("{s:O}", "before", before);
	assert_string_equal(json_string_value(json_object_get(json_object_get(after, "before"), "k")), "v");
	json_decref(after);
	json_decref(before);
	/* Two tokens differ (jti). */
	char *tok2;
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "42", 900, now, &tok2), FL_OK);
	assert_string_not_equal(tok, tok2);
	fl_json_set_arena(old);
	fl_arena_free(a);
}

static void test_heap_values_survive(void **state)
{
	/* Heap (non-arena) jansson values made before, kept across, and freed
	 * after libjwt calls: the allocator is restored exactly. */
	fl_arena *a = fl_arena_new(0);
	json_t *heap = json_pack("{s:[i,i,i], s:s}", "a", 1, 2, 3, "s", "text");
	char *dumped = json_dumps(heap, 0);
	for (int i = 0; i < 200; i++) {
		char *tok;
		fl_token_claims cl;
		assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "7", 60, 1000, &tok), FL_OK);
		assert_int_equal(fl_token_decode(a, KEY, KEYLEN, tok, 1000, &cl, NULL), FL_OK);
		if (i % 50 == 0)
			fl_arena_reset(a);
	}
	/* The heap value is intact and still not the arena's. */
	assert_false(fl_arena_owns(a, heap));
	char *again = json_dumps(heap, 0);
	assert_string_equal(again, dumped);
	json_free_t release;
	json_get_alloc_funcs(NULL, &release);
	release(again);
	release(dumped);
	json_decref(heap);
	fl_arena_free(a);
}

static void test_flagon_token_decodes_in_pyjwt(void **state)
{
	if (!have_pyjwt())
		skip();
	fl_arena *a = fl_arena_new(0);
	char *tok;
	time_t now = time(NULL);
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "5", 900, now, &tok), FL_OK);
	char out[4096];
	int rc = python(out, sizeof out,
		"import jwt, sys, json\n"
		"c = jwt.decode(sys.argv[1], \"" KEY "\", algorithms=[\"HS256\"])\n"
		"h = jwt.get_unverified_header(sys.argv[1])\n"
		"assert h == {\"alg\": \"HS256\", \"typ\": \"JWT\"}, h\n"
		"assert c[\"sub\"] == \"5\" and c[\"type\"] == \"access\" and c[\"fresh\"] is False, c\n"
		"assert c[\"exp\"] - c[\"iat\"] == 900 and c[\"nbf\"] == c[\"iat\"], c\n"
		"assert len(c[\"jti\"]) == 36, c\n"
		"print(\"ok\")", tok);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "ok");
	/* With another key PyJWT refuses it. */
	rc = python(out, sizeof out,
		"import jwt, sys\n"
		"try:\n"
		"    jwt.decode(sys.argv[1], \"other\", algorithms=[\"HS256\"]); print(\"accepted\")\n"
		"except jwt.InvalidSignatureError: print(\"refused\")", tok);
	assert_string_equal(out, "refused");
	fl_arena_free(a);
}

/* A token made by PyJWT: `claims` is a Python expression (n = now). */
static void pyjwt_token(char *out, size_t outlen, const char *claims, const char *key,
	const char *alg)
{
	char code[2048];
	snprintf(code, sizeof code,
		"import jwt, time, uuid\n"
		"n = int(time.time())\n"
		"print(jwt.encode(%s, %s, algorithm=\"%s\"))", claims, key, alg);
	assert_int_equal(python(out, outlen, code, NULL), 0);
}

#define STD_CLAIMS "{\"sub\": \"9\", \"iat\": n, \"nbf\": n, \"exp\": n + 600, " \
	"\"jti\": str(uuid.uuid4()), \"type\": \"access\", \"fresh\": False}"

static void test_pyjwt_token_verifies(void **state)
{
	if (!have_pyjwt())
		skip();
	fl_arena *a = fl_arena_new(0);
	char tok[4096];
	pyjwt_token(tok, sizeof tok, STD_CLAIMS, "\"" KEY "\"", "HS256");
	fl_token_claims cl;
	const char *why = NULL;
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, tok, time(NULL), &cl, &why), FL_OK);
	assert_string_equal(cl.sub, "9");
	/* Minimal claims (what plain PyJWT users write) are enough. */
	pyjwt_token(tok, sizeof tok, "{\"sub\": \"1\", \"exp\": n + 60}", "\"" KEY "\"", "HS256");
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, tok, time(NULL), &cl, &why), FL_OK);
	assert_string_equal(cl.sub, "1");
	fl_arena_free(a);
}

static void expect_refused(fl_arena *a, const char *tok, fl_err want)
{
	fl_token_claims cl;
	const char *why = NULL;
	fl_err e = fl_token_decode(a, KEY, KEYLEN, tok, time(NULL), &cl, &why);
	if (e != want)
		print_error("token %s: got %d (%s), want %d\n", tok, e, why ? why : "-", want);
	assert_int_equal(e, want);
	assert_non_null(why);
	assert_null(cl.sub);
}

static void test_pyjwt_bad_tokens_refused(void **state)
{
	if (!have_pyjwt())
		skip();
	fl_arena *a = fl_arena_new(0);
	char tok[4096];
	/* alg none */
	pyjwt_token(tok, sizeof tok, STD_CLAIMS, "None", "none");
	expect_refused(a, tok, FL_EMALFORMED);
	/* the same key, but HS384 / HS512 */
	pyjwt_token(tok, sizeof tok, STD_CLAIMS, "\"" KEY "\"", "HS384");
	expect_refused(a, tok, FL_EMALFORMED);
	pyjwt_token(tok, sizeof tok, STD_CLAIMS, "\"" KEY "\"", "HS512");
	expect_refused(a, tok, FL_EMALFORMED);
	/* wrong key */
	pyjwt_token(tok, sizeof tok, STD_CLAIMS, "\"not-the-key\"", "HS256");
	expect_refused(a, tok, FL_EBADSIG);
	/* expired */
	pyjwt_token(tok, sizeof tok, "{\"sub\": \"9\", \"iat\": n - 1000, \"exp\": n - 100}",
		"\"" KEY "\"", "HS256");
	expect_refused(a, tok, FL_EEXPIRED);
	/* not yet valid */
	pyjwt_token(tok, sizeof tok, "{\"sub\": \"9\", \"nbf\": n + 1000, \"exp\": n + 2000}",
		"\"" KEY "\"", "HS256");
	expect_refused(a, tok, FL_EINVAL);
	/* sub not a string (RFC 7519), missing sub, missing exp */
	pyjwt_token(tok, sizeof tok, "{\"sub\": 9, \"exp\": n + 60}", "\"" KEY "\"", "HS256");
	expect_refused(a, tok, FL_EINVAL);
	pyjwt_token(tok, sizeof tok, "{\"exp\": n + 60}", "\"" KEY "\"", "HS256");
	expect_refused(a, tok, FL_EINVAL);
	pyjwt_token(tok, sizeof tok, "{\"sub\": \"9\"}", "\"" KEY "\"", "HS256");
	expect_refused(a, tok, FL_EINVAL);
	/* a refresh token is not an access token */
	pyjwt_token(tok, sizeof tok, "{\"sub\": \"9\", \"exp\": n + 60, \"type\": \"refresh\"}",
		"\"" KEY "\"", "HS256");
	expect_refused(a, tok, FL_EINVAL);
	fl_arena_free(a);
}

/* A token from a header and payload JSON with an HS256 signature made by
 * Flagon itself, so the alg check is what refuses it. */
static char *forge(fl_arena *a, const char *header, const char *payload, const char *sig)
{
	return fl_arena_printf(a, "%s.%s.%s", fl_base64url_encode(a, header, strlen(header)),
		fl_base64url_encode(a, payload, strlen(payload)), sig);
}

static void test_forged_and_malformed(void **state)
{
	fl_arena *a = fl_arena_new(0);
	time_t now = time(NULL);
	char *good;
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "3", 900, now, &good), FL_OK);
	char *p = fl_arena_printf(a, "{\"sub\":\"3\",\"exp\":%lld}", (long long)now + 100);
	/* alg none, with and without a signature */
	expect_refused(a, forge(a, "{\"alg\":\"none\",\"typ\":\"JWT\"}", p, ""), FL_EMALFORMED);
	expect_refused(a, forge(a, "{\"alg\":\"none\"}", p, "abc"), FL_EMALFORMED);
	expect_refused(a, forge(a, "{\"alg\":\"None\"}", p, ""), FL_EMALFORMED);
	expect_refused(a, forge(a, "{\"typ\":\"JWT\"}", p, "abc"), FL_EMALFORMED);
	expect_refused(a, forge(a, "{\"alg\":\"RS256\"}", p, "abc"), FL_EMALFORMED);
	expect_refused(a, forge(a, "{\"alg\":[\"HS256\"]}", p, "abc"), FL_EMALFORMED);
	/* HS256 header, no or garbage signature */
	expect_refused(a, forge(a, "{\"alg\":\"HS256\"}", p, ""), FL_EBADSIG);
	expect_refused(a, forge(a, "{\"alg\":\"HS256\"}", p, "AAAA"), FL_EBADSIG);
	/* tampered payload: swap the payload of a good token */
	char *dot1 = strchr(good, '.');
	char *dot2 = strchr(dot1 + 1, '.');
	const char *evil = "{\"sub\":\"1\",\"exp\":9999999999}";
	char *tampered = fl_arena_printf(a, "%.*s.%s%s", (int)(dot1 - good), good,
		fl_base64url_encode(a, evil, strlen(evil)), dot2);
	expect_refused(a, tampered, FL_EBADSIG);
	/* tampered signature: flip one character */
	char *flipped = fl_arena_strdup(a, good);
	size_t n = strlen(flipped);
	flipped[n - 2] = flipped[n - 2] == 'A' ? 'B' : 'A';
	expect_refused(a, flipped, FL_EBADSIG);
	/* malformed shapes */
	const char *bad[] = { "", "abc", "a.b", "a.b.c.d", "...", "eyJ.eyJ.x", "!!!.???.###",
		"e30.e30.", "W10.e30.abc" /* header [] */, "e30.W10.abc" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		fl_token_claims cl;
		const char *why = NULL;
		fl_err e = fl_token_decode(a, KEY, KEYLEN, bad[i], now, &cl, &why);
		assert_true(e == FL_EMALFORMED || e == FL_EBADSIG);
		assert_non_null(why);
	}
	/* too long */
	char *huge = fl_arena_alloc(a, FL_TOKEN_MAX_LENGTH + 10);
	memset(huge, 'A', FL_TOKEN_MAX_LENGTH + 9);
	huge[FL_TOKEN_MAX_LENGTH + 9] = '\0';
	expect_refused(a, huge, FL_EMALFORMED);
	/* expiry is exact: valid until exp, refused at exp */
	char *t;
	fl_token_claims cl;
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "3", 10, 1000, &t), FL_OK);
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, t, 1009, &cl, NULL), FL_OK);
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, t, 1010, &cl, NULL), FL_EEXPIRED);
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, t, 999, &cl, NULL), FL_EINVAL); /* nbf */
	/* wrong key */
	assert_int_equal(fl_token_decode(a, "x", 1, t, 1005, &cl, NULL), FL_EBADSIG);
	fl_arena_free(a);
}

static void test_bad_arguments(void **state)
{
	fl_arena *a = fl_arena_new(0);
	char *t;
	fl_token_claims cl;
	assert_int_equal(fl_token_create_access(a, "", 0, "1", 10, 1000, &t), FL_EINVAL);
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "", 10, 1000, &t), FL_EINVAL);
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, NULL, 10, 1000, &t), FL_EINVAL);
	assert_int_equal(fl_token_create_access(a, KEY, KEYLEN, "1", 0, 1000, &t), FL_EINVAL);
	assert_null(t);
	assert_int_equal(fl_token_decode(a, "", 0, "a.b.c", 1000, &cl, NULL), FL_EINVAL);
	assert_int_equal(fl_token_decode(a, KEY, KEYLEN, NULL, 1000, &cl, NULL), FL_EMALFORMED);
	fl_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_heap_values_survive),
		cmocka_unit_test(test_flagon_token_decodes_in_pyjwt),
		cmocka_unit_test(test_pyjwt_token_verifies),
		cmocka_unit_test(test_pyjwt_bad_tokens_refused),
		cmocka_unit_test(test_forged_and_malformed),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
