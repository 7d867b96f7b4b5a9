/*
 * certm3-manager: the dashboard — counts, the newest pending requests,
 * certificates expiring within 30 days, the latest audit entries.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "certs.h"
#include "manager.h"
#include "requests.h"
#include "stats.h"

#define DASH_ROWS	10
#define DASH_SOON	(30L * 86400)	/* "expiring soon": seconds */

/* One count card linking to the list it counts. */
static void
card(struct html *h, const struct json *counts, const char *group,
    const char *key, const char *label, const char *href)
{
	long long	 n = 0;

	(void)json_get_int(json_get(counts, group), key, &n);
	html_fmt(h, "<li class=\"card\"><a href=\"%s\"><span class=\"n\">"
	    "%lld</span> %s</a></li>", href, n, label);
}

/*
 * GET /manager: 200 the dashboard; 503 page when the database is
 * unavailable.
 */
int
mgr_dashboard(struct http_req *req)
{
	struct certs_filter	 f;
	struct audit_filter	 af;
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*counts = NULL, *pending = NULL;
	struct json		*soon = NULL, *audit = NULL;
	struct html		 h;
	struct tm		 tm;
	char			 before[32];
	time_t			 t;
	int			 rc;

	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	memset(&af, 0, sizeof(af));
	t = time(NULL) + DASH_SOON;
	gmtime_r(&t, &tm);
	strftime(before, sizeof(before), "%Y-%m-%dT%H:%M:%SZ", &tm);
	f.status = "active";
	f.expires_before = before;
	(void)list_page(&pg, DASH_ROWS, 0, &e);
	if ((rc = stats_counts(&counts, &e)) != 0 ||
	    (rc = requests_list("pending", NULL, &pg, &pending, &e)) != 0 ||
	    (rc = certs_list(&f, &pg, &soon, &e)) != 0 ||
	    (rc = audit_list(&af, &pg, &audit, &e)) != 0) {
		json_free(counts);
		json_free(pending);
		json_free(soon);
		return mgr_fail(req, rc, &e, MGR_DASHBOARD, NULL, NULL);
	}
	html_init(&h);
	mgr_page_begin(req, &h, "Dashboard", MGR_DASHBOARD);
	html_raw(&h, "<h2 id=\"counts\">At a glance</h2><ul class=\"cards\">");
	card(&h, counts, "users", "active", "active users",
	    "/manager/users?status=active");
	card(&h, counts, "users", "inactive", "inactive users",
	    "/manager/users?status=inactive");
	card(&h, counts, "requests", "pending", "pending requests",
	    "/manager/requests?status=pending");
	card(&h, counts, "requests", "expired", "expired requests",
	    "/manager/requests?status=expired");
	card(&h, counts, "certificates", "active", "active certificates",
	    "/manager/certificates?status=active");
	card(&h, counts, "certificates", "revoked", "revoked certificates",
	    "/manager/certificates?status=revoked");
	html_raw(&h, "</ul><h2 id=\"pending\">Newest pending requests</h2>");
	mgr_requests_table(&h, pending);
	html_raw(&h, "<p><a href=\"/manager/requests?status=pending\">All "
	    "pending requests</a></p><h2 id=\"expiring\">Certificates "
	    "expiring in the next 30 days</h2>");
	mgr_certs_table(&h, soon);
	html_fmt(&h, "<p><a href=\"%s\">All expiring certificates</a></p>"
	    "<h2 id=\"audit\">Latest audit entries</h2>",
	    mgr_url(req, "/manager/certificates", (const char *const[]){
	    "status", "active", "expiresBefore", before, NULL }, 0));
	mgr_audit_table(&h, audit);
	html_raw(&h, "<p><a href=\"/manager/audit\">The whole audit log</a>"
	    "</p>");
	json_free(counts);
	json_free(pending);
	json_free(soon);
	json_free(audit);
	return mgr_page_end(req, &h, 200);
}
