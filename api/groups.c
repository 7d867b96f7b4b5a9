/*
 * certm3-api: /api/groups — thin front ends of the groups domain
 * operations (common/groups.h).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "groups.h"
#include "list.h"

/*
 * GET /api/groups?limit=&offset=: 200 a page of groups with memberCount;
 * 400; 401/403; 503.
 */
int
api_groups_list(struct http_req *req)
{
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, NULL, &pg)) != 0)
		return rc;
	rc = groups_list(&pg, &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * POST /api/groups {"name","displayName"?,"description"?}: 201 the group,
 * with Location; 400 naming the field; 409 exists; 401/403; 503.
 */
int
api_groups_create(struct http_req *req)
{
	static const char *const names[] = { "name", "displayName",
	    "description", NULL };
	struct dom_err	 e;
	struct json	*body, *j = NULL;
	const char	*v[3], *name;
	char		 loc[64];
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, v, &rc)) == NULL)
		return rc;
	rc = groups_create(api_actor(req), v[0], v[1], v[2], &j, &e);
	json_free(body);
	if (rc != 0)
		return dom_respond(req, rc, &e);
	if (json_get_str(j, "name", &name) == 1) {
		snprintf(loc, sizeof(loc), "/api/groups/%s", name);
		http_header(req, "Location", loc);
	}
	return http_json(req, 201, j);
}

/* GET /api/groups/<name>: 200 the group; 404; 401/403; 503. */
int
api_groups_get(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	rc = groups_get(http_param(req, 0), &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * PATCH /api/groups/<name> {"displayName"?,"description"?}: 200 the
 * group; 400 (unknown member, "name": groups are not renamed, or a bad
 * field); 404; 401/403; 503.
 */
int
api_groups_patch(struct http_req *req)
{
	static const char *const names[] = { "displayName", "description",
	    NULL };
	struct dom_err	 e;
	struct json	*body, *j = NULL;
	const char	*v[2];
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, v, &rc)) == NULL)
		return rc;
	rc = groups_update(api_actor(req), http_param(req, 0), v[0], v[1], &j,
	    &e);
	json_free(body);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * DELETE /api/groups/<name>: 204; 403 for `users` and the admin group;
 * 404; 401/403; 503.
 */
int
api_groups_delete(struct http_req *req)
{
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = groups_delete(api_actor(req), http_param(req, 0), &e)) != 0)
		return dom_respond(req, rc, &e);
	return 204;
}

/*
 * GET /api/groups/<name>/members?limit=&offset=: 200 a page of members;
 * 400; 404; 401/403; 503.
 */
int
api_groups_members(struct http_req *req)
{
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, NULL, &pg)) != 0)
		return rc;
	rc = groups_members(http_param(req, 0), &pg, &j, &e);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * POST /api/groups/<name>/members {"userIds":["…"]}: 200 {"group",
 * "added","alreadyMembers"}; all or nothing. 400 (field userIds); 404 no
 * such group, or naming the first unknown user ("userId"); 401/403; 503.
 */
int
api_groups_add_members(struct http_req *req)
{
	static const char *const names[] = { "*userIds", NULL };
	const char	*ids[GROUPS_ADD_MAX], *unused;
	struct dom_err	 e;
	struct json	*body, *arr, *j = NULL;
	size_t		 i, n;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((body = http_json_fields(req, names, &unused, &rc)) == NULL)
		return rc;
	if (json_get_array(body, "userIds", &arr) != 1 ||
	    (n = json_array_len(arr)) == 0 || n > GROUPS_ADD_MAX) {
		json_free(body);
		return http_error_field(req, "userIds", "userIds is an array "
		    "of 1 to 500 user ids.");
	}
	for (i = 0; i < n; i++)
		if ((ids[i] = json_str(json_array_at(arr, i))) == NULL) {
			json_free(body);
			return http_error_field(req, "userIds", "Every "
			    "element of userIds is a user id (string).");
		}
	rc = groups_add_members(api_actor(req), http_param(req, 0), ids, n,
	    &j, &e);
	json_free(body);
	return dom_answer(req, rc, 200, j, &e);
}

/*
 * DELETE /api/groups/<name>/members/<userId>: 204; 403 from `users`; 404
 * no such group or not a member; 401/403; 503.
 */
int
api_groups_remove_member(struct http_req *req)
{
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = groups_remove_member(api_actor(req), http_param(req, 0),
	    http_param(req, 1), &e)) != 0)
		return dom_respond(req, rc, &e);
	return 204;
}
