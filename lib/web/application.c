/* application.c — an application's configuration: the built-in keys, its
 * own keys, then its init_config (see application.h). */
#include "web/application.h"

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
