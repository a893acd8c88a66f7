/* config.h — Flasky's own configuration keys (the FLASKY_* lines of its
 * config.py), declared through the framework's fl_config_key table:
 *
 *   FLASKY_ADMIN                mailed about each new user; unset: no mail
 *   FLASKY_MAIL_SUBJECT_PREFIX  "[Flasky]", put before every subject
 *   FLASKY_MAIL_SENDER          "Flasky Admin <flasky@example.com>", the From
 *
 * Each can be set in the environment like any key (SPEC §4); read them
 * with fl_config_get_str(c->config, "FLASKY_ADMIN").
 */
#ifndef APP_CONFIG_H
#define APP_CONFIG_H

#include <stddef.h>

#include "base/config.h"

/* The keys above, ending with FL_CONFIG_KEYS_END (flasky_app.config_keys). */
extern const fl_config_key flasky_config_keys[];

/* flasky_init_config — flasky_app.init_config: MAIL_DEFAULT_SENDER, when
 * the environment does not set it, is FLASKY_MAIL_SENDER, so that mail
 * without a sender of its own (`./manage mail send`) comes from the
 * application's address.  Never fails (FL_OK). */
fl_err flasky_init_config(fl_config *cfg, char *why, size_t whylen);

#endif
