/*
 * certm3-api: the JSON REST API for admins and machine clients (/api).
 */
#include "api.h"
#include "app.h"

static const struct http_app api_app = {
	.name = "certm3-api",
	.routes = api_routes,
	.body_type = "application/json",
	.max_body = 65536,
};

int
main(int argc, char **argv)
{
	struct http_app	 app = api_app;

	app.nroutes = api_nroutes;
	return app_main(&app, argc, argv, NULL, NULL);
}
