/*
 * certm3-manager: the admin console (/manager), server-rendered HTML.
 * Admins authenticate with their client certificate (browsers present
 * it; no passwords). It loads the CA certificate only, never the key.
 */
#include <string.h>

#include "app.h"
#include "auth.h"
#include "manager.h"

static int	 manager_init(void);
static int	 manager_authorize(struct http_req *, int);

static const struct http_app manager_app = {
	.name = "certm3-manager",
	.routes = manager_routes,
	.authorize = manager_authorize,
	.error_body = mgr_error_page,
	.release = auth_release,
	.body_type = "application/x-www-form-urlencoded",
	.max_body = 65536,
};

/* Load the CA certificate and register our statements. 0/-1. */
static int
manager_init(void)
{

	if (db_register(csrf_stmts, csrf_nstmts) == -1)
		return -1;
	return auth_init(0);
}

/*
 * Every page needs an administrator's client certificate (no tokens
 * here), and every POST a valid CSRF token bound to it. 0 with
 * req->principal set, or 401/403/500/503 with a readable page written.
 */
static int
manager_authorize(struct http_req *req, int level)
{
	struct principal	*p;
	int			 status;

	(void)level;		/* MGR_ADMIN is the only level */
	if ((status = auth_admin(req, 0, &p)) != 0) {
		/* Replace the JSON error with a page. */
		mgr_error_page(req, status);
		return status;
	}
	req->principal = p;
	/* Every state-changing form carries its CSRF token: one check here. */
	if (strcmp(req->method, "POST") == 0)
		return mgr_csrf_check(req);
	return 0;
}

const char *
mgr_admin_name(const struct http_req *req)
{
	const struct principal	*p = req->principal;

	return p != NULL ? p->user.username : NULL;
}

const char *
mgr_admin_binding(const struct http_req *req)
{
	const struct principal	*p = req->principal;

	return p != NULL ? p->serial : "";
}

int
main(int argc, char **argv)
{
	struct http_app	 app = manager_app;

	app.nroutes = manager_nroutes;
	return app_main(&app, argc, argv, manager_init, NULL);
}
