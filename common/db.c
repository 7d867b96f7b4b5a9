/*
 * db: libpq connection, statement registry, reconnection.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"

#define DB_MAX_TABLES	32

struct dbres {
	PGresult	*res;
};

struct stmt_table {
	const struct db_stmt	*stmts;
	size_t			 n;
};

static struct stmt_table tables[DB_MAX_TABLES];
static size_t		 ntables;
static char		*conninfo;
static PGconn		*conn;
static int		 in_tx;
static enum db_err	 last_err;
static char		 last_detail[128];

int
db_register(const struct db_stmt *stmts, size_t n)
{
	size_t	 i;

	for (i = 0; i < ntables; i++)
		if (tables[i].stmts == stmts)
			return 0;
	if (ntables == DB_MAX_TABLES)
		return -1;
	tables[ntables].stmts = stmts;
	tables[ntables].n = n;
	ntables++;
	return 0;
}

static void
set_error(enum db_err err, const char *detail)
{

	last_err = err;
	snprintf(last_detail, sizeof(last_detail), "%s",
	    detail != NULL ? detail : "");
}

/* Classify a failed result by its SQLSTATE. */
static enum db_err
classify(const PGresult *res)
{
	const char	*state;

	if (PQstatus(conn) != CONNECTION_OK)
		return DB_UNAVAILABLE;
	if (res == NULL ||
	    (state = PQresultErrorField(res, PG_DIAG_SQLSTATE)) == NULL)
		return DB_OTHER;
	if (strcmp(state, "23505") == 0)
		return DB_UNIQUE;
	if (strcmp(state, "23503") == 0)
		return DB_FOREIGN;
	if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
	    strncmp(state, "22", 2) == 0)
		return DB_CHECK;
	if (strcmp(state, "P0001") == 0)
		return DB_RAISED;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return DB_SERIALIZE;
	/* Admin shutdown, crash recovery, cannot connect now. */
	if (strncmp(state, "57P", 3) == 0 || strncmp(state, "08", 2) == 0)
		return DB_UNAVAILABLE;
	return DB_OTHER;
}

static void
record_failure(const PGresult *res, const char *what)
{
	const char	*detail = NULL;
	enum db_err	 err;

	err = classify(res);
	if (res != NULL) {
		detail = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
		if (detail == NULL && err == DB_RAISED)
			detail = PQresultErrorField(res,
			    PG_DIAG_MESSAGE_PRIMARY);
	}
	set_error(err, detail);
	if (err == DB_UNAVAILABLE)
		log_warn("database unavailable during %s", what);
	else if (err == DB_OTHER || err == DB_SERIALIZE)
		log_err("%s: %s", what, res != NULL ?
		    PQresultErrorMessage(res) : PQerrorMessage(conn));
}

/* Prepare every registered statement; 0 or -1 (a SQL error). */
static int
prepare_all(void)
{
	const struct db_stmt	*s;
	PGresult		*res;
	size_t			 t, i;
	int			 ok;

	for (t = 0; t < ntables; t++)
		for (i = 0; i < tables[t].n; i++) {
			s = &tables[t].stmts[i];
			res = PQprepare(conn, s->name, s->sql, s->nparams,
			    NULL);
			ok = res != NULL &&
			    PQresultStatus(res) == PGRES_COMMAND_OK;
			if (!ok) {
				log_err("prepare %s: %s", s->name,
				    res != NULL ? PQresultErrorMessage(res) :
				    PQerrorMessage(conn));
				record_failure(res, s->name);
				PQclear(res);
				return -1;
			}
			PQclear(res);
		}
	return 0;
}

/*
 * Make sure the connection is up, connecting and preparing as needed.
 * 0 ready; -1 unavailable or prepare failure (last_err says which).
 */
static int
ensure(void)
{
	PGresult	*res;

	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
		return 0;
	if (conn != NULL)
		PQfinish(conn);
	in_tx = 0;
	conn = PQconnectdb(conninfo != NULL ? conninfo : "");
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		set_error(DB_UNAVAILABLE, NULL);
		if (conn != NULL)
			PQfinish(conn);
		conn = NULL;
		return -1;
	}
	res = PQexec(conn, "SET TimeZone = 'UTC'");
	PQclear(res);
	if (prepare_all() == -1) {
		if (last_err == DB_UNAVAILABLE) {
			PQfinish(conn);
			conn = NULL;
			return -1;
		}
		set_error(DB_OTHER, "prepare");
		PQfinish(conn);
		conn = NULL;
		return -1;
	}
	log_info("database connected, %zu statement tables prepared",
	    ntables);
	return 0;
}

int
db_connect(const char *ci)
{

	free(conninfo);
	if ((conninfo = strdup(ci)) == NULL)
		return -1;
	if (ensure() == 0)
		return 0;
	if (last_err == DB_UNAVAILABLE) {
		log_warn("database not reachable yet; will retry per request");
		return 0;
	}
	return -1;
}

void
db_disconnect(void)
{

	if (conn != NULL)
		PQfinish(conn);
	conn = NULL;
	in_tx = 0;
	free(conninfo);
	conninfo = NULL;
}

/*
 * Run fn's query once; when the connection turns out to be dead and no
 * transaction is open, reconnect and try once more.
 */
static PGresult *
run(const struct db_stmt *s, const char *const *params, const char *sql)
{
	PGresult	*res;
	int		 attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure() == -1)
			return NULL;
		if (s != NULL)
			res = PQexecPrepared(conn, s->name, s->nparams,
			    params, NULL, NULL, 0);
		else
			res = PQexec(conn, sql);
		if (res != NULL) {
			switch (PQresultStatus(res)) {
			case PGRES_COMMAND_OK:
			case PGRES_TUPLES_OK:
				set_error(DB_OK, NULL);
				return res;
			default:
				break;
			}
		}
		if (PQstatus(conn) == CONNECTION_OK || in_tx) {
			record_failure(res, s != NULL ? s->name : "script");
			PQclear(res);
			if (PQstatus(conn) != CONNECTION_OK)
				in_tx = 0;
			return NULL;
		}
		/* Lost between requests (e.g. PostgreSQL restarted). */
		PQclear(res);
	}
	set_error(DB_UNAVAILABLE, NULL);
	return NULL;
}

struct dbres *
db_exec(const struct db_stmt *s, const char *const *params)
{
	struct dbres	*r;
	PGresult	*res;

	if ((res = run(s, params, NULL)) == NULL)
		return NULL;
	if ((r = malloc(sizeof(*r))) == NULL) {
		PQclear(res);
		set_error(DB_OTHER, "out of memory");
		return NULL;
	}
	r->res = res;
	return r;
}

long
db_run(const struct db_stmt *s, const char *const *params)
{
	PGresult	*res;
	long		 n;

	if ((res = run(s, params, NULL)) == NULL)
		return -1;
	n = atol(PQcmdTuples(res));
	PQclear(res);
	return n;
}

int
db_script(const char *sql)
{
	PGresult	*res;

	if ((res = run(NULL, NULL, sql)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
db_nrows(const struct dbres *r)
{

	return r != NULL ? PQntuples(r->res) : 0;
}

const char *
db_val(const struct dbres *r, int row, int col)
{

	if (r == NULL || row < 0 || row >= PQntuples(r->res) ||
	    col < 0 || col >= PQnfields(r->res) ||
	    PQgetisnull(r->res, row, col))
		return NULL;
	return PQgetvalue(r->res, row, col);
}

int
db_bool(const struct dbres *r, int row, int col)
{
	const char	*v = db_val(r, row, col);

	return v != NULL && v[0] == 't';
}

long long
db_int(const struct dbres *r, int row, int col)
{
	const char	*v = db_val(r, row, col);

	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

void
db_clear(struct dbres *r)
{

	if (r == NULL)
		return;
	PQclear(r->res);
	free(r);
}

int
db_begin(void)
{

	if (in_tx) {
		log_err("db_begin: transaction already open");
		return -1;
	}
	if (db_script("BEGIN") == -1)
		return -1;
	in_tx = 1;
	return 0;
}

int
db_commit(void)
{
	int	 rc;

	if (!in_tx)
		return -1;
	rc = db_script("COMMIT");
	in_tx = 0;
	return rc;
}

void
db_rollback(void)
{
	PGresult	*res;
	enum db_err	 err = last_err;
	char		 detail[sizeof(last_detail)];

	if (!in_tx)
		return;
	in_tx = 0;
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		return;
	/* Keep the error that caused the rollback for the caller. */
	memcpy(detail, last_detail, sizeof(detail));
	res = PQexec(conn, "ROLLBACK");
	PQclear(res);
	last_err = err;
	memcpy(last_detail, detail, sizeof(detail));
}

enum db_err
db_error(void)
{

	return last_err;
}

const char *
db_error_detail(void)
{

	return last_detail;
}

int
db_status(void)
{

	return last_err == DB_UNAVAILABLE ? 503 : 500;
}

int
db_ping(void)
{

	return db_script("SELECT 1") == 0;
}
