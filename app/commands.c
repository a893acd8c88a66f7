/* commands.c — Flasky's ./manage commands (see commands.h).
 *
 * `deploy` is the Flask book's:
 *
 *     @app.cli.command()
 *     def deploy():
 *         upgrade()
 *         Role.insert_roles()
 *
 * made of the built-in commands, invoked as Click's ctx.invoke would:
 * `db upgrade`, then `seed --if-empty` (the roles and demo data, added
 * only to a database without any). */
#include "app/commands.h"
#include "app/cmd_user.h"

#include <stdio.h>

static int deploy(const fl_command_ctx *cx, int argc, char **argv)
{
	const fl_command_spec spec = { .name = "deploy" };
	if (fl_command_args(&spec, argc, argv, NULL, NULL))
		return 2;
	char *upgrade[] = { "db", "upgrade", NULL };
	char *seed[] = { "seed", "--if-empty", NULL };
	int rc = cx->invoke(cx, 2, upgrade);
	return rc ? rc : cx->invoke(cx, 2, seed);
}

const fl_command flasky_commands[] = {
	{ "deploy",
	  "usage: manage deploy\n"
	  "  run the deployment tasks: upgrade the database to the head revision\n"
	  "  (db upgrade), then add the roles and demo data if it has none\n"
	  "  (seed --if-empty)\n",
	  "upgrade the database and add the roles/demo data if empty",
	  deploy },
	{ "user",
	  "usage: manage user add NAME\n"
	  "  add an API user (role User); the password is read from standard input\n",
	  "add an API user (role User); password from stdin",
	  flasky_user_command },
	FL_COMMANDS_END,
};
