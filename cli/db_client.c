/* db_client.c — exec the configured database's own client (db_client.h). */
#include "cli.h"
#include "db_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An argv under construction: room for every option below. */
typedef struct args {
	const char *v[24];
	int n;
	char buf[4][64];            /* numbers and --opt=value spellings */
	int nbuf;
} args;

static void add(args *a, const char *s)
{
	if (a->n < (int)(sizeof a->v / sizeof a->v[0]) - 1)
		a->v[a->n++] = s;
}

static void add2(args *a, const char *opt, const char *val)
{
	if (val && *val) {
		add(a, opt);
		add(a, val);
	}
}

/* "%s%ld"-style text kept in the argv's own buffers. */
static const char *fmt(args *a, const char *prefix, const char *s, long n)
{
	if (a->nbuf >= 4)
		return "";
	char *b = a->buf[a->nbuf++];
	if (s)
		snprintf(b, sizeof a->buf[0], "%s%s", prefix, s);
	else
		snprintf(b, sizeof a->buf[0], "%s%ld", prefix, n);
	return b;
}

static void mysql_args(args *a, const fl_config *cfg, const char *command)
{
	const fl_db_uri *u = &cfg->db_uri;
	add2(a, "-h", u->host);
	if (u->port)
		add2(a, "-P", fmt(a, "", NULL, u->port));
	add2(a, "-S", fl_db_uri_socket(u));
	add2(a, "-u", u->username);
	const char *charset = fl_db_uri_get(u, "charset");
	if (charset && strlen(charset) < 32)
		add(a, fmt(a, "--default-character-set=", charset, 0));
	if (cfg->sqlalchemy_pool_timeout > 0)
		add(a, fmt(a, "--connect-timeout=", NULL, cfg->sqlalchemy_pool_timeout));
	add2(a, "-e", command);
	if (u->database && *u->database)
		add(a, u->database);
	if (u->password)
		setenv("MYSQL_PWD", u->password, 1);
}

static void pg_args(args *a, const fl_config *cfg, const char *command)
{
	const fl_db_uri *u = &cfg->db_uri;
	const char *socket = fl_db_uri_socket(u);
	add2(a, "-h", socket ? socket : u->host);
	if (u->port)
		add2(a, "-p", fmt(a, "", NULL, u->port));
	add2(a, "-U", u->username);
	add2(a, "-d", u->database);
	add2(a, "-c", command);
	add(a, "-w");   /* never prompt: the URI's password or none */
	if (u->password)
		setenv("PGPASSWORD", u->password, 1);
	const char *sslmode = fl_db_uri_get(u, "sslmode");
	if (sslmode)
		setenv("PGSSLMODE", sslmode, 1);
	if (cfg->sqlalchemy_pool_timeout > 0)
		setenv("PGCONNECT_TIMEOUT", fmt(a, "", NULL, cfg->sqlalchemy_pool_timeout), 1);
}

int fl_cli_db_client(const fl_config *cfg, const char *command)
{
	args a = { .n = 0 };
	const char *client;
	switch (cfg->db_uri.dialect) {
	case FL_DIALECT_MYSQL:
		add(&a, client = "mariadb");
		mysql_args(&a, cfg, command);
		break;
	case FL_DIALECT_POSTGRESQL:
		add(&a, client = "psql");
		pg_args(&a, cfg, command);
		break;
	default:
		add(&a, client = "sqlite3");
		add(&a, cfg->database_path);
		if (command)
			add(&a, command);
		break;
	}
	a.v[a.n] = NULL;
	fflush(NULL);
	execvp(client, (char *const *)a.v);
	if (errno == ENOENT && cfg->db_uri.dialect == FL_DIALECT_MYSQL) {
		a.v[0] = "mysql";   /* MySQL's own client, or an older MariaDB */
		execvp("mysql", (char *const *)a.v);
	}
	return fl_cli_fail("cannot start %s: %s", client, strerror(errno));
}
