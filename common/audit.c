/*
 * audit: the audit log.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "json.h"
#include "list.h"
#include "valid.h"

enum {
	AUDIT_INSERT,
	AUDIT_INSERT_MANY,
	AUDIT_LIST,
	AUDIT__MAX
};

/* Filters: $1 actor, $2 action (LIKE), $3 target type, $4 target. */
#define AUDIT_WHERE \
	"WHERE ($1::text IS NULL OR actor = $1) " \
	"AND ($2::text IS NULL OR action LIKE $2) " \
	"AND ($3::text IS NULL OR target_type = $3) " \
	"AND ($4::text IS NULL OR target = $4)"

const struct db_stmt audit_stmts[AUDIT__MAX] = {
	[AUDIT_INSERT] = { "audit_insert",
	    "INSERT INTO audit_log (actor, action, target_type, target, "
	    "client_addr, detail) VALUES ($1, $2, $3, $4, $5, "
	    "COALESCE($6::jsonb, '{}'))", 6 },
	/* One row per element of the JSON array of targets $4. */
	[AUDIT_INSERT_MANY] = { "audit_insert_many",
	    "INSERT INTO audit_log (actor, action, target_type, target, "
	    "client_addr, detail) SELECT $1, $2, $3, t.target, $5, "
	    "COALESCE($6::jsonb, '{}') FROM jsonb_array_elements_text($4::jsonb) "
	    "WITH ORDINALITY AS t(target, n) ORDER BY t.n", 6 },
	[AUDIT_LIST] = { "audit_list",
	    "SELECT t.total, a.id, iso_utc(a.at), a.actor, a.action, "
	    "a.target_type, a.target, a.client_addr, a.detail::text "
	    "FROM (SELECT count(*) AS total FROM audit_log " AUDIT_WHERE ") t "
	    "LEFT JOIN LATERAL (SELECT * FROM audit_log " AUDIT_WHERE
	    " ORDER BY id DESC LIMIT $5 OFFSET $6) a ON true", 6 },
};
const size_t audit_nstmts = AUDIT__MAX;

int
audit_write(const struct actor *who, const char *action,
    const char *target_type, const char *target, const char *detail)
{
	const char	*p[6];

	p[0] = who != NULL && who->name != NULL ? who->name : "system";
	p[1] = action;
	p[2] = target_type;
	p[3] = target;
	p[4] = who != NULL ? who->addr : NULL;
	p[5] = detail;
	return db_run(&audit_stmts[AUDIT_INSERT], p) == 1 ? 0 : -1;
}

int
audit_write_json(const struct actor *who, const char *action,
    const char *target_type, const char *target, struct json *detail)
{
	char	*text = NULL;
	int	 rc;

	if (detail != NULL && (text = json_print(detail)) == NULL) {
		json_free(detail);
		return -1;
	}
	json_free(detail);
	rc = audit_write(who, action, target_type, target, text);
	free(text);
	return rc;
}

int
audit_write_many(const struct actor *who, const char *action,
    const char *target_type, const char *const *targets, size_t n,
    struct json *detail)
{
	struct json	*arr;
	const char	*p[6];
	char		*list = NULL, *text = NULL;
	size_t		 i;
	int		 rc = -1;

	if (n == 0) {
		json_free(detail);
		return 0;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_append(arr, json_string(targets[i]));
	list = json_print(arr);
	json_free(arr);
	if (detail != NULL)
		text = json_print(detail);
	if (list == NULL || (detail != NULL && text == NULL))
		goto out;
	p[0] = who != NULL && who->name != NULL ? who->name : "system";
	p[1] = action;
	p[2] = target_type;
	p[3] = list;
	p[4] = who != NULL ? who->addr : NULL;
	p[5] = text;
	if (db_run(&audit_stmts[AUDIT_INSERT_MANY], p) == (long)n)
		rc = 0;
out:
	json_free(detail);
	free(list);
	free(text);
	return rc;
}

/* One audit_log row of AUDIT_LIST as JSON. */
static struct json *
entry_json(const struct dbres *r, int row, int col)
{
	static const char *const keys[] = { "#id", "at", "actor", "action",
	    "targetType", "target", "clientAddr", NULL };
	const char	*detail = db_val(r, row, col + 7);
	char		 why[64];
	struct json	*j = list_row_json(r, row, col, keys), *d;

	d = detail != NULL ? json_parse(detail, strlen(detail),
	    strlen(detail), why, sizeof(why)) : NULL;
	json_add(j, "detail", d != NULL ? d : json_object());
	return j;
}

/* An exact filter: absent, or text of at most LIST_FILTER_MAX. 0/400. */
static int
filter_ok(const char *field, const char *v, struct dom_err *e)
{

	if (v == NULL || *v == '\0' || valid_text(v, LIST_FILTER_MAX))
		return 0;
	return dom_fail(e, 400, field, "A filter has at most %d characters "
	    "and no control characters.", LIST_FILTER_MAX);
}

int
audit_list(const struct audit_filter *f, const struct list_page *pg,
    struct json **out, struct dom_err *e)
{
	char		 action[LIST_PATTERN_SZ];
	const char	*p[6];
	struct dbres	*r;
	int		 status;

	*out = NULL;
	if ((status = list_filter("action", f->action, action, &p[1],
	    e)) != 0)
		return status;
	if ((status = filter_ok("actor", f->actor, e)) != 0 ||
	    (status = filter_ok("targetType", f->target_type, e)) != 0 ||
	    (status = filter_ok("target", f->target, e)) != 0)
		return status;
	p[0] = f->actor != NULL && *f->actor != '\0' ? f->actor : NULL;
	p[2] = f->target_type != NULL && *f->target_type != '\0' ?
	    f->target_type : NULL;
	p[3] = f->target != NULL && *f->target != '\0' ? f->target : NULL;
	p[4] = pg->limit_s;
	p[5] = pg->offset_s;
	if ((r = db_exec(&audit_stmts[AUDIT_LIST], p)) == NULL)
		return dom_db(e);
	*out = list_rows(r, 1, entry_json, pg);
	db_clear(r);
	return 0;
}

void
audit_changed(struct json *detail, const char *key, const char *from,
    const char *to)
{
	struct json	*c;

	if (from == NULL || to == NULL || strcmp(from, to) == 0)
		return;
	c = json_object();
	json_add_str(c, "from", from);
	json_add_str(c, "to", to);
	json_add(detail, key, c);
}
