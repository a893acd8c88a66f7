/* fuzz_multipart.c — multipart/form-data bodies.  The first input byte
 * picks one of a few boundaries; the rest is the body.  Accepted fields
 * must be UTF-8 and file data must lie inside the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/formparser.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const boundaries[] = { "b", "XyZ", "----x:1", "a b" };
	const char *body = (const char *)data + 1;
	fl_arena *a;
	fl_multidict form;
	fl_files files;

	if (size < 1)
		return 0;
	a = fl_arena_new(0);
	fl_multidict_init(&form, a);
	fl_files_init(&files, a);
	if (fl_parse_multipart(a, body, size - 1, boundaries[data[0] & 3], 20, &form,
			       &files) == FL_OK) {
		for (size_t i = 0; i < form.len; i++)
			if (!fl_utf8_valid(form.items[i].value, form.items[i].value_len))
				abort();
		for (size_t i = 0; i < files.len; i++) {
			const fl_file *f = &files.items[i];

			if (f->data < body || f->data + f->len > body + size - 1 ||
			    strchr(f->filename, '/') || strchr(f->filename, '\\') ||
			    !fl_header_value_ok(f->filename))
				abort();
		}
	}
	fl_arena_free(a);
	return 0;
}
