/*
 * fuzz_urldecode: http_urldecode (common/http.c) against a reference
 * decoder.
 *
 * Input: byte 0 bit 0 = plus mode; byte 1 = output buffer size (255:
 * input length + 1); the rest is the encoded text (raw NUL bytes
 * included: a form body may hold them).
 * Invariants:
 *  - it succeeds exactly when the reference decodes the text and the
 *    result fits the buffer with its NUL;
 *  - on success the output is the reference's and never holds a NUL
 *    before its end (so nothing decodes to a shortened C string);
 *  - it never writes past outsz (ASan: the buffer is exactly outsz).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in;
	char		*out, *ref;
	size_t		 len, outsz, rlen = 0;
	int		 plus, rc, want;

	if (size < 2)
		return 0;
	plus = data[0] & 1;
	in = (const char *)data + 2;
	len = size - 2;
	outsz = data[1] == 255 ? len + 1 : data[1];
	if ((out = malloc(outsz > 0 ? outsz : 1)) == NULL ||
	    (ref = malloc(len + 1)) == NULL)
		abort();
	want = fuzz_urldecode_ref(in, len, plus, ref, &rlen) == 0 &&
	    rlen + 1 <= outsz ? 0 : -1;
	rc = http_urldecode(in, len, plus, out, outsz);
	FUZZ_CHECK(rc == want);
	if (rc == 0) {
		FUZZ_CHECK(strlen(out) == rlen);
		FUZZ_CHECK(memcmp(out, ref, rlen + 1) == 0);
		FUZZ_CHECK(rlen <= len);
	}
	free(ref);
	free(out);
	return 0;
}
