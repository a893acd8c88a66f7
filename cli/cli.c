/* cli.c — what the ./manage commands share (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

int fl_cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("manage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}
