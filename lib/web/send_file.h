/* send_file.h — sending files and bytes from a view (Flask 2.2's
 * send_file, send_from_directory and make_response(bytes); werkzeug 2.2's
 * utils.send_file underneath).
 *
 * The response carries what werkzeug's does: a Content-Type guessed from
 * the name (http/mimetypes.h), Content-Disposition "inline" or
 * "attachment" with the download name (RFC 6266, RFC 5987 for non-ASCII;
 * http/filename.h), Last-Modified, werkzeug's ETag for the file,
 * Cache-Control (no-cache unless a max age is given or configured), and,
 * for GET and HEAD, answers to If-None-Match / If-Modified-Since (304, no
 * body), If-Match (412) and Range / If-Range (206 with Content-Range, or
 * 416; http/conditional.h).  The body is read into the response
 * (binary-safe; a HEAD reads nothing and announces the size), or, with
 * USE_X_SENDFILE, left to the web server: the response carries the header
 * X_SENDFILE_HEADER names (X-Sendfile, X-LIGHTTPD-send-file) with the
 * file's absolute path, the file's size as Content-Length and no body
 * (docs/deploy.md says how to enable it in Apache and lighttpd).
 *
 * Errors never reach the client as a broken response: a file that cannot
 * be opened is 404, a bug in the call (a download name with control
 * characters) the 500 page.
 */
#ifndef FL_SEND_FILE_H
#define FL_SEND_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "web/ctx.h"

/* Options of fl_send_file and fl_send_from_directory (send_file's keyword
 * arguments).  A zeroed struct (or NULL) gives Flask's defaults. */
typedef struct fl_send_file_opts {
	const char *mimetype;       /* NULL: guessed from download_name, else
	                               application/octet-stream */
	bool as_attachment;         /* "attachment" instead of "inline" */
	const char *download_name;  /* NULL: the file's base name (UTF-8) */
	bool no_conditional;        /* conditional=False: no 304/206 answers */
	bool no_etag;               /* etag=False: no ETag */
	/* max_age in seconds: 0 takes the configuration's
	 * SEND_FILE_MAX_AGE_DEFAULT (unset: Flask 2.2's None); > 0 gives
	 * "Cache-Control: public, max-age=N" and an Expires; < 0 is None:
	 * "Cache-Control: no-cache". */
	long max_age;
	time_t last_modified;       /* 0: the file's modification time */
} fl_send_file_opts;

/* fl_send_file — send_file(path, **opts): answer with the file at `path`,
 * which the application trusts (never a path from the client: use
 * fl_send_from_directory for those).  A relative path is relative to the
 * application's root (Flask: app.root_path; the working directory in a
 * context without an application).  Returns 0 when the response is built
 * (200, 206, 304, 412 or 416), 404 when there is no regular file there
 * (werkzeug would raise a 500), 500 for a bad download name or an I/O
 * error (logged). */
int fl_send_file(fl_ctx *c, const char *path, const fl_send_file_opts *o);

/* fl_send_from_directory — send_from_directory(directory, filename,
 * **opts): send the file `filename`, an untrusted relative path (from the
 * URL), from under the trusted `directory` (relative to the application's
 * root, as above).  The name goes through fl_safe_join (absolute paths,
 * "..", backslashes and control characters are refused), then is opened
 * one component at a time with openat(O_NOFOLLOW) below the directory, so
 * no symbolic link is followed (unlike werkzeug, also none that stays
 * inside) and nothing outside the directory can be reached.  Anything
 * refused or missing, and anything but a regular file, is 404.  Returns as
 * fl_send_file. */
int fl_send_from_directory(fl_ctx *c, const char *directory, const char *filename,
	const fl_send_file_opts *o);

/* fl_send_bytes — make_response(bytes) with a mimetype: a `status` (0 =
 * 200) response whose body is the `len` bytes at `data` (copied; any
 * bytes, NULs included), with Content-Type `mimetype` as given (NULL:
 * application/octet-stream).  Returns 0; a NULL `data` with a non-zero
 * `len` is a bug: logged, 500. */
int fl_send_bytes(fl_ctx *c, int status, const char *mimetype, const void *data, size_t len);

#endif
