/*
 * auth: who is calling, decided on every request from the database.
 *
 * Two credentials exist (SPEC §5, §6):
 *   - a client certificate of ours, passed by nginx as SSL_CLIENT_CERT
 *     (URL-escaped PEM) and verified here against the process's CA (chain,
 *     signature, validity), then in the database: its row (by serial) must
 *     exist with the same SHA-256 fingerprint, be `active`, and its owner
 *     `active`;
 *   - `Authorization: Bearer <token>` (see tokens.h).
 * Administrators are the active owners of either who belong to
 * cfg.admin_group, read in the same statement that checks the credential,
 * so revocation, deactivation and membership changes apply to the very
 * next request.
 *
 * HTTP outcomes (documented in README.md):
 *   no credential, a malformed one, one that is not ours, an unknown,
 *   revoked or expired token, a revoked or expired certificate → 401;
 *   a valid credential of an inactive user, or of a non-admin where an
 *   admin is needed → 403; database unreachable → 503.
 * A certificate that is revoked is no longer a credential at all (like a
 * revoked token), hence 401 with name "CertificateRevoked"; an expired one
 * answers 401 "CertificateExpired" on /api and /manager, while /request
 * uses AUTH_EXPIRED to start re-validation (SPEC §3 step 9).
 *
 * The process's CA lives here too: auth_init() loads it once at start,
 * with the private key only in certm3-request.
 */
#ifndef CERTM3_AUTH_H
#define CERTM3_AUTH_H

#include "audit.h"
#include "ca.h"
#include "db.h"
#include "http.h"
#include "users.h"

#define AUTH_ACTOR_MAX	96

extern const struct db_stmt auth_stmts[];
extern const size_t auth_nstmts;

enum auth_via {
	AUTH_VIA_CERT = 1,	/* client certificate */
	AUTH_VIA_TOKEN,		/* API bearer token */
	AUTH_VIA_SESSION	/* /request validation session */
};

/* The authenticated caller, in req->principal while a request runs. */
struct principal {
	struct user	 user;		/* read now from the database */
	enum auth_via	 via;
	char		 serial[CA_SERIAL_MAX];		/* AUTH_VIA_CERT */
	char		 token_id[UUID_LEN + 1];	/* AUTH_VIA_TOKEN */
	int		 admin;		/* active and in cfg.admin_group */
	char		 actor_name[AUTH_ACTOR_MAX];
	struct actor	 actor;		/* for audit rows: actor_name, addr */
};

enum auth_status {
	AUTH_OK = 0,
	AUTH_NONE,		/* no credential presented */
	AUTH_INVALID,		/* malformed, not ours, unknown, mismatch */
	AUTH_REVOKED,		/* our certificate, revoked */
	AUTH_EXPIRED,		/* ours, good signature, past notAfter */
	AUTH_INACTIVE,		/* valid credential of an inactive user */
	AUTH_DB			/* database failure (db_status()) */
};

/*
 * Load the CA certificate cfg.ca_cert, and its key cfg.ca_key when
 * with_key (certm3-request only). Logs the reason and returns -1 when the
 * certificate cannot be loaded, the key file is readable by group or
 * others, or the key does not match; 0 otherwise.
 */
int	 auth_init(int with_key);
/* The CA loaded by auth_init(), or NULL. Owned by this module. */
const struct ca *auth_ca(void);

/*
 * Check the client certificate of req. AUTH_OK fills *p (via
 * AUTH_VIA_CERT). AUTH_EXPIRED, AUTH_INACTIVE and AUTH_REVOKED fill
 * p->user (and the actor) too: the
 * owner found by the certificate's serial or, when the serial has no row,
 * by the username in its subject (SPEC §3 step 9). cl, when not NULL,
 * receives what the certificate says (serial, subject, fingerprint).
 */
enum auth_status auth_cert(struct http_req *, struct principal *p,
	    struct ca_client *cl);

/*
 * Check `Authorization: Bearer <token>` of req. AUTH_OK fills *p (via
 * AUTH_VIA_TOKEN); AUTH_INACTIVE fills p->user.
 */
enum auth_status auth_token(struct http_req *, struct principal *p);

/*
 * Fill p's actor (name and client address) for its user and via:
 * "alice" for certificates and sessions, "alice (token 1b2c3d4e)" for
 * tokens. Used by the functions above and by /request for sessions.
 */
void	 auth_set_actor(struct http_req *, struct principal *p);

/*
 * Answer a failed authentication in the SPEC §5 error shape (and, when
 * bearer is set, with a WWW-Authenticate challenge). Returns the status:
 * 401, 403, 500 or 503.
 */
int	 auth_respond(struct http_req *, enum auth_status, int bearer);

/*
 * The whole admin check of /api (allow_token) and /manager: the bearer
 * token when an Authorization header is present and allow_token is set,
 * else the client certificate; then active and in cfg.admin_group. On 0
 * *out is the principal (malloc'd; free with auth_release), else the
 * error body is written and the status (401, 403, 500, 503) returned.
 */
int	 auth_admin(struct http_req *, int allow_token,
	    struct principal **out);

/* Free req->principal (an http_app release callback). */
void	 auth_release(struct http_req *);

#endif /* CERTM3_AUTH_H */
