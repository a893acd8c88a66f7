/* flash.c — flash() and get_flashed_messages() over the session's
 * "_flashes" list of tagged tuples.  See flash.h. */
#include "session/flash.h"

#include <string.h>

#include "session/session.h"

/* Bytes the JSON string `v` takes in Flask's session JSON
 * (ensure_ascii, as fl_json_dumps_compact writes it): quotes, two-byte
 * escapes, \u00XX for other controls, \uXXXX per non-ASCII character
 * of the BMP and a surrogate pair above it.  Counted, never written. */
static size_t string_bytes(const json_t *v)
{
	const unsigned char *p = (const unsigned char *)json_string_value(v);
	size_t n = json_string_length(v), bytes = 2;
	for (size_t i = 0; i < n;) {
		unsigned char ch = p[i];
		if (ch < 0x80) {
			bytes += ch == '"' || ch == '\\' || ch == '\b' || ch == '\f' || ch == '\n' ||
				ch == '\r' || ch == '\t' ? 2 : ch < 0x20 ? 6 : 1;
			i++;
		} else {
			size_t len = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;   /* valid UTF-8 */
			bytes += len == 4 ? 12 : 6;
			i += len;
		}
	}
	return bytes;
}

/* Bytes `entry` takes in Flask's compact session JSON, with the comma
 * before it: {" t":["category","message"]} is 10 bytes plus its two
 * strings.  Anything else (an entry a store gave back in another shape)
 * is measured by jansson, whose JSON_COMPACT | JSON_ENSURE_ASCII output
 * is as long as Python's. */
static size_t entry_bytes(const json_t *entry)
{
	const json_t *t = json_object_get(entry, " t");
	if (json_object_size(entry) == 1 && json_array_size(t) == 2 &&
	    json_is_string(json_array_get(t, 0)) && json_is_string(json_array_get(t, 1)))
		return 10 + string_bytes(json_array_get(t, 0)) + string_bytes(json_array_get(t, 1)) + 1;
	return json_dumpb(entry, NULL, 0, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) + 1;
}

/* Drop the oldest entries until the newest fit FL_FLASH_MAX_MESSAGES and
 * FL_FLASH_MAX_BYTES; the newest one always stays. */
static void cap_queue(json_t *flashes)
{
	size_t n = json_array_size(flashes), keep = 0, bytes = 2;   /* "[]" */
	while (keep < n && keep < FL_FLASH_MAX_MESSAGES) {
		size_t b = entry_bytes(json_array_get(flashes, n - 1 - keep));
		if (keep > 0 && bytes + b > FL_FLASH_MAX_BYTES)
			break;
		bytes += b;
		keep++;
	}
	for (size_t i = 0; i < n - keep; i++)
		json_array_remove(flashes, 0);
}

fl_err fl_flash_push(json_t *session, const char *message, const char *category)
{
	if (!json_is_object(session) || !message)
		return FL_EINVAL;
	json_t *cat = json_string(category ? category : "message");
	json_t *msg = json_string(message);
	if (!cat || !msg) {
		json_decref(cat);
		json_decref(msg);
		return FL_EUTF8;
	}
	json_t *flashes = json_object_get(session, "_flashes");
	if (!json_is_array(flashes)) {
		flashes = json_array();
		json_object_set_new_nocheck(session, "_flashes", flashes);
	}
	json_t *pair = json_array();
	json_array_append_new(pair, cat);
	json_array_append_new(pair, msg);
	json_array_append_new(flashes, fl_tag_tuple(pair));
	cap_queue(flashes);
	return FL_OK;
}

/* One stored entry as a plain [category, message], or NULL if malformed.
 * Flask writes tuples; a list is what a plain-JSON store would give back. */
static json_t *entry_pair(json_t *entry)
{
	json_t *t = json_is_object(entry) ? json_object_get(entry, " t") : entry;
	if (json_is_object(entry) && json_object_size(entry) != 1)
		return NULL;
	if (!json_is_array(t) || json_array_size(t) != 2)
		return NULL;
	json_t *pair = json_array();
	json_array_append(pair, json_array_get(t, 0));
	json_array_append(pair, json_array_get(t, 1));
	return pair;
}

json_t *fl_flash_pop(json_t *session)
{
	json_t *out = json_array();
	json_t *flashes = json_object_get(session, "_flashes");
	if (!flashes)
		return out;
	json_incref(flashes);
	json_object_del(session, "_flashes");
	for (size_t i = 0; i < json_array_size(flashes); i++) {
		json_t *pair = entry_pair(json_array_get(flashes, i));
		if (pair)
			json_array_append_new(out, pair);
	}
	json_decref(flashes);
	return out;
}

static bool category_matches(const json_t *category, const char *const *filter)
{
	if (!filter || !filter[0])
		return true;
	if (!json_is_string(category))
		return false;
	for (; *filter; filter++)
		if (strcmp(json_string_value(category), *filter) == 0)
			return true;
	return false;
}

json_t *fl_flash_select(const json_t *flashes, bool with_categories,
                        const char *const *category_filter)
{
	json_t *out = json_array();
	for (size_t i = 0; i < json_array_size(flashes); i++) {
		json_t *pair = json_array_get(flashes, i);
		if (!category_matches(json_array_get(pair, 0), category_filter))
			continue;
		if (with_categories)
			json_array_append(out, pair);
		else
			json_array_append(out, json_array_get(pair, 1));
	}
	return out;
}

json_t *fl_flash_get(json_t *session, json_t **cache, bool with_categories,
                                const char *const *category_filter)
{
	if (!cache) {
		json_t *popped = fl_flash_pop(session);
		json_t *r = fl_flash_select(popped, with_categories, category_filter);
		json_decref(popped);
		return r;
	}
	if (!*cache)
		*cache = fl_flash_pop(session);
	return fl_flash_select(*cache, with_categories, category_filter);
}
