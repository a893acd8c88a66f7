/* reloader.h — `manage runserver -d/-r`'s reloader (reloader.c): run
 * lighttpd as a child, watch the sources, rebuild, restart the programs
 * whose binary changed.  See cmd_runserver.c for the environment contract
 * with the web server and the programs. */
#ifndef FL_CLI_RELOADER_H
#define FL_CLI_RELOADER_H

/* What the reloader needs to know (all strings owned by the caller). */
typedef struct fl_reloader_opts {
	const char *root;        /* the application root: make runs here; watched */
	const char *bin;         /* programs are <bin>/cgi-bin/<name> (FLAGON_BIN or root) */
	const char *vardir;      /* FLAGON_VAR: run/build-error.txt goes there */
	const char *conf;        /* lighttpd's configuration file */
	const char *build_cmd;   /* run by /bin/sh -c in root: "make" or FLAGON_BUILD_CMD */
	const char *const *watch; /* extra folders to watch (NULL-terminated; may be NULL) */
	const char *const *programs; /* the blueprints' names (NULL-terminated) */
} fl_reloader_opts;

/* fl_cli_reloader_run — start `lighttpd -D -f conf` as a child (SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT sent to us are passed on to it) and, until
 * it exits, watch (inotify) root and opts->watch recursively — skipping
 * build/, var/, node_modules/, htdocs/ and hidden folders, adding folders
 * as they are made — for changes to .c and .h files.  After 200 ms of
 * quiet it runs the build command, its output echoed to stderr.  A failed
 * build leaves every program running and its output in
 * <vardir>/run/build-error.txt (written whole, then renamed), which the
 * programs show on every request (web/reload.c); a build that succeeds
 * removes that file and sends SIGHUP to the processes (children of our
 * lighttpd) of each program whose file changed (inode, size or mtime), which
 * re-exec themselves.  Returns the exit status: lighttpd's, or 0 once
 * stopped by a signal; 1 after a one-line reason when it cannot start. */
int fl_cli_reloader_run(const fl_reloader_opts *opts);

#endif
