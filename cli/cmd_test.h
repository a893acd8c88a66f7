/* cmd_test.h — `manage test [-k PATTERN]`: the application's tests. */
#ifndef FL_CMD_TEST_H
#define FL_CMD_TEST_H

/* The usage of `manage test`, printed by `manage test --help`. */
extern const char fl_cli_test_usage[];

/* fl_cli_test — run the tests of the application whose project root is
 * `root`: `make test` there (the `make` found on PATH), with
 * TEST_PATTERN=PATTERN in its environment when `-k PATTERN` is given.
 * TEST_PATTERN is the contract an application's Makefile may honour
 * (Flagon's tests/run.sh does: pytest -k PATTERN, and the C unit tests
 * whose name contains PATTERN), as `flask test -k` or pytest's -k.
 * `argv[0]` is "test".  -h/--help prints the usage and returns 0 without
 * running anything; an unknown option or an extra argument returns 2 with
 * a line naming it.  On success the process becomes make (exec), so its
 * exit status is make's; returns 1 when make cannot be started. */
int fl_cli_test(const char *root, int argc, char **argv);

#endif
