/*
 * Unit tests of common/valid: boundary lengths, case folding, unicode,
 * control characters.
 */
#include <string.h>

#include "cmocka_all.h"

#include "valid.h"

static void
usernames(void **state)
{
	char	 out[USERNAME_MAX + 1];

	(void)state;
	assert_true(valid_username("abc", out));
	assert_string_equal(out, "abc");
	assert_true(valid_username("Alice.Smith-2_x", out));
	assert_string_equal(out, "alice.smith-2_x");
	assert_true(valid_username("a2345678901234567890123456789012", out));
	assert_false(valid_username("a23456789012345678901234567890123", out));
	assert_string_equal(out, "");
	assert_false(valid_username("ab", out));
	assert_false(valid_username("", out));
	assert_false(valid_username(NULL, out));
	assert_false(valid_username("1abc", out));
	assert_false(valid_username(".abc", out));
	assert_false(valid_username("_abc", out));
	assert_false(valid_username("ab c", out));
	assert_false(valid_username("abc\n", out));
	assert_false(valid_username("ab/c", out));
	assert_false(valid_username("abc%", out));
	assert_false(valid_username("j\xc3\xb6rg", out));	/* jörg */
	assert_false(valid_username("abc\x7f", out));
	assert_true(valid_group_name("Admins", out));
	assert_string_equal(out, "admins");
}

static void
emails(void **state)
{
	char	 long_local[300];

	(void)state;
	assert_true(valid_email("a@b.c"));
	assert_true(valid_email("first.last+tag@example.org"));
	/* Certificates carry the address as an IA5String: ASCII only. */
	assert_false(valid_email("j\xc3\xb6rg@example.de"));
	assert_false(valid_email("no-at-sign"));
	assert_false(valid_email("two@@example.org"));
	assert_false(valid_email("a@b@example.org"));
	assert_false(valid_email("@example.org"));
	assert_false(valid_email("user@"));
	assert_false(valid_email("us er@example.org"));
	assert_false(valid_email("user@exa\tmple.org"));
	assert_false(valid_email("user@example.org\r\nBcc: x@y"));
	assert_false(valid_email("<user@example.org>"));
	assert_false(valid_email("user@example.org."));
	assert_false(valid_email("\xff@example.org"));
	assert_false(valid_email(NULL));
	/* 254 bytes is the limit. */
	memset(long_local, 'a', sizeof(long_local));
	memcpy(long_local + 242, "@example.org", 13);	/* 254 total */
	assert_int_equal(strlen(long_local), 254);
	assert_true(valid_email(long_local));
	memset(long_local, 'a', sizeof(long_local));
	memcpy(long_local + 243, "@example.org", 13);
	assert_false(valid_email(long_local));
}

static void
display_names(void **state)
{
	char	 s[600];
	size_t	 i;

	(void)state;
	assert_true(valid_display_name("Alice Smith"));
	assert_true(valid_display_name("J\xc3\xb6rg M\xc3\xbcller"));
	assert_true(valid_display_name("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x99"));
	assert_true(valid_display_name("\xf0\x9f\x98\x80 emoji"));
	assert_true(valid_display_name("O'Brien <script>"));	/* escaped later */
	assert_false(valid_display_name(""));
	assert_false(valid_display_name("   "));
	assert_false(valid_display_name("tab\there"));
	assert_false(valid_display_name("new\nline"));
	assert_false(valid_display_name("del\x7f"));
	assert_false(valid_display_name("c1\xc2\x85"));		/* NEL */
	assert_false(valid_display_name("ls\xe2\x80\xa8"));	/* U+2028 */
	assert_false(valid_display_name("bad\xc3"));		/* truncated */
	assert_false(valid_display_name("\xc0\xaf"));		/* overlong */
	assert_false(valid_display_name("\xed\xa0\x80"));	/* surrogate */
	assert_false(valid_display_name("\xf4\x90\x80\x80"));	/* > U+10FFFF */
	/* 128 characters of two bytes each pass; 129 do not. */
	for (i = 0; i < 128; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[256] = '\0';
	assert_true(valid_display_name(s));
	memcpy(s + 256, "\xc3\xa9", 3);
	assert_false(valid_display_name(s));
}

static void
uuids_serials(void **state)
{
	char	 u[UUID_LEN + 1], s[SERIAL_MAX + 1];

	(void)state;
	assert_true(valid_uuid("0B0E8C55-1F43-4B0B-9F0C-3A1D2E4F5A6B", u));
	assert_string_equal(u, "0b0e8c55-1f43-4b0b-9f0c-3a1d2e4f5a6b");
	assert_false(valid_uuid("0b0e8c55-1f43-4b0b-9f0c-3a1d2e4f5a6", u));
	assert_false(valid_uuid("0b0e8c55x1f43-4b0b-9f0c-3a1d2e4f5a6b", u));
	assert_false(valid_uuid("0b0e8c55-1f43-4b0b-9f0c-3a1d2e4f5a6g", u));
	assert_false(valid_uuid("' OR 1=1 --", u));
	assert_true(valid_serial("00AbC1", s));
	assert_string_equal(s, "abc1");
	assert_true(valid_serial("0", s));
	assert_string_equal(s, "0");
	assert_false(valid_serial("", s));
	assert_false(valid_serial("xyz", s));
	assert_false(valid_serial("01234567890123456789012345678901234567890", s));
	assert_true(valid_iso_time("2030-01-31T12:00:00Z"));
	assert_true(valid_iso_time("2028-02-29T23:59:59Z"));
	assert_false(valid_iso_time("2030-02-31T00:00:00Z"));
	assert_false(valid_iso_time("2030-01-31T24:00:00Z"));
	assert_false(valid_iso_time("2030-01-31 12:00:00Z"));
	assert_false(valid_iso_time("2030-01-31T12:00:00"));
	assert_false(valid_iso_time(NULL));
	assert_true(valid_printable("p@ss word~", 64));
	assert_false(valid_printable("", 64));
	assert_false(valid_printable("caf\xc3\xa9", 64));
	assert_false(valid_printable("tab\t", 64));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usernames),
		cmocka_unit_test(emails),
		cmocka_unit_test(display_names),
		cmocka_unit_test(uuids_serials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
