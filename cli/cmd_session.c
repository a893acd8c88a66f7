/* cmd_session.c — `./manage session purge`.  See cmd_session.h.
 *
 *     $ ./manage session purge        # from cron, e.g. hourly
 *     removed 412 expired sessions
 */
#include "cli.h"
#include "cmd_session.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "data/db.h"
#include "session/session.h"

static const char usage[] =
	"usage: manage session purge\n"
	"  remove the server-side sessions (SESSION_TYPE sqlite/sqlalchemy or filesystem) whose\n"
	"  PERMANENT_SESSION_LIFETIME has run out, and print how many were removed\n";

static int is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static int purge(const fl_config *cfg)
{
	const char *type = cfg->session_type ? cfg->session_type : "null";
	if (!strcmp(type, "null")) {
		printf("removed 0 expired sessions (SESSION_TYPE=null: sessions live in the "
		       "signed cookie)\n");
		return 0;
	}
	if (!strcmp(type, "redis")) {
		printf("removed 0 expired sessions (SESSION_TYPE=redis: Redis expires them by "
		       "their TTL)\n");
		return 0;
	}
	fl_db *db = NULL;
	/* Never create an empty database here: a wrong DATABASE_URI must
	 * show, not "removed 0". */
	if ((!strcmp(type, "sqlite") || !strcmp(type, "sqlalchemy")) && fl_command_connect(cfg, &db))
		return 1;
	fl_session_store *st = NULL;
	fl_err e = fl_session_store_open(cfg, db, &st);
	long removed = 0;
	if (!e)
		e = fl_session_purge(st, time(NULL), &removed);
	fl_session_store_free(st);
	fl_db_close(db);
	if (e)
		return fl_cli_fail("session purge (SESSION_TYPE=%s): %s; removed %ld", type,
			fl_strerror(e), removed);
	printf("removed %ld expired session%s\n", removed, removed == 1 ? "" : "s");
	return 0;
}

int fl_cli_session(const fl_config *cfg, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "session")) {
		argc--;
		argv++;
	}
	if (argc >= 1 && (is_help(argv[0]) || (argc == 2 && !strcmp(argv[0], "purge") &&
	                                       is_help(argv[1])))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 1 && !strcmp(argv[0], "purge")) {
		const fl_command_spec spec = { .name = "session purge" };
		if (fl_command_args(&spec, argc, argv, NULL, NULL))
			return 2;
		fl_log_init("manage", FL_LOG_WARNING);
		return purge(cfg);
	}
	if (argc == 0)
		fputs("manage session: missing subcommand purge (see manage session --help)\n", stderr);
	else
		fprintf(stderr, "manage session: unknown subcommand '%s' (see manage session --help)\n",
			argv[0]);
	return 2;
}
