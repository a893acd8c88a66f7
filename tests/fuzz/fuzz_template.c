/* fuzz_template.c — compile and render arbitrary template source against a
 * small context; the templates of tests/unit/templates can be included.
 * Any input must give output or an error, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template/template.h"

static json_t *fn_echo(void *ud, fl_arena *a, json_t *args, json_t *kwargs, fl_tpl_error *err)
{
	if (!json_array_size(args)) {
		strcpy(err->message, "echo needs an argument");
		return NULL;
	}
	return json_array_get(args, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fl_tpl_env *env;
	static fl_arena *a;
	if (!env) {
		env = fl_tpl_env_new("tests/unit/templates", 0);
		fl_tpl_env_add_function(env, "echo", fn_echo);
		a = fl_arena_new(0);
	}
	char *src = malloc(size + 1);
	memcpy(src, data, size);
	src[size] = '\0';
	fl_arena *prev = fl_json_set_arena(a);
	json_t *ctx = json_loads("{\"user\": {\"name\": \"<ann>\", \"id\": 3}, \"items\": [1, 2.5, \"x\", null, true],"
				 " \"d\": {\"k\": \"v\"}, \"f\": {\"__html__\": \"<b>\"}, \"n\": -7, \"s\": \"a b c\"}",
				 0, NULL);
	/* m is markup (only fl_markup makes it); f is data shaped like it, a dict */
	json_object_set_new(ctx, "m", fl_markup("<b>"));
	fl_buf out;
	fl_buf_init(&out, a);
	fl_tpl_error err;
	fl_tpl_render_string(env, src, ctx, NULL, a, &out, &err);
	fl_json_set_arena(prev);
	fl_arena_reset(a);
	free(src);
	return 0;
}
