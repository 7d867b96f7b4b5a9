/*
 * Unit tests of common/auth: what is decided without the database — no
 * credential, malformed credentials, the answers in the SPEC §5 error
 * shape, actor names.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cmocka_all.h"

#include "auth.h"
#include "json.h"

/* A request with the given FastCGI parameters ("NAME=value"). */
static void
req_with(struct http_req *req, char **envp)
{

	http_req_init(req, envp);
}

/* The error object of the response: its name, and its status. */
static void
assert_error(struct http_req *req, int status, const char *name)
{
	struct json	*j, *err;
	const char	*got;
	long long	 code;
	char		 why[64];

	assert_non_null(req->resp_body);
	j = json_parse(req->resp_body, req->resp_len, req->resp_len, why,
	    sizeof(why));
	assert_non_null(j);
	err = json_get(j, "error");
	assert_non_null(err);
	assert_int_equal(json_get_int(err, "statusCode", &code), 1);
	assert_int_equal(code, status);
	assert_int_equal(json_get_str(err, "name", &got), 1);
	assert_string_equal(got, name);
	assert_int_equal(json_get_str(err, "message", &got), 1);
	assert_true(strlen(got) > 0);
	json_free(j);
}

static void
test_no_credentials(void **state)
{
	char			*env[] = { "REQUEST_METHOD=GET", NULL };
	char			*env_empty[] = { "SSL_CLIENT_CERT=",
	    "HTTP_AUTHORIZATION=", NULL };
	struct http_req		 req;
	struct principal	 p;

	(void)state;
	req_with(&req, env);
	assert_int_equal(auth_cert(&req, &p, NULL), AUTH_NONE);
	assert_int_equal(auth_token(&req, &p), AUTH_NONE);
	http_req_free(&req);
	req_with(&req, env_empty);
	assert_int_equal(auth_cert(&req, &p, NULL), AUTH_NONE);
	assert_int_equal(auth_token(&req, &p), AUTH_NONE);
	http_req_free(&req);
}

static void
test_malformed_certificates(void **state)
{
	char			*envs[][2] = {
		{ "SSL_CLIENT_CERT=garbage", NULL },
		{ "SSL_CLIENT_CERT=%2", NULL },
		{ "SSL_CLIENT_CERT=%00", NULL },
		{ "SSL_CLIENT_CERT=-----BEGIN%20CERTIFICATE-----%0AAAAA%0A"
		    "-----END%20CERTIFICATE-----%0A", NULL },
	};
	struct http_req		 req;
	struct principal	 p;
	struct ca_client	 cl;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		req_with(&req, envs[i]);
		assert_int_equal(auth_cert(&req, &p, &cl), AUTH_INVALID);
		assert_string_equal(cl.serial, "");
		assert_string_equal(p.user.id, "");
		http_req_free(&req);
	}
}

static void
test_malformed_tokens(void **state)
{
	/* None of these reach the database: they cannot be tokens. */
	char			*envs[][2] = {
		{ "HTTP_AUTHORIZATION=Basic YWRtaW46YWRtaW4=", NULL },
		{ "HTTP_AUTHORIZATION=Bearer", NULL },
		{ "HTTP_AUTHORIZATION=Bearer ", NULL },
		{ "HTTP_AUTHORIZATION=Bearer short", NULL },
		{ "HTTP_AUTHORIZATION=Bearer "
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", NULL },
		{ "HTTP_AUTHORIZATION=Bearer "
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/", NULL },
		{ "HTTP_AUTHORIZATION=Bearer "
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL },
	};
	struct http_req		 req;
	struct principal	 p;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		req_with(&req, envs[i]);
		assert_int_equal(auth_token(&req, &p), AUTH_INVALID);
		http_req_free(&req);
	}
}

static void
test_respond(void **state)
{
	static const struct {
		enum auth_status	 st;
		int			 status;
		const char		*name;
		int			 challenge;
	} cases[] = {
		{ AUTH_NONE, 401, "Unauthorized", 1 },
		{ AUTH_INVALID, 401, "Unauthorized", 1 },
		{ AUTH_REVOKED, 401, "CertificateRevoked", 1 },
		{ AUTH_EXPIRED, 401, "CertificateExpired", 1 },
		{ AUTH_INACTIVE, 403, "UserInactive", 0 },
	};
	char			*env[] = { NULL };
	struct http_req		 req;
	size_t			 i;
	int			 bearer;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (bearer = 0; bearer < 2; bearer++) {
			req_with(&req, env);
			assert_int_equal(auth_respond(&req, cases[i].st,
			    bearer), cases[i].status);
			assert_error(&req, cases[i].status, cases[i].name);
			if (bearer && cases[i].challenge)
				assert_non_null(strstr(req.resp_headers,
				    "WWW-Authenticate: Bearer realm=\"certm3\""));
			else
				assert_null(req.resp_headers);
			http_req_free(&req);
		}
	req_with(&req, env);
	assert_int_equal(auth_respond(&req, AUTH_OK, 1), 0);
	assert_null(req.resp_body);
	http_req_free(&req);
}

static void
test_actor(void **state)
{
	char			*env[] = { "REMOTE_ADDR=192.0.2.7", NULL };
	struct http_req		 req;
	struct principal	 p;

	(void)state;
	req_with(&req, env);
	memset(&p, 0, sizeof(p));
	snprintf(p.user.username, sizeof(p.user.username), "alice");
	p.via = AUTH_VIA_CERT;
	auth_set_actor(&req, &p);
	assert_string_equal(p.actor.name, "alice");
	assert_string_equal(p.actor.addr, "192.0.2.7");
	p.via = AUTH_VIA_TOKEN;
	snprintf(p.token_id, sizeof(p.token_id),
	    "1b2c3d4e-0000-4000-8000-000000000000");
	auth_set_actor(&req, &p);
	assert_string_equal(p.actor.name, "alice (token 1b2c3d4e)");
	http_req_free(&req);
}

static void
test_release(void **state)
{
	struct http_req	 req;

	(void)state;
	memset(&req, 0, sizeof(req));
	auth_release(&req);
	req.principal = calloc(1, sizeof(struct principal));
	auth_release(&req);
	assert_null(req.principal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_credentials),
		cmocka_unit_test(test_malformed_certificates),
		cmocka_unit_test(test_malformed_tokens),
		cmocka_unit_test(test_respond),
		cmocka_unit_test(test_actor),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
