/*
 * certs: issuance, the certificate register, revocation and the CRL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "certs.h"
#include "config.h"
#include "json.h"
#include "log.h"
#include "valid.h"

#define CERTS_PEM_MAX	(64 * 1024)	/* CSR text accepted */
#define CRL_LOCK_KEY	"4242001"	/* advisory lock: CRL regeneration */

enum {
	CERTS_USER_NOW,
	CERTS_INSERT,
	CERTS_GET,
	CERTS_PEM,
	CERTS_LIST,
	CERTS_REVOKE,
	CERTS_REVOKE_USER,
	CERTS_CRL_CURRENT,
	CERTS_CRL_LOCK,
	CERTS_CRL_REVOKED,
	CERTS_CRL_STORE,
	CERTS__MAX
};

/* A certificate's JSON columns, in json_row() order. */
#define CERT_COLS "c.serial, c.user_id, c.username, c.common_name, " \
	"c.email, array_to_json(c.groups)::text AS groups_json, " \
	"c.fingerprint, c.key_type, iso_utc(c.not_before) AS nb, " \
	"iso_utc(c.not_after) AS na, c.status, " \
	"iso_utc(c.revoked_at) AS ra, c.revoked_by, c.revocation_reason, " \
	"iso_utc(c.created_at) AS ca, c.created_by"

/*
 * The filter of certs_list: $1 status, $2 user id, $3 username, $6 an
 * instant: not yet expired and expiring before it.
 */
#define CERT_FILTER "($1::text IS NULL OR c.status = $1) AND " \
	"($2::uuid IS NULL OR c.user_id = $2::uuid) AND " \
	"($3::text IS NULL OR c.username = $3) AND " \
	"($6::timestamptz IS NULL OR (c.not_after > now() AND " \
	"c.not_after <= $6::timestamptz))"

const struct db_stmt certs_stmts[CERTS__MAX] = {
	/*
	 * The user as of now, one row per membership (everyone is in
	 * `users`), locked until the certificate is stored: a deactivation
	 * or a removal from a group waits for the issuance and then sees
	 * its certificate.
	 */
	[CERTS_USER_NOW] = { "certs_user_now",
	    "SELECT u.username, u.email, u.status, g.group_name "
	    "FROM users u JOIN user_groups g ON g.user_id = u.id "
	    "WHERE u.id = $1 ORDER BY g.group_name FOR SHARE OF u, g", 1 },
	[CERTS_INSERT] = { "certs_insert",
	    "INSERT INTO certificates (serial, user_id, username, "
	    "common_name, email, groups, fingerprint, key_type, not_before, "
	    "not_after, pem, created_by, updated_by) VALUES ($1, $2, "
	    "$3::text, $3::text, $4, "
	    "ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), $6, $7, "
	    "to_timestamp($8::bigint), to_timestamp($9::bigint), $10, "
	    "$11::text, $11::text)", 11 },
	[CERTS_GET] = { "certs_get",
	    "SELECT " CERT_COLS " FROM certificates c WHERE c.serial = $1",
	    1 },
	[CERTS_PEM] = { "certs_pem",
	    "SELECT pem FROM certificates WHERE serial = $1", 1 },
	/* Total and page in one statement (see list.h). */
	[CERTS_LIST] = { "certs_list",
	    "SELECT n.total, p.* FROM (SELECT count(*) AS total FROM "
	    "certificates c WHERE " CERT_FILTER ") n LEFT JOIN LATERAL "
	    "(SELECT " CERT_COLS " FROM certificates c WHERE " CERT_FILTER
	    " ORDER BY CASE WHEN $6::timestamptz IS NOT NULL THEN "
	    "c.not_after END, c.created_at DESC, c.serial LIMIT $4 OFFSET $5) "
	    "p ON true", 6 },
	/* Tells unknown (no row), already revoked and revoked now apart. */
	[CERTS_REVOKE] = { "certs_revoke",
	    "WITH c AS (SELECT serial, status, user_id FROM certificates "
	    "WHERE serial = $1 FOR UPDATE), "
	    "r AS (UPDATE certificates x SET status = 'revoked', "
	    "revoked_at = now(), revoked_by = $2, revocation_reason = $3, "
	    "updated_at = now(), updated_by = $2 FROM c "
	    "WHERE x.serial = c.serial AND c.status = 'active' "
	    "RETURNING x.serial) "
	    "SELECT c.status, c.user_id FROM c", 3 },
	/* Every active certificate of a user, one audit row each. */
	[CERTS_REVOKE_USER] = { "certs_revoke_user",
	    "WITH r AS (UPDATE certificates SET status = 'revoked', "
	    "revoked_at = now(), revoked_by = $2, revocation_reason = $3, "
	    "updated_at = now(), updated_by = $2 "
	    "WHERE user_id = $1 AND status = 'active' RETURNING serial) "
	    "INSERT INTO audit_log (actor, action, target_type, target, "
	    "client_addr, detail) SELECT $2, 'certificate.revoke', "
	    "'certificate', r.serial, $4, jsonb_build_object('reason', "
	    "$3::text, 'userId', $1::text) FROM r", 4 },
	/* The stored CRL and whether it may still be served. */
	[CERTS_CRL_CURRENT] = { "certs_crl_current",
	    "SELECT c.pem, c.generation = s.generation AND now() < "
	    "c.this_update + (c.next_update - c.this_update) / 2 "
	    "FROM crl_state s LEFT JOIN crl c ON true", 0 },
	[CERTS_CRL_LOCK] = { "certs_crl_lock",
	    "SELECT pg_advisory_xact_lock(" CRL_LOCK_KEY ")", 0 },
	/*
	 * One snapshot: the generation, a fresh CRL number, and the
	 * revoked certificates not yet long expired (an entry stays until
	 * it has been on a CRL made after its certificate expired).
	 */
	[CERTS_CRL_REVOKED] = { "certs_crl_revoked",
	    "SELECT s.generation, (SELECT nextval('crl_number')), "
	    "c.serial, extract(epoch FROM c.revoked_at)::bigint, "
	    "c.revocation_reason FROM crl_state s LEFT JOIN certificates c "
	    "ON c.status = 'revoked' AND c.not_after > now() - "
	    "2 * make_interval(secs => $1::bigint) ORDER BY c.serial", 1 },
	[CERTS_CRL_STORE] = { "certs_crl_store",
	    "INSERT INTO crl (id, number, generation, this_update, "
	    "next_update, pem) VALUES (true, $1, $2, to_timestamp($3::bigint), "
	    "to_timestamp($4::bigint), $5) ON CONFLICT (id) DO UPDATE SET "
	    "number = EXCLUDED.number, generation = EXCLUDED.generation, "
	    "this_update = EXCLUDED.this_update, "
	    "next_update = EXCLUDED.next_update, pem = EXCLUDED.pem", 5 },
};
const size_t certs_nstmts = CERTS__MAX;

void
certs_profile(struct ca_profile *p)
{

	memset(p, 0, sizeof(*p));
	p->country = cfg_defaults.country;
	p->state = cfg_defaults.state;
	p->locality = cfg_defaults.locality;
	p->organization = cfg_defaults.organization;
	p->org_unit = cfg_defaults.org_unit;
	p->validity_days = (int)cfg_defaults.validity_days;
	p->backdate_secs = (int)cfg_defaults.backdate;
	p->crl_url = cfg_defaults.crl_url;
	p->group_oid = cfg.group_oid;
}

/* ISO-8601 UTC of t into buf. */
static void
iso_time(time_t t, char buf[24])
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Read the requested groups: NULL (none besides `users`) or an array of
 * distinct group names, lower-cased into names[*n]. 0 or 400.
 */
static int
groups_parse(const struct json *groups, char names[][USERNAME_MAX + 1],
    size_t *n, struct dom_err *e)
{
	const char	*s;
	size_t		 i, j, len;
	char		 name[USERNAME_MAX + 1];

	*n = 0;
	if (groups == NULL)
		return 0;
	if ((len = json_array_len(groups)) > CERTS_GROUPS_MAX)
		return dom_fail(e, 400, "groups", "At most %d groups may be "
		    "asked for.", CERTS_GROUPS_MAX);
	for (i = 0; i < len; i++) {
		if ((s = json_str(json_array_at(groups, i))) == NULL ||
		    !valid_group_name(s, name))
			return dom_fail(e, 400, "groups", "groups is an array "
			    "of group names.");
		for (j = 0; j < *n; j++)
			if (strcmp(names[j], name) == 0)
				break;
		if (j == *n)
			memcpy(names[(*n)++], name, sizeof(name));
	}
	return 0;
}

/* The CSR outcome as a status: 0, 400 (field csr) or 422. */
static int
csr_status(enum ca_csr_status st, struct dom_err *e)
{

	switch (st) {
	case CA_CSR_OK:
		return 0;
	case CA_CSR_BAD_SIGNATURE:
		return dom_fail(e, 422, NULL, "The CSR's signature does not "
		    "verify: it does not prove possession of the key.");
	case CA_CSR_KEY_POLICY:
		return dom_fail(e, 422, NULL, "The key must be RSA of 2048 to "
		    "8192 bits or ECDSA on P-256 or P-384.");
	case CA_CSR_MALFORMED:
	default:
		return dom_fail(e, 400, "csr", "csr is a PEM PKCS#10 "
		    "certificate request.");
	}
}

int
certs_store_tx(const struct actor *who, const char *user_id,
    const struct ca_subject *subj, const char *key_type,
    const struct ca_issued *is, struct dom_err *e)
{
	const char	*p[11];
	char		*groups = NULL, *detail = NULL;
	char		 nb[24], na[24], na_iso[24];
	struct json	*arr, *d;
	size_t		 i;
	int		 status = 0;

	arr = json_array();
	for (i = 0; i < subj->ngroups; i++)
		json_append(arr, json_string(subj->groups[i]));
	groups = json_print(arr);
	d = json_object();
	json_add_str(d, "userId", user_id);
	json_add_str(d, "username", subj->username);
	json_add(d, "groups", arr);
	json_add_str(d, "keyType", key_type);
	iso_time(is->not_after, na_iso);
	json_add_str(d, "notAfter", na_iso);
	detail = json_print(d);
	json_free(d);
	if (groups == NULL || detail == NULL) {
		status = dom_fail(e, 500, NULL, "An internal error occurred.");
		goto out;
	}
	snprintf(nb, sizeof(nb), "%lld", (long long)is->not_before);
	snprintf(na, sizeof(na), "%lld", (long long)is->not_after);
	p[0] = is->serial;
	p[1] = user_id;
	p[2] = subj->username;
	p[3] = subj->email;
	p[4] = groups;
	p[5] = is->fingerprint;
	p[6] = key_type;
	p[7] = nb;
	p[8] = na;
	p[9] = is->pem;
	p[10] = who->name;
	if (db_run(&certs_stmts[CERTS_INSERT], p) != 1 ||
	    audit_write(who, "certificate.issue", "certificate", is->serial,
	    detail) == -1)
		status = dom_db(e);
out:
	free(groups);
	free(detail);
	return status;
}

int
certs_issue(const struct actor *who, const char *user_id, const char *csr,
    size_t csr_len, const struct json *groups, struct json **out,
    struct dom_err *e)
{
	char			 want[CERTS_GROUPS_MAX][USERNAME_MAX + 1];
	const char		*names[CERTS_GROUPS_MAX + 1], *q[1], *g;
	char			 key_type[CERTS_KEY_TYPE_MAX], na[24];
	size_t			 nwant = 0, i;
	int			 row, mask, status;
	struct ca_csr		*req = NULL;
	struct ca_subject	 subj;
	struct ca_profile	 prof;
	struct ca_issued	 is;
	struct dbres		*r = NULL;
	struct json		*mm;
	struct actor		 self;
	const struct ca		*ca = auth_ca();

	*out = NULL;
	memset(&is, 0, sizeof(is));
	if ((status = groups_parse(groups, want, &nwant, e)) != 0)
		return status;
	if (csr == NULL || csr_len == 0 || csr_len > CERTS_PEM_MAX)
		return dom_fail(e, 400, "csr", "csr is a PEM PKCS#10 "
		    "certificate request.");
	if ((status = csr_status(ca_csr_parse(csr, csr_len, &req), e)) != 0)
		return status;

	q[0] = user_id;
	if (db_begin() == -1 ||
	    (r = db_exec(&certs_stmts[CERTS_USER_NOW], q)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		status = dom_fail(e, 404, NULL, "No such user.");
		goto out;
	}
	if (strcmp(db_val(r, 0, 2), "active") != 0) {
		e->name = "UserInactive";
		status = dom_fail(e, 403, NULL, "This account is inactive.");
		goto out;
	}
	if ((mask = ca_csr_mismatch(req, db_val(r, 0, 0),
	    db_val(r, 0, 1))) != 0) {
		mm = json_array();
		if (mask & CA_MISMATCH_CN)
			json_append(mm, json_string("commonName"));
		if (mask & CA_MISMATCH_EMAIL)
			json_append(mm, json_string("emailAddress"));
		e->extra = json_object();
		json_add(e->extra, "mismatch", mm);
		e->name = "CsrMismatch";
		status = dom_fail(e, 422, NULL, "The CSR must name "
		    "CN=%s and emailAddress=%s.", db_val(r, 0, 0),
		    db_val(r, 0, 1));
		goto out;
	}
	/* `users` first, then the asked-for memberships by name. */
	subj.ngroups = 0;
	names[subj.ngroups++] = "users";
	for (i = 0; i < nwant; i++) {
		for (row = 0; row < db_nrows(r); row++)
			if ((g = db_val(r, row, 3)) != NULL &&
			    strcmp(g, want[i]) == 0)
				break;
		if (row == db_nrows(r)) {
			e->extra = json_object();
			json_add_str(e->extra, "group", want[i]);
			e->name = "NotAMember";
			status = dom_fail(e, 403, NULL, "You are not a member "
			    "of group %s.", want[i]);
			goto out;
		}
	}
	for (row = 0; row < db_nrows(r); row++) {
		if ((g = db_val(r, row, 3)) == NULL ||
		    strcmp(g, "users") == 0)
			continue;
		for (i = 0; i < nwant; i++)
			if (strcmp(g, want[i]) == 0)
				names[subj.ngroups++] = g;
	}
	subj.username = db_val(r, 0, 0);
	subj.email = db_val(r, 0, 1);
	/* A person acting for themself is named as the database has it. */
	if (who->name == NULL) {
		self.name = subj.username;
		self.addr = who->addr;
		who = &self;
	}
	subj.groups = names;
	certs_profile(&prof);
	if (ca == NULL || ca_issue(ca, req, &subj, &prof, &is) == -1) {
		log_err("cannot issue a certificate for %s", subj.username);
		status = dom_fail(e, 500, NULL, "An internal error occurred.");
		goto out;
	}
	if (ca_csr_key_type(req) == CA_KEY_RSA)
		snprintf(key_type, sizeof(key_type), "rsa-%d",
		    ca_csr_key_bits(req));
	else
		snprintf(key_type, sizeof(key_type), "ec-p%d",
		    ca_csr_key_bits(req));
	if ((status = certs_store_tx(who, user_id, &subj, key_type, &is,
	    e)) != 0 || db_commit() == -1) {
		if (status == 0)
			status = dom_db(e);
		goto out;
	}
	iso_time(is.not_after, na);
	*out = json_object();
	json_add_str(*out, "certificate", is.pem);
	json_add_str(*out, "chain", ca_cert_pem(ca));
	json_add_str(*out, "serial", is.serial);
	json_add_str(*out, "notAfter", na);
	status = 0;
out:
	db_rollback();
	db_clear(r);
	ca_csr_free(req);
	ca_issued_clear(&is);
	return status;
}

/* A certificate row (CERT_COLS from column c of row i) as JSON. */
static struct json *
json_row(const struct dbres *r, int i, int c)
{
	struct json	*j = json_object(), *groups;
	const char	*g;
	char		 why[64];

	json_add_str(j, "serial", db_val(r, i, c));
	json_add_str(j, "userId", db_val(r, i, c + 1));
	json_add_str(j, "username", db_val(r, i, c + 2));
	json_add_str(j, "commonName", db_val(r, i, c + 3));
	json_add_str(j, "email", db_val(r, i, c + 4));
	g = db_val(r, i, c + 5);
	groups = g != NULL ? json_parse(g, strlen(g), strlen(g), why,
	    sizeof(why)) : NULL;
	json_add(j, "groups", groups != NULL ? groups : json_array());
	json_add_str(j, "fingerprint", db_val(r, i, c + 6));
	json_add_str(j, "keyType", db_val(r, i, c + 7));
	json_add_str(j, "notBefore", db_val(r, i, c + 8));
	json_add_str(j, "notAfter", db_val(r, i, c + 9));
	json_add_str(j, "status", db_val(r, i, c + 10));
	json_add_str(j, "revokedAt", db_val(r, i, c + 11));
	json_add_str(j, "revokedBy", db_val(r, i, c + 12));
	json_add_str(j, "revocationReason", db_val(r, i, c + 13));
	json_add_str(j, "createdAt", db_val(r, i, c + 14));
	json_add_str(j, "createdBy", db_val(r, i, c + 15));
	return j;
}

int
certs_get(const char *serial, struct json **out, struct dom_err *e)
{
	char		 s[SERIAL_MAX + 1];

	*out = NULL;
	if (!valid_serial(serial, s))
		return dom_fail(e, 404, NULL, "No such certificate.");
	return list_one(&certs_stmts[CERTS_GET], s, json_row,
	    "No such certificate.", out, e);
}

int
certs_pem(const char *serial, char **pem, struct dom_err *e)
{
	const char	*p[1];
	char		 s[SERIAL_MAX + 1];
	struct dbres	*r;

	*pem = NULL;
	if (!valid_serial(serial, s))
		return dom_fail(e, 404, NULL, "No such certificate.");
	p[0] = s;
	if ((r = db_exec(&certs_stmts[CERTS_PEM], p)) == NULL)
		return dom_db(e);
	if (db_nrows(r) == 0) {
		db_clear(r);
		return dom_fail(e, 404, NULL, "No such certificate.");
	}
	*pem = strdup(db_val(r, 0, 0));
	db_clear(r);
	if (*pem == NULL)
		return dom_fail(e, 500, NULL, "An internal error occurred.");
	return 0;
}

int
certs_list(const struct certs_filter *f, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	const char	*p[6];
	char		 uuid[UUID_LEN + 1], name[USERNAME_MAX + 1];
	struct dbres	*r;

	*out = NULL;
	p[0] = p[1] = p[2] = p[5] = NULL;
	if (f->status != NULL) {
		if (strcmp(f->status, "active") != 0 &&
		    strcmp(f->status, "revoked") != 0)
			return dom_fail(e, 400, "status", "status is active "
			    "or revoked.");
		p[0] = f->status;
	}
	if (f->user_id != NULL) {
		if (!valid_uuid(f->user_id, uuid))
			return dom_fail(e, 400, "userId", "userId is a "
			    "UUID.");
		p[1] = uuid;
	}
	if (f->username != NULL) {
		if (!valid_username(f->username, name))
			return dom_fail(e, 400, "username", "This is not a "
			    "valid username.");
		p[2] = name;
	}
	if (f->expires_before != NULL && *f->expires_before != '\0') {
		if (!valid_iso_time(f->expires_before))
			return dom_fail(e, 400, "expiresBefore", "expiresBefore "
			    "is a time like 2030-01-31T00:00:00Z.");
		p[5] = f->expires_before;
	}
	p[3] = pg->limit_s;
	p[4] = pg->offset_s;
	if ((r = db_exec(&certs_stmts[CERTS_LIST], p)) == NULL)
		return dom_db(e);
	*out = list_rows(r, 1, json_row, pg);
	db_clear(r);
	return 0;
}

int
certs_revoke(const struct actor *who, const char *serial, const char *reason,
    struct json **out, struct dom_err *e)
{
	const char	*p[3];
	char		 s[SERIAL_MAX + 1], detail[160];
	struct dbres	*r = NULL;
	int		 code, status;

	*out = NULL;
	if (reason == NULL)
		reason = "unspecified";
	if ((code = ca_reason_code(reason)) == -1 || code == 8)
		return dom_fail(e, 400, "reason", "reason is an RFC 5280 "
		    "CRLReason name other than removeFromCRL, e.g. "
		    "keyCompromise or superseded.");
	if (!valid_serial(serial, s))
		return dom_fail(e, 404, NULL, "No such certificate.");
	if (db_begin() == -1)
		return dom_db(e);
	p[0] = s;
	p[1] = who->name;
	p[2] = reason;
	if ((r = db_exec(&certs_stmts[CERTS_REVOKE], p)) == NULL) {
		status = dom_db(e);
		goto out;
	}
	if (db_nrows(r) == 0) {
		status = dom_fail(e, 404, NULL, "No such certificate.");
		goto out;
	}
	if (strcmp(db_val(r, 0, 0), "active") != 0) {
		status = dom_fail(e, 409, NULL, "This certificate is already "
		    "revoked.");
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"reason\":\"%s\","
	    "\"userId\":\"%s\"}", reason, db_val(r, 0, 1));
	if (audit_write(who, "certificate.revoke", "certificate", s,
	    detail) == -1 || db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	db_clear(r);
	r = NULL;
	status = certs_get(s, out, e);
out:
	db_rollback();
	db_clear(r);
	return status;
}

int
certs_revoke_user_tx(const struct actor *who, const char *user_id,
    int reason_code, struct dom_err *e)
{
	const char	*p[4], *reason;

	if ((reason = ca_reason_name(reason_code)) == NULL || reason_code == 8)
		return dom_fail(e, 400, "reason", "Not a revocation reason.");
	p[0] = user_id;
	p[1] = who->name;
	p[2] = reason;
	p[3] = who->addr;
	if (db_run(&certs_stmts[CERTS_REVOKE_USER], p) == -1)
		return dom_db(e);
	return 0;
}

/*
 * Read the stored CRL: 1 with *pem (malloc'd) when it may be served,
 * 0 when it must be made anew, -1 on database failure.
 */
static int
crl_current(char **pem)
{
	struct dbres	*r;
	int		 fresh;

	*pem = NULL;
	if ((r = db_exec(&certs_stmts[CERTS_CRL_CURRENT], NULL)) == NULL)
		return -1;
	fresh = db_val(r, 0, 0) != NULL && db_bool(r, 0, 1);
	if (fresh && (*pem = strdup(db_val(r, 0, 0))) == NULL)
		fresh = -1;
	db_clear(r);
	return fresh;
}

/*
 * Make, sign and store a new CRL in the caller's transaction (which
 * holds the regeneration lock). 0 with *pem, or a status.
 */
static int
crl_make_tx(char **pem, struct dom_err *e)
{
	struct ca_revoked	*list = NULL;
	struct dbres		*r;
	const char		*p[5];
	char			 secs[24], number[24], gen[24], tu[24], nu[24];
	time_t			 now;
	size_t			 n = 0;
	int			 i, status = 0;

	*pem = NULL;
	snprintf(secs, sizeof(secs), "%ld", cfg.crl_next_update);
	p[0] = secs;
	if ((r = db_exec(&certs_stmts[CERTS_CRL_REVOKED], p)) == NULL)
		return dom_db(e);
	if ((list = calloc((size_t)db_nrows(r) + 1, sizeof(*list))) == NULL) {
		status = dom_fail(e, 500, NULL, "An internal error occurred.");
		goto out;
	}
	for (i = 0; i < db_nrows(r); i++) {
		if (db_val(r, i, 2) == NULL)
			continue;
		list[n].serial = db_val(r, i, 2);
		list[n].revoked_at = (time_t)db_int(r, i, 3);
		list[n].reason = ca_reason_code(db_val(r, i, 4));
		if (list[n].reason == -1 || list[n].reason == 8)
			list[n].reason = 0;
		n++;
	}
	now = time(NULL);
	if (ca_crl(auth_ca(), list, n, (long)db_int(r, 0, 1), now,
	    cfg.crl_next_update, pem) == -1) {
		log_err("cannot sign the CRL");
		status = dom_fail(e, 500, NULL, "An internal error occurred.");
		goto out;
	}
	snprintf(number, sizeof(number), "%s", db_val(r, 0, 1));
	snprintf(gen, sizeof(gen), "%s", db_val(r, 0, 0));
	snprintf(tu, sizeof(tu), "%lld", (long long)now);
	snprintf(nu, sizeof(nu), "%lld", (long long)now + cfg.crl_next_update);
	p[0] = number;
	p[1] = gen;
	p[2] = tu;
	p[3] = nu;
	p[4] = *pem;
	if (db_run(&certs_stmts[CERTS_CRL_STORE], p) != 1)
		status = dom_db(e);
out:
	if (status != 0) {
		free(*pem);
		*pem = NULL;
	}
	free(list);
	db_clear(r);
	return status;
}

int
certs_crl(char **pem, struct dom_err *e)
{
	int	 rc, status;

	if ((rc = crl_current(pem)) == 1)
		return 0;
	if (rc == -1)
		return dom_db(e);
	if (!ca_has_key(auth_ca()))
		return dom_fail(e, 500, NULL, "An internal error occurred.");
	/*
	 * One regenerator at a time, across processes and hosts; the others
	 * wait, then find its CRL fresh.
	 */
	if (db_begin() == -1 ||
	    db_run(&certs_stmts[CERTS_CRL_LOCK], NULL) == -1 ||
	    (rc = crl_current(pem)) == -1) {
		status = dom_db(e);
		goto out;
	}
	if (rc == 0 && (status = crl_make_tx(pem, e)) != 0)
		goto out;
	if (db_commit() == -1) {
		status = dom_db(e);
		goto out;
	}
	status = 0;
out:
	db_rollback();
	if (status != 0) {
		free(*pem);
		*pem = NULL;
	}
	return status;
}
