/*
 * certm3-manager: CSRF tokens.
 *
 * A token is "<unix time>.<HMAC-SHA256(key, serial ':' time)>": bound to
 * the admin's client certificate (the console's session is the TLS client
 * identity), valid for CSRF_LIFETIME, checkable by any process on any host
 * because the key lives in PostgreSQL (app_secrets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "db.h"
#include "manager.h"

#define CSRF_LIFETIME	(12 * 3600)

enum {
	CSRF_KEY_PUT,
	CSRF_KEY_GET,
	CSRF__MAX
};

const struct db_stmt csrf_stmts[CSRF__MAX] = {
	[CSRF_KEY_PUT] = { "csrf_key_put",
	    "INSERT INTO app_secrets (name, value) VALUES ('csrf', $1) "
	    "ON CONFLICT (name) DO NOTHING", 1 },
	[CSRF_KEY_GET] = { "csrf_key_get",
	    "SELECT value FROM app_secrets WHERE name = 'csrf'", 0 },
};
const size_t csrf_nstmts = CSRF__MAX;

static char	 csrf_key[SHA256_HEX];

/* The shared key, made on first use by whichever process needs it. 0/-1. */
static int
load_key(void)
{
	unsigned char	 raw[32];
	char		 hex[SHA256_HEX];
	const char	*p[1] = { hex };
	struct dbres	*r;
	size_t		 i;

	if (csrf_key[0] != '\0')
		return 0;
	if ((r = db_exec(&csrf_stmts[CSRF_KEY_GET], NULL)) == NULL)
		return -1;
	if (db_nrows(r) == 0) {
		db_clear(r);
		if (crypto_random(raw, sizeof(raw)) == -1)
			return -1;
		for (i = 0; i < sizeof(raw); i++)
			snprintf(hex + 2 * i, 3, "%02x", raw[i]);
		if (db_run(&csrf_stmts[CSRF_KEY_PUT], p) == -1 ||
		    (r = db_exec(&csrf_stmts[CSRF_KEY_GET], NULL)) == NULL)
			return -1;
	}
	if (db_nrows(r) == 1)
		snprintf(csrf_key, sizeof(csrf_key), "%s", db_val(r, 0, 0));
	db_clear(r);
	return csrf_key[0] != '\0' ? 0 : -1;
}

static void
mac(const char *bound_to, long when, char out[SHA256_HEX])
{
	char	 msg[128];
	int	 n;

	n = snprintf(msg, sizeof(msg), "%s:%ld", bound_to, when);
	crypto_hmac_hex(csrf_key, strlen(csrf_key), msg,
	    n > 0 ? (size_t)n : 0, out);
}

int
mgr_csrf_token(const char *bound_to, char out[MGR_CSRF_LEN])
{
	char	 m[SHA256_HEX];
	long	 now = (long)time(NULL);

	out[0] = '\0';
	if (load_key() == -1)
		return -1;
	mac(bound_to, now, m);
	snprintf(out, MGR_CSRF_LEN, "%ld.%s", now, m);
	return 0;
}

int
mgr_csrf_valid(const char *bound_to, const char *token)
{
	char	 m[SHA256_HEX], *end;
	long	 when, now = (long)time(NULL);

	if (token == NULL || load_key() == -1)
		return 0;
	when = strtol(token, &end, 10);
	if (end == token || *end != '.' || when > now + 60 ||
	    now - when > CSRF_LIFETIME)
		return 0;
	mac(bound_to, when, m);
	return crypto_str_equal(end + 1, m);
}
