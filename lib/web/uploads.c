/* uploads.c — request.files.get and a safe FileStorage.save, see
 * uploads.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/uploads.h"
#include "base/hex.h"
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

static fl_err write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return FL_EIO;
		p += w;
		n -= (size_t)w;
	}
	return FL_OK;
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
	unsigned char rnd[12];
	char hex[2 * sizeof rnd + 1];
	char tmp[sizeof hex + 16];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		fl_error("save upload: getrandom: %s", strerror(errno));
		close(dir);
		return FL_EIO;
	}
	fl_hex_encode(hex, rnd, sizeof rnd);
	strcpy(tmp, ".upload-");
	strcat(tmp, hex);
	int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		fl_error("save upload: %s/%s: %s", directory, tmp, strerror(errno));
		close(dir);
		return FL_EIO;
	}
	fl_err e = write_all(fd, f->data, f->len);
	if (!e && fsync(fd) != 0)
		e = FL_EIO;
	if (e)
		fl_error("save upload: writing %s/%s: %s", directory, tmp, strerror(errno));
	if (close(fd) != 0 && !e) {
		fl_error("save upload: closing %s/%s: %s", directory, tmp, strerror(errno));
		e = FL_EIO;
	}
	if (!e && linkat(dir, tmp, dir, filename, 0) != 0) {
		e = errno == EEXIST ? FL_EEXISTS : FL_EIO;
		if (e == FL_EIO)
			fl_error("save upload: %s/%s: %s", directory, filename, strerror(errno));
	}
	unlinkat(dir, tmp, 0);
	if (!e)
		fsync(dir);
	close(dir);
	return e;
}
