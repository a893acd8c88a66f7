/* redis.h — a Redis connection for the session store and the cache
 * (hiredis, synchronous, short timeouts, lazy reconnect).
 *
 * One fl_redis per process.  Nothing connects until the first command, and
 * a failure never propagates further than a NULL reply: the connection is
 * dropped, the error logged once per outage, and the next command after
 * FL_REDIS_RETRY_MS reconnects.  So a Redis server that is down makes
 * requests slower by at most one connect timeout per retry interval, never
 * makes them fail.
 *
 *     fl_redis *r;
 *     if (fl_redis_open(cfg->redis_url, 0, &r)) ...        // bad URL only
 *     redisReply *rep = fl_redis_command(r, "GET %s", key);
 *     if (rep && rep->type == REDIS_REPLY_STRING) ...
 *     fl_redis_reply_free(rep);
 */
#ifndef FL_REDIS_H
#define FL_REDIS_H

#include <hiredis/hiredis.h>

#include "base/err.h"

/* Default connect and command timeout, milliseconds. */
#define FL_REDIS_TIMEOUT_MS 200
/* After a failure, commands fail at once (NULL) for this long before the
 * next reconnect attempt, milliseconds. */
#define FL_REDIS_RETRY_MS 1000

/* A parsed REDIS_URL. */
typedef struct fl_redis_url {
	char host[256];      /* host name or address (IPv6 without brackets) */
	int port;            /* 6379 when absent */
	int db;              /* /N, 0 when absent */
	char password[256];  /* "" when absent (redis://:pw@host or user:pw@) */
	char user[128];      /* "" when absent (Redis 6 ACL user) */
} fl_redis_url;

/* A Redis connection handle (opaque). */
typedef struct fl_redis fl_redis;

/* fl_redis_parse_url — parse redis://[[user]:password@]host[:port][/db]
 * (the form redis-py's from_url accepts, without query options).
 * FL_ECONFIG for another scheme, an empty host, a bad port (1..65535) or
 * db (0..) or a component too long. */
fl_err fl_redis_parse_url(const char *url, fl_redis_url *out);

/* fl_redis_open — a connection handle for `url`; `timeout_ms` bounds the
 * connect and every command (0: FL_REDIS_TIMEOUT_MS).  Does not connect.
 * *out is heap memory: fl_redis_close() it.
 * Errors: FL_ECONFIG (URL, logged), FL_ENOMEM. */
fl_err fl_redis_open(const char *url, int timeout_ms, fl_redis **out);

/* fl_redis_command — redisCommand() on the connection, connecting (AUTH,
 * SELECT db) first when needed.  Returns the reply (free it with
 * fl_redis_reply_free), or NULL when the server cannot be reached or the
 * connection broke (logged; reconnects later).  A REDIS_REPLY_ERROR reply
 * (e.g. WRONGTYPE) is returned as is: the connection is fine. */
redisReply *fl_redis_command(fl_redis *r, const char *fmt, ...);

/* fl_redis_command_argv — the same with binary-safe arguments
 * (redisCommandArgv): `argc` strings `argv` of `argvlen` bytes each
 * (argvlen NULL: strlen). */
redisReply *fl_redis_command_argv(fl_redis *r, int argc, const char **argv,
                                  const size_t *argvlen);

/* fl_redis_reply_free — freeReplyObject(); NULL is ignored. */
void fl_redis_reply_free(redisReply *rep);

/* fl_redis_connected — whether the handle currently holds a live
 * connection (false before the first command and after a failure). */
int fl_redis_connected(const fl_redis *r);

/* fl_redis_close — disconnect and free; NULL is ignored. */
void fl_redis_close(fl_redis *r);

#endif
