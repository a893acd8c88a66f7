/* cmd_new.h — `manage new PATH` and `flagon new PATH`: a fresh
 * application, ready to build, run and test (Kore's `kodev create`,
 * Flask's project layout).  The files are cli/skeleton/, compiled into the
 * program (cli/skeleton.h). */
#ifndef FL_CMD_NEW_H
#define FL_CMD_NEW_H

/* The options of `new`, after its usage line (manage's and flagon's). */
#define FL_CLI_NEW_OPTIONS \
	"  make a new Flagon application in PATH (a new or empty folder): its\n" \
	"  Makefile (the installed Flagon, found by pkg-config), app/NAME.c (the\n" \
	"  application and a model, Note), cgi-bin/BLUEPRINT.c (a form and its\n" \
	"  views), manage.c, templates/, htdocs/static/, migrations/, tests/,\n" \
	"  lighttpd.conf, apache.conf, .flagonenv, .gitignore and a README\n" \
	"  --name NAME        the application's C name (default: PATH's last\n" \
	"                     part); letters, digits and '_', not a digit first\n" \
	"  --blueprint BP     the first blueprint's name (default: main)\n" \
	"  --force            also write into a folder that is not empty (a file\n" \
	"                     that exists is never overwritten)\n" \
	"  -h, --help         print this and exit\n" \
	"Then: cd PATH && make run (make test runs its tests).\n"

/* `manage new --help`. */
extern const char fl_cli_new_usage[];

/* fl_cli_new — run `new`: `argv[0]` is "new", then PATH and the options
 * above (as `--name=NAME` too), in any order.  `prog` names the tool in
 * messages ("manage", "flagon").  Checks everything first (the names are
 * C identifiers; PATH is missing, or an empty folder, or --force is given;
 * no file of the skeleton exists there), then writes each file (made
 * under a temporary name and linked into place, so a file that appeared
 * meanwhile is not overwritten) and prints what it made and the next
 * steps on stdout.  Returns the exit status: 0; 2 after a usage error (an
 * unknown option, a missing or extra argument: named on stderr); 1 after
 * any other failure, with a one-line reason on stderr ("PROG: ..."). */
int fl_cli_new(const char *prog, int argc, char **argv);

#endif
