/* mimetypes.c — Python's mimetypes.guess_type for common extensions and
 * werkzeug's get_content_type, see mimetypes.h. */
#include "http/mimetypes.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Python 3.11's types_map as /etc/mime.types (Debian's media-types)
 * overrides it, for the extensions a web application serves. */
static const struct { const char *ext, *type; } types[] = {
	{ ".7z", "application/x-7z-compressed" }, { ".apk", "application/vnd.android.package-archive" },
	{ ".avi", "video/x-msvideo" }, { ".avif", "image/avif" }, { ".bin", "application/octet-stream" },
	{ ".bmp", "image/bmp" }, { ".c", "text/x-csrc" }, { ".css", "text/css" },
	{ ".csv", "text/csv" }, { ".doc", "application/msword" },
	{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ ".eot", "application/vnd.ms-fontobject" }, { ".epub", "application/epub+zip" },
	{ ".exe", "application/x-msdos-program" }, { ".flac", "audio/flac" }, { ".gif", "image/gif" },
	{ ".h", "text/x-chdr" }, { ".htm", "text/html" }, { ".html", "text/html" },
	{ ".ico", "image/vnd.microsoft.icon" }, { ".ics", "text/calendar" },
	{ ".jar", "application/java-archive" }, { ".jpeg", "image/jpeg" }, { ".jpg", "image/jpeg" },
	{ ".js", "text/javascript" }, { ".json", "application/json" }, { ".m4a", "audio/mp4" },
	{ ".md", "text/markdown" }, { ".mjs", "text/javascript" }, { ".mkv", "video/x-matroska" },
	{ ".mov", "video/quicktime" }, { ".mp3", "audio/mpeg" }, { ".mp4", "video/mp4" },
	{ ".oga", "audio/ogg" }, { ".ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ ".odt", "application/vnd.oasis.opendocument.text" }, { ".ogg", "audio/ogg" },
	{ ".ogv", "video/ogg" }, { ".otf", "font/otf" }, { ".pdf", "application/pdf" },
	{ ".png", "image/png" }, { ".ppt", "application/vnd.ms-powerpoint" },
	{ ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ ".py", "text/x-python" }, { ".rar", "application/vnd.rar" }, { ".rtf", "application/rtf" },
	{ ".sh", "text/x-sh" }, { ".sql", "application/sql" }, { ".svg", "image/svg+xml" },
	{ ".tar", "application/x-tar" }, { ".tif", "image/tiff" }, { ".tiff", "image/tiff" },
	{ ".ttf", "font/ttf" }, { ".txt", "text/plain" }, { ".wasm", "application/wasm" },
	{ ".wav", "audio/x-wav" }, { ".webm", "video/webm" }, { ".webp", "image/webp" },
	{ ".woff", "font/woff" }, { ".woff2", "font/woff2" }, { ".xls", "application/vnd.ms-excel" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ ".xml", "application/xml" }, { ".zip", "application/zip" },
};

/* mimetypes.suffix_map: "x.tgz" is read as "x.tar.gz". */
static const struct { const char *ext, *type_ext, *encoding_ext; } suffixes[] = {
	{ ".svgz", ".svg", ".gz" }, { ".tgz", ".tar", ".gz" }, { ".taz", ".tar", ".gz" },
	{ ".tz", ".tar", ".gz" }, { ".tbz2", ".tar", ".bz2" }, { ".txz", ".tar", ".xz" },
};

/* mimetypes.encodings_map (case-sensitive, as Python looks it up). */
static const struct { const char *ext, *encoding; } encodings[] = {
	{ ".gz", "gzip" }, { ".Z", "compress" }, { ".bz2", "bzip2" }, { ".xz", "xz" }, { ".br", "br" },
};

/* posixpath.splitext: where the extension of the name from `start` to
 * `end` begins, or `end` — a run of leading dots does not start one. */
static const char *splitext(const char *start, const char *end)
{
	const char *dot = NULL;
	const char *p = start;
	while (p < end && *p == '.')
		p++;
	for (; p < end; p++)
		if (*p == '.')
			dot = p;
	return dot ? dot : end;
}

static bool ext_is(const char *ext, const char *end, const char *want, bool any_case)
{
	size_t n = (size_t)(end - ext);
	return n == strlen(want) && (any_case ? strncasecmp(ext, want, n) : strncmp(ext, want, n)) == 0;
}

static const char *encoding_of(const char *ext, const char *end)
{
	for (size_t i = 0; i < sizeof encodings / sizeof *encodings; i++)
		if (ext_is(ext, end, encodings[i].ext, false))
			return encodings[i].encoding;
	return NULL;
}

static const char *type_of(const char *ext, const char *end)
{
	for (size_t i = 0; ext < end && i < sizeof types / sizeof *types; i++)
		if (ext_is(ext, end, types[i].ext, true))
			return types[i].type;
	return NULL;
}

const char *fl_guess_mimetype(const char *filename, const char **encoding)
{
	const char *dummy;
	if (!encoding)
		encoding = &dummy;
	*encoding = NULL;
	if (!filename)
		return NULL;
	const char *slash = strrchr(filename, '/');
	const char *base = slash ? slash + 1 : filename;
	const char *end = base + strlen(base);
	const char *ext = splitext(base, end);
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
		if (ext_is(ext, end, suffixes[i].ext, true)) {
			*encoding = encoding_of(suffixes[i].encoding_ext,
				suffixes[i].encoding_ext + strlen(suffixes[i].encoding_ext));
			return type_of(suffixes[i].type_ext,
				suffixes[i].type_ext + strlen(suffixes[i].type_ext));
		}
	if ((*encoding = encoding_of(ext, end)) != NULL) {
		end = ext;
		ext = splitext(base, end);
	}
	return type_of(ext, end);
}

const char *fl_content_type_for(fl_arena *a, const char *mimetype)
{
	static const char *const charset_types[] = {
		"application/ecmascript", "application/javascript", "application/sql",
		"application/xml", "application/xml-dtd", "application/xml-external-parsed-entity",
	};
	if (!mimetype || strchr(mimetype, ';'))
		return mimetype;
	size_t n = strlen(mimetype);
	int text = strncmp(mimetype, "text/", 5) == 0 || (n >= 4 && strcmp(mimetype + n - 4, "+xml") == 0);
	for (size_t i = 0; !text && i < sizeof charset_types / sizeof *charset_types; i++)
		text = strcmp(mimetype, charset_types[i]) == 0;
	return text ? fl_arena_printf(a, "%s; charset=utf-8", mimetype) : mimetype;
}
