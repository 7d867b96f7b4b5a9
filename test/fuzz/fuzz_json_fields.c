/*
 * fuzz_json_fields: http_json_fields (common/http.c), the reader of every
 * JSON request body of /api and /request, on any body.
 *
 * Input: the body.
 * Invariants, against a reference built on json_parse:
 *  - a body that is not one JSON object is a 400 without "field";
 *  - a member not among the names is a 400 naming it (or "body" when its
 *    name is longer than HTTP_MAX_KEY): the first such member;
 *  - else a named member present with a non-string value (null too) is a
 *    400 naming it, unless the name is marked '*' (any type);
 *  - else the body comes back and values[i] is the member's string (or
 *    NULL when absent; always NULL for '*' names);
 *  - every 400 is a well-formed SPEC §5 error whose field is valid
 *    UTF-8 of at most HTTP_MAX_KEY bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "fuzz.h"
#include "http_app.h"
#include "routes.h"

#define NNAMES	5

static const char *const names[NNAMES + 1] = {
	"username", "email", "displayName", "*groups", "description", NULL
};

/* The field the error must name: NULL for none, else a name. */
static const char *
want_field(const struct json *body, char *buf, size_t bufsz, int *fail)
{
	const struct json	*m;
	const char		*key;
	size_t			 i;

	*fail = 1;
	if (body == NULL || !json_is_object(body))
		return NULL;
	for (m = json_first(body); m != NULL; m = json_next(m)) {
		key = json_key(m);
		for (i = 0; i < NNAMES; i++)
			if (strcmp(names[i] + (names[i][0] == '*'), key) == 0)
				break;
		if (i == NNAMES) {
			snprintf(buf, bufsz, "%s", strlen(key) <= HTTP_MAX_KEY ?
			    key : "body");
			return buf;
		}
	}
	for (i = 0; i < NNAMES; i++) {
		if (names[i][0] == '*' || json_get(body, names[i]) == NULL ||
		    json_str(json_get(body, names[i])) != NULL)
			continue;
		snprintf(buf, bufsz, "%s", names[i]);
		return buf;
	}
	*fail = 0;
	return NULL;
}

static int
handler(struct http_req *req)
{
	struct json	*body, *ref;
	const char	*values[NNAMES], *field, *got;
	char		 buf[HTTP_MAX_KEY + 1], err[64];
	struct json	*resp, *e;
	size_t		 i;
	int		 status, fail;

	ref = json_parse(req->body, req->body_len, req->body_len, err,
	    sizeof(err));
	field = want_field(ref, buf, sizeof(buf), &fail);
	for (i = 0; i < NNAMES; i++)
		values[i] = "unset";
	body = http_json_fields(req, names, values, &status);
	if (!fail) {
		FUZZ_CHECK(body != NULL && status == 0);
		FUZZ_CHECK(req->resp_body == NULL);
		for (i = 0; i < NNAMES; i++) {
			if (names[i][0] == '*' ||
			    json_get(body, names[i]) == NULL)
				FUZZ_CHECK(values[i] == NULL);
			else {
				FUZZ_CHECK(values[i] != NULL && values[i] ==
				    json_str(json_get(body, names[i])));
				FUZZ_CHECK(strcmp(values[i], json_str(
				    json_get(ref, names[i]))) == 0);
			}
		}
		json_free(body);
		json_free(ref);
		return http_json(req, 200, json_object());
	}
	FUZZ_CHECK(body == NULL && status == 400);
	FUZZ_CHECK(req->resp_body != NULL);
	resp = json_parse(req->resp_body, req->resp_len, req->resp_len, err,
	    sizeof(err));
	FUZZ_CHECK(resp != NULL);
	e = json_get(resp, "error");
	FUZZ_CHECK(json_is_object(e));
	if (field == NULL)
		FUZZ_CHECK(json_get(e, "field") == NULL);
	else {
		FUZZ_CHECK(json_get_str(e, "field", &got) == 1);
		FUZZ_CHECK(strcmp(got, field) == 0);
		FUZZ_CHECK(strlen(got) <= HTTP_MAX_KEY);
		FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)got,
		    strlen(got), NULL));
	}
	json_free(resp);
	json_free(ref);
	return status;
}

static const struct http_route routes[] = {
	{ "POST", "/api/users", handler, 0, NULL },
	{ "GET", "/unused", fuzz_handler, 0, NULL },
};

static const struct http_app app = {
	.name = "fuzz",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.body_type = "application/json",
	.max_body = 65536,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 m[] = "REQUEST_METHOD=POST",
			 u[] = "REQUEST_URI=/api/users",
			 t[] = "CONTENT_TYPE=application/json; charset=utf-8";
	char		*env[] = { m, u, t, NULL };
	struct http_req	 req;

	(void)fuzz_patterns;
	if (size == 0 || size > app.max_body)
		return 0;
	http_req_init(&req, env);
	req.body = fuzz_str(data, size);
	req.body_len = size;
	http_dispatch(&app, &req, (long)size);
	FUZZ_CHECK(req.status == 200 || req.status == 400);
	if (req.status == 400)
		fuzz_check_error_body(&req);
	http_req_free(&req);
	return 0;
}
