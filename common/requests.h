/*
 * requests: enrollment requests (SPEC §2, §3) — create with a validation
 * e-mail, re-send, validate (which creates the user, or re-uses it for a
 * re-validation), cancel. Shared by /request (anonymous enrollment), /api
 * and /manager (admins): the operations take an actor and know nothing of
 * HTTP; rate limits are the front end's policy, except the backoff on a
 * request's own failed validations. An actor that is NULL or names
 * nobody acts as "system".
 *
 * A request's status is pending → completed, or → expired (its token ran
 * out; noticed when the token is used, when its username is looked at or
 * when the request is), or → cancelled (by an admin); revalidating is a
 * pending request of an existing user (certificate expired).
 *
 * The token (crypto_token, 256 bits, base64url) exists only in the e-mail
 * file; the table keeps its SHA-256 under a unique index, so it is found by
 * hash. Completing or cancelling a request forgets the hash (the token is
 * dead: 404); an expired request keeps it (410).
 */
#ifndef CERTM3_REQUESTS_H
#define CERTM3_REQUESTS_H

#include "crypto.h"
#include "db.h"
#include "domain.h"
#include "json.h"
#include "valid.h"

#define REQUEST_TOKEN_MAX	256	/* longer input is not a token */

struct request {
	char	 id[UUID_LEN + 1];
	char	 username[USERNAME_MAX + 1];
	char	 display_name[4 * DISPLAY_MAX + 1];
	char	 email[EMAIL_MAX + 1];
	char	 status[16];
	char	 user_id[UUID_LEN + 1];		/* "" while no user */
	char	 created_at[24];		/* ISO-8601 UTC */
	char	 updated_at[24];
	char	 expires_at[24];		/* the token's; "" if none */
	long	 failed_attempts;
};

struct validation {
	char	 request_id[UUID_LEN + 1];
	char	 user_id[UUID_LEN + 1];
	char	 username[USERNAME_MAX + 1];
	int	 created;			/* 1 new user, 0 re-used */
	char	 session[TOKEN_LEN + 1];	/* when a session was asked */
};

extern const struct db_stmt requests_stmts[];
extern const size_t requests_nstmts;

/*
 * Is a username free (users_username_status), after expiring the stale
 * requests that hold it? *reason NULL, "invalid", "reserved" or "taken".
 * 0, or 500/503.
 */
int	 requests_username_status(const struct actor *, const char *input,
	    char name[USERNAME_MAX + 1], const char **reason,
	    struct dom_err *);

/*
 * Store a pending request and spool its validation e-mail, in one
 * transaction (the file is removed if the commit fails). 0 with *out;
 * 400 naming the field; 409 username taken (name UsernameTaken) or
 * reserved (UsernameReserved), e-mail of an existing user (EmailTaken);
 * 503 when the e-mail cannot be written or the database is down; 500.
 */
int	 requests_create(const struct actor *, const char *username,
	    const char *display_name, const char *email, struct request *out,
	    struct dom_err *);

/* Look a request up (expiring it if its token ran out). 0, 404, 5xx. */
int	 requests_get(const char *id, struct request *out, struct dom_err *);

/*
 * A new token and e-mail for a pending or revalidating request; the old
 * token is dead. 0 with *out; 404; 409 not pending (RequestNotPending);
 * 503 e-mail not written; 500/503.
 */
int	 requests_resend(const struct actor *, const char *id,
	    struct request *out, struct dom_err *);

/*
 * Validate a token. With id NULL the request is found by the token's
 * hash; with an id (admin use), the token must be that request's, and
 * failures count on the request (failed_attempts, backoff `val:req:<id>`).
 * On success, in one transaction: the request completed, the user created
 * active in group `users` (or, for a revalidating request, the existing
 * user kept with its groups), audit rows, and with want_session a
 * validation session for the user (out->session). 0 with *out; 400 (field
 * token); 403 user deactivated; 404 unknown or used; 409 (EmailTaken);
 * 410 expired (the request becomes expired); 429 (retry_after); 5xx.
 */
int	 requests_validate(const struct actor *, const char *id,
	    const char *token, int want_session, struct validation *out,
	    struct dom_err *);

/*
 * Cancel a pending or revalidating request (admin). 0 with *out; 404;
 * 409 (RequestNotPending); 5xx.
 */
int	 requests_cancel(const struct actor *, const char *id,
	    struct request *out, struct dom_err *);

/*
 * Admin list, newest first, filtered by status and q (username, e-mail or
 * display name): 0 with *out {"data","total","limit","offset"} of
 * requests_admin_json objects; 400 naming status or q; 500/503.
 */
struct list_page;
int	 requests_list(const char *status, const char *q,
	    const struct list_page *, struct json **out, struct dom_err *);

/* {"id","username","status"}: what anyone holding the id may see. */
struct json *requests_public_json(const struct request *);
/*
 * Everything but the token: id, username, displayName, email, status,
 * userId, createdAt, updatedAt, expiresAt, failedAttempts (admins).
 */
struct json *requests_admin_json(const struct request *);

#endif /* CERTM3_REQUESTS_H */
