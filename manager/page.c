/*
 * certm3-manager: page layout, error pages, CSRF plumbing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manager.h"

static const struct {
	const char	*href;
	const char	*label;
} nav[] = {
	[MGR_DASHBOARD] = { "/manager", "Dashboard" },
	[MGR_USERS] = { "/manager/users", "Users" },
	[MGR_GROUPS] = { "/manager/groups", "Groups" },
	[MGR_REQUESTS] = { "/manager/requests", "Requests" },
	[MGR_CERTIFICATES] = { "/manager/certificates", "Certificates" },
	[MGR_TOKENS] = { "/manager/tokens", "API tokens" },
	[MGR_AUDIT] = { "/manager/audit", "Audit log" },
};

void
mgr_page_begin(struct http_req *req, struct html *h, const char *title,
    enum mgr_section section)
{
	const char	*who = mgr_admin_name(req);
	size_t		 i;

	html_fmt(h, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">"
	    "<title>%s · certM3 manager</title>"
	    "<link rel=\"stylesheet\" href=\"/static/css/manager.css\">"
	    "</head><body>"
	    "<a class=\"skip\" href=\"#main\">Skip to content</a>"
	    "<header><span class=\"brand\">certM3 manager</span>", title);
	if (who != NULL)
		html_fmt(h, "<span class=\"who\">Signed in as "
		    "<strong>%s</strong></span>", who);
	html_raw(h, "</header><nav aria-label=\"Sections\"><ul>");
	for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		html_fmt(h, "<li><a href=\"%s\"%R>%s</a></li>", nav[i].href,
		    i == (size_t)section ? " aria-current=\"page\"" : "",
		    nav[i].label);
	html_fmt(h, "</ul></nav><main id=\"main\"><h1>%s</h1>", title);
}

int
mgr_page_end(struct http_req *req, struct html *h, int status)
{
	char	*body;
	size_t	 len;

	html_raw(h, "</main></body></html>\n");
	if ((body = html_take(h, &len)) == NULL)
		return http_send(req, 500, "text/plain", "out of memory", 13);
	http_send(req, status, "text/html", body, len);
	free(body);
	return status;
}

void
mgr_error_page(struct http_req *req, int status)
{
	struct html	 h;
	const char	*text;

	switch (status) {
	case 401:
		text = "This console needs an administrator's client "
		    "certificate. Import your certificate (the .p12 file) "
		    "into the browser and open this page again.";
		break;
	case 403:
		text = "Your certificate is not allowed here: it may be "
		    "revoked, its owner inactive, or not a member of the "
		    "administrators' group. If this form was open for long, "
		    "reload the page and try again.";
		break;
	case 404:
		text = "There is nothing at this address.";
		break;
	case 503:
		text = "The database is unavailable. Try again in a moment.";
		break;
	default:
		text = "Something went wrong on our side. Try again; if it "
		    "persists, ask the operator to check the log.";
		break;
	}
	html_init(&h);
	mgr_page_begin(req, &h, http_status_reason(status), MGR_DASHBOARD);
	html_fmt(&h, "<p class=\"error\">%s</p><p><a href=\"/manager\">"
	    "Back to the dashboard</a></p>", text);
	mgr_page_end(req, &h, status);
}

void
mgr_csrf_input(struct http_req *req, struct html *h)
{
	char	 tok[MGR_CSRF_LEN];

	if (mgr_csrf_token(mgr_admin_binding(req), tok) == 0)
		html_fmt(h, "<input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\">", tok);
}

int
mgr_csrf_check(struct http_req *req)
{

	if (mgr_csrf_valid(mgr_admin_binding(req), http_form(req, "csrf")))
		return 0;
	mgr_error_page(req, 403);
	return 403;
}

int
mgr_redirect(struct http_req *req, const char *location)
{

	return http_redirect(req, location);
}
