/*
 * Route patterns of the three apps (api/, request/, manager/), for the
 * http targets: what the dispatcher really matches against.
 */
#ifndef CERTM3_FUZZ_ROUTES_H
#define CERTM3_FUZZ_ROUTES_H

static const char *const fuzz_patterns[] = {
	"/api/health",
	"/api/users",
	"/api/users/<id>",
	"/api/users/<id>/groups",
	"/api/groups/<name>/members",
	"/api/groups/<name>/members/<id>",
	"/api/certificates/<serial>/pem",
	"/api/usernames/<name>",
	"/request",
	"/request/api/requests/<id>/resend",
	"/request/api/username/<name>",
	"/request/validate/<token>",
	"/manager",
	"/manager/",
	"/manager/tokens/",
	"/manager/tokens/<id>/revoke",
	"/manager/users/<id>/groups/<name>/remove",
	"/<a>/<b>/<c>/<d>",
	"/",
};

#define FUZZ_NPATTERNS	(sizeof(fuzz_patterns) / sizeof(fuzz_patterns[0]))

#endif /* CERTM3_FUZZ_ROUTES_H */
