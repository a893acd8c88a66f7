/* cmd_user.c — `./manage user add NAME`: a user who can log in to the JSON
 * API (POST /cgi-bin/api/login).  See cmd_user.h.
 *
 *     $ ./manage user add alice            # asks twice, no echo
 *     $ echo 's3cret' | ./manage user add bob
 */
#include "app/cmd_user.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "auth/auth.h"
#include "data/db.h"
#include "app/models.h"
#include "data/query.h"

#define MAX_PASSWORD 1024

#define fail fl_command_fail


/* One line of stdin into buf (line ending removed); echo off when stdin is
 * a terminal (the prompt goes to stderr).  0, or -1 at end of input / a
 * line too long. */
static int read_password(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *got = fgets(buf, (int)len, stdin);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (!got)
		return -1;
	size_t n = strlen(buf);
	if (n == len - 1 && buf[n - 1] != '\n' && !feof(stdin))
		return -1;   /* longer than the buffer */
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* The id of role `name`, added when missing. */
static fl_err role_id(fl_db *db, fl_arena *a, const char *name, json_t **id)
{
	json_t *role;
	fl_query *q = fl_query_new(db, a, &Role);
	fl_err e = fl_query_first(fl_query_filter_by(q, "name", json_string(name)), &role);
	if (!e && !role) {
		role = json_pack("{s:s}", "name", name);
		e = fl_db_add(db, &Role, role);
	}
	if (!e)
		*id = json_object_get(role, "id");
	return e;
}

static int add_user(const fl_application *app, const fl_config *cfg, fl_arena *a,
	const char *name, const char *password)
{
	fl_db *db = NULL;
	int rc = 1;
	if (fl_command_connect(cfg, &db))
		return 1;
	fl_db_set_models(db, app->models);
	const char *hash = fl_generate_password_hash(a, password, NULL);
	if (!hash) {
		rc = fail("cannot hash the password (OpenSSL failed)");
		goto out;
	}
	char since[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S", &tm);

	/* BEGIN IMMEDIATE first: two `user add` of one name cannot both pass
	 * the check (and the UNIQUE index stops them anyway). */
	json_t *existing, *rid;
	fl_query *q = fl_query_filter_by(fl_query_new(db, a, &User), "username", json_string(name));
	fl_err e = fl_db_begin(db);
	if (!e)
		e = fl_query_first(q, &existing);
	if (!e && existing) {
		fl_db_rollback(db);
		rc = fail("user '%s' already exists", name);
		goto out;
	}
	if (!e)
		e = role_id(db, a, "User", &rid);
	json_t *user = NULL;
	if (!e) {
		user = json_pack("{s:s, s:O, s:s, s:s}", "username", name, "role_id", rid,
			"password_hash", hash, "member_since", since);
		e = user ? fl_db_add(db, &User, user) : FL_EINVAL;
	}
	if (!e)
		e = fl_db_commit(db);
	if (e) {
		const char *why = fl_db_errmsg(db);
		if (e == FL_EEXISTS)
			rc = fail("user '%s' already exists", name);
		else
			rc = fail("cannot add user '%s': %s%s", name, why && *why ? why : fl_strerror(e),
				e == FL_ENOTABLE ? " (run ./manage db upgrade first)" : "");
		fl_db_rollback(db);
		goto out;
	}
	printf("user %s added (id %lld, role User)\n", name,
		(long long)json_integer_value(json_object_get(user, "id")));
	rc = 0;
out:
	fl_db_close(db);
	return rc;
}

int flasky_user_command(const fl_command_ctx *cx, int argc, char **argv)
{
	const fl_application *app = cx->app;
	const fl_config *cfg = cx->config;
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		if (argc < 2)
			fputs("manage user: missing subcommand add (see manage user --help)\n", stderr);
		else
			fprintf(stderr, "manage user: unknown subcommand '%s' (see manage user --help)\n",
				argv[1]);
		return 2;
	}
	const char *name;
	const fl_command_spec spec = { .name = "user add", .min_args = 1, .max_args = 1,
		.args_name = "NAME" };
	if (fl_command_args(&spec, argc - 1, argv + 1, &name, NULL))
		return 2;
	if (!*name || strlen(name) > 64)
		return fail("the user name must be 1 to 64 characters");
	char pw[MAX_PASSWORD], again[MAX_PASSWORD];
	if (read_password("Password: ", pw, sizeof pw))
		return fail("no password given on stdin (or longer than %d bytes)", MAX_PASSWORD - 2);
	if (!*pw)
		return fail("the password must not be empty");
	if (isatty(STDIN_FILENO)) {
		if (read_password("Repeat password: ", again, sizeof again) || strcmp(pw, again)) {
			explicit_bzero(again, sizeof again);
			explicit_bzero(pw, sizeof pw);
			return fail("the passwords do not match");
		}
		explicit_bzero(again, sizeof again);
	}
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	int rc = add_user(app, cfg, a, name, pw);
	explicit_bzero(pw, sizeof pw);
	fl_json_set_arena(old);
	fl_arena_free(a);
	return rc;
}
