/*
 * users: the users table and the rules on usernames, e-mail addresses and
 * display names (SPEC §2). Shared by /request (validation creates the
 * user), /api and /manager.
 */
#ifndef CERTM3_USERS_H
#define CERTM3_USERS_H

#include "db.h"
#include "domain.h"
#include "list.h"
#include "valid.h"

struct user {
	char	 id[UUID_LEN + 1];
	char	 username[USERNAME_MAX + 1];
	char	 display_name[4 * DISPLAY_MAX + 1];
	char	 email[EMAIL_MAX + 1];
	char	 status[16];		/* active, inactive */
};

extern const struct db_stmt users_stmts[];
extern const size_t users_nstmts;

/*
 * Check the three enrollment fields; on success name gets the lower-cased
 * username. 0, or 400 naming the field (username, displayName, email).
 */
int	 users_check_fields(const char *username, const char *display_name,
	    const char *email, char name[USERNAME_MAX + 1], struct dom_err *);

/*
 * Is the name free? *reason is NULL when available, else "invalid",
 * "reserved" or "taken" (a user or a live request has it). name gets the
 * lower-cased input (empty when invalid). 0, or 500/503.
 */
int	 users_username_status(const char *input, char name[USERNAME_MAX + 1],
	    const char **reason, struct dom_err *);

/*
 * Create an active user in group `users` with an audit row, inside the
 * caller's transaction. The fields must have passed users_check_fields.
 * 0 with *out filled, 409 (field username or email), 500/503.
 */
int	 users_create_tx(const struct actor *, const char *username,
	    const char *display_name, const char *email, struct user *out,
	    struct dom_err *);

/* Look a user up by id or by username. 0, 404, 500/503. */
int	 users_by_id(const char *id, struct user *out, struct dom_err *);
int	 users_by_name(const char *username, struct user *out,
	    struct dom_err *);

/* Is the user a member of group? 1/0, -1 on database failure. */
int	 users_in_group(const char *user_id, const char *group);

/*
 * The user's groups as a JSON array of {"name","displayName"}, `users`
 * first. 0 with *out (caller frees), or 500/503.
 */
int	 users_groups_json(const char *user_id, struct json **out,
	    struct dom_err *);

/*
 * Operations of /api and /manager. Users are JSON objects {"id",
 * "username","displayName","email","status","createdAt","createdBy",
 * "updatedAt","updatedBy"}; *out is set to NULL first and, on success,
 * owned by the caller. Operations that change state run in their own
 * transaction and write their audit row in it.
 */

/*
 * Users ordered by username. status: "active", "inactive", NULL or ""
 * (any); q: matched case-insensitively anywhere in the username, e-mail
 * address or display name (LIKE wildcards in q match themselves).
 * 0 with *out = {"data","total","limit","offset"}, 400 (field status or
 * q), 500/503.
 */
int	 users_list(const char *status, const char *q,
	    const struct list_page *, struct json **out, struct dom_err *);
/* One user. 0, 404, 500/503. */
int	 users_get(const char *id, struct json **out, struct dom_err *);
/*
 * Create an active user in group `users` under the enrollment rules
 * (field rules, reserved names, uniqueness across users and live
 * requests). 0, 400 or 409 naming the field, 500/503.
 */
int	 users_create(const struct actor *, const char *username,
	    const char *display_name, const char *email, struct json **out,
	    struct dom_err *);
/*
 * Change the display name and/or e-mail address (NULL = keep). Audit row
 * "user.update" with {"field":{"from","to"}} when something changes.
 * Certificates already issued keep the address they name.
 * 0, 400 (field), 404, 409 (email), 500/503.
 */
int	 users_update(const struct actor *, const char *id,
	    const char *display_name, const char *email, struct json **out,
	    struct dom_err *);
/*
 * Deactivate: status inactive and every active certificate revoked
 * (cessationOfOperation), in one transaction; "user.deactivate". Already
 * inactive is no error (still revokes what is active). 0, 404, 500/503.
 */
int	 users_deactivate(const struct actor *, const char *id,
	    struct json **out, struct dom_err *);
/*
 * Activate ("user.activate"); revoked certificates stay revoked.
 * 0, 404, 500/503.
 */
int	 users_activate(const struct actor *, const char *id,
	    struct json **out, struct dom_err *);
/*
 * The user's groups, `users` first: {"data":[{"name","displayName",
 * "description","addedAt","addedBy"}],"total","limit","offset"}.
 * 0, 404, 500/503.
 */
int	 users_groups_list(const char *id, const struct list_page *,
	    struct json **out, struct dom_err *);

#endif /* CERTM3_USERS_H */
