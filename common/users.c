/*
 * users: user records and the field rules.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "users.h"

enum {
	USERS_NAME_TAKEN,
	USERS_INSERT,
	USERS_JOIN_USERS,
	USERS_BY_ID,
	USERS_BY_NAME,
	USERS_IN_GROUP,
	USERS_GROUPS,
	USERS__MAX
};

#define USER_COLS "id, username, display_name, email, status"

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
	if (strcmp(c, "users_email_key") == 0)
		return dom_fail(e, 409, "email", "Another user has this "
		    "e-mail address.");
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
