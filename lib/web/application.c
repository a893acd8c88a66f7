/* application.c — an application's configuration: the built-in keys, its
 * own keys, then its init_config; and every model of the application, its
 * own and its blueprints' (see application.h). */
#include "web/application.h"
#include "web/app.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

fl_err fl_application_load_config(const fl_application *app, fl_config *cfg, const char *root,
	char *why, size_t whylen)
{
	return fl_application_load_config_flags(app, cfg, root, 0, why, whylen);
}

fl_err fl_application_load_config_flags(const fl_application *app, fl_config *cfg,
	const char *root, unsigned flags, char *why, size_t whylen)
{
	fl_err e = fl_config_load_flags(cfg, root, app ? app->config_keys : NULL, flags, why, whylen);
	if (!e && app && app->init_config && (e = app->init_config(cfg, why, whylen)) != FL_OK)
		e = FL_ECONFIG;
	return e;
}

/* Is `m` listed in the first `n` of `v`? */
static int listed(const fl_model **v, size_t n, const fl_model *m)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == m)
			return 1;
	return 0;
}

/* Append the models of `list` that `v` does not hold yet. */
static void add_models(const fl_model **v, size_t *n, const fl_model *const *list)
{
	for (const fl_model *const *m = list; m && *m; m++)
		if (!listed(v, *n, *m))
			v[(*n)++] = *m;
}

/* Two different non-abstract models of one table: the reason in `why`. */
static fl_err check_tables(const fl_model **v, size_t n, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++) {
		const char *t = v[i]->abstract ? NULL : fl_model_table(v[i]);
		for (size_t j = i + 1; t && j < n; j++) {
			const char *u = v[j]->abstract ? NULL : fl_model_table(v[j]);
			if (u && strcasecmp(t, u) == 0) {
				snprintf(why, whylen, "models %s and %s both declare table '%s'",
					v[i]->name ? v[i]->name : "?", v[j]->name ? v[j]->name : "?", t);
				return FL_EINVAL;
			}
		}
	}
	return FL_OK;
}

fl_err fl_application_all_models(const fl_application *app, fl_arena *a,
	const fl_model *const **out, char *why, size_t whylen)
{
	size_t cap = 1, n = 0;
	*out = NULL;
	for (const fl_model *const *m = app ? app->models : NULL; m && *m; m++)
		cap++;
	for (const fl_blueprint *const *b = app ? app->blueprints : NULL; b && *b; b++)
		for (const fl_model *const *m = (*b)->models; m && *m; m++)
			cap++;
	const fl_model **v = fl_arena_calloc(a, cap, sizeof *v);
	if (app) {
		add_models(v, &n, app->models);
		for (const fl_blueprint *const *b = app->blueprints; b && *b; b++)
			add_models(v, &n, (*b)->models);
	}
	v[n] = NULL;
	fl_err e = check_tables(v, n, why, whylen);
	if (!e)
		*out = v;
	return e;
}
