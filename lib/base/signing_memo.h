/* signing_memo.h — a per-process memo of HMACs for signing.c (issue #20).
 *
 * A returning visitor sends the same session cookie on every request, so
 * its signature is checked over the same bytes each time; a CSRF token is
 * signed anew on every page with a form, over the same payload and
 * timestamp within a second.  An HMAC costs ~5k instructions; a hit here
 * costs a hash and a compare.  An entry is keyed by the identity of the
 * signing key (a number signing.c gives each derived key, never reused, so
 * another secret or salt can never match) and the exact message bytes;
 * the answer is the same bytes the HMAC would give, so nothing about
 * checking signatures changes (signing.c still compares in constant time,
 * and the memo compares a message with its entry in constant time too).
 * Processes are single-threaded.
 */
#ifndef FL_SIGNING_MEMO_H
#define FL_SIGNING_MEMO_H

#include <stdbool.h>
#include <stddef.h>

/* Longest message kept, in bytes; longer ones are always computed.  With
 * FL_MAC_MEMO_SLOTS entries the memo holds at most 16 KiB. */
#define FL_MAC_MEMO_MAX 1024

/* Entries, direct-mapped by the FNV-1a hash of key and message. */
#define FL_MAC_MEMO_SLOTS 16

/* fl_mac_memo_get — copy the signature kept for (key_id, the `len` bytes
 * at `msg`) to `sig` (room for `sig_cap` bytes) and its length to
 * *sig_len, and return true; false (nothing written) when it is not kept. */
bool fl_mac_memo_get(unsigned long key_id, const void *msg, size_t len, unsigned char *sig,
                     size_t sig_cap, size_t *sig_len);

/* fl_mac_memo_put — keep `sig` (`sig_len` bytes, at most 64) as the
 * signature of (key_id, msg), replacing whatever shared its entry.
 * Messages longer than FL_MAC_MEMO_MAX are not kept; out of memory, it
 * keeps nothing.  The memo's memory lives until the process exits. */
void fl_mac_memo_put(unsigned long key_id, const void *msg, size_t len,
                     const unsigned char *sig, size_t sig_len);

#endif
