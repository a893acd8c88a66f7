/* uploads.c — request.files.get and a safe FileStorage.save, see
 * uploads.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "web/uploads.h"
#include "base/fileio.h"
#include "base/log.h"

const fl_file *fl_get_file(fl_ctx *c, const char *name)
{
	return name ? fl_files_get(&c->req.files, name) : NULL;
}

static bool secure_name(const char *filename)
{
	fl_arena *a = fl_arena_new(256);
	bool ok = fl_filename_is_secure(a, filename);
	fl_arena_free(a);
	return ok;
}

fl_err fl_save_upload(const fl_file *f, const char *directory, const char *filename)
{
	if (!f || !directory || !filename || !secure_name(filename))
		return FL_EINVAL;
	int dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		int err = errno;
		fl_error("save upload: %s: %s", directory, strerror(err));
		return err == ENOENT || err == ENOTDIR ? FL_ENOTFOUND : FL_EIO;
	}
	fl_err e = fl_write_file(dir, filename, f->data, f->len, 0644,
		FL_WRITE_NOREPLACE | FL_WRITE_SYNC);
	if (e == FL_EIO)
		fl_error("save upload: %s/%s: %s", directory, filename, strerror(errno));
	close(dir);
	return e;
}
