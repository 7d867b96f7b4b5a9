/*
 * certm3-manager: page layout, error pages, CSRF plumbing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "ca.h"
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

/*
 * Write the head, the header with the admin's name, the navigation with
 * section marked as the current page (when it is section's own page) or
 * location, optional breadcrumbs and the <h1>.
 */
void
mgr_page_crumbs(struct http_req *req, struct html *h, const char *title,
    enum mgr_section section, const char *parent_href,
    const char *parent_label)
{
	const char	*who = mgr_admin_name(req);
	int		 top;
	size_t		 i;

	/* A section's own page is "the page"; below it, "the location". */
	top = section == MGR_NONE || (req->path != NULL &&
	    strcmp(req->path, nav[section].href) == 0);
	html_fmt(h, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">"
	    "<title>%s · certM3 manager</title>"
	    "<link rel=\"icon\" href=\"data:,\">"
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
		    i != (size_t)section ? "" : top ?
		    " aria-current=\"page\"" : " aria-current=\"location\"",
		    nav[i].label);
	html_raw(h, "</ul></nav><main id=\"main\">");
	if (!top && section != MGR_DASHBOARD && section != MGR_NONE) {
		html_fmt(h, "<nav aria-label=\"Breadcrumb\" class=\"crumbs\">"
		    "<ol><li><a href=\"%s\">%s</a></li>", nav[section].href,
		    nav[section].label);
		if (parent_href != NULL)
			html_fmt(h, "<li><a href=\"%s\">%s</a></li>",
			    parent_href, parent_label);
		html_fmt(h, "<li aria-current=\"page\">%s</li></ol></nav>",
		    title);
	}
	html_fmt(h, "<h1>%s</h1>", title);
}

void
mgr_page_begin(struct http_req *req, struct html *h, const char *title,
    enum mgr_section section)
{

	mgr_page_crumbs(req, h, title, section, NULL, NULL);
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
		text = "This console needs a valid administrator's client "
		    "certificate: none was presented, or the one presented "
		    "is revoked, expired or not from this CA. Import your "
		    "certificate (the .p12 file) into the browser and open "
		    "this page again.";
		break;
	case 403:
		text = "Your certificate is not allowed here: it may be "
		    "revoked, its owner inactive, or not a member of the "
		    "administrators' group. If this form was open for long, "
		    "reload the page and try again.";
		break;
	case 400:
		text = "The request was malformed. Go back, check the form "
		    "and try again.";
		break;
	case 404:
		text = "There is nothing at this address.";
		break;
	case 405:
		text = "This address does not accept that kind of request.";
		break;
	case 413:
		text = "The form sent too much data.";
		break;
	case 415:
		text = "The console's forms send form data; this request "
		    "sent something else.";
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
	mgr_page_begin(req, &h, http_status_reason(status), MGR_NONE);
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

/* What ?done= may say: fixed texts, never the parameter itself. */
static const struct {
	const char	*key;
	const char	*text;
} notices[] = {
	{ "group-created", "The group was created." },
	{ "group-updated", "The group was saved." },
	{ "group-deleted", "The group was deleted." },
	{ "member-added", "The member was added." },
	{ "member-removed", "The member was removed." },
	{ "user-group-added", "The user was added to the group." },
	{ "user-group-removed", "The user was removed from the group." },
	{ "user-deactivated", "The user was deactivated; their active "
	    "certificates are revoked." },
	{ "user-activated", "The user was activated." },
	{ "request-resent", "A new validation e-mail was sent; the previous "
	    "link no longer works." },
	{ "request-cancelled", "The request was cancelled." },
	{ "cert-revoked", "The certificate was revoked." },
	{ "token-revoked", "The token was revoked." },
};

void
mgr_notice(struct http_req *req, struct html *h)
{
	const char	*done = http_query(req, "done");
	size_t		 i;

	if (done == NULL)
		return;
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(done, notices[i].key) == 0) {
			html_fmt(h, "<p class=\"notice\" role=\"status\">%s</p>",
			    notices[i].text);
			return;
		}
}

int
mgr_done(struct http_req *req, const char *path, const char *done)
{
	const char	*kv[] = { "done", done, NULL };

	return mgr_redirect(req, mgr_url(req, path, kv, 0));
}

int
mgr_fail(struct http_req *req, int status, const struct dom_err *e,
    enum mgr_section section, const char *back_href, const char *back_label)
{
	struct html	 h;

	if (status < 400 || status > 599)
		status = 500;
	html_init(&h);
	mgr_page_begin(req, &h, status == 404 ? "Not found" :
	    status >= 500 ? http_status_reason(status) :
	    "That did not work", section);
	html_fmt(&h, "<p class=\"error\" role=\"alert\">%s</p>",
	    e != NULL && e->message[0] != '\0' ? e->message :
	    http_status_reason(status));
	if (status < 500)
		html_raw(&h, "<p>Nothing was changed.</p>");
	if (back_href != NULL)
		html_fmt(&h, "<p><a href=\"%s\">%s</a></p>", back_href,
		    back_label);
	return mgr_page_end(req, &h, status);
}

const struct actor *
mgr_actor(const struct http_req *req)
{
	static const struct actor	 nobody = { "anonymous", NULL };
	const struct principal		*p = req->principal;

	return p != NULL ? &p->actor : &nobody;
}

const char *
mgr_admin_id(const struct http_req *req)
{
	const struct principal	*p = req->principal;

	return p != NULL ? p->user.id : "";
}

/* Append s percent-encoded (all but RFC 3986 unreserved) to b. */
static size_t
url_encode(char *b, size_t off, size_t sz, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0' && off + 4 < sz; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			b[off++] = (char)c;
		else {
			b[off++] = '%';
			b[off++] = hex[c >> 4];
			b[off++] = hex[c & 15];
		}
	}
	b[off] = '\0';
	return off;
}

const char *
mgr_url(struct http_req *req, const char *path, const char *const *kv,
    long offset)
{
	char		 buf[HTTP_MAX_PATH + 2048], num[24];
	const char	*u;
	size_t		 off = 0, i;
	int		 first = 1;

	off = (size_t)snprintf(buf, sizeof(buf), "%s", path);
	if (off >= sizeof(buf))
		return path;
	for (i = 0; kv != NULL && kv[i] != NULL; i += 2) {
		if (kv[i + 1] == NULL || kv[i + 1][0] == '\0')
			continue;
		if (off + strlen(kv[i]) + 3 >= sizeof(buf))
			return path;
		buf[off++] = first ? '?' : '&';
		first = 0;
		off = url_encode(buf, off, sizeof(buf), kv[i]);
		buf[off++] = '=';
		off = url_encode(buf, off, sizeof(buf), kv[i + 1]);
	}
	if (offset > 0) {
		snprintf(num, sizeof(num), "%ld", offset);
		if (off + strlen(num) + 9 < sizeof(buf))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%soffset=%s", first ? "?" : "&", num);
	}
	u = http_strdup(req, buf);
	return u != NULL ? u : path;
}

void
mgr_list_page(struct http_req *req, struct list_page *pg)
{
	struct dom_err	 e;
	const char	*v = http_query(req, "offset");
	char		*end;
	long		 offset = 0;

	memset(&e, 0, sizeof(e));
	if (v != NULL && *v >= '0' && *v <= '9') {
		offset = strtol(v, &end, 10);
		if (*end != '\0' || offset < 0 || offset > LIST_OFFSET_MAX)
			offset = 0;
	}
	(void)list_page(pg, MGR_PAGE_SIZE, offset, &e);
}

void
mgr_pager(struct http_req *req, struct html *h, const char *path,
    const char *const *kv, const struct json *list)
{
	long long	 total = 0, limit = MGR_PAGE_SIZE, offset = 0, prev;
	size_t		 n;

	(void)json_get_int(list, "total", &total);
	(void)json_get_int(list, "limit", &limit);
	(void)json_get_int(list, "offset", &offset);
	n = json_array_len(json_get(list, "data"));
	html_raw(h, "<nav class=\"pager\" aria-label=\"Pages\">");
	if (n == 0)
		html_fmt(h, "<span>%lld in all</span>", total);
	else
		html_fmt(h, "<span>Showing %lld–%lld of %lld</span>",
		    offset + 1, offset + (long long)n, total);
	if (offset > 0) {
		prev = offset - limit > 0 ? offset - limit : 0;
		html_fmt(h, "<a rel=\"prev\" href=\"%s\">Previous page</a>",
		    mgr_url(req, path, kv, (long)prev));
	}
	if (offset + (long long)n < total && n > 0)
		html_fmt(h, "<a rel=\"next\" href=\"%s\">Next page</a>",
		    mgr_url(req, path, kv, (long)(offset + (long long)n)));
	html_raw(h, "</nav>");
}

void
mgr_status(struct html *h, const char *status)
{
	static const char *const known[] = { "active", "inactive", "revoked",
	    "expired", "pending", "revalidating", "completed", "cancelled",
	    NULL };
	size_t	 i;

	if (status == NULL)
		status = "";
	for (i = 0; known[i] != NULL; i++)
		if (strcmp(status, known[i]) == 0)
			break;
	html_fmt(h, "<span class=\"status %R\">%s</span>",
	    known[i] != NULL ? known[i] : "", status);
}

void
mgr_time(struct html *h, const char *iso)
{
	char	 shown[32];

	if (iso == NULL || *iso == '\0') {
		html_raw(h, "—");
		return;
	}
	/* 2030-01-31T12:00:00Z → 2030-01-31 12:00 UTC */
	snprintf(shown, sizeof(shown), "%.16s UTC", iso);
	if (strlen(shown) > 10 && shown[10] == 'T')
		shown[10] = ' ';
	html_fmt(h, "<time datetime=\"%s\">%s</time>", iso, shown);
}

const char *
mgr_str(const struct json *obj, const char *key)
{
	const char	*s;

	return json_get_str(obj, key, &s) == 1 ? s : "";
}

const char *
mgr_form(const struct http_req *req, const char *key)
{
	const char	*s = http_form(req, key);

	return s != NULL ? s : "";
}

const char *
mgr_query(const struct http_req *req, const char *key)
{
	const char	*s = http_query(req, key);

	return s != NULL ? s : "";
}

void
mgr_option(struct html *h, const char *value, const char *label,
    const char *selected)
{

	html_fmt(h, "<option value=\"%s\"%R>%s</option>", value,
	    selected != NULL && strcmp(value, selected) == 0 ?
	    " selected" : "", label);
}

void
mgr_reason_select(struct html *h, const char *id)
{
	const char	*name;
	int		 code;

	html_fmt(h, "<select id=\"%s\" name=\"reason\">", id);
	/* 8 (removeFromCRL) is for delta CRLs only; 7 is unassigned. */
	for (code = 0; code <= 10; code++)
		if (code != 8 && (name = ca_reason_name(code)) != NULL)
			mgr_option(h, name, name, "unspecified");
	html_raw(h, "</select>");
}
