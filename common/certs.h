/*
 * certs: certificates as a domain (SPEC §2, §4) — issuance from a CSR,
 * the register in table certificates, revocation and the CRL. Shared by
 * /request (issuance, renewal, CRL), /api and /manager (lists, revocation).
 *
 * A certificate names only what the database says at the moment of
 * issuance: the user's username and e-mail, `users` and the requested
 * groups that are current memberships. The CSR only proves possession of
 * the key and must agree with the username and e-mail.
 *
 * Certificates are JSON objects {"serial","userId","username",
 * "commonName","email","groups","fingerprint","keyType","notBefore",
 * "notAfter","status","revokedAt","revokedBy","revocationReason",
 * "createdAt","createdBy"}; serials are lower-case hex without leading
 * zeros, times ISO-8601 UTC, revocation reasons RFC 5280 CRLReason names.
 * Every operation sets *out to NULL first; on success the caller owns it.
 */
#ifndef CERTM3_CERTS_H
#define CERTM3_CERTS_H

#include "ca.h"
#include "db.h"
#include "domain.h"
#include "list.h"

#define CERTS_GROUPS_MAX	64	/* groups a request may name */
#define CERTS_KEY_TYPE_MAX	16	/* "ec-p256", "rsa-4096" */

extern const struct db_stmt certs_stmts[];
extern const size_t certs_nstmts;

/* Filters of certs_list; NULL = any. */
struct certs_filter {
	const char	*status;	/* active, revoked */
	const char	*user_id;	/* a UUID */
	const char	*username;
	/* "YYYY-MM-DDTHH:MM:SSZ": not yet expired, notAfter before it */
	const char	*expires_before;
};

/* The fixed fields of SPEC §4: cfg_defaults and cfg.group_oid. */
void	 certs_profile(struct ca_profile *);

/*
 * Issue a certificate for user_id from a PEM CSR of csr_len bytes and
 * the requested groups (a JSON array of group names, or NULL for `users`
 * only), signed by the process's CA (auth_ca(), with its key). An actor
 * whose name is NULL is the user themself, named by their username. The
 * user's status, username, e-mail and memberships are read and locked
 * (FOR SHARE) in the transaction that then stores the certificates row and
 * a "certificate.issue" audit row; if that fails nothing is returned. On 0 *out is {"certificate",
 * "chain","serial","notAfter"}. 400 (field csr: not a PEM CSR; field
 * groups: not an array of group names, or too many), 403 user inactive,
 * 403 group not a membership (extra "group"), 404 no such user, 422 bad
 * CSR signature or key policy, 422 with extra "mismatch":["commonName",
 * "emailAddress"], 500/503.
 */
int	 certs_issue(const struct actor *, const char *user_id,
	    const char *csr, size_t csr_len, const struct json *groups,
	    struct json **out, struct dom_err *);

/*
 * Record an issued certificate (row + "certificate.issue" audit row) in
 * the caller's transaction: subj as issued, key_type like "ec-p256". 0 or
 * 500/503. Used by certs_issue and the admin bootstrap.
 */
int	 certs_store_tx(const struct actor *, const char *user_id,
	    const struct ca_subject *subj, const char *key_type,
	    const struct ca_issued *, struct dom_err *);

/* One certificate by serial (any case, leading zeros). 0, 404, 5xx. */
int	 certs_get(const char *serial, struct json **out, struct dom_err *);

/* Its PEM (malloc'd, caller frees). 0, 404, 500/503. */
int	 certs_pem(const char *serial, char **pem, struct dom_err *);

/*
 * Certificates newest first (soonest to expire first with
 * expires_before), filtered: {"data","total","limit","offset"} (total
 * and page in one statement). 0, 400 naming status, userId, username or
 * expiresBefore, 500/503.
 */
int	 certs_list(const struct certs_filter *, const struct list_page *,
	    struct json **out, struct dom_err *);

/*
 * Revoke one certificate for reason (an RFC 5280 CRLReason name; NULL =
 * "unspecified"; removeFromCRL is refused: this is no delta CRL), with a
 * "certificate.revoke" audit row, in one transaction; *out is the
 * certificate afterwards. 0, 400 (field reason), 404, 409 already
 * revoked, 500/503.
 */
int	 certs_revoke(const struct actor *, const char *serial,
	    const char *reason, struct json **out, struct dom_err *);

/*
 * Revoke every active certificate of a user for reason_code (RFC 5280;
 * not 8) inside the caller's transaction, with one "certificate.revoke"
 * audit row per certificate, in one statement. 0, 400 bad reason,
 * 500/503.
 */
int	 certs_revoke_user_tx(const struct actor *, const char *user_id,
	    int reason_code, struct dom_err *);

/*
 * The current CRL as PEM (malloc'd, caller frees). It is kept in the
 * database for every process and host; when revocations changed since it
 * was made, or it is past half its lifetime (cfg.crl_next_update), a new
 * one with the next CRL number is signed (needs the CA key) and stored,
 * one process at a time. 0 or 500/503.
 */
int	 certs_crl(char **pem, struct dom_err *);

#endif /* CERTM3_CERTS_H */
