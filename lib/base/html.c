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

/* memcpy of n bytes into room for more than n, a short string (a name,
 * a number: most printed values) in two overlapping word moves instead
 * of a call. */
static inline void copy_in(char *d, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		memcpy(d, s, n);
	}
}

void fl_html_escape(fl_buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	/* The plain prefix: four bytes per step, then the rest. */
	while (i + 4 <= n && !(repl_len[u[i]] | repl_len[u[i + 1]] | repl_len[u[i + 2]] |
			       repl_len[u[i + 3]]))
		i += 4;
	while (i < n && !repl_len[u[i]])
		i++;
	if (i == n) {  /* nothing to replace (the common case): one copy */
		if (out->cap - out->len > n) {
			copy_in(out->data + out->len, s, n);
			out->len += n;
			out->data[out->len] = '\0';
		} else {
			fl_buf_append(out, s, n);
		}
		return;
	}
	size_t start = 0;
	for (; i < n; i++) {
		if (!repl_len[u[i]])
			continue;
		if (i > start)
			fl_buf_append(out, s + start, i - start);
		fl_buf_append(out, repl[u[i]], repl_len[u[i]]);
		start = i + 1;
	}
	fl_buf_append(out, s + start, n - start);
}
