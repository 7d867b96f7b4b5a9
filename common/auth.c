/*
 * auth: client certificates and bearer tokens, checked per request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "tokens.h"

#define AUTH_PEM_MAX	(64 * 1024)	/* decoded client certificate */

enum {
	AUTH_CERT_ROW,
	AUTH__MAX
};

const struct db_stmt auth_stmts[AUTH__MAX] = {
	/* The certificate, its owner and admin membership: one round trip. */
	[AUTH_CERT_ROW] = { "auth_cert_row",
	    "SELECT c.status, c.fingerprint, u.id, u.username, "
	    "u.display_name, u.email, u.status, EXISTS (SELECT 1 FROM "
	    "user_groups g WHERE g.user_id = u.id AND g.group_name = $2) "
	    "FROM certificates c JOIN users u ON u.id = c.user_id "
	    "WHERE c.serial = $1", 2 },
};
const size_t auth_nstmts = AUTH__MAX;

static struct ca	*the_ca;

int
auth_init(int with_key)
{
	char	 err[512];

	if (the_ca != NULL)
		return 0;
	if (ca_load(cfg.ca_cert, with_key ? cfg.ca_key : NULL, &the_ca, err,
	    sizeof(err)) == -1) {
		log_err("cannot load the CA: %s", err);
		return -1;
	}
	return 0;
}

const struct ca *
auth_ca(void)
{

	return the_ca;
}

void
auth_set_actor(struct http_req *req, struct principal *p)
{

	if (p->via == AUTH_VIA_TOKEN)
		snprintf(p->actor_name, sizeof(p->actor_name),
		    "%s (token %.8s)", p->user.username, p->token_id);
	else
		snprintf(p->actor_name, sizeof(p->actor_name), "%s",
		    p->user.username);
	p->actor.name = p->actor_name;
	p->actor.addr = req != NULL ? req->remote_addr : NULL;
}

/* Copy a user's columns (id, username, display_name, email, status). */
static void
fill_user(const struct dbres *r, int col, struct user *u)
{

	snprintf(u->id, sizeof(u->id), "%s", db_val(r, 0, col));
	snprintf(u->username, sizeof(u->username), "%s",
	    db_val(r, 0, col + 1));
	snprintf(u->display_name, sizeof(u->display_name), "%s",
	    db_val(r, 0, col + 2));
	snprintf(u->email, sizeof(u->email), "%s", db_val(r, 0, col + 3));
	snprintf(u->status, sizeof(u->status), "%s", db_val(r, 0, col + 4));
}

/*
 * The expired certificate of a serial the database does not know: find
 * its owner by the subject's username (SPEC §3 step 9).
 */
static enum auth_status
expired_by_name(const struct ca_client *cl, struct principal *p)
{
	struct dom_err	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if ((rc = users_by_name(cl->username, &p->user, &e)) == 404)
		return AUTH_INVALID;
	if (rc != 0)
		return AUTH_DB;
	return strcmp(p->user.status, "active") == 0 ? AUTH_EXPIRED :
	    AUTH_INACTIVE;
}

enum auth_status
auth_cert(struct http_req *req, struct principal *p, struct ca_client *clp)
{
	const char		*esc, *q[2];
	char			*pem = NULL;
	size_t			 len;
	struct ca_client	 cl;
	struct dbres		*r = NULL;
	enum ca_client_status	 cs;
	enum auth_status	 st = AUTH_INVALID;

	memset(p, 0, sizeof(*p));
	memset(&cl, 0, sizeof(cl));
	if ((esc = http_env(req, "SSL_CLIENT_CERT")) == NULL ||
	    esc[0] == '\0') {
		st = AUTH_NONE;
		goto out;
	}
	if ((len = strlen(esc)) > 3 * AUTH_PEM_MAX ||
	    (pem = malloc(len + 1)) == NULL ||
	    http_urldecode(esc, len, 0, pem, len + 1) == -1)
		goto out;
	cs = ca_verify_client(the_ca, pem, strlen(pem), time(NULL), &cl);
	if (cs == CA_CLIENT_INVALID)
		goto out;
	q[0] = cl.serial;
	q[1] = cfg.admin_group;
	if ((r = db_exec(&auth_stmts[AUTH_CERT_ROW], q)) == NULL) {
		st = AUTH_DB;
		goto out;
	}
	if (db_nrows(r) != 1) {
		/*
		 * Signed by our CA yet unknown: only an expired one may still
		 * lead to its owner; a current one is refused (the database
		 * is the register of what we issued).
		 */
		if (cs == CA_CLIENT_EXPIRED)
			st = expired_by_name(&cl, p);
		goto out;
	}
	if (!crypto_str_equal(db_val(r, 0, 1), cl.fingerprint))
		goto out;
	fill_user(r, 2, &p->user);
	if (strcmp(db_val(r, 0, 0), "active") != 0)
		st = AUTH_REVOKED;
	else if (strcmp(p->user.status, "active") != 0)
		st = AUTH_INACTIVE;
	else if (cs == CA_CLIENT_EXPIRED)
		st = AUTH_EXPIRED;
	else {
		st = AUTH_OK;
		p->admin = db_bool(r, 0, 7);
	}
out:
	if (st == AUTH_OK || st == AUTH_EXPIRED || st == AUTH_INACTIVE ||
	    st == AUTH_REVOKED) {
		p->via = AUTH_VIA_CERT;
		snprintf(p->serial, sizeof(p->serial), "%s", cl.serial);
		auth_set_actor(req, p);
	}
	if (clp != NULL)
		*clp = cl;
	db_clear(r);
	free(pem);
	return st;
}

enum auth_status
auth_token(struct http_req *req, struct principal *p)
{
	struct token_owner	 o;
	const char		*h, *secret;
	int			 rc;

	memset(p, 0, sizeof(*p));
	if ((h = http_env(req, "HTTP_AUTHORIZATION")) == NULL || h[0] == '\0')
		return AUTH_NONE;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return AUTH_INVALID;
	for (secret = h + 7; *secret == ' '; secret++)
		continue;
	if ((rc = tokens_lookup(secret, cfg.admin_group, &o)) == -1)
		return AUTH_DB;
	if (rc == 0)
		return AUTH_INVALID;
	p->user = o.user;
	p->via = AUTH_VIA_TOKEN;
	snprintf(p->token_id, sizeof(p->token_id), "%s", o.token_id);
	auth_set_actor(req, p);
	if (strcmp(p->user.status, "active") != 0)
		return AUTH_INACTIVE;
	p->admin = o.admin;
	return AUTH_OK;
}

int
auth_respond(struct http_req *req, enum auth_status st, int bearer)
{

	if (bearer && (st == AUTH_NONE || st == AUTH_INVALID ||
	    st == AUTH_REVOKED || st == AUTH_EXPIRED))
		http_header(req, "WWW-Authenticate", "Bearer realm=\"certm3\"");
	switch (st) {
	case AUTH_OK:
		return 0;
	case AUTH_NONE:
		return http_error(req, 401, NULL, "Authentication is "
		    "required: %s.", bearer ? "a client certificate or a "
		    "bearer token" : "a client certificate");
	case AUTH_INVALID:
		return http_error(req, 401, NULL, "The credentials presented "
		    "are not valid.");
	case AUTH_REVOKED:
		return http_error(req, 401, "CertificateRevoked", "This "
		    "certificate has been revoked.");
	case AUTH_EXPIRED:
		return http_error(req, 401, "CertificateExpired", "This "
		    "certificate has expired.");
	case AUTH_INACTIVE:
		return http_error(req, 403, "UserInactive", "This account is "
		    "inactive.");
	case AUTH_DB:
	default:
		return db_status() == 503 ? http_error(req, 503, NULL,
		    "The database is unavailable; try again shortly.") :
		    http_error(req, 500, NULL, "%s", "");
	}
}

int
auth_admin(struct http_req *req, int allow_token, struct principal **out)
{
	struct principal	*p;
	enum auth_status	 st;
	int			 bearer;

	*out = NULL;
	if ((p = malloc(sizeof(*p))) == NULL)
		return http_error(req, 500, NULL, "%s", "");
	bearer = allow_token && http_env(req, "HTTP_AUTHORIZATION") != NULL;
	st = bearer ? auth_token(req, p) : auth_cert(req, p, NULL);
	if (st != AUTH_OK) {
		if (st == AUTH_INACTIVE || st == AUTH_EXPIRED ||
		    st == AUTH_REVOKED)
			log_set_user(p->actor_name);
		free(p);
		return auth_respond(req, st, allow_token);
	}
	log_set_user(p->actor_name);
	if (!p->admin) {
		free(p);
		return http_error(req, 403, NULL, "Only members of the group "
		    "%s may do this.", cfg.admin_group);
	}
	*out = p;
	return 0;
}

void
auth_release(struct http_req *req)
{

	free(req->principal);
	req->principal = NULL;
}
