/*
 * migrate: the schema migration step.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "migrate.h"

#define MIGRATIONS_MAX	256

enum {
	MIG_APPLIED,
	MIG_RECORD,
	MIG__MAX
};

static const struct db_stmt stmts[MIG__MAX] = {
	[MIG_APPLIED] = { "mig_applied",
	    "SELECT 1 FROM schema_migrations WHERE version = $1", 1 },
	[MIG_RECORD] = { "mig_record",
	    "INSERT INTO schema_migrations (version) VALUES ($1)", 1 },
};

static int
cmp(const void *a, const void *b)
{

	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is name NNNN-something.sql? */
static int
is_migration(const char *name)
{
	size_t	 len = strlen(name);

	return len > 9 && strspn(name, "0123456789") == 4 && name[4] == '-' &&
	    strcmp(name + len - 4, ".sql") == 0;
}

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf = NULL;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1)) != NULL) {
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else
			buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Apply one file unless recorded; 1 applied, 0 skipped, -1 error. */
static int
apply(const char *dir, const char *name)
{
	const char	*p[1] = { name };
	struct dbres	*r = NULL;
	char		 path[4096], *sql = NULL;
	int		 rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((sql = slurp(path)) == NULL) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (db_begin() == -1)
		goto out;
	if ((r = db_exec(&stmts[MIG_APPLIED], p)) == NULL)
		goto out;
	if (db_nrows(r) > 0) {
		rc = 0;
		goto out;
	}
	if (db_script(sql) == -1 || db_run(&stmts[MIG_RECORD], p) != 1 ||
	    db_commit() == -1) {
		log_err("%s: migration failed", name);
		goto out;
	}
	log_info("applied %s", name);
	rc = 1;
out:
	db_rollback();
	db_clear(r);
	free(sql);
	return rc;
}

int
migrate_run(const char *conninfo, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*names[MIGRATIONS_MAX];
	size_t		 n = 0, i;
	int		 rc = -1, applied = 0, one;

	if ((d = opendir(dir)) == NULL) {
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < MIGRATIONS_MAX)
		if (is_migration(de->d_name) &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);

	/* The ledger must exist before its statements can be prepared. */
	if (db_connect(conninfo) == -1 ||
	    db_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version text PRIMARY KEY, "
	    "applied_at timestamptz NOT NULL DEFAULT now())") == -1 ||
	    db_script("SELECT pg_advisory_lock(7340031)") == -1) {
		log_err("cannot reach the database to migrate");
		goto out;
	}
	db_disconnect();
	if (db_register(stmts, MIG__MAX) == -1 ||
	    db_connect(conninfo) == -1 ||
	    db_script("SELECT pg_advisory_lock(7340031)") == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if ((one = apply(dir, names[i])) == -1)
			goto out;
		applied += one;
	}
	log_info("migrations: %d applied, %zu known", applied, n);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	db_disconnect();
	return rc;
}
