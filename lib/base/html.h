/* html.h — markupsafe's escape: the one HTML escaper of the templates
 * (template/), the form widgets (form/) and the pages the request loop
 * writes itself (web/).
 */
#ifndef FL_HTML_H
#define FL_HTML_H

#include <stddef.h>

#include "base/arena.h"

/* fl_html_escape — append markupsafe.escape(s) (n bytes, NULs included)
 * to `out`: & < > " ' become &amp; &lt; &gt; &#34; &#39;, every other
 * byte is copied. */
void fl_html_escape(fl_buf *out, const char *s, size_t n);

#endif
