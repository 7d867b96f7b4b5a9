/*
 * fuzz: what the libFuzzer targets of test/fuzz share.
 *
 * FUZZ_CHECK aborts when an invariant fails, also when NDEBUG (the
 * RelWithDebInfo build) turns assert() off, so a broken invariant is a
 * crash under libFuzzer and a failed test under the replay driver.
 */
#ifndef CERTM3_FUZZ_H
#define CERTM3_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond);		\
	} while (0)

/* The libFuzzer entry points (replay.c calls them too). */
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	 LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void
fuzz_fail(const char *file, int line, const char *what)
{

	fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
	abort();
}

/* A NUL-terminated malloc'd copy of the size bytes at data. */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Well-formed UTF-8 per Unicode table 3-7, written apart from
 * json_utf8_valid so that each checks the other. On success *chars gets
 * the number of code points when chars is not NULL.
 */
static inline int
fuzz_utf8_ok(const unsigned char *s, size_t len, size_t *chars)
{
	size_t	 i = 0, n = 0;
	unsigned char lo, hi;
	int	 k, more;

	while (i < len) {
		lo = 0x80;
		hi = 0xbf;
		if (s[i] <= 0x7f)
			more = 0;
		else if (s[i] >= 0xc2 && s[i] <= 0xdf)
			more = 1;
		else if (s[i] == 0xe0) {
			more = 2;
			lo = 0xa0;
		} else if (s[i] == 0xed) {
			more = 2;
			hi = 0x9f;
		} else if (s[i] >= 0xe1 && s[i] <= 0xef)
			more = 2;
		else if (s[i] == 0xf0) {
			more = 3;
			lo = 0x90;
		} else if (s[i] == 0xf4) {
			more = 3;
			hi = 0x8f;
		} else if (s[i] >= 0xf1 && s[i] <= 0xf3)
			more = 3;
		else
			return 0;
		if (len - i - 1 < (size_t)more)
			return 0;
		for (k = 1; k <= more; k++) {
			if (s[i + (size_t)k] < (k == 1 ? lo : 0x80) ||
			    s[i + (size_t)k] > (k == 1 ? hi : 0xbf))
				return 0;
		}
		i += (size_t)more + 1;
		n++;
	}
	if (chars != NULL)
		*chars = n;
	return 1;
}

/*
 * Reference percent-decoder for the http targets: '%' and two hex digits
 * give a byte, '+' gives ' ' when plus; a lone '%', %00 and a raw NUL
 * are errors. out needs len + 1 bytes; *olen gets the decoded length.
 * Returns 0 or -1.
 */
static inline int
fuzz_urldecode_ref(const char *in, size_t len, int plus, char *out,
    size_t *olen)
{
	static const char	 hex[] = "0123456789abcdef0123456789ABCDEF";
	const char		*h, *l;
	size_t			 i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\0')
			return -1;
		if (in[i] != '%') {
			out[o++] = plus && in[i] == '+' ? ' ' : in[i];
			continue;
		}
		if (len - i < 3 || in[i + 1] == '\0' || in[i + 2] == '\0' ||
		    (h = strchr(hex, in[i + 1])) == NULL ||
		    (l = strchr(hex, in[i + 2])) == NULL)
			return -1;
		out[o] = (char)(((h - hex) % 16) << 4 | ((l - hex) % 16));
		if (out[o++] == '\0')
			return -1;
		i += 2;
	}
	out[o] = '\0';
	*olen = o;
	return 0;
}

#endif /* CERTM3_FUZZ_H */
