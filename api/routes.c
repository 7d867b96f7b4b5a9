/*
 * certm3-api: the route table and the health handler.
 */
#include "api.h"
#include "db.h"

const struct http_route api_routes[] = {
	{ "GET", "/api/health", api_health, API_PUBLIC,
	    "Liveness and database reachability" },
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
