/* test_auth.c — Werkzeug-compatible password hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "auth/auth.h"

/* Made by werkzeug.security.generate_password_hash: Werkzeug 2.2.2 (Debian's
 * /usr/bin/python3, Flasky's version) and Werkzeug 3 (scrypt, 1000000). */
static const struct vector {
	const char *hash, *password;
} werkzeug_vectors[] = {
	/* Werkzeug 2.2.2: generate_password_hash('cat') */
	{ "pbkdf2:sha256:260000$myNhMalxkjqU4Zfy$"
	  "df44e411d27f02b28ba973a6c82c24755973fe7c5d208de4a7d73f4aee7775e3", "cat" },
	/* Werkzeug 2.2.2: generate_password_hash('cat', 'pbkdf2:sha512') */
	{ "pbkdf2:sha512:260000$wNSzXtQi1jwZUhKp$"
	  "031556788c0fcf51c74a32ce25a256a8f13b9db4c33ad2fa101660750a03d30b"
	  "41bed7a8eae11e94f896cf668e6a3c1a05b73e5131651940a2de7764d384c943", "cat" },
	/* generate_password_hash('cat', 'pbkdf2:sha256:260000') — Werkzeug 2.2's default */
	{ "pbkdf2:sha256:260000$cSM88Lj8BUcoxUsv$"
	  "c9da3ea9d04801204d25d714e13684b16a8a83ac8b775e18eba09c1a6fea154d", "cat" },
	/* generate_password_hash('cat', 'pbkdf2:sha256') — Werkzeug 3's 1000000 */
	{ "pbkdf2:sha256:1000000$IWbspSGOu684Y67x$"
	  "1e5473e9fd674de26960fe6f0e1794b6b72970d23fce6c02dd961839ddbb3555", "cat" },
	{ "pbkdf2:sha512:1000$xQmLLJgqso5nDVNh$"
	  "4d2e43498976cc87d4edaaee8214ac003d15075897fb24f6090c15b9f1eb1698"
	  "a5fc0af24a1b0362308aad7fd7f1549e58328d0c03d0bcb462e5303cdc017506", "dog" },
	{ "pbkdf2:sha1:5000$KN5wRk5Il724R0M3$2b5fa8493551fc053556468225804645bed66bad",
	  "p\xc3\xa4ssw\xc3\xb6rd \xe5\xaf\x86\xe7\xa0\x81" },   /* 'pässwörd 密码' */
	{ "pbkdf2:sha256:1$g02DFcISHEUyVilQ$"
	  "e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b", "" },
	{ "scrypt:1024:8:1$bcgTfsn9VhRzCdyZ$"
	  "177c2bc170c4726f9f4fa61e5b8b9fc26073cb45ae7e07471efb34722a5e5cc1"
	  "c3a8a5e2fea086aa9de01338502d2a4f2ee7430bde9920b16aba2a936c33b4c2", "cat" },
	/* generate_password_hash('cat') — Werkzeug 3's default, scrypt:32768:8:1 */
	{ "scrypt:32768:8:1$EkKxCeOgXbDdyCpS$"
	  "0b1082c53be8fe85ef4bf1dab0721d2b9b154675c45b1345a9c54a2621afbb59"
	  "6b61980d24c0fb9a956d3d368d85cf1427ed2f2456f2d444c15a9bc484cc8b4e", "cat" },
	/* No iteration count: Werkzeug 2.2's default 260000 (hashlib.pbkdf2_hmac). */
	{ "pbkdf2:sha256$abcdefgh12345678$"
	  "c970bc862fd91b017dfc1d80cda090ea730cd0476bfffed80310809e01ab696c", "cat" },
};

static void test_werkzeug_hashes_verify(void **state)
{
	for (size_t i = 0; i < sizeof werkzeug_vectors / sizeof *werkzeug_vectors; i++) {
		const struct vector *v = &werkzeug_vectors[i];
		if (!fl_check_password_hash(v->hash, v->password))
			fail_msg("vector %zu (%s) does not verify", i, v->hash);
		/* One character more is another password. */
		char longer[128];
		snprintf(longer, sizeof longer, "%sx", v->password);
		assert_false(fl_check_password_hash(v->hash, longer));
	}
}

static void test_generate_default(void **state)
{
	fl_arena *a = fl_arena_new(0);
	const char *h = fl_generate_password_hash(a, "cat", NULL);
	assert_non_null(h);
	/* pbkdf2:sha256:260000$<16 salt chars>$<64 hex> */
	const char *prefix = "pbkdf2:sha256:260000$";
	assert_int_equal(strncmp(h, prefix, strlen(prefix)), 0);
	const char *salt = h + strlen(prefix);
	assert_int_equal(strlen(h), strlen(prefix) + 16 + 1 + 64);
	for (int i = 0; i < 16; i++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
			salt[i]));
	assert_int_equal(salt[16], '$');
	assert_int_equal(strspn(salt + 17, "0123456789abcdef"), 64);
	assert_true(fl_check_password_hash(h, "cat"));
	assert_false(fl_check_password_hash(h, "Cat"));
	assert_false(fl_check_password_hash(h, ""));

	/* A fresh salt every time. */
	const char *h2 = fl_generate_password_hash(a, "cat", NULL);
	assert_string_not_equal(h, h2);
	assert_true(fl_check_password_hash(h2, "cat"));
	fl_arena_free(a);
}

static void test_generate_methods(void **state)
{
	fl_arena *a = fl_arena_new(0);
	static const struct { const char *method, *prefix; } cases[] = {
		{ "pbkdf2:sha256", "pbkdf2:sha256:260000$" },
		{ "pbkdf2", "pbkdf2:sha256:260000$" },
		{ "pbkdf2:sha512:1000", "pbkdf2:sha512:1000$" },
		{ "pbkdf2:sha1:2", "pbkdf2:sha1:2$" },
		{ "scrypt:1024:8:1", "scrypt:1024:8:1$" },
		{ "scrypt", "scrypt:32768:8:1$" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *h = fl_generate_password_hash(a, "s3cr\xc3\xa9t", cases[i].method);
		assert_non_null(h);
		if (strncmp(h, cases[i].prefix, strlen(cases[i].prefix)) != 0)
			fail_msg("%s gave %s", cases[i].method, h);
		assert_true(fl_check_password_hash(h, "s3cr\xc3\xa9t"));
		assert_false(fl_check_password_hash(h, "s3cret"));
	}
	/* Unknown or impossible methods. */
	static const char *const bad[] = {
		"md5", "pbkdf2:md5", "pbkdf2:sha256:0", "pbkdf2:sha256:-5", "pbkdf2:sha256:1e3",
		"pbkdf2:sha256:99999999999", "pbkdf2:sha256:1:2", "scrypt:1000:8:1", "scrypt:1024:8",
		"scrypt:1:8:1", "scrypt:1048576:1024:1", "", "plain", "sha256",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (fl_generate_password_hash(a, "x", bad[i]))
			fail_msg("method '%s' accepted", bad[i]);
	assert_null(fl_generate_password_hash(a, NULL, NULL));
	fl_arena_free(a);
}

static void test_malformed_hashes(void **state)
{
	static const char *const bad[] = {
		"",
		"cat",
		"pbkdf2:sha256:1",
		"pbkdf2:sha256:1$salt",
		"pbkdf2:sha256:1$g02DFcISHEUyVilQ$",
		/* right digest, wrong case or length */
		"pbkdf2:sha256:1$g02DFcISHEUyVilQ$"
		"E87146E95D9A97B354032324AB90DF10A03BF580B827BDAFCCA17AFB05A2184B",
		"pbkdf2:sha256:1$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184",
		"pbkdf2:sha256:1$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b0",
		"pbkdf2:sha256:1$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b$",
		/* right digest, altered parameters */
		"pbkdf2:sha256:2$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b",
		"pbkdf2:sha512:1$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b",
		"pbkdf2:sha256:1$g02DFcISHEUyVilq$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b",
		"pbkdf2:sha256:01x$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b",
		"pbkdf2:sha256:0$g02DFcISHEUyVilQ$"
		"e87146e95d9a97b354032324ab90df10a03bf580b827bdafcca17afb05a2184b",
		"pbkdf2:md5:1$g02DFcISHEUyVilQ$e87146e95d9a97b354032324ab90df10",
		"md5$salt$1bc29b36f623ba82aaf6724fd3b16718",
		"plain$$",
		/* scrypt: absurd or broken parameters are refused, not computed */
		"scrypt:4294967296:8:1$salt$00",
		"scrypt:1073741824:8:1$salt$00",
		"scrypt:1024:0:1$salt$00",
		"scrypt:1000:8:1$salt$00",
		"scrypt:1024:8$salt$00",
		"scrypt:1024:8:1:1$salt$00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (fl_check_password_hash(bad[i], ""))
			fail_msg("hash %zu (%s) accepted", i, bad[i]);
	assert_false(fl_check_password_hash(NULL, "cat"));
	assert_false(fl_check_password_hash(werkzeug_vectors[0].hash, NULL));
}

/* A hash made here verifies in Werkzeug itself (/usr/bin/python3's, 2.2 on
 * Debian 12).  Werkzeug 2.2 has no scrypt, so scrypt hashes are checked
 * against hashlib.scrypt with Werkzeug 3's parameters (dklen 64). */
static const char checker[] =
	"import sys, hashlib, hmac\n"
	"from werkzeug.security import check_password_hash as c\n"
	"h = sys.argv[1]\n"
	"def ok(pw):\n"
	"    m, salt, hx = h.split('$', 2)\n"
	"    if not m.startswith('scrypt:'):\n"
	"        return c(h, pw)\n"
	"    n, r, p = map(int, m.split(':')[1:])\n"
	"    d = hashlib.scrypt(pw.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132*n*r*p)\n"
	"    return hmac.compare_digest(d.hex(), hx)\n"
	"sys.exit(0 if ok('cat') and not ok('dog') else 1)\n";

static void test_flagon_hash_verifies_in_werkzeug(void **state)
{
	if (system("/usr/bin/python3 -c 'import werkzeug.security' >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	char script[] = "/tmp/fl_test_auth_XXXXXX";
	int fd = mkstemp(script);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(checker, fp);
	fclose(fp);
	fl_arena *a = fl_arena_new(0);
	static const char *const methods[] = { NULL, "pbkdf2:sha512:1000", "pbkdf2:sha1:3",
		"scrypt:1024:8:1" };
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
		const char *h = fl_generate_password_hash(a, "cat", methods[i]);
		assert_non_null(h);
		/* The hash holds only [A-Za-z0-9:$]: safe inside single quotes. */
		assert_int_equal(strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789:$"), strlen(h));
		char cmd[512];
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s '%s'", script, h);
		if (system(cmd) != 0) {
			unlink(script);
			fail_msg("werkzeug rejects %s", h);
		}
	}
	unlink(script);
	fl_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_werkzeug_hashes_verify),
		cmocka_unit_test(test_generate_default),
		cmocka_unit_test(test_generate_methods),
		cmocka_unit_test(test_malformed_hashes),
		cmocka_unit_test(test_flagon_hash_verifies_in_werkzeug),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
