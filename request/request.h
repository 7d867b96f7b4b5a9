/*
 * certm3-request: shared declarations of the /request front end.
 */
#ifndef CERTM3_REQUEST_H
#define CERTM3_REQUEST_H

#include <stddef.h>

#include "http.h"
#include "valid.h"

enum request_auth {
	REQ_PUBLIC = 0,
	REQ_USER		/* validation session or client certificate */
};

/* How the caller of a REQ_USER route was recognised. */
enum request_via {
	REQ_VIA_VALIDATION,	/* the session cookie of a validation */
	REQ_VIA_CERTIFICATE	/* a valid client certificate of ours */
};

/* req->principal of a REQ_USER route. */
struct request_principal {
	enum request_via via;
	char		 user_id[UUID_LEN + 1];
};

extern const struct http_route request_routes[];
extern const size_t request_nroutes;

/* principal.c: the app's authorize and release hooks. */
int	 request_authorize(struct http_req *, int level);
void	 request_release(struct http_req *);

/* enroll.c: enrollment and validation (SPEC §3 steps 1-4). */
int	 enroll_username(struct http_req *);
int	 enroll_create(struct http_req *);
int	 enroll_get(struct http_req *);
int	 enroll_resend(struct http_req *);
int	 enroll_validate(struct http_req *);
int	 enroll_session(struct http_req *);

/* certs.c: the CA certificate, the CRL, issuance (SPEC §3 steps 5-8). */
int	 cert_ca_pem(struct http_req *);
int	 cert_crl_pem(struct http_req *);
int	 cert_submit(struct http_req *);

/* bootstrap.c: the --bootstrap-admin verb (app_main's extra hook). */
int	 request_bootstrap(int argc, char **argv);

#endif /* CERTM3_REQUEST_H */
