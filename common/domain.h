/*
 * domain: what every domain operation (users, groups, requests,
 * certificates, tokens) shares — its outcome and how that outcome
 * becomes an HTTP answer.
 *
 * Operations return 0 on success or an HTTP-like status (400, 403, 404,
 * 409, 410, 422, 429, 500, 503) and fill a struct dom_err saying why.
 * Multi-step operations run in one transaction; functions whose names end
 * in _tx expect the caller's open transaction instead.
 */
#ifndef CERTM3_DOMAIN_H
#define CERTM3_DOMAIN_H

#include "audit.h"
#include "http.h"

struct dom_err {
	const char	*name;		/* error name, NULL = status default */
	const char	*field;		/* 400: the offending field */
	char		 message[256];
	long		 retry_after;	/* 429 */
	struct json	*extra;		/* more members for the error object */
};

/* Set *e and return status: `return dom_fail(e, 409, NULL, "…")`. */
int	 dom_fail(struct dom_err *, int status, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A database failure: 503 when unavailable, else 500 (logged by db). */
int	 dom_db(struct dom_err *);
/* Answer a failed operation in the SPEC §5 error shape; returns status. */
int	 dom_respond(struct http_req *, int status, struct dom_err *);

/*
 * Answer an operation's outcome: rc 0 → status with body j (taken),
 * else the error. Returns the status sent.
 */
int	 dom_answer(struct http_req *, int rc, int status, struct json *j,
	    struct dom_err *);

#endif /* CERTM3_DOMAIN_H */
