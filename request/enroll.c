/*
 * certm3-request: enrollment — username availability, requests, the
 * validation e-mail, validation and its session (SPEC §3 steps 1-4).
 *
 * Public callers act as "anonymous" from nginx's REMOTE_ADDR (never a
 * client-sent header). Limits, all in PostgreSQL: username checks per
 * address (username_limit_addr a minute), request creation and re-sends
 * per address and per e-mail address (request_limit_addr,
 * request_limit_email an hour), failed validations per address with
 * exponential backoff (backoff_base, backoff_max).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "domain.h"
#include "log.h"
#include "ratelimit.h"
#include "request.h"
#include "requests.h"
#include "session.h"
#include "users.h"

#define HOUR	3600L
#define MINUTE	60L
#define KEY_MAX	(16 + EMAIL_MAX + 1)

/*
 * Count one hit on prefix+subject. 0 allowed, else the status answered
 * (429 with Retry-After, 500/503).
 */
static int
limit(struct http_req *req, const char *prefix, const char *subject,
    long max, long window)
{
	char	 key[KEY_MAX];
	long	 wait;
	int	 rc;

	snprintf(key, sizeof(key), "%s%s", prefix, subject);
	if ((rc = ratelimit_hit(key, max, window, &wait)) == 0)
		return 0;
	if (rc == 429) {
		log_info("rate limited (%s)", prefix);
		return http_error_retry(req, wait);
	}
	return http_error(req, rc, NULL, "%s", rc == 503 ? "The database is "
	    "unavailable; try again shortly." : "");
}

/* ASCII lower-case copy of s into out. */
static void
lower(const char *s, char *out, size_t outsz)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/*
 * GET /request/api/username/<name>: {"username","available","reason"}
 * with reason null, "invalid", "reserved" or "taken". 200, 429, 5xx.
 */
int
enroll_username(struct http_req *req)
{
	const struct actor	 who = { "anonymous", req->remote_addr };
	struct dom_err		 e = { 0 };
	const char		*input = http_param(req, 0), *reason;
	char			 name[USERNAME_MAX + 1];
	char			*echo = NULL;
	struct json		*j;
	int			 rc;

	if ((rc = limit(req, "name:addr:", req->remote_addr,
	    cfg.username_limit_addr, MINUTE)) != 0)
		return rc;
	if ((rc = requests_username_status(&who, input, name, &reason,
	    &e)) != 0)
		return dom_respond(req, rc, &e);
	/* An invalid name is echoed lower-cased, if it is text at all. */
	if (name[0] == '\0' && json_utf8_valid(input, strlen(input)) &&
	    (echo = http_strdup(req, input)) != NULL)
		lower(input, echo, strlen(input) + 1);
	j = json_object();
	json_add_str(j, "username", name[0] != '\0' ? name : echo);
	json_add_bool(j, "available", reason == NULL);
	json_add_str(j, "reason", reason);
	return http_json(req, 200, j);
}

/*
 * POST /request/api/requests {"username","displayName","email"}:
 * 201 {"id","status":"pending"} with Location; 400 (field); 409 taken,
 * reserved or e-mail of an existing user; 429; 503 when the e-mail cannot
 * be written; 500.
 */
int
enroll_create(struct http_req *req)
{
	static const char *const names[] = { "username", "displayName",
	    "email", NULL };
	const struct actor	 who = { "anonymous", req->remote_addr };
	struct dom_err		 e = { 0 };
	struct request		 q;
	struct json		*j, *out;
	const char		*v[3];
	char			 addr[EMAIL_MAX + 1], loc[64 + UUID_LEN];
	int			 rc;

	if ((rc = limit(req, "req:addr:", req->remote_addr,
	    cfg.request_limit_addr, HOUR)) != 0)
		return rc;
	if ((j = http_json_fields(req, names, v, &rc)) == NULL)
		return rc;
	/* A malformed address is refused below, without counting. */
	if (valid_email(v[2])) {
		lower(v[2], addr, sizeof(addr));
		if ((rc = limit(req, "req:email:", addr,
		    cfg.request_limit_email, HOUR)) != 0) {
			json_free(j);
			return rc;
		}
	}
	rc = requests_create(&who, v[0], v[1], v[2], &q, &e);
	json_free(j);
	if (rc != 0)
		return dom_respond(req, rc, &e);
	snprintf(loc, sizeof(loc), "/request/api/requests/%s", q.id);
	http_header(req, "Location", loc);
	out = json_object();
	json_add_str(out, "id", q.id);
	json_add_str(out, "status", q.status);
	return http_json(req, 201, out);
}

/*
 * GET /request/api/requests/<id>: {"id","username","status"} — never the
 * e-mail address or anything of the token. 200, 404, 5xx.
 */
int
enroll_get(struct http_req *req)
{
	struct dom_err	 e = { 0 };
	struct request	 q;
	int		 rc;

	if ((rc = requests_get(http_param(req, 0), &q, &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 200, requests_public_json(&q));
}

/*
 * POST /request/api/requests/<id>/resend (no body, or {}): a new token
 * and e-mail, the old token dead. 202 {"id","status"}; 400; 404; 409 not
 * pending; 429; 503 e-mail not written; 500.
 */
int
enroll_resend(struct http_req *req)
{
	static const char *const names[] = { NULL };
	const struct actor	 who = { "anonymous", req->remote_addr };
	struct dom_err		 e = { 0 };
	struct request		 q;
	struct json		*j;
	char			 addr[EMAIL_MAX + 1];
	int			 rc;

	if ((rc = limit(req, "req:addr:", req->remote_addr,
	    cfg.request_limit_addr, HOUR)) != 0)
		return rc;
	if (req->body_len > 0) {
		if ((j = http_json_fields(req, names, NULL, &rc)) == NULL)
			return rc;
		json_free(j);
	}
	if ((rc = requests_get(http_param(req, 0), &q, &e)) != 0)
		return dom_respond(req, rc, &e);
	lower(q.email, addr, sizeof(addr));
	if ((rc = limit(req, "req:email:", addr, cfg.request_limit_email,
	    HOUR)) != 0)
		return rc;
	if ((rc = requests_resend(&who, q.id, &q, &e)) != 0)
		return dom_respond(req, rc, &e);
	return http_json(req, 202, requests_public_json(&q));
}

/*
 * POST /request/api/validate {"token"}: 200 {"userId","username"} and the
 * session cookie; 400 (field token); 403 account deactivated; 404 unknown
 * or used; 409 e-mail of another user; 410 expired; 429 while backing off
 * after failures; 5xx.
 */
int
enroll_validate(struct http_req *req)
{
	static const char *const names[] = { "token", NULL };
	const struct actor	 who = { "anonymous", req->remote_addr };
	struct dom_err		 e = { 0 };
	struct validation	 v;
	struct json		*j, *out;
	const char		*token;
	char			 key[KEY_MAX], cookie[SESSION_COOKIE_MAX];
	long			 wait;
	int			 rc;

	snprintf(key, sizeof(key), "val:addr:%s", req->remote_addr);
	if ((rc = ratelimit_blocked(key, &wait)) != 0) {
		if (rc == 429) {
			log_info("validation backing off");
			return http_error_retry(req, wait);
		}
		return http_error(req, rc, NULL, "%s", "");
	}
	if ((j = http_json_fields(req, names, &token, &rc)) == NULL)
		return rc;
	rc = requests_validate(&who, NULL, token, 1, &v, &e);
	json_free(j);
	if (rc == 404) {
		if (ratelimit_fail(key) == -1)
			log_warn("cannot record a failed validation");
		log_info("validation failed: unknown token");
	}
	if (rc != 0)
		return dom_respond(req, rc, &e);
	(void)ratelimit_clear(key);
	session_cookie(cookie, v.session, "/request", cfg.session_lifetime);
	explicit_bzero(v.session, sizeof(v.session));
	http_header(req, "Set-Cookie", cookie);
	explicit_bzero(cookie, sizeof(cookie));
	out = json_object();
	json_add_str(out, "userId", v.user_id);
	json_add_str(out, "username", v.username);
	return http_json(req, 200, out);
}

/* Add key = value to obj when value is set. */
static void
add_if(struct json *obj, const char *key, const char *value)
{

	if (value != NULL && *value != '\0')
		json_add_str(obj, key, value);
}

/*
 * GET /request/api/session (REQ_USER): {"username","displayName","email",
 * "groups":[{"name","displayName"}],"csrFields":{C,ST,L,O,OU as set in
 * the defaults file},"via"}. 200; 401 (by the authorize hook); 5xx.
 */
int
enroll_session(struct http_req *req)
{
	const struct request_principal	*p = req->principal;
	struct dom_err			 e = { 0 };
	struct user			 u;
	struct json			*j, *groups, *csr;
	int				 rc;

	if ((rc = users_by_id(p->user_id, &u, &e)) != 0)
		return dom_respond(req, rc == 404 ? 401 : rc, &e);
	if ((rc = users_groups_json(u.id, &groups, &e)) != 0)
		return dom_respond(req, rc, &e);
	csr = json_object();
	add_if(csr, "C", cfg_defaults.country);
	add_if(csr, "ST", cfg_defaults.state);
	add_if(csr, "L", cfg_defaults.locality);
	add_if(csr, "O", cfg_defaults.organization);
	add_if(csr, "OU", cfg_defaults.org_unit);
	j = json_object();
	json_add_str(j, "username", u.username);
	json_add_str(j, "displayName", u.display_name);
	json_add_str(j, "email", u.email);
	json_add(j, "groups", groups);
	json_add(j, "csrFields", csr);
	json_add_str(j, "via", p->via == REQ_VIA_CERTIFICATE ? "certificate" :
	    "validation");
	return http_json(req, 200, j);
}
