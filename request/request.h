/*
 * certm3-request: shared declarations of the /request front end.
 */
#ifndef CERTM3_REQUEST_H
#define CERTM3_REQUEST_H

#include <stddef.h>

#include "http.h"

enum request_auth {
	REQ_PUBLIC = 0,
	REQ_USER		/* validation session or client certificate */
};

extern const struct http_route request_routes[];
extern const size_t request_nroutes;

/* bootstrap.c: the --bootstrap-admin verb (app_main's extra hook). */
int	 request_bootstrap(int argc, char **argv);

#endif /* CERTM3_REQUEST_H */
