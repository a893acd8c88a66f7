/* cmd_new.c — `manage new` / `flagon new` (cmd_new.h): the skeleton of
 * cli/skeleton.h written into a new folder, its placeholders filled in. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "cmd_new.h"
#include "skeleton.h"
#include "base/fileio.h"

const char fl_cli_new_usage[] =
	"usage: manage new PATH [--name NAME] [--blueprint BP] [--force]\n" FL_CLI_NEW_OPTIONS;

/* Longest name accepted for the application or the blueprint. */
#define NAME_MAX_LEN 64

static int fail(const char *prog, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const char *prog, int status, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* A C identifier of at most NAME_MAX_LEN characters. */
static int is_identifier(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > NAME_MAX_LEN || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* The placeholders and their values. */
struct fill {
	const char *app, *app_upper, *blueprint;
};

/* `text` with every @APP@, @APP_UPPER@ and @BLUEPRINT@ replaced: a new
 * string (free it), or NULL when out of memory. */
static char *substitute(const char *text, const struct fill *f)
{
	const struct { const char *key, *value; } subs[] = {
		{ "@APP@", f->app }, { "@APP_UPPER@", f->app_upper }, { "@BLUEPRINT@", f->blueprint },
	};
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	if (!m)
		return NULL;
	while (*text) {
		size_t i, n = sizeof subs / sizeof subs[0];
		for (i = 0; i < n; i++)
			if (!strncmp(text, subs[i].key, strlen(subs[i].key)))
				break;
		if (i < n) {
			fputs(subs[i].value, m);
			text += strlen(subs[i].key);
		} else {
			fputc(*text++, m);
		}
	}
	if (fclose(m)) {
		free(out);
		return NULL;
	}
	return out;
}

/* mkdir -p of the folders above `path` (relative to the current
 * directory or absolute). */
static int make_parents(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* 1 when `dir` exists and holds anything, 0 when it is empty or missing,
 * -1 when it cannot be read (errno) or is no folder (ENOTDIR). */
static int folder_has_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int any = 0;
	while (!any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return any;
}

/* The last part of `path` ("notes" for "apps/notes/"), into `out`. */
static void last_part(const char *path, char *out, size_t outlen)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	snprintf(out, outlen, "%.*s", (int)(end - start), path + start);
}

/* The value of option `opt` at argv[*i] ("--name NAME" or "--name=NAME"),
 * advancing *i past it; NULL when there is none. */
static const char *option_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int fl_cli_new(const char *prog, int argc, char **argv)
{
	const char *path = NULL, *name = NULL, *blueprint = "main";
	int force = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: %s new PATH [--name NAME] [--blueprint BP] [--force]\n%s",
				prog, FL_CLI_NEW_OPTIONS);
			return 0;
		} else if (!strcmp(a, "--force")) {
			force = 1;
		} else if (!strncmp(a, "--name", 6) && (!a[6] || a[6] == '=')) {
			if (!(name = option_value(argc, argv, &i, "--name")))
				return fail(prog, 2, "new: --name needs a value");
		} else if (!strncmp(a, "--blueprint", 11) && (!a[11] || a[11] == '=')) {
			if (!(blueprint = option_value(argc, argv, &i, "--blueprint")))
				return fail(prog, 2, "new: --blueprint needs a value");
		} else if (a[0] == '-' && a[1]) {
			return fail(prog, 2, "new: unknown option '%s' (%s new --help)", a, prog);
		} else if (path) {
			return fail(prog, 2, "new: one PATH only; extra argument '%s'", a);
		} else {
			path = a;
		}
	}
	if (!path || !*path)
		return fail(prog, 2, "new: the application's PATH is missing (%s new --help)", prog);

	char base[4096];
	if (!name) {
		last_part(path, base, sizeof base);
		name = base;
	}
	if (!is_identifier(name))
		return fail(prog, 1, "new: '%s' is not a C identifier (letters, digits and '_', "
			"not a digit first, at most %d): give the application's name with --name NAME",
			name, NAME_MAX_LEN);
	if (!strcmp(name, "flagon"))   /* app/flagon.h would hide Flagon's flagon.h */
		return fail(prog, 1, "new: the application may not be named 'flagon' (--name NAME)");
	if (!is_identifier(blueprint))
		return fail(prog, 1, "new: the blueprint '%s' is not a C identifier (letters, digits "
			"and '_', not a digit first, at most %d)", blueprint, NAME_MAX_LEN);

	int full = folder_has_files(path);
	if (full < 0)
		return fail(prog, 1, "new: %s: %s", path, strerror(errno));
	if (full && !force)
		return fail(prog, 1, "new: %s is not empty; nothing written (--force writes beside "
			"what is there, never over it)", path);

	char upper[NAME_MAX_LEN + 1];
	size_t k;
	for (k = 0; name[k]; k++)
		upper[k] = (name[k] >= 'a' && name[k] <= 'z') ? (char)(name[k] - 'a' + 'A') : name[k];
	upper[k] = '\0';
	const struct fill fill = { name, upper, blueprint };

	/* Every file's name first: none may exist (nothing is written then). */
	size_t nfiles = 0;
	while (fl_cli_skeleton_files[nfiles].name)
		nfiles++;
	char **names = calloc(nfiles, sizeof *names);
	int rc = 0;
	if (!names)
		return fail(prog, 1, "new: out of memory");
	for (size_t i = 0; i < nfiles && !rc; i++) {
		char *rel = substitute(fl_cli_skeleton_files[i].name, &fill);
		if (!rel || asprintf(&names[i], "%s/%s", path, rel) < 0) {
			names[i] = NULL;
			rc = fail(prog, 1, "new: out of memory");
		} else if (access(names[i], F_OK) == 0) {
			rc = fail(prog, 1, "new: %s exists already; nothing written", names[i]);
		}
		free(rel);
	}
	fl_err e;
	for (size_t i = 0; i < nfiles && !rc; i++) {
		char *text = substitute(fl_cli_skeleton_files[i].source, &fill);
		if (!text)
			rc = fail(prog, 1, "new: out of memory");
		else if (make_parents(names[i]))
			rc = fail(prog, 1, "new: cannot make the folders of %s: %s", names[i],
				strerror(errno));
		/* All or nothing, and never over a file that appeared meanwhile. */
		else if ((e = fl_write_file(AT_FDCWD, names[i], text, strlen(text), 0666,
				FL_WRITE_NOREPLACE)))
			rc = fail(prog, 1, "new: cannot write %s: %s", names[i],
				e == FL_EEXISTS ? "it exists already" : strerror(errno));
		else
			printf("  created %s\n", names[i]);
		free(text);
	}
	for (size_t i = 0; i < nfiles; i++)
		free(names[i]);
	free(names);
	if (rc)
		return rc;
	printf("The application '%s' is in %s (its blueprint: %s, at /cgi-bin/%s/).\n"
		"Next (with Flagon installed where pkg-config finds it):\n"
		"  cd %s\n"
		"  make run      # build, migrate, serve http://127.0.0.1:8080/\n"
		"  make test     # its tests\n",
		name, path, blueprint, blueprint, path);
	return 0;
}
