/* session_redis.c — SESSION_TYPE=redis: server-side sessions in Redis
 * (Flask-Session's RedisSessionInterface, minus pickle).  See session.h.
 *
 * Key "session:<sid>", a string holding the compact tagged JSON, written
 * with SETEX <key> PERMANENT_SESSION_LIFETIME: Redis expires it itself, so
 * there is nothing to sweep.  Redis being down is never fatal: open gives
 * an empty session, save and delete fail with FL_EIO (logged by the
 * caller), and the connection comes back by itself (redis.h). */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/redis.h"
#include "session/session.h"

static fl_err rd_open(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      const char *cookie_value, time_t now, fl_session *s)
{
	char *sid;
	if (!cookie_value || fl_session_sid_unsign(cfg, a, cookie_value, &sid) != FL_OK)
		return FL_OK;
	redisReply *rep = fl_redis_command(store->impl, "GET " FL_SESSION_REDIS_PREFIX "%s", sid);
	if (!rep)
		return FL_EIO;
	fl_err err = FL_OK;
	if (rep->type == REDIS_REPLY_STRING) {
		if (fl_session_record_load(a, sid, rep->str, rep->len, s) != FL_OK)
			fl_warning("session store (redis): key " FL_SESSION_REDIS_PREFIX
			           "%.8s… does not hold a JSON object", sid);
	} else if (rep->type == REDIS_REPLY_ERROR) {
		fl_error("session store (redis): GET: %s", rep->str);
		err = FL_EIO;
	}
	fl_redis_reply_free(rep);
	return err;
}

static fl_err rd_save(const fl_session_store *store, const fl_session_config *cfg, fl_arena *a,
                      fl_session *s, time_t now, const char **cookie_value)
{
	const char *text;
	fl_err err = fl_session_record_prepare(cfg, a, s, &text, cookie_value);
	if (err)
		return err;
	long ttl = cfg->permanent_lifetime > 0 ? cfg->permanent_lifetime : 1;
	redisReply *rep = fl_redis_command(store->impl, "SETEX " FL_SESSION_REDIS_PREFIX "%s %ld %b",
		s->sid, ttl, text, strlen(text));
	if (!rep)
		return FL_EIO;
	if (rep->type == REDIS_REPLY_ERROR) {
		fl_error("session store (redis): SETEX: %s", rep->str);
		err = FL_EIO;
	}
	fl_redis_reply_free(rep);
	return err;
}

static fl_err rd_delete(const fl_session_store *store, const fl_session_config *cfg,
                        fl_arena *a, fl_session *s)
{
	if (!s->sid)
		return FL_OK;
	redisReply *rep = fl_redis_command(store->impl, "DEL " FL_SESSION_REDIS_PREFIX "%s", s->sid);
	if (!rep)
		return FL_EIO;
	fl_err err = rep->type == REDIS_REPLY_ERROR ? FL_EIO : FL_OK;
	fl_redis_reply_free(rep);
	return err;
}

static void rd_destroy(fl_session_store *store)
{
	fl_redis_close(store->impl);
	free(store);
}

fl_err fl_session_redis_store(const char *url, int timeout_ms, fl_session_store **out)
{
	*out = NULL;
	fl_session_store *store = calloc(1, sizeof *store);
	if (!store)
		return FL_ENOMEM;
	fl_redis *r;
	fl_err err = fl_redis_open(url, timeout_ms, &r);
	if (err) {
		free(store);
		return err;
	}
	store->type = "redis";
	store->open = rd_open;
	store->save = rd_save;
	store->delete_record = rd_delete;
	store->destroy = rd_destroy;
	store->impl = r;
	store->permanent = true;
	*out = store;
	return FL_OK;
}
