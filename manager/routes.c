/*
 * certm3-manager: the route table.
 */
#include "manager.h"

const struct http_route manager_routes[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
const size_t manager_nroutes = 0;
