/*
 * certm3-manager: the admin console (/manager), server-rendered HTML.
 */
#include "app.h"
#include "manager.h"

static const struct http_app manager_app = {
	.name = "certm3-manager",
	.routes = manager_routes,
	.body_type = "application/x-www-form-urlencoded",
	.max_body = 65536,
};

int
main(int argc, char **argv)
{
	struct http_app	 app = manager_app;

	app.nroutes = manager_nroutes;
	return app_main(&app, argc, argv, NULL, NULL);
}
