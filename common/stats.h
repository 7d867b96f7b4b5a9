/*
 * stats: the counts an administrator sees first (the /manager dashboard),
 * read in one statement so they agree with each other.
 */
#ifndef CERTM3_STATS_H
#define CERTM3_STATS_H

#include "db.h"
#include "domain.h"

extern const struct db_stmt stats_stmts[];
extern const size_t stats_nstmts;

/*
 * 0 with *out = {"users":{"active","inactive"},"requests":{"pending",
 * "revalidating","expired"},"certificates":{"active","expired",
 * "revoked"}} (caller frees), or 500/503. A live request whose token ran
 * out counts as expired; a certificate that is not revoked but past its
 * notAfter counts as expired, not active.
 */
int	 stats_counts(struct json **out, struct dom_err *);

#endif /* CERTM3_STATS_H */
