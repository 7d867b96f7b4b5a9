/*
 * session: browser sessions stored in PostgreSQL (table sessions), so any
 * app process on any host can check them and an admin can revoke them.
 *
 * The cookie carries a fresh 256-bit token; the table keeps only its
 * SHA-256. A session is valid while not revoked, not expired and its
 * user is active. Every SESSION_GC_EVERY-th lookup of a process deletes
 * the sessions a week past their end (lookups run outside transactions,
 * so the clean-up cannot spoil one).
 */
#ifndef CERTM3_SESSION_H
#define CERTM3_SESSION_H

#include <stddef.h>

#include "crypto.h"
#include "db.h"
#include "valid.h"

#define SESSION_COOKIE		"certm3_session"
#define SESSION_KIND_REQUEST	"request"	/* /request validation */
#define SESSION_GC_EVERY	100
/* "certm3_session=<token>; Path=…; Max-Age=…; HttpOnly; …" */
#define SESSION_COOKIE_MAX	192

extern const struct db_stmt session_stmts[];
extern const size_t session_nstmts;

/*
 * Start a session of kind for user_id, lasting lifetime seconds, from
 * client address addr (may be NULL). Runs in the caller's transaction if
 * one is open. token gets the cookie value. 0/-1 (db_error() says why).
 */
int	 session_create(const char *user_id, const char *kind, long lifetime,
	    const char *addr, char token[TOKEN_LEN + 1]);

/*
 * Find the valid session of kind for a cookie value. 1 with user_id set,
 * 0 when there is none (absent, malformed, unknown, expired, revoked, or
 * the user inactive), -1 on database failure.
 */
int	 session_lookup(const char *token, const char *kind,
	    char user_id[UUID_LEN + 1]);

/* Revoke the session of a cookie value (no-op if unknown). 0/-1. */
int	 session_revoke(const char *token);

/*
 * The Set-Cookie value for token, limited to path, lasting lifetime
 * seconds: HttpOnly; Secure; SameSite=Strict. With token NULL, a cookie
 * that clears it.
 */
void	 session_cookie(char out[SESSION_COOKIE_MAX], const char *token,
	    const char *path, long lifetime);

#endif /* CERTM3_SESSION_H */
