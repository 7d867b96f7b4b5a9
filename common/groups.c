/*
 * groups: groups and memberships.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "groups.h"
#include "valid.h"

enum {
	GROUPS_LIST,
	GROUPS_GET,
	GROUPS_LOCK,
	GROUPS_INSERT,
	GROUPS_UPDATE,
	GROUPS_DELETE,
	GROUPS_MEMBERS,
	GROUPS_ADD,
	GROUPS_REMOVE,
	GROUPS__MAX
};

/* The JSON representation's columns (table alias g), group_json()'s order. */
#define GROUP_COLS \
	"g.name, g.display_name, g.description, g.status, " \
	"(SELECT count(*) FROM user_groups ug WHERE ug.group_name = g.name) " \
	"AS members, iso_utc(g.created_at) AS created, g.created_by, " \
	"iso_utc(g.updated_at) AS updated, g.updated_by"

const struct db_stmt groups_stmts[GROUPS__MAX] = {
	[GROUPS_LIST] = { "groups_list",
	    "SELECT t.total, p.* FROM (SELECT count(*) AS total FROM groups) t "
	    "LEFT JOIN LATERAL (SELECT " GROUP_COLS " FROM groups g "
	    "ORDER BY g.name LIMIT $1 OFFSET $2) p ON true", 2 },
	[GROUPS_GET] = { "groups_get",
	    "SELECT " GROUP_COLS " FROM groups g WHERE g.name = $1::text", 1 },
	/* Keeps the group from being deleted while members are added. */
	[GROUPS_LOCK] = { "groups_lock",
	    "SELECT 1 FROM groups WHERE name = $1::text FOR SHARE", 1 },
	[GROUPS_INSERT] = { "groups_insert",
	    "INSERT INTO groups AS g (name, display_name, description, "
	    "created_by, updated_by) VALUES ($1, $2, $3, $4, $4) "
	    "RETURNING " GROUP_COLS, 4 },
	/*
	 * Change what differs; returns the new row and the old values, or
	 * nothing when the group is absent or nothing would change.
	 */
	[GROUPS_UPDATE] = { "groups_update",
	    "UPDATE groups g SET display_name = COALESCE($2, g.display_name), "
	    "description = COALESCE($3, g.description), updated_at = now(), "
	    "updated_by = $4 FROM (SELECT name, display_name, description "
	    "FROM groups WHERE name = $1::text FOR UPDATE) o "
	    "WHERE g.name = o.name AND "
	    "(COALESCE($2, o.display_name) IS DISTINCT FROM o.display_name OR "
	    "COALESCE($3, o.description) IS DISTINCT FROM o.description) "
	    "RETURNING " GROUP_COLS ", o.display_name, o.description", 4 },
	/* The memberships go with the group (ON DELETE CASCADE). */
	[GROUPS_DELETE] = { "groups_delete",
	    "WITH m AS (SELECT count(*) AS n FROM user_groups "
	    "WHERE group_name = $1::text), "
	    "d AS (DELETE FROM groups WHERE name = $1::text RETURNING name) "
	    "SELECT d.name, m.n FROM d, m", 1 },
	/* $1 group; found says whether the group exists. */
	[GROUPS_MEMBERS] = { "groups_members",
	    "SELECT t.total, t.found, m.* FROM (SELECT count(*) AS total, "
	    "EXISTS (SELECT 1 FROM groups WHERE name = $1::text) AS found "
	    "FROM user_groups WHERE group_name = $1::text) t "
	    "LEFT JOIN LATERAL (SELECT u.id, u.username, u.display_name, "
	    "u.email, u.status, iso_utc(ug.created_at) AS added_at, "
	    "ug.created_by AS added_by FROM user_groups ug "
	    "JOIN users u ON u.id = ug.user_id WHERE ug.group_name = $1::text "
	    "ORDER BY u.username LIMIT $2 OFFSET $3) m ON true", 3 },
	/*
	 * Add the users of the array $2, in its order, unless one is
	 * unknown: then nothing is added and every row names the first
	 * unknown id. Rows: id, added (false = already a member), unknown.
	 */
	[GROUPS_ADD] = { "groups_add",
	    "WITH want AS (SELECT w.id, min(w.n) AS n "
	    "FROM unnest($2::uuid[]) WITH ORDINALITY AS w(id, n) "
	    "GROUP BY w.id), "
	    "unknown AS (SELECT want.id FROM want WHERE NOT EXISTS "
	    "(SELECT 1 FROM users u WHERE u.id = want.id) "
	    "ORDER BY want.n LIMIT 1), "
	    "ins AS (INSERT INTO user_groups (user_id, group_name, created_by) "
	    "SELECT want.id, $1::text, $3 FROM want "
	    "WHERE NOT EXISTS (SELECT 1 FROM unknown) ORDER BY want.n "
	    "ON CONFLICT DO NOTHING RETURNING user_id) "
	    "SELECT want.id, EXISTS (SELECT 1 FROM ins "
	    "WHERE ins.user_id = want.id), (SELECT id FROM unknown) "
	    "FROM want ORDER BY want.n", 3 },
	[GROUPS_REMOVE] = { "groups_remove",
	    "DELETE FROM user_groups WHERE group_name = $1::text "
	    "AND user_id = $2 RETURNING user_id", 2 },
};
const size_t groups_nstmts = GROUPS__MAX;

/* A row of GROUP_COLS starting at column col, as JSON. */
static struct json *
group_json(const struct dbres *r, int row, int col)
{
	static const char *const keys[] = { "name", "displayName",
	    "description", "status", "#memberCount", "createdAt", "createdBy",
	    "updatedAt", "updatedBy", NULL };

	return list_row_json(r, row, col, keys);
}

/* A member row of GROUPS_MEMBERS from column col, as JSON. */
static struct json *
member_json(const struct dbres *r, int row, int col)
{
	static const char *const keys[] = { "id", "username", "displayName",
	    "email", "status", "addedAt", "addedBy", NULL };

	return list_row_json(r, row, col, keys);
}

/*
 * A description: "" or up to DESCRIPTION_MAX characters of UTF-8 without
 * control characters other than tab and line breaks (it is prose). 1/0.
 */
static int
description_ok(const char *s)
{
	const unsigned char	*p;
	size_t			 chars = 0;

	if (!json_utf8_valid(s, strlen(s)))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] <= 0x9f))
			return 0;
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	return chars <= DESCRIPTION_MAX;
}

/* Check display name and description (NULL = not given). 0 or 400. */
static int
check_text(const char *display_name, const char *description,
    struct dom_err *e)
{

	if (display_name != NULL && !valid_display_name(display_name))
		return dom_fail(e, 400, "displayName", "A display name has 1 "
		    "to 128 characters and no control characters.");
	if (description != NULL && !description_ok(description))
		return dom_fail(e, 400, "description", "A description has at "
		    "most %d characters and no control characters.",
		    DESCRIPTION_MAX);
	return 0;
}

int
groups_list(const struct list_page *pg, struct json **out,
    struct dom_err *e)
{
	const char	*p[2] = { pg->limit_s, pg->offset_s };
	struct dbres	*r;

	*out = NULL;
	if ((r = db_exec(&groups_stmts[GROUPS_LIST], p)) == NULL)
		return dom_db(e);
	*out = list_rows(r, 1, group_json, pg);
	db_clear(r);
	return 0;
}

int
groups_get(const char *name, struct json **out, struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1];

	*out = NULL;
	if (!valid_group_name(name, gname))
		return dom_fail(e, 404, NULL, "No such group.");
	return list_one(&groups_stmts[GROUPS_GET], gname, group_json,
	    "No such group.", out, e);
}

int
groups_create(const struct actor *who, const char *name,
    const char *display_name, const char *description, struct json **out,
    struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1];
	const char	*p[4];
	struct dbres	*r = NULL;
	int		 status;

	*out = NULL;
	if (!valid_group_name(name, gname))
		return dom_fail(e, 400, "name", "A group name has 3 to 32 "
		    "characters: a letter, then letters, digits, '.', '_' "
		    "or '-'.");
	if ((status = check_text(display_name, description, e)) != 0)
		return status;
	p[0] = gname;
	p[1] = display_name != NULL ? display_name : gname;
	p[2] = description != NULL ? description : "";
	p[3] = who->name;
	if (db_begin() == -1)
		return dom_db(e);
	if ((r = db_exec(&groups_stmts[GROUPS_INSERT], p)) == NULL) {
		status = db_error() == DB_UNIQUE ? dom_fail(e, 409, "name",
		    "A group of this name exists.") : dom_db(e);
		goto out;
	}
	if (audit_write(who, "group.create", "group", gname, NULL) == -1 ||
	    db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	*out = group_json(r, 0, 0);
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}

int
groups_update(const struct actor *who, const char *name,
    const char *display_name, const char *description, struct json **out,
    struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1];
	const char	*p[4];
	struct dbres	*r = NULL;
	struct json	*detail;
	int		 status;

	*out = NULL;
	if (!valid_group_name(name, gname))
		return dom_fail(e, 404, NULL, "No such group.");
	if ((status = check_text(display_name, description, e)) != 0)
		return status;
	if (display_name == NULL && description == NULL)
		return groups_get(gname, out, e);
	p[0] = gname;
	p[1] = display_name;
	p[2] = description;
	p[3] = who->name;
	if (db_begin() == -1)
		return dom_db(e);
	if ((r = db_exec(&groups_stmts[GROUPS_UPDATE], p)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		/* Absent, or nothing differs: answer the current record. */
		db_clear(r);
		db_rollback();
		return groups_get(gname, out, e);
	}
	detail = json_object();
	audit_changed(detail, "displayName", db_val(r, 0, 9),
	    db_val(r, 0, 1));
	audit_changed(detail, "description", db_val(r, 0, 10),
	    db_val(r, 0, 2));
	if (audit_write_json(who, "group.update", "group", gname,
	    detail) == -1 || db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	*out = group_json(r, 0, 0);
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}

int
groups_delete(const struct actor *who, const char *name, struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1];
	const char	*p[1] = { gname };
	struct dbres	*r = NULL;
	struct json	*detail;
	int		 status;

	if (!valid_group_name(name, gname))
		return dom_fail(e, 404, NULL, "No such group.");
	if (strcmp(gname, "users") == 0)
		return dom_fail(e, 403, NULL, "The group users cannot be "
		    "deleted.");
	/* Deleting it would lock every admin out of /api and /manager. */
	if (cfg.admin_group != NULL && strcmp(gname, cfg.admin_group) == 0)
		return dom_fail(e, 403, NULL, "The admin group cannot be "
		    "deleted.");
	if (db_begin() == -1)
		return dom_db(e);
	if ((r = db_exec(&groups_stmts[GROUPS_DELETE], p)) == NULL) {
		/* The schema's trigger, should the check above be bypassed. */
		status = db_error() == DB_RAISED && strcmp(db_error_detail(),
		    "group_users_protected") == 0 ? dom_fail(e, 403, NULL,
		    "The group users cannot be deleted.") : dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		status = dom_fail(e, 404, NULL, "No such group.");
		goto out;
	}
	detail = json_object();
	json_add_int(detail, "members", db_int(r, 0, 1));
	if (audit_write_json(who, "group.delete", "group", gname,
	    detail) == -1 || db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}

int
groups_members(const char *name, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1];

	*out = NULL;
	if (!valid_group_name(name, gname))
		return dom_fail(e, 404, NULL, "No such group.");
	return list_owned(&groups_stmts[GROUPS_MEMBERS], gname, pg,
	    member_json, "No such group.", out, e);
}

/*
 * The PostgreSQL array literal {id,…} of n canonical UUIDs (checked: only
 * hex digits and dashes, so nothing needs quoting). Caller frees; NULL
 * on allocation failure.
 */
static char *
uuid_array(char (*ids)[UUID_LEN + 1], size_t n)
{
	char	*s;
	size_t	 i, o = 0;

	if ((s = malloc(n * (UUID_LEN + 1) + 2)) == NULL)
		return NULL;
	s[o++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			s[o++] = ',';
		memcpy(s + o, ids[i], UUID_LEN);
		o += UUID_LEN;
	}
	s[o++] = '}';
	s[o] = '\0';
	return s;
}

int
groups_add_members(const struct actor *who, const char *name,
    const char *const *user_ids, size_t n, struct json **out,
    struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1];
	char		 (*ids)[UUID_LEN + 1] = NULL;
	const char	**added = NULL;
	const char	*p[3];
	char		*arr = NULL;
	struct dbres	*r = NULL;
	struct json	*add, *had, *detail;
	size_t		 i, nadded = 0;
	int		 row, status;

	*out = NULL;
	if (!valid_group_name(name, gname))
		return dom_fail(e, 404, NULL, "No such group.");
	if (n == 0 || n > GROUPS_ADD_MAX)
		return dom_fail(e, 400, "userIds", "Give 1 to %d user ids.",
		    GROUPS_ADD_MAX);
	if ((ids = calloc(n, sizeof(*ids))) == NULL ||
	    (added = calloc(n, sizeof(*added))) == NULL) {
		status = dom_fail(e, 500, NULL, "An internal error occurred.");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!valid_uuid(user_ids[i], ids[i])) {
			status = dom_fail(e, 400, "userIds", "Element %zu is "
			    "not a user id (UUID).", i);
			goto out;
		}
	if ((arr = uuid_array(ids, n)) == NULL) {
		status = dom_fail(e, 500, NULL, "An internal error occurred.");
		goto out;
	}
	p[0] = gname;
	p[1] = arr;
	p[2] = who->name;
	if (db_begin() == -1) {
		status = dom_db(e);
		goto out;
	}
	if ((r = db_exec(&groups_stmts[GROUPS_LOCK], p)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		status = dom_fail(e, 404, NULL, "No such group.");
		goto out;
	}
	db_clear(r);
	if ((r = db_exec(&groups_stmts[GROUPS_ADD], p)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) > 0 && db_val(r, 0, 2) != NULL) {
		status = dom_fail(e, 404, "userIds", "No such user: %s.",
		    db_val(r, 0, 2));
		e->extra = json_object();
		json_add_str(e->extra, "userId", db_val(r, 0, 2));
		goto out;
	}
	*out = json_object();
	add = json_array();
	had = json_array();
	for (row = 0; row < db_nrows(r); row++) {
		if (db_bool(r, row, 1)) {
			added[nadded++] = db_val(r, row, 0);
			json_append(add, json_string(db_val(r, row, 0)));
		} else
			json_append(had, json_string(db_val(r, row, 0)));
	}
	json_add_str(*out, "group", gname);
	json_add(*out, "added", add);
	json_add(*out, "alreadyMembers", had);
	detail = json_object();
	json_add_str(detail, "group", gname);
	if (audit_write_many(who, "group.member.add", "user", added, nadded,
	    detail) == -1 || db_commit() == -1) {
		json_free(*out);
		*out = NULL;
		status = dom_db(e);
		goto out;
	}
	status = 0;
out:
	db_clear(r);
	db_rollback();
	free(arr);
	free(added);
	free(ids);
	return status;
}

int
groups_remove_member(const struct actor *who, const char *name,
    const char *user_id, struct dom_err *e)
{
	char		 gname[USERNAME_MAX + 1], uuid[UUID_LEN + 1];
	const char	*p[2] = { gname, uuid };
	struct dbres	*r = NULL;
	struct json	*detail;
	int		 status;

	if (!valid_group_name(name, gname))
		return dom_fail(e, 404, NULL, "No such group.");
	if (strcmp(gname, "users") == 0)
		return dom_fail(e, 403, NULL, "Nobody can be removed from the "
		    "group users.");
	if (!valid_uuid(user_id, uuid))
		return dom_fail(e, 404, NULL, "This user is not a member of "
		    "the group.");
	if (db_begin() == -1)
		return dom_db(e);
	if ((r = db_exec(&groups_stmts[GROUPS_REMOVE], p)) == NULL) {
		status = db_error() == DB_RAISED && strcmp(db_error_detail(),
		    "membership_users_protected") == 0 ? dom_fail(e, 403, NULL,
		    "Nobody can be removed from the group users.") :
		    dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		db_clear(r);
		if ((r = db_exec(&groups_stmts[GROUPS_GET], p)) == NULL)
			status = dom_db(e);
		else if (db_nrows(r) == 0)
			status = dom_fail(e, 404, NULL, "No such group.");
		else
			status = dom_fail(e, 404, NULL, "This user is not a "
			    "member of the group.");
		goto out;
	}
	detail = json_object();
	json_add_str(detail, "group", gname);
	if (audit_write_json(who, "group.member.remove", "user", uuid,
	    detail) == -1 || db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	status = 0;
out:
	db_clear(r);
	db_rollback();
	return status;
}
