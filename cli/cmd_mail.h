/* cmd_mail.h — `./manage mail ...` (Flask-Mail from the command line). */
#ifndef FL_CMD_MAIL_H
#define FL_CMD_MAIL_H

#include "base/config.h"

/* fl_cli_mail — run one `mail` subcommand for configuration `cfg` and
 * return the exit status: 0 on success, 1 with a one-line reason on stderr
 * on failure, 2 for a usage error.  argv[0] is "mail", then
 *   send TO      send a test message (text + HTML) to the address TO; with
 *                MAIL_SUPPRESS_SEND it is written to the outbox instead;
 *                a failed send leaves it in OUTBOX/pending for `flush`
 *   flush        retry every message in OUTBOX/pending; prints
 *                "delivered N, failed M" (exit 1 when M > 0). */
int fl_cli_mail(const fl_config *cfg, int argc, char **argv);

#endif
