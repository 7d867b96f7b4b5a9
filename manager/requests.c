/*
 * certm3-manager: enrollment requests — list by status, search, detail,
 * re-send the validation e-mail, cancel (common/requests.h). The token
 * never appears here: the domain keeps only its hash.
 */
#include <stdio.h>
#include <string.h>

#include "manager.h"
#include "requests.h"

void
mgr_requests_table(struct html *h, const struct json *list)
{
	const struct json	*data = json_get(list, "data"), *q;
	size_t			 i, n = json_array_len(data);

	if (n == 0) {
		html_raw(h, "<p>No requests.</p>");
		return;
	}
	html_raw(h, "<div class=\"table-wrap\"><table><thead><tr>"
	    "<th scope=\"col\">Username</th><th scope=\"col\">Display name</th>"
	    "<th scope=\"col\">E-mail</th><th scope=\"col\">Status</th>"
	    "<th scope=\"col\">Created</th><th scope=\"col\">Link expires</th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		q = json_array_at(data, i);
		html_fmt(h, "<tr><td><a href=\"/manager/requests/%s\">%s</a>"
		    "</td><td>%s</td><td>%s</td><td>", mgr_str(q, "id"),
		    mgr_str(q, "username"), mgr_str(q, "displayName"),
		    mgr_str(q, "email"));
		mgr_status(h, mgr_str(q, "status"));
		html_raw(h, "</td><td>");
		mgr_time(h, mgr_str(q, "createdAt"));
		html_raw(h, "</td><td>");
		mgr_time(h, mgr_str(q, "expiresAt"));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
}

/*
 * GET /manager/requests?status=&q=&offset=: filter form and one page of
 * requests, newest first. 200; 400 page for a bad filter; 503.
 */
int
mgr_requests_list(struct http_req *req)
{
	static const char *const statuses[] = { "pending", "revalidating",
	    "completed", "cancelled", "expired", NULL };
	const char	*q = mgr_query(req, "q"), *status;
	const char	*kv[] = { "status", NULL, "q", q, NULL };
	struct list_page pg;
	struct dom_err	 e;
	struct json	*list = NULL;
	struct html	 h;
	size_t		 i;
	int		 rc;

	memset(&e, 0, sizeof(e));
	status = kv[1] = mgr_query(req, "status");
	mgr_list_page(req, &pg);
	if ((rc = requests_list(status, q, &pg, &list, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_REQUESTS, "/manager/requests",
		    "All requests");
	html_init(&h);
	mgr_page_begin(req, &h, "Requests", MGR_REQUESTS);
	html_fmt(&h, "<form class=\"search\" method=\"get\" "
	    "action=\"/manager/requests\" role=\"search\">"
	    "<div><label for=\"q\">Search</label>"
	    "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" "
	    "maxlength=\"128\" placeholder=\"username, e-mail or name\"></div>"
	    "<div><label for=\"status\">Status</label>"
	    "<select id=\"status\" name=\"status\">", q);
	mgr_option(&h, "", "any", status);
	for (i = 0; statuses[i] != NULL; i++)
		mgr_option(&h, statuses[i], statuses[i], status);
	html_raw(&h, "</select></div><button type=\"submit\">Search</button>"
	    "</form>");
	mgr_requests_table(&h, list);
	mgr_pager(req, &h, "/manager/requests", kv, list);
	json_free(list);
	return mgr_page_end(req, &h, 200);
}

/* "/manager/requests/<id>". */
static const char *
request_path(struct http_req *req, const char *id)
{
	char	 buf[128];

	snprintf(buf, sizeof(buf), "/manager/requests/%s", id);
	return mgr_url(req, buf, NULL, 0);
}

/*
 * GET /manager/requests/<id>: the request (never its token) and, while
 * it is live, re-send and cancel. 200; 404; 503.
 */
int
mgr_requests_get(struct http_req *req)
{
	struct request	 q;
	struct dom_err	 e;
	struct html	 h;
	const char	*path;
	int		 rc, live;

	memset(&e, 0, sizeof(e));
	if ((rc = requests_get(http_param(req, 0), &q, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_REQUESTS, "/manager/requests",
		    "All requests");
	path = request_path(req, q.id);
	live = strcmp(q.status, "pending") == 0 ||
	    strcmp(q.status, "revalidating") == 0;
	html_init(&h);
	mgr_page_crumbs(req, &h, q.username, MGR_REQUESTS, NULL, NULL);
	mgr_notice(req, &h);
	html_fmt(&h, "<dl class=\"props\"><dt>Username</dt><dd>%s</dd>"
	    "<dt>Display name</dt><dd>%s</dd><dt>E-mail</dt><dd>%s</dd>"
	    "<dt>Status</dt><dd>", q.username, q.display_name, q.email);
	mgr_status(&h, q.status);
	html_raw(&h, "</dd><dt>Created</dt><dd>");
	mgr_time(&h, q.created_at);
	html_raw(&h, "</dd><dt>Updated</dt><dd>");
	mgr_time(&h, q.updated_at);
	html_raw(&h, "</dd><dt>Link expires</dt><dd>");
	mgr_time(&h, q.expires_at[0] != '\0' && live ? q.expires_at : NULL);
	html_fmt(&h, "</dd><dt>Failed attempts</dt><dd>%ld</dd>",
	    q.failed_attempts);
	if (q.user_id[0] != '\0')
		html_fmt(&h, "<dt>User</dt><dd><a href=\"/manager/users/%s\">"
		    "%s</a></dd>", q.user_id, q.username);
	html_fmt(&h, "<dt>Id</dt><dd class=\"mono\">%s</dd></dl>", q.id);
	if (live) {
		html_fmt(&h, "<h2>Actions</h2><form class=\"inline\" "
		    "method=\"post\" action=\"%s/resend\">", path);
		mgr_csrf_input(req, &h);
		html_fmt(&h, "<button type=\"submit\">Re-send the validation "
		    "e-mail</button></form> <form class=\"inline\" "
		    "method=\"post\" action=\"%s/cancel\">", path);
		mgr_csrf_input(req, &h);
		html_raw(&h, "<button type=\"submit\" class=\"danger\">Cancel "
		    "the request</button></form>");
	}
	return mgr_page_end(req, &h, 200);
}

/*
 * POST /manager/requests/<id>/resend (csrf): a new token by e-mail, the
 * old one dead. 303 to the request; 403; 404; 409 page (not live); 503.
 */
int
mgr_requests_resend(struct http_req *req)
{
	const char	*id = http_param(req, 0);
	struct request	 q;
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = requests_resend(mgr_actor(req), id, &q, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_REQUESTS,
		    request_path(req, id), "Back to the request");
	return mgr_done(req, request_path(req, q.id), "request-resent");
}

/*
 * POST /manager/requests/<id>/cancel (csrf): 303 to the request; 403;
 * 404; 409 page (not live); 503.
 */
int
mgr_requests_cancel(struct http_req *req)
{
	const char	*id = http_param(req, 0);
	struct request	 q;
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = requests_cancel(mgr_actor(req), id, &q, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_REQUESTS,
		    request_path(req, id), "Back to the request");
	return mgr_done(req, request_path(req, q.id), "request-cancelled");
}
