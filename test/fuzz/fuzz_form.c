/*
 * fuzz_form: a urlencoded form body through http_dispatch (common/http.c),
 * which parses it with http_parse_form before the handler runs.
 *
 * Input: the body (any bytes, NULs included: FastCGI passes them).
 * Invariants:
 *  - the answer is 400 without calling the handler exactly when the
 *    reference parser refuses the body (too many fields, over-long key
 *    or value, bad or NUL-producing percent-encoding, raw NUL);
 *  - otherwise the handler runs and req->form equals the reference's
 *    fields, and http_form() gives each key's first value;
 *  - a body over max_body is a 413 that nothing parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "fuzz.h"
#include "http_app.h"
#include "routes.h"

#define MAX_BODY	4096

static const struct http_route routes[] = {
	{ "POST", "/form", fuzz_handler, 0, NULL },
	{ "POST", "/api/users/<id>", fuzz_handler, 0, NULL },
};

static const struct http_app app = {
	.name = "fuzz",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.body_type = "application/x-www-form-urlencoded",
	.max_body = MAX_BODY,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 m[] = "REQUEST_METHOD=POST", u[] = "REQUEST_URI=/form",
			 t[] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	char		*env[] = { m, u, t, NULL };
	struct http_req	 req;
	struct fuzz_kv	 kv[HTTP_MAX_FIELDS];
	size_t		 i, j;
	int		 nkv = -1;

	(void)fuzz_patterns;
	memset(&fuzz_seen, 0, sizeof(fuzz_seen));
	http_req_init(&req, env);
	if (size <= MAX_BODY) {
		req.body = fuzz_str(data, size);
		req.body_len = size;
		nkv = fuzz_pairs_ref(req.body, size, kv);
	}
	http_dispatch(&app, &req, (long)size);

	if (size > MAX_BODY) {
		FUZZ_CHECK(req.status == 413 && req.nform == 0);
		FUZZ_CHECK(fuzz_seen.called == 0);
	} else if (nkv == -1) {
		FUZZ_CHECK(req.status == 400);
		FUZZ_CHECK(fuzz_seen.called == 0);
	} else {
		FUZZ_CHECK(req.status == 200 && fuzz_seen.called == 1);
		fuzz_pairs_check(req.form, req.nform, kv, nkv);
		for (i = 0; i < req.nform; i++) {
			for (j = 0; strcmp(req.form[j].key,
			    req.form[i].key) != 0; j++)
				continue;
			FUZZ_CHECK(http_form(&req, req.form[i].key) ==
			    req.form[j].val);
		}
		fuzz_pairs_free(kv, nkv);
	}
	if (req.status >= 400)
		fuzz_check_error_body(&req);
	http_req_free(&req);
	return 0;
}
