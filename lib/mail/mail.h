/* mail.h — e-mail messages, MIME and SMTP delivery (Flask-Mail).
 *
 * A message is built like Flask-Mail's Message: subject, sender,
 * recipients, cc, bcc, reply-to, a text body, an HTML body and
 * attachments.  fl_message_build() turns it into an RFC 5322 / MIME text
 * (CRLF line ends, 7-bit clean):
 *   - headers From, To, Cc, Reply-To, Subject, Date (RFC 5322 §3.3),
 *     Message-ID (unique: time, pid and 128 random bits), MIME-Version;
 *     Bcc is never written into the message, only into the envelope;
 *   - non-ASCII header text (subject, display names) as RFC 2047
 *     "=?utf-8?b?…?=" encoded-words of at most 75 characters, folded;
 *   - bodies quoted-printable (RFC 2045 §6.7) with charset=utf-8;
 *     text + HTML → multipart/alternative (RFC 2046 §5.1.4);
 *     attachments → multipart/mixed, base64 in 76-character lines,
 *     non-ASCII file names as RFC 2231 filename*=utf-8''….
 * Header injection is impossible: an address holding a control character
 * (CR, LF, …) or that is not a plausible mailbox is refused (FL_EINVAL);
 * a subject is written raw only when it is printable ASCII, otherwise as
 * encoded-words, which cannot carry a line break.
 *
 * Delivery (fl_mail_send) follows the configuration (config.h):
 *   MAIL_SUPPRESS_SEND  write OUTBOX/<id>.eml (+ <id>.json, the envelope)
 *                       instead of sending (default in `testing`);
 *   MAIL_SERVER, MAIL_PORT
 *   MAIL_USE_TLS        STARTTLS (RFC 3207), required: a server without
 *                       STARTTLS, an untrusted certificate or a certificate
 *                       for another host stops the session before any
 *                       mail or password is sent.  Trusted CAs: the file
 *                       named by MAIL_CA_FILE (PEM) if set, else OpenSSL's
 *                       default paths (the system store).  The host name
 *                       (or IP address) of MAIL_SERVER is checked against
 *                       the certificate by OpenSSL (RFC 6125).
 *   MAIL_USE_SSL        implicit TLS (port 465) is not supported by
 *                       libESMTP 1.1: every send fails with a message that
 *                       says so (the mail waits in the outbox); use
 *                       MAIL_USE_TLS on the submission port 587 instead.
 *   MAIL_USERNAME, MAIL_PASSWORD  SMTP AUTH (RFC 4954) through libESMTP's
 *                       SASL plug-ins (PLAIN, LOGIN, CRAM-MD5).
 * OUTBOX is $FLAGON_VAR/outbox when FLAGON_VAR is set, else
 * <root>/var/outbox.  A message that could not be delivered because of a
 * connection or temporary (4xx) error is kept as OUTBOX/pending/<id>.eml
 * with OUTBOX/pending/<id>.json ({"from", "to": [...], "attempts",
 * "last_error"}) for fl_mail_flush (`./manage mail flush`).  A message
 * every recipient of which the server refused permanently (5xx) is moved
 * to OUTBOX/failed/ instead: retrying cannot help.
 */
#ifndef FL_MAIL_H
#define FL_MAIL_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"

/* One attachment of a message. */
typedef struct fl_mail_attachment {
	const char *filename;       /* UTF-8; may be NULL (no file name) */
	const char *content_type;   /* "type/subtype"; NULL = application/octet-stream */
	const unsigned char *data;  /* the bytes */
	size_t len;                 /* bytes in data */
} fl_mail_attachment;

/* A list of addresses: a vector (base/vec.h) in the message's arena. */
typedef struct fl_mail_list {
	const char **items;         /* the strings */
	size_t len, cap;            /* how many, and room for how many */
} fl_mail_list;

/* The attachments of a message: a vector (base/vec.h) in its arena. */
typedef struct fl_mail_attachments {
	fl_mail_attachment *items;  /* the attachments, in order */
	size_t len, cap;            /* how many, and room for how many */
} fl_mail_attachments;

/* A message (Flask-Mail's Message).  Fill it with the functions below;
 * every string is copied into the message's arena. */
typedef struct fl_message {
	fl_arena *arena;            /* owns the message and its strings */
	const char *subject;        /* UTF-8, may be NULL */
	const char *sender;         /* "Name <addr@host>" or "addr@host" */
	fl_mail_list recipients, cc, bcc; /* To, Cc, Bcc addresses */
	const char *reply_to;       /* Reply-To, or NULL */
	const char *body;           /* text/plain, UTF-8, may be NULL */
	const char *html;           /* text/html, UTF-8, may be NULL */
	fl_mail_attachments attachments; /* the attachments, in order */
	const char *date;           /* set by fl_message_build when NULL */
	const char *message_id;     /* "<…@…>", set by fl_message_build when NULL */
	const char *id;             /* file-safe id (hex) for the outbox */
} fl_message;

/* fl_message_new — a new message in arena `a` (owned by `a`, never freed
 * by itself).  `subject` may be NULL; `sender` may be NULL (then
 * fl_mail_send uses MAIL_DEFAULT_SENDER).  Returns the message, or NULL
 * with FL_EINVAL in *err (err may be NULL) when `sender` is not a valid
 * mailbox or `subject` is not UTF-8. */
struct fl_message *fl_message_new(fl_arena *a, const char *subject, const char *sender,
				  fl_err *err);

/* fl_message_add_recipient — add an address to To.  `addr` is
 * "addr@host" or "Display Name <addr@host>" (UTF-8 name).  FL_EINVAL when
 * it holds a control character (CR, LF, …) or is not a mailbox; nothing is
 * added then. */
fl_err fl_message_add_recipient(fl_message *m, const char *addr);

/* fl_message_add_cc — add an address to Cc (same rules). */
fl_err fl_message_add_cc(fl_message *m, const char *addr);

/* fl_message_add_bcc — add a blind copy: envelope only, never a header. */
fl_err fl_message_add_bcc(fl_message *m, const char *addr);

/* fl_message_set_reply_to — set Reply-To (same rules; NULL clears). */
fl_err fl_message_set_reply_to(fl_message *m, const char *addr);

/* fl_message_set_body — the text/plain body (UTF-8; NULL clears).
 * FL_EUTF8 when not valid UTF-8. */
fl_err fl_message_set_body(fl_message *m, const char *text);

/* fl_message_set_html — the text/html body (UTF-8; NULL clears). */
fl_err fl_message_set_html(fl_message *m, const char *html);

/* fl_message_attach — attach `len` bytes of `data` (copied) as
 * `filename` (UTF-8, may be NULL) of type `content_type` ("type/subtype",
 * NULL = application/octet-stream).  FL_EINVAL for a malformed content
 * type or a file name that is not UTF-8 or holds control characters. */
fl_err fl_message_attach(fl_message *m, const char *filename, const char *content_type,
			 const void *data, size_t len);

/* fl_message_build — the whole message as MIME text (CRLF line ends) in
 * `out` (whose arena owns it).  Sets m->date, m->message_id and m->id when
 * NULL.  FL_EINVAL when there is no sender or no recipient at all (To, Cc
 * and Bcc empty).  RFC 5322, 2045–2047, 2231. */
fl_err fl_message_build(fl_message *m, fl_buf *out);

/* fl_mail_envelope_address — the addr-spec of a mailbox ("a@b" from
 * "Name <a@b>"), in arena `a`; NULL when `mailbox` is not valid. */
const char *fl_mail_envelope_address(fl_arena *a, const char *mailbox);

/* fl_mail_encode_header — append `text` (UTF-8) as an unstructured header
 * value: raw when printable ASCII, else RFC 2047 B encoded-words (each at
 * most 75 characters, UTF-8 sequences never split), folded with CRLF SP.
 * `used` is how many characters the line already holds ("Subject: " = 9). */
void fl_mail_encode_header(fl_buf *out, const char *text, size_t used);

/* fl_mail_outbox_dir — the outbox directory (see above) as a heap string
 * the caller frees; created (with pending/ and failed/) if missing. */
char *fl_mail_outbox_dir(const fl_config *cfg);

/* fl_mail_send — send `m` now as `cfg` says: sender defaults to
 * MAIL_DEFAULT_SENDER.  With MAIL_SUPPRESS_SEND the message is written to
 * the outbox and FL_OK returned.  Otherwise it is delivered over SMTP;
 * FL_OK when the server accepted it for every recipient.  On failure a
 * one-line reason goes to `why` (size `whylen`, may be NULL), the failure
 * is logged, and the message is kept in the outbox (pending/ for a retry,
 * or failed/): FL_EMAIL.  FL_EINVAL when the message cannot be built. */
fl_err fl_mail_send(const fl_config *cfg, fl_message *m, char *why, size_t whylen);

/* fl_mail_transport — one SMTP session delivering the ready-made message
 * `data` (`len` bytes, CRLF line ends) from envelope sender `from` to the
 * `nto` addresses `to` (addr-specs).  On return refused[i] (if `refused`
 * is not NULL) is the SMTP code with which recipient i was refused, or 0
 * when it was accepted.  Returns FL_OK when delivered to every recipient;
 * otherwise FL_EMAIL with a reason in `why`; *permanent is set to 1 when
 * the failure was a 5xx answer (retrying will not help). */
fl_err fl_mail_transport(const fl_config *cfg, const char *from, const char *const *to,
			 size_t nto, const char *data, size_t len, int *refused,
			 int *permanent, char *why, size_t whylen);

/* fl_mail_flush — retry every message in OUTBOX/pending (`./manage mail
 * flush`).  Delivered messages are removed; a message some recipients of
 * which were refused permanently moves to failed/; others stay with their
 * attempt count raised.  Counts go to *delivered, *failed (still pending
 * or moved to failed/).  FL_OK when nothing failed, FL_EMAIL otherwise
 * (the first reason in `why`), FL_EIO when the outbox cannot be read.
 * Concurrent flushes are serialised with a lock file. */
fl_err fl_mail_flush(const fl_config *cfg, size_t *delivered, size_t *failed, char *why,
		     size_t whylen);

/* ---- the test client (issue 18): Flask-Mail's email_dispatched ---- */

/* A function told of every message fl_mail_send is about to deliver (or
 * to write to the outbox): `m` (its sender, recipients, subject, bodies
 * set) and its whole RFC 5322 text `raw` (`len` bytes, CRLF line ends).
 * Both belong to the message's arena: copy what must outlive the call. */
typedef void (*fl_mail_dispatch_fn)(const fl_message *m, const char *raw, size_t len, void *ud);

/* fl_mail_set_dispatch_hook — call fn(m, raw, len, ud) from every later
 * fl_mail_send, after the message is built and before it is stored or
 * sent, as Flask-Mail's email_dispatched signal that record_messages
 * listens to (web/testing.h records with it).  fn NULL removes the hook.
 * One hook per process; returns nothing, fails never. */
void fl_mail_set_dispatch_hook(fl_mail_dispatch_fn fn, void *ud);

#endif
