/*
 * certm3-manager: certificates — list by status, user and expiry,
 * detail, PEM download, revocation with an RFC 5280 reason
 * (common/certs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca.h"
#include "certs.h"
#include "manager.h"
#include "valid.h"

/* The groups a certificate names, comma-separated. */
static void
groups_text(struct html *h, const struct json *c)
{
	const struct json	*g = json_get(c, "groups");
	size_t			 i;

	for (i = 0; i < json_array_len(g); i++)
		html_fmt(h, "%R%s", i > 0 ? ", " : "",
		    json_str(json_array_at(g, i)));
}

void
mgr_certs_table(struct html *h, const struct json *list)
{
	const struct json	*data = json_get(list, "data"), *c;
	size_t			 i, n = json_array_len(data);

	if (n == 0) {
		html_raw(h, "<p>No certificates.</p>");
		return;
	}
	html_raw(h, "<div class=\"table-wrap\"><table><thead><tr>"
	    "<th scope=\"col\">Serial</th><th scope=\"col\">User</th>"
	    "<th scope=\"col\">Groups</th><th scope=\"col\">Valid until</th>"
	    "<th scope=\"col\">Status</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		c = json_array_at(data, i);
		html_fmt(h, "<tr><td class=\"mono\"><a href=\"/manager/"
		    "certificates/%s\">%s</a></td><td><a href=\"/manager/"
		    "users/%s\">%s</a></td><td>", mgr_str(c, "serial"),
		    mgr_str(c, "serial"), mgr_str(c, "userId"),
		    mgr_str(c, "username"));
		groups_text(h, c);
		html_raw(h, "</td><td>");
		mgr_time(h, mgr_str(c, "notAfter"));
		html_raw(h, "</td><td>");
		mgr_status(h, mgr_str(c, "status"));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
}

/*
 * GET /manager/certificates?status=&username=&expiresBefore=&offset=:
 * filter form and one page (expiresBefore: a date, YYYY-MM-DD, or a
 * full UTC time). 200; 400 page for a bad filter; 503.
 */
int
mgr_certs_list(struct http_req *req)
{
	const char		*status = mgr_query(req, "status");
	const char		*username = mgr_query(req, "username");
	const char		*before = mgr_query(req, "expiresBefore");
	const char		*kv[] = { "status", status, "username",
	    username, "expiresBefore", before, NULL };
	char			 iso[32];
	struct certs_filter	 f;
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*list = NULL;
	struct html		 h;
	int			 rc;

	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	f.status = *status != '\0' ? status : NULL;
	f.username = *username != '\0' ? username : NULL;
	/* <input type=date> sends a day: the start of it, UTC. */
	if (strlen(before) == 10) {
		snprintf(iso, sizeof(iso), "%sT00:00:00Z", before);
		f.expires_before = iso;
	} else if (*before != '\0')
		f.expires_before = before;
	mgr_list_page(req, &pg);
	if ((rc = certs_list(&f, &pg, &list, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_CERTIFICATES,
		    "/manager/certificates", "All certificates");
	html_init(&h);
	mgr_page_begin(req, &h, "Certificates", MGR_CERTIFICATES);
	html_raw(&h, "<form class=\"search\" method=\"get\" "
	    "action=\"/manager/certificates\" role=\"search\">"
	    "<div><label for=\"status\">Status</label>"
	    "<select id=\"status\" name=\"status\">");
	mgr_option(&h, "", "any", status);
	mgr_option(&h, "active", "active", status);
	mgr_option(&h, "revoked", "revoked", status);
	html_fmt(&h, "</select></div><div><label for=\"username\">User"
	    "</label><input type=\"text\" id=\"username\" name=\"username\" "
	    "value=\"%s\" maxlength=\"32\" autocapitalize=\"none\" "
	    "spellcheck=\"false\"></div><div><label for=\"expiresBefore\">"
	    "Valid now, expiring before</label><input type=\"date\" "
	    "id=\"expiresBefore\" name=\"expiresBefore\" value=\"%s\"></div>"
	    "<button type=\"submit\">Filter</button></form>", username,
	    strlen(before) == 10 ? before : "");
	mgr_certs_table(&h, list);
	mgr_pager(req, &h, "/manager/certificates", kv, list);
	json_free(list);
	return mgr_page_end(req, &h, 200);
}

/*
 * GET /manager/certificates/<serial>: subject, SAN, serial, fingerprint,
 * validity, status and revocation; PEM download; revoke form while
 * active. 200; 404; 503.
 */
int
mgr_certs_get(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*c = NULL;
	struct html	 h;
	char		*pem = NULL, subject[1024];
	const char	*serial, *status;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = certs_get(http_param(req, 0), &c, &e)) != 0 ||
	    (rc = certs_pem(http_param(req, 0), &pem, &e)) != 0) {
		json_free(c);
		return mgr_fail(req, rc, &e, MGR_CERTIFICATES,
		    "/manager/certificates", "All certificates");
	}
	if (ca_pem_subject(pem, subject, sizeof(subject)) == -1)
		snprintf(subject, sizeof(subject), "(unreadable)");
	free(pem);
	serial = mgr_str(c, "serial");
	status = mgr_str(c, "status");
	html_init(&h);
	mgr_page_crumbs(req, &h, serial, MGR_CERTIFICATES, NULL, NULL);
	mgr_notice(req, &h);
	html_fmt(&h, "<dl class=\"props\"><dt>Status</dt><dd>");
	mgr_status(&h, status);
	html_fmt(&h, "</dd><dt>User</dt><dd><a href=\"/manager/users/%s\">%s"
	    "</a></dd><dt>Subject</dt><dd class=\"mono\">%s</dd>"
	    "<dt>SAN e-mail</dt><dd>%s</dd><dt>SAN groups</dt><dd>",
	    mgr_str(c, "userId"), mgr_str(c, "username"), subject,
	    mgr_str(c, "email"));
	groups_text(&h, c);
	html_fmt(&h, "</dd><dt>Serial</dt><dd class=\"mono\">%s</dd>"
	    "<dt>SHA-256 fingerprint</dt><dd class=\"mono\">%s</dd>"
	    "<dt>Key</dt><dd>%s</dd><dt>Valid from</dt><dd>", serial,
	    mgr_str(c, "fingerprint"), mgr_str(c, "keyType"));
	mgr_time(&h, mgr_str(c, "notBefore"));
	html_raw(&h, "</dd><dt>Valid until</dt><dd>");
	mgr_time(&h, mgr_str(c, "notAfter"));
	html_raw(&h, "</dd><dt>Issued</dt><dd>");
	mgr_time(&h, mgr_str(c, "createdAt"));
	html_fmt(&h, " by %s</dd>", mgr_str(c, "createdBy"));
	if (strcmp(status, "revoked") == 0) {
		html_raw(&h, "<dt>Revoked</dt><dd>");
		mgr_time(&h, mgr_str(c, "revokedAt"));
		html_fmt(&h, " by %s</dd><dt>Reason</dt><dd>%s</dd>",
		    mgr_str(c, "revokedBy"), mgr_str(c, "revocationReason"));
	}
	html_fmt(&h, "</dl><p><a class=\"button secondary\" "
	    "href=\"/manager/certificates/%s/pem\" download>Download PEM</a>"
	    "</p>", serial);
	if (strcmp(status, "active") == 0) {
		html_fmt(&h, "<h2 id=\"revoke\">Revoke</h2><form "
		    "class=\"stack\" method=\"post\" action=\"/manager/"
		    "certificates/%s/revoke\">", serial);
		mgr_csrf_input(req, &h);
		html_raw(&h, "<div><label for=\"reason\">Reason (RFC 5280)"
		    "</label>");
		mgr_reason_select(&h, "reason");
		html_raw(&h, "</div><div><button type=\"submit\" "
		    "class=\"danger\">Revoke certificate</button></div>"
		    "</form>");
	}
	json_free(c);
	return mgr_page_end(req, &h, 200);
}

/*
 * GET /manager/certificates/<serial>/pem: the certificate as an
 * application/x-pem-file attachment named <serial>.pem. 200; 404; 503.
 */
int
mgr_certs_pem(struct http_req *req)
{
	struct dom_err	 e;
	struct json	*c = NULL;
	char		*pem = NULL, disp[96];
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = certs_get(http_param(req, 0), &c, &e)) != 0 ||
	    (rc = certs_pem(http_param(req, 0), &pem, &e)) != 0) {
		json_free(c);
		return mgr_fail(req, rc, &e, MGR_CERTIFICATES,
		    "/manager/certificates", "All certificates");
	}
	/* The serial as stored: lower-case hex only. */
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.pem\"",
	    mgr_str(c, "serial"));
	json_free(c);
	http_header(req, "Content-Disposition", disp);
	rc = http_send(req, 200, "application/x-pem-file", pem, strlen(pem));
	free(pem);
	return rc;
}

/*
 * POST /manager/certificates/<serial>/revoke (csrf, reason, from=user to
 * return to the owner's page): 303 to the certificate or its owner; 400
 * page (reason); 403; 404; 409 page (already revoked); 503.
 */
int
mgr_certs_revoke(struct http_req *req)
{
	const char	*serial = http_param(req, 0), *reason;
	char		 back[160], s[SERIAL_MAX + 1];
	struct dom_err	 e;
	struct json	*c = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	reason = http_form(req, "reason");
	if (reason != NULL && *reason == '\0')
		reason = NULL;
	snprintf(back, sizeof(back), "/manager/certificates/%s",
	    valid_serial(serial, s) ? s : "");
	if ((rc = certs_revoke(mgr_actor(req), serial, reason, &c,
	    &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_CERTIFICATES, back,
		    "Back to the certificate");
	if (strcmp(mgr_form(req, "from"), "user") == 0)
		snprintf(back, sizeof(back), "/manager/users/%s",
		    mgr_str(c, "userId"));
	else
		snprintf(back, sizeof(back), "/manager/certificates/%s",
		    mgr_str(c, "serial"));
	json_free(c);
	return mgr_done(req, back, "cert-revoked");
}
