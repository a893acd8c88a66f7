/* mail_outbox.c — delivery policy: suppressed mail, the outbox of
 * messages waiting for a retry, and `manage mail flush`.
 *
 * Files are written under a temporary name and renamed into place, the
 * envelope (.json) before the message (.eml), so a flush never sees half
 * a message or a message without its envelope.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/log.h"
#include "mail/mail.h"

static void set_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t whylen, const char *fmt, ...)
{
	if (!why || !whylen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

char *fl_mail_outbox_dir(const fl_config *cfg)
{
	const char *var = getenv("FLAGON_VAR");
	char vardir[4096], dir[4200], sub[4300];
	if (var && *var)
		snprintf(vardir, sizeof vardir, "%s", var);
	else
		snprintf(vardir, sizeof vardir, "%s/var", cfg->root ? cfg->root : ".");
	mkdir(vardir, 0775);
	snprintf(dir, sizeof dir, "%s/outbox", vardir);
	mkdir(dir, 0775);
	snprintf(sub, sizeof sub, "%s/pending", dir);
	mkdir(sub, 0775);
	snprintf(sub, sizeof sub, "%s/failed", dir);
	mkdir(sub, 0775);
	return strdup(dir);
}

/* Write `len` bytes to `path` atomically (temporary file + rename). */
static int write_file(const char *path, const char *data, size_t len)
{
	return fl_write_file(AT_FDCWD, path, data, len, 0664, FL_WRITE_SYNC) == FL_OK ? 0 : -1;
}

static int write_json(const char *path, json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	if (!s)
		return -1;
	/* json_dumps allocated with jansson's allocator (maybe an arena):
	 * copy out before writing and let the allocator own `s`. */
	int rc = write_file(path, s, strlen(s));
	json_free_t freefn;
	json_get_alloc_funcs(NULL, &freefn);
	freefn(s);
	return rc;
}

static json_t *str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Store the message in `dir` as <id>.json (envelope) and <id>.eml. */
static int store(const char *dir, const char *id, const char *from, const char *const *to,
		 size_t nto, const char *data, size_t len, const char *error, int attempts)
{
	char path[4400];
	json_t *env = json_pack("{s:s, s:o, s:i, s:I}", "from", from, "to", str_array(to, nto),
		"attempts", attempts, "created", (json_int_t)time(NULL));
	if (!env)
		return -1;
	if (error)
		json_object_set_new_nocheck(env, "last_error", json_string(error));
	snprintf(path, sizeof path, "%s/%s.json", dir, id);
	int rc = write_json(path, env);
	json_decref(env);
	if (rc)
		return -1;
	snprintf(path, sizeof path, "%s/%s.eml", dir, id);
	return write_file(path, data, len);
}

/* The envelope recipients: To, Cc and Bcc addr-specs, each once. */
static const char **envelope_to(fl_message *m, size_t *n)
{
	size_t cap = m->recipients.len + m->cc.len + m->bcc.len;
	const char **to = fl_arena_alloc(m->arena, (cap ? cap : 1) * sizeof *to);
	const fl_mail_list *lists[3] = { &m->recipients, &m->cc, &m->bcc };
	*n = 0;
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->len; i++) {
			const char *a = fl_mail_envelope_address(m->arena, lists[l]->items[i]);
			int dup = !a;
			for (size_t k = 0; k < *n && !dup; k++)
				dup = !strcasecmp(to[k], a);
			if (!dup)
				to[(*n)++] = a;
		}
	return to;
}

/* fl_mail_set_dispatch_hook's: off unless a test client listens. */
static fl_mail_dispatch_fn dispatch_hook;
static void *dispatch_ud;

void fl_mail_set_dispatch_hook(fl_mail_dispatch_fn fn, void *ud)
{
	dispatch_hook = fn;
	dispatch_ud = ud;
}

fl_err fl_mail_send(const fl_config *cfg, fl_message *m, char *why, size_t whylen)
{
	set_why(why, whylen, "%s", "");
	if (!m->sender) {
		const char *def = cfg->mail_default_sender;
		if (!def || !fl_mail_envelope_address(m->arena, def)) {
			set_why(why, whylen, "no sender and MAIL_DEFAULT_SENDER is not a valid address");
			return FL_EINVAL;
		}
		m->sender = fl_arena_strdup(m->arena, def);
	}
	fl_buf data;
	fl_buf_init(&data, m->arena);
	if (fl_message_build(m, &data)) {
		set_why(why, whylen, "the message has no valid sender or no recipient");
		return FL_EINVAL;
	}
	size_t nto;
	const char **to = envelope_to(m, &nto);
	const char *from = fl_mail_envelope_address(m->arena, m->sender);
	if (dispatch_hook)
		dispatch_hook(m, data.data, data.len, dispatch_ud);
	char *outbox = fl_mail_outbox_dir(cfg);
	if (!outbox)
		return FL_ENOMEM;
	fl_err result;
	if (cfg->mail_suppress_send) {
		if (store(outbox, m->id, from, to, nto, data.data, data.len, NULL, 0)) {
			set_why(why, whylen, "cannot write to %s: %s", outbox, strerror(errno));
			fl_error("mail %s: %s", m->message_id, why ? why : "cannot write the outbox");
			result = FL_EIO;
		} else {
			fl_info("mail %s to %s suppressed (MAIL_SUPPRESS_SEND): %s/%s.eml",
				m->message_id, to[0], outbox, m->id);
			result = FL_OK;
		}
		free(outbox);
		return result;
	}
	int *refused = fl_arena_calloc(m->arena, nto ? nto : 1, sizeof *refused);
	int permanent = 0;
	char reason[512];
	result = fl_mail_transport(cfg, from, to, nto, data.data, data.len, refused, &permanent,
				   reason, sizeof reason);
	if (result == FL_OK) {
		fl_info("mail %s sent to %zu recipient(s)", m->message_id, nto);
		free(outbox);
		return FL_OK;
	}
	/* Keep what was not delivered: the refused recipients when the server
	 * took the message for the others, else all of them. */
	size_t nleft = 0;
	const char **left = fl_arena_alloc(m->arena, (nto ? nto : 1) * sizeof *left);
	for (size_t i = 0; i < nto; i++)
		if (refused[i])
			left[nleft++] = to[i];
	if (!nleft) {
		memcpy(left, to, nto * sizeof *left);
		nleft = nto;
	}
	char dir[4300];
	snprintf(dir, sizeof dir, "%s/%s", outbox, permanent ? "failed" : "pending");
	if (store(dir, m->id, from, left, nleft, data.data, data.len, reason, 1))
		fl_error("mail %s: %s; and it could not be kept in %s: %s", m->message_id, reason,
			 dir, strerror(errno));
	else
		fl_error("mail %s not sent: %s; kept in %s/%s.eml%s", m->message_id, reason, dir,
			 m->id, permanent ? "" : " (manage mail flush retries)");
	set_why(why, whylen, "%s", reason);
	free(outbox);
	return FL_EMAIL;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *nb = realloc(buf, cap * 2 + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (!buf || err) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int eml_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".eml");
}

/* Retry one pending message; returns 1 delivered, 0 failed. */
static int flush_one(const fl_config *cfg, const char *outbox, const char *name, char *why,
		     size_t whylen)
{
	char id[256], eml[4600], envp[4600];
	snprintf(id, sizeof id, "%.*s", (int)(strlen(name) - 4), name);
	snprintf(eml, sizeof eml, "%s/pending/%s.eml", outbox, id);
	snprintf(envp, sizeof envp, "%s/pending/%s.json", outbox, id);
	json_error_t jerr;
	json_t *env = json_load_file(envp, 0, &jerr);
	const char *from = json_string_value(json_object_get(env, "from"));
	json_t *to = json_object_get(env, "to");
	size_t len = 0;
	char *data = read_all(eml, &len);
	if (!env || !from || !json_is_array(to) || !json_array_size(to) || !data) {
		set_why(why, whylen, "%s: %s", id, !data ? "cannot read the message"
			: "missing or broken envelope (.json)");
		json_decref(env);
		free(data);
		return 0;
	}
	size_t nto = json_array_size(to);
	const char **rcpt = calloc(nto, sizeof *rcpt);
	int *refused = calloc(nto, sizeof *refused);
	int ok = 0;
	if (rcpt && refused) {
		size_t k = 0;
		for (size_t i = 0; i < nto; i++)
			if (json_is_string(json_array_get(to, i)))
				rcpt[k++] = json_string_value(json_array_get(to, i));
		nto = k;
		int permanent = 0;
		char reason[512];
		fl_err e = fl_mail_transport(cfg, from, rcpt, nto, data, len, refused, &permanent,
					     reason, sizeof reason);
		if (!e) {
			unlink(eml);
			unlink(envp);
			ok = 1;
		} else {
			size_t nleft = 0;
			for (size_t i = 0; i < nto; i++)
				if (refused[i])
					rcpt[nleft++] = rcpt[i];
			if (!nleft)
				nleft = nto;
			json_int_t attempts = json_integer_value(json_object_get(env, "attempts"));
			char dir[4400];
			snprintf(dir, sizeof dir, "%s/%s", outbox, permanent ? "failed" : "pending");
			if (!store(dir, id, from, rcpt, nleft, data, len, reason, (int)attempts + 1) &&
			    permanent) {
				unlink(eml);
				unlink(envp);
			}
			set_why(why, whylen, "%s: %s", id, reason);
			fl_error("mail %s not sent: %s", id, reason);
		}
	}
	free(rcpt);
	free(refused);
	free(data);
	json_decref(env);
	return ok;
}

fl_err fl_mail_flush(const fl_config *cfg, size_t *delivered, size_t *failed, char *why,
		     size_t whylen)
{
	*delivered = *failed = 0;
	set_why(why, whylen, "%s", "");
	char *outbox = fl_mail_outbox_dir(cfg);
	if (!outbox)
		return FL_ENOMEM;
	char pending[4300], lock[4400];
	snprintf(pending, sizeof pending, "%s/pending", outbox);
	snprintf(lock, sizeof lock, "%s/.lock", pending);
	int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		set_why(why, whylen, "cannot lock %s: %s", lock, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		free(outbox);
		return FL_EIO;
	}
	struct dirent **names;
	int n = scandir(pending, &names, eml_filter, alphasort);
	if (n < 0) {
		set_why(why, whylen, "cannot read %s: %s", pending, strerror(errno));
		close(lfd);
		free(outbox);
		return FL_EIO;
	}
	for (int i = 0; i < n; i++) {
		char one[512];
		if (flush_one(cfg, outbox, names[i]->d_name, one, sizeof one))
			(*delivered)++;
		else {
			if (!*failed)
				set_why(why, whylen, "%s", one);
			(*failed)++;
		}
		free(names[i]);
	}
	free(names);
	close(lfd);
	free(outbox);
	return *failed ? FL_EMAIL : FL_OK;
}
