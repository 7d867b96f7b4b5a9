/*
 * certm3-request: the route table.
 */
#include "request.h"

const struct http_route request_routes[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
const size_t request_nroutes = 0;
