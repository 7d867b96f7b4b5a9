/*
 * certm3-api: /api/users and /api/usernames — thin front ends of the
 * users domain operations (common/users.h).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "certs.h"
#include "list.h"
#include "requests.h"
#include "users.h"

/*
 * GET /api/users?status=&q=&limit=&offset=: 200 {"data","total","limit",
 * "offset"}; 400 naming a bad or unknown parameter; 401/403; 503.
 */
int
api_users_list(struct http_req *req)
{
	static const char *const filters[] = { "status", "q", NULL };
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, filters, &pg)) != 0)
		return rc;
	rc = users_list(http_query(req, "status"), http_query(req, "q"), &pg,
	    &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * POST /api/users {"username","displayName","email"}: 201 the user, with
 * Location; 400 naming the field; 409 UsernameTaken, UsernameReserved or
 * EmailTaken (field named); 401/403; 503.
 */
int
api_users_create(struct http_req *req)
{
	static const char *const names[] = { "username", "displayName",
	    "email", NULL };
	struct dom_err	 e;
	struct json	*body, *j = NULL;
	const char	*v[3], *id;
	char		 loc[64];
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, v, &rc)) == NULL)
		return rc;
	rc = users_create(api_actor(req), v[0], v[1], v[2], &j, &e);
	json_free(body);
	if (rc != 0)
		return dom_respond(req, rc, &e);
	if (json_get_str(j, "id", &id) == 1) {
		snprintf(loc, sizeof(loc), "/api/users/%s", id);
		http_header(req, "Location", loc);
	}
	return http_json(req, 201, j);
}

/* GET /api/users/<id>: 200 the user; 404; 401/403; 503. */
int
api_users_get(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	rc = users_get(http_param(req, 0), &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * PATCH /api/users/<id> {"displayName"?,"email"?}: 200 the user; 400
 * (unknown member or bad field, named); 404; 409 EmailTaken; 401/403; 503.
 */
int
api_users_patch(struct http_req *req)
{
	static const char *const names[] = { "displayName", "email", NULL };
	struct dom_err	 e;
	struct json	*body, *j = NULL;
	const char	*v[2];
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, v, &rc)) == NULL)
		return rc;
	rc = users_update(api_actor(req), http_param(req, 0), v[0], v[1], &j,
	    &e);
	json_free(body);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * POST /api/users/<id>/deactivate: 200 the user, inactive, every active
 * certificate revoked (cessationOfOperation); 404; 401/403; 503.
 */
int
api_users_deactivate(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	rc = users_deactivate(api_actor(req), http_param(req, 0), &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/* POST /api/users/<id>/activate: 200 the user; 404; 401/403; 503. */
int
api_users_activate(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	rc = users_activate(api_actor(req), http_param(req, 0), &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * GET /api/users/<id>/groups?limit=&offset=: 200 a page of
 * {"name","displayName","description","addedAt","addedBy"}; 400; 404;
 * 401/403; 503.
 */
int
api_users_groups(struct http_req *req)
{
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, NULL, &pg)) != 0)
		return rc;
	rc = users_groups_list(http_param(req, 0), &pg, &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * GET /api/usernames/<name>: 200 {"username","available","reason"} —
 * the answer of /request/api/username/<name> (reason null, "invalid",
 * "reserved" or "taken"; an invalid name echoed lower-cased, or null when
 * it is not UTF-8); 401/403; 503.
 */
int
api_usernames_get(struct http_req *req)
{
	const char	*input = http_param(req, 0), *reason;
	char		 name[USERNAME_MAX + 1];
	char		*echo = NULL, *c;
	struct dom_err	 e;
	struct json	*j;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = requests_username_status(api_actor(req), input, name,
	    &reason, &e)) != 0)
		return dom_respond(req, rc, &e);
	if (name[0] == '\0' && json_utf8_valid(input, strlen(input)) &&
	    (echo = http_strdup(req, input)) != NULL)
		for (c = echo; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	j = json_object();
	json_add_str(j, "username", name[0] != '\0' ? name : echo);
	json_add_bool(j, "available", reason == NULL);
	json_add_str(j, "reason", reason);
	return http_json(req, 200, j);
}

/*
 * GET /api/users/<id>/certificates?status=&limit=&offset=: 200 a page of
 * the user's certificates, newest first (common/certs.h); 400; 404 no
 * such user; 401/403; 503.
 */
int
api_users_certificates(struct http_req *req)
{
	static const char *const filters[] = { "status", NULL };
	struct certs_filter	 f;
	struct list_page	 pg;
	struct dom_err		 e;
	struct user		 u;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, filters, &pg)) != 0)
		return rc;
	if ((rc = users_by_id(http_param(req, 0), &u, &e)) != 0)
		return dom_respond(req, rc, &e);
	memset(&f, 0, sizeof(f));
	f.status = http_query(req, "status");
	f.user_id = u.id;
	rc = certs_list(&f, &pg, &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}
