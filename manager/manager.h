/*
 * certm3-manager: shared declarations of the /manager admin console.
 */
#ifndef CERTM3_MANAGER_H
#define CERTM3_MANAGER_H

#include <stddef.h>

#include "db.h"
#include "html.h"
#include "http.h"

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
	MGR_AUDIT
};

#define MGR_CSRF_LEN	96

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
/* Close the page and send it with status; returns status. */
int	 mgr_page_end(struct http_req *, struct html *, int status);
/* A readable error page for status (the app's error_body callback). */
void	 mgr_error_page(struct http_req *, int status);
/* The hidden CSRF input for a form; empty if no token can be made. */
void	 mgr_csrf_input(struct http_req *, struct html *);
/* Check the form's csrf field: 0 or 403 (after writing the page). */
int	 mgr_csrf_check(struct http_req *);
/* 303 to location (POST-redirect-GET). */
int	 mgr_redirect(struct http_req *, const char *location);
/* Who is signed in (username) and what CSRF tokens bind to. */
const char *mgr_admin_name(const struct http_req *);
const char *mgr_admin_binding(const struct http_req *);

#endif /* CERTM3_MANAGER_H */
