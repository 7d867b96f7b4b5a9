/*
 * certm3-api: API tokens (SPEC §5 /api) — list, create, revoke.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "list.h"
#include "tokens.h"

/*
 * GET /api/tokens?userId=&limit=&offset=: newest first, never a secret.
 * 200; 400 naming a bad or unknown parameter; 401/403; 503.
 */
int
api_tokens_list(struct http_req *req)
{
	static const char *const filters[] = { "userId", NULL };
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, filters, &pg)) != 0)
		return rc;
	if ((rc = tokens_list(http_query(req, "userId"), &pg, &j, &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, j);
}

/*
 * POST /api/tokens {"name","userId"?,"expiresAt"?}: a token for userId
 * (default: the caller). 201 with the token and its secret ("token",
 * shown this once) and a Location; 400 naming the field; 401/403; 404
 * (field userId) no such active user; 503.
 */
int
api_tokens_create(struct http_req *req)
{
	static const char *const known[] = { "name", "userId", "expiresAt",
	    NULL };
	const struct principal	*p = req->principal;
	struct dom_err		 e;
	struct json		*body, *j = NULL;
	const char		*v[3], *name, *user_id, *expires_at, *id;
	char			 secret[TOKEN_LEN + 1], loc[64];
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, known, v, &rc)) == NULL)
		return rc;
	name = v[0];
	user_id = v[1];
	expires_at = v[2];
	if (name == NULL) {
		json_free(body);
		return http_error_field(req, "name", "This field is "
		    "required.");
	}
	rc = tokens_create(api_actor(req), user_id != NULL ? user_id :
	    p->user.id, name, expires_at, secret, &j, &e);
	json_free(body);
	explicit_bzero(secret, sizeof(secret));
	if (rc != 0)
		return dom_respond(req, rc, &e);
	if (json_get_str(j, "id", &id) == 1) {
		snprintf(loc, sizeof(loc), "/api/tokens/%s", id);
		http_header(req, "Location", loc);
	}
	return http_json(req, 201, j);
}

/* DELETE /api/tokens/<id>: revoke. 204; 401/403; 404; 409; 503. */
int
api_tokens_delete(struct http_req *req)
{
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = tokens_revoke(api_actor(req), http_param(req, 0), &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_send(req, 204, "application/json", "", 0);
}
