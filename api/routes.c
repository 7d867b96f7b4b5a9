/*
 * certm3-api: the route table, the health handler and the helpers the
 * handlers share.
 */
#include <string.h>

#include "api.h"
#include "auth.h"
#include "db.h"

const struct http_route api_routes[] = {
	{ "GET", "/api/health", api_health, API_PUBLIC,
	    "Liveness and database reachability" },
	{ "GET", "/api/openapi.json", api_openapi, API_ADMIN,
	    "The OpenAPI 3 description of this API" },
	{ "GET", "/api/users", api_users_list, API_ADMIN, "List users" },
	{ "POST", "/api/users", api_users_create, API_ADMIN, "Create a user" },
	{ "GET", "/api/users/<id>", api_users_get, API_ADMIN, "Get a user" },
	{ "PATCH", "/api/users/<id>", api_users_patch, API_ADMIN,
	    "Change a user's display name or e-mail address" },
	{ "POST", "/api/users/<id>/deactivate", api_users_deactivate,
	    API_ADMIN, "Deactivate a user and revoke their certificates" },
	{ "POST", "/api/users/<id>/activate", api_users_activate, API_ADMIN,
	    "Activate a user" },
	{ "GET", "/api/users/<id>/groups", api_users_groups, API_ADMIN,
	    "A user's groups" },
	{ "GET", "/api/users/<id>/certificates", api_users_certificates,
	    API_ADMIN, "A user's certificates" },
	{ "GET", "/api/usernames/<name>", api_usernames_get, API_ADMIN,
	    "Is a username available?" },
	{ "GET", "/api/groups", api_groups_list, API_ADMIN, "List groups" },
	{ "POST", "/api/groups", api_groups_create, API_ADMIN,
	    "Create a group" },
	{ "GET", "/api/groups/<name>", api_groups_get, API_ADMIN,
	    "Get a group" },
	{ "PATCH", "/api/groups/<name>", api_groups_patch, API_ADMIN,
	    "Change a group's display name or description" },
	{ "DELETE", "/api/groups/<name>", api_groups_delete, API_ADMIN,
	    "Delete a group" },
	{ "GET", "/api/groups/<name>/members", api_groups_members, API_ADMIN,
	    "A group's members" },
	{ "POST", "/api/groups/<name>/members", api_groups_add_members,
	    API_ADMIN, "Add members to a group" },
	{ "DELETE", "/api/groups/<name>/members/<userId>",
	    api_groups_remove_member, API_ADMIN,
	    "Remove a member from a group" },
	{ "GET", "/api/requests", api_requests_list, API_ADMIN,
	    "List enrollment requests" },
	{ "POST", "/api/requests", api_requests_create, API_ADMIN,
	    "Create a request and send its validation e-mail" },
	{ "GET", "/api/requests/<id>", api_requests_get, API_ADMIN,
	    "Get a request (never its token)" },
	{ "POST", "/api/requests/<id>/validate", api_requests_validate,
	    API_ADMIN, "Validate a request with its challenge" },
	{ "POST", "/api/requests/<id>/cancel", api_requests_cancel,
	    API_ADMIN, "Cancel a pending request" },
	{ "GET", "/api/audit", api_audit_list, API_ADMIN,
	    "The audit log, newest first" },
	{ "GET", "/api/certificates", api_certs_list, API_ADMIN,
	    "List certificates" },
	{ "GET", "/api/certificates/<serial>", api_certs_get, API_ADMIN,
	    "Get a certificate" },
	{ "GET", "/api/certificates/<serial>/pem", api_certs_pem, API_ADMIN,
	    "A certificate as PEM" },
	{ "POST", "/api/certificates/<serial>/revoke", api_certs_revoke,
	    API_ADMIN, "Revoke a certificate" },
	{ "GET", "/api/tokens", api_tokens_list, API_ADMIN,
	    "List API tokens" },
	{ "POST", "/api/tokens", api_tokens_create, API_ADMIN,
	    "Create an API token" },
	{ "DELETE", "/api/tokens/<id>", api_tokens_delete, API_ADMIN,
	    "Revoke an API token" },
};
const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);

/*
 * GET /api/health: 200 {"status":"ok","database":"ok"}, or 503
 * {"status":"degraded","database":"unavailable"}.
 */
int
api_health(struct http_req *req)
{
	struct json	*j = json_object();
	int		 up = db_ping();

	json_add_str(j, "status", up ? "ok" : "degraded");
	json_add_str(j, "database", up ? "ok" : "unavailable");
	return http_json(req, up ? 200 : 503, j);
}

const struct actor *
api_actor(const struct http_req *req)
{
	static const struct actor	 nobody = { "anonymous", NULL };
	const struct principal		*p = req->principal;

	/* Only reached unauthenticated if a route's level were wrong. */
	return p != NULL ? &p->actor : &nobody;
}
