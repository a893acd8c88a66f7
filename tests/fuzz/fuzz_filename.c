/* fuzz_filename.c — client-chosen file names (an upload's filename, a
 * path under send_from_directory): secure_filename gives a name that is
 * secure, safe_join never leaves its directory, and a Content-Disposition
 * built from any name is a valid header value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/filename.h"
#include "http/http.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena *a = fl_arena_new(0);
	char *name = fl_arena_alloc(a, size + 1);
	memcpy(name, data, size);
	name[size] = '\0';
	if (!fl_utf8_valid(name, strlen(name))) {
		fl_arena_free(a);
		return 0;
	}
	char *secure = fl_secure_filename(a, name);
	if (!secure || strchr(secure, '/') || strstr(secure, "..") == secure ||
	    (*secure && !fl_filename_is_secure(a, secure)))
		abort();
	char *joined;
	if (fl_safe_join(a, "/srv/files", name, &joined) == FL_OK &&
	    (strncmp(joined, "/srv/files/", 11) != 0 || strstr(joined, "/../")))
		abort();
	char *header;
	if (fl_content_disposition(a, name, true, &header) == FL_OK && !fl_header_value_ok(header))
		abort();
	fl_arena_free(a);
	return 0;
}
