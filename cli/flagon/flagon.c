/* flagon — the installed command of Flagon itself (`make install` puts it
 * in PREFIX/bin), for what comes before an application has its own
 * ./manage:
 *
 *     flagon new PATH [--name NAME] [--blueprint BP] [--force]
 *     flagon --help | --version
 *
 * `new` is manage's (cli/cmd_new.c), shared, not copied. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_new.h"

#ifndef FLAGON_VERSION
#error "FLAGON_VERSION must be defined (the Makefile's -DFLAGON_VERSION)"
#endif

static const char usage[] =
	"usage: flagon COMMAND [ARGS]\n"
	"  new PATH [--name NAME] [--blueprint BP] [--force]\n"
	"                 make a new application in PATH (flagon new --help)\n"
	"  --version      print Flagon's version\n"
	"  -h, --help     print this\n"
	"An application's own ./manage does the rest (./manage --help).\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("flagon %s\n", FLAGON_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "new"))
		return fl_cli_new("flagon", argc - 1, argv + 1);
	fprintf(stderr, "flagon: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
