/*
 * certm3-api: certificates (SPEC §5 /api) — list, get, PEM, revoke.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "certs.h"
#include "list.h"

/*
 * GET /api/certificates?status=&userId=&username=&expiresBefore=&limit=&offset=: newest
 * first, {"data","total","limit","offset"}. 200; 400 naming a bad or
 * unknown parameter; 401/403; 503.
 */
int
api_certs_list(struct http_req *req)
{
	static const char *const filters[] = { "status", "userId",
	    "username", "expiresBefore", NULL };
	struct certs_filter	 f;
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, filters, &pg)) != 0)
		return rc;
	memset(&f, 0, sizeof(f));
	f.status = http_query(req, "status");
	f.user_id = http_query(req, "userId");
	f.username = http_query(req, "username");
	f.expires_before = http_query(req, "expiresBefore");
	if ((rc = certs_list(&f, &pg, &j, &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, j);
}

/* GET /api/certificates/<serial>: 200; 401/403; 404; 503. */
int
api_certs_get(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = certs_get(http_param(req, 0), &j, &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, j);
}

/*
 * GET /api/certificates/<serial>/pem: the certificate as
 * application/x-pem-file. 200; 401/403; 404; 503.
 */
int
api_certs_pem(struct http_req *req)
{
	struct dom_err	 e;
	char		*pem = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = certs_pem(http_param(req, 0), &pem, &e)) != 0)
		return dom_respond(req, rc, &e);
	rc = http_send(req, 200, "application/x-pem-file", pem, strlen(pem));
	free(pem);
	return rc;
}

/*
 * POST /api/certificates/<serial>/revoke {"reason"} (an RFC 5280
 * CRLReason name, default unspecified): 200 with the certificate; 400
 * (reason, unknown member, malformed body); 401/403; 404; 409 already
 * revoked; 503.
 */
int
api_certs_revoke(struct http_req *req)
{
	static const char *const known[] = { "reason", NULL };
	struct dom_err	 e;
	struct json	*body = NULL, *j = NULL;
	const char	*reason = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	/* An empty body is no reason given. */
	if (req->body_len > 0) {
		if ((body = http_json_fields(req, known, &reason, &rc)) == NULL)
			return rc;
	}
	rc = certs_revoke(api_actor(req), http_param(req, 0), reason, &j, &e);
	json_free(body);
	if (rc != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, j);
}
