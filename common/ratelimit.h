/*
 * ratelimit: limits kept in PostgreSQL (table rate_limits), so every
 * process on every host shares them. Each check is one statement.
 *
 * Keys name what is limited, e.g. `req:addr:<ip>`, `req:email:<email>`,
 * `name:addr:<ip>`, `val:addr:<ip>`, `val:req:<id>`; a key is used either
 * as a counter or for backoff, never both.
 *
 * Counters: a fixed window per key; the first hit after the window ends
 * starts a new one. Backoff: each failure blocks the key for
 * backoff_base · 2^(failures-1), at most backoff_max; a streak is
 * forgotten once the key has been quiet for backoff_max after its last
 * block ended, and on success (ratelimit_clear).
 *
 * Old rows: every RATELIMIT_GC_EVERY-th write of a process also deletes
 * the rows idle for over a day (window and block both a day past).
 *
 * Call these outside a transaction: a count must survive the caller's
 * rollback.
 */
#ifndef CERTM3_RATELIMIT_H
#define CERTM3_RATELIMIT_H

#include <stddef.h>

#include "db.h"

#define RATELIMIT_GC_EVERY	100

extern const struct db_stmt ratelimit_stmts[];
extern const size_t ratelimit_nstmts;

/*
 * Count one hit on key; at most limit hits per window_secs. 0 allowed;
 * 429 with *retry_after (seconds until the window ends) when over;
 * 500/503 when the database fails.
 */
int	 ratelimit_hit(const char *key, long limit, long window_secs,
	    long *retry_after);

/*
 * Is key blocked by backoff? 0 no; 429 with *retry_after; 500/503.
 */
int	 ratelimit_blocked(const char *key, long *retry_after);

/*
 * Record a failure on key (failures + 1, block for the next delay, with
 * cfg.backoff_base and cfg.backoff_max). 0/-1.
 */
int	 ratelimit_fail(const char *key);

/* Forget key's failures (after a success). 0/-1. */
int	 ratelimit_clear(const char *key);

#endif /* CERTM3_RATELIMIT_H */
