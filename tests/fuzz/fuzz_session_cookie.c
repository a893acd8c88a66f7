/* fuzz_session_cookie — the session cookie parser on hostile input.
 *
 * The first byte picks how the rest reaches the parser, so the fuzzer gets
 * past the HMAC (which it cannot forge):
 *   0: the bytes are the cookie value as a browser sends it;
 *   1: the bytes are the payload (base64 JSON, or '.' + base64 zlib), which
 *      the target signs with the key before loading;
 *   2: the bytes are JSON text, which the target base64-encodes and signs.
 * A session that loads is serialized, re-signed, re-loaded and untagged;
 * both loads must agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "session/session.h"
#include "base/signing.h"

#define NOW ((time_t)1700000000)

static void check_round_trip(const fl_session_config *cfg, fl_arena *a, json_t *data)
{
	char *again;
	json_t *back;
	if (fl_session_cookie_dumps(cfg, a, data, NOW, &again) != FL_OK)
		return;
	if (fl_session_cookie_loads(cfg, a, again, NOW, &back) != FL_OK || !json_equal(data, back))
		abort();
	json_decref(fl_tag_escape(fl_tag_untag(data)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	fl_arena *a = fl_arena_new(0);
	fl_json_set_arena(a);
	fl_session_config cfg;
	fl_session_config_init(&cfg);
	cfg.secret_key = "fuzz-key";
	fl_signer_opts o = {.secret_key = "fuzz-key", .salt = "cookie-session",
	                    .key_derivation = FL_KEY_HMAC};
	const char *body = fl_arena_memdup(a, data + 1, size - 1);
	size_t len = size - 1;
	char *cookie = NULL;

	switch (data[0] % 3) {
	case 0:
		cookie = (char *)body;
		break;
	case 1:
		fl_timestamp_sign(&o, a, body, len, NOW, &cookie);
		break;
	default: {
		char *b64 = fl_base64url_encode(a, body, len);
		fl_timestamp_sign(&o, a, b64, strlen(b64), NOW, &cookie);
		break;
	}
	}
	fl_session s;
	if (cookie && strlen(cookie) == (data[0] % 3 == 0 ? len : strlen(cookie))) {
		fl_session_open(fl_session_cookie_store(), &cfg, a, cookie, NOW, &s);
		if (!json_is_object(s.data))
			abort();
		check_round_trip(&cfg, a, s.data);
		const char *header;
		json_object_set_new(s.data, "x", json_true());
		fl_session_save_header(fl_session_cookie_store(), &cfg, a, &s, NOW, &header);
	}
	fl_json_set_arena(NULL);
	fl_arena_free(a);
	return 0;
}
