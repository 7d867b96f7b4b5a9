/*
 * certm3-manager: shared declarations of the /manager admin console.
 *
 * Pages are built with common/html (every value escaped by html_text or
 * html_fmt's %s); state changes are POST forms carrying a CSRF token,
 * answered by a 303 to a page with ?done=<key>, whose notice is a fixed
 * text (see page.c). Handlers call the domain operations of common/ that
 * /api calls, with the admin as actor, and render their JSON.
 */
#ifndef CERTM3_MANAGER_H
#define CERTM3_MANAGER_H

#include <stddef.h>

#include "db.h"
#include "domain.h"
#include "html.h"
#include "http.h"
#include "json.h"
#include "list.h"

enum manager_auth {
	MGR_PUBLIC = 0,
	MGR_ADMIN		/* admin client certificate */
};

/* Sections of the console, for the navigation bar. */
enum mgr_section {
	MGR_DASHBOARD,
	MGR_USERS,
	MGR_GROUPS,
	MGR_REQUESTS,
	MGR_CERTIFICATES,
	MGR_TOKENS,
	MGR_AUDIT,
	MGR_NONE		/* error pages: no section is current */
};

#define MGR_CSRF_LEN	96
#define MGR_PAGE_SIZE	25	/* rows of a paginated list page */
#define MGR_ALL		500	/* "all": memberships, groups to choose */

extern const struct http_route manager_routes[];
extern const size_t manager_nroutes;
extern const struct db_stmt csrf_stmts[];
extern const size_t csrf_nstmts;

/* A fresh CSRF token bound to bound_to (the admin's identity). 0/-1. */
int	 mgr_csrf_token(const char *bound_to, char out[MGR_CSRF_LEN]);
/* Is token valid for bound_to (constant-time MAC check)? 1/0. */
int	 mgr_csrf_valid(const char *bound_to, const char *token);

/*
 * Start a page: doctype, head, header with the admin's name, navigation
 * with the current section marked, and <main> with an <h1> of title.
 */
void	 mgr_page_begin(struct http_req *, struct html *, const char *title,
	    enum mgr_section);
/*
 * As mgr_page_begin, with a breadcrumb trail before the <h1>: the
 * section's list page, then parent (NULL for none), then title.
 */
void	 mgr_page_crumbs(struct http_req *, struct html *, const char *title,
	    enum mgr_section, const char *parent_href,
	    const char *parent_label);
/* Close the page and send it with status; returns status. */
int	 mgr_page_end(struct http_req *, struct html *, int status);
/* A readable error page for status (the app's error_body callback). */
void	 mgr_error_page(struct http_req *, int status);
/*
 * A failed domain operation as a page: the status, the operation's
 * message (escaped) and a link back. Returns status.
 */
int	 mgr_fail(struct http_req *, int status, const struct dom_err *,
	    enum mgr_section, const char *back_href, const char *back_label);
/* The hidden CSRF input for a form; empty if no token can be made. */
void	 mgr_csrf_input(struct http_req *, struct html *);
/* Check the form's csrf field: 0 or 403 (after writing the page). */
int	 mgr_csrf_check(struct http_req *);
/* 303 to location (POST-redirect-GET). */
int	 mgr_redirect(struct http_req *, const char *location);
/* 303 to path?done=done (done: a key of page.c's notice table). */
int	 mgr_done(struct http_req *, const char *path, const char *done);
/* The notice for ?done=, when it is a known key; nothing otherwise. */
void	 mgr_notice(struct http_req *, struct html *);
/* Who is signed in (username) and what CSRF tokens bind to. */
const char *mgr_admin_name(const struct http_req *);
const char *mgr_admin_binding(const struct http_req *);
/* The admin as the actor of audit rows. */
const struct actor *mgr_actor(const struct http_req *);
/* The admin's user id. */
const char *mgr_admin_id(const struct http_req *);

/*
 * path plus a query string of the NULL-terminated key/value pairs kv
 * (pairs with a NULL or empty value left out) and offset when > 0, each
 * percent-encoded; an arena string (freed with the request), or path.
 */
const char *mgr_url(struct http_req *, const char *path,
	    const char *const *kv, long offset);
/* A list page of MGR_PAGE_SIZE rows at ?offset= (bad or absent: 0). */
void	 mgr_list_page(struct http_req *, struct list_page *);
/*
 * "Showing a–b of n" and previous/next links (keeping kv) for a list
 * answer {"data","total","limit","offset"}.
 */
void	 mgr_pager(struct http_req *, struct html *, const char *path,
	    const char *const *kv, const struct json *list);
/* A status word with its class (known words only get one). */
void	 mgr_status(struct html *, const char *status);
/* An ISO-8601 UTC time as <time>; "—" when NULL. */
void	 mgr_time(struct html *, const char *iso);
/* A string member of obj, or "" when absent or not a string. */
const char *mgr_str(const struct json *obj, const char *key);
/* A form field, or "" when absent. */
const char *mgr_form(const struct http_req *, const char *key);
/* A query field, or "" when absent. */
const char *mgr_query(const struct http_req *, const char *key);
/* <option value=v [selected]>label</option> */
void	 mgr_option(struct html *, const char *value, const char *label,
	    const char *selected);
/* The RFC 5280 reason <select name="reason"> (no removeFromCRL). */
void	 mgr_reason_select(struct html *, const char *id);

/* Handlers (one file per resource); each returns an HTTP status. */
int	 mgr_dashboard(struct http_req *);
int	 mgr_users_list(struct http_req *);
int	 mgr_users_get(struct http_req *);
int	 mgr_users_group_add(struct http_req *);
int	 mgr_users_group_remove(struct http_req *);
int	 mgr_users_deactivate(struct http_req *);
int	 mgr_users_activate(struct http_req *);
int	 mgr_groups_list(struct http_req *);
int	 mgr_groups_create(struct http_req *);
int	 mgr_groups_get(struct http_req *);
int	 mgr_groups_edit(struct http_req *);
int	 mgr_groups_delete(struct http_req *);
int	 mgr_groups_member_add(struct http_req *);
int	 mgr_groups_member_remove(struct http_req *);
int	 mgr_requests_list(struct http_req *);
int	 mgr_requests_get(struct http_req *);
int	 mgr_requests_resend(struct http_req *);
int	 mgr_requests_cancel(struct http_req *);
int	 mgr_certs_list(struct http_req *);
int	 mgr_certs_get(struct http_req *);
int	 mgr_certs_pem(struct http_req *);
int	 mgr_certs_revoke(struct http_req *);
int	 mgr_tokens_list(struct http_req *);
int	 mgr_tokens_create(struct http_req *);
int	 mgr_tokens_revoke(struct http_req *);
int	 mgr_audit_list(struct http_req *);

/* Tables the dashboard shares with the list pages. */
void	 mgr_requests_table(struct html *, const struct json *list);
void	 mgr_certs_table(struct html *, const struct json *list);
void	 mgr_audit_table(struct html *, const struct json *list);

#endif /* CERTM3_MANAGER_H */
