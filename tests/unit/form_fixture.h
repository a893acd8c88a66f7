/* form_fixture.h — what the form unit tests (test_form.c,
 * test_form_fields.c) share: form data built from pairs, and a field's
 * errors as one string.  Header-only; include it after arena_fixture.h. */
#ifndef FL_TEST_FORM_FIXTURE_H
#define FL_TEST_FORM_FIXTURE_H

#include <stdarg.h>
#include <string.h>

#include "base/multidict.h"
#include "form/form.h"

/* Form data from key, value pairs ending in NULL. */
static inline fl_multidict *md(const char *key, ...)
{
	fl_multidict *m = fl_arena_alloc(arena, sizeof *m);
	fl_multidict_init(m, arena);
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		fl_multidict_add(m, k, v, strlen(v));
	}
	va_end(ap);
	return m;
}

/* The errors of `name` joined with "|" ("" when none). */
static inline const char *errs(const fl_form *f, const char *name)
{
	const char *const *e = fl_form_errors(f, name);
	assert_non_null(e);
	fl_buf b;
	fl_buf_init(&b, arena);
	for (size_t i = 0; e[i]; i++) {
		if (i)
			fl_buf_putc(&b, '|');
		fl_buf_puts(&b, e[i]);
	}
	return fl_buf_cstr(&b);
}

#endif
