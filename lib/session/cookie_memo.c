/* cookie_memo.c — the per-process memo of verified session cookies
 * (session/internal.h, issue #20).
 *
 * A returning visitor sends the same signed cookie on every request until
 * the session changes.  Checking it again costs a base64 decode, often an
 * inflate, an HMAC compare, a JSON parse and the compact dump save()
 * compares against: ~20k instructions of a ~140k page.  An entry keeps the
 * exact cookie bytes that passed all of that under one secret key, the
 * object they gave (on the heap, never handed out: each request gets its
 * own copy in its arena, which it may change), that object's compact dump
 * and the signing time, whose age is checked again on every hit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "session/internal.h"
#include "base/hash.h"

struct entry {
	char *value;        /* the cookie value (malloc'd), NULL: empty */
	size_t len;
	char *key;          /* the secret key it verified under (malloc'd) */
	size_t key_len;
	time_t signed_at;
	json_t *data;       /* heap-allocated, refcount 1, owned here */
	char *opened;       /* fl_session_serialize(data), malloc'd */
	size_t opened_len;
};

static struct entry memo[FL_SESSION_MEMO_SLOTS];

/* A cookie ends in its HMAC (base64): its last bytes spread the entries. */
static struct entry *slot_of(const char *value, size_t len)
{
	size_t n = len < 16 ? len : 16;
	return &memo[fl_hash_fnv1a(value + len - n, n) % FL_SESSION_MEMO_SLOTS];
}

static size_t key_len_of(const fl_session_config *cfg)
{
	return cfg->secret_key_len ? cfg->secret_key_len : strlen(cfg->secret_key);
}

static void clear(struct entry *e)
{
	free(e->value);
	free(e->key);
	free(e->opened);
	if (e->data) {
		fl_arena *old = fl_json_set_arena(NULL);
		json_decref(e->data);
		fl_json_set_arena(old);
	}
	memset(e, 0, sizeof *e);
}

bool fl_session_memo_get(const fl_session_config *cfg, fl_arena *a, const char *value,
                         size_t len, long long max_age, time_t now, json_t **data,
                         const char **opened)
{
	if (!cfg->secret_key || len > FL_SESSION_MEMO_MAX)
		return false;
	struct entry *e = slot_of(value, len);
	size_t klen = key_len_of(cfg);
	/* The cookie in constant time: an entry holds another visitor's valid
	 * cookie, which a compare that stops at the first difference would
	 * reveal byte by byte to someone timing it (a stolen session). */
	if (!e->value || e->len != len || e->key_len != klen ||
	    CRYPTO_memcmp(e->value, value, len) != 0 ||
	    memcmp(e->key, cfg->secret_key, klen) != 0)
		return false;
	/* timestamp_unsign's rule (signing.c): not in the future, not older
	 * than max_age.  A cookie that fails it takes the full path, which
	 * rejects it with the right error. */
	uint64_t unow = now < 0 ? 0 : (uint64_t)now, t = (uint64_t)e->signed_at;
	if (max_age >= 0 && (t > unow || unow - t > (uint64_t)max_age))
		return false;
	fl_arena *old = fl_json_set_arena(a);
	json_t *copy = json_deep_copy(e->data);
	fl_json_set_arena(old);
	char *text = fl_arena_strndup(a, e->opened, e->opened_len);
	if (!copy || !text)
		return false;
	*data = copy;
	*opened = text;
	return true;
}

void fl_session_memo_put(const fl_session_config *cfg, const char *value, size_t len,
                         time_t signed_at, const json_t *data, const char *opened)
{
	if (!cfg->secret_key || len > FL_SESSION_MEMO_MAX || signed_at < 0)
		return;
	struct entry *e = slot_of(value, len);
	clear(e);
	size_t klen = key_len_of(cfg);
	e->len = len;
	e->key_len = klen;
	e->opened_len = strlen(opened);
	e->signed_at = signed_at;
	e->value = malloc(len);
	e->key = malloc(klen ? klen : 1);
	e->opened = malloc(e->opened_len);
	fl_arena *old = fl_json_set_arena(NULL);
	e->data = json_deep_copy(data);
	fl_json_set_arena(old);
	if (!e->value || !e->key || !e->opened || !e->data) {
		clear(e);   /* out of memory: keep nothing */
		return;
	}
	memcpy(e->value, value, len);
	memcpy(e->key, cfg->secret_key, klen);
	memcpy(e->opened, opened, e->opened_len);
}
