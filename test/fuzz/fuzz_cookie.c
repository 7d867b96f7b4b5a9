/*
 * fuzz_cookie: http_cookie (common/http.c) on any Cookie header.
 *
 * Input: byte 0 picks the cookie name; the rest, up to a NUL, is the
 * header value (HTTP_COOKIE).
 * Invariants, against a reference that splits on ';':
 *  - the value is that of the first pair, after leading spaces, whose
 *    text starts with "<name>=", or NULL when there is none;
 *  - it never holds a ';' and lies within the header;
 *  - a request without the header has no cookie.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "fuzz.h"

static const char *const cookie_names[] = {
	"certm3_session", "certm3_csrf", "s", "a=b"
};

/* Reference: the value of the first pair named name, or NULL. */
static char *
ref_cookie(const char *hdr, const char *name)
{
	const char	*p = hdr, *end;
	size_t		 nlen = strlen(name), len;
	char		*v;

	for (;;) {
		while (*p == ' ')
			p++;
		len = strcspn(p, ";");
		end = p + len;
		if (len > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			if ((v = strndup(p + nlen + 1, len - nlen - 1)) ==
			    NULL)
				abort();
			return v;
		}
		if (*end == '\0')
			return NULL;
		p = end + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req	 req;
	const char	*name, *got;
	char		*hdr, *env[2], *want;
	size_t		 n;

	if (size < 1)
		return 0;
	name = cookie_names[data[0] % (sizeof(cookie_names) /
	    sizeof(cookie_names[0]))];
	hdr = fuzz_str(data + 1, size - 1);
	n = strlen(hdr) + sizeof("HTTP_COOKIE=");
	if ((env[0] = malloc(n)) == NULL)
		abort();
	snprintf(env[0], n, "HTTP_COOKIE=%s", hdr);
	env[1] = NULL;

	http_req_init(&req, env);
	got = http_cookie(&req, name);
	want = ref_cookie(hdr, name);
	if (want == NULL)
		FUZZ_CHECK(got == NULL);
	else {
		FUZZ_CHECK(got != NULL && strcmp(got, want) == 0);
		FUZZ_CHECK(strchr(got, ';') == NULL);
		FUZZ_CHECK(strstr(hdr, got) != NULL);
	}
	http_req_free(&req);

	http_req_init(&req, env + 1);
	FUZZ_CHECK(http_cookie(&req, name) == NULL);
	http_req_free(&req);
	free(want);
	free(env[0]);
	free(hdr);
	return 0;
}
