/* test_csrf.c — Flask-WTF 1.1 CSRF tokens.  FLASK_TOKEN was made once by
 * itsdangerous 2.1.2 (URLSafeTimedSerializer("dev-key",
 * salt="wtf-csrf-token").dumps(RAW)) with the clock at 1700000000: this RAW
 * repeats itself, so Flask compresses it.  Flagon does not compress
 * payloads below FL_SIGN_COMPRESS_MIN (issue #20); PLAIN_TOKEN is the same
 * signer's token of the uncompressed payload
 * (s.make_signer().sign(base64_encode(b'"' + RAW + b'"'))), which
 * itsdangerous loads to RAW (test_flask_interop checks that Flask-WTF
 * validates Flagon's tokens). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "form/csrf.h"
#include "base/signing.h"
#include "arena_fixture.h"

#define TS ((time_t)1700000000)
#define RAW "0123456789abcdef0123456789abcdef01234567"
static const char FLASK_TOKEN[] =
	".eJxTMjA0MjYxNTO3sExMSk5JTcPFVwIA4koKpQ.ZVPxAA.RTTcSDVOs7g4KBVZoFDgYjHSSTM";

static const char PLAIN_TOKEN[] =
	"IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njci.ZVPxAA.THvTmX1_ZKi-gI_Q-N_pNMDjuug";

static json_t *session_with_raw(void)
{
	return json_pack("{s:s}", "csrf_token", RAW);
}

static void generate_is_what_itsdangerous_signs(void **state)
{
	json_t *s = session_with_raw();
	const char *token;
	assert_int_equal(fl_csrf_generate("dev-key", 0, s, arena, TS, &token), FL_OK);
	assert_string_equal(token, PLAIN_TOKEN);
	assert_string_equal(json_string_value(json_object_get(s, "csrf_token")), RAW);
	/* and both forms validate */
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, PLAIN_TOKEN, 3600, TS), FL_OK);
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, FLASK_TOKEN, 3600, TS), FL_OK);
}

static void generate_stores_a_fresh_raw_token_once(void **state)
{
	json_t *s = json_object();
	const char *t1, *t2;
	assert_int_equal(fl_csrf_generate("dev-key", 0, s, arena, TS, &t1), FL_OK);
	const char *raw = json_string_value(json_object_get(s, "csrf_token"));
	assert_non_null(raw);
	assert_int_equal(strlen(raw), 40);
	assert_int_equal(strspn(raw, "0123456789abcdef"), 40);
	assert_int_equal(fl_csrf_generate("dev-key", 0, s, arena, TS, &t2), FL_OK);
	assert_string_equal(t1, t2);   /* same raw token, same second */
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, t1, FL_CSRF_TIME_LIMIT, TS),
	                 FL_OK);
	/* two visitors never share a token */
	json_t *other = json_object();
	assert_int_equal(fl_csrf_generate("dev-key", 0, other, arena, TS, &t2), FL_OK);
	assert_string_not_equal(t1, t2);
	assert_int_equal(fl_csrf_validate("dev-key", 0, other, arena, t1, FL_CSRF_TIME_LIMIT, TS),
	                 FL_ECSRFINVALID);
}

static void valid_flask_token_is_accepted(void **state)
{
	json_t *s = session_with_raw();
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, FLASK_TOKEN, 3600, TS + 3600),
	                 FL_OK);
}

static void missing_token_is_missing(void **state)
{
	json_t *s = session_with_raw();
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, NULL, 3600, TS),
	                 FL_ECSRFMISSING);
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, "", 3600, TS),
	                 FL_ECSRFMISSING);
	assert_string_equal(fl_strerror(FL_ECSRFMISSING), "The CSRF token is missing.");
}

static void everything_else_is_invalid(void **state)
{
	json_t *s = session_with_raw();
	/* expired */
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, FLASK_TOKEN, 3600, TS + 3601),
	                 FL_ECSRFINVALID);
	/* signed in the future */
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, FLASK_TOKEN, 3600, TS - 1),
	                 FL_ECSRFINVALID);
	/* wrong secret */
	assert_int_equal(fl_csrf_validate("other", 0, s, arena, FLASK_TOKEN, 3600, TS),
	                 FL_ECSRFINVALID);
	/* garbage, tampered */
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, "abc", 3600, TS),
	                 FL_ECSRFINVALID);
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena,
	                                  ".eJxTMjA0MjYxNTO3sExMSk5JTcPFVwIA4koKpQ.ZVPxAA.RTTcSDVOs7g4KB"
	                                  "VZoFDgYjHSSTm", 3600, TS), FL_ECSRFINVALID);
	/* session lost its raw token */
	json_t *empty = json_object();
	assert_int_equal(fl_csrf_validate("dev-key", 0, empty, arena, FLASK_TOKEN, 3600, TS),
	                 FL_ECSRFINVALID);
	/* a different raw token */
	json_t *other = json_pack("{s:s}", "csrf_token", "ffff");
	assert_int_equal(fl_csrf_validate("dev-key", 0, other, arena, FLASK_TOKEN, 3600, TS),
	                 FL_ECSRFINVALID);
	assert_string_equal(fl_strerror(FL_ECSRFINVALID), "The CSRF token is invalid.");
}

static void session_cookie_signature_is_not_a_csrf_token(void **state)
{
	/* salt separation: a value signed for the session never passes */
	fl_signer_opts o = {.secret_key = "dev-key", .salt = "cookie-session",
	                    .key_derivation = FL_KEY_HMAC};
	char *forged;
	json_t *s = session_with_raw();
	assert_int_equal(fl_serializer_dumps(&o, arena, json_object_get(s, "csrf_token"), TS,
	                                     &forged), FL_OK);
	assert_int_equal(fl_csrf_validate("dev-key", 0, s, arena, forged, 3600, TS),
	                 FL_ECSRFINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generate_is_what_itsdangerous_signs),
		cmocka_unit_test(generate_stores_a_fresh_raw_token_once),
		cmocka_unit_test(valid_flask_token_is_accepted),
		cmocka_unit_test(missing_token_is_missing),
		cmocka_unit_test(everything_else_is_invalid),
		cmocka_unit_test(session_cookie_signature_is_not_a_csrf_token),
	};
	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
