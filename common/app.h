/*
 * app: what every certM3 FastCGI program does before serving — load the
 * config, handle the command-line verbs, register and prepare statements.
 */
#ifndef CERTM3_APP_H
#define CERTM3_APP_H

#include "http.h"

/*
 * Run an app: `prog` serves FastCGI on fd 0; `prog --check-config` only
 * loads the configuration; `prog --migrate [DIR]` applies migrations.
 * init (may be NULL) runs after the config is loaded and before the
 * database connects; it returns 0 or -1 (abort start). extra, when not
 * NULL, handles other verbs: returns an exit code, or -2 if unknown.
 * Returns the process exit code.
 */
int	 app_main(const struct http_app *, int argc, char **argv,
	    int (*init)(void), int (*extra)(int, char **));

#endif /* CERTM3_APP_H */
