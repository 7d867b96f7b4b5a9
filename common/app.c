/*
 * app: start-up shared by the three programs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "certs.h"
#include "config.h"
#include "db.h"
#include "groups.h"
#include "log.h"
#include "migrate.h"
#include "ratelimit.h"
#include "requests.h"
#include "revalidate.h"
#include "session.h"
#include "stats.h"
#include "tokens.h"
#include "users.h"

#ifndef CERTM3_DATADIR
#define CERTM3_DATADIR "/usr/local/share/certm3"
#endif

/* Every module's statements: all prepared in every process. */
static const struct {
	const struct db_stmt	*stmts;
	const size_t		*n;
} modules[] = {
	{ audit_stmts, &audit_nstmts },
	{ users_stmts, &users_nstmts },
	{ groups_stmts, &groups_nstmts },
	{ ratelimit_stmts, &ratelimit_nstmts },
	{ session_stmts, &session_nstmts },
	{ requests_stmts, &requests_nstmts },
	{ auth_stmts, &auth_nstmts },
	{ tokens_stmts, &tokens_nstmts },
	{ certs_stmts, &certs_nstmts },
	{ revalidate_stmts, &revalidate_nstmts },
	{ stats_stmts, &stats_nstmts },
};

/* Send stderr (the log) to the configured file. */
static int
redirect_log(void)
{
	int	 fd;

	fd = open(cfg.log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640);
	if (fd == -1 || dup2(fd, STDERR_FILENO) == -1) {
		log_err("%s: cannot open log file", cfg.log_file);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Print the route table, one "METHOD PATTERN AUTH" line per route, for
 * tests and documentation checks. Returns the exit code.
 */
static int
print_routes(const struct http_app *app)
{
	size_t	 i;

	for (i = 0; i < app->nroutes; i++)
		printf("%s %s %d\n", app->routes[i].method,
		    app->routes[i].pattern, app->routes[i].auth);
	return fflush(stdout) == 0 ? 0 : 1;
}

static void
usage(const char *prog)
{

	fprintf(stderr, "usage: %s [--check-config | --migrate [dir] | "
	    "--routes]\n"
	    "  serves FastCGI on the socket passed as fd 0 (spawn-fcgi)\n"
	    "  configuration: $CERTM3_CONFIG or %s\n", prog,
	    CONFIG_PATH_DEFAULT);
}

int
app_main(const struct http_app *app, int argc, char **argv,
    int (*init)(void), int (*extra)(int, char **))
{
	size_t	 i;
	int	 rc;

	log_init(app->name);
	if (argc > 1 && strcmp(argv[1], "--routes") == 0)
		return print_routes(app);
	if (config_load(&cfg, &cfg_defaults) == -1)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--check-config") == 0)
		return 0;
	if (argc == 1 && cfg.log_file[0] != '\0' && redirect_log() == -1)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--migrate") == 0)
		return migrate_run(cfg.db_conninfo, argc > 2 ? argv[2] :
		    CERTM3_DATADIR "/db") == 0 ? 0 : 1;
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(argv[0]);
		return 0;
	}
	if (init != NULL && init() == -1)
		return 1;
	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (db_register(modules[i].stmts, *modules[i].n) == -1)
			return 1;
	if (argc > 1 && extra != NULL) {
		if ((rc = extra(argc, argv)) != -2)
			return rc;
	}
	if (argc > 1) {
		usage(argv[0]);
		return 2;
	}
	if (db_connect(cfg.db_conninfo) == -1) {
		log_err("cannot prepare statements; stopping");
		return 1;
	}
	rc = http_serve(app) == 0 ? 0 : 1;
	db_disconnect();
	config_free(&cfg, &cfg_defaults);
	return rc;
}
