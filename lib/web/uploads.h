/* uploads.h — uploaded files (Flask's request.files and werkzeug's
 * FileStorage.save, done safely) and secure_filename (http/filename.h).
 */
#ifndef FL_UPLOADS_H
#define FL_UPLOADS_H

#include "base/err.h"
#include "http/filename.h"
#include "http/formparser.h"
#include "web/ctx.h"

/* fl_get_file — request.files.get(name): the first file uploaded in the
 * multipart field `name`, or NULL.  A file input left empty gives a file
 * whose filename is "" (as werkzeug's FileStorage).  Owned by the request
 * arena. */
const fl_file *fl_get_file(fl_ctx *c, const char *name);

/* fl_save_upload — FileStorage.save(os.path.join(directory, filename)),
 * done so that nothing can be overwritten or misdirected: `filename` must
 * already be a secure one (fl_secure_filename(filename) == filename, not
 * ""), else FL_EINVAL and nothing is written.  The directory is opened
 * (following links: it is the application's), the bytes are written to a
 * new temporary file in it (".upload-<random>", created O_EXCL|O_NOFOLLOW,
 * mode 0644 less the umask), fsync'ed, then linked to `filename` with
 * linkat, which never replaces an existing name and never follows a
 * symbolic link there; the temporary name is then removed and the
 * directory fsync'ed.  Errors: FL_EINVAL (`f`, `directory` NULL or the name
 * not secure), FL_EEXISTS (something already has that name: a file, a
 * directory, a symbolic link, even a dangling one), FL_ENOTFOUND (no such
 * directory), FL_EIO (anything else: permissions, a full disk; errno is
 * logged).  On any error no file is left behind. */
fl_err fl_save_upload(const fl_file *f, const char *directory, const char *filename);

#endif
