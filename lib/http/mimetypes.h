/* mimetypes.h — a file's media type from its name (Python's
 * mimetypes.guess_type, as send_file uses it) and the Content-Type
 * werkzeug makes of a mimetype (get_content_type).
 */
#ifndef FL_MIMETYPES_H
#define FL_MIMETYPES_H

#include "base/arena.h"

/* fl_guess_mimetype — mimetypes.guess_type(filename) with a built-in
 * table of the common types (text, images, audio, video, fonts, archives,
 * office documents), giving what /usr/bin/python3 gives on Debian for
 * them: the extension after the last '.' of the last path component (a
 * leading '.' does not start one, as posixpath.splitext), matched without
 * regard to case; "x.tgz" is read as "x.tar.gz" (suffix_map), and a
 * compression suffix (.gz, .bz2, .xz, .br, .Z) is reported in *encoding
 * (NULL when none; `encoding` may be NULL) with the type of what is inside
 * ("a.tar.gz" -> "application/x-tar", "gzip").  Returns a static string,
 * or NULL for an unknown extension (send_file then uses
 * "application/octet-stream"). */
const char *fl_guess_mimetype(const char *filename, const char **encoding);

/* fl_content_type_for — werkzeug's get_content_type(mimetype, "utf-8"):
 * "; charset=utf-8" appended to text/... types, to "+xml" types and to
 * application/ecmascript, javascript, sql, xml, xml-dtd and
 * xml-external-parsed-entity; any other mimetype (or one that already has
 * parameters) as it is.  Returns `mimetype` or a new string owned by
 * `a`. */
const char *fl_content_type_for(fl_arena *a, const char *mimetype);

#endif
