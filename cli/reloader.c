/* reloader.c — the watcher of `manage runserver -d/-r` (werkzeug's
 * reloader, for programs that must be compiled): lighttpd runs as our
 * child; we watch the sources with inotify, run the build after a change,
 * and restart just the programs whose binary the build replaced, by
 * SIGHUP (each re-execs itself between requests: web/reload.c).  See
 * reloader.h. */
#include "reloader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "base/fileio.h"

#define DEBOUNCE_MS 200
#define MAX_OUTPUT (256 * 1024)   /* of the compiler's messages kept for the page */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)

typedef struct watch {
	int wd;
	char *dir;
} watch;

typedef struct reloader {
	const fl_reloader_opts *o;
	pid_t server;              /* lighttpd */
	int sigfd, infd;
	sigset_t old_mask;         /* restored in the children */
	watch *watches;
	size_t nwatches, capwatches;
	char error_path[PATH_MAX];
	char bindir[PATH_MAX];     /* realpath of <bin>/cgi-bin */
	char changed[PATH_MAX];    /* the first file that changed since the last build */
	int stop;                  /* the signal that stops us, or 0 */
} reloader;

/* ---- watching ---- */

static int skipped_dir(const char *name)
{
	return name[0] == '.' || !strcmp(name, "build") || !strcmp(name, "var") ||
	       !strcmp(name, "node_modules") || !strcmp(name, "htdocs");
}

/* A source file whose change means a rebuild: *.c or *.h, not an editor's
 * hidden, backup or lock file. */
static int is_source(const char *name)
{
	size_t n = strlen(name);
	if (n < 3 || name[0] == '.' || name[0] == '#')
		return 0;
	return name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

static void add_tree(reloader *r, const char *dir)
{
	int wd = inotify_add_watch(r->infd, dir, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0) {
		if (errno == ENOSPC)
			fprintf(stderr, " * Cannot watch %s: too many folders (fs.inotify.max_user_watches)\n",
				dir);
		return;
	}
	if (r->nwatches == r->capwatches) {
		size_t cap = r->capwatches ? 2 * r->capwatches : 64;
		watch *w = realloc(r->watches, cap * sizeof *w);
		if (!w)
			return;
		r->watches = w;
		r->capwatches = cap;
	}
	char *copy = strdup(dir);
	if (!copy)
		return;
	r->watches[r->nwatches++] = (watch){ wd, copy };
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (skipped_dir(e->d_name))
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		struct stat st;
		if (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && !lstat(path, &st) &&
						   S_ISDIR(st.st_mode)))
			add_tree(r, path);
	}
	closedir(d);
}

static const char *watched_dir(const reloader *r, int wd)
{
	for (size_t i = 0; i < r->nwatches; i++)
		if (r->watches[i].wd == wd)
			return r->watches[i].dir;
	return NULL;
}

/* Read the pending events; 1 when a source changed (r->changed names the
 * first one), 0 otherwise. */
static int read_events(reloader *r)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int changed = 0;
	for (;;) {
		ssize_t n = read(r->infd, buf, sizeof buf);
		if (n <= 0)
			return changed;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				changed = 1;
				continue;
			}
			const char *dir = watched_dir(r, ev->wd);
			if (!dir || !ev->len)
				continue;
			char path[PATH_MAX];
			if (snprintf(path, sizeof path, "%s/%s", dir, ev->name) >= (int)sizeof path)
				continue;
			if (ev->mask & IN_ISDIR) {
				if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && !skipped_dir(ev->name))
					add_tree(r, path);
				continue;
			}
			if (!is_source(ev->name))
				continue;
			if (!changed && !r->changed[0])
				snprintf(r->changed, sizeof r->changed, "%s", path);
			changed = 1;
		}
	}
}

/* ---- signals and children ---- */

static void child_signals(const reloader *r)
{
	sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
}

/* The signal waiting on sigfd, or 0. */
static int next_signal(reloader *r)
{
	struct signalfd_siginfo si;
	if (read(r->sigfd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	return (int)si.ssi_signo;
}

/* Act on a signal: stop on INT/TERM/HUP/QUIT (passed on to lighttpd).
 * Returns 1 when lighttpd has exited (*status set), else 0. */
static int on_signal(reloader *r, int sig, int *status)
{
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
		if (!r->stop)
			kill(r->server, sig == SIGINT ? SIGINT : SIGTERM);
		r->stop = sig;
		return 0;
	}
	int ws;
	if (sig == SIGCHLD && waitpid(r->server, &ws, WNOHANG) == r->server) {
		*status = r->stop ? 0 : WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		return 1;
	}
	return 0;
}

/* ---- building ---- */

typedef struct stamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int exists;
} stamp;

static void take_stamps(const reloader *r, stamp *s)
{
	for (size_t i = 0; r->o->programs[i]; i++) {
		char path[PATH_MAX];
		struct stat st;
		memset(&s[i], 0, sizeof s[i]);
		if (snprintf(path, sizeof path, "%s/%s", r->bindir, r->o->programs[i]) >=
			    (int)sizeof path || stat(path, &st))
			continue;
		s[i] = (stamp){ st.st_dev, st.st_ino, st.st_size, st.st_mtim, 1 };
	}
}

static int same_stamp(const stamp *a, const stamp *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Send SIGHUP to the processes of program `path` that our lighttpd
 * started: /proc/PID/exe names the program's file, with " (deleted)" once
 * a relink replaced it.  Returns how many. */
static int signal_program(const reloader *r, const char *path)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		char file[64], buf[1024], exe[PATH_MAX + 16];
		snprintf(file, sizeof file, "/proc/%ld/stat", pid);
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		const char *paren = strrchr(buf, ')');
		long ppid = 0;
		if (!paren || sscanf(paren + 1, " %*c %ld", &ppid) != 1 || ppid != r->server)
			continue;
		snprintf(file, sizeof file, "/proc/%ld/exe", pid);
		ssize_t el = readlink(file, exe, sizeof exe - 1);
		if (el <= 0)
			continue;
		exe[el] = '\0';
		static const char deleted[] = " (deleted)";
		size_t dl = sizeof deleted - 1;
		if ((size_t)el > dl && !strcmp(exe + el - dl, deleted))
			exe[el - dl] = '\0';
		if (!strcmp(exe, path) && !kill((pid_t)pid, SIGHUP))
			n++;
	}
	closedir(d);
	return n;
}

/* Run the build command; its output goes to stderr and into *out (at most
 * MAX_OUTPUT bytes kept, NUL-terminated, malloc'd).  Returns its exit
 * status, or -1 when it could not run or a stop signal came (then the
 * build's process group is terminated). */
static int run_build(reloader *r, char **out, size_t *outlen, int *server_status,
	int *server_gone)
{
	int fds[2];
	*out = NULL;
	*outlen = 0;
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		child_signals(r);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		/* Not a sub-make of whatever make started runserver. */
		unsetenv("MAKEFLAGS");
		unsetenv("MFLAGS");
		unsetenv("MAKELEVEL");
		if (chdir(r->o->root))
			_exit(127);
		execl("/bin/sh", "sh", "-c", r->o->build_cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int killed = 0;
	for (;;) {
		struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { r->sigfd, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			int sig = next_signal(r);
			if (on_signal(r, sig, server_status))
				*server_gone = 1;
			if ((r->stop || *server_gone) && !killed) {
				kill(-pid, SIGTERM);
				killed = 1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			char chunk[4096];
			ssize_t n = read(fds[0], chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			fwrite(chunk, 1, (size_t)n, stderr);
			size_t keep = len + (size_t)n > MAX_OUTPUT ? MAX_OUTPUT - len : (size_t)n;
			if (buf && keep && len + keep + 1 > cap) {
				while (len + keep + 1 > cap)
					cap *= 2;
				char *nb = realloc(buf, cap);
				if (!nb)
					keep = 0;
				else
					buf = nb;
			}
			if (buf && keep) {
				memcpy(buf + len, chunk, keep);
				len += keep;
			}
		}
	}
	close(fds[0]);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (buf)
		buf[len] = '\0';
	*out = buf;
	*outlen = buf ? len : 0;
	if (killed)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* One round: build; then the page of errors, or the restarts. */
static void rebuild(reloader *r, int *server_status, int *server_gone)
{
	size_t np = 0;
	while (r->o->programs[np])
		np++;
	stamp before[np + 1], after[np + 1];
	take_stamps(r, before);
	fprintf(stderr, " * Detected change in '%s', rebuilding (%s)\n",
		r->changed[0] ? r->changed : "the sources", r->o->build_cmd);
	r->changed[0] = '\0';
	char *text;
	size_t len;
	int rc = run_build(r, &text, &len, server_status, server_gone);
	if (rc < 0) {
		free(text);
		return;
	}
	if (rc != 0) {
		if (!len) {
			free(text);
			text = strdup("the build command failed without a message\n");
			len = text ? strlen(text) : 0;
		}
		if (fl_write_file(AT_FDCWD, r->error_path, text ? text : "", len, 0644, 0))
			fprintf(stderr, " * Cannot write %s: %s\n", r->error_path, strerror(errno));
		fprintf(stderr, " * Build failed (exit status %d): the programs keep serving the "
			"last good build, and every page shows the error until a build succeeds\n", rc);
		free(text);
		return;
	}
	free(text);
	unlink(r->error_path);
	take_stamps(r, after);
	int any = 0;
	for (size_t i = 0; i < np; i++) {
		if (same_stamp(&before[i], &after[i]) || !after[i].exists)
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", r->bindir, r->o->programs[i]) >=
		    (int)sizeof path)
			continue;
		int n = signal_program(r, path);
		fprintf(stderr, " * Restarted %s (%d process%s)\n", r->o->programs[i], n,
			n == 1 ? "" : "es");
		any = 1;
		if (!before[i].exists)
			fprintf(stderr, " * %s is a new program: restart runserver to serve it\n",
				r->o->programs[i]);
	}
	if (!any)
		fprintf(stderr, " * Build done: no program changed\n");
}

/* ---- the loop ---- */

static int start_server(reloader *r)
{
	r->server = fork();
	if (r->server < 0)
		return fl_cli_fail("cannot start lighttpd: %s", strerror(errno));
	if (r->server == 0) {
		child_signals(r);
		execlp("lighttpd", "lighttpd", "-D", "-f", r->o->conf, (char *)NULL);
		fprintf(stderr, "manage: cannot start lighttpd: %s\n", strerror(errno));
		_exit(127);
	}
	return 0;
}

static void free_watches(reloader *r)
{
	for (size_t i = 0; i < r->nwatches; i++)
		free(r->watches[i].dir);
	free(r->watches);
}

int fl_cli_reloader_run(const fl_reloader_opts *o)
{
	reloader r;
	memset(&r, 0, sizeof r);
	r.o = o;
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s/cgi-bin", o->bin) >= (int)sizeof dir)
		return fl_cli_fail("path too long: %s", o->bin);
	if (!realpath(dir, r.bindir))
		memcpy(r.bindir, dir, sizeof dir);
	snprintf(r.error_path, sizeof r.error_path, "%s/run/build-error.txt", o->vardir);
	unlink(r.error_path);   /* a stale one from an earlier run */

	sigset_t mask;
	sigemptyset(&mask);
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_BLOCK, &mask, &r.old_mask);
	r.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	r.infd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (r.sigfd < 0 || r.infd < 0)
		return fl_cli_fail("cannot watch the sources: %s", strerror(errno));
	add_tree(&r, o->root);
	for (size_t i = 0; o->watch && o->watch[i]; i++)
		add_tree(&r, o->watch[i]);
	if (start_server(&r))
		return 1;
	fprintf(stderr, " * Reloader: watching %zu folders for .c/.h changes; build: %s\n",
		r.nwatches, o->build_cmd);

	int status = 0, gone = 0, pending = 0;
	while (!gone) {
		struct pollfd p[2] = { { r.sigfd, POLLIN, 0 }, { r.infd, POLLIN, 0 } };
		int n = poll(p, r.stop ? 1 : 2, pending ? DEBOUNCE_MS : -1);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0 && pending) {
			pending = 0;
			rebuild(&r, &status, &gone);
			continue;
		}
		if (n > 0 && (p[0].revents & POLLIN)) {
			int sig;
			while (!gone && (sig = next_signal(&r)))
				gone = on_signal(&r, sig, &status);
		}
		if (n > 0 && !r.stop && (p[1].revents & POLLIN) && read_events(&r))
			pending = 1;
	}
	unlink(r.error_path);
	free_watches(&r);
	close(r.infd);
	close(r.sigfd);
	sigprocmask(SIG_SETMASK, &r.old_mask, NULL);
	return status;
}
