/*
 * requests: the enrollment request life cycle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "mail.h"
#include "ratelimit.h"
#include "list.h"
#include "requests.h"
#include "session.h"
#include "users.h"

enum {
	REQ_EXPIRE_NAME,
	REQ_EXPIRE_ID,
	REQ_EMAIL_USED,
	REQ_INSERT,
	REQ_GET,
	REQ_LOCK,
	REQ_BY_HASH,
	REQ_RECHALLENGE,
	REQ_COMPLETE,
	REQ_SET_USER,
	REQ_EXPIRE,
	REQ_CANCEL,
	REQ_FAILED,
	REQ_LIST,
	REQ__MAX
};

static void	 fill_request_at(const struct dbres *, int, int,
		    struct request *);

/* Columns read by fill_request(), in this order. */
#define REQ_COLS \
	"id, username, display_name, email, status, " \
	"COALESCE(user_id::text, ''), iso_utc(created_at), " \
	"iso_utc(updated_at), COALESCE(iso_utc(challenge_expires_at), ''), " \
	"failed_attempts"
#define REQ_NCOLS	10
#define LIVE		"status IN ('pending', 'revalidating')"
#define SECONDS(n)	"now() + " n "::integer * interval '1 second'"
#define REQ_LIST_WHERE \
	"WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR " \
	"username ILIKE $2 OR email ILIKE $2 OR display_name ILIKE $2)"

const struct db_stmt requests_stmts[REQ__MAX] = {
	/* Live requests whose token ran out free their username. */
	[REQ_EXPIRE_NAME] = { "req_expire_name",
	    "UPDATE requests SET status = 'expired', updated_at = now(), "
	    "updated_by = 'system' WHERE username = $1 AND " LIVE " AND "
	    "challenge_expires_at <= now() RETURNING id", 1 },
	[REQ_EXPIRE_ID] = { "req_expire_id",
	    "UPDATE requests SET status = 'expired', updated_at = now(), "
	    "updated_by = 'system' WHERE id = $1 AND " LIVE " AND "
	    "challenge_expires_at <= now() RETURNING id", 1 },
	[REQ_EMAIL_USED] = { "req_email_used",
	    "SELECT 1 FROM users WHERE lower(email) = lower($1)", 1 },
	/* $1-$3 fields, $4 hash, $5 lifetime, $6 actor. */
	[REQ_INSERT] = { "req_insert",
	    "INSERT INTO requests (username, display_name, email, "
	    "challenge_hash, challenge_expires_at, created_by, updated_by) "
	    "VALUES ($1, $2, $3, $4, " SECONDS("$5") ", $6, $6) RETURNING "
	    REQ_COLS ", extract(epoch FROM challenge_expires_at)::bigint", 6 },
	[REQ_GET] = { "req_get",
	    "SELECT " REQ_COLS " FROM requests WHERE id = $1", 1 },
	[REQ_LOCK] = { "req_lock",
	    "SELECT " REQ_COLS ", challenge_hash, "
	    "COALESCE(challenge_expires_at <= now(), true) "
	    "FROM requests WHERE id = $1 FOR UPDATE", 1 },
	[REQ_BY_HASH] = { "req_by_hash",
	    "SELECT " REQ_COLS ", challenge_hash, "
	    "COALESCE(challenge_expires_at <= now(), true) "
	    "FROM requests WHERE challenge_hash = $1 FOR UPDATE", 1 },
	/* $1 id, $2 hash, $3 lifetime, $4 actor. */
	[REQ_RECHALLENGE] = { "req_rechallenge",
	    "UPDATE requests SET challenge_hash = $2, challenge_expires_at = "
	    SECONDS("$3") ", failed_attempts = 0, updated_at = now(), "
	    "updated_by = $4 WHERE id = $1 RETURNING " REQ_COLS ", "
	    "extract(epoch FROM challenge_expires_at)::bigint", 4 },
	[REQ_COMPLETE] = { "req_complete",
	    "UPDATE requests SET status = 'completed', challenge_hash = NULL, "
	    "updated_at = now(), updated_by = $2 WHERE id = $1", 2 },
	[REQ_SET_USER] = { "req_set_user",
	    "UPDATE requests SET user_id = $2 WHERE id = $1", 2 },
	[REQ_EXPIRE] = { "req_expire",
	    "UPDATE requests SET status = 'expired', updated_at = now(), "
	    "updated_by = $2 WHERE id = $1", 2 },
	[REQ_CANCEL] = { "req_cancel",
	    "UPDATE requests SET status = 'cancelled', challenge_hash = NULL, "
	    "updated_at = now(), updated_by = $2 WHERE id = $1 RETURNING "
	    REQ_COLS, 2 },
	[REQ_FAILED] = { "req_failed",
	    "UPDATE requests SET failed_attempts = failed_attempts + 1 "
	    "WHERE id = $1", 1 },
	/* Admin list, newest first; total and page in one statement. */
	[REQ_LIST] = { "req_list",
	    "SELECT t.total, p.* FROM (SELECT count(*) AS total FROM requests "
	    REQ_LIST_WHERE ") t LEFT JOIN LATERAL (SELECT " REQ_COLS
	    " FROM requests " REQ_LIST_WHERE " ORDER BY created_at DESC, id "
	    "LIMIT $3 OFFSET $4) p ON true", 4 },
};
const size_t requests_nstmts = REQ__MAX;

static void
fill_request(const struct dbres *r, struct request *q)
{

	fill_request_at(r, 0, 0, q);
}

/* Fill q from REQ_COLS starting at column col of row. */
static void
fill_request_at(const struct dbres *r, int row, int col, struct request *q)
{

	snprintf(q->id, sizeof(q->id), "%s", db_val(r, row, col));
	snprintf(q->username, sizeof(q->username), "%s",
	    db_val(r, row, col + 1));
	snprintf(q->display_name, sizeof(q->display_name), "%s",
	    db_val(r, row, col + 2));
	snprintf(q->email, sizeof(q->email), "%s", db_val(r, row, col + 3));
	snprintf(q->status, sizeof(q->status), "%s", db_val(r, row, col + 4));
	snprintf(q->user_id, sizeof(q->user_id), "%s",
	    db_val(r, row, col + 5));
	snprintf(q->created_at, sizeof(q->created_at), "%s",
	    db_val(r, row, col + 6));
	snprintf(q->updated_at, sizeof(q->updated_at), "%s",
	    db_val(r, row, col + 7));
	snprintf(q->expires_at, sizeof(q->expires_at), "%s",
	    db_val(r, row, col + 8));
	q->failed_attempts = (long)db_int(r, row, col + 9);
}

/* The caller's actor, or "system" when it names nobody. */
static struct actor
actor_or_system(const struct actor *who)
{
	struct actor	 a = { "system", NULL };

	if (who != NULL) {
		if (who->name != NULL)
			a.name = who->name;
		a.addr = who->addr;
	}
	return a;
}

static int
is_live(const struct request *q)
{

	return strcmp(q->status, "pending") == 0 ||
	    strcmp(q->status, "revalidating") == 0;
}

/* Audit detail text from a JSON object (consumed); caller frees. */
static char *
detail(struct json *j)
{
	char	*s = json_print(j);

	json_free(j);
	return s;
}

/*
 * Mark live requests (of a username or an id) whose token ran out as
 * expired, with an audit row each, in the caller's transaction. 0/-1.
 */
static int
expire_stale(const struct actor *who, int stmt, const char *key)
{
	const struct actor	 sys = { "system", who != NULL ? who->addr :
	    NULL };
	const char		*p[1] = { key };
	struct dbres		*r;
	int			 i, rc = 0;

	if ((r = db_exec(&requests_stmts[stmt], p)) == NULL)
		return -1;
	for (i = 0; i < db_nrows(r) && rc == 0; i++) {
		rc = audit_write(&sys, "request.expire", "request",
		    db_val(r, i, 0), NULL);
		if (rc == 0)
			log_info("request %s expired", db_val(r, i, 0));
	}
	db_clear(r);
	return rc;
}

int
requests_username_status(const struct actor *who, const char *input,
    char name[USERNAME_MAX + 1], const char **reason, struct dom_err *e)
{

	if (valid_username(input, name) &&
	    !config_list_has(&cfg.reserved_usernames, name)) {
		if (db_begin() == -1)
			return dom_db(e);
		if (expire_stale(who, REQ_EXPIRE_NAME, name) == -1 ||
		    db_commit() == -1) {
			db_rollback();
			return dom_db(e);
		}
	}
	return users_username_status(input, name, reason, e);
}

/* A new token and its hash; 0 or 500. */
static int
new_token(char token[TOKEN_LEN + 1], char hash[SHA256_HEX],
    struct dom_err *e)
{

	if (crypto_token(token) == -1)
		return dom_fail(e, 500, NULL, "An internal error occurred.");
	crypto_sha256_hex(token, TOKEN_LEN, hash);
	return 0;
}

static int
mail_failed(struct dom_err *e)
{

	e->name = "MailUnavailable";
	return dom_fail(e, 503, NULL, "The validation e-mail cannot be sent "
	    "right now; nothing was stored. Try again later.");
}

int
requests_create(const struct actor *who, const char *username,
    const char *display_name, const char *email, struct request *out,
    struct dom_err *e)
{
	struct actor	 me;
	char		 name[USERNAME_MAX + 1], token[TOKEN_LEN + 1];
	char		 hash[SHA256_HEX], life[24], file[MAIL_NAME_MAX];
	char		*audit = NULL;
	const char	*p[6];
	struct dbres	*r = NULL;
	struct json	*d;
	time_t		 expires;
	int		 rc;

	me = actor_or_system(who);
	who = &me;
	memset(out, 0, sizeof(*out));
	token[0] = '\0';
	if ((rc = users_check_fields(username, display_name, email, name,
	    e)) != 0)
		return rc;
	if (config_list_has(&cfg.reserved_usernames, name)) {
		e->name = "UsernameReserved";
		return dom_fail(e, 409, "username", "This username is "
		    "reserved.");
	}
	if ((rc = new_token(token, hash, e)) != 0)
		return rc;
	if (db_begin() == -1) {
		rc = dom_db(e);
		goto out;
	}
	if (expire_stale(who, REQ_EXPIRE_NAME, name) == -1) {
		rc = dom_db(e);
		goto out;
	}
	p[0] = email;
	if ((r = db_exec(&requests_stmts[REQ_EMAIL_USED], p)) == NULL) {
		rc = dom_db(e);
		goto out;
	}
	if (db_nrows(r) > 0) {
		e->name = "EmailTaken";
		rc = dom_fail(e, 409, "email", "An account with this e-mail "
		    "address exists already.");
		goto out;
	}
	db_clear(r);
	snprintf(life, sizeof(life), "%ld", cfg.token_lifetime);
	p[0] = name;
	p[1] = display_name;
	p[2] = email;
	p[3] = hash;
	p[4] = life;
	p[5] = who->name;
	if ((r = db_exec(&requests_stmts[REQ_INSERT], p)) == NULL) {
		if (db_error() == DB_UNIQUE &&
		    strcmp(db_error_detail(), "username_taken") == 0) {
			e->name = "UsernameTaken";
			rc = dom_fail(e, 409, "username", "This username is "
			    "taken.");
		} else
			rc = dom_db(e);
		goto out;
	}
	fill_request(r, out);
	expires = (time_t)db_int(r, 0, REQ_NCOLS);
	d = json_object();
	json_add_str(d, "username", out->username);
	json_add_str(d, "email", out->email);
	if ((audit = detail(d)) == NULL ||
	    audit_write(who, "request.create", "request", out->id,
	    audit) == -1) {
		rc = dom_db(e);
		goto out;
	}
	/* The e-mail before the commit: no stored request without one. */
	if (mail_validation(out->display_name, out->email, out->username,
	    token, expires, file) == -1) {
		rc = mail_failed(e);
		goto out;
	}
	if (db_commit() == -1) {
		(void)mail_unspool(cfg.spool_dir, file);
		rc = dom_db(e);
		goto out;
	}
	log_info("request %s created for %s", out->id, out->username);
	rc = 0;
out:
	db_rollback();
	db_clear(r);
	free(audit);
	explicit_bzero(token, sizeof(token));
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
requests_get(const char *id, struct request *out, struct dom_err *e)
{
	char		 uuid[UUID_LEN + 1];
	const char	*p[1] = { uuid };
	struct dbres	*r;

	/* id may point into *out: read it first. */
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such request.");
	memset(out, 0, sizeof(*out));
	if (db_begin() == -1)
		return dom_db(e);
	if (expire_stale(NULL, REQ_EXPIRE_ID, uuid) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return dom_db(e);
	}
	if ((r = db_exec(&requests_stmts[REQ_GET], p)) == NULL)
		return dom_db(e);
	if (db_nrows(r) == 0) {
		db_clear(r);
		return dom_fail(e, 404, NULL, "No such request.");
	}
	fill_request(r, out);
	db_clear(r);
	return 0;
}

/*
 * Lock a request (in the caller's transaction) after expiring it if its
 * token ran out. 0 with *q, 404, 409 when not live, 5xx.
 */
static int
lock_live(const struct actor *who, const char *uuid, struct request *q,
    struct dom_err *e)
{
	const char	*p[1] = { uuid };
	struct dbres	*r;

	if (expire_stale(who, REQ_EXPIRE_ID, uuid) == -1)
		return dom_db(e);
	if ((r = db_exec(&requests_stmts[REQ_LOCK], p)) == NULL)
		return dom_db(e);
	if (db_nrows(r) == 0) {
		db_clear(r);
		return dom_fail(e, 404, NULL, "No such request.");
	}
	fill_request(r, q);
	db_clear(r);
	if (!is_live(q)) {
		e->name = "RequestNotPending";
		return dom_fail(e, 409, NULL, "This request is %s; it can no "
		    "longer be changed.", q->status);
	}
	return 0;
}

int
requests_resend(const struct actor *who, const char *id,
    struct request *out, struct dom_err *e)
{
	struct actor	 me;
	char		 uuid[UUID_LEN + 1], token[TOKEN_LEN + 1];
	char		 hash[SHA256_HEX], life[24], file[MAIL_NAME_MAX];
	const char	*p[4];
	struct dbres	*r = NULL;
	time_t		 expires;
	int		 rc;

	me = actor_or_system(who);
	who = &me;
	token[0] = '\0';
	/* id may point into *out: read it first. */
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such request.");
	memset(out, 0, sizeof(*out));
	if ((rc = new_token(token, hash, e)) != 0)
		return rc;
	if (db_begin() == -1) {
		rc = dom_db(e);
		goto out;
	}
	if ((rc = lock_live(who, uuid, out, e)) != 0) {
		/* An expiry found on the way is kept. */
		if (rc == 409 && db_commit() == -1)
			rc = dom_db(e);
		goto out;
	}
	snprintf(life, sizeof(life), "%ld", cfg.token_lifetime);
	p[0] = uuid;
	p[1] = hash;
	p[2] = life;
	p[3] = who->name;
	if ((r = db_exec(&requests_stmts[REQ_RECHALLENGE], p)) == NULL) {
		rc = dom_db(e);
		goto out;
	}
	fill_request(r, out);
	expires = (time_t)db_int(r, 0, REQ_NCOLS);
	if (audit_write(who, "request.resend", "request", uuid, NULL) == -1) {
		rc = dom_db(e);
		goto out;
	}
	if (mail_validation(out->display_name, out->email, out->username,
	    token, expires, file) == -1) {
		rc = mail_failed(e);
		goto out;
	}
	if (db_commit() == -1) {
		(void)mail_unspool(cfg.spool_dir, file);
		rc = dom_db(e);
		goto out;
	}
	log_info("request %s: validation e-mail re-sent", uuid);
	rc = 0;
out:
	db_rollback();
	db_clear(r);
	explicit_bzero(token, sizeof(token));
	return rc;
}

int
requests_cancel(const struct actor *who, const char *id,
    struct request *out, struct dom_err *e)
{
	struct actor	 me;
	char		 uuid[UUID_LEN + 1];
	const char	*p[2];
	struct dbres	*r = NULL;
	int		 rc;

	me = actor_or_system(who);
	who = &me;
	/* id may point into *out: read it first. */
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such request.");
	memset(out, 0, sizeof(*out));
	if (db_begin() == -1)
		return dom_db(e);
	if ((rc = lock_live(who, uuid, out, e)) != 0) {
		if (rc == 409 && db_commit() == -1)
			rc = dom_db(e);
		goto out;
	}
	p[0] = uuid;
	p[1] = who->name;
	if ((r = db_exec(&requests_stmts[REQ_CANCEL], p)) == NULL ||
	    audit_write(who, "request.cancel", "request", uuid, NULL) == -1 ||
	    db_commit() == -1) {
		rc = dom_db(e);
		goto out;
	}
	fill_request(r, out);
	log_info("request %s cancelled", uuid);
	rc = 0;
out:
	db_rollback();
	db_clear(r);
	return rc;
}

/*
 * The request was found and its token is good: complete it and create
 * (or re-use) its user, in the caller's transaction. 0 with *out, or a
 * status.
 */
static int
complete(const struct actor *who, const struct request *q,
    struct validation *out, struct dom_err *e)
{
	const char	*p[2];
	struct user	 u;
	int		 rc;

	p[0] = q->id;
	p[1] = who->name;
	/* First: a live request holds its name against a new user. */
	if (db_run(&requests_stmts[REQ_COMPLETE], p) != 1)
		return dom_db(e);
	if (strcmp(q->status, "revalidating") == 0 && q->user_id[0] != '\0') {
		if ((rc = users_by_id(q->user_id, &u, e)) != 0)
			return rc == 404 ? dom_fail(e, 500, NULL,
			    "An internal error occurred.") : rc;
		if (strcmp(u.status, "active") != 0)
			return dom_fail(e, 403, NULL, "This account is "
			    "deactivated; ask an administrator.");
		out->created = 0;
	} else {
		if ((rc = users_create_tx(who, q->username, q->display_name,
		    q->email, &u, e)) != 0) {
			if (rc == 409 && e->field != NULL &&
			    strcmp(e->field, "email") == 0) {
				e->name = "EmailTaken";
				return dom_fail(e, 409, "email", "An account "
				    "with this e-mail address exists "
				    "already.");
			}
			return rc;
		}
		p[0] = q->id;
		p[1] = u.id;
		if (db_run(&requests_stmts[REQ_SET_USER], p) != 1)
			return dom_db(e);
		out->created = 1;
	}
	snprintf(out->request_id, sizeof(out->request_id), "%s", q->id);
	snprintf(out->user_id, sizeof(out->user_id), "%s", u.id);
	snprintf(out->username, sizeof(out->username), "%s", u.username);
	return 0;
}

int
requests_validate(const struct actor *who, const char *id,
    const char *token, int want_session, struct validation *out,
    struct dom_err *e)
{
	struct actor	 me;
	char		 uuid[UUID_LEN + 1], hash[SHA256_HEX], key[64];
	char		*audit = NULL;
	const char	*p[2], *stored;
	struct request	 q;
	struct dbres	*r = NULL;
	struct json	*d;
	long		 wait;
	int		 rc, ran_out;

	me = actor_or_system(who);
	who = &me;
	memset(out, 0, sizeof(*out));
	key[0] = '\0';
	if (token == NULL || *token == '\0' ||
	    strlen(token) > REQUEST_TOKEN_MAX)
		return dom_fail(e, 400, "token", "A token is required.");
	if (id != NULL) {
		if (!valid_uuid(id, uuid))
			return dom_fail(e, 404, NULL, "No such request.");
		snprintf(key, sizeof(key), "val:req:%s", uuid);
		if ((rc = ratelimit_blocked(key, &wait)) != 0) {
			e->retry_after = wait;
			return rc == 429 ? dom_fail(e, 429, NULL, "Too many "
			    "failed attempts; try again in %ld seconds.",
			    wait) : dom_db(e);
		}
	}
	crypto_sha256_hex(token, strlen(token), hash);
	if (db_begin() == -1)
		return dom_db(e);
	p[0] = id != NULL ? uuid : hash;
	r = db_exec(&requests_stmts[id != NULL ? REQ_LOCK : REQ_BY_HASH], p);
	if (r == NULL) {
		rc = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		rc = dom_fail(e, 404, NULL, id != NULL ? "No such request." :
		    "This token is unknown or was used already.");
		goto out;
	}
	fill_request(r, &q);
	stored = db_val(r, 0, REQ_NCOLS);
	ran_out = db_bool(r, 0, REQ_NCOLS + 1);
	if (id != NULL && (stored == NULL ||
	    !crypto_str_equal(stored, hash))) {
		p[0] = uuid;
		if (db_run(&requests_stmts[REQ_FAILED], p) != 1 ||
		    db_commit() == -1 || ratelimit_fail(key) == -1) {
			rc = dom_db(e);
			goto out;
		}
		rc = dom_fail(e, 404, "token", "This token is not the "
		    "request's, or was used already.");
		goto out;
	}
	db_clear(r);
	r = NULL;
	if (strcmp(q.status, "expired") == 0) {
		rc = dom_fail(e, 410, NULL, "This token has expired; "
		    "request a new one.");
		goto out;
	}
	if (!is_live(&q)) {
		rc = dom_fail(e, 404, NULL, "This token is unknown or was "
		    "used already.");
		goto out;
	}
	if (ran_out) {
		p[0] = q.id;
		p[1] = who->name;
		if (db_run(&requests_stmts[REQ_EXPIRE], p) != 1 ||
		    audit_write(who, "request.expire", "request", q.id,
		    NULL) == -1 || db_commit() == -1) {
			rc = dom_db(e);
			goto out;
		}
		log_info("request %s expired", q.id);
		rc = dom_fail(e, 410, NULL, "This token has expired; "
		    "request a new one.");
		goto out;
	}
	if ((rc = complete(who, &q, out, e)) != 0)
		goto out;
	d = json_object();
	json_add_str(d, "userId", out->user_id);
	json_add_str(d, "username", out->username);
	json_add_bool(d, "userCreated", out->created);
	if ((audit = detail(d)) == NULL ||
	    audit_write(who, "request.validate", "request", q.id,
	    audit) == -1) {
		rc = dom_db(e);
		goto out;
	}
	if (want_session && session_create(out->user_id, SESSION_KIND_REQUEST,
	    cfg.session_lifetime, who->addr, out->session) == -1) {
		rc = dom_db(e);
		goto out;
	}
	if (db_commit() == -1) {
		rc = dom_db(e);
		goto out;
	}
	if (key[0] != '\0')
		(void)ratelimit_clear(key);
	log_info("request %s validated: user %s (%s)", q.id, out->username,
	    out->created ? "created" : "re-validated");
	rc = 0;
out:
	db_rollback();
	db_clear(r);
	free(audit);
	if (rc != 0) {
		explicit_bzero(out->session, sizeof(out->session));
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

struct json *
requests_public_json(const struct request *q)
{
	struct json	*j = json_object();

	json_add_str(j, "id", q->id);
	json_add_str(j, "username", q->username);
	json_add_str(j, "status", q->status);
	return j;
}

struct json *
requests_admin_json(const struct request *q)
{
	struct json	*j = json_object();

	json_add_str(j, "id", q->id);
	json_add_str(j, "username", q->username);
	json_add_str(j, "displayName", q->display_name);
	json_add_str(j, "email", q->email);
	json_add_str(j, "status", q->status);
	json_add_str(j, "userId", q->user_id[0] != '\0' ? q->user_id : NULL);
	json_add_str(j, "createdAt", q->created_at);
	json_add_str(j, "updatedAt", q->updated_at);
	json_add_str(j, "expiresAt", q->expires_at[0] != '\0' ?
	    q->expires_at : NULL);
	json_add_int(j, "failedAttempts", q->failed_attempts);
	return j;
}

/* A REQ_COLS row from column col, in the admin representation. */
static struct json *
request_row_json(const struct dbres *r, int row, int col)
{
	struct request	 rq;

	fill_request_at(r, row, col, &rq);
	return requests_admin_json(&rq);
}

int
requests_list(const char *status, const char *q, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	static const char *const statuses[] = { "pending", "completed",
	    "revalidating", "cancelled", "expired", NULL };
	char		 pattern[LIST_PATTERN_SZ];
	const char	*p[4];
	struct dbres	*r;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if (status != NULL && *status == '\0')
		status = NULL;
	for (i = 0; status != NULL && statuses[i] != NULL; i++)
		if (strcmp(status, statuses[i]) == 0)
			break;
	if (status != NULL && statuses[i] == NULL)
		return dom_fail(e, 400, "status", "status is pending, "
		    "completed, revalidating, cancelled or expired.");
	if ((rc = list_search(q, pattern, &p[1], e)) != 0)
		return rc;
	p[0] = status;
	p[2] = pg->limit_s;
	p[3] = pg->offset_s;
	if ((r = db_exec(&requests_stmts[REQ_LIST], p)) == NULL)
		return dom_db(e);
	*out = list_rows(r, 1, request_row_json, pg);
	db_clear(r);
	return 0;
}
