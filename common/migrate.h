/*
 * migrate: apply db/NNNN-*.sql files in order, each in its own
 * transaction, recording them in schema_migrations. Running it twice is a
 * no-op.
 */
#ifndef CERTM3_MIGRATE_H
#define CERTM3_MIGRATE_H

/* Apply pending migrations from dir; 0 or -1 (reason logged). */
int	 migrate_run(const char *conninfo, const char *dir);

#endif /* CERTM3_MIGRATE_H */
