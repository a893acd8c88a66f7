/* test_mail.c — messages, MIME and the outbox (lib/mail*.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mail/mail.h"
#include "arena_fixture.h"

static const char *build(fl_message *m)
{
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_message_build(m, &b), FL_OK);
	return fl_buf_cstr(&b);
}

/* The header block (up to the first empty line). */
static const char *headers_of(const char *msg)
{
	const char *e = strstr(msg, "\r\n\r\n");
	assert_non_null(e);
	return fl_arena_strndup(arena, msg, (size_t)(e - msg) + 2);
}

/* The unfolded value of header `name` (first occurrence), or NULL. */
static const char *header(const char *msg, const char *name)
{
	const char *h = headers_of(msg);
	size_t n = strlen(name);
	for (const char *p = h; *p;) {
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			fl_buf v;
			fl_buf_init(&v, arena);
			const char *q = p + n + 1;
			while (*q == ' ')
				q++;
			for (;;) {
				const char *eol = strstr(q, "\r\n");
				fl_buf_append(&v, q, (size_t)(eol - q));
				if (eol[2] == ' ' || eol[2] == '\t')
					q = eol + 2;
				else
					break;
			}
			return fl_buf_cstr(&v);
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

static void assert_line_lengths(const char *msg, size_t max)
{
	for (const char *p = msg; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);   /* every line ends in CRLF */
		if ((size_t)(eol - p) > max)
			fail_msg("line longer than %zu: %.*s", max, (int)(eol - p), p);
		for (const char *q = p; q < eol; q++)
			assert_true(*q != '\r' && *q != '\n');
		p = eol + 2;
	}
}

/* Decode a header value made of encoded-words (and raw text). */
static const char *decode_words(const char *v)
{
	fl_buf out;
	fl_buf_init(&out, arena);
	const char *p = v;
	while (*p) {
		if (!strncmp(p, "=?utf-8?b?", 10)) {
			const char *e = strstr(p + 10, "?=");
			assert_non_null(e);
			unsigned char tmp[256];
			int n = EVP_DecodeBlock(tmp, (const unsigned char *)p + 10, (int)(e - p - 10));
			assert_true(n >= 0);
			/* EVP_DecodeBlock counts padding bytes as zeros */
			for (const char *q = e - 1; *q == '='; q--)
				n--;
			fl_buf_append(&out, tmp, (size_t)n);
			p = e + 2;
			while (*p == ' ' && !strncmp(p + 1, "=?", 2))
				p++;   /* whitespace between encoded-words is dropped */
		} else {
			fl_buf_putc(&out, *p++);
		}
	}
	return fl_buf_cstr(&out);
}

static fl_message *simple(const char *subject)
{
	fl_err e;
	fl_message *m = fl_message_new(arena, subject, "Flasky Admin <flasky@example.com>", &e);
	assert_non_null(m);
	assert_int_equal(fl_message_add_recipient(m, "john@example.com"), FL_OK);
	return m;
}

static void test_plain_headers(void **state)
{
	fl_message *m = simple("Hello");
	assert_int_equal(fl_message_add_cc(m, "Susan Q <susan@example.com>"), FL_OK);
	assert_int_equal(fl_message_add_bcc(m, "hidden@example.com"), FL_OK);
	assert_int_equal(fl_message_set_reply_to(m, "noreply@example.com"), FL_OK);
	assert_int_equal(fl_message_set_body(m, "Hi there.\n"), FL_OK);
	const char *msg = build(m);
	assert_string_equal(header(msg, "From"), "Flasky Admin <flasky@example.com>");
	assert_string_equal(header(msg, "To"), "john@example.com");
	assert_string_equal(header(msg, "Cc"), "Susan Q <susan@example.com>");
	assert_string_equal(header(msg, "Reply-To"), "noreply@example.com");
	assert_string_equal(header(msg, "Subject"), "Hello");
	assert_string_equal(header(msg, "MIME-Version"), "1.0");
	assert_null(header(msg, "Bcc"));
	assert_null(strstr(msg, "hidden@"));
	assert_non_null(strstr(header(msg, "Content-Type"), "text/plain; charset=\"utf-8\""));
	assert_string_equal(header(msg, "Content-Transfer-Encoding"), "quoted-printable");
	/* Date: "Sun, 22 Nov 2026 06:29:48 +0000" */
	const char *d = header(msg, "Date");
	assert_int_equal(strlen(d), 31);
	assert_int_equal(d[3], ',');
	assert_string_equal(d + 26, "+0000");
	const char *id = header(msg, "Message-ID");
	assert_true(id[0] == '<' && id[strlen(id) - 1] == '>');
	assert_non_null(strstr(id, "@example.com>"));
	assert_true(strstr(msg, "\r\n\r\nHi there.\r\n") != NULL);
	assert_line_lengths(msg, 78);
}

static void test_message_ids_unique(void **state)
{
	const char *a = header(build(simple("x")), "Message-ID");
	const char *b = header(build(simple("x")), "Message-ID");
	assert_string_not_equal(a, b);
}

static void test_chinese_subject(void **state)
{
	const char *subject = "[Flasky] 新用户注册通知：欢迎小明加入我们的网站，这是一个很长的中文标题，用来测试折行";
	fl_message *m = simple(subject);
	fl_message_set_body(m, "你好，世界\n");
	const char *msg = build(m);
	assert_line_lengths(msg, 76);
	const char *raw = header(msg, "Subject");
	assert_non_null(strstr(raw, "=?utf-8?b?"));
	/* every encoded-word is at most 75 characters */
	for (const char *p = strstr(headers_of(msg), "=?"); p; p = strstr(p + 2, "=?")) {
		const char *e = strstr(p + 10, "?=");
		assert_true(e - p + 2 <= 75);
		p = e;
	}
	assert_string_equal(decode_words(raw), subject);
	/* the body: quoted-printable UTF-8 */
	assert_non_null(strstr(msg, "=E4=BD=A0=E5=A5=BD"));
}

static void test_display_names(void **state)
{
	fl_message *m = simple("x");
	assert_int_equal(fl_message_add_recipient(m, "\"Doe, John\" <jd@example.com>"), FL_OK);
	assert_int_equal(fl_message_add_recipient(m, "小明 <xm@example.com>"), FL_OK);
	const char *to = header(build(m), "To");
	assert_non_null(strstr(to, "\"Doe, John\" <jd@example.com>"));
	assert_non_null(strstr(to, "=?utf-8?b?5bCP5piO?= <xm@example.com>"));
	assert_string_equal(fl_mail_envelope_address(arena, "小明 <xm@example.com>"), "xm@example.com");
	assert_string_equal(fl_mail_envelope_address(arena, " a@b.c "), "a@b.c");
}

static void test_bad_addresses_rejected(void **state)
{
	fl_message *m = simple("x");
	const char *bad[] = {
		"a@example.com\r\nBcc: victim@example.com",
		"a@example.com\nBcc: victim@example.com",
		"Eve <a@example.com>\r\nX-Injected: 1",
		"a@exa\rmple.com",
		"a b@example.com",
		"<a@example.com>, <b@example.com>",
		"a@example.com>",
		"noatsign",
		"@example.com",
		"a@",
		"a@exa_mple.com",
		"\"unterminated <a@example.com>",
		"x\x7f@example.com",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (fl_message_add_recipient(m, bad[i]) != FL_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(fl_message_add_cc(m, bad[i]), FL_EINVAL);
		assert_int_equal(fl_message_add_bcc(m, bad[i]), FL_EINVAL);
		assert_int_equal(fl_message_set_reply_to(m, bad[i]), FL_EINVAL);
		fl_err e;
		assert_null(fl_message_new(arena, "s", bad[i], &e));
		assert_int_equal(e, FL_EINVAL);
	}
	assert_int_equal(m->recipients.len, 1);
}

static void test_subject_injection_encoded(void **state)
{
	fl_message *m = simple("Hi\r\nBcc: victim@example.com\r\n\r\nbody");
	const char *msg = build(m);
	const char *h = headers_of(msg);
	assert_null(strstr(h, "\nBcc:"));
	assert_null(strstr(msg, "victim"));   /* base64, not raw */
	assert_string_equal(decode_words(header(msg, "Subject")),
			    "Hi\r\nBcc: victim@example.com\r\n\r\nbody");
	assert_line_lengths(msg, 78);
	/* invalid UTF-8 in a subject is refused */
	fl_err e;
	assert_null(fl_message_new(arena, "bad \xff", "a@example.com", &e));
	assert_int_equal(e, FL_EINVAL);
}

static void test_long_ascii_subject_folded(void **state)
{
	char s[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(s, "word123 ");
	strcat(s, "end");
	const char *msg = build(simple(s));
	assert_line_lengths(msg, 78);
	/* unfolding gives the subject back */
	const char *v = header(msg, "Subject");
	fl_buf u;
	fl_buf_init(&u, arena);
	fl_buf_puts(&u, v);
	assert_string_equal(fl_buf_cstr(&u), s);
}

static void test_alternative(void **state)
{
	fl_message *m = simple("both");
	fl_message_set_body(m, "User bob has joined.");
	fl_message_set_html(m, "User <b>bob</b> has joined.");
	const char *msg = build(m);
	const char *ct = header(msg, "Content-Type");
	assert_non_null(strstr(ct, "multipart/alternative;"));
	const char *b = strstr(ct, "boundary=\"") + 10;
	char *boundary = fl_arena_strndup(arena, b, strcspn(b, "\""));
	char *delim = fl_arena_printf(arena, "\r\n--%s\r\n", boundary);
	const char *p1 = strstr(msg, delim);
	assert_non_null(p1);
	const char *p2 = strstr(p1 + 1, delim);
	assert_non_null(p2);
	assert_non_null(strstr(p2, fl_arena_printf(arena, "\r\n--%s--\r\n", boundary)));
	assert_true(strstr(msg, "text/plain") < p2);
	assert_true(strstr(msg, "text/html") > p2);
	assert_non_null(strstr(msg, "User <b>bob</b> has joined."));
}

static void test_attachment_roundtrip(void **state)
{
	unsigned char data[1000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	fl_message *m = simple("att");
	fl_message_set_body(m, "see attached");
	fl_message_set_html(m, "<p>see attached</p>");
	assert_int_equal(fl_message_attach(m, "data.bin", "application/octet-stream", data,
					   sizeof data), FL_OK);
	assert_int_equal(fl_message_attach(m, "报告.txt", "text/plain", "hi", 2), FL_OK);
	const char *msg = build(m);
	assert_line_lengths(msg, 78);
	assert_non_null(strstr(header(msg, "Content-Type"), "multipart/mixed;"));
	assert_non_null(strstr(msg, "multipart/alternative;"));
	assert_non_null(strstr(msg, "filename=\"data.bin\""));
	assert_non_null(strstr(msg, "filename*=utf-8''%E6%8A%A5%E5%91%8A.txt"));
	/* decode the base64 lines of the first attachment */
	const char *p = strstr(msg, "filename=\"data.bin\"\r\n\r\n");
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	fl_buf dec;
	fl_buf_init(&dec, arena);
	int lines = 0;
	while (*p != '\r') {
		const char *eol = strstr(p, "\r\n");
		size_t n = (size_t)(eol - p);
		assert_true(n <= 76);
		if (n != 76)
			assert_true(eol[2] == '\r');   /* only the last line is short */
		unsigned char tmp[80];
		int k = EVP_DecodeBlock(tmp, (const unsigned char *)p, (int)n);
		for (const char *q = eol - 1; *q == '='; q--)
			k--;
		fl_buf_append(&dec, tmp, (size_t)k);
		lines++;
		p = eol + 2;
	}
	assert_int_equal(lines, (sizeof data + 56) / 57);
	assert_int_equal(dec.len, sizeof data);
	assert_memory_equal(dec.data, data, sizeof data);
}

static void test_bad_attachments(void **state)
{
	fl_message *m = simple("x");
	assert_int_equal(fl_message_attach(m, "a\r\nX: y", NULL, "x", 1), FL_EINVAL);
	assert_int_equal(fl_message_attach(m, "a.txt", "text/plain\r\nX: y", "x", 1), FL_EINVAL);
	assert_int_equal(fl_message_attach(m, "a.txt", "text", "x", 1), FL_EINVAL);
	assert_int_equal(fl_message_attach(m, "a.txt", "text/plain; charset=x", "x", 1), FL_EINVAL);
	assert_int_equal(fl_message_attach(m, "\xff.txt", NULL, "x", 1), FL_EINVAL);
	assert_int_equal(m->attachments.len, 0);
	assert_int_equal(fl_message_attach(m, "a \"q\".txt", NULL, "x", 1), FL_OK);
	assert_non_null(strstr(build(m), "filename*=utf-8''a%20%22q%22.txt"));
}

static void test_quoted_printable(void **state)
{
	char longline[300];
	memset(longline, 'a', 200);
	strcpy(longline + 200, " \n.dot\ntrail \t\nx=y\n");
	fl_message *m = simple("qp");
	assert_int_equal(fl_message_set_body(m, longline), FL_OK);
	assert_int_equal(fl_message_set_body(m, "bad \xc3"), FL_EUTF8);
	fl_message_set_body(m, longline);
	const char *msg = build(m);
	assert_line_lengths(msg, 76);
	const char *body = strstr(msg, "\r\n\r\n") + 4;
	assert_non_null(strstr(body, "=20\r\n=2Edot\r\ntrail =09\r\nx=3Dy\r\n"));
	/* soft breaks end with '=' */
	assert_int_equal(strncmp(body + 75, "=\r\n", 3), 0);
}

static void test_missing_parts(void **state)
{
	fl_err e;
	fl_message *m = fl_message_new(arena, "x", NULL, &e);
	fl_buf b;
	fl_buf_init(&b, arena);
	assert_int_equal(fl_message_build(m, &b), FL_EINVAL);   /* no sender */
	m = fl_message_new(arena, "x", "a@example.com", &e);
	assert_int_equal(fl_message_build(m, &b), FL_EINVAL);   /* no recipient */
	assert_int_equal(fl_message_add_bcc(m, "b@example.com"), FL_OK);
	assert_int_equal(fl_message_build(m, &b), FL_OK);       /* bcc alone is fine */
	assert_null(header(fl_buf_cstr(&b), "To"));
}

/* ---- the outbox ---- */

static char tmpdir[256];

static void config_for(fl_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->root = tmpdir;
	cfg->mail_server = "127.0.0.1";
	cfg->mail_default_sender = "Flasky Admin <flasky@example.com>";
}

static int count_files(const char *dir, const char *ext)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls %s/*%s 2>/dev/null | wc -l", dir, ext);
	FILE *f = popen(cmd, "r");
	int n = -1;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static int outbox_setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/flagon-test-mail-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	unsetenv("FLAGON_VAR");
	return arena_setup(state);
}

static int outbox_teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	return arena_teardown(state);
}

static void test_suppressed_to_outbox(void **state)
{
	fl_config cfg;
	config_for(&cfg);
	cfg.mail_suppress_send = 1;
	fl_err e;
	fl_message *m = fl_message_new(arena, "suppressed", NULL, &e);
	fl_message_add_recipient(m, "a@example.com");
	fl_message_add_bcc(m, "b@example.com");
	char why[256];
	assert_int_equal(fl_mail_send(&cfg, m, why, sizeof why), FL_OK);
	char dir[400];
	snprintf(dir, sizeof dir, "%s/var/outbox", tmpdir);
	assert_int_equal(count_files(dir, ".eml"), 1);
	char path[600];
	snprintf(path, sizeof path, "%s/%s.json", dir, m->id);
	json_t *env = json_load_file(path, 0, NULL);
	assert_non_null(env);
	assert_string_equal(json_string_value(json_object_get(env, "from")), "flasky@example.com");
	assert_int_equal(json_array_size(json_object_get(env, "to")), 2);
	json_decref(env);
}

static void test_server_down_then_pending(void **state)
{
	fl_config cfg;
	config_for(&cfg);
	cfg.mail_port = 1;          /* nothing listens on port 1 */
	fl_message *m = simple("down");
	char why[512];
	assert_int_equal(fl_mail_send(&cfg, m, why, sizeof why), FL_EMAIL);
	assert_non_null(strstr(why, "127.0.0.1:1"));
	char dir[400];
	snprintf(dir, sizeof dir, "%s/var/outbox/pending", tmpdir);
	assert_int_equal(count_files(dir, ".eml"), 1);
	assert_int_equal(count_files(dir, ".json"), 1);
	size_t delivered, failed;
	assert_int_equal(fl_mail_flush(&cfg, &delivered, &failed, why, sizeof why), FL_EMAIL);
	assert_int_equal(delivered, 0);
	assert_int_equal(failed, 1);
	assert_int_equal(count_files(dir, ".eml"), 1);     /* still waiting */
}

static void test_use_ssl_refused_clearly(void **state)
{
	fl_config cfg;
	config_for(&cfg);
	cfg.mail_port = 465;
	cfg.mail_use_ssl = 1;
	char why[512];
	assert_int_equal(fl_mail_send(&cfg, simple("ssl"), why, sizeof why), FL_EMAIL);
	assert_non_null(strstr(why, "MAIL_USE_SSL"));
	assert_non_null(strstr(why, "MAIL_USE_TLS"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_headers, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_message_ids_unique, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_chinese_subject, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_display_names, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_addresses_rejected, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_subject_injection_encoded, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_long_ascii_subject_folded, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_alternative, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_attachment_roundtrip, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_bad_attachments, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_quoted_printable, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_missing_parts, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_suppressed_to_outbox, outbox_setup,
						outbox_teardown),
		cmocka_unit_test_setup_teardown(test_server_down_then_pending, outbox_setup,
						outbox_teardown),
		cmocka_unit_test_setup_teardown(test_use_ssl_refused_clearly, outbox_setup,
						outbox_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
