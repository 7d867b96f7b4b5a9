/*
 * certm3-manager: groups — list, create, edit, delete, members
 * (common/groups.h). `users` can be neither deleted nor left; the admin
 * group cannot be deleted (the domain refuses both; the forms are not
 * offered).
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "groups.h"
#include "manager.h"
#include "users.h"

/*
 * GET /manager/groups?offset=: the groups and the form to create one.
 * 200; 503.
 */
int
mgr_groups_list(struct http_req *req)
{
	struct list_page pg;
	struct dom_err	 e;
	struct json	*list = NULL, *g;
	struct html	 h;
	size_t		 i, n;
	long long	 m;
	int		 rc;

	memset(&e, 0, sizeof(e));
	mgr_list_page(req, &pg);
	if ((rc = groups_list(&pg, &list, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, "/manager", "Dashboard");
	html_init(&h);
	mgr_page_begin(req, &h, "Groups", MGR_GROUPS);
	mgr_notice(req, &h);
	n = json_array_len(json_get(list, "data"));
	html_raw(&h, "<div class=\"table-wrap\"><table><thead><tr>"
	    "<th scope=\"col\">Name</th><th scope=\"col\">Display name</th>"
	    "<th scope=\"col\">Description</th><th scope=\"col\">Members</th>"
	    "</tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		g = json_array_at(json_get(list, "data"), i);
		html_fmt(&h, "<tr><td><a href=\"/manager/groups/%s\">%s</a>"
		    "</td><td>%s</td><td>%s</td><td>", mgr_str(g, "name"),
		    mgr_str(g, "name"), mgr_str(g, "displayName"),
		    mgr_str(g, "description"));
		m = 0;
		(void)json_get_int(g, "memberCount", &m);
		html_fmt(&h, "%lld</td></tr>", m);
	}
	html_raw(&h, "</tbody></table></div>");
	mgr_pager(req, &h, "/manager/groups", NULL, list);
	json_free(list);
	html_raw(&h, "<h2 id=\"create\">Create a group</h2>"
	    "<form class=\"stack\" method=\"post\" action=\"/manager/groups\">");
	mgr_csrf_input(req, &h);
	html_raw(&h, "<div><label for=\"name\">Name</label>"
	    "<input type=\"text\" id=\"name\" name=\"name\" required "
	    "minlength=\"3\" maxlength=\"32\" pattern=\"[A-Za-z][A-Za-z0-9._\\-]*\" "
	    "aria-describedby=\"name-help\" autocapitalize=\"none\" "
	    "spellcheck=\"false\">"
	    "<small id=\"name-help\">3–32 characters: a letter, then letters, "
	    "digits, dot, underscore or hyphen; stored in lower case; it "
	    "cannot be changed later.</small></div>"
	    "<div><label for=\"displayName\">Display name</label>"
	    "<input type=\"text\" id=\"displayName\" name=\"displayName\" "
	    "maxlength=\"128\" aria-describedby=\"dn-help\">"
	    "<small id=\"dn-help\">Optional; the name when empty.</small></div>"
	    "<div><label for=\"description\">Description</label>"
	    "<textarea id=\"description\" name=\"description\" rows=\"3\" "
	    "maxlength=\"1024\"></textarea></div>"
	    "<div><button type=\"submit\">Create group</button></div></form>");
	return mgr_page_end(req, &h, 200);
}

/* "/manager/groups/<name>" for a group name. */
static const char *
group_path(struct http_req *req, const char *name)
{
	char	 buf[128];

	snprintf(buf, sizeof(buf), "/manager/groups/%s", name);
	return mgr_url(req, buf, NULL, 0);
}

/* An optional form field: NULL when absent (keep), else its value. */
static const char *
optional(struct http_req *req, const char *key)
{

	return http_form(req, key);
}

/*
 * POST /manager/groups (csrf, name, displayName, description): create.
 * 303 to the group; 400 or 409 page naming the problem; 403; 503.
 */
int
mgr_groups_create(struct http_req *req)
{
	const char	*dn, *name;
	struct dom_err	 e;
	struct json	*g = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	dn = optional(req, "displayName");
	if (dn != NULL && *dn == '\0')
		dn = NULL;
	if ((rc = groups_create(mgr_actor(req), mgr_form(req, "name"), dn,
	    optional(req, "description"), &g, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, "/manager/groups#create",
		    "Back to the groups");
	name = mgr_str(g, "name");
	rc = mgr_done(req, group_path(req, name), "group-created");
	json_free(g);
	return rc;
}

/*
 * The group page: properties, edit form, members (add by username,
 * remove) and, except for `users` and the admin group, delete. error,
 * when not NULL, is shown above the members (a failed add).
 */
static int
group_page(struct http_req *req, const char *name, int status,
    const char *error, const char *username)
{
	struct list_page pg;
	struct dom_err	 e;
	struct json	*g = NULL, *list = NULL, *m;
	struct html	 h;
	const char	*gname, *path;
	size_t		 i, n;
	long long	 count = 0;
	int		 rc, fixed, is_users;

	memset(&e, 0, sizeof(e));
	mgr_list_page(req, &pg);
	if ((rc = groups_get(name, &g, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, "/manager/groups",
		    "All groups");
	if ((rc = groups_members(name, &pg, &list, &e)) != 0) {
		json_free(g);
		return mgr_fail(req, rc, &e, MGR_GROUPS, "/manager/groups",
		    "All groups");
	}
	gname = mgr_str(g, "name");
	path = group_path(req, gname);
	is_users = strcmp(gname, "users") == 0;
	fixed = is_users || strcmp(gname, cfg.admin_group) == 0;
	(void)json_get_int(g, "memberCount", &count);
	html_init(&h);
	mgr_page_crumbs(req, &h, gname, MGR_GROUPS, NULL, NULL);
	mgr_notice(req, &h);
	html_fmt(&h, "<dl class=\"props\"><dt>Name</dt><dd>%s</dd>"
	    "<dt>Display name</dt><dd>%s</dd><dt>Description</dt><dd>%s</dd>"
	    "<dt>Members</dt><dd>%lld</dd><dt>Created</dt><dd>", gname,
	    mgr_str(g, "displayName"), mgr_str(g, "description"), count);
	mgr_time(&h, mgr_str(g, "createdAt"));
	html_fmt(&h, " by %s</dd><dt>Updated</dt><dd>",
	    mgr_str(g, "createdBy"));
	mgr_time(&h, mgr_str(g, "updatedAt"));
	html_fmt(&h, " by %s</dd></dl>", mgr_str(g, "updatedBy"));

	html_raw(&h, "<h2 id=\"members\">Members</h2>");
	if (error != NULL)
		html_fmt(&h, "<p class=\"error\" role=\"alert\">%s</p>", error);
	if (!is_users) {
		html_fmt(&h, "<form class=\"search\" method=\"post\" "
		    "action=\"%s/members\">", path);
		mgr_csrf_input(req, &h);
		html_fmt(&h, "<div><label for=\"username\">Add member "
		    "(username)</label><input type=\"text\" id=\"username\" "
		    "name=\"username\" required maxlength=\"32\" "
		    "value=\"%s\" autocapitalize=\"none\" spellcheck=\"false\""
		    "%R></div><button type=\"submit\">Add member</button>"
		    "</form>", username != NULL ? username : "",
		    error != NULL ? " aria-invalid=\"true\" autofocus" : "");
	} else
		html_raw(&h, "<p>Every user is a member of this group; "
		    "nobody can be added or removed by hand.</p>");
	n = json_array_len(json_get(list, "data"));
	if (n == 0)
		html_raw(&h, "<p>No members.</p>");
	else {
		html_raw(&h, "<div class=\"table-wrap\"><table><thead><tr>"
		    "<th scope=\"col\">Username</th>"
		    "<th scope=\"col\">Display name</th>"
		    "<th scope=\"col\">Status</th><th scope=\"col\">Added</th>"
		    "<th scope=\"col\"><span class=\"sr\">Action</span></th>"
		    "</tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			m = json_array_at(json_get(list, "data"), i);
			html_fmt(&h, "<tr><td><a href=\"/manager/users/%s\">"
			    "%s</a></td><td>%s</td><td>", mgr_str(m, "id"),
			    mgr_str(m, "username"), mgr_str(m, "displayName"));
			mgr_status(&h, mgr_str(m, "status"));
			html_raw(&h, "</td><td>");
			mgr_time(&h, mgr_str(m, "addedAt"));
			html_raw(&h, "</td><td>");
			if (!is_users) {
				html_fmt(&h, "<form class=\"inline\" "
				    "method=\"post\" action=\"%s/members/%s/"
				    "remove\">", path, mgr_str(m, "id"));
				mgr_csrf_input(req, &h);
				html_fmt(&h, "<button type=\"submit\" "
				    "class=\"secondary\">Remove %s</button>"
				    "</form>", mgr_str(m, "username"));
			}
			html_raw(&h, "</td></tr>");
		}
		html_raw(&h, "</tbody></table></div>");
	}
	mgr_pager(req, &h, path, NULL, list);

	html_fmt(&h, "<h2 id=\"edit\">Edit</h2><form class=\"stack\" "
	    "method=\"post\" action=\"%s/edit\">", path);
	mgr_csrf_input(req, &h);
	html_fmt(&h, "<div><label for=\"displayName\">Display name</label>"
	    "<input type=\"text\" id=\"displayName\" name=\"displayName\" "
	    "required maxlength=\"128\" value=\"%s\"></div>"
	    "<div><label for=\"description\">Description</label>"
	    "<textarea id=\"description\" name=\"description\" rows=\"3\" "
	    "maxlength=\"1024\">%s</textarea></div>"
	    "<div><button type=\"submit\">Save</button></div></form>",
	    mgr_str(g, "displayName"), mgr_str(g, "description"));
	if (!fixed) {
		html_fmt(&h, "<h2 id=\"delete\">Delete</h2><form "
		    "class=\"stack\" method=\"post\" action=\"%s/delete\">",
		    path);
		mgr_csrf_input(req, &h);
		html_fmt(&h, "<div class=\"check\"><input type=\"checkbox\" "
		    "id=\"confirm\" name=\"confirm\" value=\"yes\" required>"
		    "<label for=\"confirm\">Yes, delete group %s and its "
		    "%lld memberships (certificates already issued keep "
		    "naming it until they are revoked)</label></div>"
		    "<div><button type=\"submit\" class=\"danger\">Delete "
		    "group</button></div></form>", gname, count);
	}
	json_free(g);
	json_free(list);
	return mgr_page_end(req, &h, status);
}

/* GET /manager/groups/<name>?offset=: the group page. 200; 404; 503. */
int
mgr_groups_get(struct http_req *req)
{

	return group_page(req, http_param(req, 0), 200, NULL, NULL);
}

/*
 * POST /manager/groups/<name>/edit (csrf, displayName, description):
 * 303 to the group; 400 page; 403; 404; 503.
 */
int
mgr_groups_edit(struct http_req *req)
{
	const char	*name = http_param(req, 0);
	struct dom_err	 e;
	struct json	*g = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = groups_update(mgr_actor(req), name,
	    optional(req, "displayName"), optional(req, "description"), &g,
	    &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, group_path(req, name),
		    "Back to the group");
	json_free(g);
	return mgr_done(req, group_path(req, name), "group-updated");
}

/*
 * POST /manager/groups/<name>/delete (csrf, confirm=yes): 303 to the
 * groups; 400 page without confirmation; 403 (`users`, admin group, bad
 * CSRF); 404; 503.
 */
int
mgr_groups_delete(struct http_req *req)
{
	const char	*name = http_param(req, 0);
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (strcmp(mgr_form(req, "confirm"), "yes") != 0) {
		snprintf(e.message, sizeof(e.message), "Tick the "
		    "confirmation box to delete the group.");
		return mgr_fail(req, 400, &e, MGR_GROUPS,
		    group_path(req, name), "Back to the group");
	}
	if ((rc = groups_delete(mgr_actor(req), name, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, group_path(req, name),
		    "Back to the group");
	return mgr_done(req, "/manager/groups", "group-deleted");
}

/*
 * POST /manager/groups/<name>/members (csrf, username): look the user up
 * by name and add them. 303 to the group; an unknown or malformed name
 * shows the group page again with the error (404 or 400), nothing
 * changed; 403; 404 no such group; 503.
 */
int
mgr_groups_member_add(struct http_req *req)
{
	const char	*name = http_param(req, 0);
	const char	*username = mgr_form(req, "username");
	const char	*ids[1];
	char		 msg[256], lower[USERNAME_MAX + 1];
	struct dom_err	 e;
	struct user	 u;
	struct json	*j = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (!valid_username(username, lower)) {
		/* Echoed whole or not at all: a cut could split UTF-8. */
		snprintf(msg, sizeof(msg), "“%s” is not a username: "
		    "usernames have 3–32 characters, a letter first, then "
		    "letters, digits, dot, underscore or hyphen.",
		    strlen(username) <= 64 ? username : "…");
		return group_page(req, name, 400, msg, username);
	}
	if ((rc = users_by_name(lower, &u, &e)) != 0) {
		if (rc != 404)
			return mgr_fail(req, rc, &e, MGR_GROUPS,
			    group_path(req, name), "Back to the group");
		snprintf(msg, sizeof(msg), "No user is named “%s”. Check the "
		    "spelling, or find the person on the Users page.", lower);
		return group_page(req, name, 404, msg, username);
	}
	ids[0] = u.id;
	if ((rc = groups_add_members(mgr_actor(req), name, ids, 1, &j,
	    &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, group_path(req, name),
		    "Back to the group");
	json_free(j);
	return mgr_done(req, group_path(req, name), "member-added");
}

/*
 * POST /manager/groups/<name>/members/<userId>/remove (csrf): 303 to the
 * group; 403 (`users`, bad CSRF); 404; 503.
 */
int
mgr_groups_member_remove(struct http_req *req)
{
	const char	*name = http_param(req, 0);
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = groups_remove_member(mgr_actor(req), name,
	    http_param(req, 1), &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_GROUPS, group_path(req, name),
		    "Back to the group");
	return mgr_done(req, group_path(req, name), "member-removed");
}
