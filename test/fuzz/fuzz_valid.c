/*
 * fuzz_valid: the validators of common/valid.c, each against a reference
 * written from SPEC §2 (and json_utf8_valid against fuzz_utf8_ok).
 *
 * Input: byte 0 is the max argument of valid_text/valid_printable; the
 * rest, up to a NUL, is the text every validator is given.
 * Invariants:
 *  - each validator's answer and normalised output equal the
 *    reference's: username/group name, e-mail, text (code points, C0, DEL,
 *    C1, U+2028/9), display name, UUID, serial, printable, ISO time (a
 *    real calendar date and time of day, no leap seconds);
 *  - whatever passes valid_email or valid_text is valid UTF-8 without CR
 *    or LF (header-safe), and an e-mail has none of < > " either.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "valid.h"
#include "fuzz.h"

static int
ref_username(const char *in, char *out)
{
	size_t	 len = strlen(in), i;
	char	 c;

	if (len < USERNAME_MIN || len > USERNAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!(c >= 'a' && c <= 'z') && (i == 0 || (!(c >= '0' &&
		    c <= '9') && c != '.' && c != '_' && c != '-')))
			return 0;
		out[i] = c;
	}
	out[len] = '\0';
	return 1;
}

static int
ref_email(const char *in)
{
	const char	*at = strchr(in, '@'), *p;
	size_t		 len = strlen(in);

	if (len < 3 || len > EMAIL_MAX ||
	    !fuzz_utf8_ok((const unsigned char *)in, len, NULL))
		return 0;
	if (at == NULL || at == in || at[1] == '\0' || at[1] == '.' ||
	    strchr(at + 1, '@') != NULL || in[len - 1] == '.')
		return 0;
	/* ASCII only: certificates carry it as an IA5String. */
	for (p = in; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>\",();\\", *p) != NULL)
			return 0;
	return 1;
}

/* Decode one code point of valid UTF-8 at s; returns its length. */
static size_t
decode(const unsigned char *s, unsigned long *cp)
{

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (s[0] & 0x1fUL) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (s[0] & 0x0fUL) << 12 | (s[1] & 0x3fUL) << 6 |
		    (s[2] & 0x3f);
		return 3;
	}
	*cp = (s[0] & 0x07UL) << 18 | (s[1] & 0x3fUL) << 12 |
	    (s[2] & 0x3fUL) << 6 | (s[3] & 0x3f);
	return 4;
}

static int
ref_text(const char *in, size_t max)
{
	const unsigned char	*p = (const unsigned char *)in;
	unsigned long		 cp;
	size_t			 n = 0;

	if (*p == '\0' || !fuzz_utf8_ok(p, strlen(in), NULL))
		return 0;
	while (*p != '\0') {
		p += decode(p, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)
			return 0;
		n++;
	}
	return n <= max;
}

static int
ref_uuid(const char *in, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;
	char			 c;

	if (strlen(in) != UUID_LEN)
		return 0;
	for (i = 0; i < UUID_LEN; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c + 32);
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? c != '-' :
		    c == '\0' || strchr(hex, c) == NULL)
			return 0;
		out[i] = c;
	}
	out[UUID_LEN] = '\0';
	return 1;
}

static int
ref_serial(const char *in, char *out)
{
	size_t	 len = strlen(in), i, o = 0;
	char	 c;

	if (len == 0 || len > SERIAL_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c + 32);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
		if (o == 0 && c == '0' && i + 1 < len)
			continue;
		out[o++] = c;
	}
	out[o] = '\0';
	return 1;
}

static int
ref_printable(const char *in, size_t max)
{
	size_t	 len = strlen(in), i;

	if (len == 0 || len > max)
		return 0;
	for (i = 0; i < len; i++)
		if (in[i] < ' ' || in[i] > '~')
			return 0;
	return 1;
}

/* Digits of s[i..i+n) as a number, or -1. */
static long
num(const char *s, size_t i, size_t n)
{
	long	 v = 0;

	for (; n > 0; i++, n--) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
ref_iso_time(const char *s)
{
	static const int	 mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	long			 y, mo, d, h, mi, se, dim;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	y = num(s, 0, 4);
	mo = num(s, 5, 2);
	d = num(s, 8, 2);
	h = num(s, 11, 2);
	mi = num(s, 14, 2);
	se = num(s, 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || se < 0 || se > 59)
		return 0;
	dim = mdays[mo - 1];
	if (mo == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		dim = 29;
	return d <= dim;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, ref[64], uname[USERNAME_MAX + 1], uuid[UUID_LEN + 1];
	char	 serial[SERIAL_MAX + 1];
	size_t	 max;
	int	 rc, want;

	if (size < 1)
		return 0;
	max = data[0];
	s = fuzz_str(data + 1, size - 1);

	/* Exact-size outputs: ASan sees a write past them. */
	memset(uname, 'x', sizeof(uname));
	rc = valid_username(s, uname);
	want = ref_username(s, ref);
	FUZZ_CHECK(rc == want);
	FUZZ_CHECK(rc ? strcmp(uname, ref) == 0 : uname[0] == '\0');
	FUZZ_CHECK(valid_group_name(s, uname) == rc);

	rc = valid_email(s);
	FUZZ_CHECK(rc == ref_email(s));
	if (rc)
		FUZZ_CHECK(strpbrk(s, "\r\n<>\" ") == NULL &&
		    json_utf8_valid(s, strlen(s)));

	rc = valid_text(s, max);
	FUZZ_CHECK(rc == ref_text(s, max));
	if (rc)
		FUZZ_CHECK(strpbrk(s, "\r\n") == NULL &&
		    json_utf8_valid(s, strlen(s)));
	FUZZ_CHECK(valid_display_name(s) == (ref_text(s, DISPLAY_MAX) &&
	    s[strspn(s, " ")] != '\0'));

	memset(uuid, 'x', sizeof(uuid));
	rc = valid_uuid(s, uuid);
	FUZZ_CHECK(rc == ref_uuid(s, ref));
	FUZZ_CHECK(rc ? strcmp(uuid, ref) == 0 : uuid[0] == '\0');

	memset(serial, 'x', sizeof(serial));
	rc = valid_serial(s, serial);
	FUZZ_CHECK(rc == ref_serial(s, ref));
	FUZZ_CHECK(rc ? strcmp(serial, ref) == 0 : serial[0] == '\0');

	FUZZ_CHECK(valid_printable(s, max) == ref_printable(s, max));
	FUZZ_CHECK(valid_iso_time(s) == ref_iso_time(s));
	free(s);
	return 0;
}
