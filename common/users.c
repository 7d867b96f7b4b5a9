/*
 * users: user records and the field rules.
 */
#include <stdio.h>
#include <string.h>

#include "certs.h"
#include "config.h"
#include "list.h"
#include "requests.h"
#include "users.h"

enum {
	USERS_NAME_TAKEN,
	USERS_INSERT,
	USERS_JOIN_USERS,
	USERS_BY_ID,
	USERS_BY_NAME,
	USERS_IN_GROUP,
	USERS_GROUPS,
	USERS_LIST,
	USERS_GET,
	USERS_LOCK,
	USERS_UPDATE,
	USERS_SET_STATUS,
	USERS_GROUP_LIST,
	USERS__MAX
};

/* CRLReason cessationOfOperation: what deactivation revokes with. */
#define RFC5280_CESSATION_OF_OPERATION	5

#define USER_COLS "id, username, display_name, email, status"
/* The JSON representation's columns, in user_json()'s order. */
#define USER_JSON_COLS(p) \
	p "id, " p "username, " p "display_name, " p "email, " p "status, " \
	"iso_utc(" p "created_at) AS created, " p "created_by, " \
	"iso_utc(" p "updated_at) AS updated, " p "updated_by"
/* List filters: $1 status, $2 ILIKE pattern. */
#define USERS_WHERE \
	"WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR " \
	"username ILIKE $2 OR email ILIKE $2 OR display_name ILIKE $2)"

const struct db_stmt users_stmts[USERS__MAX] = {
	[USERS_NAME_TAKEN] = { "users_name_taken",
	    "SELECT EXISTS (SELECT 1 FROM users WHERE username = $1) OR "
	    "EXISTS (SELECT 1 FROM requests WHERE username = $1 AND "
	    "status IN ('pending', 'revalidating'))", 1 },
	[USERS_INSERT] = { "users_insert",
	    "INSERT INTO users (username, display_name, email, created_by, "
	    "updated_by) VALUES ($1, $2, $3, $4, $4) RETURNING " USER_COLS, 4 },
	[USERS_JOIN_USERS] = { "users_join_users",
	    "INSERT INTO user_groups (user_id, group_name, created_by) "
	    "VALUES ($1, 'users', $2)", 2 },
	[USERS_BY_ID] = { "users_by_id",
	    "SELECT " USER_COLS " FROM users WHERE id = $1", 1 },
	[USERS_BY_NAME] = { "users_by_name",
	    "SELECT " USER_COLS " FROM users WHERE username = lower($1)", 1 },
	[USERS_IN_GROUP] = { "users_in_group",
	    "SELECT 1 FROM user_groups WHERE user_id = $1 AND "
	    "group_name = $2", 2 },
	[USERS_GROUPS] = { "users_groups",
	    "SELECT g.name, g.display_name FROM user_groups ug "
	    "JOIN groups g ON g.name = ug.group_name WHERE ug.user_id = $1 "
	    "ORDER BY g.name <> 'users', g.name", 1 },
	[USERS_LIST] = { "users_list",
	    "SELECT t.total, u.* FROM (SELECT count(*) AS total FROM users "
	    USERS_WHERE ") t LEFT JOIN LATERAL (SELECT " USER_JSON_COLS("")
	    " FROM users " USERS_WHERE " ORDER BY username LIMIT $3 "
	    "OFFSET $4) u ON true", 4 },
	[USERS_GET] = { "users_get",
	    "SELECT " USER_JSON_COLS("") " FROM users WHERE id = $1", 1 },
	[USERS_LOCK] = { "users_lock",
	    "SELECT " USER_JSON_COLS("") " FROM users WHERE id = $1 "
	    "FOR UPDATE", 1 },
	/*
	 * Change what differs; returns the new row and the old values, or
	 * nothing when the user is absent or nothing would change.
	 */
	[USERS_UPDATE] = { "users_update",
	    "UPDATE users u SET display_name = COALESCE($2, u.display_name), "
	    "email = COALESCE($3, u.email), updated_at = now(), "
	    "updated_by = $4 FROM (SELECT id, display_name, email FROM users "
	    "WHERE id = $1 FOR UPDATE) o WHERE u.id = o.id AND "
	    "(COALESCE($2, o.display_name) IS DISTINCT FROM o.display_name OR "
	    "COALESCE($3, o.email) IS DISTINCT FROM o.email) RETURNING "
	    USER_JSON_COLS("u.") ", o.display_name, o.email", 4 },
	[USERS_SET_STATUS] = { "users_set_status",
	    "UPDATE users SET status = $2, updated_at = now(), "
	    "updated_by = $3 WHERE id = $1 RETURNING " USER_JSON_COLS(""), 3 },
	/* $1 user id; found says whether the user exists. */
	[USERS_GROUP_LIST] = { "users_group_list",
	    "SELECT t.total, t.found, g.* FROM (SELECT count(*) AS total, "
	    "EXISTS (SELECT 1 FROM users WHERE id = $1) AS found "
	    "FROM user_groups WHERE user_id = $1) t LEFT JOIN LATERAL "
	    "(SELECT g.name, g.display_name, g.description, "
	    "iso_utc(ug.created_at) AS added_at, ug.created_by AS added_by "
	    "FROM user_groups ug JOIN groups g ON g.name = ug.group_name "
	    "WHERE ug.user_id = $1 ORDER BY g.name <> 'users', g.name "
	    "LIMIT $2 OFFSET $3) g ON true", 3 },
};
const size_t users_nstmts = USERS__MAX;

int
users_check_fields(const char *username, const char *display_name,
    const char *email, char name[USERNAME_MAX + 1], struct dom_err *e)
{

	if (!valid_username(username, name))
		return dom_fail(e, 400, "username", "A username has 3 to 32 "
		    "characters: a letter, then letters, digits, '.', '_' "
		    "or '-'.");
	if (!valid_display_name(display_name))
		return dom_fail(e, 400, "displayName", "A display name has 1 "
		    "to 128 characters and no control characters.");
	if (!valid_email(email))
		return dom_fail(e, 400, "email", "This is not a valid e-mail "
		    "address.");
	return 0;
}

int
users_username_status(const char *input, char name[USERNAME_MAX + 1],
    const char **reason, struct dom_err *e)
{
	const char	*p[1];
	struct dbres	*r;

	*reason = NULL;
	if (!valid_username(input, name)) {
		*reason = "invalid";
		return 0;
	}
	if (config_list_has(&cfg.reserved_usernames, name)) {
		*reason = "reserved";
		return 0;
	}
	p[0] = name;
	if ((r = db_exec(&users_stmts[USERS_NAME_TAKEN], p)) == NULL)
		return dom_db(e);
	if (db_bool(r, 0, 0))
		*reason = "taken";
	db_clear(r);
	return 0;
}

static void
fill_user(const struct dbres *r, struct user *u)
{

	snprintf(u->id, sizeof(u->id), "%s", db_val(r, 0, 0));
	snprintf(u->username, sizeof(u->username), "%s", db_val(r, 0, 1));
	snprintf(u->display_name, sizeof(u->display_name), "%s",
	    db_val(r, 0, 2));
	snprintf(u->email, sizeof(u->email), "%s", db_val(r, 0, 3));
	snprintf(u->status, sizeof(u->status), "%s", db_val(r, 0, 4));
}

/* Map a failed INSERT/UPDATE of users to 409 or 500/503. */
static int
user_conflict(struct dom_err *e)
{
	const char	*c = db_error_detail();

	if (db_error() != DB_UNIQUE)
		return dom_db(e);
	if (strcmp(c, "users_email_key") == 0) {
		e->name = "EmailTaken";
		return dom_fail(e, 409, "email", "Another user has this "
		    "e-mail address.");
	}
	e->name = "UsernameTaken";
	return dom_fail(e, 409, "username", "This username is taken.");
}

int
users_create_tx(const struct actor *who, const char *username,
    const char *display_name, const char *email, struct user *out,
    struct dom_err *e)
{
	const char	*p[4];
	struct dbres	*r;

	p[0] = username;
	p[1] = display_name;
	p[2] = email;
	p[3] = who->name;
	if ((r = db_exec(&users_stmts[USERS_INSERT], p)) == NULL)
		return user_conflict(e);
	fill_user(r, out);
	db_clear(r);
	p[0] = out->id;
	p[1] = who->name;
	if (db_run(&users_stmts[USERS_JOIN_USERS], p) != 1 ||
	    audit_write(who, "user.create", "user", out->id, NULL) == -1)
		return dom_db(e);
	return 0;
}

static int
user_lookup(int stmt, const char *key, struct user *out, struct dom_err *e)
{
	const char	*p[1] = { key };
	struct dbres	*r;

	if ((r = db_exec(&users_stmts[stmt], p)) == NULL)
		return dom_db(e);
	if (db_nrows(r) == 0) {
		db_clear(r);
		return dom_fail(e, 404, NULL, "No such user.");
	}
	fill_user(r, out);
	db_clear(r);
	return 0;
}

int
users_by_id(const char *id, struct user *out, struct dom_err *e)
{
	char	 uuid[UUID_LEN + 1];

	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such user.");
	return user_lookup(USERS_BY_ID, uuid, out, e);
}

int
users_by_name(const char *username, struct user *out, struct dom_err *e)
{

	return user_lookup(USERS_BY_NAME, username, out, e);
}

int
users_in_group(const char *user_id, const char *group)
{
	const char	*p[2] = { user_id, group };
	struct dbres	*r;
	int		 in;

	if ((r = db_exec(&users_stmts[USERS_IN_GROUP], p)) == NULL)
		return -1;
	in = db_nrows(r) > 0;
	db_clear(r);
	return in;
}

int
users_groups_json(const char *user_id, struct json **out, struct dom_err *e)
{
	const char	*p[1] = { user_id };
	struct dbres	*r;
	struct json	*g;
	int		 i;

	*out = NULL;
	if ((r = db_exec(&users_stmts[USERS_GROUPS], p)) == NULL)
		return dom_db(e);
	*out = json_array();
	for (i = 0; i < db_nrows(r); i++) {
		g = json_object();
		json_add_str(g, "name", db_val(r, i, 0));
		json_add_str(g, "displayName", db_val(r, i, 1));
		json_append(*out, g);
	}
	db_clear(r);
	return 0;
}

/* A user row of USER_JSON_COLS starting at column col, as JSON. */
static struct json *
user_json(const struct dbres *r, int row, int col)
{
	static const char *const keys[] = { "id", "username", "displayName",
	    "email", "status", "createdAt", "createdBy", "updatedAt",
	    "updatedBy", NULL };

	return list_row_json(r, row, col, keys);
}

/* A membership row of USERS_GROUP_LIST from column col, as JSON. */
static struct json *
membership_json(const struct dbres *r, int row, int col)
{
	static const char *const keys[] = { "name", "displayName",
	    "description", "addedAt", "addedBy", NULL };

	return list_row_json(r, row, col, keys);
}

int
users_list(const char *status, const char *q, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	char		 pattern[LIST_PATTERN_SZ];
	const char	*p[4];
	struct dbres	*r;
	int		 rc;

	*out = NULL;
	if (status != NULL && *status == '\0')
		status = NULL;
	if (status != NULL && strcmp(status, "active") != 0 &&
	    strcmp(status, "inactive") != 0)
		return dom_fail(e, 400, "status", "status is active or "
		    "inactive.");
	if ((rc = list_search(q, pattern, &p[1], e)) != 0)
		return rc;
	p[0] = status;
	p[2] = pg->limit_s;
	p[3] = pg->offset_s;
	if ((r = db_exec(&users_stmts[USERS_LIST], p)) == NULL)
		return dom_db(e);
	*out = list_rows(r, 1, user_json, pg);
	db_clear(r);
	return 0;
}

/*
 * Run a one-row statement keyed by a user id and render the row: 0 with
 * *out, 404 (no row or not a UUID), 500/503.
 */
static int
user_row_json(int stmt, const char *id, struct json **out, struct dom_err *e)
{
	char		 uuid[UUID_LEN + 1];

	*out = NULL;
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such user.");
	return list_one(&users_stmts[stmt], uuid, user_json, "No such user.",
	    out, e);
}

int
users_get(const char *id, struct json **out, struct dom_err *e)
{

	return user_row_json(USERS_GET, id, out, e);
}

int
users_create(const struct actor *who, const char *username,
    const char *display_name, const char *email, struct json **out,
    struct dom_err *e)
{
	char		 name[USERNAME_MAX + 1], checked[USERNAME_MAX + 1];
	const char	*reason;
	struct user	 u;
	int		 status;

	*out = NULL;
	if ((status = users_check_fields(username, display_name, email, name,
	    e)) != 0)
		return status;
	/*
	 * The enrollment's availability rule, which also expires the stale
	 * requests holding the name; the insert's trigger settles races.
	 */
	if ((status = requests_username_status(who, name, checked, &reason,
	    e)) != 0)
		return status;
	if (reason != NULL && strcmp(reason, "reserved") == 0) {
		e->name = "UsernameReserved";
		return dom_fail(e, 409, "username", "This username is "
		    "reserved.");
	}
	if (reason != NULL) {
		e->name = "UsernameTaken";
		return dom_fail(e, 409, "username", "This username is taken.");
	}
	if (db_begin() == -1)
		return dom_db(e);
	if ((status = users_create_tx(who, name, display_name, email, &u,
	    e)) != 0) {
		db_rollback();
		return status;
	}
	if (db_commit() == -1)
		return dom_db(e);
	return users_get(u.id, out, e);
}

int
users_update(const struct actor *who, const char *id,
    const char *display_name, const char *email, struct json **out,
    struct dom_err *e)
{
	char		 uuid[UUID_LEN + 1];
	const char	*p[4];
	struct dbres	*r = NULL;
	struct json	*detail;
	int		 status;

	*out = NULL;
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such user.");
	if (display_name != NULL && !valid_display_name(display_name))
		return dom_fail(e, 400, "displayName", "A display name has 1 "
		    "to 128 characters and no control characters.");
	if (email != NULL && !valid_email(email))
		return dom_fail(e, 400, "email", "This is not a valid e-mail "
		    "address.");
	if (display_name == NULL && email == NULL)
		return users_get(uuid, out, e);
	p[0] = uuid;
	p[1] = display_name;
	p[2] = email;
	p[3] = who->name;
	if (db_begin() == -1)
		return dom_db(e);
	if ((r = db_exec(&users_stmts[USERS_UPDATE], p)) == NULL) {
		status = user_conflict(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		/* Absent, or nothing differs: answer the current record. */
		db_clear(r);
		r = NULL;
		db_rollback();
		return users_get(uuid, out, e);
	}
	detail = json_object();
	audit_changed(detail, "displayName", db_val(r, 0, 9),
	    db_val(r, 0, 2));
	audit_changed(detail, "email", db_val(r, 0, 10),
	    db_val(r, 0, 3));
	if (audit_write_json(who, "user.update", "user", uuid, detail) == -1 ||
	    db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	*out = user_json(r, 0, 0);
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}

/*
 * Set a user's status in one transaction: deactivation also revokes every
 * active certificate (cessationOfOperation). Idempotent; the audit row is
 * written when the status changes.
 */
static int
set_status(const struct actor *who, const char *id, const char *status_to,
    struct json **out, struct dom_err *e)
{
	char		 uuid[UUID_LEN + 1];
	const char	*p[3];
	struct dbres	*r = NULL;
	int		 status, change;

	*out = NULL;
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such user.");
	p[0] = uuid;
	p[1] = status_to;
	p[2] = who->name;
	if (db_begin() == -1)
		return dom_db(e);
	if ((r = db_exec(&users_stmts[USERS_LOCK], p)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		status = dom_fail(e, 404, NULL, "No such user.");
		goto out;
	}
	change = strcmp(db_val(r, 0, 4), status_to) != 0;
	if (change) {
		db_clear(r);
		if ((r = db_exec(&users_stmts[USERS_SET_STATUS], p)) == NULL ||
		    db_nrows(r) != 1) {
			status = dom_db(e);
			goto out;
		}
	}
	if (strcmp(status_to, "inactive") == 0 &&
	    (status = certs_revoke_user_tx(who, uuid,
	    RFC5280_CESSATION_OF_OPERATION, e)) != 0)
		goto out;
	if (change && audit_write(who, strcmp(status_to, "inactive") == 0 ?
	    "user.deactivate" : "user.activate", "user", uuid, NULL) == -1) {
		status = dom_db(e);
		goto out;
	}
	if (db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	*out = user_json(r, 0, 0);
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}

int
users_deactivate(const struct actor *who, const char *id, struct json **out,
    struct dom_err *e)
{

	return set_status(who, id, "inactive", out, e);
}

int
users_activate(const struct actor *who, const char *id, struct json **out,
    struct dom_err *e)
{

	return set_status(who, id, "active", out, e);
}

int
users_groups_list(const char *id, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	char		 uuid[UUID_LEN + 1];

	*out = NULL;
	if (!valid_uuid(id, uuid))
		return dom_fail(e, 404, NULL, "No such user.");
	return list_owned(&users_stmts[USERS_GROUP_LIST], uuid, pg,
	    membership_json, "No such user.", out, e);
}
