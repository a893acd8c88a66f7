/* cmd_mail.c — `./manage mail send TO` and `./manage mail flush`. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "cmd_mail.h"
#include "web/command.h"
#include "base/log.h"
#include "mail/mail.h"

static int usage_error(int argc, char **argv)
{
	if (argc == 0)
		fputs("manage mail: missing subcommand send or flush (see manage mail --help)\n",
			stderr);
	else
		fprintf(stderr, "manage mail: unknown subcommand '%s' (see manage mail --help)\n",
			argv[0]);
	return 2;
}

static int cmd_send(const fl_config *cfg, const char *to)
{
	fl_arena *a = fl_arena_new(0);
	char host[256] = "localhost";
	gethostname(host, sizeof host - 1);
	fl_err e;
	fl_message *m = fl_message_new(a, "Flagon test message", NULL, &e);
	int rc = 1;
	if (!m || fl_message_add_recipient(m, to)) {
		fprintf(stderr, "manage: '%s' is not a valid e-mail address\n", to);
		goto out;
	}
	char *text = fl_arena_printf(a, "This is a test message from Flagon on %s.\n"
		"If you can read it, mail works (server %s:%ld).\n", host,
		cfg->mail_server ? cfg->mail_server : "-", cfg->mail_port);
	fl_message_set_body(m, text);
	fl_message_set_html(m, fl_arena_printf(a, "<p>This is a <b>test message</b> from Flagon "
		"on %s.</p>\n", host));
	char why[512];
	e = fl_mail_send(cfg, m, why, sizeof why);
	if (e) {
		fprintf(stderr, "manage: mail not sent: %s\n", *why ? why : fl_strerror(e));
		goto out;
	}
	if (cfg->mail_suppress_send)
		printf("MAIL_SUPPRESS_SEND is on: message %s written to the outbox\n", m->message_id);
	else
		printf("sent %s to %s\n", m->message_id, to);
	rc = 0;
out:
	fl_arena_free(a);
	return rc;
}

static int cmd_flush(const fl_config *cfg)
{
	size_t delivered, failed;
	char why[512];
	fl_err e = fl_mail_flush(cfg, &delivered, &failed, why, sizeof why);
	if (e == FL_EIO || e == FL_ENOMEM) {
		fprintf(stderr, "manage: mail flush: %s\n", *why ? why : fl_strerror(e));
		return 1;
	}
	printf("delivered %zu, failed %zu\n", delivered, failed);
	if (failed) {
		fprintf(stderr, "manage: %zu message(s) still not delivered: %s\n", failed, why);
		return 1;
	}
	return 0;
}

int fl_cli_mail(const fl_config *cfg, int argc, char **argv)
{
	/* The library logs each failure; here the one-line reason on stderr
	 * says it already. */
	fl_log_init("manage", FL_LOG_LEVEL__MAX);
	if (argc >= 1 && !strcmp(argv[0], "mail")) {
		argc--;
		argv++;
	}
	const char *to;
	if (argc >= 1 && !strcmp(argv[0], "send")) {
		const fl_command_spec spec = { .name = "mail send", .min_args = 1, .max_args = 1,
			.args_name = "TO" };
		return fl_command_args(&spec, argc, argv, &to, NULL) ? 2 : cmd_send(cfg, to);
	}
	if (argc >= 1 && !strcmp(argv[0], "flush")) {
		const fl_command_spec spec = { .name = "mail flush" };
		return fl_command_args(&spec, argc, argv, NULL, NULL) ? 2 : cmd_flush(cfg);
	}
	return usage_error(argc, argv);
}
