/*
 * A test app for the http targets: one route per pattern of routes.h and
 * method (GET everywhere, POST on some), one checking handler, and the
 * reference parser of "a=1&b=2" that query and form fields are compared
 * with.
 */
#ifndef CERTM3_FUZZ_HTTP_APP_H
#define CERTM3_FUZZ_HTTP_APP_H

#include "http.h"
#include "json.h"
#include "fuzz.h"

/* What the handler saw. */
static struct {
	int			 called;
	const struct http_route	*route;
} fuzz_seen;

static inline int
fuzz_handler(struct http_req *req)
{
	struct json	*j = json_object();
	size_t		 i;

	fuzz_seen.called++;
	fuzz_seen.route = req->route;
	for (i = 0; i < req->nparams; i++)
		json_add_str(j, "p", http_param(req, i));
	for (i = 0; i < req->nquery; i++)
		json_add_str(j, req->query[i].key, req->query[i].val);
	for (i = 0; i < req->nform; i++)
		json_add_str(j, req->form[i].key, req->form[i].val);
	return http_json(req, 200, j);
}

struct fuzz_kv {
	char	*key;
	char	*val;
};

/*
 * Reference of the dispatcher's field parsing: '&'-separated, empty
 * pieces skipped, the first '=' splits, both sides decoded with '+' as
 * space; at most HTTP_MAX_FIELDS fields, raw key at most 3 *
 * HTTP_MAX_KEY and decoded below HTTP_MAX_KEY + 1 bytes, raw value at
 * most 3 * HTTP_MAX_VALUE and decoded below HTTP_MAX_VALUE + 1. Returns
 * the field count (kv malloc'd) or -1.
 */
static inline int
fuzz_pairs_ref(const char *s, size_t len, struct fuzz_kv *kv)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	size_t		 n = 0, klen, vlen, dk, dv;

	while (p < end) {
		for (amp = p; amp < end && *amp != '&'; amp++)
			continue;
		if (amp == p) {
			p++;
			continue;
		}
		for (eq = p; eq < amp && *eq != '='; eq++)
			continue;
		klen = (size_t)(eq - p);
		vlen = eq < amp ? (size_t)(amp - eq - 1) : 0;
		if (n == HTTP_MAX_FIELDS || klen > 3 * HTTP_MAX_KEY ||
		    vlen > 3 * HTTP_MAX_VALUE)
			goto fail;
		kv[n].key = malloc(klen + 1);
		kv[n].val = malloc(vlen + 1);
		if (kv[n].key == NULL || kv[n].val == NULL)
			abort();
		n++;
		if (fuzz_urldecode_ref(p, klen, 1, kv[n - 1].key, &dk) == -1 ||
		    fuzz_urldecode_ref(eq < amp ? eq + 1 : eq, vlen, 1,
		    kv[n - 1].val, &dv) == -1 ||
		    dk > HTTP_MAX_KEY || dv > HTTP_MAX_VALUE)
			goto fail;
		p = amp + 1;
	}
	return (int)n;
fail:
	while (n > 0) {
		n--;
		free(kv[n].key);
		free(kv[n].val);
	}
	return -1;
}

static inline void
fuzz_pairs_free(struct fuzz_kv *kv, int n)
{

	while (n > 0) {
		n--;
		free(kv[n].key);
		free(kv[n].val);
	}
}

/* Fields parsed by the dispatcher equal the reference's. */
static inline void
fuzz_pairs_check(const struct http_kv *got, size_t ngot,
    const struct fuzz_kv *want, int nwant)
{
	size_t	 i;

	FUZZ_CHECK(nwant >= 0 && ngot == (size_t)nwant);
	for (i = 0; i < ngot; i++) {
		FUZZ_CHECK(strcmp(got[i].key, want[i].key) == 0);
		FUZZ_CHECK(strcmp(got[i].val, want[i].val) == 0);
		FUZZ_CHECK(strlen(got[i].key) <= HTTP_MAX_KEY);
		FUZZ_CHECK(strlen(got[i].val) <= HTTP_MAX_VALUE);
	}
}

/*
 * Every error body of the JSON apps is a SPEC §5 error: an object whose
 * "error" member has statusCode equal to the status.
 */
static inline void
fuzz_check_error_body(const struct http_req *req)
{
	struct json	*j, *e;
	long long	 code;
	char		 err[64];

	FUZZ_CHECK(req->resp_body != NULL);
	j = json_parse(req->resp_body, req->resp_len, req->resp_len, err,
	    sizeof(err));
	FUZZ_CHECK(j != NULL && json_is_object(j));
	e = json_get(j, "error");
	FUZZ_CHECK(json_is_object(e));
	FUZZ_CHECK(json_get_int(e, "statusCode", &code) == 1 &&
	    code == req->status);
	json_free(j);
}

#endif /* CERTM3_FUZZ_HTTP_APP_H */
