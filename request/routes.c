/*
 * certm3-request: the route table.
 */
#include "request.h"

const struct http_route request_routes[] = {
	{ "GET", "/request/api/username/<name>", enroll_username, REQ_PUBLIC,
	    "Is a username available" },
	{ "POST", "/request/api/requests", enroll_create, REQ_PUBLIC,
	    "Request enrollment: store a request, send the validation e-mail" },
	{ "GET", "/request/api/requests/<id>", enroll_get, REQ_PUBLIC,
	    "A request's state" },
	{ "POST", "/request/api/requests/<id>/resend", enroll_resend,
	    REQ_PUBLIC, "A new validation e-mail; the old token dies" },
	{ "POST", "/request/api/validate", enroll_validate, REQ_PUBLIC,
	    "Validate a token: create the user, start a session" },
	{ "GET", "/request/api/session", enroll_session, REQ_USER,
	    "Who the session or certificate is, and the CSR's fixed fields" },
	{ "POST", "/request/api/certificate", cert_submit, REQ_USER,
	    "Issue a certificate for a CSR (validation session or renewal)" },
	{ "GET", "/request/ca.pem", cert_ca_pem, REQ_PUBLIC,
	    "The CA certificate" },
	{ "GET", "/request/crl.pem", cert_crl_pem, REQ_PUBLIC,
	    "The current CRL" },
};
const size_t request_nroutes = sizeof(request_routes) /
    sizeof(request_routes[0]);
