/* store.c — the store SESSION_TYPE names, the session settings of a
 * configuration, and purging expired records.  See session.h. */
#include "session/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"

fl_err fl_session_purge(const fl_session_store *st, time_t now, long *removed)
{
	long n = 0;
	if (removed)
		*removed = 0;
	if (!st)
		return FL_EINVAL;
	if (!st->purge)
		return FL_OK;
	fl_err e = st->purge(st, now, &n);
	if (removed)
		*removed = n;
	return e;
}

void fl_session_config_from(fl_session_config *sc, const fl_config *cfg)
{
	fl_session_config_init(sc);
	sc->secret_key = cfg->secret_key;
	sc->permanent_lifetime = cfg->permanent_session_lifetime;
	if (cfg->session_cookie_name)
		sc->cookie_name = cfg->session_cookie_name;
	if (cfg->session_cookie_path)
		sc->path = cfg->session_cookie_path;
	sc->domain = cfg->session_cookie_domain;
	sc->secure = cfg->session_cookie_secure;
	sc->httponly = cfg->session_cookie_httponly;
	sc->samesite = cfg->session_cookie_samesite;
	sc->refresh_each_request = cfg->session_refresh_each_request;
}

char *fl_session_fs_dir(const fl_config *cfg)
{
	const char *var = getenv("FLAGON_VAR");
	char *dir = NULL;
	if (var && *var) {
		if (asprintf(&dir, "%s/sessions", var) < 0)
			dir = NULL;
	} else if (asprintf(&dir, "%s/var/sessions", cfg->root ? cfg->root : ".") < 0) {
		dir = NULL;
	}
	return dir;
}

fl_err fl_session_store_open(const fl_config *cfg, struct fl_db *db, fl_session_store **out)
{
	const char *type = cfg->session_type ? cfg->session_type : "null";
	*out = NULL;
	if (strcmp(type, "null") == 0) {
		/* The static store: fl_session_store_free ignores it (no destroy). */
		*out = (fl_session_store *)fl_session_cookie_store();
		return FL_OK;
	}
	if (strcmp(type, "sqlite") == 0 || strcmp(type, "sqlalchemy") == 0)
		return db ? fl_session_db_store(db, out) : FL_EINVAL;
	if (strcmp(type, "filesystem") == 0) {
		char *dir = fl_session_fs_dir(cfg);
		fl_err e = dir ? fl_session_fs_store(dir, out) : FL_ENOMEM;
		free(dir);
		return e;
	}
	if (strcmp(type, "redis") == 0)
		return fl_session_redis_store(cfg->redis_url, 0, out);
	fl_error("SESSION_TYPE '%s' is unknown", type);
	return FL_ECONFIG;
}
