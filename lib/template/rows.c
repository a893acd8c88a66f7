/* rows.c — query rows in templates: attribute and item access by column
 * index.  h20r fills this in (the row representation is theirs); until
 * then no value is a row and every access takes the generic path. */
#include "template/internal.h"

fl_err tpl_row_attr(struct rctx *r, const struct node *n, json_t *v, const char *name,
		    json_t **out, int *done)
{
	(void)r;
	(void)n;
	(void)v;
	(void)name;
	(void)out;
	*done = 0;  /* h20r fills this in */
	return FL_OK;
}
