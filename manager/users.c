/*
 * certm3-manager: users — search, detail with groups and certificates,
 * group membership, deactivation and activation (common/users.h,
 * groups.h, certs.h).
 */
#include <stdio.h>
#include <string.h>

#include "certs.h"
#include "groups.h"
#include "manager.h"
#include "users.h"

/*
 * GET /manager/users?q=&status=&offset=: the search form and one page of
 * users. 200; 400 page for a bad filter; 503.
 */
int
mgr_users_list(struct http_req *req)
{
	const char	*q = mgr_query(req, "q"), *status;
	const char	*kv[] = { "q", q, "status", NULL, NULL };
	struct list_page pg;
	struct dom_err	 e;
	struct json	*list = NULL, *u;
	struct html	 h;
	size_t		 i, n;
	int		 rc;

	memset(&e, 0, sizeof(e));
	status = kv[3] = mgr_query(req, "status");
	mgr_list_page(req, &pg);
	if ((rc = users_list(status, q, &pg, &list, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_USERS, "/manager/users",
		    "All users");
	html_init(&h);
	mgr_page_begin(req, &h, "Users", MGR_USERS);
	html_fmt(&h, "<form class=\"search\" method=\"get\" "
	    "action=\"/manager/users\" role=\"search\">"
	    "<div><label for=\"q\">Search</label>"
	    "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" "
	    "maxlength=\"128\" placeholder=\"username, e-mail or name\"></div>"
	    "<div><label for=\"status\">Status</label>"
	    "<select id=\"status\" name=\"status\">", q);
	mgr_option(&h, "", "any", status);
	mgr_option(&h, "active", "active", status);
	mgr_option(&h, "inactive", "inactive", status);
	html_raw(&h, "</select></div><button type=\"submit\">Search</button>"
	    "</form>");
	n = json_array_len(json_get(list, "data"));
	if (n == 0)
		html_raw(&h, "<p>No user matches.</p>");
	else {
		html_raw(&h, "<div class=\"table-wrap\"><table><caption "
		    "class=\"sr\">Users</caption><thead><tr>"
		    "<th scope=\"col\">Username</th>"
		    "<th scope=\"col\">Display name</th>"
		    "<th scope=\"col\">E-mail</th><th scope=\"col\">Status</th>"
		    "<th scope=\"col\">Created</th></tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			u = json_array_at(json_get(list, "data"), i);
			html_fmt(&h, "<tr><td><a href=\"/manager/users/%s\">%s"
			    "</a></td><td>%s</td><td>%s</td><td>",
			    mgr_str(u, "id"), mgr_str(u, "username"),
			    mgr_str(u, "displayName"), mgr_str(u, "email"));
			mgr_status(&h, mgr_str(u, "status"));
			html_raw(&h, "</td><td>");
			mgr_time(&h, mgr_str(u, "createdAt"));
			html_raw(&h, "</td></tr>");
		}
		html_raw(&h, "</tbody></table></div>");
	}
	mgr_pager(req, &h, "/manager/users", kv, list);
	json_free(list);
	return mgr_page_end(req, &h, 200);
}

/* The groups section of a user's page: memberships, add, remove. */
static void
user_groups(struct http_req *req, struct html *h, const char *id,
    const struct json *mine, const struct json *all)
{
	const struct json	*g, *data = json_get(mine, "data");
	const char		*name;
	size_t			 i, j, n = json_array_len(data), shown = 0;

	html_raw(h, "<h2 id=\"groups\">Groups</h2><div class=\"table-wrap\">"
	    "<table><thead><tr><th scope=\"col\">Group</th>"
	    "<th scope=\"col\">Display name</th><th scope=\"col\">Added</th>"
	    "<th scope=\"col\"><span class=\"sr\">Action</span></th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		g = json_array_at(data, i);
		name = mgr_str(g, "name");
		html_fmt(h, "<tr><td><a href=\"/manager/groups/%s\">%s</a>"
		    "</td><td>%s</td><td>", name, name,
		    mgr_str(g, "displayName"));
		mgr_time(h, mgr_str(g, "addedAt"));
		html_raw(h, "</td><td>");
		/* Nobody leaves `users` (SPEC §2). */
		if (strcmp(name, "users") != 0) {
			html_fmt(h, "<form class=\"inline\" method=\"post\" "
			    "action=\"/manager/users/%s/groups/%s/remove\">",
			    id, name);
			mgr_csrf_input(req, h);
			html_fmt(h, "<button type=\"submit\" class=\"secondary\""
			    ">Remove from %s</button></form>", name);
		}
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
	/* Groups the user is not in yet. */
	data = json_get(all, "data");
	for (i = 0; i < json_array_len(data); i++) {
		name = mgr_str(json_array_at(data, i), "name");
		for (j = 0; j < n; j++)
			if (strcmp(name, mgr_str(json_array_at(
			    json_get(mine, "data"), j), "name")) == 0)
				break;
		if (j < n)
			continue;
		if (shown++ == 0) {
			html_fmt(h, "<form class=\"search\" method=\"post\" "
			    "action=\"/manager/users/%s/groups\">", id);
			mgr_csrf_input(req, h);
			html_raw(h, "<div><label for=\"group\">Add to group"
			    "</label><select id=\"group\" name=\"group\" "
			    "required>");
		}
		g = json_array_at(data, i);
		html_fmt(h, "<option value=\"%s\">%s (%s)</option>", name,
		    mgr_str(g, "displayName"), name);
	}
	if (shown > 0)
		html_raw(h, "</select></div><button type=\"submit\">Add"
		    "</button></form>");
	else
		html_raw(h, "<p>The user is in every group.</p>");
}

/* The certificates section of a user's page, with revoke forms. */
static void
user_certs(struct http_req *req, struct html *h, const struct json *list)
{
	const struct json	*c, *groups, *data = json_get(list, "data");
	const char		*serial;
	size_t			 i, j, n = json_array_len(data);
	char			 id[64];

	html_raw(h, "<h2 id=\"certificates\">Certificates</h2>");
	if (n == 0) {
		html_raw(h, "<p>No certificates.</p>");
		return;
	}
	html_raw(h, "<div class=\"table-wrap\"><table><thead><tr>"
	    "<th scope=\"col\">Serial</th><th scope=\"col\">Status</th>"
	    "<th scope=\"col\">Groups</th><th scope=\"col\">Valid from</th>"
	    "<th scope=\"col\">Valid until</th>"
	    "<th scope=\"col\">Revoke</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		c = json_array_at(data, i);
		serial = mgr_str(c, "serial");
		html_fmt(h, "<tr><td class=\"mono\"><a href=\"/manager/"
		    "certificates/%s\">%s</a></td><td>", serial, serial);
		mgr_status(h, mgr_str(c, "status"));
		if (strcmp(mgr_str(c, "status"), "revoked") == 0)
			html_fmt(h, " <span class=\"reason\">(%s)</span>",
			    mgr_str(c, "revocationReason"));
		html_raw(h, "</td><td>");
		groups = json_get(c, "groups");
		for (j = 0; j < json_array_len(groups); j++)
			html_fmt(h, "%R%s", j > 0 ? ", " : "",
			    json_str(json_array_at(groups, j)));
		html_raw(h, "</td><td>");
		mgr_time(h, mgr_str(c, "notBefore"));
		html_raw(h, "</td><td>");
		mgr_time(h, mgr_str(c, "notAfter"));
		html_raw(h, "</td><td>");
		if (strcmp(mgr_str(c, "status"), "active") == 0) {
			snprintf(id, sizeof(id), "reason-%s", serial);
			html_fmt(h, "<form class=\"inline revoke\" "
			    "method=\"post\" action=\"/manager/certificates/%s/"
			    "revoke\">", serial);
			mgr_csrf_input(req, h);
			html_fmt(h, "<input type=\"hidden\" name=\"from\" "
			    "value=\"user\"><label for=\"%s\">Reason</label>",
			    id);
			mgr_reason_select(h, id);
			html_raw(h, " <button type=\"submit\" class=\"danger\">"
			    "Revoke</button></form>");
		}
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
}

/* The deactivate or activate form, with its required confirmation. */
static void
user_status_form(struct http_req *req, struct html *h, const char *id,
    const char *status)
{
	int	 active = strcmp(status, "active") == 0;

	html_fmt(h, "<h2 id=\"status-change\">%s</h2>"
	    "<form class=\"stack\" method=\"post\" "
	    "action=\"/manager/users/%s/%s\">", active ? "Deactivate" :
	    "Activate", id, active ? "deactivate" : "activate");
	mgr_csrf_input(req, h);
	html_fmt(h, "<div class=\"check\"><input type=\"checkbox\" "
	    "id=\"confirm\" name=\"confirm\" value=\"yes\" required>"
	    "<label for=\"confirm\">%s</label></div>"
	    "<div><button type=\"submit\" class=\"%R\">%s</button></div>"
	    "</form>", active ? "Yes, deactivate this user and revoke every "
	    "active certificate of theirs" : "Yes, activate this user "
	    "(revoked certificates stay revoked)", active ? "danger" : "",
	    active ? "Deactivate user" : "Activate user");
}

/*
 * GET /manager/users/<id>: the user, their groups (add, remove) and
 * certificates (revoke), and deactivate/activate. 200; 404; 503.
 */
int
mgr_users_get(struct http_req *req)
{
	const char		*id = http_param(req, 0);
	struct certs_filter	 f;
	struct list_page	 all;
	struct dom_err		 e;
	struct json		*u = NULL, *mine = NULL, *groups = NULL;
	struct json		*certs = NULL;
	struct html		 h;
	int			 rc;

	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	(void)list_page(&all, MGR_ALL, 0, &e);
	if ((rc = users_get(id, &u, &e)) != 0 ||
	    (rc = users_groups_list(id, &all, &mine, &e)) != 0 ||
	    (rc = groups_list(&all, &groups, &e)) != 0)
		goto fail;
	f.user_id = mgr_str(u, "id");
	if ((rc = certs_list(&f, &all, &certs, &e)) != 0)
		goto fail;
	html_init(&h);
	mgr_page_crumbs(req, &h, mgr_str(u, "username"), MGR_USERS, NULL,
	    NULL);
	mgr_notice(req, &h);
	html_fmt(&h, "<dl class=\"props\"><dt>Username</dt><dd>%s</dd>"
	    "<dt>Display name</dt><dd>%s</dd><dt>E-mail</dt><dd>%s</dd>"
	    "<dt>Status</dt><dd>", mgr_str(u, "username"),
	    mgr_str(u, "displayName"), mgr_str(u, "email"));
	mgr_status(&h, mgr_str(u, "status"));
	html_raw(&h, "</dd><dt>Created</dt><dd>");
	mgr_time(&h, mgr_str(u, "createdAt"));
	html_fmt(&h, " by %s</dd><dt>Updated</dt><dd>",
	    mgr_str(u, "createdBy"));
	mgr_time(&h, mgr_str(u, "updatedAt"));
	html_fmt(&h, " by %s</dd><dt>Id</dt><dd class=\"mono\">%s</dd></dl>",
	    mgr_str(u, "updatedBy"), mgr_str(u, "id"));
	user_groups(req, &h, mgr_str(u, "id"), mine, groups);
	user_certs(req, &h, certs);
	user_status_form(req, &h, mgr_str(u, "id"), mgr_str(u, "status"));
	rc = mgr_page_end(req, &h, 200);
	json_free(u);
	json_free(mine);
	json_free(groups);
	json_free(certs);
	return rc;
fail:
	json_free(u);
	json_free(mine);
	json_free(groups);
	return mgr_fail(req, rc, &e, MGR_USERS, "/manager/users",
	    "All users");
}

/* "/manager/users/<id>" for a user id from the path (a UUID or not). */
static const char *
user_path(struct http_req *req, const char *id)
{
	char	 buf[128];

	snprintf(buf, sizeof(buf), "/manager/users/%s", id);
	return mgr_url(req, buf, NULL, 0);
}

/*
 * POST /manager/users/<id>/groups (csrf, group): add the user to the
 * group. 303 to the user; 400/404 page; 403 bad CSRF; 503.
 */
int
mgr_users_group_add(struct http_req *req)
{
	const char	*ids[1] = { http_param(req, 0) };
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = groups_add_members(mgr_actor(req), mgr_form(req, "group"),
	    ids, 1, &j, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_USERS, user_path(req, ids[0]),
		    "Back to the user");
	json_free(j);
	return mgr_done(req, user_path(req, ids[0]), "user-group-added");
}

/*
 * POST /manager/users/<id>/groups/<name>/remove (csrf): remove the user
 * from the group. 303 to the user; 403 (`users`, or bad CSRF); 404; 503.
 */
int
mgr_users_group_remove(struct http_req *req)
{
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = groups_remove_member(mgr_actor(req), http_param(req, 1),
	    http_param(req, 0), &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_USERS,
		    user_path(req, http_param(req, 0)), "Back to the user");
	return mgr_done(req, user_path(req, http_param(req, 0)),
	    "user-group-removed");
}

/*
 * Deactivate (on) or activate a user after the confirmation checkbox.
 * 303 to the user; 400 page without confirmation; 403; 404; 503.
 */
static int
set_status(struct http_req *req, int deactivate)
{
	const char	*id = http_param(req, 0);
	struct dom_err	 e;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (strcmp(mgr_form(req, "confirm"), "yes") != 0) {
		snprintf(e.message, sizeof(e.message), "Tick the "
		    "confirmation box to %s this user.", deactivate ?
		    "deactivate" : "activate");
		return mgr_fail(req, 400, &e, MGR_USERS, user_path(req, id),
		    "Back to the user");
	}
	rc = deactivate ? users_deactivate(mgr_actor(req), id, &j, &e) :
	    users_activate(mgr_actor(req), id, &j, &e);
	if (rc != 0)
		return mgr_fail(req, rc, &e, MGR_USERS, user_path(req, id),
		    "Back to the user");
	json_free(j);
	return mgr_done(req, user_path(req, id), deactivate ?
	    "user-deactivated" : "user-activated");
}

/* POST /manager/users/<id>/deactivate (csrf, confirm=yes): see set_status. */
int
mgr_users_deactivate(struct http_req *req)
{

	return set_status(req, 1);
}

/* POST /manager/users/<id>/activate (csrf, confirm=yes): see set_status. */
int
mgr_users_activate(struct http_req *req)
{

	return set_status(req, 0);
}
