/* filename.h — file names in HTTP (werkzeug 2.2's utils.secure_filename,
 * security.safe_join and the Content-Disposition that utils.send_file
 * writes).  Pure functions: no file system access; results in the arena
 * passed in.  Opening what they name safely is web/send_file.c's job.
 */
#ifndef FL_FILENAME_H
#define FL_FILENAME_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/err.h"

/* fl_nfkd_ascii — `unicodedata.normalize("NFKD", s).encode("ascii",
 * "ignore")`: the ASCII characters of the NFKD decomposition of each code
 * point of the UTF-8 C string `s` ("Müller" -> "Muller", "ﬁ" -> "fi",
 * "我" -> ""), from a table generated from Python's unicodedata
 * (tools/gen-nfkd-ascii.py, Unicode 14.0).  Bytes that are not UTF-8 are
 * dropped like other non-ASCII text.  Returns a new string owned by `a`. */
char *fl_nfkd_ascii(fl_arena *a, const char *s);

/* fl_secure_filename — werkzeug 2.2's secure_filename(filename), byte for
 * byte as it behaves on Windows (os.name == "nt"), which is the posix
 * result plus one rule, so the name is safe on every system: NFKD to ASCII
 * (fl_nfkd_ascii); '/' becomes a space; runs of white space (Python's
 * str.split(): space, \t \n \v \f \r and \x1c-\x1f) become one '_' and the
 * ends are trimmed; every character outside [A-Za-z0-9_.-] is dropped;
 * leading and trailing '.' and '_' are stripped; and a name whose part
 * before the first '.' is a Windows device name (CON, AUX, COM1-COM4,
 * LPT1-LPT3, PRN, NUL, any case) gets a leading '_' ("CON" -> "_CON").
 * "../../etc/passwd" -> "etc_passwd", "a b.txt" -> "a_b.txt", "我.png" ->
 * "png", "  " -> "".  The result may be "" (nothing usable was left: pick
 * a name of your own).  Returns a new string owned by `a`; NULL gives "". */
char *fl_secure_filename(fl_arena *a, const char *filename);

/* fl_filename_is_secure — whether `name` is its own fl_secure_filename and
 * not "": the check fl_save_upload makes before it writes. */
bool fl_filename_is_secure(fl_arena *a, const char *name);

/* fl_safe_join — werkzeug.security.safe_join(directory, path): the path of
 * the untrusted relative `path` under the trusted `directory` (NULL or ""
 * means "."), as "directory/normalized-path", where the path is normalized
 * like posixpath.normpath ("a/./b//c" -> "a/b/c", "a/../b" -> "b").  Like
 * werkzeug, refuses (FL_EINVAL, *out NULL) an absolute path, one that
 * normalizes to ".." or starts with "../"; unlike werkzeug on posix, also a
 * backslash, a control character or a path that normalizes to "." or "" (no
 * file).  This is only the string half of the check: symbolic links are
 * for the caller to refuse when it opens the file (fl_send_from_directory
 * opens each component with O_NOFOLLOW).  The result is owned by `a`. */
fl_err fl_safe_join(fl_arena *a, const char *directory, const char *path, char **out);

/* fl_content_disposition — the Content-Disposition value werkzeug 2.2's
 * send_file writes for `download_name` (UTF-8): "attachment" (or "inline"
 * when `as_attachment` is false) then "; filename=NAME", NAME bare when it
 * is all token characters, else in double quotes with '\' and '"'
 * backslash-escaped (quote_header_value).  A name with non-ASCII text gets
 * the ASCII fallback fl_nfkd_ascii(name) as filename and RFC 5987's
 * "; filename*=UTF-8''PERCENT-ENCODED" (url_quote with safe="") after it,
 * each quoted by the same rule: "我.png" -> `attachment; filename=.png;
 * filename*=UTF-8''%E6%88%91.png`.  Errors (FL_EINVAL, *out NULL): a
 * name that is NULL, not UTF-8, or holds a control character (it would
 * break the header).  The result is owned by `a`. */
fl_err fl_content_disposition(fl_arena *a, const char *download_name, bool as_attachment,
	char **out);

#endif
