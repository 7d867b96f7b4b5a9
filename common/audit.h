/*
 * audit: audit_log rows, written inside the caller's transaction so a
 * state change and its record commit or roll back together, and read back
 * newest first.
 *
 * Actions are "<resource>.<verb>" ("user.create", "group.member.add");
 * target_type names the resource ("user", "group", "certificate", …) and
 * target its key (a user id, a group name, a serial).
 */
#ifndef CERTM3_AUDIT_H
#define CERTM3_AUDIT_H

#include <stddef.h>

#include "db.h"

struct dom_err;
struct json;
struct list_page;

/* Who acts: a username, "anonymous", "system", or "token:<id>". */
struct actor {
	const char	*name;
	const char	*addr;		/* client address, may be NULL */
};

/* Filters of audit_list; NULL or "" = any. */
struct audit_filter {
	const char	*actor;		/* exact */
	const char	*action;	/* exact, or a prefix ending in '*' */
	const char	*target_type;	/* exact */
	const char	*target;	/* exact */
};

extern const struct db_stmt audit_stmts[];
extern const size_t audit_nstmts;

/*
 * Record action on target. detail is a JSON object text or NULL. 0/-1
 * (the caller rolls back).
 */
int	 audit_write(const struct actor *, const char *action,
	    const char *target_type, const char *target, const char *detail);
/* As audit_write with detail a JSON object (taken; may be NULL). 0/-1. */
int	 audit_write_json(const struct actor *, const char *action,
	    const char *target_type, const char *target, struct json *detail);
/*
 * One row per target, all with the same action and detail (taken; may be
 * NULL), in one statement. 0/-1.
 */
int	 audit_write_many(const struct actor *, const char *action,
	    const char *target_type, const char *const *targets, size_t n,
	    struct json *detail);

/*
 * The log, newest first: 0 with *out = {"data":[{"id","at","actor",
 * "action","targetType","target","clientAddr","detail"}],"total","limit",
 * "offset"} (caller frees), 400 naming a filter, or 500/503.
 */
int	 audit_list(const struct audit_filter *, const struct list_page *,
	    struct json **out, struct dom_err *);

/* Add {"from","to"} under key to detail when the two values differ. */
struct json;
void	 audit_changed(struct json *detail, const char *key,
	    const char *from, const char *to);

#endif /* CERTM3_AUDIT_H */
