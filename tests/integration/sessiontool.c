/* sessiontool — Flagon's sessions, flashes and CSRF tokens on the command
 * line, so tests/integration/test_flask_interop.py can check them against
 * real Flask.  JSON arguments and outputs are the session's tagged JSON
 * (what Flask's TaggedJSONSerializer writes), compact and sorted.
 *
 *   sessiontool dump SECRET JSON [NOW]            session cookie value
 *   sessiontool load SECRET COOKIE [NOW]          session JSON, {} if invalid
 *   sessiontool header SECRET JSON [NOW]          Set-Cookie for a new session
 *   sessiontool flash JSON MESSAGE [CATEGORY]     session JSON after flash()
 *   sessiontool csrf-generate SECRET JSON [NOW]   token, then session JSON
 *   sessiontool csrf-validate SECRET JSON TOKEN [NOW]   "ok" or the error
 *
 * NOW is Unix seconds (default: the clock).  Exit status 0 on success, 1 on
 * a refused input, 2 on misuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "form/csrf.h"
#include "base/err.h"
#include "session/flash.h"
#include "session/session.h"
#include "base/signing.h"

static time_t now_arg(int argc, char **argv, int i)
{
	return argc > i ? (time_t)strtoll(argv[i], NULL, 10) : fl_now();
}

static json_t *parse_object(fl_arena *a, const char *text)
{
	json_t *v;
	if (fl_json_loads(a, text, strlen(text), &v) != FL_OK || !json_is_object(v)) {
		fprintf(stderr, "sessiontool: not a JSON object: %s\n", text);
		exit(2);
	}
	return v;
}

static void print_json(fl_arena *a, const json_t *v)
{
	fl_buf b;
	fl_buf_init(&b, a);
	if (fl_json_dumps_compact(v, &b) != FL_OK) {
		fprintf(stderr, "sessiontool: cannot serialize\n");
		exit(1);
	}
	puts(fl_buf_cstr(&b));
}

static int fail(fl_err err)
{
	fprintf(stderr, "sessiontool: %s\n", fl_strerror(err));
	return 1;
}

static int cmd_session(fl_arena *a, const char *cmd, int argc, char **argv)
{
	fl_session_config cfg;
	fl_session_config_init(&cfg);
	cfg.secret_key = argv[2];
	time_t now = now_arg(argc, argv, 4);
	fl_err err;

	if (strcmp(cmd, "load") == 0) {
		fl_session s;
		fl_session_open(fl_session_cookie_store(), &cfg, a, argv[3], now, &s);
		print_json(a, s.data);
		return 0;
	}
	json_t *data = parse_object(a, argv[3]);
	if (strcmp(cmd, "dump") == 0) {
		char *out;
		if ((err = fl_session_cookie_dumps(&cfg, a, data, now, &out)) != FL_OK)
			return fail(err);
		puts(out);
		return 0;
	}
	fl_session s;
	const char *header;
	fl_session_open(fl_session_cookie_store(), &cfg, a, NULL, now, &s);
	json_object_update(s.data, data);
	err = fl_session_save_header(fl_session_cookie_store(), &cfg, a, &s, now, &header);
	if (err)
		return fail(err);
	puts(header ? header : "");
	return 0;
}

static int cmd_csrf(fl_arena *a, const char *cmd, int argc, char **argv)
{
	json_t *session = parse_object(a, argv[3]);
	fl_err err;
	if (strcmp(cmd, "csrf-generate") == 0) {
		const char *token;
		err = fl_csrf_generate(argv[2], 0, session, a, now_arg(argc, argv, 4), &token);
		if (err)
			return fail(err);
		puts(token);
		print_json(a, session);
		return 0;
	}
	if (argc < 5)
		return 2;
	err = fl_csrf_validate(argv[2], 0, session, a, argv[4], FL_CSRF_TIME_LIMIT,
	                       now_arg(argc, argv, 5));
	puts(err ? fl_strerror(err) : "ok");
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: sessiontool dump|load|header|flash|csrf-generate|"
		                "csrf-validate ...\n");
		return 2;
	}
	fl_arena *a = fl_arena_new(0);
	fl_json_set_arena(a);
	const char *cmd = argv[1];
	int rc = 2;
	if (!strcmp(cmd, "dump") || !strcmp(cmd, "load") || !strcmp(cmd, "header")) {
		rc = cmd_session(a, cmd, argc, argv);
	} else if (!strcmp(cmd, "csrf-generate") || !strcmp(cmd, "csrf-validate")) {
		rc = cmd_csrf(a, cmd, argc, argv);
	} else if (!strcmp(cmd, "flash")) {
		json_t *session = parse_object(a, argv[2]);
		fl_err err = fl_flash_push(session, argv[3], argc > 4 ? argv[4] : NULL);
		rc = err ? fail(err) : (print_json(a, session), 0);
	}
	fl_json_set_arena(NULL);
	fl_arena_free(a);
	return rc;
}
