/*
 * certm3-manager: the audit log, newest first, filtered by actor, action
 * (a trailing * matches a prefix) and target (common/audit.h).
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "manager.h"

void
mgr_audit_table(struct html *h, const struct json *list)
{
	const struct json	*data = json_get(list, "data"), *a, *d;
	size_t			 i, n = json_array_len(data);
	char			*detail;

	if (n == 0) {
		html_raw(h, "<p>No entries.</p>");
		return;
	}
	html_raw(h, "<div class=\"table-wrap\"><table><thead><tr>"
	    "<th scope=\"col\">When</th><th scope=\"col\">Actor</th>"
	    "<th scope=\"col\">Action</th><th scope=\"col\">Target</th>"
	    "<th scope=\"col\">Client</th><th scope=\"col\">Detail</th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		a = json_array_at(data, i);
		html_raw(h, "<tr><td>");
		mgr_time(h, mgr_str(a, "at"));
		html_fmt(h, "</td><td>%s</td><td>%s</td><td>%s "
		    "<span class=\"mono\">%s</span></td><td>%s</td>"
		    "<td class=\"mono\">", mgr_str(a, "actor"),
		    mgr_str(a, "action"), mgr_str(a, "targetType"),
		    mgr_str(a, "target"), mgr_str(a, "clientAddr"));
		d = json_get(a, "detail");
		/* The detail as compact JSON text, escaped like any text. */
		if (d != NULL && (detail = json_print(d)) != NULL) {
			if (strcmp(detail, "{}") != 0)
				html_text(h, detail);
			free(detail);
		}
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
}

/*
 * GET /manager/audit?actor=&action=&target=&offset=: filter form and
 * one page of entries. 200; 400 page for a bad filter; 503.
 */
int
mgr_audit_list(struct http_req *req)
{
	const char		*actor = mgr_query(req, "actor");
	const char		*action = mgr_query(req, "action");
	const char		*target = mgr_query(req, "target");
	const char		*kv[] = { "actor", actor, "action", action,
	    "target", target, NULL };
	struct audit_filter	 f;
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*list = NULL;
	struct html		 h;
	int			 rc;

	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	f.actor = actor;
	f.action = action;
	f.target = target;
	mgr_list_page(req, &pg);
	if ((rc = audit_list(&f, &pg, &list, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_AUDIT, "/manager/audit",
		    "The whole log");
	html_init(&h);
	mgr_page_begin(req, &h, "Audit log", MGR_AUDIT);
	html_fmt(&h, "<form class=\"search\" method=\"get\" "
	    "action=\"/manager/audit\" role=\"search\">"
	    "<div><label for=\"actor\">Actor</label><input type=\"text\" "
	    "id=\"actor\" name=\"actor\" value=\"%s\" maxlength=\"256\"></div>"
	    "<div><label for=\"action\">Action</label><input type=\"text\" "
	    "id=\"action\" name=\"action\" value=\"%s\" maxlength=\"256\" "
	    "aria-describedby=\"action-help\"><small id=\"action-help\">e.g. "
	    "group.create, or user.* for a prefix</small></div>"
	    "<div><label for=\"target\">Target</label><input type=\"text\" "
	    "id=\"target\" name=\"target\" value=\"%s\" maxlength=\"256\" "
	    "aria-describedby=\"target-help\"><small id=\"target-help\">"
	    "a user id, group name, serial…</small></div>"
	    "<button type=\"submit\">Filter</button></form>", actor, action,
	    target);
	mgr_audit_table(&h, list);
	mgr_pager(req, &h, "/manager/audit", kv, list);
	json_free(list);
	return mgr_page_end(req, &h, 200);
}
