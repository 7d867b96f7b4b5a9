/*
 * certm3-request: enrollment, validation, issuance and renewal
 * (/request). The only process that loads the CA private key.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "config.h"
#include "request.h"

static int	 request_init(void);

static const struct http_app request_app = {
	.name = "certm3-request",
	.routes = request_routes,
	.authorize = request_authorize,
	.release = request_release,
	.body_type = "application/json",
	.max_body = 65536,
};

/*
 * Load the CA with its private key before serving (and before the
 * bootstrap verb): a key file readable by group or others, or one that
 * does not match the certificate, stops the program (exit 1, reason
 * logged). 0/-1.
 */
static int
request_init(void)
{

	return auth_init(1);
}

/* --help: the verbs app_main knows, and ours. */
static void
usage(const char *prog)
{

	fprintf(stderr, "usage: %s [--check-config | --migrate [dir]]\n"
	    "       %s --bootstrap-admin USERNAME EMAIL OUTDIR\n"
	    "  serves FastCGI on the socket passed as fd 0 (spawn-fcgi)\n"
	    "  --bootstrap-admin makes (or re-equips) an administrator: a "
	    "client\n  certificate and an API token, written to OUTDIR\n"
	    "  configuration: $CERTM3_CONFIG or %s\n", prog, prog,
	    CONFIG_PATH_DEFAULT);
}

int
main(int argc, char **argv)
{
	struct http_app	 app = request_app;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(argv[0]);
		return 0;
	}
	app.nroutes = request_nroutes;
	return app_main(&app, argc, argv, request_init, request_bootstrap);
}
