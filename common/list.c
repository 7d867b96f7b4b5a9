/*
 * list: pagination, list answers and LIKE patterns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "valid.h"

int
list_page(struct list_page *pg, long limit, long offset, struct dom_err *e)
{

	if (limit < 0 || limit > LIST_LIMIT_MAX)
		return dom_fail(e, 400, "limit", "limit is an integer from 0 "
		    "to %d.", LIST_LIMIT_MAX);
	if (offset < 0 || offset > LIST_OFFSET_MAX)
		return dom_fail(e, 400, "offset", "offset is an integer from "
		    "0 to %ld.", LIST_OFFSET_MAX);
	pg->limit = limit;
	pg->offset = offset;
	snprintf(pg->limit_s, sizeof(pg->limit_s), "%ld", limit);
	snprintf(pg->offset_s, sizeof(pg->offset_s), "%ld", offset);
	return 0;
}

/* Parse a non-negative decimal; 0 with *out, or -1. */
static int
parse_count(const char *v, long *out)
{
	char	*end;
	long	 n;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	*out = n;
	return 0;
}

int
list_query(struct http_req *req, const char *const *filters,
    struct list_page *pg)
{
	struct dom_err	 e;
	const char	*v;
	long		 limit = LIST_LIMIT_DEFAULT, offset = 0;
	size_t		 i, j, k;
	int		 status;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < req->nquery; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(req->query[i].key, req->query[j].key) == 0)
				break;
		if (j < i)
			return http_error_field(req, req->query[i].key,
			    "This parameter is given more than once.");
		if (strcmp(req->query[i].key, "limit") == 0 ||
		    strcmp(req->query[i].key, "offset") == 0)
			continue;
		for (k = 0; filters != NULL && filters[k] != NULL; k++)
			if (strcmp(req->query[i].key, filters[k]) == 0)
				break;
		if (filters == NULL || filters[k] == NULL)
			return http_error_field(req, req->query[i].key,
			    "Unknown parameter.");
	}
	if ((v = http_query(req, "limit")) != NULL &&
	    parse_count(v, &limit) == -1)
		limit = -1;
	if ((v = http_query(req, "offset")) != NULL &&
	    parse_count(v, &offset) == -1)
		offset = -1;
	if ((status = list_page(pg, limit, offset, &e)) != 0)
		return dom_respond(req, status, &e);
	return 0;
}

struct json *
list_json(struct json *data, long long total, const struct list_page *pg)
{
	struct json	*j = json_object();

	json_add(j, "data", data);
	json_add_int(j, "total", total);
	json_add_int(j, "limit", pg->limit);
	json_add_int(j, "offset", pg->offset);
	return j;
}

/*
 * Write len bytes of v with LIKE's metacharacters escaped; out has room
 * for 2 * len bytes (see LIST_PATTERN_SZ). Returns the bytes written.
 */
static size_t
like_escape(const char *v, size_t len, char *out)
{
	size_t	 i, o = 0;

	for (i = 0; i < len; i++) {
		if (v[i] == '\\' || v[i] == '%' || v[i] == '_')
			out[o++] = '\\';
		out[o++] = v[i];
	}
	return o;
}

struct json *
list_rows(const struct dbres *r, int col, list_render render,
    const struct list_page *pg)
{
	struct json	*data = json_array();
	int		 i;

	/* An empty page is one row with the page's columns NULL. */
	for (i = 0; i < db_nrows(r); i++)
		if (db_val(r, i, col) != NULL)
			json_append(data, render(r, i, col));
	return list_json(data, db_int(r, 0, 0), pg);
}

int
list_owned(const struct db_stmt *stmt, const char *key,
    const struct list_page *pg, list_render render, const char *absent,
    struct json **out, struct dom_err *e)
{
	const char	*p[3];
	struct dbres	*r;

	*out = NULL;
	p[0] = key;
	p[1] = pg->limit_s;
	p[2] = pg->offset_s;
	if ((r = db_exec(stmt, p)) == NULL)
		return dom_db(e);
	if (!db_bool(r, 0, 1)) {
		db_clear(r);
		return dom_fail(e, 404, NULL, "%s", absent);
	}
	*out = list_rows(r, 2, render, pg);
	db_clear(r);
	return 0;
}

int
list_one(const struct db_stmt *stmt, const char *key, list_render render,
    const char *absent, struct json **out, struct dom_err *e)
{
	const char	*p[1] = { key };
	struct dbres	*r;

	*out = NULL;
	if ((r = db_exec(stmt, p)) == NULL)
		return dom_db(e);
	if (db_nrows(r) == 0) {
		db_clear(r);
		return dom_fail(e, 404, NULL, "%s", absent);
	}
	*out = render(r, 0, 0);
	db_clear(r);
	return 0;
}

struct json *
list_row_json(const struct dbres *r, int row, int col,
    const char *const *keys)
{
	struct json	*j = json_object();
	const char	*k;
	int		 i, c;

	for (i = 0; (k = keys[i]) != NULL; i++) {
		c = col + i;
		if (db_val(r, row, c) == NULL)
			json_add_null(j, k[0] == '#' || k[0] == '?' ? k + 1 : k);
		else if (k[0] == '#')
			json_add_int(j, k + 1, db_int(r, row, c));
		else if (k[0] == '?')
			json_add_bool(j, k + 1, db_bool(r, row, c));
		else
			json_add_str(j, k, db_val(r, row, c));
	}
	return j;
}

int
list_search(const char *q, char buf[LIST_PATTERN_SZ], const char **pattern,
    struct dom_err *e)
{
	size_t	 o;

	*pattern = NULL;
	if (q == NULL || *q == '\0')
		return 0;
	if (!valid_text(q, LIST_Q_MAX))
		return dom_fail(e, 400, "q", "A search text has at most %d "
		    "characters and no control characters.", LIST_Q_MAX);
	buf[0] = '%';
	o = 1 + like_escape(q, strlen(q), buf + 1);
	buf[o++] = '%';
	buf[o] = '\0';
	*pattern = buf;
	return 0;
}

int
list_filter(const char *field, const char *v, char buf[LIST_PATTERN_SZ],
    const char **pattern, struct dom_err *e)
{
	size_t	 len, o;

	*pattern = NULL;
	if (v == NULL || *v == '\0')
		return 0;
	if (!valid_text(v, LIST_FILTER_MAX))
		return dom_fail(e, 400, field, "A filter has at most %d "
		    "characters and no control characters.", LIST_FILTER_MAX);
	len = strlen(v);
	if (v[len - 1] == '*') {
		/* A trailing star is the only wildcard: "user.*". */
		o = like_escape(v, len - 1, buf);
		buf[o++] = '%';
	} else
		o = like_escape(v, len, buf);
	buf[o] = '\0';
	*pattern = buf;
	return 0;
}
