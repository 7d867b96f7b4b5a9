/*
 * db: the process's one PostgreSQL connection (libpq, UNIX socket).
 *
 * Every statement lives in a module's table of struct db_stmt and is
 * prepared when the connection is made, so a SQL mistake stops the boot.
 * A lost connection is re-made, and the statements prepared again, by the
 * next call that needs it; while PostgreSQL is unreachable calls fail with
 * DB_UNAVAILABLE (→ 503) and the process keeps serving.
 */
#ifndef CERTM3_DB_H
#define CERTM3_DB_H

#include <stddef.h>

#define DB_MAX_PARAMS	16

struct db_stmt {
	const char	*name;		/* unique across the process */
	const char	*sql;		/* only $n placeholders */
	int		 nparams;
};

struct dbres;	/* opaque: a statement's result */

enum db_err {
	DB_OK = 0,
	DB_UNAVAILABLE,		/* connection lost or refused */
	DB_UNIQUE,		/* 23505 */
	DB_FOREIGN,		/* 23503 */
	DB_CHECK,		/* 23514, 23502, 22xxx */
	DB_RAISED,		/* P0001: RAISE EXCEPTION in a trigger */
	DB_SERIALIZE,		/* 40001, 40P01 */
	DB_OTHER
};

/* Add a module's statements; call before db_connect(). 0/-1. */
int	 db_register(const struct db_stmt *, size_t n);
/*
 * Connect and prepare every registered statement. Returns 0 when ready
 * or when PostgreSQL is unreachable (retried later), -1 when a statement
 * fails to prepare (the caller should exit).
 */
int	 db_connect(const char *conninfo);
void	 db_disconnect(void);

/*
 * Run a prepared statement with its nparams text parameters (NULL = SQL
 * NULL). Returns the result (free with db_clear) or NULL on error, with
 * db_error() telling which.
 */
struct dbres *db_exec(const struct db_stmt *, const char *const *params);
/* As db_exec, for statements whose rows are not needed: rows affected or -1. */
long	 db_run(const struct db_stmt *, const char *const *params);
/*
 * Run raw SQL text (no parameters, not prepared): for migrations and
 * administrative commands only, never with input. 0/-1.
 */
int	 db_script(const char *sql);

int	 db_nrows(const struct dbres *);
/* Value at (row, col), or NULL for SQL NULL or out of range. */
const char *db_val(const struct dbres *, int row, int col);
/* 1 if the value is "t". */
int	 db_bool(const struct dbres *, int row, int col);
long long db_int(const struct dbres *, int row, int col);
void	 db_clear(struct dbres *);

int	 db_begin(void);
int	 db_commit(void);
/* Roll back if a transaction is open; safe to call always. */
void	 db_rollback(void);

enum db_err db_error(void);
/* Constraint or trigger message name of the last error, or "". */
const char *db_error_detail(void);
/* HTTP status for the last error: 503 when unavailable, else 500. */
int	 db_status(void);
/* Is the database reachable right now (runs SELECT 1)? 1/0. */
int	 db_ping(void);

#endif /* CERTM3_DB_H */
