/*
 * audit: audit_log rows, written inside the caller's transaction so a
 * state change and its record commit or roll back together.
 */
#ifndef CERTM3_AUDIT_H
#define CERTM3_AUDIT_H

#include <stddef.h>

#include "db.h"

/* Who acts: a username, "anonymous", "system", or "token:<id>". */
struct actor {
	const char	*name;
	const char	*addr;		/* client address, may be NULL */
};

extern const struct db_stmt audit_stmts[];
extern const size_t audit_nstmts;

/*
 * Record action on target. detail is a JSON object text or NULL. 0/-1
 * (the caller rolls back).
 */
int	 audit_write(const struct actor *, const char *action,
	    const char *target_type, const char *target, const char *detail);

#endif /* CERTM3_AUDIT_H */
