/* fileio.c — whole files written all or nothing (see fileio.h). */
#include "base/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/hex.h"

int fl_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync the directory holding `path` (relative to dirfd), so that the new
 * name survives a crash. */
static void sync_dir(int dirfd, const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	int fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

fl_err fl_write_file(int dirfd, const char *path, const void *data, size_t n, mode_t mode,
	unsigned flags)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!*name)
		return FL_EINVAL;
	unsigned char rnd[8];
	char hex[2 * sizeof rnd + 1];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return FL_EIO;
	fl_hex_encode(hex, rnd, sizeof rnd);
	char tmp[4200];
	int len = snprintf(tmp, sizeof tmp, "%.*s.tmp-%s-%s", (int)(name - path), path, name, hex);
	if (len < 0 || (size_t)len >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return FL_EIO;
	}
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return FL_EIO;
	int ok = fl_write_all(fd, data, n) == 0 && (!(flags & FL_WRITE_SYNC) || fsync(fd) == 0);
	int saved = errno;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		return FL_EIO;
	}
	fl_err e = FL_OK;
	if (flags & FL_WRITE_NOREPLACE) {
		if (linkat(dirfd, tmp, dirfd, path, 0) != 0)
			e = errno == EEXIST ? FL_EEXISTS : FL_EIO;
		saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
	} else if (renameat(dirfd, tmp, dirfd, path) != 0) {
		saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
		e = FL_EIO;
	}
	if (!e && (flags & FL_WRITE_SYNC))
		sync_dir(dirfd, path);
	return e;
}
