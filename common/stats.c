/*
 * stats: dashboard counts.
 */
#include <stddef.h>

#include "json.h"
#include "stats.h"

enum {
	STATS_COUNTS,
	STATS__MAX
};

const struct db_stmt stats_stmts[STATS__MAX] = {
	[STATS_COUNTS] = { "stats_counts",
	    "SELECT "
	    "(SELECT count(*) FROM users WHERE status = 'active'), "
	    "(SELECT count(*) FROM users WHERE status = 'inactive'), "
	    "r.pending, r.revalidating, r.expired, "
	    "c.active, c.expired, c.revoked "
	    "FROM (SELECT "
	    "count(*) FILTER (WHERE status = 'pending' AND "
	    "challenge_expires_at > now()) AS pending, "
	    "count(*) FILTER (WHERE status = 'revalidating' AND "
	    "challenge_expires_at > now()) AS revalidating, "
	    "count(*) FILTER (WHERE status = 'expired' OR "
	    "(status IN ('pending', 'revalidating') AND "
	    "NOT COALESCE(challenge_expires_at > now(), false))) AS expired "
	    "FROM requests) r, (SELECT "
	    "count(*) FILTER (WHERE status = 'active' AND not_after > now()) "
	    "AS active, "
	    "count(*) FILTER (WHERE status = 'active' AND not_after <= now()) "
	    "AS expired, "
	    "count(*) FILTER (WHERE status = 'revoked') AS revoked "
	    "FROM certificates) c", 0 },
};
const size_t stats_nstmts = STATS__MAX;

int
stats_counts(struct json **out, struct dom_err *e)
{
	struct dbres	*r;
	struct json	*u, *q, *c;

	*out = NULL;
	if ((r = db_exec(&stats_stmts[STATS_COUNTS], NULL)) == NULL)
		return dom_db(e);
	if (db_nrows(r) != 1) {
		db_clear(r);
		return dom_fail(e, 500, NULL, "An internal error occurred.");
	}
	u = json_object();
	json_add_int(u, "active", db_int(r, 0, 0));
	json_add_int(u, "inactive", db_int(r, 0, 1));
	q = json_object();
	json_add_int(q, "pending", db_int(r, 0, 2));
	json_add_int(q, "revalidating", db_int(r, 0, 3));
	json_add_int(q, "expired", db_int(r, 0, 4));
	c = json_object();
	json_add_int(c, "active", db_int(r, 0, 5));
	json_add_int(c, "expired", db_int(r, 0, 6));
	json_add_int(c, "revoked", db_int(r, 0, 7));
	db_clear(r);
	*out = json_object();
	json_add(*out, "users", u);
	json_add(*out, "requests", q);
	json_add(*out, "certificates", c);
	return 0;
}
