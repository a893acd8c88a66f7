/* html.c — markupsafe's escape (see html.h). */
#include <string.h>

#include "base/html.h"

/* The replacement of each byte that needs one (NULL: copied as is).  A
 * table lookup per byte instead of a switch, and each run of plain bytes
 * goes out in one append: most printed values (names, numbers, URLs)
 * have no special byte at all and cost one scan and one memcpy. */
static const char *const repl[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&#34;", ['\''] = "&#39;",
};
static const unsigned char repl_len[256] = {
	['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 5, ['\''] = 5,
};

void fl_html_escape(fl_buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (!repl_len[u[i]])
			continue;
		if (i > start)
			fl_buf_append(out, s + start, i - start);
		fl_buf_append(out, repl[u[i]], repl_len[u[i]]);
		start = i + 1;
	}
	fl_buf_append(out, s + start, n - start);
}
