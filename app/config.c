/* config.c — Flasky's configuration keys (see config.h). */
#include "app/config.h"

const fl_config_key flasky_config_keys[] = {
	{ "FLASKY_ADMIN", FL_CONFIG_STR, .defaults = { NULL, NULL, NULL } },
	{ "FLASKY_MAIL_SUBJECT_PREFIX", FL_CONFIG_STR, .defaults = FL_CONFIG_DEFAULT("[Flasky]") },
	{ "FLASKY_MAIL_SENDER", FL_CONFIG_STR,
	  .defaults = FL_CONFIG_DEFAULT("Flasky Admin <flasky@example.com>") },
	FL_CONFIG_KEYS_END,
};

fl_err flasky_init_config(fl_config *cfg, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	if (!cfg->mail_default_sender)
		cfg->mail_default_sender = fl_config_get_str(cfg, "FLASKY_MAIL_SENDER");
	return FL_OK;
}
