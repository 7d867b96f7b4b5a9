/*
 * Unit tests of common/http: route matching, the dispatcher's order
 * (404, 405 + Allow, 413, 415, auth, handler), params, query and cookies.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cmocka_all.h"

#include "http.h"

static int	 called;

static int
h_ok(struct http_req *req)
{
	struct json	*j = json_object();
	size_t		 i;

	called++;
	for (i = 0; i < req->nparams; i++)
		json_add_str(j, i == 0 ? "p0" : "p1", http_param(req, i));
	return http_json(req, 200, j);
}

static int
h_empty_404(struct http_req *req)
{

	(void)req;
	called++;
	return 404;
}

static int
authorize(struct http_req *req, int level)
{
	const char	*who = http_env(req, "HTTP_AUTHORIZATION");

	(void)level;
	if (who == NULL)
		return 401;
	if (strcmp(who, "Bearer admin") != 0)
		return 403;
	return 0;
}

static const struct http_route routes[] = {
	{ "GET", "/api/users", h_ok, 0, NULL },
	{ "POST", "/api/users", h_ok, 1, NULL },
	{ "GET", "/api/users/<id>", h_ok, 0, NULL },
	{ "DELETE", "/api/groups/<name>/members/<id>", h_ok, 1, NULL },
	{ "GET", "/api/gone", h_empty_404, 0, NULL },
};

static const struct http_app app = {
	.name = "test",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.authorize = authorize,
	.body_type = "application/json",
	.max_body = 100,
};

/* Dispatch a request built from env strings and an optional body. */
static void
run(struct http_req *req, char **env, const char *body)
{
	long	 len = body != NULL ? (long)strlen(body) : 0;

	http_req_init(req, env);
	if (body != NULL && len <= (long)app.max_body) {
		req->body = strdup(body);
		req->body_len = (size_t)len;
	}
	http_dispatch(&app, req, len);
}

static void
assert_error(struct http_req *req, int status, const char *name)
{
	char	 want[128];

	assert_int_equal(req->status, status);
	assert_non_null(req->resp_body);
	snprintf(want, sizeof(want), "{\"error\":{\"statusCode\":%d,"
	    "\"name\":\"%s\",\"message\":", status, name);
	if (strncmp(req->resp_body, want, strlen(want)) != 0)
		fail_msg("body %s, want prefix %s", req->resp_body, want);
}

static void
matching(void **state)
{
	struct http_req	 req;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_true(http_route_match(NULL, "/api/users", "/api/users"));
	assert_false(http_route_match(NULL, "/api/users", "/api/users/"));
	assert_false(http_route_match(NULL, "/api/users", "/api/user"));
	assert_false(http_route_match(NULL, "/api/users", "/api/usersx"));
	assert_false(http_route_match(NULL, "/api/users/<id>", "/api/users/"));
	assert_false(http_route_match(NULL, "/api/users/<id>", "/api/users"));
	assert_false(http_route_match(NULL, "/api/users/<id>",
	    "/api/users/a/b"));
	assert_true(http_route_match(&req, "/api/groups/<n>/members/<id>",
	    "/api/groups/ops/members/u%2F1"));
	assert_int_equal(req.nparams, 2);
	assert_string_equal(http_param(&req, 0), "ops");
	assert_string_equal(http_param(&req, 1), "u/1");	/* one segment */
	assert_null(http_param(&req, 2));
	/* NUL and broken escapes never match. */
	assert_false(http_route_match(&req, "/a/<x>", "/a/b%00c"));
	assert_false(http_route_match(&req, "/a/<x>", "/a/b%zz"));
	assert_false(http_route_match(&req, "/a/<x>", "/a/b%4"));
	http_req_free(&req);
}

static void
table_check(void **state)
{
	char			 err[128];
	struct http_route	 dup[2] = {
		{ "GET", "/a", h_ok, 0, NULL },
		{ "GET", "/a", h_ok, 0, NULL },
	};

	(void)state;
	assert_int_equal(http_routes_check(routes, app.nroutes, err,
	    sizeof(err)), 0);
	assert_int_equal(http_routes_check(dup, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "route GET /a: duplicate");
	dup[1].pattern = "/b";
	dup[1].handler = NULL;
	assert_int_equal(http_routes_check(dup, 2, err, sizeof(err)), -1);
}

static void
dispatch_order(void **state)
{
	struct http_req	 req;
	char		*e404[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/nothing", NULL };
	char		*e405[] = { "REQUEST_METHOD=PUT",
	    "REQUEST_URI=/api/users?x=1", NULL };
	char		*e401[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/users", NULL };
	char		*e403[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/users", "HTTP_AUTHORIZATION=Bearer x", NULL };
	char		*e413[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/users", "CONTENT_TYPE=application/json", NULL };
	char		*e415[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/users", "HTTP_AUTHORIZATION=Bearer admin",
	    "CONTENT_TYPE=text/plain", NULL };
	char		*eok[] = { "REQUEST_METHOD=POST",
	    "REQUEST_URI=/api/users", "HTTP_AUTHORIZATION=Bearer admin",
	    "CONTENT_TYPE=application/json; charset=utf-8",
	    "REMOTE_ADDR=192.0.2.1", "HTTP_X_FORWARDED_FOR=10.9.9.9", NULL };
	char		*eparam[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/users/abc%20d?limit=5", NULL };
	char		*eempty[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/gone", NULL };
	char		 big[200];

	(void)state;
	called = 0;
	run(&req, e404, NULL);
	assert_error(&req, 404, "NotFound");
	http_req_free(&req);

	run(&req, e405, NULL);
	assert_error(&req, 405, "MethodNotAllowed");
	assert_non_null(strstr(req.resp_headers, "Allow: GET, POST\r\n"));
	http_req_free(&req);

	run(&req, e401, NULL);
	assert_error(&req, 401, "Unauthorized");
	http_req_free(&req);

	run(&req, e403, NULL);
	assert_error(&req, 403, "Forbidden");
	http_req_free(&req);

	/* Size is checked before routing and authentication. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	run(&req, e413, big);
	assert_error(&req, 413, "PayloadTooLarge");
	http_req_free(&req);

	run(&req, e415, "{}");
	assert_error(&req, 415, "UnsupportedMediaType");
	http_req_free(&req);
	assert_int_equal(called, 0);

	run(&req, eok, "{}");
	assert_int_equal(req.status, 200);
	assert_string_equal(req.remote_addr, "192.0.2.1");
	assert_int_equal(called, 1);
	http_req_free(&req);

	run(&req, eparam, NULL);
	assert_int_equal(req.status, 200);
	assert_string_equal(req.resp_body, "{\"p0\":\"abc d\"}");
	assert_string_equal(http_query(&req, "limit"), "5");
	http_req_free(&req);

	/* A handler returning a bare status gets the standard body. */
	run(&req, eempty, NULL);
	assert_error(&req, 404, "NotFound");
	http_req_free(&req);
}

static void
query_and_cookies(void **state)
{
	struct http_req	 req;
	char		*env[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/users?q=a%25b+c&limit=10&empty=&flag",
	    "HTTP_COOKIE=other=1; certm3_session=abc123; x=y", NULL };
	char		*bad[] = { "REQUEST_METHOD=GET",
	    "REQUEST_URI=/api/users?q=%zz", NULL };
	long		 n;

	(void)state;
	run(&req, env, NULL);
	assert_int_equal(req.status, 200);
	assert_string_equal(http_query(&req, "q"), "a%b c");
	assert_string_equal(http_query(&req, "empty"), "");
	assert_string_equal(http_query(&req, "flag"), "");
	assert_null(http_query(&req, "nope"));
	assert_int_equal(http_query_long(&req, "limit", 50, 0, 500, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(http_query_long(&req, "offset", 0, 0, 500, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(http_query_long(&req, "q", 0, 0, 500, &n), 400);
	assert_string_equal(http_cookie(&req, "certm3_session"), "abc123");
	assert_null(http_cookie(&req, "certm3"));
	http_req_free(&req);

	run(&req, bad, NULL);
	assert_error(&req, 400, "BadRequest");
	http_req_free(&req);
}

static void
json_body(void **state)
{
	struct http_req	 req;
	struct json	*j;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.body = strdup("[1]");
	req.body_len = 3;
	assert_null(http_json_body(&req));
	assert_error(&req, 400, "BadRequest");
	http_req_free(&req);

	memset(&req, 0, sizeof(req));
	req.body = strdup("{\"a\":");
	req.body_len = 5;
	assert_null(http_json_body(&req));
	assert_non_null(strstr(req.resp_body, "Malformed JSON body"));
	http_req_free(&req);

	memset(&req, 0, sizeof(req));
	req.body = strdup("{\"a\":1}");
	req.body_len = 7;
	assert_non_null(j = http_json_body(&req));
	json_free(j);
	http_error_field(&req, "email", "not an e-mail address");
	assert_non_null(strstr(req.resp_body, "\"field\":\"email\""));
	http_header(&req, "X-Bad", "a\r\nInjected: 1");
	assert_null(req.resp_headers);
	http_req_free(&req);
}

/* Set a request's body for http_json_fields. */
static void
set_body(struct http_req *req, const char *body)
{

	memset(req, 0, sizeof(*req));
	req->body = strdup(body);
	req->body_len = strlen(body);
}

static void
json_fields(void **state)
{
	static const char *const names[] = { "name", "email", "*ids", NULL };
	struct http_req	 req;
	struct json	*j;
	const char	*v[3];
	int		 status;

	(void)state;
	set_body(&req, "{\"name\":\"x\",\"ids\":[1,2]}");
	assert_non_null(j = http_json_fields(&req, names, v, &status));
	assert_int_equal(status, 0);
	assert_string_equal(v[0], "x");
	assert_null(v[1]);		/* absent */
	assert_null(v[2]);		/* read by the caller */
	json_free(j);
	http_req_free(&req);

	set_body(&req, "{\"name\":\"x\",\"extra\":1}");
	assert_null(http_json_fields(&req, names, v, &status));
	assert_int_equal(status, 400);
	assert_non_null(strstr(req.resp_body, "\"field\":\"extra\""));
	http_req_free(&req);

	set_body(&req, "{\"email\":null}");
	assert_null(http_json_fields(&req, names, v, &status));
	assert_int_equal(status, 400);
	http_req_free(&req);

	set_body(&req, "{\"email\":5}");
	assert_null(http_json_fields(&req, names, v, &status));
	assert_int_equal(status, 400);
	assert_non_null(strstr(req.resp_body, "\"field\":\"email\""));
	http_req_free(&req);

	/* "*ids" is the name "ids", not "*ids". */
	set_body(&req, "{\"*ids\":[]}");
	assert_null(http_json_fields(&req, names, v, &status));
	assert_non_null(strstr(req.resp_body, "\"field\":\"*ids\""));
	http_req_free(&req);

	set_body(&req, "[]");
	assert_null(http_json_fields(&req, names, v, &status));
	assert_int_equal(status, 400);
	http_req_free(&req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matching),
		cmocka_unit_test(table_check),
		cmocka_unit_test(dispatch_order),
		cmocka_unit_test(query_and_cookies),
		cmocka_unit_test(json_body),
		cmocka_unit_test(json_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
