/*
 * certm3-manager: shared declarations of the /manager admin console.
 */
#ifndef CERTM3_MANAGER_H
#define CERTM3_MANAGER_H

#include <stddef.h>

#include "http.h"

enum manager_auth {
	MGR_PUBLIC = 0,
	MGR_ADMIN		/* admin client certificate */
};

extern const struct http_route manager_routes[];
extern const size_t manager_nroutes;

#endif /* CERTM3_MANAGER_H */
