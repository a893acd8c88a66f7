/* mail.c — messages and their MIME form (Flask-Mail's Message).
 *
 * Everything here is pure: building text from a message.  The outbox and
 * delivery are in mail_outbox.c, the SMTP transport (libESMTP) in
 * mail_smtp.c, and the request glue in web/mail.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/utf8.h"
#include "base/vec.h"
#include "mail/mail.h"
#include "base/hex.h"

/* ---- addresses ---- */

static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

static int is_ascii_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

/* An addr-spec we are willing to put into an envelope and a header:
 * ASCII local@domain, no whitespace and no character that has a meaning in
 * an address header (RFC 5322 specials) — a strict subset of dot-atom. */
static int valid_addr_spec(const char *s, size_t n)
{
	if (n < 3 || n > 254)
		return 0;
	const char *at = memrchr(s, '@', n);
	if (!at || at == s || at == s + n - 1 || at - s > 64)
		return 0;
	for (const char *p = s; p < s + n; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[],;:\\\"", ch))
			return 0;
		if (ch == '@' && p != at)
			return 0;
		if (p > at && !(ch == '.' || ch == '-' || (ch >= '0' && ch <= '9') ||
				((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')))
			return 0;
	}
	if (at[1] == '.' || s[n - 1] == '.' || s[0] == '.' || at[-1] == '.')
		return 0;
	return 1;
}

/* Split `mailbox` into display name (NULL when none) and addr-spec, both
 * arena copies.  0 when it is not a mailbox we accept. */
static int parse_mailbox(fl_arena *a, const char *mailbox, const char **display,
			 const char **addr)
{
	if (!mailbox || has_control(mailbox) || !fl_utf8_valid(mailbox, strlen(mailbox)))
		return 0;
	const char *s = mailbox, *e = mailbox + strlen(mailbox);
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	const char *lt = memchr(s, '<', (size_t)(e - s));
	*display = NULL;
	if (!lt) {
		if (!valid_addr_spec(s, (size_t)(e - s)))
			return 0;
		*addr = fl_arena_strndup(a, s, (size_t)(e - s));
		return 1;
	}
	if (e[-1] != '>' || e - 1 <= lt)
		return 0;
	if (!valid_addr_spec(lt + 1, (size_t)(e - 1 - lt - 1)))
		return 0;
	*addr = fl_arena_strndup(a, lt + 1, (size_t)(e - 1 - lt - 1));
	const char *ds = s, *de = lt;
	while (de > ds && de[-1] == ' ')
		de--;
	/* A quoted display name: strip the quotes, undo \" and \\. */
	if (de - ds >= 2 && *ds == '"' && de[-1] == '"') {
		fl_buf b;
		fl_buf_init(&b, a);
		for (const char *p = ds + 1; p < de - 1; p++) {
			if (*p == '\\' && p + 1 < de - 1)
				p++;
			else if (*p == '"')
				return 0;
			fl_buf_putc(&b, *p);
		}
		*display = b.len ? fl_buf_cstr(&b) : NULL;
	} else if (de > ds) {
		if (memchr(ds, '<', (size_t)(de - ds)) || memchr(ds, '>', (size_t)(de - ds)) ||
		    memchr(ds, '"', (size_t)(de - ds)))
			return 0;
		*display = fl_arena_strndup(a, ds, (size_t)(de - ds));
	}
	return 1;
}

const char *fl_mail_envelope_address(fl_arena *a, const char *mailbox)
{
	const char *display, *addr;
	return parse_mailbox(a, mailbox, &display, &addr) ? addr : NULL;
}

/* ---- RFC 2047 encoded-words and header folding ---- */

static void put_b64(fl_buf *out, const unsigned char *p, size_t n)
{
	unsigned char tmp[4 * ((64 + 2) / 3) + 1];
	while (n) {
		size_t k = n > 48 ? 48 : n;
		int w = EVP_EncodeBlock(tmp, p, (int)k);
		fl_buf_append(out, tmp, (size_t)w);
		p += k;
		n -= k;
	}
}

/* How many bytes of s[0..n) fit in at most `max` bytes without splitting a
 * UTF-8 sequence (at least one whole character). */
static size_t utf8_cut(const unsigned char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && (s[k] & 0xC0) == 0x80)
		k--;
	if (k == 0) {           /* a character longer than max: take it whole */
		k = 1;
		while (k < n && (s[k] & 0xC0) == 0x80)
			k++;
	}
	return k;
}

/* Append `text` as encoded-words; `col` is the current column. */
static void put_encoded_words(fl_buf *out, const char *text, size_t col)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	int first = 1;
	if (n == 0)
		return;
	while (n) {
		/* an encoded-word is at most 75 characters and a line holding
		 * one at most 76 (RFC 2047 §2): 12 characters of overhead. */
		size_t room = 76 > col + 12 ? 76 - col - 12 : 0;
		if (room < 8 && !first) {
			fl_buf_puts(out, "\r\n ");
			col = 1;
			room = 76 - col - 12;
		} else if (room < 8) {
			room = 8;
		}
		if (room > 60)
			room = 60;
		size_t bytes = utf8_cut(s, n, room / 4 * 3);
		fl_buf_puts(out, "=?utf-8?b?");
		size_t before = out->len;
		put_b64(out, s, bytes);
		fl_buf_puts(out, "?=");
		col += 12 + (out->len - before - 2);
		s += bytes;
		n -= bytes;
		first = 0;
		if (n) {
			fl_buf_puts(out, "\r\n ");
			col = 1;
		}
	}
}

void fl_mail_encode_header(fl_buf *out, const char *text, size_t used)
{
	if (!text)
		return;
	if (is_ascii_printable(text)) {
		/* Raw, folded at spaces to keep lines near 78 characters; a
		 * word too long for a line (998) goes encoded instead. */
		size_t maxword = 0, cur = 0;
		for (const char *p = text;; p++) {
			if (*p == ' ' || !*p) {
				if (cur > maxword)
					maxword = cur;
				cur = 0;
				if (!*p)
					break;
			} else {
				cur++;
			}
		}
		if (maxword + used < 990) {
			size_t col = used;
			const char *p = text;
			while (*p) {
				const char *sp = strchr(p + 1, ' ');
				size_t wl = sp ? (size_t)(sp - p) : strlen(p);
				if (col + wl > 78 && p != text && *p == ' ') {
					fl_buf_puts(out, "\r\n");
					col = 0;
				}
				fl_buf_append(out, p, wl);
				col += wl;
				p += wl;
			}
			return;
		}
	}
	put_encoded_words(out, text, used);
}

/* A display name as a phrase: atoms raw, other ASCII as a quoted-string,
 * anything else as encoded-words. */
static void put_phrase(fl_buf *out, const char *name, size_t col)
{
	int atoms = 1, ascii = is_ascii_printable(name);
	for (const char *p = name; *p; p++)
		if (!(((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') ||
		      strchr(" !#$%&'*+-/=?^_`{|}~", *p)))
			atoms = 0;
	if (ascii && atoms && !strstr(name, "=?")) {
		fl_buf_puts(out, name);
	} else if (ascii && !strstr(name, "=?")) {
		fl_buf_putc(out, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				fl_buf_putc(out, '\\');
			fl_buf_putc(out, *p);
		}
		fl_buf_putc(out, '"');
	} else {
		put_encoded_words(out, name, col);
	}
}

static size_t line_col(const fl_buf *b)
{
	size_t i = b->len;
	while (i > 0 && b->data[i - 1] != '\n')
		i--;
	return b->len - i;
}

static void put_mailbox(fl_buf *out, fl_arena *a, const char *mailbox)
{
	const char *display, *addr;
	if (!parse_mailbox(a, mailbox, &display, &addr))
		return;         /* validated when added */
	if (display) {
		put_phrase(out, display, line_col(out));
		fl_buf_puts(out, " <");
		fl_buf_puts(out, addr);
		fl_buf_putc(out, '>');
	} else {
		fl_buf_puts(out, addr);
	}
}

static void put_address_header(fl_buf *out, fl_arena *a, const char *name,
			       const fl_mail_list *l)
{
	if (!l->len)
		return;
	fl_buf_printf(out, "%s: ", name);
	for (size_t i = 0; i < l->len; i++) {
		if (i) {
			fl_buf_putc(out, ',');
			if (line_col(out) + strlen(l->items[i]) > 76)
				fl_buf_puts(out, "\r\n");
			fl_buf_putc(out, ' ');
		}
		put_mailbox(out, a, l->items[i]);
	}
	fl_buf_puts(out, "\r\n");
}

/* ---- the message ---- */

static fl_err list_add(fl_message *m, fl_mail_list *l, const char *addr)
{
	const char *display, *spec;
	if (!parse_mailbox(m->arena, addr, &display, &spec))
		return FL_EINVAL;
	*fl_vec_push(m->arena, l) = fl_arena_strdup(m->arena, addr);
	return FL_OK;
}

fl_message *fl_message_new(fl_arena *a, const char *subject, const char *sender, fl_err *err)
{
	const char *display, *addr;
	if (err)
		*err = FL_OK;
	if ((sender && !parse_mailbox(a, sender, &display, &addr)) ||
	    (subject && !fl_utf8_valid(subject, strlen(subject)))) {
		if (err)
			*err = FL_EINVAL;
		return NULL;
	}
	fl_message *m = fl_arena_calloc(a, 1, sizeof *m);
	m->arena = a;
	m->subject = fl_arena_strdup(a, subject);
	m->sender = fl_arena_strdup(a, sender);
	return m;
}

fl_err fl_message_add_recipient(fl_message *m, const char *addr)
{
	return list_add(m, &m->recipients, addr);
}

fl_err fl_message_add_cc(fl_message *m, const char *addr)
{
	return list_add(m, &m->cc, addr);
}

fl_err fl_message_add_bcc(fl_message *m, const char *addr)
{
	return list_add(m, &m->bcc, addr);
}

fl_err fl_message_set_reply_to(fl_message *m, const char *addr)
{
	const char *display, *spec;
	if (addr && !parse_mailbox(m->arena, addr, &display, &spec))
		return FL_EINVAL;
	m->reply_to = fl_arena_strdup(m->arena, addr);
	return FL_OK;
}

fl_err fl_message_set_body(fl_message *m, const char *text)
{
	if (text && !fl_utf8_valid(text, strlen(text)))
		return FL_EUTF8;
	m->body = fl_arena_strdup(m->arena, text);
	return FL_OK;
}

fl_err fl_message_set_html(fl_message *m, const char *html)
{
	if (html && !fl_utf8_valid(html, strlen(html)))
		return FL_EUTF8;
	m->html = fl_arena_strdup(m->arena, html);
	return FL_OK;
}

static int is_token(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!(((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || (ch >= '0' && ch <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", ch)) || !ch)
			return 0;
	}
	return 1;
}

fl_err fl_message_attach(fl_message *m, const char *filename, const char *content_type,
			 const void *data, size_t len)
{
	if (content_type) {
		const char *slash = strchr(content_type, '/');
		if (!slash || !is_token(content_type, (size_t)(slash - content_type)) ||
		    !is_token(slash + 1, strlen(slash + 1)))
			return FL_EINVAL;
	}
	if (filename && (has_control(filename) || !*filename ||
			 !fl_utf8_valid(filename, strlen(filename))))
		return FL_EINVAL;
	if (!data && len)
		return FL_EINVAL;
	fl_mail_attachment *at = fl_vec_push(m->arena, &m->attachments);
	at->filename = fl_arena_strdup(m->arena, filename);
	at->content_type = fl_arena_strdup(m->arena, content_type ? content_type
							     : "application/octet-stream");
	at->data = len ? fl_arena_memdup(m->arena, data, len) : (const unsigned char *)"";
	at->len = len;
	return FL_OK;
}

/* ---- bodies ---- */

/* Quoted-printable (RFC 2045 §6.7): line breaks (LF or CRLF) become hard
 * CRLF breaks; lines are soft-broken at 76 characters; space and tab at a
 * line end, a leading '.', '=' and every non-printable byte are =XX. */
static void put_qp(fl_buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			fl_buf_puts(out, "\r\n");
			col = 0;
			p += *p == '\r' ? 2 : 1;
			continue;
		}
		char enc[4];
		size_t n;
		int at_eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=' && !(*p == '.' && col == 0)) ||
		    ((*p == ' ' || *p == '\t') && !at_eol)) {
			enc[0] = (char)*p;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			n = 3;
		}
		/* keep room for the soft break "=" unless this ends the line */
		if (col + n > (at_eol ? 76 : 75)) {
			fl_buf_puts(out, "=\r\n");
			col = 0;
			if (*p == '.') {
				enc[0] = '=';
				enc[1] = '2';
				enc[2] = 'E';
				n = 3;
			}
		}
		fl_buf_append(out, enc, n);
		col += n;
		p++;
	}
	/* No CRLF after a last line without one: in a multipart the CRLF
	 * before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1). */
	(void)col;
}

static void put_text_part(fl_buf *out, const char *subtype, const char *text)
{
	fl_buf_printf(out, "Content-Type: text/%s; charset=\"utf-8\"\r\n"
		      "Content-Transfer-Encoding: quoted-printable\r\n\r\n", subtype);
	put_qp(out, text ? text : "");
}

static void put_b64_lines(fl_buf *out, const unsigned char *p, size_t n)
{
	unsigned char line[77];
	while (n) {
		size_t k = n > 57 ? 57 : n;
		int w = EVP_EncodeBlock(line, p, (int)k);   /* 76 characters for 57 bytes */
		fl_buf_append(out, line, (size_t)w);
		fl_buf_puts(out, "\r\n");
		p += k;
		n -= k;
	}
}

static void put_attachment(fl_buf *out, const fl_mail_attachment *at)
{
	fl_buf_printf(out, "Content-Type: %s\r\nContent-Transfer-Encoding: base64\r\n"
		      "Content-Disposition: attachment", at->content_type);
	if (at->filename) {
		const char *f = at->filename;
		if (is_ascii_printable(f) && !strpbrk(f, "\"\\") && strlen(f) < 60) {
			fl_buf_printf(out, "; filename=\"%s\"", f);
		} else {
			/* RFC 2231 / 5987 ext-value */
			static const char hex[] = "0123456789ABCDEF";
			fl_buf_puts(out, ";\r\n filename*=utf-8''");
			for (const unsigned char *p = (const unsigned char *)f; *p; p++) {
				if (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
				    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)) {
					fl_buf_putc(out, (char)*p);
				} else {
					fl_buf_putc(out, '%');
					fl_buf_putc(out, hex[*p >> 4]);
					fl_buf_putc(out, hex[*p & 15]);
				}
			}
		}
	}
	fl_buf_puts(out, "\r\n\r\n");
	put_b64_lines(out, at->data, at->len);
}

static void hex_random(char *out, size_t bytes)
{
	unsigned char rnd[32];
	if (bytes > sizeof rnd)
		bytes = sizeof rnd;
	if (RAND_bytes(rnd, (int)bytes) != 1) {
		/* never expected; fall back to something unique per process */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
		for (size_t i = 0; i < bytes; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			rnd[i] = (unsigned char)(x >> 56);
		}
	}
	fl_hex_encode(out, rnd, bytes);
}

/* RFC 5322 §3.3 date-time, in UTC, independent of the locale. */
static const char *rfc5322_date(fl_arena *a, time_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	gmtime_r(&t, &tm);
	return fl_arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
		tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		tm.tm_sec);
}

fl_err fl_message_build(fl_message *m, fl_buf *out)
{
	fl_arena *a = m->arena;
	const char *display, *sender_addr;
	if (!m->sender || !parse_mailbox(a, m->sender, &display, &sender_addr))
		return FL_EINVAL;
	if (!m->recipients.len && !m->cc.len && !m->bcc.len)
		return FL_EINVAL;
	if (!m->id) {
		char hex[33];
		hex_random(hex, 16);
		m->id = fl_arena_strdup(a, hex);
	}
	if (!m->message_id) {
		const char *domain = strrchr(sender_addr, '@') + 1;
		m->message_id = fl_arena_printf(a, "<%lld.%ld.%s@%s>", (long long)time(NULL),
			(long)getpid(), m->id, domain);
	}
	if (!m->date)
		m->date = rfc5322_date(a, time(NULL));

	fl_buf_printf(out, "Date: %s\r\n", m->date);
	fl_buf_puts(out, "From: ");
	put_mailbox(out, a, m->sender);
	fl_buf_puts(out, "\r\n");
	put_address_header(out, a, "To", &m->recipients);
	put_address_header(out, a, "Cc", &m->cc);
	if (m->reply_to) {
		fl_buf_puts(out, "Reply-To: ");
		put_mailbox(out, a, m->reply_to);
		fl_buf_puts(out, "\r\n");
	}
	fl_buf_puts(out, "Subject: ");
	fl_mail_encode_header(out, m->subject ? m->subject : "", 9);
	fl_buf_puts(out, "\r\n");
	fl_buf_printf(out, "Message-ID: %s\r\nMIME-Version: 1.0\r\n", m->message_id);

	/* Boundaries start with "=_": neither quoted-printable nor base64
	 * output can contain that (RFC 2045 §6.7 note). */
	char rnd[33];
	hex_random(rnd, 12);
	const char *mixed = fl_arena_printf(a, "=_flagon_mixed_%s", rnd);
	const char *alt = fl_arena_printf(a, "=_flagon_alt_%s", rnd);
	if (m->attachments.len)
		fl_buf_printf(out, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n"
			      "This is a multi-part message in MIME format.\r\n\r\n--%s\r\n",
			      mixed, mixed);
	if (m->body && m->html) {
		fl_buf_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
			      alt);
		if (!m->attachments.len)
			fl_buf_puts(out, "This is a multi-part message in MIME format.\r\n\r\n");
		fl_buf_printf(out, "--%s\r\n", alt);
		put_text_part(out, "plain", m->body);
		fl_buf_printf(out, "\r\n--%s\r\n", alt);
		put_text_part(out, "html", m->html);
		fl_buf_printf(out, "\r\n--%s--\r\n", alt);
	} else {
		put_text_part(out, m->html ? "html" : "plain", m->html ? m->html : m->body);
		if (!m->attachments.len && (out->len < 2 || out->data[out->len - 1] != '\n'))
			fl_buf_puts(out, "\r\n");     /* the message ends with a line end */
	}
	if (m->attachments.len) {
		for (size_t i = 0; i < m->attachments.len; i++) {
			fl_buf_printf(out, "\r\n--%s\r\n", mixed);
			put_attachment(out, &m->attachments.items[i]);
		}
		fl_buf_printf(out, "\r\n--%s--\r\n", mixed);
	}
	return FL_OK;
}
