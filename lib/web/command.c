/* command.c — checking and finding an application's ./manage commands
 * (see command.h). */
#include "web/command.h"

#include "data/db.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int valid_command_name(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

fl_err fl_commands_check(const fl_command *commands, const char *const *builtins, char *why,
	size_t whylen)
{
	for (size_t i = 0; commands && commands[i].name; i++) {
		const fl_command *k = &commands[i];
		if (!valid_command_name(k->name)) {
			snprintf(why, whylen, "application command '%s': the name must be a word of "
				"letters, digits, '-' and '_'", k->name);
			return FL_EINVAL;
		}
		for (size_t b = 0; builtins && builtins[b]; b++)
			if (strcmp(builtins[b], k->name) == 0) {
				snprintf(why, whylen, "application command '%s' shadows the built-in "
					"command of that name", k->name);
				return FL_EINVAL;
			}
		for (size_t j = 0; j < i; j++)
			if (strcmp(commands[j].name, k->name) == 0) {
				snprintf(why, whylen, "application command '%s' is declared twice", k->name);
				return FL_EINVAL;
			}
		if (!k->run || !k->usage || !k->help) {
			snprintf(why, whylen, "application command '%s' lacks a %s", k->name,
				!k->run ? "run function" : !k->usage ? "usage" : "help line");
			return FL_EINVAL;
		}
	}
	return FL_OK;
}

const fl_command *fl_command_find(const fl_command *commands, const char *name)
{
	for (size_t i = 0; commands && commands[i].name; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int fl_command_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("manage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int fl_command_connect(const fl_config *cfg, fl_db **out)
{
	struct stat st;
	*out = NULL;
	if (cfg->db_uri.dialect == FL_DIALECT_SQLITE && strcmp(cfg->database_path, ":memory:") &&
	    stat(cfg->database_path, &st) != 0)
		return fl_command_fail("database %s does not exist: run ./manage db upgrade first",
			cfg->database_path);
	fl_db *db = NULL;
	fl_err e = fl_db_connect(cfg, &db);
	if (e) {
		const char *why = db ? fl_db_errmsg(db) : "";
		int rc = fl_command_fail("database %s: %s", cfg->database_path,
			*why ? why : fl_strerror(e));
		fl_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

static int usage_error(const fl_command_spec *spec, const char *fmt, const char *what)
{
	fprintf(stderr, "manage %s: ", spec->name);
	fprintf(stderr, fmt, what);
	fprintf(stderr, " (see manage %s --help)\n", spec->name);
	return 2;
}

/* The option of `spec` spelled `arg` (up to `len` bytes), or NULL. */
static const fl_command_option *find_option(const fl_command_spec *spec, const char *arg,
	size_t len)
{
	for (const fl_command_option *o = spec->options; o && o->name; o++) {
		if ((strlen(o->name) == len && !strncmp(o->name, arg, len)) ||
		    (o->alias && strlen(o->alias) == len && !strncmp(o->alias, arg, len)))
			return o;
	}
	return NULL;
}

int fl_command_args(const fl_command_spec *spec, int argc, char **argv, const char **args,
	int *nargs)
{
	int n = 0, options = 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (options && !strcmp(arg, "--")) {
			options = 0;
			continue;
		}
		if (options && arg[0] == '-' && arg[1]) {
			const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
			size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
			const fl_command_option *o = find_option(spec, arg, len);
			if (!o) {
				char name[128];
				snprintf(name, sizeof name, "%.*s", (int)(len < 100 ? len : 100), arg);
				return usage_error(spec, "unknown option '%s'", name);
			}
			if (!o->value) {
				if (eq)
					return usage_error(spec, "option '%s' takes no value", o->name);
				if (o->set)
					*o->set = 1;
			} else if (eq) {
				*o->value = eq + 1;
			} else if (i + 1 < argc) {
				*o->value = argv[++i];
			} else {
				return usage_error(spec, "option '%s' needs a value", arg);
			}
			continue;
		}
		if (n >= spec->max_args)
			return usage_error(spec, "unexpected argument '%s'", arg);
		if (args)
			args[n] = arg;
		n++;
	}
	if (n < spec->min_args)
		return usage_error(spec, "missing argument %s",
			spec->args_name ? spec->args_name : "");
	if (nargs)
		*nargs = n;
	return 0;
}
