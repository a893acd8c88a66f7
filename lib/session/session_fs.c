/* session_fs.c — SESSION_TYPE=filesystem: one file per session under
 * var/sessions/ (Flask-Session's FileSystemSessionInterface, minus pickle
 * and cachelib).  See session.h.
 *
 * File format (text):  "<expiry unix seconds>\n<compact JSON>\n".
 * A write goes to ".tmp-<sid>-<random>" in the same directory and is
 * renamed over "<sid>" (fl_write_file): rename(2) is atomic within a file system, so any
 * number of processes may read and write concurrently; the last writer
 * wins, and nobody ever reads half a record.  Names are only ever built
 * from ids that passed fl_session_sid_valid() ([A-Za-z0-9_-]{43}), so a
 * cookie can never name a path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/log.h"
#include "session/session.h"

/* A record larger than this is refused (a session cookie is ≤ 4 KB in
 * Flask; server-side sessions may hold more, but not without bound). */
#define FS_MAX_RECORD (1024 * 1024)
/* Temporary files older than this are leftovers of a crashed writer. */
#define FS_STALE_TMP 3600

typedef struct fs_impl {
	char *dir;
	time_t next_purge;
} fs_impl;

/* mkdir -p with mode 0700 for the last component. */
static int mkdirs(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0775) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0700);
	free(p);
	return rc != 0 && errno != EEXIST ? -1 : 0;
}

/* Read the whole file at `fd` (at most FS_MAX_RECORD bytes) into `a`. */
static char *read_all(fl_arena *a, int fd, size_t *len)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > FS_MAX_RECORD)
		return NULL;
	size_t cap = (size_t)sb.st_size, n = 0;
	char *buf = fl_arena_alloc(a, cap + 1);
	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Split a record into expiry and JSON; false when it is not one. */
static bool parse_record(char *buf, size_t len, long long *expiry, const char **json,
                         size_t *json_len)
{
	char *nl = memchr(buf, '\n', len), *end;
	if (!nl || nl == buf)
		return false;
	*nl = '\0';
	errno = 0;
	*expiry = strtoll(buf, &end, 10);
	if (errno || end != nl)
		return false;
	*json = nl + 1;
	*json_len = len - (size_t)(nl + 1 - buf);
	return true;
}

static fl_err fs_open(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      const char *cookie_value, time_t now, fl_session *s)
{
	fs_impl *im = store->impl;
	char *sid;
	if (!cookie_value || fl_session_sid_unsign(cfg, a, cookie_value, &sid) != FL_OK)
		return FL_OK;
	char *path = fl_arena_printf(a, "%s/%s", im->dir, sid);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return FL_OK;   /* unknown (or swept) id */
		fl_error("session store (filesystem): %s: %s", path, strerror(errno));
		return FL_EIO;
	}
	size_t len = 0;
	char *buf = read_all(a, fd, &len);
	close(fd);
	long long expiry;
	const char *json;
	size_t json_len;
	if (!buf || !parse_record(buf, len, &expiry, &json, &json_len)) {
		fl_warning("session store (filesystem): %s is not a session record", path);
		return FL_OK;
	}
	if (expiry <= (long long)now) {
		unlink(path);
		return FL_OK;
	}
	if (fl_session_record_load(a, sid, json, json_len, s) != FL_OK)
		fl_warning("session store (filesystem): %s does not hold a JSON object", path);
	return FL_OK;
}

/* Remove expired records and stale temporary files; the number of
 * records removed, or -1 when the directory cannot be read (logged). */
static long sweep(fs_impl *im, time_t now)
{
	DIR *d = opendir(im->dir);
	struct dirent *e;
	long removed = 0;
	if (!d) {
		fl_error("session store (filesystem): cannot read %s: %s", im->dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		bool tmp = strncmp(name, ".tmp-", 5) == 0;
		if (!tmp && !fl_session_sid_valid(name))
			continue;
		int fd = openat(dirfd(d), name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		struct stat sb;
		bool drop = false;
		if (fstat(fd, &sb) == 0) {
			if (tmp) {
				drop = now - sb.st_mtime > FS_STALE_TMP;
			} else {
				char head[32];
				ssize_t n = read(fd, head, sizeof head - 1);
				char *end;
				if (n > 0) {
					head[n] = '\0';
					long long expiry = strtoll(head, &end, 10);
					drop = *end == '\n' && expiry <= (long long)now;
				}
			}
		}
		close(fd);
		if (drop && unlinkat(dirfd(d), name, 0) == 0 && !tmp)
			removed++;
	}
	closedir(d);
	return removed;
}

static fl_err fs_purge(const fl_session_store *store, time_t now, long *removed)
{
	fs_impl *im = store->impl;
	im->next_purge = now + FL_SESSION_PURGE_INTERVAL;
	long n = sweep(im, now);
	if (removed)
		*removed = n < 0 ? 0 : n;
	return n < 0 ? FL_EIO : FL_OK;
}

static fl_err fs_save(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      fl_session *s, time_t now, const char **cookie_value)
{
	fs_impl *im = store->impl;
	const char *text;
	fl_err err = fl_session_record_prepare(cfg, a, s, &text, cookie_value);
	if (err)
		return err;
	long long expiry = (long long)now + (cfg->permanent_lifetime > 0 ? cfg->permanent_lifetime : 0);
	char *path = fl_arena_printf(a, "%s/%s", im->dir, s->sid);
	char *record = fl_arena_printf(a, "%lld\n%s\n", expiry, text);
	if (fl_write_file(AT_FDCWD, path, record, strlen(record), 0600, 0) != FL_OK) {
		fl_error("session store (filesystem): cannot write %s: %s", path, strerror(errno));
		return FL_EIO;
	}
	if (now >= im->next_purge)
		fs_purge(store, now, NULL);
	return FL_OK;
}

static fl_err fs_delete(const fl_session_store *store, const fl_session_config *cfg,
                        fl_arena *a, fl_session *s)
{
	fs_impl *im = store->impl;
	if (!s->sid || !fl_session_sid_valid(s->sid))
		return FL_OK;
	char *path = fl_arena_printf(a, "%s/%s", im->dir, s->sid);
	if (unlink(path) != 0 && errno != ENOENT) {
		fl_error("session store (filesystem): cannot remove %s: %s", path, strerror(errno));
		return FL_EIO;
	}
	return FL_OK;
}

static void fs_destroy(fl_session_store *store)
{
	fs_impl *im = store->impl;
	if (im) {
		free(im->dir);
		free(im);
	}
	free(store);
}

fl_err fl_session_fs_store(const char *dir, fl_session_store **out)
{
	*out = NULL;
	if (!dir || !*dir)
		return FL_EINVAL;
	if (mkdirs(dir) != 0 || access(dir, W_OK | X_OK) != 0) {
		fl_error("session store (filesystem): cannot use directory %s: %s", dir,
			strerror(errno));
		return FL_EIO;
	}
	fl_session_store *store = calloc(1, sizeof *store);
	fs_impl *im = calloc(1, sizeof *im);
	if (!store || !im || !(im->dir = strdup(dir))) {
		free(store);
		free(im);
		return FL_ENOMEM;
	}
	store->type = "filesystem";
	store->open = fs_open;
	store->save = fs_save;
	store->delete_record = fs_delete;
	store->destroy = fs_destroy;
	store->purge = fs_purge;
	store->impl = im;
	store->permanent = true;
	*out = store;
	return FL_OK;
}
