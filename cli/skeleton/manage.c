/* manage.c — @APP@'s ./manage (Flask's `flask` command): db, runserver,
 * routes, shell, test... for the application @APP@_app (`./manage --help`). */
#include "cli/manage.h"
#include "@APP@.h"

int main(int argc, char **argv)
{
	return fl_manage_main(&@APP@_app, argc, argv);
}
