/* html.c — markupsafe's escape (see html.h). */
#include "base/html.h"

void fl_html_escape(fl_buf *out, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&#34;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		fl_buf_append(out, s + start, i - start);
		fl_buf_puts(out, rep);
		start = i + 1;
	}
	fl_buf_append(out, s + start, n - start);
}
