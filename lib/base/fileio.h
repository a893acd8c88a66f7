/* fileio.h — writing files so that no reader ever sees half of one: the
 * mail outbox, the filesystem session store, saved uploads and generated
 * migration revisions all write through here.
 */
#ifndef FL_FILEIO_H
#define FL_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* fl_write_all — write(2) all `n` bytes of `p` to `fd`, going on after
 * short writes and EINTR.  Returns 0, or -1 with errno set (a write that
 * wrote nothing sets EIO). */
int fl_write_all(int fd, const void *p, size_t n);

/* Flags of fl_write_file. */
#define FL_WRITE_NOREPLACE 0x1u /* never replace an existing file: FL_EEXISTS */
#define FL_WRITE_SYNC      0x2u /* fsync the file before it appears, and its directory after */

/* fl_write_file — write the `n` bytes of `data` as the file `path` (a path
 * relative to the directory open at `dirfd`, or AT_FDCWD), all or nothing:
 * the bytes go to a new temporary file ".tmp-<name>-<random>" beside it,
 * created with O_EXCL | O_NOFOLLOW and mode `mode` (before the umask), and
 * only a complete file takes the name — by rename(2), which replaces what
 * was there atomically, or with FL_WRITE_NOREPLACE by link(2), which never
 * replaces anything and never follows a symlink at `path`.  Directory
 * scanners should skip names that begin with '.'.  Returns FL_OK;
 * FL_EEXISTS when FL_WRITE_NOREPLACE found `path` taken; FL_EINVAL for an
 * empty name; FL_EIO for any other failure, with errno kept for the
 * caller's message.  No temporary file is left behind on any error. */
fl_err fl_write_file(int dirfd, const char *path, const void *data, size_t n, mode_t mode,
	unsigned flags);

#endif
