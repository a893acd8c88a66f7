/* test_session.c — Flask 2.2 SecureCookieSessionInterface behaviour of
 * lib/session/session.c + lib/session/session_cookie.c.  Cookies were made once by Flask
 * 2.2.2 with SECRET_KEY "dev-key" and the clock at 1700000000. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "session/session.h"
#include "base/signing.h"
#include "arena_fixture.h"

#define TS ((time_t)1700000000)

/* {"name": "Zoë", "known": True, "age": 18} */
static const char FLASK_SMALL[] =
	"eyJhZ2UiOjE4LCJrbm93biI6dHJ1ZSwibmFtZSI6IlpvXHUwMGViIn0.ZVPxAA."
	"lZeoOpGRgOPRq06kmVOxpWhFs0U";
/* {"_flashes": [("message", "Looks like...")], "_permanent": True} */
static const char FLASK_FLASH[] =
	"eyJfZmxhc2hlcyI6W3siIHQiOlsibWVzc2FnZSIsIkxvb2tzIGxpa2UgeW91IGhhdmUgY2hhbmdlZCB5b3VyIG5h"
	"bWUhIl19XSwiX3Blcm1hbmVudCI6dHJ1ZX0.ZVPxAA.SUVWpe_pZdbluwNmZXlWqALEFg8";
/* tuple, bytes, datetime, UUID, Markup and a dict {" t": [1]} */
static const char FLASK_TAGGED[] =
	".eJyrVkpSsqpWUgCSSo4BlvmJgba2SrU6SilgUSCpFJ6aoqNgZKjgn1yiYGRgaKpgYG5lZGFlYKDg7hsCUppanAxRnAmm"
	"SuLjlayiDWNrgVK5YBEgqWSTZFdho59kB9JQAlEHUqWjlKgUCxKqKIE7I9E9rDjJ3QLsjFKwKJBUMsADDI2MTZRqawEQ"
	"3zN1.ZVPxAA.9Q1f9l2hY3JrLTng9q-33XDoTYE";
static const char TAGGED_JSON[] =
	"{\"b\":{\" b\":\"AP9oaQ==\"},\"d\":{\" d\":\"Wed, 21 Oct 2015 07:28:00 GMT\"},"
	"\"esc\":{\" di\":{\" t__\":[1]}},\"m\":{\" m\":\"<b>x</b>\"},\"t\":{\" t\":[1,\"a\"]},"
	"\"txt\":{\" b\":\"aGVsbG8=\"},\"u\":{\" u\":\"00000000000000000000000000001234\"}}";

static fl_session_config cfg;

static int setup(void **state)
{
	arena_setup(state);
	fl_session_config_init(&cfg);
	cfg.secret_key = "dev-key";
	return 0;
}

static const char *dump(const json_t *v)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_json_dumps_compact(v, &b), FL_OK);
	return fl_buf_cstr(&b);
}

static fl_session open_cookie(const char *value, time_t now)
{
	fl_session s;
	assert_int_equal(fl_session_open(fl_session_cookie_store(), &cfg, arena, value, now, &s),
	                 FL_OK);
	assert_non_null(s.data);
	return s;
}

static const char *save_header(fl_session *s, time_t now)
{
	const char *h;
	assert_int_equal(fl_session_save_header(fl_session_cookie_store(), &cfg, arena, s, now, &h),
	                 FL_OK);
	return h;
}

static void reads_a_cookie_flask_made(void **state)
{
	fl_session s = open_cookie(FLASK_SMALL, TS + 10);
	assert_false(s.is_new);
	assert_string_equal(dump(s.data), "{\"age\":18,\"known\":true,\"name\":\"Zo\\u00eb\"}");
	assert_string_equal(json_string_value(json_object_get(s.data, "name")), "Zo\xc3\xab");
}

static void writes_the_cookie_flask_writes(void **state)
{
	json_t *v = json_pack("{s:s,s:b,s:i}", "name", "Zo\xc3\xab", "known", 1, "age", 18);
	char *out;
	assert_int_equal(fl_session_cookie_dumps(&cfg, arena, v, TS, &out), FL_OK);
	assert_string_equal(out, FLASK_SMALL);
}

static void tagged_values_round_trip_untouched(void **state)
{
	fl_session s = open_cookie(FLASK_TAGGED, TS);
	char *out;
	assert_string_equal(dump(s.data), TAGGED_JSON);
	assert_int_equal(fl_session_cookie_dumps(&cfg, arena, s.data, TS, &out), FL_OK);
	assert_string_equal(out, FLASK_TAGGED);
}

static void untag_gives_plain_json(void **state)
{
	json_t *tagged;
	assert_int_equal(fl_json_loads(arena, TAGGED_JSON, strlen(TAGGED_JSON), &tagged), FL_OK);
	assert_string_equal(dump(fl_tag_untag(tagged)),
	                    "{\"b\":\"AP9oaQ==\",\"d\":\"Wed, 21 Oct 2015 07:28:00 GMT\","
	                    "\"esc\":{\" t\":[1]},\"m\":\"<b>x</b>\",\"t\":[1,\"a\"],"
	                    "\"txt\":\"hello\",\"u\":\"00000000000000000000000000001234\"}");
}

static void escape_is_the_inverse_of_untag_for_dicts(void **state)
{
	json_t *plain = json_pack("{s:{s:[i]},s:[{s:i}],s:{s:i,s:i}}", "esc", " t", 1, "list",
	                          " di", 2, "two", " t", 1, " b", 2);
	json_t *tagged = fl_tag_escape(plain);
	assert_string_equal(dump(tagged),
	                    "{\"esc\":{\" di\":{\" t__\":[1]}},\"list\":[{\" di\":{\" di__\":2}}],"
	                    "\"two\":{\" b\":2,\" t\":1}}");
	assert_true(json_equal(fl_tag_untag(tagged), plain));
}

static void tag_tuple_is_flask_tuple(void **state)
{
	json_t *t = fl_tag_tuple(json_pack("[s,s]", "message", "hi"));
	assert_string_equal(dump(t), "{\" t\":[\"message\",\"hi\"]}");
}

static void bad_cookies_give_an_empty_session(void **state)
{
	const char *bad[] = {
		NULL, "", "garbage", "e30.ZVPxAA.AAAA", "...",
		/* tampered payload */
		"eyJhZ2UiOjE5LCJrbm93biI6dHJ1ZSwibmFtZSI6IlpvXHUwMGViIn0.ZVPxAA."
		"lZeoOpGRgOPRq06kmVOxpWhFs0U",
		/* a Flask cookie holding a list, not a dict — signed with dev-key */
		NULL,
	};
	char *list_cookie;
	assert_int_equal(fl_session_cookie_dumps(&cfg, arena, json_pack("[i]", 1), TS,
	                                         &list_cookie), FL_OK);
	bad[sizeof bad / sizeof bad[0] - 1] = list_cookie;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fl_session s = open_cookie(bad[i], TS);
		assert_true(s.is_new);
		assert_int_equal(json_object_size(s.data), 0);
	}
	/* another secret */
	cfg.secret_key = "other";
	fl_session s = open_cookie(FLASK_SMALL, TS);
	assert_int_equal(json_object_size(s.data), 0);
}

static void cookie_older_than_lifetime_is_ignored(void **state)
{
	fl_session s = open_cookie(FLASK_SMALL, TS + FL_SESSION_DEFAULT_LIFETIME);
	assert_int_equal(json_object_size(s.data), 3);
	s = open_cookie(FLASK_SMALL, TS + FL_SESSION_DEFAULT_LIFETIME + 1);
	assert_int_equal(json_object_size(s.data), 0);
	cfg.permanent_lifetime = 60;
	s = open_cookie(FLASK_SMALL, TS + 61);
	assert_int_equal(json_object_size(s.data), 0);
	/* and one from the future */
	s = open_cookie(FLASK_SMALL, TS - 1);
	assert_int_equal(json_object_size(s.data), 0);
}

/* The second open of a cookie comes from the per-process memo
 * (cookie_memo.c): the same object, but each open's own copy, and every
 * check that depends on the request (age, secret) made again. */
static void a_cookie_seen_before_opens_as_a_fresh_copy(void **state)
{
	static const char want[] = "{\"_flashes\":[{\" t\":[\"message\",\"Looks like you have "
		"changed your name!\"]}],\"_permanent\":true}";
	fl_session first = open_cookie(FLASK_FLASH, TS);
	assert_string_equal(dump(first.data), want);
	/* the handler changes its session, down to a nested list */
	json_array_clear(json_object_get(first.data, "_flashes"));
	json_object_set_new(first.data, "name", json_string("x"));
	assert_true(fl_session_modified(&first));

	fl_session again = open_cookie(FLASK_FLASH, TS + 1);
	assert_ptr_not_equal(again.data, first.data);
	assert_string_equal(dump(again.data), want);
	assert_string_equal(again.opened, want);
	assert_false(again.is_new);
	assert_false(fl_session_modified(&again));

	assert_int_equal(json_object_size(open_cookie(FLASK_FLASH,
		TS + FL_SESSION_DEFAULT_LIFETIME + 1).data), 0);
	assert_int_equal(json_object_size(open_cookie(FLASK_FLASH, TS - 1).data), 0);
	cfg.secret_key = "dev-kez";
	assert_int_equal(json_object_size(open_cookie(FLASK_FLASH, TS).data), 0);
	cfg.secret_key = "dev-key";
	assert_string_equal(dump(open_cookie(FLASK_FLASH, TS).data), want);
}

static void untouched_session_sends_no_cookie(void **state)
{
	fl_session s = open_cookie(NULL, TS);
	assert_null(save_header(&s, TS));
	s = open_cookie(FLASK_SMALL, TS);
	assert_false(fl_session_modified(&s));
	assert_null(save_header(&s, TS + 5));
}

static void changed_session_sends_a_browser_session_cookie(void **state)
{
	fl_session s = open_cookie(NULL, TS);
	json_object_set_new(s.data, "name", json_string("Zo\xc3\xab"));
	json_object_set_new(s.data, "known", json_true());
	json_object_set_new(s.data, "age", json_integer(18));
	assert_true(fl_session_modified(&s));
	const char *h = save_header(&s, TS);
	assert_string_equal(h, fl_arena_printf(arena, "session=%s; HttpOnly; Path=/", FLASK_SMALL));
}

static void permanent_session_gets_expires_and_is_refreshed(void **state)
{
	fl_session s = open_cookie(FLASK_FLASH, TS);
	assert_true(fl_session_permanent(s.data));
	/* unchanged, but SESSION_REFRESH_EACH_REQUEST re-sends it */
	const char *h = save_header(&s, TS);
	assert_string_equal(h, fl_arena_printf(arena, "session=%s; Expires=Fri, 15 Dec 2023 "
	                                       "22:13:20 GMT; HttpOnly; Path=/", FLASK_FLASH));
	cfg.refresh_each_request = false;
	assert_null(save_header(&s, TS));
}

static void set_permanent_marks_the_session(void **state)
{
	fl_session s = open_cookie(NULL, TS);
	fl_session_set_permanent(s.data, true);
	assert_true(fl_session_permanent(s.data));
	fl_cookie c;
	assert_int_equal(fl_session_save(fl_session_cookie_store(), &cfg, arena, &s, TS, &c),
	                 FL_OK);
	assert_string_equal(c.key, "session");
	assert_true(c.expires_set);
	assert_int_equal(c.expires, TS + 2678400);
	assert_int_equal(c.max_age, -1);
}

static void emptied_session_sends_a_deletion_cookie(void **state)
{
	fl_session s = open_cookie(FLASK_SMALL, TS);
	json_object_clear(s.data);
	assert_string_equal(save_header(&s, TS),
	                    "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; "
	                    "HttpOnly; Path=/");
}

static void configured_attributes_follow_werkzeug_order(void **state)
{
	cfg.secure = true;
	cfg.samesite = "lax";
	cfg.domain = "example.com";
	fl_session s = open_cookie(NULL, TS);
	json_object_set_new(s.data, "a", json_string("b"));
	const char *h = save_header(&s, TS);
	const char *semi = strchr(h, ';');
	assert_non_null(semi);
	assert_string_equal(semi, "; Domain=example.com; Secure; HttpOnly; Path=/; SameSite=Lax");
	cfg.samesite = "sometimes";
	assert_int_equal(fl_session_save_header(fl_session_cookie_store(), &cfg, arena, &s, TS,
	                                        &h), FL_EINVAL);
}

static void no_secret_key_means_no_session(void **state)
{
	cfg.secret_key = NULL;
	fl_session s = open_cookie(FLASK_SMALL, TS);
	assert_int_equal(json_object_size(s.data), 0);
	json_object_set_new(s.data, "a", json_true());
	const char *h;
	assert_int_equal(fl_session_save_header(fl_session_cookie_store(), &cfg, arena, &s, TS,
	                                        &h), FL_ECONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reads_a_cookie_flask_made, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(writes_the_cookie_flask_writes, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(tagged_values_round_trip_untouched, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(untag_gives_plain_json, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(escape_is_the_inverse_of_untag_for_dicts, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(tag_tuple_is_flask_tuple, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(bad_cookies_give_an_empty_session, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(cookie_older_than_lifetime_is_ignored, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(a_cookie_seen_before_opens_as_a_fresh_copy, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(untouched_session_sends_no_cookie, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(changed_session_sends_a_browser_session_cookie, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(permanent_session_gets_expires_and_is_refreshed, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(set_permanent_marks_the_session, setup, arena_teardown),
		cmocka_unit_test_setup_teardown(emptied_session_sends_a_deletion_cookie, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(configured_attributes_follow_werkzeug_order, setup,
		                                arena_teardown),
		cmocka_unit_test_setup_teardown(no_secret_key_means_no_session, setup, arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
