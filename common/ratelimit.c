/*
 * ratelimit: counters and backoff in PostgreSQL.
 */
#include <stdio.h>

#include "config.h"
#include "log.h"
#include "ratelimit.h"

enum {
	RL_HIT,
	RL_BLOCKED,
	RL_FAIL,
	RL_CLEAR,
	RL_GC,
	RL__MAX
};

/* Seconds from now until t, rounded up, at least 1. */
#define RL_UNTIL(t) \
	"GREATEST(1, ceil(extract(epoch FROM (" t ") - now())))::bigint"

const struct db_stmt ratelimit_stmts[RL__MAX] = {
	/* $1 key, $2 window seconds. Returns hits, seconds left. */
	[RL_HIT] = { "rl_hit",
	    "INSERT INTO rate_limits AS r (key, hits, window_start) "
	    "VALUES ($1, 1, now()) ON CONFLICT (key) DO UPDATE SET "
	    "hits = CASE WHEN r.window_start <= now() - $2::integer * "
	    "interval '1 second' THEN 1 ELSE r.hits + 1 END, "
	    "window_start = CASE WHEN r.window_start <= now() - $2::integer * "
	    "interval '1 second' THEN now() ELSE r.window_start END "
	    "RETURNING hits, " RL_UNTIL("r.window_start + $2::integer * "
	    "interval '1 second'"), 2 },
	[RL_BLOCKED] = { "rl_blocked",
	    "SELECT " RL_UNTIL("blocked_until") " FROM rate_limits "
	    "WHERE key = $1 AND blocked_until > now()", 1 },
	/* $1 key, $2 base seconds, $3 max seconds. */
	[RL_FAIL] = { "rl_fail",
	    "INSERT INTO rate_limits AS r (key, failures, blocked_until) "
	    "VALUES ($1, 1, now() + LEAST($2::bigint, $3::bigint) * "
	    "interval '1 second') ON CONFLICT (key) DO UPDATE SET "
	    "failures = CASE WHEN r.blocked_until < now() - $3::bigint * "
	    "interval '1 second' THEN 1 ELSE r.failures + 1 END, "
	    "blocked_until = now() + LEAST($3::bigint, $2::bigint * "
	    "(2::bigint ^ LEAST(CASE WHEN r.blocked_until < now() - "
	    "$3::bigint * interval '1 second' THEN 0 ELSE r.failures END, "
	    "40))::bigint) * interval '1 second' "
	    "RETURNING failures", 3 },
	[RL_CLEAR] = { "rl_clear",
	    "UPDATE rate_limits SET failures = 0, "
	    "blocked_until = '-infinity' WHERE key = $1 AND "
	    "(failures <> 0 OR blocked_until > '-infinity')", 1 },
	[RL_GC] = { "rl_gc",
	    "DELETE FROM rate_limits WHERE "
	    "window_start < now() - interval '1 day' AND "
	    "blocked_until < now() - interval '1 day'", 0 },
};
const size_t ratelimit_nstmts = RL__MAX;

/* Now and then, delete rows nobody has touched for a day. */
static void
maybe_gc(void)
{
	static unsigned int	 writes;

	if (++writes % RATELIMIT_GC_EVERY != 0)
		return;
	if (db_run(&ratelimit_stmts[RL_GC], NULL) == -1)
		log_warn("rate limits: clean-up failed");
}

int
ratelimit_hit(const char *key, long limit, long window_secs,
    long *retry_after)
{
	const char	*p[2];
	char		 win[24];
	struct dbres	*r;
	long long	 hits;

	*retry_after = 0;
	snprintf(win, sizeof(win), "%ld", window_secs);
	p[0] = key;
	p[1] = win;
	if ((r = db_exec(&ratelimit_stmts[RL_HIT], p)) == NULL)
		return db_status();
	hits = db_int(r, 0, 0);
	*retry_after = (long)db_int(r, 0, 1);
	db_clear(r);
	maybe_gc();
	return hits > limit ? 429 : 0;
}

int
ratelimit_blocked(const char *key, long *retry_after)
{
	const char	*p[1] = { key };
	struct dbres	*r;
	int		 blocked;

	*retry_after = 0;
	if ((r = db_exec(&ratelimit_stmts[RL_BLOCKED], p)) == NULL)
		return db_status();
	if ((blocked = db_nrows(r) > 0))
		*retry_after = (long)db_int(r, 0, 0);
	db_clear(r);
	return blocked ? 429 : 0;
}

int
ratelimit_fail(const char *key)
{
	const char	*p[3];
	char		 base[24], max[24];

	snprintf(base, sizeof(base), "%ld", cfg.backoff_base);
	snprintf(max, sizeof(max), "%ld", cfg.backoff_max);
	p[0] = key;
	p[1] = base;
	p[2] = max;
	if (db_run(&ratelimit_stmts[RL_FAIL], p) != 1)
		return -1;
	maybe_gc();
	return 0;
}

int
ratelimit_clear(const char *key)
{
	const char	*p[1] = { key };

	return db_run(&ratelimit_stmts[RL_CLEAR], p) == -1 ? -1 : 0;
}
