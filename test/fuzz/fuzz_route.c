/*
 * fuzz_route: http_route_match (common/http.c) on any path against the
 * apps' patterns, compared with a reference matcher.
 *
 * Input: the path (as nginx would pass it, up to a NUL).
 * Invariants, for every pattern:
 *  - the answer equals the reference's (same segment count, literal
 *    segments equal, each <param> segment non-empty and percent-decoding
 *    to fewer than HTTP_MAX_PATH bytes without NUL);
 *  - with and without a request to fill the answer is the same;
 *  - a match gives one parameter per <param>, equal to the reference's
 *    decoding; a parameter holds '/' only when its raw segment has %2F,
 *    and is never empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "fuzz.h"
#include "routes.h"

#define MAXSEG	HTTP_MAX_PATH

/* Does the raw segment [s, s+n) hold an encoded slash? */
static int
has_encoded_slash(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i + 2 < n; i++)
		if (s[i] == '%' && s[i + 1] == '2' &&
		    (s[i + 2] == 'f' || s[i + 2] == 'F'))
			return 1;
	return 0;
}

/*
 * Reference: split both on '/' and compare segment by segment. Returns
 * 1 with params (malloc'd) and *np, or 0.
 */
static int
ref_match(const char *pat, const char *path, char **params, size_t *np)
{
	const char	*pp = pat, *sp = path, *pe, *se;
	char		*dec;
	size_t		 plen, slen, dlen, n = 0;

	*np = 0;
	if (*pp != '/' || *sp != '/')
		return 0;
	for (;;) {
		pp++;
		sp++;
		plen = strcspn(pp, "/");
		slen = strcspn(sp, "/");
		pe = pp + plen;
		se = sp + slen;
		if (pp[0] == '<') {
			if (slen == 0 || n == HTTP_MAX_PARAMS)
				goto fail;
			if ((dec = malloc(slen + 1)) == NULL)
				abort();
			if (fuzz_urldecode_ref(sp, slen, 0, dec, &dlen) == -1 ||
			    dlen + 1 > MAXSEG) {
				free(dec);
				goto fail;
			}
			params[n++] = dec;
		} else if (plen != slen || memcmp(pp, sp, plen) != 0)
			goto fail;
		if (*pe == '\0' || *se == '\0') {
			if (*pe != *se)
				goto fail;
			*np = n;
			return 1;
		}
		pp = pe;
		sp = se;
	}
fail:
	while (n > 0)
		free(params[--n]);
	return 0;
}

/* The raw segment of path holding parameter i of pattern. */
static void
raw_segment(const char *pat, const char *path, size_t i, const char **s,
    size_t *n)
{
	size_t	 k = 0;

	for (;;) {
		pat++;
		path++;
		if (*pat == '<' && k++ == i) {
			*s = path;
			*n = strcspn(path, "/");
			return;
		}
		pat += strcspn(pat, "/");
		path += strcspn(path, "/");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req	 req;
	char		*path, *ref[HTTP_MAX_PARAMS];
	const char	*pat, *raw;
	size_t		 i, k, nref, rawlen, nwant;
	int		 m, m2, want;

	path = fuzz_str(data, size);
	for (i = 0; i < FUZZ_NPATTERNS; i++) {
		pat = fuzz_patterns[i];
		memset(&req, 0, sizeof(req));
		m = http_route_match(NULL, pat, path);
		m2 = http_route_match(&req, pat, path);
		want = ref_match(pat, path, ref, &nref);
		FUZZ_CHECK(m == m2);
		FUZZ_CHECK(m == want);
		if (m) {
			for (nwant = 0, k = 0; pat[k] != '\0'; k++)
				nwant += pat[k] == '<';
			FUZZ_CHECK(req.nparams == nwant && nref == nwant);
			for (k = 0; k < req.nparams; k++) {
				FUZZ_CHECK(req.params[k] != NULL);
				FUZZ_CHECK(strcmp(req.params[k], ref[k]) == 0);
				FUZZ_CHECK(req.params[k][0] != '\0');
				raw_segment(pat, path, k, &raw, &rawlen);
				if (strchr(req.params[k], '/') != NULL)
					FUZZ_CHECK(has_encoded_slash(raw,
					    rawlen));
			}
			for (k = 0; k < nref; k++)
				free(ref[k]);
		}
		http_req_free(&req);
	}
	free(path);
	return 0;
}
