/*
 * certm3-api: /api/audit — the audit log (common/audit.h).
 */
#include <string.h>

#include "api.h"
#include "list.h"

/*
 * GET /api/audit?actor=&action=&targetType=&target=&limit=&offset=: 200 a
 * page of entries, newest first (action "user.*" matches a prefix); 400
 * naming a bad or unknown parameter; 401/403; 503.
 */
int
api_audit_list(struct http_req *req)
{
	static const char *const filters[] = { "actor", "action",
	    "targetType", "target", NULL };
	struct audit_filter	 f;
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j = NULL;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = list_query(req, filters, &pg)) != 0)
		return rc;
	f.actor = http_query(req, "actor");
	f.action = http_query(req, "action");
	f.target_type = http_query(req, "targetType");
	f.target = http_query(req, "target");
	if ((rc = audit_list(&f, &pg, &j, &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, j);
}
