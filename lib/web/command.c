/* command.c — checking and finding an application's ./manage commands
 * (see command.h). */
#include "web/command.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
