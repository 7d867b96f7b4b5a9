/*
 * revalidate: re-validation of a person whose certificate of ours expired
 * (SPEC §3 step 9). Their request is reset to `revalidating` with a new
 * token and a validation e-mail goes to the address on record; validating
 * it (requests_validate) then re-uses the existing user and its groups.
 * Kept apart from requests.c, whose life cycle it joins.
 */
#ifndef CERTM3_REVALIDATE_H
#define CERTM3_REVALIDATE_H

#include "db.h"
#include "domain.h"
#include "valid.h"

extern const struct db_stmt revalidate_stmts[];
extern const size_t revalidate_nstmts;

/*
 * Start re-validation of user_id, in one transaction: the user's latest
 * request (a live one first) becomes `revalidating` with the user's
 * current username, display name and e-mail and a new token (the old
 * one dies), or a new `revalidating` request is made when the user has
 * none (e.g. the bootstrap admin); an audit row "request.revalidate"
 * (detail serial when given); the e-mail is spooled before the commit
 * and removed if the commit fails. 0 with request_id set; 403
 * (UserInactive); 404 no such user; 503 (MailUnavailable) or 500/503.
 */
int	 requests_revalidate(const struct actor *, const char *user_id,
	    const char *serial, char request_id[UUID_LEN + 1],
	    struct dom_err *);

#endif /* CERTM3_REVALIDATE_H */
