/* url_memo.c — the per-process memo of url_for's results.  See url_memo.h. */
#include "http/url_memo.h"
#include "base/hash.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough for every link of a site's pages; a power of two. */
#define MEMO_SLOTS 128

struct slot {
	uint32_t hash;
	char *key;         /* heap: key bytes, then the URL and its NUL */
	size_t klen;
	size_t ulen;
};

struct fl_url_memo {
	struct slot slots[MEMO_SLOTS];
};

fl_url_memo *fl_url_memo_new(void)
{
	return calloc(1, sizeof(fl_url_memo));
}

void fl_url_memo_free(fl_url_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < MEMO_SLOTS; i++)
		free(m->slots[i].key);
	free(m);
}

/* Append the `n` bytes at `s` and a NUL to buf at *len; 0 when the key
 * would grow past FL_URL_MEMO_KEY_MAX. */
static int put(char *buf, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > FL_URL_MEMO_KEY_MAX)
		return 0;
	memcpy(buf + *len, s, n);
	buf[*len + n] = '\0';
	*len += n + 1;
	return 1;
}

size_t fl_url_memo_key(char *buf, const char *script_name, const char *endpoint,
	json_t *values)
{
	size_t len = 0;
	const char *mount = script_name ? script_name : "";
	if (!put(buf, &len, mount, strlen(mount)) || !put(buf, &len, endpoint, strlen(endpoint)))
		return 0;
	const char *k;
	size_t kl;
	json_t *v;
	json_object_keylen_foreach(values, k, kl, v) {
		char num[24];
		const char *text;
		size_t tl;
		char tag;
		if (json_is_string(v)) {
			text = json_string_value(v);
			tl = json_string_length(v);
			if (strlen(text) != tl)
				return 0;
			tag = 's';
		} else if (json_is_integer(v)) {
			/* rare in url_for (most values are strings): printf will do */
			int w = snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
			text = num;
			tl = w > 0 ? (size_t)w : 0;
			tag = 'i';
		} else {
			return 0;
		}
		if (kl == 9 && !memcmp(k, "_external", 9))
			return 0;
		if (strlen(k) != kl || !put(buf, &len, k, kl) || !put(buf, &len, &tag, 1) ||
		    !put(buf, &len, text, tl))
			return 0;
	}
	return len;
}

const char *fl_url_memo_get(const fl_url_memo *m, const char *key, size_t klen,
	size_t *url_len)
{
	if (!m || !klen)
		return NULL;
	uint32_t h = fl_hash_fnv1a(key, klen);  /* a collision costs a compare */
	const struct slot *s = &m->slots[h & (MEMO_SLOTS - 1)];
	if (!s->key || s->hash != h || s->klen != klen || memcmp(s->key, key, klen))
		return NULL;
	*url_len = s->ulen;
	return s->key + klen;
}

void fl_url_memo_put(fl_url_memo *m, const char *key, size_t klen, const char *url)
{
	if (!m || !klen)
		return;
	uint32_t h = fl_hash_fnv1a(key, klen);  /* a collision costs a compare */
	struct slot *s = &m->slots[h & (MEMO_SLOTS - 1)];
	size_t ulen = strlen(url);
	if (!fl_utf8_valid(url, ulen))
		return;
	char *p = malloc(klen + ulen + 1);
	if (!p)
		return;
	memcpy(p, key, klen);
	memcpy(p + klen, url, ulen + 1);
	free(s->key);
	s->key = p;
	s->hash = h;
	s->klen = klen;
	s->ulen = ulen;
}
