/*
 * revalidate: a new validation for a user whose certificate expired.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "config.h"
#include "crypto.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "revalidate.h"

enum {
	REVAL_USER,
	REVAL_UPDATE,
	REVAL_INSERT,
	REVAL__MAX
};

#define REVAL_EXPIRES "now() + $6::integer * interval '1 second'"

const struct db_stmt revalidate_stmts[REVAL__MAX] = {
	/* Locked: one re-validation of a user at a time. */
	[REVAL_USER] = { "reval_user",
	    "SELECT username, display_name, email, status FROM users "
	    "WHERE id = $1 FOR UPDATE", 1 },
	/* $1 user, $2-$4 its fields, $5 hash, $6 lifetime, $7 actor. */
	[REVAL_UPDATE] = { "reval_update",
	    "UPDATE requests SET status = 'revalidating', username = $2, "
	    "display_name = $3, email = $4, challenge_hash = $5, "
	    "challenge_expires_at = " REVAL_EXPIRES ", failed_attempts = 0, "
	    "updated_at = now(), updated_by = $7 WHERE id = (SELECT id FROM "
	    "requests WHERE user_id = $1 ORDER BY status IN ('pending', "
	    "'revalidating') DESC, updated_at DESC LIMIT 1 FOR UPDATE) "
	    "RETURNING id, extract(epoch FROM challenge_expires_at)::bigint",
	    7 },
	[REVAL_INSERT] = { "reval_insert",
	    "INSERT INTO requests (user_id, username, display_name, email, "
	    "status, challenge_hash, challenge_expires_at, created_by, "
	    "updated_by) VALUES ($1, $2, $3, $4, 'revalidating', $5, "
	    REVAL_EXPIRES ", $7, $7) RETURNING id, "
	    "extract(epoch FROM challenge_expires_at)::bigint", 7 },
};
const size_t revalidate_nstmts = REVAL__MAX;

int
requests_revalidate(const struct actor *who, const char *user_id,
    const char *serial, char request_id[UUID_LEN + 1], struct dom_err *e)
{
	char		 token[TOKEN_LEN + 1], hash[SHA256_HEX], life[24];
	char		 uuid[UUID_LEN + 1], file[MAIL_NAME_MAX];
	char		 username[USERNAME_MAX + 1], email[EMAIL_MAX + 1];
	char		 display[4 * DISPLAY_MAX + 1];
	char		*detail = NULL;
	const char	*p[7];
	struct dbres	*r = NULL;
	struct json	*d;
	time_t		 expires;
	int		 rc, spooled = 0;

	request_id[0] = '\0';
	token[0] = '\0';
	if (!valid_uuid(user_id, uuid))
		return dom_fail(e, 404, NULL, "No such user.");
	if (crypto_token(token) == -1)
		return dom_fail(e, 500, NULL, "An internal error occurred.");
	crypto_sha256_hex(token, TOKEN_LEN, hash);
	if (db_begin() == -1) {
		rc = dom_db(e);
		goto out;
	}
	p[0] = uuid;
	if ((r = db_exec(&revalidate_stmts[REVAL_USER], p)) == NULL) {
		rc = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		rc = dom_fail(e, 404, NULL, "No such user.");
		goto out;
	}
	if (strcmp(db_val(r, 0, 3), "active") != 0) {
		e->name = "UserInactive";
		rc = dom_fail(e, 403, NULL, "This account is inactive.");
		goto out;
	}
	snprintf(username, sizeof(username), "%s", db_val(r, 0, 0));
	snprintf(display, sizeof(display), "%s", db_val(r, 0, 1));
	snprintf(email, sizeof(email), "%s", db_val(r, 0, 2));
	db_clear(r);
	snprintf(life, sizeof(life), "%ld", cfg.token_lifetime);
	p[1] = username;
	p[2] = display;
	p[3] = email;
	p[4] = hash;
	p[5] = life;
	p[6] = who->name != NULL ? who->name : "system";
	if ((r = db_exec(&revalidate_stmts[REVAL_UPDATE], p)) == NULL) {
		rc = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		db_clear(r);
		if ((r = db_exec(&revalidate_stmts[REVAL_INSERT],
		    p)) == NULL || db_nrows(r) != 1) {
			rc = dom_db(e);
			goto out;
		}
	}
	snprintf(request_id, UUID_LEN + 1, "%s", db_val(r, 0, 0));
	expires = (time_t)db_int(r, 0, 1);
	d = json_object();
	json_add_str(d, "userId", uuid);
	if (serial != NULL)
		json_add_str(d, "serial", serial);
	detail = json_print(d);
	json_free(d);
	if (detail == NULL || audit_write(who, "request.revalidate",
	    "request", request_id, detail) == -1) {
		rc = dom_db(e);
		goto out;
	}
	/* The e-mail before the commit: no re-validation without one. */
	if (mail_validation(display, email, username, token, expires,
	    file) == -1) {
		e->name = "MailUnavailable";
		rc = dom_fail(e, 503, NULL, "The validation e-mail cannot be "
		    "sent right now; try again later.");
		goto out;
	}
	spooled = 1;
	if (db_commit() == -1) {
		rc = dom_db(e);
		goto out;
	}
	spooled = 0;
	log_info("request %s: re-validation of %s", request_id, username);
	rc = 0;
out:
	if (spooled)
		(void)mail_unspool(cfg.spool_dir, file);
	db_rollback();
	db_clear(r);
	free(detail);
	explicit_bzero(token, sizeof(token));
	if (rc != 0)
		request_id[0] = '\0';
	return rc;
}
