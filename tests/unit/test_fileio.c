/* test_fileio.c — lib/base/fileio.h: whole files written all or nothing,
 * replacing or never replacing, never through a symlink, never leaving a
 * temporary file behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/fileio.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/flagon-fileio-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static const char *read_text(const char *name)
{
	static char buf[256];
	int fd = open(path_of(name), O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* How many entries the directory holds (temporary files included). */
static int entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_write_and_replace(void **state)
{
	(void)state;
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("a"), "one", 3, 0600, 0), FL_OK);
	assert_string_equal(read_text("a"), "one");
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("a"), "two!", 4, 0600, FL_WRITE_SYNC), FL_OK);
	assert_string_equal(read_text("a"), "two!");
	struct stat sb;
	assert_int_equal(stat(path_of("a"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(entries(), 1);
}

static void test_noreplace_keeps_what_is_there(void **state)
{
	(void)state;
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(fl_write_file(d, "b", "first", 5, 0644, FL_WRITE_NOREPLACE), FL_OK);
	assert_int_equal(fl_write_file(d, "b", "second", 6, 0644, FL_WRITE_NOREPLACE), FL_EEXISTS);
	assert_string_equal(read_text("b"), "first");
	assert_int_equal(entries(), 1);   /* no temporary file left */
	close(d);
}

static void test_symlink_at_the_name_is_never_followed(void **state)
{
	(void)state;
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("target"), "safe", 4, 0644, 0), FL_OK);
	assert_int_equal(symlink("target", path_of("link")), 0);
	/* Never replacing: the symlink is "there", so nothing is written. */
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("link"), "evil", 4, 0644,
		FL_WRITE_NOREPLACE), FL_EEXISTS);
	assert_string_equal(read_text("target"), "safe");
	/* Replacing: the symlink itself is replaced, its target untouched. */
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("link"), "new", 3, 0644, 0), FL_OK);
	assert_string_equal(read_text("target"), "safe");
	struct stat sb;
	assert_int_equal(lstat(path_of("link"), &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_string_equal(read_text("link"), "new");
}

static void test_errors_leave_nothing(void **state)
{
	(void)state;
	int before = entries();
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("no/such/dir"), "x", 1, 0644, 0), FL_EIO);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fl_write_file(AT_FDCWD, path_of(""), "x", 1, 0644, 0), FL_EINVAL);
	/* A directory in the way of a rename: the temporary file goes again. */
	assert_int_equal(mkdir(path_of("adir"), 0755), 0);
	assert_int_equal(fl_write_file(AT_FDCWD, path_of("adir"), "x", 1, 0644, 0), FL_EIO);
	assert_int_equal(entries(), before + 1);
}

static void test_write_all(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fl_write_all(fds[1], "hello", 5), 0);
	char buf[8] = "";
	assert_int_equal(read(fds[0], buf, sizeof buf), 5);
	assert_memory_equal(buf, "hello", 5);
	close(fds[0]);
	assert_int_equal(fl_write_all(-1, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noreplace_keeps_what_is_there, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_at_the_name_is_never_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_all, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
