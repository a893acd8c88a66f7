/* url_memo.h — a bounded per-process memo of url_for's results.
 *
 * A page builds the same URLs on every request: base.html alone asks
 * url_for for some twenty links, each a walk over the rule, its
 * converters, the values and percent-quoting (issue #20: 30 k
 * instructions a page).  What fl_url_map_build returns depends only on
 * the map (fixed for the process), the mount (SCRIPT_NAME), the endpoint
 * and the values, so a memo keyed by those bytes returns the very same
 * URL.  Only plain calls are kept: string and integer values, no
 * _external (its host is the request's).  A fixed number of slots, each
 * replaced by the next key that hashes to it, bounds the memory however
 * many distinct URLs a process sees.
 */
#ifndef FL_URL_MEMO_H
#define FL_URL_MEMO_H

#include <jansson.h>
#include <stddef.h>

/* Longest key, in bytes, fl_url_memo_key writes; longer calls are not
 * memoized. */
#define FL_URL_MEMO_KEY_MAX 512

/* The memo; per process, made by fl_url_memo_new. */
typedef struct fl_url_memo fl_url_memo;

/* fl_url_memo_new — an empty memo on the heap (free with
 * fl_url_memo_free); NULL when out of memory. */
fl_url_memo *fl_url_memo_new(void);

/* fl_url_memo_free — free `m` and every URL it holds; NULL is fine. */
void fl_url_memo_free(fl_url_memo *m);

/* fl_url_memo_key — write the key of url_for(endpoint, **values) under
 * mount `script_name` (NULL for none) into `buf` (FL_URL_MEMO_KEY_MAX
 * bytes, the caller's): the mount, the endpoint and each value's name,
 * type and text in the object's order (the order the query string takes).
 * Returns its length, or 0 when the call is not to be memoized: _external,
 * a value that is not a string without NUL bytes or an integer, or a key
 * longer than FL_URL_MEMO_KEY_MAX.  `values` may be NULL. */
size_t fl_url_memo_key(char *buf, const char *script_name, const char *endpoint,
	json_t *values);

/* fl_url_memo_get — the URL remembered for the `klen` bytes of `key`
 * (from fl_url_memo_key), its length in *url_len; NULL when there is none
 * (`m` NULL included).  Owned by the memo: valid until the next
 * fl_url_memo_put or fl_url_memo_free, so copy it. */
const char *fl_url_memo_get(const fl_url_memo *m, const char *key, size_t klen,
	size_t *url_len);

/* fl_url_memo_put — remember `url` (NUL-terminated, copied) for `key`,
 * replacing what its slot held.  Only strict UTF-8 URLs are remembered
 * (url_for's are ASCII; a mount taken from a raw SCRIPT_NAME might not
 * be), so every URL fl_url_memo_get returns is UTF-8 and can become a JSON
 * string without another check.  Out of memory only means the URL is not
 * remembered.  `m` NULL does nothing. */
void fl_url_memo_put(fl_url_memo *m, const char *key, size_t klen, const char *url);

#endif
