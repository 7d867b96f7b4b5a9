/*
 * fuzz_query: http_dispatch (common/http.c) on any request URI: limits,
 * query string parsing, routing, 404/405 and error bodies.
 *
 * Input: byte 0 picks the method (GET, POST, DELETE, PATCH, PUT, HEAD);
 * the rest, up to a NUL, is REQUEST_URI.
 * Invariants:
 *  - a URI not starting with '/' or longer than HTTP_MAX_PATH, or whose
 *    query the reference parser refuses, is a 400 before any routing;
 *  - otherwise the query fields equal the reference's (order, decoded
 *    key and value, limits);
 *  - 404 exactly when no pattern matches the path; 405 exactly when some
 *    do but none with this method, with an Allow header naming each
 *    method of the matching routes once; else the handler runs for the
 *    first route of the table with this pattern and method;
 *  - every error answer is a well-formed SPEC §5 JSON error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "fuzz.h"
#include "http_app.h"
#include "routes.h"

static const char *const methods[] = {
	"GET", "POST", "DELETE", "PATCH", "PUT", "HEAD"
};

static struct http_route	 routes[2 * FUZZ_NPATTERNS];
static struct http_app		 app;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	 i, n = 0;

	(void)argc;
	(void)argv;
	for (i = 0; i < FUZZ_NPATTERNS; i++) {
		routes[n].method = "GET";
		routes[n].pattern = fuzz_patterns[i];
		routes[n++].handler = fuzz_handler;
		if (i % 3 == 1) {
			routes[n].method = i % 2 ? "POST" : "DELETE";
			routes[n].pattern = fuzz_patterns[i];
			routes[n++].handler = fuzz_handler;
		}
	}
	app.name = "fuzz";
	app.routes = routes;
	app.nroutes = n;
	app.body_type = "application/json";
	app.max_body = 65536;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req		 req;
	const struct http_route	*first = NULL;
	struct fuzz_kv		 kv[HTTP_MAX_FIELDS];
	char			 envbuf[2][64], allow[256], hdr[300];
	char			*env[4], *uri, *path, *q;
	const char		*method;
	size_t			 i, n;
	int			 nkv, known, uri_ok;

	if (app.routes == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size < 1)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	snprintf(envbuf[0], sizeof(envbuf[0]), "REQUEST_METHOD=%s", method);
	snprintf(envbuf[1], sizeof(envbuf[1]), "REMOTE_ADDR=192.0.2.1");
	uri = fuzz_str(data + 1, size - 1);
	n = strlen(uri) + sizeof("REQUEST_URI=");
	if ((env[2] = malloc(n)) == NULL)
		abort();
	snprintf(env[2], n, "REQUEST_URI=%s", uri);
	env[0] = envbuf[0];
	env[1] = envbuf[1];
	env[3] = NULL;

	/* What the answer must be. */
	path = strdup(uri);
	if (path == NULL)
		abort();
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	uri_ok = uri[0] == '/' && strlen(uri) <= HTTP_MAX_PATH;
	nkv = 0;
	if (uri_ok && q != NULL)
		nkv = fuzz_pairs_ref(q, strlen(q), kv);

	memset(&fuzz_seen, 0, sizeof(fuzz_seen));
	http_req_init(&req, env);
	http_dispatch(&app, &req, 0);

	if (!uri_ok || nkv == -1) {
		FUZZ_CHECK(req.status == 400);
		FUZZ_CHECK(fuzz_seen.called == 0 && req.route == NULL);
	} else {
		fuzz_pairs_check(req.query, req.nquery, kv, nkv);
		/* The Allow list: every method of the matching routes. */
		allow[0] = '\0';
		known = 0;
		for (i = 0; i < app.nroutes; i++) {
			if (!http_route_match(NULL, routes[i].pattern, path))
				continue;
			known = 1;
			if (first == NULL && strcmp(routes[i].method,
			    method) == 0)
				first = &routes[i];
			if (strstr(allow, routes[i].method) == NULL)
				snprintf(allow + strlen(allow),
				    sizeof(allow) - strlen(allow), "%s%s",
				    allow[0] != '\0' ? ", " : "",
				    routes[i].method);
		}
		if (!known) {
			FUZZ_CHECK(req.status == 404);
			FUZZ_CHECK(fuzz_seen.called == 0);
		} else if (first == NULL) {
			FUZZ_CHECK(req.status == 405);
			FUZZ_CHECK(fuzz_seen.called == 0);
			snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
			FUZZ_CHECK(req.resp_headers != NULL &&
			    strcmp(req.resp_headers, hdr) == 0);
		} else {
			FUZZ_CHECK(req.status == 200);
			FUZZ_CHECK(fuzz_seen.called == 1);
			FUZZ_CHECK(fuzz_seen.route == first);
		}
		fuzz_pairs_free(kv, nkv);
	}
	if (req.status >= 400)
		fuzz_check_error_body(&req);
	else
		FUZZ_CHECK(req.resp_body != NULL && req.resp_body[0] == '{');
	http_req_free(&req);
	free(path);
	free(env[2]);
	free(uri);
	return 0;
}
