/* cli.h — what the ./manage commands share. */
#ifndef FL_CLI_H
#define FL_CLI_H

/* fl_cli_fail — print "manage: <reason>" (printf-style) as one line on
 * stderr and return 1, the exit status of a failed command (SPEC §5). */
int fl_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
