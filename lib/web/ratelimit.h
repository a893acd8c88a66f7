/* ratelimit.h — rate limits (Flask-Limiter's fixed windows), and the limit
 * on failed logins built on them.
 *
 * A limit allows `amount` hits of one key (a username, a client address)
 * per window of `window` seconds; the window starts with the key's first
 * hit and does not slide (Flask-Limiter's "fixed-window" strategy).  Hits
 * are counted with fl_cache_inc in a store every process shares, so a limit
 * holds however many FastCGI processes serve the program:
 *
 *   CACHE_TYPE=redis   Redis (REDIS_URL): shared by every host
 *   CACHE_TYPE=sqlite  the cache's table flagon_cache in the database
 *   CACHE_TYPE=null    (no cache, or one per process) the same table
 *   or simple          flagon_cache of the application database, used for
 *                      the counts only: every process on the host shares it
 *
 * under keys "ratelimit/<scope>/<key>" (the key percent-encoded, or
 * "sha256:<hex>" when longer than 256 bytes).  A store that fails (Redis
 * down) limits nothing: the failure is logged by the cache and the request
 * goes on, as a cache never fails a page.
 *
 * Failed logins.  A login view calls fl_login_check() before it looks at
 * the password — so a refused attempt costs no password hash — then
 * fl_login_failed() or fl_login_succeeded():
 *
 *     int s = fl_login_check(c, username);      // 429 + Retry-After when over
 *     if (s)
 *         return s;
 *     if (!user || !fl_check_password_hash(hash, password)) {
 *         fl_login_failed(c, username);
 *         return fl_abort(c, 401, "Bad username or password");
 *     }
 *     fl_login_succeeded(c, username);
 *
 * Failures are counted per username (LOGIN_FAILURES_PER_USERNAME, 10) and
 * per client address (LOGIN_FAILURES_PER_ADDRESS, 100) in a window of
 * LOGIN_FAILURE_WINDOW seconds (300); 0 turns a limit off.  Once either
 * count has reached its limit, every attempt for that username or from that
 * address — with the right password too — answers 429 until the window
 * ends.  A successful login forgets its username's failures (not its
 * address's).  Unknown usernames are counted like known ones.  Attempts
 * that run at the same moment are each checked before any of them is
 * counted, so up to (concurrent attempts − 1) may pass a limit.  Reaching a
 * limit is logged (a warning, about once per window and key).
 *
 * With a store in the database (sqlite), a count made while the view holds
 * a transaction open on the application's connection joins it, and is
 * lost if the request rolls back: count failures before writing anything,
 * or after the commit.
 *
 * The client address is request.remote_addr: REMOTE_ADDR, the peer the
 * web server saw.  X-Forwarded-For is never read (a client can write any
 * value there), so behind a reverse proxy every client has the proxy's
 * address; raise LOGIN_FAILURES_PER_ADDRESS there, or have the proxy pass
 * the client's address as REMOTE_ADDR (Apache mod_remoteip, lighttpd
 * mod_extforward).
 */
#ifndef FL_RATELIMIT_H
#define FL_RATELIMIT_H

#include "web/ctx.h"

/* One limit: `amount` hits per `window` seconds (Flask-Limiter's
 * "10 per 5 minutes" is { "scope", 10, 300 }). */
typedef struct fl_rate_limit {
	const char *scope;   /* what is limited, part of the key ("login/username") */
	long amount;         /* hits allowed per window; 0 or less: no limit */
	long window;         /* the window, seconds (>= 1) */
} fl_rate_limit;

/* fl_rate_limit_test — limiter.test(): whether `key` (any bytes, NUL
 * terminated; "" is a key too) may have another hit under `limit`.
 * Returns 0 when it may (or when the store fails, or there is no
 * application), else the seconds until its window ends (>= 1), for
 * Retry-After.  Counts nothing. */
long fl_rate_limit_test(fl_ctx *c, const fl_rate_limit *limit, const char *key);

/* fl_rate_limit_hit — limiter.hit(): count one hit of `key`; the first
 * hit starts its window.  Returns what fl_rate_limit_test would return
 * right after. */
long fl_rate_limit_hit(fl_ctx *c, const fl_rate_limit *limit, const char *key);

/* fl_rate_limit_clear — limiter.clear(): forget the hits of `key` (a
 * read, and a delete only when there is something to forget). */
void fl_rate_limit_clear(fl_ctx *c, const fl_rate_limit *limit, const char *key);

/* fl_login_check — before a login view checks a password for `username`
 * (NULL is ""): 0 when neither the username nor the client address has
 * reached its limit of failures, else abort(429) with Retry-After (the
 * seconds until the later of the two windows ends) and the message "Too
 * many failed login attempts; try again in N seconds.", returning 429.
 * Reads the store only; hashes nothing. */
int fl_login_check(fl_ctx *c, const char *username);

/* fl_login_failed — count a failed login for `username` and for the
 * client address. */
void fl_login_failed(fl_ctx *c, const char *username);

/* fl_login_succeeded — a login for `username` succeeded: forget the
 * username's failures. */
void fl_login_succeeded(fl_ctx *c, const char *username);

#endif
