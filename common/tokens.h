/*
 * tokens: API bearer tokens (SPEC §5 /api, `Authorization: Bearer …`).
 *
 * A token is TOKEN_LEN URL-safe characters from crypto_token(); only its
 * SHA-256 (lower-case hex) is stored, so the secret exists once, in the
 * answer to its creation. A token belongs to a user, may expire, is
 * revoked rather than deleted, and records its last use to the minute
 * (at most one write per token per minute, however busy it is). It
 * authorises only while its owner is active and in cfg.admin_group,
 * which is read again on every request (see auth.h).
 */
#ifndef CERTM3_TOKENS_H
#define CERTM3_TOKENS_H

#include "crypto.h"
#include "db.h"
#include "domain.h"
#include "list.h"
#include "users.h"

#define TOKEN_NAME_MAX	128	/* characters */

extern const struct db_stmt tokens_stmts[];
extern const size_t tokens_nstmts;

/* What a presented, live token stands for. */
struct token_owner {
	char		 token_id[UUID_LEN + 1];
	struct user	 user;
	int		 admin;		/* owner in admin_group (any status) */
};

/*
 * Resolve a presented secret: 1 when it is a live token (not revoked, not
 * expired) with *out filled and its last use recorded, 0 when it is
 * malformed, unknown, revoked or expired, -1 on a database failure
 * (db_status() says 503 or 500). admin_group names the group that
 * out->admin reports.
 */
int	 tokens_lookup(const char *secret, const char *admin_group,
	    struct token_owner *out);

/*
 * Create a token named name (1..TOKEN_NAME_MAX characters, no controls)
 * for the active user user_id, expiring at expires_at (NULL = never, else
 * "YYYY-MM-DDTHH:MM:SSZ" in the future), with an audit row, in one
 * transaction. On 0 the secret is in secret (the caller wipes it) and *out
 * is the token's JSON including "token" (caller frees). 400 naming name or
 * expiresAt, 404 (field userId) for an unknown or inactive user, 500/503.
 */
int	 tokens_create(const struct actor *, const char *user_id,
	    const char *name, const char *expires_at,
	    char secret[TOKEN_LEN + 1], struct json **out, struct dom_err *);

/*
 * One page of tokens, newest first, optionally of one user (user_id NULL
 * = all): *out = {"data":[…],"total","limit","offset"} (caller frees);
 * never a secret or a hash. 0, 400 (field userId: not a UUID), 500/503.
 */
int	 tokens_list(const char *user_id, const struct list_page *,
	    struct json **out, struct dom_err *);

/*
 * Revoke the token id with an audit row, in one transaction. 0, 404
 * unknown, 409 already revoked, 500/503.
 */
int	 tokens_revoke(const struct actor *, const char *id, struct dom_err *);

#endif /* CERTM3_TOKENS_H */
