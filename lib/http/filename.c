/* filename.c — secure_filename, safe_join and send_file's
 * Content-Disposition (werkzeug 2.2), see filename.h. */
#include "http/filename.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "http/http.h"

#include "http/nfkd_ascii.inc"

static int cmp_cp(const void *key, const void *row)
{
	unsigned k = *(const unsigned *)key, cp = *(const unsigned *)row;
	return k < cp ? -1 : k > cp;
}

char *fl_nfkd_ascii(fl_arena *a, const char *s)
{
	fl_buf b;
	fl_buf_init(&b, a);
	size_t n = s ? strlen(s) : 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = fl_utf8_decode(s + i, n - i, &cp);
		if (!k) {               /* not UTF-8: dropped like non-ASCII */
			i++;
			continue;
		}
		i += k;
		if (cp < 0x80) {
			fl_buf_putc(&b, (char)cp);
			continue;
		}
		unsigned key = cp;
		const __typeof__(nfkd_ascii[0]) *row = bsearch(&key, nfkd_ascii,
			sizeof nfkd_ascii / sizeof *nfkd_ascii, sizeof *nfkd_ascii, cmp_cp);
		if (row)
			fl_buf_puts(&b, row->ascii);
	}
	return (char *)fl_buf_cstr(&b);
}

/* Python's str.split() white space, for ASCII. */
static bool py_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static bool name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '.' || c == '-';
}

/* werkzeug utils._windows_device_files. */
static bool windows_device(const char *name)
{
	static const char *const devices[] = {
		"CON", "AUX", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3", "PRN", "NUL",
	};
	size_t n = strcspn(name, ".");
	for (size_t i = 0; i < sizeof devices / sizeof *devices; i++)
		if (strlen(devices[i]) == n && strncasecmp(name, devices[i], n) == 0)
			return true;
	return false;
}

char *fl_secure_filename(fl_arena *a, const char *filename)
{
	char *s = fl_nfkd_ascii(a, filename ? filename : "");
	/* os.path.sep becomes a space, then "_".join(s.split()). */
	fl_buf joined;
	fl_buf_init(&joined, a);
	bool pending = false;
	for (char *p = s; *p; p++) {
		char c = *p == '/' ? ' ' : *p;
		if (py_space(c)) {
			pending = joined.len > 0;
			continue;
		}
		if (pending)
			fl_buf_putc(&joined, '_');
		pending = false;
		fl_buf_putc(&joined, c);
	}
	/* _filename_ascii_strip_re.sub("", ...), then .strip("._"). */
	const char *j = fl_buf_cstr(&joined);
	fl_buf kept;
	fl_buf_init(&kept, a);
	for (; *j; j++)
		if (name_char(*j))
			fl_buf_putc(&kept, *j);
	const char *k = fl_buf_cstr(&kept);
	size_t start = strspn(k, "._"), end = strlen(k);
	while (end > start && (k[end - 1] == '.' || k[end - 1] == '_'))
		end--;
	char *r = fl_arena_strndup(a, k + start, end - start);
	if (*r && windows_device(r))
		return fl_arena_printf(a, "_%s", r);
	return r;
}

bool fl_filename_is_secure(fl_arena *a, const char *name)
{
	return name && *name && strcmp(fl_secure_filename(a, name), name) == 0;
}

fl_err fl_safe_join(fl_arena *a, const char *directory, const char *path, char **out)
{
	*out = NULL;
	if (!path || path[0] == '/')
		return FL_EINVAL;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return FL_EINVAL;
	/* posixpath.normpath of a relative path: drop "" and "." components,
	 * let ".." eat the one before it; a ".." left at the front escapes. */
	size_t n = strlen(path);
	const char **parts = fl_arena_alloc(a, (n / 2 + 2) * sizeof *parts);
	size_t np = 0;
	char *copy = fl_arena_strdup(a, path);
	for (char *save = NULL, *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			if (np == 0)
				return FL_EINVAL;
			np--;
			continue;
		}
		parts[np++] = t;
	}
	if (np == 0)
		return FL_EINVAL;
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, directory && *directory ? directory : ".");
	for (size_t i = 0; i < np; i++) {
		if (b.len && b.data[b.len - 1] != '/')
			fl_buf_putc(&b, '/');
		fl_buf_puts(&b, parts[i]);
	}
	*out = (char *)fl_buf_cstr(&b);
	return FL_OK;
}

/* werkzeug http._token_chars. */
static bool token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		(c && strchr("!#$%&'*+-.^_`|~", c));
}

/* quote_header_value(value): bare when all token characters, else quoted. */
static void quote_header_value(fl_buf *b, const char *v)
{
	const char *p = v;
	while (*p && token_char((unsigned char)*p))
		p++;
	if (!*p) {
		fl_buf_puts(b, v);
		return;
	}
	fl_buf_putc(b, '"');
	for (p = v; *p; p++) {
		if (*p == '\\' || *p == '"')
			fl_buf_putc(b, '\\');
		fl_buf_putc(b, *p);
	}
	fl_buf_putc(b, '"');
}

fl_err fl_content_disposition(fl_arena *a, const char *download_name, bool as_attachment,
	char **out)
{
	*out = NULL;
	if (!download_name || !fl_utf8_valid(download_name, strlen(download_name)))
		return FL_EINVAL;
	bool ascii = true;
	for (const unsigned char *p = (const unsigned char *)download_name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return FL_EINVAL;
		if (*p >= 0x80)
			ascii = false;
	}
	fl_buf b;
	fl_buf_init(&b, a);
	fl_buf_puts(&b, as_attachment ? "attachment; filename=" : "inline; filename=");
	if (ascii) {
		quote_header_value(&b, download_name);
	} else {
		quote_header_value(&b, fl_nfkd_ascii(a, download_name));
		fl_buf_puts(&b, "; filename*=");
		quote_header_value(&b, fl_arena_printf(a, "UTF-8''%s",
			fl_url_quote(a, download_name, strlen(download_name), FL_QUOTE_ALWAYS)));
	}
	*out = (char *)fl_buf_cstr(&b);
	return FL_OK;
}
