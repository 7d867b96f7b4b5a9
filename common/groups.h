/*
 * groups: groups and their members (SPEC §2). The group `users` holds
 * every user: it can be neither deleted nor renamed, and nobody leaves it
 * (checked here and enforced by the schema's triggers).
 *
 * Groups are JSON objects {"name","displayName","description","status",
 * "memberCount","createdAt","createdBy","updatedAt","updatedBy"}. Every
 * operation sets *out to NULL first; on success the caller owns it.
 * Operations that change state run in their own transaction and write
 * their audit rows in it. Statuses: 0 or as listed, with struct dom_err.
 */
#ifndef CERTM3_GROUPS_H
#define CERTM3_GROUPS_H

#include "db.h"
#include "domain.h"
#include "list.h"

/* At most this many user ids per groups_add_members call. */
#define GROUPS_ADD_MAX	500

extern const struct db_stmt groups_stmts[];
extern const size_t groups_nstmts;

/* Groups ordered by name. 0 with {"data","total","limit","offset"}. */
int	 groups_list(const struct list_page *, struct json **out,
	    struct dom_err *);
/* One group. 0, 404 (also for a name that breaks the rule), 500/503. */
int	 groups_get(const char *name, struct json **out, struct dom_err *);
/*
 * Create a group: name under the username rule (stored lower-cased),
 * display_name NULL = the name, description NULL = "" (at most 1024
 * characters). "group.create". 0, 400 naming the field, 409 (exists),
 * 500/503.
 */
int	 groups_create(const struct actor *, const char *name,
	    const char *display_name, const char *description,
	    struct json **out, struct dom_err *);
/*
 * Change display name and/or description (NULL = keep); a group is never
 * renamed. "group.update" with {"field":{"from","to"}} when something
 * changes. 0, 400, 404, 500/503.
 */
int	 groups_update(const struct actor *, const char *name,
	    const char *display_name, const char *description,
	    struct json **out, struct dom_err *);
/*
 * Delete a group and with it its memberships. "group.delete" with
 * {"members":n}. 0, 403 (`users`, or the configured admin group), 404,
 * 500/503.
 */
int	 groups_delete(const struct actor *, const char *name,
	    struct dom_err *);
/*
 * Members ordered by username: {"data":[{"id","username","displayName",
 * "email","status","addedAt","addedBy"}],"total","limit","offset"}.
 * 0, 404, 500/503.
 */
int	 groups_members(const char *name, const struct list_page *,
	    struct json **out, struct dom_err *);
/*
 * Add users by id, all or nothing, in one statement; those already
 * members stay (no error). One "group.member.add" row per added user
 * (target the user id, detail {"group"}). *out = {"group","added":[ids],
 * "alreadyMembers":[ids]}. 0, 400 (field userIds: empty, over
 * GROUPS_ADD_MAX, not UUIDs), 404 (no such group; or naming the first
 * unknown user id, with "userId" in the error), 500/503.
 */
int	 groups_add_members(const struct actor *, const char *name,
	    const char *const *user_ids, size_t n, struct json **out,
	    struct dom_err *);
/*
 * Remove one member. "group.member.remove" (target the user id). 0, 403
 * (`users`), 404 (no such group, or not a member), 500/503.
 */
int	 groups_remove_member(const struct actor *, const char *name,
	    const char *user_id, struct dom_err *);

#endif /* CERTM3_GROUPS_H */
