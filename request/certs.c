/*
 * certm3-request: the CA certificate, the CRL and issuance (SPEC §3
 * steps 5-8, §4, §5 /request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "certs.h"
#include "config.h"
#include "ratelimit.h"
#include "request.h"

#define HOUR	3600

/*
 * GET /request/ca.pem: the CA certificate, PEM, as
 * application/pem-certificate-chain (RFC 8555 §9.1), cacheable for an
 * hour. 200.
 */
int
cert_ca_pem(struct http_req *req)
{
	const char	*pem = ca_cert_pem(auth_ca());

	http_header(req, "Cache-Control", "public, max-age=3600");
	return http_send(req, 200, "application/pem-certificate-chain", pem,
	    strlen(pem));
}

/*
 * GET /request/crl.pem: the current CRL, PEM, as application/x-pem-file
 * (application/pkix-crl is DER). Remade when revocations changed or it is
 * past half its lifetime (certs_crl); caches must revalidate. 200;
 * 500/503.
 */
int
cert_crl_pem(struct http_req *req)
{
	struct dom_err	 e;
	char		*pem = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = certs_crl(&pem, &e)) != 0)
		return dom_respond(req, rc, &e);
	http_header(req, "Cache-Control", "public, no-cache");
	rc = http_send(req, 200, "application/x-pem-file", pem, strlen(pem));
	free(pem);
	return rc;
}

/*
 * POST /request/api/certificate {"csr":"PEM","groups":["…"]}, for the
 * person of the validation session or of a valid client certificate
 * (renewal). Submissions count against cert_limit_user per hour and
 * refusals (400, 403, 422) start an exponential backoff, both per user.
 * 200 {"certificate","chain","serial","notAfter"}; 400 (csr, groups,
 * unknown member); 401; 403 (a group that is no membership, extra
 * "group"; an inactive user); 422 (key policy, signature, or "mismatch":
 * ["commonName","emailAddress"]); 429 with Retry-After; 500/503.
 */
int
cert_submit(struct http_req *req)
{
	static const char *const names[] = { "csr", "*groups", NULL };
	const struct request_principal	*p = req->principal;
	struct actor			 self = { NULL, req->remote_addr };
	struct dom_err			 e;
	struct json			*body = NULL, *groups = NULL, *j = NULL;
	const char			*csr = NULL, *v[2];
	char				 count_key[64], fail_key[64];
	long				 wait = 0;
	int				 rc;

	memset(&e, 0, sizeof(e));
	snprintf(count_key, sizeof(count_key), "cert:user:%s", p->user_id);
	snprintf(fail_key, sizeof(fail_key), "cert:fail:%s", p->user_id);
	if ((rc = ratelimit_blocked(fail_key, &wait)) != 0 ||
	    (rc = ratelimit_hit(count_key, cfg.cert_limit_user, HOUR,
	    &wait)) != 0)
		return rc == 429 ? http_error_retry(req, wait) :
		    http_error(req, rc, NULL, "%s", rc == 503 ? "The "
		    "database is unavailable; try again shortly." : "");
	if ((body = http_json_fields(req, names, v, &rc)) == NULL)
		goto out;
	if ((csr = v[0]) == NULL) {
		rc = http_error_field(req, "csr", "csr is a PEM PKCS#10 "
		    "certificate request.");
		goto out;
	}
	if (json_get_array(body, "groups", &groups) == -1) {
		rc = http_error_field(req, "groups", "groups is an array of "
		    "group names.");
		goto out;
	}
	if ((rc = certs_issue(&self, p->user_id, csr, strlen(csr), groups,
	    &j, &e)) != 0) {
		rc = dom_respond(req, rc, &e);
		goto out;
	}
	(void)ratelimit_clear(fail_key);
	rc = http_json(req, 200, j);
out:
	if (rc == 400 || rc == 403 || rc == 422)
		(void)ratelimit_fail(fail_key);
	json_free(body);
	return rc;
}
