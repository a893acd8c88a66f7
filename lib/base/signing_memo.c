/* signing_memo.c — the per-process HMAC memo (signing_memo.h). */
#include "base/signing_memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/hash.h"

struct entry {
	unsigned long key_id;   /* 0: empty (signing.c's ids start at 1) */
	size_t len;
	unsigned char *msg;     /* FL_MAC_MEMO_MAX bytes, made on first use */
	unsigned char sig[64];
	size_t sig_len;
};

static struct entry memo[FL_MAC_MEMO_SLOTS];

static struct entry *entry_of(unsigned long key_id, const void *msg, size_t len)
{
	uint32_t h = fl_hash_fnv1a(msg, len) ^ (uint32_t)(key_id * 2654435761u);
	return &memo[h % FL_MAC_MEMO_SLOTS];
}

bool fl_mac_memo_get(unsigned long key_id, const void *msg, size_t len, unsigned char *sig,
                     size_t sig_cap, size_t *sig_len)
{
	if (!key_id || len > FL_MAC_MEMO_MAX)
		return false;
	struct entry *e = entry_of(key_id, msg, len);
	/* In constant time: an entry holds another visitor's message (a
	 * session's payload), which a compare that stops at the first
	 * difference would reveal byte by byte to someone timing it. */
	if (e->key_id != key_id || e->len != len || e->sig_len > sig_cap ||
	    CRYPTO_memcmp(e->msg, msg, len) != 0)
		return false;
	memcpy(sig, e->sig, e->sig_len);
	*sig_len = e->sig_len;
	return true;
}

void fl_mac_memo_put(unsigned long key_id, const void *msg, size_t len,
                     const unsigned char *sig, size_t sig_len)
{
	if (!key_id || len > FL_MAC_MEMO_MAX || sig_len > sizeof memo[0].sig)
		return;
	struct entry *e = entry_of(key_id, msg, len);
	if (!e->msg && !(e->msg = malloc(FL_MAC_MEMO_MAX)))
		return;
	e->key_id = key_id;
	e->len = len;
	memcpy(e->msg, msg, len);
	memcpy(e->sig, sig, sig_len);
	e->sig_len = sig_len;
}
