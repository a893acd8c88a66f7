/* args.c — Python's argument binding for the C functions templates call
 * (fl_tpl_function: template.h). */
#include <stdio.h>
#include <string.h>

#include "template/internal.h"

int fl_tpl_bind_args(const char *fname, json_t *args, json_t *kwargs,
	const char *const *names, size_t n, size_t required, json_t **out, fl_tpl_error *err)
{
	size_t npos = json_array_size(args);
	if (npos > n) {
		snprintf(err->message, sizeof err->message,
			"%s() takes %zu positional arguments but %zu were given", fname, n, npos);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = i < npos ? json_array_get(args, i) : NULL;
	const char *key;
	json_t *v;
	json_object_foreach(kwargs, key, v) {
		size_t i = 0;
		while (i < n && strcmp(names[i], key) != 0)
			i++;
		if (i == n) {
			snprintf(err->message, sizeof err->message,
				"%s() got an unexpected keyword argument '%s'", fname, key);
			return -1;
		}
		if (out[i]) {
			snprintf(err->message, sizeof err->message,
				"%s() got multiple values for argument '%s'", fname, key);
			return -1;
		}
		out[i] = v;
	}
	for (size_t i = 0; i < required && i < n; i++)
		if (!out[i]) {
			snprintf(err->message, sizeof err->message,
				"%s() missing required argument '%s'", fname, names[i]);
			return -1;
		}
	return 0;
}

int fl_tpl_arg_truth(json_t *v, int dflt)
{
	return v ? tv_truthy(v) : dflt;
}
