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

/* fl_flash_push — flash(message, category): append the tuple (category,
 * message) to session["_flashes"].  `category` NULL means "message".  The
 * new values are allocated where jansson currently allocates (the request
 * arena).  FL_EINVAL when `session` is not an object or `message` is NULL;
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
