/*
 * certm3-request: enrollment, validation, issuance and renewal
 * (/request). The only process that loads the CA private key.
 */
#include "app.h"
#include "request.h"

static const struct http_app request_app = {
	.name = "certm3-request",
	.routes = request_routes,
	.body_type = "application/json",
	.max_body = 65536,
};

int
main(int argc, char **argv)
{
	struct http_app	 app = request_app;

	app.nroutes = request_nroutes;
	return app_main(&app, argc, argv, NULL, NULL);
}
