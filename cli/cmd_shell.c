/* cmd_shell.c — `./manage shell`: an SQL prompt on the application's
 * database with its models listed and create_all/drop_all/seed at hand.
 * See cmd_shell.h.
 *
 *     $ ./manage shell
 *     Flagon shell: flasky, development config, database var/data-dev.sqlite
 *     Models:
 *       Role (roles): id INTEGER PK, name VARCHAR(64) UNIQUE, ...
 *         users -> User (list, backref role)
 *     ...
 *     flasky> SELECT username, role_id FROM users;
 */
#include "cli.h"
#include "cmd_shell.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <editline/readline.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/dialect.h"
#include "db_client.h"
#include "data/model.h"
#include "data/query.h"
#include "web/application.h"

const char fl_cli_shell_usage[] =
	"usage: manage shell [-c COMMAND] [--client]\n"
	"  an SQL prompt on the configured database (DATABASE_URI), the\n"
	"  application's models listed; statements end with ';'\n"
	"  -c COMMAND   run one SQL statement or dot-command and exit\n"
	"  --client     the database's own client instead (sqlite3, mariadb,\n"
	"               psql; -c COMMAND runs in it); --sqlite3 for SQLite\n"
	"Dot-commands: .models [NAME], .tables, .schema [TABLE], .create_all,\n"
	".drop_all (asks first on a terminal), .seed, .help, .quit\n";

static const char dot_help[] =
	"  SQL;            run a statement (it may span lines; ';' ends it)\n"
	"  .models [NAME]  the models: table, columns, relationships\n"
	"  .tables         the tables in the database\n"
	"  .schema [TABLE] their CREATE statements\n"
	"  .create_all     create the models' missing tables (db.create_all())\n"
	"  .drop_all       drop the models' tables (db.drop_all())\n"
	"  .seed           load the demo data (manage seed)\n"
	"  .help           this list\n"
	"  .quit           leave (also Ctrl-D)\n";

typedef struct shell {
	const fl_command_ctx *cx;
	fl_db *db;
	fl_arena *arena;                  /* the models' list, for the session */
	const fl_model *const *models;
	int tty;
} shell;

/* ---- the models ---- */

static void print_column(const fl_column *c)
{
	printf("    %s %s", c->name, fl_type_names[c->type]);
	if (c->length)
		printf("(%u)", c->length);
	if (c->primary_key)
		fputs(" PRIMARY KEY", stdout);
	if (c->unique)
		fputs(" UNIQUE", stdout);
	if (c->not_null && !c->primary_key)
		fputs(" NOT NULL", stdout);
	if (c->server_default)
		printf(" DEFAULT %s", c->server_default);
	else if (c->default_json)
		printf(" default=%s", c->default_json);
	else if (c->default_fn)
		fputs(" default=<function>", stdout);
	if (c->foreign_key)
		printf(" -> %s", c->foreign_key);
	putchar('\n');
}

static const char *model_name(const fl_model *m)
{
	return m->name ? m->name : fl_model_table(m);
}

static void print_model(const fl_model *m)
{
	printf("  %s (table %s)%s\n", model_name(m), fl_model_table(m),
		m->abstract ? " abstract" : "");
	for (const fl_column *c = m->columns; c && c->name; c++)
		print_column(c);
	for (const fl_relationship *r = m->relationships; r && r->name; r++) {
		printf("    %s: relationship -> %s (%s", r->name, model_name(r->target),
			r->uselist == FL_USELIST_FALSE ? "scalar" : "list");
		if (r->backref)
			printf(", backref %s", r->backref);
		if (r->secondary)
			printf(", secondary %s", fl_model_table(r->secondary));
		puts(")");
	}
}

static int cmd_models(shell *sh, const char *name)
{
	int found = 0;
	for (const fl_model *const *m = sh->models; *m; m++)
		if (!*name || !strcasecmp(name, model_name(*m)) || !strcmp(name, fl_model_table(*m))) {
			print_model(*m);
			found = 1;
		}
	if (!found && *name) {
		fprintf(stderr, "no model or table '%s' (.models lists them)\n", name);
		return 1;
	}
	if (!sh->models[0])
		puts("  (the application declares no models)");
	return 0;
}

/* ---- SQL ---- */

/* A value as text for the table (malloc'd: jansson's own allocator is
 * the statement's arena here). */
static char *cell(const json_t *v)
{
	char num[64];
	if (json_is_null(v))
		return strdup("NULL");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof num, "%.15g", json_real_value(v));
	else
		snprintf(num, sizeof num, "%s", json_is_true(v) ? "1" : json_is_false(v) ? "0" : "?");
	return strdup(num);
}

/* Width in characters (UTF-8 continuation bytes do not count). */
static size_t text_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void print_padded(const char *s, size_t width, int last)
{
	fputs(s, stdout);
	if (!last)
		for (size_t w = text_width(s); w < width + 2; w++)
			putchar(' ');
}

static void print_rows(json_t *rows)
{
	size_t nrows = json_array_size(rows);
	if (!nrows) {
		puts("(0 rows)");
		return;
	}
	json_t *first = json_array_get(rows, 0);
	size_t ncols = json_object_size(first), c = 0;
	const char **names = calloc(ncols, sizeof *names);
	size_t *width = calloc(ncols, sizeof *width);
	char **cells = calloc(nrows * ncols, sizeof *cells);
	const char *key;
	json_t *v;
	json_object_foreach(first, key, v) {
		names[c] = key;
		width[c] = text_width(key);
		c++;
	}
	for (size_t r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++) {
			char *t = cell(json_object_get(json_array_get(rows, r), names[c]));
			cells[r * ncols + c] = t;
			if (t && text_width(t) > width[c])
				width[c] = text_width(t);
		}
	for (c = 0; c < ncols; c++)
		print_padded(names[c], width[c], c == ncols - 1);
	putchar('\n');
	for (c = 0; c < ncols; c++) {
		for (size_t w = 0; w < width[c]; w++)
			putchar('-');
		if (c < ncols - 1)
			fputs("  ", stdout);
	}
	putchar('\n');
	for (size_t r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++)
			print_padded(cells[r * ncols + c] ? cells[r * ncols + c] : "?", width[c],
				c == ncols - 1);
		putchar('\n');
	}
	printf("(%zu row%s)\n", nrows, nrows == 1 ? "" : "s");
	for (size_t i = 0; i < nrows * ncols; i++)
		free(cells[i]);
	free(cells);
	free(width);
	free(names);
}

/* Whether `sql` returns rows (its first keyword). */
static int returns_rows(const char *sql)
{
	static const char *const words[] = { "select", "pragma", "with", "values", "explain", NULL };
	while (isspace((unsigned char)*sql))
		sql++;
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);
		if (!strncasecmp(sql, words[i], n) && !isalnum((unsigned char)sql[n]))
			return 1;
	}
	return 0;
}

/* One statement (without its ';'), `params` (may be NULL; stolen) bound. */
static int run_query(shell *sh, const char *sql, json_t *params)
{
	fl_arena *a = fl_arena_new(0);
	fl_arena *old = fl_json_set_arena(a);
	int rc = 0;
	if (returns_rows(sql)) {
		json_t *rows = NULL;
		if (fl_db_query(sh->db, sql, params, &rows))
			rc = 1;
		else
			print_rows(rows);
	} else {
		int changes = 0;
		/* each statement commits by itself, as in the sqlite3, mariadb
		 * and psql shells (else it would be rolled back on exit) */
		if (fl_db_execute(sh->db, sql, NULL, NULL, &changes) || fl_db_commit(sh->db))
			rc = 1;
		else
			printf("OK (%d row%s changed)\n", changes, changes == 1 ? "" : "s");
	}
	if (rc) {
		const char *why = fl_db_errmsg(sh->db);
		fprintf(stderr, "error: %s\n", why && *why ? why : "the statement failed");
	}
	fl_json_set_arena(old);
	fl_arena_free(a);
	json_decref(params);
	fflush(stdout);
	return rc;
}

static int run_sql(shell *sh, const char *sql)
{
	return run_query(sh, sql, NULL);
}

/* Run each ';'-terminated statement of `buf` (quotes respected). */
static int run_statements(shell *sh, char *buf)
{
	int rc = 0;
	char *start = buf, quote = 0;
	for (char *p = buf; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == ';') {
			*p = '\0';
			if (strspn(start, " \t\r\n") != strlen(start))
				rc |= run_sql(sh, start);
			start = p + 1;
		}
	}
	if (strspn(start, " \t\r\n") != strlen(start))
		rc |= run_sql(sh, start);
	return rc;
}

/* ---- dot-commands ---- */

static int confirm(shell *sh, const char *question)
{
	if (!sh->tty)
		return 1;
	char *answer = readline(question);
	int yes = answer && (answer[0] == 'y' || answer[0] == 'Y');
	free(answer);
	return yes;
}

static int invoke(shell *sh, const char *cmd, const char *sub)
{
	char *argv[] = { (char *)cmd, (char *)sub, NULL };
	fflush(stdout);
	int rc = sh->cx->invoke(sh->cx, sub ? 2 : 1, argv);
	fflush(stdout);
	return rc;
}

/* One dot-command; -1 for .quit. */
static int run_dot(shell *sh, char *line)
{
	char *arg = line + strcspn(line, " \t");
	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	arg[strcspn(arg, " \t\r\n")] = '\0';
	if (!strcmp(line, ".quit") || !strcmp(line, ".exit"))
		return -1;
	if (!strcmp(line, ".help")) {
		fputs(dot_help, stdout);
		return 0;
	}
	if (!strcmp(line, ".models"))
		return cmd_models(sh, arg);
	if (!strcmp(line, ".tables"))
		return run_sql(sh, fl_db_dialect(sh->db)->tables_sql);
	if (!strcmp(line, ".schema") && sh->cx->config->db_uri.dialect != FL_DIALECT_SQLITE) {
		printf(".schema reads SQLite's catalogue: on %s, .models, or manage shell --client\n",
			fl_dialect_id_name(sh->cx->config->db_uri.dialect));
		return 0;
	}
	if (!strcmp(line, ".schema"))
		return run_query(sh, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND "
			"(?1 = '' OR tbl_name = ?1) ORDER BY tbl_name, type DESC, name",
			json_pack("[s]", arg));
	if (!strcmp(line, ".create_all"))
		return invoke(sh, "db", "create_all");
	if (!strcmp(line, ".drop_all")) {
		if (!confirm(sh, "Drop every table of the models and their rows? [y/N] ")) {
			puts("Nothing dropped.");
			return 0;
		}
		return invoke(sh, "db", "drop_all");
	}
	if (!strcmp(line, ".seed"))
		return invoke(sh, "seed", NULL);
	fprintf(stderr, "unknown command '%s' (.help lists them)\n", line);
	return 1;
}

/* One complete input: a dot-command or SQL. */
static int run_input(shell *sh, char *text)
{
	text += strspn(text, " \t\r\n");
	if (*text == '.') {
		text[strcspn(text, "\r\n")] = '\0';
		return run_dot(sh, text);
	}
	return run_statements(sh, text);
}

/* ---- the loop ---- */

static char *read_line(shell *sh, const char *prompt)
{
	if (sh->tty)
		return readline(prompt);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

/* Whether `buf` ends a statement: a ';' at its end outside quotes. */
static int complete(const char *buf)
{
	char quote = 0, last = 0;
	for (const char *p = buf; *p; p++) {
		if (quote)
			quote = *p == quote ? 0 : quote;
		else if (*p == '\'' || *p == '"')
			quote = *p;
		if (!isspace((unsigned char)*p))
			last = *p;
	}
	return !quote && last == ';';
}

static int repl(shell *sh)
{
	char history[4200];
	const char *name = sh->cx->app->name ? sh->cx->app->name : "flagon";
	char prompt[128], more[128];
	snprintf(prompt, sizeof prompt, "%s> ", name);
	snprintf(more, sizeof more, "%*s> ", (int)strlen(name), "...");
	snprintf(history, sizeof history, "%s/var/.manage_shell_history", sh->cx->root);
	if (sh->tty) {
		using_history();
		read_history(history);
	}
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;
	for (;;) {
		char *line = read_line(sh, len ? more : prompt);
		if (!line)
			break;
		if (!len && (line[strspn(line, " \t")] == '.' || !line[strspn(line, " \t")])) {
			if (*line && sh->tty)
				add_history(line);
			int r = line[strspn(line, " \t")] ? run_input(sh, line) : 0;
			free(line);
			if (r < 0)
				break;
			rc |= r;
			continue;
		}
		size_t n = strlen(line);
		char *grown = realloc(buf, len + n + 2);
		if (!grown) {
			free(line);
			break;
		}
		buf = grown;
		memcpy(buf + len, line, n);
		len += n;
		buf[len++] = '\n';
		buf[len] = '\0';
		free(line);
		if (complete(buf)) {
			if (sh->tty) {
				buf[len - 1] = '\0';
				add_history(buf);
			}
			rc |= run_input(sh, buf);
			len = 0;
		}
	}
	if (len && buf[strspn(buf, " \t\r\n")])
		rc |= run_input(sh, buf);   /* the last statement may lack its ';' */
	free(buf);
	if (sh->tty) {
		putchar('\n');
		write_history(history);
	}
	return sh->tty ? 0 : rc != 0;
}

static void banner(shell *sh)
{
	const fl_config *cfg = sh->cx->config;
	printf("Flagon shell: %s, %s config, database %s\n", sh->cx->app->name,
		fl_config_names[cfg->cls], cfg->database_path);
	puts("Models:");
	cmd_models(sh, "");
	puts("SQL statements end with ';'.  .help lists the dot-commands "
	     "(.models .tables .schema .create_all .drop_all .seed .quit).");
	fflush(stdout);
}

int fl_cli_shell(const fl_command_ctx *cx, int argc, char **argv)
{
	const char *command = NULL;
	int sqlite = 0, client = 0;
	const fl_command_option opts[] = {
		{ "-c", "--command", &command, NULL },
		{ "--client", NULL, NULL, &client },
		{ "--sqlite3", NULL, NULL, &sqlite },
		{ NULL },
	};
	const fl_command_spec spec = { .name = "shell", .options = opts };
	if (fl_command_args(&spec, argc, argv, NULL, NULL))
		return 2;
	const fl_config *cfg = cx->config;
	if (sqlite && cfg->db_uri.dialect != FL_DIALECT_SQLITE)
		return fl_cli_fail("shell --sqlite3: DATABASE_URI names a %s database (use --client)",
			fl_dialect_id_name(cfg->db_uri.dialect));
	if (sqlite || client)
		return fl_cli_db_client(cfg, command);
	shell sh = { .cx = cx, .arena = fl_arena_new(0), .tty = !command && isatty(STDIN_FILENO) };
	char why[256];
	int rc;
	if (fl_application_all_models(cx->app, sh.arena, &sh.models, why, sizeof why)) {
		rc = fl_cli_fail("%s", why);
		goto out;
	}
	if (fl_db_connect(cfg, &sh.db)) {
		rc = fl_cli_fail("database %s: %s", cfg->database_path, fl_db_errmsg(sh.db));
		goto out;
	}
	if (sh.models[0])
		fl_db_set_models(sh.db, sh.models);
	if (command) {
		char *text = strdup(command);
		rc = text ? run_input(&sh, text) : 1;
		free(text);
		rc = rc > 0;
	} else {
		banner(&sh);
		rc = repl(&sh);
	}
out:
	fl_db_close(sh.db);
	fl_arena_free(sh.arena);
	return rc;
}
