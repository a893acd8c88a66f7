/* test_utf8.c — lib/base/utf8.h: counting, decoding and encoding code
 * points (fl_utf8_valid's own cases are in test_http.c). */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf8.h"

/* A string literal and its length without the NUL. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* The bytes fl_utf8_encode writes for `cp`, as a NUL-terminated string. */
static const char *enc(uint32_t cp, size_t *len)
{
	static char buf[5];
	memset(buf, 0, sizeof buf);
	*len = fl_utf8_encode(cp, buf);
	return buf;
}

static void test_encode_each_length(void **state)
{
	static const struct { uint32_t cp; const char *utf8; size_t len; } cases[] = {
		{ 0x00, "\0", 1 },              { 0x41, "A", 1 },
		{ 0x7F, "\x7f", 1 },            { 0x80, "\xc2\x80", 2 },
		{ 0xE9, "\xc3\xa9", 2 },        { 0x7FF, "\xdf\xbf", 2 },
		{ 0x800, "\xe0\xa0\x80", 3 },   { 0x4F60, "\xe4\xbd\xa0", 3 },
		{ 0xD7FF, "\xed\x9f\xbf", 3 },  { 0xFFFD, "\xef\xbf\xbd", 3 },
		{ 0xFFFF, "\xef\xbf\xbf", 3 },  { 0x10000, "\xf0\x90\x80\x80", 4 },
		{ 0x1F600, "\xf0\x9f\x98\x80", 4 }, { 0x10FFFF, "\xf4\x8f\xbf\xbf", 4 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		const char *got = enc(cases[i].cp, &len);
		assert_int_equal(len, cases[i].len);
		assert_memory_equal(got, cases[i].utf8, len);
	}
}

/* Not scalar values: the plain bit layout, which fl_utf8_valid refuses. */
static void test_encode_outside_rfc3629(void **state)
{
	size_t len;
	const char *got = enc(0xD800, &len);          /* a surrogate */
	assert_int_equal(len, 3);
	assert_memory_equal(got, "\xed\xa0\x80", 3);
	assert_false(fl_utf8_valid(got, len));
	got = enc(0x110000, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(got, "\xf4\x90\x80\x80", 4);
	got = enc(0x1FFFFF, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(got, "\xf7\xbf\xbf\xbf", 4);
	assert_false(fl_utf8_valid(got, len));
	char out[4] = { 'x', 'x', 'x', 'x' };
	assert_int_equal(fl_utf8_encode(0x200000, out), 0);  /* past 4 bytes */
	assert_int_equal(fl_utf8_encode(UINT32_MAX, out), 0);
	assert_memory_equal(out, "xxxx", 4);                  /* nothing written */
}

static void test_decode_valid(void **state)
{
	uint32_t cp = 0;
	assert_int_equal(fl_utf8_decode(S("A"), &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(fl_utf8_decode("\0", 1, &cp), 1);
	assert_int_equal(cp, 0);
	assert_int_equal(fl_utf8_decode(S("\xc3\xa9t\xc3\xa9"), &cp), 2);   /* the first only */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(fl_utf8_decode(S("\xe4\xbd\xa0\xe5\xa5\xbd"), &cp), 3);
	assert_int_equal(cp, 0x4F60);
	assert_int_equal(fl_utf8_decode(S("\xf0\x9f\x98\x80"), &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(fl_utf8_decode(S("\xf4\x8f\xbf\xbf"), &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* Only the length is wanted. */
	assert_int_equal(fl_utf8_decode(S("\xe4\xbd\xa0"), NULL), 3);
}

static void test_decode_invalid(void **state)
{
	static const struct { const char *s; size_t n; const char *why; } cases[] = {
		{ "", 0, "nothing" },
		{ "\x80", 1, "continuation byte" },
		{ "\xbf" "A", 2, "continuation byte" },
		{ "\xc0\xaf", 2, "C0 lead (overlong)" },
		{ "\xc1\xbf", 2, "C1 lead (overlong)" },
		{ "\xe0\x80\xaf", 3, "overlong 3 bytes" },
		{ "\xf0\x8f\xbf\xbf", 4, "overlong 4 bytes" },
		{ "\xed\xa0\x80", 3, "surrogate" },
		{ "\xed\xbf\xbf", 3, "surrogate" },
		{ "\xf4\x90\x80\x80", 4, "past U+10FFFF" },
		{ "\xf5\x80\x80\x80", 4, "F5 lead" },
		{ "\xff", 1, "FF" },
		{ "\xe4\xbd", 2, "cut short" },
		{ "\xe4\xbd\xa0", 2, "cut short by n" },
		{ "\xf0\x9f\x98", 3, "cut short" },
		{ "\xe4" "A\xa0", 3, "not a continuation" },
		{ "\xf0\x9f\x98" "A", 4, "not a continuation" },
		{ "\xc3", 1, "lead byte alone" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t cp = 0xABCDEF;
		if (fl_utf8_decode(cases[i].s, cases[i].n, &cp) != 0)
			fail_msg("decoded %s", cases[i].why);
		assert_int_equal(cp, 0xABCDEF);  /* untouched */
	}
}

/* Every scalar value survives encode then decode, and every non-scalar
 * encoding is refused by the decoder. */
static void test_round_trip_every_code_point(void **state)
{
	for (uint32_t cp = 0; cp < 0x200000; cp++) {
		char buf[4];
		size_t len = fl_utf8_encode(cp, buf);
		uint32_t back = UINT32_MAX;
		size_t got = fl_utf8_decode(buf, len, &back);
		bool scalar = cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
		if (scalar ? got != len || back != cp : got != 0)
			fail_msg("U+%04X: encoded %zu bytes, decoded %zu as U+%04X",
				 (unsigned)cp, len, got, (unsigned)back);
		if (fl_utf8_valid(buf, len) != scalar)
			fail_msg("U+%04X: fl_utf8_valid disagrees", (unsigned)cp);
	}
}

/* fl_utf8_valid holds exactly when fl_utf8_decode walks the whole input,
 * for every input of one, two and three bytes. */
static void test_decode_agrees_with_valid(void **state)
{
	for (uint32_t v = 0; v < 1u << 24; v++) {
		unsigned char b[3] = { (unsigned char)(v >> 16), (unsigned char)(v >> 8),
				       (unsigned char)v };
		for (size_t n = 1; n <= 3; n++) {
			if (n < 3 && (v & ((1u << (8 * (3 - n))) - 1)))
				continue;   /* shorter inputs: each prefix once */
			size_t i = 0, k;
			while (i < n && (k = fl_utf8_decode((const char *)b + i, n - i, NULL)))
				i += k;
			if ((i == n) != fl_utf8_valid((const char *)b, n))
				fail_msg("%02x %02x %02x (%zu bytes): decode and valid disagree",
					 b[0], b[1], b[2], n);
		}
	}
}

static void test_length_and_count(void **state)
{
	assert_int_equal(fl_utf8_length(NULL), 0);
	assert_int_equal(fl_utf8_length(""), 0);
	assert_int_equal(fl_utf8_length("abc"), 3);
	assert_int_equal(fl_utf8_length("\xe5\xb0\x8f\xe6\x98\x8e"), 2);       /* 小明 */
	assert_int_equal(fl_utf8_length("\xc3\xa9\xf0\x9f\x98\x80!"), 3);
	/* Invalid bytes: a stray continuation byte counts 0, a lone lead 1. */
	assert_int_equal(fl_utf8_length("a\x80" "b"), 2);
	assert_int_equal(fl_utf8_length("a\xe4" "b"), 3);

	assert_int_equal(fl_utf8_count(NULL, 0), 0);
	assert_int_equal(fl_utf8_count(S("")), 0);
	assert_int_equal(fl_utf8_count(S("\xe5\xb0\x8f\xe6\x98\x8e")), 2);
	assert_int_equal(fl_utf8_count("abcdef", 3), 3);          /* only n bytes */
	/* NUL bytes count, as in a JSON string; fl_utf8_length stops there. */
	assert_int_equal(fl_utf8_count(S("a\0b\0\xc3\xa9")), 5);
	assert_int_equal(fl_utf8_length("a\0b\0\xc3\xa9"), 1);
	assert_int_equal(fl_utf8_count(S("a\x80" "b")), 2);
	assert_int_equal(fl_utf8_count(S("a\xe4" "b")), 3);
}

/* The code points Python 3.11's str.isspace() is true for, from
 * [c for c in range(0x110000) if chr(c).isspace()]. */
static const uint32_t py_spaces[] = {
	0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
	0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
	0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
};

static void test_isspace_is_pythons(void **state)
{
	size_t k = 0, n = sizeof py_spaces / sizeof *py_spaces;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		bool want = k < n && py_spaces[k] == cp;
		if (want)
			k++;
		if (fl_unicode_isspace(cp) != want)
			fail_msg("U+%04X: isspace %d, Python says %d", cp, !want, want);
	}
	assert_int_equal(k, n);
}

static void test_is_blank(void **state)
{
	assert_true(fl_utf8_is_blank(NULL, 0));
	assert_true(fl_utf8_is_blank(S("")));
	assert_true(fl_utf8_is_blank(S(" \t\r\n\v\f")));
	assert_true(fl_utf8_is_blank(S("\xe3\x80\x80\xc2\xa0\xe2\x80\x83\x1c")));  /* U+3000 ... */
	assert_false(fl_utf8_is_blank(S(" a ")));
	assert_false(fl_utf8_is_blank(S("\xe2\x80\x8b")));   /* U+200B is not white space */
	assert_false(fl_utf8_is_blank(S(" \0 ")));            /* NUL is not */
	assert_false(fl_utf8_is_blank(S(" \xff")));           /* nor a byte that is not UTF-8 */
	assert_false(fl_utf8_is_blank(S("\xe3\x80")));        /* a cut U+3000 */
	assert_true(fl_utf8_is_blank("  x", 2));              /* only n bytes */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isspace_is_pythons),
		cmocka_unit_test(test_is_blank),
		cmocka_unit_test(test_encode_each_length),
		cmocka_unit_test(test_encode_outside_rfc3629),
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_round_trip_every_code_point),
		cmocka_unit_test(test_decode_agrees_with_valid),
		cmocka_unit_test(test_length_and_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
