/* oracle.h — run a Python snippet with /usr/bin/python3 (Debian's, with
 * werkzeug 2.2) over a list of inputs and read one answer per input, so a
 * unit test can compare Flagon's output with the library it follows.
 *
 * Each input goes to the script's standard input as one line of hex (any
 * bytes survive); the script prints one line per input line.  Header-only,
 * like arena_fixture.h; include it after <cmocka.h>. */
#ifndef FL_TEST_ORACLE_H
#define FL_TEST_ORACLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/hex.h"

/* Whether /usr/bin/python3 can import `module` (a test without it fails:
 * make install-deps installs it). */
static inline int oracle_has(const char *module)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import %s' >/dev/null 2>&1", module);
	return system(cmd) == 0;
}

/* Run `script` (Python source; it reads hex lines from stdin) over the `n`
 * C strings `in`, and return its `n` output lines (without newlines) in
 * `a`; NULL when the script failed or printed another number of lines. */
static inline char **oracle_run(fl_arena *a, const char *script, const char *const *in, size_t n)
{
	char dir[] = "/tmp/flagon-oracle-XXXXXX";
	if (!mkdtemp(dir))
		return NULL;
	char inpath[64], pypath[64], cmd[256];
	snprintf(inpath, sizeof inpath, "%s/in", dir);
	snprintf(pypath, sizeof pypath, "%s/oracle.py", dir);
	FILE *f = fopen(pypath, "w");
	fputs(script, f);
	fclose(f);
	f = fopen(inpath, "w");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(in[i]);
		char *hex = malloc(2 * len + 1);
		fl_hex_encode(hex, in[i], len);
		fprintf(f, "%s\n", hex);
		free(hex);
	}
	fclose(f);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s < %s", pypath, inpath);
	FILE *p = popen(cmd, "r");
	char **out = fl_arena_calloc(a, n + 1, sizeof *out);
	size_t got = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, p)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (got < n)
			out[got] = fl_arena_strdup(a, line);
		got++;
	}
	free(line);
	int status = pclose(p);
	unlink(inpath);
	unlink(pypath);
	rmdir(dir);
	return status == 0 && got == n ? out : NULL;
}

#endif
