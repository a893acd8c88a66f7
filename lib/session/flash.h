/* flash.h — Flask's message flashing (flask/helpers.py flash and
 * get_flashed_messages).
 *
 * Messages wait in the session under "_flashes" as a list of tagged tuples
 * [{" t": [category, message]}, ...] — exactly what Flask stores, so either
 * side can show what the other flashed.  They are shown once: the first
 * get_flashed_messages of a request removes them from the session and the
 * request keeps that list (the `cache` argument) for later calls.
 */
#ifndef FL_FLASH_H
#define FL_FLASH_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

/* The queue's caps.  Flask lets the list grow without bound, and with the
 * signed-cookie session a page that flashes in a loop (or a visitor who
 * never views a page that shows the messages) makes a cookie browsers drop
 * (4096 bytes per cookie) or the web server refuses (its request header
 * limit), locking the visitor out.  So the queue keeps the newest
 * FL_FLASH_MAX_MESSAGES, and only as many of those as fit in
 * FL_FLASH_MAX_BYTES of Flask's session JSON (ensure_ascii: a non-ASCII
 * character counts 6 or 12 bytes): with base64 (x4/3), the timestamp,
 * the signature and the cookie's attributes that is about 2800 bytes of
 * header, leaving room for a CSRF token, a name and the like under 4096.
 * The oldest messages go first; the newest is always kept, whole, even
 * when it alone is larger (a message is never shortened). */
#define FL_FLASH_MAX_MESSAGES 50
#define FL_FLASH_MAX_BYTES 2048

/* fl_flash_push — flash(message, category): append the tuple (category,
 * message) to session["_flashes"], then drop the oldest entries beyond
 * the caps above.  `category` NULL means "message".  The new values are
 * allocated where jansson currently allocates (the request arena).
 * FL_EINVAL when `session` is not an object or `message` is NULL;
 * FL_EUTF8 when a string is not UTF-8. */
fl_err fl_flash_push(json_t *session, const char *message, const char *category);

/* fl_flash_pop — session.pop("_flashes"): removes the queued messages and
 * returns them as a new array of plain [category, message] arrays, oldest
 * first (empty when there were none; malformed entries are skipped).  The
 * caller owns the reference. */
json_t *fl_flash_pop(json_t *session);

/* fl_flash_select — get_flashed_messages' view of a popped list: only the
 * entries whose category is in the NULL-terminated `category_filter` (NULL
 * or empty: all), as messages alone, or as [category, message] arrays when
 * `with_categories`.  New reference. */
json_t *fl_flash_select(const json_t *flashes, bool with_categories,
                        const char *const *category_filter);

/* fl_flash_get — get_flashed_messages(with_categories,
 * category_filter): the first call of a request pops the session's messages
 * into *cache (start the request with *cache = NULL; the cache holds its own
 * reference), later calls reuse *cache so every call of a request sees the
 * same messages.  Returns a new reference (see fl_flash_select). */
json_t *fl_flash_get(json_t *session, json_t **cache, bool with_categories,
                                const char *const *category_filter);

#endif
