/*
 * certm3-api: shared declarations of the /api front end.
 */
#ifndef CERTM3_API_H
#define CERTM3_API_H

#include <stddef.h>

#include "audit.h"
#include "http.h"
#include "json.h"

enum api_auth {
	API_PUBLIC = 0,
	API_ADMIN		/* admin client certificate or bearer token */
};

extern const struct http_route api_routes[];
extern const size_t api_nroutes;

int	 api_health(struct http_req *);
int	 api_openapi(struct http_req *);

/* api/openapi.json, embedded at build time (NUL-terminated). */
extern const unsigned char api_openapi_json[];
extern const size_t api_openapi_json_len;

/* Shared helpers of the handlers (routes.c). */
/* The authenticated caller as an audit actor (set by authorize). */
const struct actor *api_actor(const struct http_req *);

/* users.c */
int	 api_users_list(struct http_req *);
int	 api_users_create(struct http_req *);
int	 api_users_get(struct http_req *);
int	 api_users_patch(struct http_req *);
int	 api_users_deactivate(struct http_req *);
int	 api_users_activate(struct http_req *);
int	 api_users_groups(struct http_req *);
int	 api_users_certificates(struct http_req *);
int	 api_usernames_get(struct http_req *);

/* requests.c */
int	 api_requests_list(struct http_req *);
int	 api_requests_create(struct http_req *);
int	 api_requests_get(struct http_req *);
int	 api_requests_validate(struct http_req *);
int	 api_requests_cancel(struct http_req *);

/* groups.c */
int	 api_groups_list(struct http_req *);
int	 api_groups_create(struct http_req *);
int	 api_groups_get(struct http_req *);
int	 api_groups_patch(struct http_req *);
int	 api_groups_delete(struct http_req *);
int	 api_groups_members(struct http_req *);
int	 api_groups_add_members(struct http_req *);
int	 api_groups_remove_member(struct http_req *);

/* audit.c */
int	 api_audit_list(struct http_req *);

/* certs.c */
int	 api_certs_list(struct http_req *);
int	 api_certs_get(struct http_req *);
int	 api_certs_pem(struct http_req *);
int	 api_certs_revoke(struct http_req *);

/* tokens.c */
int	 api_tokens_list(struct http_req *);
int	 api_tokens_create(struct http_req *);
int	 api_tokens_delete(struct http_req *);

#endif /* CERTM3_API_H */
