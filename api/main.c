/*
 * certm3-api: the JSON REST API for admins and machine clients (/api).
 * It loads the CA certificate only, never the CA key.
 */
#include "api.h"
#include "app.h"
#include "auth.h"

static int	 api_init(void);
static int	 api_authorize(struct http_req *, int);

static const struct http_app api_app = {
	.name = "certm3-api",
	.routes = api_routes,
	.authorize = api_authorize,
	.release = auth_release,
	.body_type = "application/json",
	.max_body = 65536,
};

/* Load the CA certificate (without its key) to verify clients. 0/-1. */
static int
api_init(void)
{

	return auth_init(0);
}

/*
 * Every non-public route needs an admin: a bearer token when an
 * Authorization header is sent, else a client certificate of ours.
 * 0 with req->principal set, or 401/403/500/503 with the body written.
 */
static int
api_authorize(struct http_req *req, int level)
{
	struct principal	*p;
	int			 status;

	(void)level;		/* API_ADMIN is the only level */
	if ((status = auth_admin(req, 1, &p)) != 0)
		return status;
	req->principal = p;
	return 0;
}

int
main(int argc, char **argv)
{
	struct http_app	 app = api_app;

	app.nroutes = api_nroutes;
	return app_main(&app, argc, argv, api_init, NULL);
}
