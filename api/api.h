/*
 * certm3-api: shared declarations of the /api front end.
 */
#ifndef CERTM3_API_H
#define CERTM3_API_H

#include <stddef.h>

#include "http.h"

enum api_auth {
	API_PUBLIC = 0,
	API_ADMIN		/* admin client certificate or bearer token */
};

extern const struct http_route api_routes[];
extern const size_t api_nroutes;

int	 api_health(struct http_req *);

#endif /* CERTM3_API_H */
