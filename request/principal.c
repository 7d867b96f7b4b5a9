/*
 * certm3-request: who is calling a REQ_USER route.
 *
 * A person is recognised by the session cookie a validation gave them or
 * (certificates issue) by a client certificate of ours. What a principal
 * may do is read from the database again by each handler.
 */
#include <string.h>

#include "db.h"
#include "log.h"
#include "request.h"
#include "session.h"

/* One request at a time per process: one principal. */
static struct request_principal	 principal;

/*
 * The app's authorize hook. 0 with req->principal set; 401 without a
 * valid session; 403 for an unknown level; 500/503 when the database
 * cannot be read. Error bodies are written here.
 */
int
request_authorize(struct http_req *req, int level)
{
	const char	*cookie;
	int		 found;

	memset(&principal, 0, sizeof(principal));
	if (level != REQ_USER)
		return http_error(req, 403, NULL, "%s", "");
	/*
	 * Client certificates (certificates issue) are checked here, before
	 * the cookie: one of ours, valid and not revoked, with an active
	 * owner, sets principal.via = REQ_VIA_CERTIFICATE and the owner's
	 * id; an expired one starts re-validation and answers 403
	 * CertificateExpired.
	 */
	if ((cookie = http_cookie(req, SESSION_COOKIE)) == NULL)
		return http_error(req, 401, NULL, "Validate your e-mail "
		    "address first, or present your certificate.");
	found = session_lookup(cookie, SESSION_KIND_REQUEST,
	    principal.user_id);
	if (found < 0)
		return http_error(req, db_status(), NULL, "%s",
		    db_status() == 503 ? "The database is unavailable; try "
		    "again shortly." : "");
	if (found == 0)
		return http_error(req, 401, NULL, "Your session has ended; "
		    "validate your e-mail address again.");
	principal.via = REQ_VIA_VALIDATION;
	req->principal = &principal;
	log_set_user(principal.user_id);
	return 0;
}

/* The app's release hook: forget the principal after the response. */
void
request_release(struct http_req *req)
{

	req->principal = NULL;
	memset(&principal, 0, sizeof(principal));
}
