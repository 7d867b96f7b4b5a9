/*
 * audit: the audit log.
 */
#include "audit.h"

enum {
	AUDIT_INSERT,
	AUDIT__MAX
};

const struct db_stmt audit_stmts[AUDIT__MAX] = {
	[AUDIT_INSERT] = { "audit_insert",
	    "INSERT INTO audit_log (actor, action, target_type, target, "
	    "client_addr, detail) VALUES ($1, $2, $3, $4, $5, "
	    "COALESCE($6::jsonb, '{}'))", 6 },
};
const size_t audit_nstmts = AUDIT__MAX;

int
audit_write(const struct actor *who, const char *action,
    const char *target_type, const char *target, const char *detail)
{
	const char	*p[6];

	p[0] = who != NULL && who->name != NULL ? who->name : "system";
	p[1] = action;
	p[2] = target_type;
	p[3] = target;
	p[4] = who != NULL ? who->addr : NULL;
	p[5] = detail;
	return db_run(&audit_stmts[AUDIT_INSERT], p) == 1 ? 0 : -1;
}
