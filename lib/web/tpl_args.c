/* tpl_args.c — Python's argument binding for template functions
 * (tpl_args_internal.h). */
#include <stdio.h>
#include <string.h>

#include "web/tpl_args_internal.h"

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
	if (!v)
		return dflt;
	switch (json_typeof(v)) {
	case JSON_NULL: case JSON_FALSE: return 0;
	case JSON_TRUE: return 1;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_STRING: return json_string_length(v) != 0;
	case JSON_ARRAY: return json_array_size(v) != 0;
	case JSON_OBJECT: return 1;
	}
	return 1;
}
