/* tpl_args_internal.h — Python's argument binding for the template
 * functions of the web extensions (web/moment.c, web/bootstrap.c): the
 * positional `args` and keyword `kwargs` a fl_tpl_function gets, matched to
 * a list of parameter names as a Python def would.
 */
#ifndef FL_TPL_ARGS_INTERNAL_H
#define FL_TPL_ARGS_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "template/template.h"

/* fl_tpl_bind_args — out[i] = the argument for names[i] (n names): the
 * i-th positional one, else kwargs[names[i]], else NULL (not given; the
 * caller applies its default).  The values are borrowed from args/kwargs.
 * `required` names must be given.  Returns 0, or -1 with err->message set
 * as Python words it ("fname() takes 2 positional arguments but 3 were
 * given", "fname() got an unexpected keyword argument 'x'", "fname() got
 * multiple values for argument 'x'", "fname() missing required argument
 * 'x'"). */
int fl_tpl_bind_args(const char *fname, json_t *args, json_t *kwargs,
	const char *const *names, size_t n, size_t required, json_t **out, fl_tpl_error *err);

/* fl_tpl_arg_truth — Python's truth of an optional argument: `dflt` when
 * v is NULL (not given), else false for null, false, 0, 0.0, "" and empty
 * arrays/objects, true otherwise. */
int fl_tpl_arg_truth(json_t *v, int dflt);

#endif
