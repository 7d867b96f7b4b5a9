/*
 * session: create, look up, revoke; the cookie.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "session.h"

enum {
	SESS_INSERT,
	SESS_LOOKUP,
	SESS_REVOKE,
	SESS_GC,
	SESS__MAX
};

const struct db_stmt session_stmts[SESS__MAX] = {
	[SESS_INSERT] = { "session_insert",
	    "INSERT INTO sessions (id_hash, user_id, kind, expires_at, "
	    "client_addr) VALUES ($1, $2, $3, now() + $4::integer * "
	    "interval '1 second', $5)", 5 },
	[SESS_LOOKUP] = { "session_lookup",
	    "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.id_hash = $1 AND s.kind = $2 AND s.revoked_at IS NULL "
	    "AND s.expires_at > now() AND u.status = 'active'", 2 },
	[SESS_REVOKE] = { "session_revoke",
	    "UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND "
	    "revoked_at IS NULL", 1 },
	/* Sessions a week past their end have no use left. */
	[SESS_GC] = { "session_gc",
	    "DELETE FROM sessions WHERE expires_at < now() - "
	    "interval '7 days'", 0 },
};
const size_t session_nstmts = SESS__MAX;

/* Is s shaped like a token of ours (TOKEN_LEN base64url characters)? */
static int
token_shaped(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != TOKEN_LEN)
		return 0;
	for (i = 0; i < TOKEN_LEN; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return 0;
	return 1;
}

int
session_create(const char *user_id, const char *kind, long lifetime,
    const char *addr, char token[TOKEN_LEN + 1])
{
	const char	*p[5];
	char		 hash[SHA256_HEX], life[24];

	if (crypto_token(token) == -1) {
		log_err("session: no randomness");
		return -1;
	}
	crypto_sha256_hex(token, TOKEN_LEN, hash);
	snprintf(life, sizeof(life), "%ld", lifetime);
	p[0] = hash;
	p[1] = user_id;
	p[2] = kind;
	p[3] = life;
	p[4] = addr;
	if (db_run(&session_stmts[SESS_INSERT], p) != 1) {
		memset(token, 0, TOKEN_LEN + 1);
		return -1;
	}
	return 0;
}

int
session_lookup(const char *token, const char *kind,
    char user_id[UUID_LEN + 1])
{
	static unsigned int	 lookups;
	const char		*p[2];
	char			 hash[SHA256_HEX];
	struct dbres		*r;
	int			 found;

	user_id[0] = '\0';
	/* Clean up here, where no transaction is open that it could spoil. */
	if (++lookups % SESSION_GC_EVERY == 0 &&
	    db_run(&session_stmts[SESS_GC], NULL) == -1)
		log_warn("session: clean-up failed");
	if (!token_shaped(token))
		return 0;
	crypto_sha256_hex(token, TOKEN_LEN, hash);
	p[0] = hash;
	p[1] = kind;
	if ((r = db_exec(&session_stmts[SESS_LOOKUP], p)) == NULL)
		return -1;
	if ((found = db_nrows(r) > 0))
		snprintf(user_id, UUID_LEN + 1, "%s", db_val(r, 0, 0));
	db_clear(r);
	return found;
}

int
session_revoke(const char *token)
{
	const char	*p[1];
	char		 hash[SHA256_HEX];

	if (!token_shaped(token))
		return 0;
	crypto_sha256_hex(token, TOKEN_LEN, hash);
	p[0] = hash;
	return db_run(&session_stmts[SESS_REVOKE], p) == -1 ? -1 : 0;
}

void
session_cookie(char out[SESSION_COOKIE_MAX], const char *token,
    const char *path, long lifetime)
{

	snprintf(out, SESSION_COOKIE_MAX, "%s=%s; Path=%s; Max-Age=%ld; "
	    "HttpOnly; Secure; SameSite=Strict", SESSION_COOKIE,
	    token != NULL ? token : "", path, token != NULL ? lifetime : 0L);
}
