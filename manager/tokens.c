/*
 * certm3-manager: API tokens — list, create, revoke (common/tokens.h).
 *
 * The secret of a new token exists once, in the answer to its creation
 * (only its hash is stored). So POST /manager/tokens answers 200 with a
 * page showing it, instead of the usual 303: a redirect would need the
 * secret in the URL (history, logs, Referer) or a server-side store
 * holding it in clear. The page is sent with Cache-Control: no-store; a
 * reload re-submits the form and makes another token, which the browser
 * warns about first.
 */
#include <stdio.h>
#include <string.h>

#include "manager.h"
#include "tokens.h"
#include "users.h"

/* The create form; values (after a failed try) may be NULL. */
static void
create_form(struct http_req *req, struct html *h)
{

	html_raw(h, "<h2 id=\"create\">Create a token</h2><form "
	    "class=\"stack\" method=\"post\" action=\"/manager/tokens\">");
	mgr_csrf_input(req, h);
	html_fmt(h, "<div><label for=\"name\">Name</label>"
	    "<input type=\"text\" id=\"name\" name=\"name\" required "
	    "maxlength=\"128\" aria-describedby=\"name-help\">"
	    "<small id=\"name-help\">What the token is for, e.g. "
	    "“backup script”.</small></div>"
	    "<div><label for=\"owner\">Owner (username)</label>"
	    "<input type=\"text\" id=\"owner\" name=\"owner\" maxlength=\"32\" "
	    "autocapitalize=\"none\" spellcheck=\"false\" "
	    "aria-describedby=\"owner-help\">"
	    "<small id=\"owner-help\">Empty: you (%s). A token works only "
	    "while its owner is an active administrator.</small></div>"
	    "<div><label for=\"expires\">Expires on</label>"
	    "<input type=\"date\" id=\"expires\" name=\"expires\" "
	    "aria-describedby=\"expires-help\">"
	    "<small id=\"expires-help\">Optional; at the start of that day, "
	    "UTC. Empty: never.</small></div>"
	    "<div><button type=\"submit\">Create token</button></div></form>",
	    mgr_admin_name(req));
}

/*
 * GET /manager/tokens?offset=: the tokens (never a secret), revoke
 * buttons and the create form. 200; 503.
 */
int
mgr_tokens_list(struct http_req *req)
{
	struct list_page pg;
	struct dom_err	 e;
	struct json	*list = NULL, *t;
	struct html	 h;
	size_t		 i, n;
	int		 rc;

	memset(&e, 0, sizeof(e));
	mgr_list_page(req, &pg);
	if ((rc = tokens_list(NULL, &pg, &list, &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_TOKENS, "/manager", "Dashboard");
	html_init(&h);
	mgr_page_begin(req, &h, "API tokens", MGR_TOKENS);
	mgr_notice(req, &h);
	n = json_array_len(json_get(list, "data"));
	if (n == 0)
		html_raw(&h, "<p>No tokens.</p>");
	else {
		html_raw(&h, "<div class=\"table-wrap\"><table><thead><tr>"
		    "<th scope=\"col\">Name</th><th scope=\"col\">Owner</th>"
		    "<th scope=\"col\">Status</th>"
		    "<th scope=\"col\">Created</th>"
		    "<th scope=\"col\">Expires</th>"
		    "<th scope=\"col\">Last used</th>"
		    "<th scope=\"col\"><span class=\"sr\">Action</span></th>"
		    "</tr></thead><tbody>");
		for (i = 0; i < n; i++) {
			t = json_array_at(json_get(list, "data"), i);
			html_fmt(&h, "<tr><td>%s</td><td><a href=\"/manager/"
			    "users/%s\">%s</a></td><td>", mgr_str(t, "name"),
			    mgr_str(t, "userId"), mgr_str(t, "username"));
			mgr_status(&h, mgr_str(t, "status"));
			html_raw(&h, "</td><td>");
			mgr_time(&h, mgr_str(t, "createdAt"));
			html_fmt(&h, " by %s</td><td>",
			    mgr_str(t, "createdBy"));
			mgr_time(&h, mgr_str(t, "expiresAt"));
			html_raw(&h, "</td><td>");
			mgr_time(&h, mgr_str(t, "lastUsedAt"));
			html_raw(&h, "</td><td>");
			if (strcmp(mgr_str(t, "status"), "revoked") != 0) {
				html_fmt(&h, "<form class=\"inline\" "
				    "method=\"post\" action=\"/manager/tokens/"
				    "%s/revoke\">", mgr_str(t, "id"));
				mgr_csrf_input(req, &h);
				html_fmt(&h, "<button type=\"submit\" "
				    "class=\"danger\">Revoke %s</button>"
				    "</form>", mgr_str(t, "name"));
			}
			html_raw(&h, "</td></tr>");
		}
		html_raw(&h, "</tbody></table></div>");
	}
	mgr_pager(req, &h, "/manager/tokens", NULL, list);
	json_free(list);
	create_form(req, &h);
	return mgr_page_end(req, &h, 200);
}

/*
 * POST /manager/tokens (csrf, name, owner, expires): create a token and
 * answer 200 with the one page that shows its secret; 400 page (name,
 * expires), 404 page (owner unknown or inactive); 403; 503.
 */
int
mgr_tokens_create(struct http_req *req)
{
	const char	*owner = mgr_form(req, "owner");
	const char	*expires = mgr_form(req, "expires");
	char		 secret[TOKEN_LEN + 1], iso[32];
	struct dom_err	 e;
	struct user	 u;
	struct json	*t = NULL;
	struct html	 h;
	const char	*uid = mgr_admin_id(req), *at = NULL;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (*owner != '\0') {
		if ((rc = users_by_name(owner, &u, &e)) != 0) {
			if (rc == 404)
				snprintf(e.message, sizeof(e.message), "No "
				    "user is named “%s”.", strlen(owner) <= 64 ?
				    owner : "…");
			return mgr_fail(req, rc, &e, MGR_TOKENS,
			    "/manager/tokens#create", "Back to the tokens");
		}
		uid = u.id;
	}
	if (strlen(expires) == 10) {
		snprintf(iso, sizeof(iso), "%sT00:00:00Z", expires);
		at = iso;
	} else if (*expires != '\0')
		at = expires;
	rc = tokens_create(mgr_actor(req), uid, mgr_form(req, "name"), at,
	    secret, &t, &e);
	if (rc != 0) {
		explicit_bzero(secret, sizeof(secret));
		return mgr_fail(req, rc, &e, MGR_TOKENS,
		    "/manager/tokens#create", "Back to the tokens");
	}
	html_init(&h);
	mgr_page_crumbs(req, &h, "Token created", MGR_TOKENS, NULL, NULL);
	html_fmt(&h, "<p>Token <strong>%s</strong> for %s was created.</p>"
	    "<div class=\"secret\"><p><label for=\"secret\">Its secret — "
	    "copy it now: it is shown only this once and cannot be "
	    "recovered.</label></p><input type=\"text\" id=\"secret\" "
	    "class=\"mono\" readonly value=\"%s\" autocomplete=\"off\" "
	    "spellcheck=\"false\"></div><p>Use it as "
	    "<code>Authorization: Bearer &lt;secret&gt;</code>.</p>"
	    "<p><a href=\"/manager/tokens\">Back to the tokens</a></p>",
	    mgr_str(t, "name"), mgr_str(t, "username"), secret);
	explicit_bzero(secret, sizeof(secret));
	json_free(t);
	return mgr_page_end(req, &h, 200);
}

/*
 * POST /manager/tokens/<id>/revoke (csrf): 303 to the tokens; 403; 404;
 * 409 page (already revoked); 503.
 */
int
mgr_tokens_revoke(struct http_req *req)
{
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = tokens_revoke(mgr_actor(req), http_param(req, 0), &e)) != 0)
		return mgr_fail(req, rc, &e, MGR_TOKENS, "/manager/tokens",
		    "Back to the tokens");
	return mgr_done(req, "/manager/tokens", "token-revoked");
}
