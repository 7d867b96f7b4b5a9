/*
 * certm3-api: /api/requests — thin front ends of the enrollment domain
 * operations (common/requests.h) for admins and machine clients.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "list.h"
#include "requests.h"

/* Answer a request operation with the request's admin representation. */
static int
answer(struct http_req *req, int rc, int status, const struct request *rq,
    struct dom_err *e)
{

	return dom_answer(req, rc, status, rc == 0 ?
	    requests_admin_json(rq) : NULL, e);
}

/*
 * GET /api/requests?status=&q=&limit=&offset=: 200 {"data","total",
 * "limit","offset"}, newest first; 400 naming a bad parameter; 401/403;
 * 503.
 */
int
api_requests_list(struct http_req *req)
{
	static const char *const filters[] = { "status", "q", NULL };
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, filters, &pg)) != 0)
		return rc;
	rc = requests_list(http_query(req, "status"), http_query(req, "q"),
	    &pg, &j, &e);
	if (rc != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, j);
}

/*
 * POST /api/requests {"username","displayName","email"}: a pending
 * request and its validation e-mail, as /request makes them. 201 the
 * request (never its token), with Location; 400 naming the field; 409
 * UsernameTaken, UsernameReserved or EmailTaken; 401/403; 503 (also when
 * the e-mail cannot be written).
 */
int
api_requests_create(struct http_req *req)
{
	static const char *const names[] = { "username", "displayName",
	    "email", NULL };
	struct dom_err	 e;
	struct request	 rq;
	struct json	*body;
	const char	*v[3];
	char		 loc[64];
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, v, &rc)) == NULL)
		return rc;
	rc = requests_create(api_actor(req), v[0], v[1], v[2], &rq, &e);
	json_free(body);
	if (rc == 0) {
		snprintf(loc, sizeof(loc), "/api/requests/%s", rq.id);
		http_header(req, "Location", loc);
	}
	return answer(req, rc, 201, &rq, &e);
}

/* GET /api/requests/<id>: 200 the request; 404; 401/403; 503. */
int
api_requests_get(struct http_req *req)
{
	struct dom_err	 e;
	struct request	 rq;

	memset(&e, 0, sizeof(e));
	return answer(req, requests_get(http_param(req, 0), &rq, &e), 200,
	    &rq, &e);
}

/*
 * POST /api/requests/<id>/validate {"challenge"}: validate the request
 * with the token from its e-mail, as the person would. 200 {"requestId",
 * "userId","username","created"}; 400 (field challenge); 403 user
 * deactivated; 404 unknown request or token; 409; 410 expired; 429 after
 * failures (Retry-After); 401/403; 503.
 */
int
api_requests_validate(struct http_req *req)
{
	static const char *const names[] = { "challenge", NULL };
	struct dom_err		 e;
	struct validation	 v;
	struct json		*body, *j;
	const char		*challenge;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, &challenge, &rc)) == NULL)
		return rc;
	if (challenge == NULL) {
		json_free(body);
		return http_error_field(req, "challenge", "The challenge "
		    "(the token from the validation e-mail) is required.");
	}
	rc = requests_validate(api_actor(req), http_param(req, 0), challenge,
	    0, &v, &e);
	json_free(body);
	if (rc != 0) {
		/* The domain names the token "token"; here it is "challenge". */
		if (e.field != NULL && strcmp(e.field, "token") == 0)
			e.field = "challenge";
		return dom_respond(req, rc, &e);
	}
	j = json_object();
	json_add_str(j, "requestId", v.request_id);
	json_add_str(j, "userId", v.user_id);
	json_add_str(j, "username", v.username);
	json_add_bool(j, "created", v.created);
	return http_json(req, 200, j);
}

/*
 * POST /api/requests/<id>/cancel: 200 the cancelled request; 404; 409
 * RequestNotPending; 401/403; 503.
 */
int
api_requests_cancel(struct http_req *req)
{
	struct dom_err	 e;
	struct request	 rq;

	memset(&e, 0, sizeof(e));
	return answer(req, requests_cancel(api_actor(req), http_param(req, 0),
	    &rq, &e), 200, &rq, &e);
}
