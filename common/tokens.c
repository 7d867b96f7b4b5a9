/*
 * tokens: API bearer tokens, stored as SHA-256 only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "tokens.h"
#include "valid.h"

enum {
	TOKENS_LOOKUP,
	TOKENS_INSERT,
	TOKENS_LIST,
	TOKENS_REVOKE,
	TOKENS__MAX
};

/* Columns of a token's JSON, in json_row() order. */
#define TOKEN_COLS "t.id, t.user_id, u.username, t.name, " \
	"iso_utc(t.created_at) AS created, t.created_by, " \
	"iso_utc(t.expires_at) AS expires, " \
	"iso_utc(t.last_used_at) AS last_used, " \
	"iso_utc(t.revoked_at) AS revoked, " \
	"CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked' " \
	"WHEN t.expires_at <= now() THEN 'expired' ELSE 'active' END " \
	"AS status"

const struct db_stmt tokens_stmts[TOKENS__MAX] = {
	/*
	 * One round trip per authenticated request: find the live token,
	 * note its use when the last note is a minute old, and read its
	 * owner with the admin-group membership.
	 */
	[TOKENS_LOOKUP] = { "tokens_lookup",
	    "WITH t AS (SELECT id, user_id, last_used_at FROM api_tokens "
	    "WHERE token_hash = $1 AND revoked_at IS NULL AND "
	    "(expires_at IS NULL OR expires_at > now())), "
	    "touch AS (UPDATE api_tokens a SET last_used_at = now() FROM t "
	    "WHERE a.id = t.id AND (t.last_used_at IS NULL OR "
	    "t.last_used_at < now() - interval '1 minute') RETURNING a.id) "
	    "SELECT t.id, u.id, u.username, u.display_name, u.email, "
	    "u.status, EXISTS (SELECT 1 FROM user_groups g WHERE "
	    "g.user_id = u.id AND g.group_name = $2) "
	    "FROM t JOIN users u ON u.id = t.user_id", 2 },
	[TOKENS_INSERT] = { "tokens_insert",
	    "WITH t AS (INSERT INTO api_tokens (user_id, name, token_hash, "
	    "expires_at, created_by) SELECT id, $2, $3, $4::timestamptz, $5 "
	    "FROM users WHERE id = $1 AND status = 'active' RETURNING *) "
	    "SELECT " TOKEN_COLS " FROM t JOIN users u ON u.id = t.user_id",
	    5 },
	/* Total and page in one statement (see list.h). */
	[TOKENS_LIST] = { "tokens_list",
	    "SELECT n.total, p.* FROM (SELECT count(*) AS total FROM "
	    "api_tokens WHERE $1::uuid IS NULL OR user_id = $1::uuid) n "
	    "LEFT JOIN LATERAL (SELECT " TOKEN_COLS " FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id "
	    "WHERE $1::uuid IS NULL OR t.user_id = $1::uuid "
	    "ORDER BY t.created_at DESC, t.id LIMIT $2 OFFSET $3) p ON true",
	    3 },
	/* Tells unknown (no row), already revoked and revoked now apart. */
	[TOKENS_REVOKE] = { "tokens_revoke",
	    "WITH t AS (SELECT id, user_id, revoked_at FROM api_tokens "
	    "WHERE id = $1 FOR UPDATE), "
	    "r AS (UPDATE api_tokens a SET revoked_at = now() FROM t "
	    "WHERE a.id = t.id AND t.revoked_at IS NULL RETURNING a.id) "
	    "SELECT t.revoked_at IS NOT NULL, t.user_id FROM t", 1 },
};
const size_t tokens_nstmts = TOKENS__MAX;

/* Is s a possible secret: TOKEN_LEN characters of base64url? */
static int
secret_shape_ok(const char *s)
{

	return s != NULL && strlen(s) == TOKEN_LEN &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == TOKEN_LEN;
}

int
tokens_lookup(const char *secret, const char *admin_group,
    struct token_owner *out)
{
	const char	*p[2];
	char		 hash[SHA256_HEX];
	struct dbres	*r;
	int		 found;

	memset(out, 0, sizeof(*out));
	/* Malformed secrets cost no database round trip. */
	if (!secret_shape_ok(secret))
		return 0;
	/*
	 * The lookup is by hash: timing reveals nothing of the secret, as
	 * an attacker cannot steer the hash of their guesses.
	 */
	crypto_sha256_hex(secret, strlen(secret), hash);
	p[0] = hash;
	p[1] = admin_group;
	if ((r = db_exec(&tokens_stmts[TOKENS_LOOKUP], p)) == NULL)
		return -1;
	if ((found = db_nrows(r) == 1)) {
		snprintf(out->token_id, sizeof(out->token_id), "%s",
		    db_val(r, 0, 0));
		snprintf(out->user.id, sizeof(out->user.id), "%s",
		    db_val(r, 0, 1));
		snprintf(out->user.username, sizeof(out->user.username), "%s",
		    db_val(r, 0, 2));
		snprintf(out->user.display_name,
		    sizeof(out->user.display_name), "%s", db_val(r, 0, 3));
		snprintf(out->user.email, sizeof(out->user.email), "%s",
		    db_val(r, 0, 4));
		snprintf(out->user.status, sizeof(out->user.status), "%s",
		    db_val(r, 0, 5));
		out->admin = db_bool(r, 0, 6);
	}
	db_clear(r);
	return found;
}

/* A token row (TOKEN_COLS from column c of row i) as JSON. */
static struct json *
json_row(const struct dbres *r, int i, int c)
{
	static const char *const keys[] = { "id", "userId", "username",
	    "name", "createdAt", "createdBy", "expiresAt", "lastUsedAt",
	    "revokedAt", "status", NULL };

	return list_row_json(r, i, c, keys);
}

int
tokens_create(const struct actor *who, const char *user_id,
    const char *name, const char *expires_at, char secret[TOKEN_LEN + 1],
    struct json **out, struct dom_err *e)
{
	const char	*p[5];
	char		 uuid[UUID_LEN + 1], hash[SHA256_HEX], now[32];
	char		 detail[160];
	struct dbres	*r = NULL;
	struct tm	 tm;
	time_t		 t;
	int		 status;

	*out = NULL;
	secret[0] = '\0';
	if (!valid_text(name, TOKEN_NAME_MAX))
		return dom_fail(e, 400, "name", "A token name has 1 to %d "
		    "characters and no control characters.", TOKEN_NAME_MAX);
	if (expires_at != NULL) {
		t = time(NULL);
		if (!valid_iso_time(expires_at))
			return dom_fail(e, 400, "expiresAt", "expiresAt is a "
			    "UTC time like 2030-01-31T12:00:00Z.");
		/* Fixed-width ISO-8601 texts compare as their times do. */
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (strcmp(expires_at, now) <= 0)
			return dom_fail(e, 400, "expiresAt", "expiresAt lies "
			    "in the past.");
	}
	if (!valid_uuid(user_id, uuid))
		return dom_fail(e, 404, "userId", "No such active user.");
	if (crypto_token(secret) == -1)
		return dom_fail(e, 500, NULL, "An internal error occurred.");
	crypto_sha256_hex(secret, TOKEN_LEN, hash);
	if (db_begin() == -1) {
		status = dom_db(e);
		goto out;
	}
	p[0] = uuid;
	p[1] = name;
	p[2] = hash;
	p[3] = expires_at;
	p[4] = who->name;
	if ((r = db_exec(&tokens_stmts[TOKENS_INSERT], p)) == NULL) {
		status = db_error() == DB_CHECK ? dom_fail(e, 400,
		    "expiresAt", "expiresAt is not a valid time.") :
		    dom_db(e);
		goto out;
	}
	if (db_nrows(r) != 1) {
		status = dom_fail(e, 404, "userId", "No such active user.");
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"userId\":\"%s\"}", uuid);
	if (audit_write(who, "token.create", "token", db_val(r, 0, 0),
	    detail) == -1 || db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	*out = json_row(r, 0, 0);
	json_add_str(*out, "token", secret);
	status = 0;
out:
	db_clear(r);
	db_rollback();
	if (status != 0)
		memset(secret, 0, TOKEN_LEN + 1);
	return status;
}

int
tokens_list(const char *user_id, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	const char	*p[3];
	char		 uuid[UUID_LEN + 1];
	struct dbres	*r;

	*out = NULL;
	if (user_id != NULL && !valid_uuid(user_id, uuid))
		return dom_fail(e, 400, "userId", "userId is a UUID.");
	p[0] = user_id != NULL ? uuid : NULL;
	p[1] = pg->limit_s;
	p[2] = pg->offset_s;
	if ((r = db_exec(&tokens_stmts[TOKENS_LIST], p)) == NULL)
		return dom_db(e);
	*out = list_rows(r, 1, json_row, pg);
	db_clear(r);
	return 0;
}

int
tokens_revoke(const struct actor *who, const char *id, struct dom_err *e)
{
	const char	*p[1];
	char		 uuid[UUID_LEN + 1], detail[80];
	struct dbres	*r = NULL;
	int		 status;

	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such token.");
	if (db_begin() == -1)
		return dom_db(e);
	p[0] = uuid;
	if ((r = db_exec(&tokens_stmts[TOKENS_REVOKE], p)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		status = dom_fail(e, 404, NULL, "No such token.");
		goto out;
	}
	if (db_bool(r, 0, 0)) {
		status = dom_fail(e, 409, NULL, "This token is already "
		    "revoked.");
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"userId\":\"%s\"}",
	    db_val(r, 0, 1));
	if (audit_write(who, "token.revoke", "token", uuid, detail) == -1 ||
	    db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}
