/*
 * certm3-request: who is calling a REQ_USER route.
 *
 * A person is recognised by the session cookie a validation gave them or
 * (certificates issue) by a client certificate of ours. What a principal
 * may do is read from the database again by each handler.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "ratelimit.h"
#include "request.h"
#include "revalidate.h"
#include "session.h"

#define HOUR	3600

/* One request at a time per process: one principal. */
static struct request_principal	 principal;

/*
 * An expired certificate of ours (good signature, not revoked, active
 * owner) and no session. GET /request/api/session starts re-validation
 * (SPEC §3 step 9: the person's request becomes revalidating, a new
 * e-mail goes out, at most request_limit_email times an hour per user)
 * and answers 403 CertificateExpired with the request's id; every other
 * route answers 403 CertificateExpired and changes nothing.
 */
static int
cert_expired(struct http_req *req, const struct principal *cp)
{
	struct dom_err	 e;
	struct json	*extra;
	char		 key[64], id[UUID_LEN + 1];
	long		 wait = 0;
	int		 rc;

	if (strcmp(req->method, "GET") != 0 ||
	    strcmp(req->route->pattern, "/request/api/session") != 0)
		return http_error(req, 403, "CertificateExpired", "Your "
		    "certificate has expired; open /request/certificate to "
		    "validate your e-mail address again.");
	snprintf(key, sizeof(key), "reval:user:%s", cp->user.id);
	if ((rc = ratelimit_hit(key, cfg.request_limit_email, HOUR,
	    &wait)) != 0)
		return rc == 429 ? http_error_retry(req, wait) :
		    http_error(req, rc, NULL, "%s", rc == 503 ? "The "
		    "database is unavailable; try again shortly." : "");
	memset(&e, 0, sizeof(e));
	if ((rc = requests_revalidate(&cp->actor, cp->user.id, cp->serial, id,
	    &e)) != 0)
		return dom_respond(req, rc, &e);
	extra = json_object();
	json_add_str(extra, "requestId", id);
	return http_error_extra(req, 403, "CertificateExpired", extra,
	    "Your certificate has expired. A validation e-mail is on its way "
	    "to the address on record: validate it to get a new "
	    "certificate.");
}

/*
 * The app's authorize hook. In this order: a valid client certificate of
 * ours with an active owner (renewal, via certificate); else a valid
 * validation session; else the certificate says why not: expired (see
 * cert_expired), revoked (401 CertificateRevoked), owner inactive (403
 * UserInactive), not ours (401); else 401. A session comes before an
 * expired certificate, which browsers keep presenting after the
 * re-validation it started. 0 with req->principal set; 403 for an
 * unknown level; 500/503 when the database cannot be read. Error bodies
 * are written here.
 */
int
request_authorize(struct http_req *req, int level)
{
	struct principal	 cp;
	enum auth_status	 cst;
	const char		*cookie;
	int			 found = 0;

	memset(&principal, 0, sizeof(principal));
	if (level != REQ_USER)
		return http_error(req, 403, NULL, "%s", "");
	if ((cst = auth_cert(req, &cp, NULL)) == AUTH_DB)
		return auth_respond(req, cst, 0);
	if (cst == AUTH_OK) {
		principal.via = REQ_VIA_CERTIFICATE;
		snprintf(principal.user_id, sizeof(principal.user_id), "%s",
		    cp.user.id);
		req->principal = &principal;
		log_set_user(cp.actor_name);
		return 0;
	}
	if ((cookie = http_cookie(req, SESSION_COOKIE)) != NULL &&
	    (found = session_lookup(cookie, SESSION_KIND_REQUEST,
	    principal.user_id)) < 0)
		return http_error(req, db_status(), NULL, "%s",
		    db_status() == 503 ? "The database is unavailable; try "
		    "again shortly." : "");
	if (found == 1) {
		principal.via = REQ_VIA_VALIDATION;
		req->principal = &principal;
		log_set_user(principal.user_id);
		return 0;
	}
	if (cst != AUTH_NONE)
		log_set_user(cp.actor_name[0] != '\0' ? cp.actor_name : NULL);
	if (cst == AUTH_EXPIRED)
		return cert_expired(req, &cp);
	if (cst != AUTH_NONE)
		return auth_respond(req, cst, 0);
	if (cookie == NULL)
		return http_error(req, 401, NULL, "Validate your e-mail "
		    "address first, or present your certificate.");
	return http_error(req, 401, NULL, "Your session has ended; "
	    "validate your e-mail address again.");
}

/* The app's release hook: forget the principal after the response. */
void
request_release(struct http_req *req)
{

	req->principal = NULL;
	memset(&principal, 0, sizeof(principal));
}
