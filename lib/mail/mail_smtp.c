/* mail_smtp.c — the SMTP transport: one libESMTP session per delivery.
 *
 * TLS (MAIL_USE_TLS): STARTTLS is required (Starttls_REQUIRED), TLS 1.2
 * (see make_tls_ctx for why not 1.3), with an SSL_CTX of our own: the CAs of MAIL_CA_FILE (or the system store) and
 * OpenSSL's host name / IP address check of MAIL_SERVER.  libESMTP then
 * rejects the session when the verify result is not X509_V_OK.  libESMTP's
 * own name check knows only DNS names (not IP addresses in
 * subjectAltName); when it disagrees we accept only if OpenSSL — which was
 * told the expected host — verified the chain and the name.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "mail/mail.h"


typedef struct transport_state {
	char tls_error[256];        /* why the TLS check failed, if it did */
	int starttls_missing;
	int host_checked;           /* OpenSSL was given the host to check */
	const fl_config *cfg;
	const char *data;           /* the message */
	size_t len;
	int sent;                   /* the callback has handed out the body */
	char last_reply[200];       /* the last line the server sent */
} transport_state;

/* Remember the server's last reply line (never what we write: that may
 * hold the AUTH credentials). */
static void monitor_cb(const char *buf, int buflen, int writing, void *arg)
{
	transport_state *st = arg;
	if (writing != SMTP_CB_READING || buflen <= 0)
		return;
	const char *end = buf + buflen;
	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	const char *start = end;
	while (start > buf && start[-1] != '\n')
		start--;
	snprintf(st->last_reply, sizeof st->last_reply, "%.*s", (int)(end - start), start);
	for (char *p = st->last_reply; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static void event_cb(smtp_session_t session, int event, void *arg, ...)
{
	transport_state *st = arg;
	va_list ap;
	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_INVALID_PEER_CERTIFICATE: {
		long result = va_arg(ap, long);
		int *ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof st->tls_error,
			 "the server's certificate is not trusted: %s (set MAIL_CA_FILE?)",
			 X509_verify_cert_error_string(result));
		break;
	}
	case SMTP_EV_WRONG_PEER_CERTIFICATE: {
		int *ok = va_arg(ap, int *);
		const char *name = va_arg(ap, const char *);
		SSL *ssl = va_arg(ap, SSL *);
		/* OpenSSL already checked the name (DNS or IP) it was given. */
		*ok = st->host_checked && SSL_get_verify_result(ssl) == X509_V_OK;
		if (!*ok)
			snprintf(st->tls_error, sizeof st->tls_error,
				 "the server's certificate is for '%s', not '%s'", name ? name : "?",
				 st->cfg->mail_server);
		break;
	}
	case SMTP_EV_NO_PEER_CERTIFICATE: {
		int *ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof st->tls_error, "the server sent no certificate");
		break;
	}
	case SMTP_EV_WEAK_CIPHER: {
		(void)va_arg(ap, int);
		int *ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof st->tls_error, "the TLS cipher is too weak");
		break;
	}
	case SMTP_EV_NO_CLIENT_CERTIFICATE: {
		int *ok = va_arg(ap, int *);
		*ok = 1;        /* a client certificate is optional */
		break;
	}
	case SMTP_EV_EXTNA_STARTTLS:
		st->starttls_missing = 1;
		break;
	default:
		break;
	}
	va_end(ap);
}

/* The message body for libESMTP: all at once, then end of message. */
static const char *message_cb(void **ctx, int *len, void *arg)
{
	transport_state *st = arg;
	if (!len) {             /* rewind */
		st->sent = 0;
		return NULL;
	}
	if (st->sent) {
		*len = 0;
		return NULL;
	}
	st->sent = 1;
	*len = (int)st->len;
	return st->data;
}

/* SASL asks for the user name and password (auth-client interact). */
static int interact_cb(auth_client_request_t request, char **result, int fields, void *arg)
{
	const fl_config *cfg = arg;
	for (int i = 0; i < fields; i++) {
		if (request[i].flags & AUTH_USER)
			result[i] = (char *)(cfg->mail_username ? cfg->mail_username : "");
		else if (request[i].flags & AUTH_PASS)
			result[i] = (char *)(cfg->mail_password ? cfg->mail_password : "");
		else
			return 0;
	}
	return 1;
}

static SSL_CTX *make_tls_ctx(const fl_config *cfg, transport_state *st, char *why, size_t whylen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		snprintf(why, whylen, "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* TLS 1.2 only (RFC 8314's floor).  Under TLS 1.3 the server sends its
	 * session tickets after the handshake; libESMTP 1.1 then sees the
	 * socket readable, reads them (no application data) and blocks in
	 * poll() until its timeout while the server waits for EHLO, and the
	 * session ends without sending.  Measured here with 3 CPU burners:
	 * the STARTTLS send test failed in 11 of 12 runs under TLS 1.3 and
	 * passed in 6 of 6 under TLS 1.2; SSL_OP_NO_TICKET did not help. */
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	const char *cafile = getenv("MAIL_CA_FILE");
	if (cafile && *cafile) {
		if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
			snprintf(why, whylen, "MAIL_CA_FILE: cannot load CA certificates from %s",
				 cafile);
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else {
		SSL_CTX_set_default_verify_paths(ctx);
	}
	/* The name to verify: an IP address literal or a DNS name. */
	X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
	unsigned char ipbuf[16];
	const char *host = cfg->mail_server;
	int ok;
	if (inet_pton(AF_INET, host, ipbuf) == 1 || inet_pton(AF_INET6, host, ipbuf) == 1)
		ok = X509_VERIFY_PARAM_set1_ip_asc(param, host);
	else {
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = X509_VERIFY_PARAM_set1_host(param, host, 0);
	}
	if (ok != 1) {
		snprintf(why, whylen, "MAIL_SERVER '%s' cannot be checked against a certificate",
			 host);
		SSL_CTX_free(ctx);
		return NULL;
	}
	st->host_checked = 1;
	/* Verification failures are reported by libESMTP's event (with the
	 * reason) rather than as a bare handshake error. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

static int code_class(int code)
{
	return code / 100;
}

typedef struct rcpt_walk {
	const char *const *to;
	size_t nto;
	int *refused;
	int nrefused, permanent;
	char first[200];
} rcpt_walk;

static void rcpt_cb(smtp_recipient_t r, const char *mailbox, void *arg)
{
	rcpt_walk *w = arg;
	const smtp_status_t *s = smtp_recipient_status(r);
	int code = s ? s->code : 0;
	if (code_class(code) == 2)
		return;
	w->nrefused++;
	if (code_class(code) == 5)
		w->permanent++;
	for (size_t i = 0; i < w->nto; i++)
		if (w->refused && !strcmp(w->to[i], mailbox) && !w->refused[i])
			w->refused[i] = code ? code : -1;
	if (!w->first[0])
		snprintf(w->first, sizeof w->first, "%s: %d %s", mailbox, code,
			 s && s->text ? s->text : "");
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

fl_err fl_mail_transport(const fl_config *cfg, const char *from, const char *const *to,
			 size_t nto, const char *data, size_t len, int *refused,
			 int *permanent, char *why, size_t whylen)
{
	char dummy[8];
	if (!why) {
		why = dummy;
		whylen = sizeof dummy;
	}
	why[0] = '\0';
	if (permanent)
		*permanent = 0;
	if (refused)
		memset(refused, 0, nto * sizeof *refused);
	if (cfg->mail_use_ssl) {
		snprintf(why, whylen, "MAIL_USE_SSL: implicit TLS (port 465) is not supported by "
			 "libESMTP 1.1; use MAIL_USE_TLS=1 (STARTTLS, port 587)");
		return FL_EMAIL;
	}
	if (!cfg->mail_server || !*cfg->mail_server || !nto) {
		snprintf(why, whylen, !nto ? "no recipients" : "MAIL_SERVER is not set");
		return FL_EMAIL;
	}
	transport_state st;
	memset(&st, 0, sizeof st);
	st.cfg = cfg;
	st.data = data;
	st.len = len;

	/* A server that hangs up mid-write must not kill the process
	 * (manage; the FastCGI programs already ignore SIGPIPE). */
	struct sigaction ign, old_pipe;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old_pipe);

	fl_err result = FL_EMAIL;
	SSL_CTX *tls = NULL;
	auth_context_t authctx = NULL;
	smtp_session_t session = smtp_create_session();
	if (!session) {
		snprintf(why, whylen, "cannot create an SMTP session");
		sigaction(SIGPIPE, &old_pipe, NULL);
		return FL_EMAIL;
	}
	char hostport[600];
	if (strchr(cfg->mail_server, ':'))
		snprintf(hostport, sizeof hostport, "[%s]:%ld", cfg->mail_server, cfg->mail_port);
	else
		snprintf(hostport, sizeof hostport, "%s:%ld", cfg->mail_server, cfg->mail_port);
	smtp_set_server(session, hostport);
	smtp_set_eventcb(session, event_cb, &st);
	smtp_set_monitorcb(session, monitor_cb, &st, 0);
	/* Bounded waits, well under the RFC 5321 minimums: this runs in a
	 * FastCGI process that should get back to serving.  libESMTP takes
	 * milliseconds (its documentation says seconds, but the code clamps
	 * to a 1000 ms minimum and its RFC defaults are in ms): 15 here gave
	 * a 1 s limit that a busy machine's STARTTLS handshake overran. */
	smtp_set_timeout(session, Timeout_GREETING | Timeout_OVERRIDE_RFC2822_MINIMUM, 15000);
	smtp_set_timeout(session, Timeout_ENVELOPE | Timeout_OVERRIDE_RFC2822_MINIMUM, 15000);
	smtp_set_timeout(session, Timeout_DATA | Timeout_OVERRIDE_RFC2822_MINIMUM, 15000);
	smtp_set_timeout(session, Timeout_TRANSFER | Timeout_OVERRIDE_RFC2822_MINIMUM, 30000);
	smtp_set_timeout(session, Timeout_DATA2 | Timeout_OVERRIDE_RFC2822_MINIMUM, 30000);

	if (cfg->mail_use_tls) {
		tls = make_tls_ctx(cfg, &st, why, whylen);
		if (!tls)
			goto out;
		smtp_starttls_set_ctx(session, tls);   /* takes its own reference */
		smtp_starttls_enable(session, Starttls_REQUIRED);
	} else {
		smtp_starttls_enable(session, Starttls_DISABLED);
	}
	if (cfg->mail_username && *cfg->mail_username) {
		static int auth_ready;
		if (!auth_ready) {
			auth_client_init();
			auth_ready = 1;
		}
		authctx = auth_create_context();
		if (!authctx) {
			snprintf(why, whylen, "cannot create an SMTP AUTH context");
			goto out;
		}
		auth_set_mechanism_flags(authctx, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(authctx, interact_cb, (void *)cfg);
		smtp_auth_set_context(session, authctx);
	}

	smtp_message_t msg = smtp_add_message(session);
	if (!msg || !smtp_set_reverse_path(msg, from) ||
	    !smtp_set_messagecb(msg, message_cb, &st)) {
		snprintf(why, whylen, "cannot prepare the SMTP message");
		goto out;
	}
	for (size_t i = 0; i < nto; i++)
		if (!smtp_add_recipient(msg, to[i])) {
			snprintf(why, whylen, "cannot add recipient %s", to[i]);
			goto out;
		}

	if (!smtp_start_session(session)) {
		char buf[128];
		smtp_strerror(smtp_errno(), buf, sizeof buf);
		snprintf(why, whylen, "cannot send through %s: %s", hostport, buf);
		goto out;
	}
	if (st.tls_error[0]) {
		snprintf(why, whylen, "STARTTLS with %s failed: %s", hostport, st.tls_error);
		goto out;
	}
	if (st.starttls_missing) {
		snprintf(why, whylen, "%s does not offer STARTTLS (MAIL_USE_TLS requires it)",
			 hostport);
		goto out;
	}
	const smtp_status_t *rp = smtp_reverse_path_status(msg);
	if (rp && rp->code && code_class(rp->code) != 2) {
		char text[200];
		snprintf(text, sizeof text, "%s", rp->text ? rp->text : "");
		chomp(text);
		/* 530 after our AUTH: the server did not accept the login
		 * (libESMTP goes on to MAIL FROM after a 535). */
		snprintf(why, whylen, "%s refused the sender %s: %d %s%s", hostport, from, rp->code,
			 text, authctx && rp->code == 530
			       ? " (AUTH failed? check MAIL_USERNAME/MAIL_PASSWORD)" : "");
		if (permanent && code_class(rp->code) == 5)
			*permanent = 1;
		goto out;
	}
	if ((!rp || !rp->code) && !st.sent) {
		/* The session ended before MAIL FROM: greeting, EHLO or AUTH. */
		snprintf(why, whylen, "%s ended the session before the message was sent%s%s%s%s",
			 hostport, authctx ? " (AUTH failed? check MAIL_USERNAME/MAIL_PASSWORD)" : "",
			 st.last_reply[0] ? " (last reply: " : "", st.last_reply,
			 st.last_reply[0] ? ")" : "");
		if (permanent && st.last_reply[0] == '5')
			*permanent = 1;
		goto out;
	}
	rcpt_walk w = { to, nto, refused, 0, 0, "" };
	smtp_enumerate_recipients(msg, rcpt_cb, &w);
	const smtp_status_t *ms = smtp_message_transfer_status(msg);
	int mcode = ms ? ms->code : 0;
	chomp(w.first);
	if (w.nrefused == (int)nto) {
		snprintf(why, whylen, "%s refused every recipient (%s)", hostport, w.first);
		if (permanent && w.permanent == w.nrefused)
			*permanent = 1;
		goto out;
	}
	if (code_class(mcode) != 2) {
		char text[200];
		snprintf(text, sizeof text, "%s", ms && ms->text ? ms->text : "no answer");
		chomp(text);
		snprintf(why, whylen, "%s did not take the message: %d %s", hostport, mcode,
				 text);
		if (permanent && code_class(mcode) == 5)
			*permanent = 1;
		goto out;
	}
	if (w.nrefused) {
		snprintf(why, whylen, "%s refused %d of %zu recipients (%s)", hostport, w.nrefused,
			 nto, w.first);
		if (permanent && w.permanent == w.nrefused)
			*permanent = 1;
		goto out;
	}
	result = FL_OK;
out:
	smtp_destroy_session(session);
	if (authctx)
		auth_destroy_context(authctx);
	if (tls)
		SSL_CTX_free(tls);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return result;
}
