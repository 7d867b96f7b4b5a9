/*
 * list: what every paginated list shares (SPEC §5) — limit and offset
 * under one rule, the answer {"data":[…],"total","limit","offset"}, and
 * the LIKE patterns of free-text search and prefix filters.
 *
 * List statements compute total and the page in one statement:
 *   SELECT t.total, p.* FROM (SELECT count(*) AS total FROM … WHERE F) t
 *   LEFT JOIN LATERAL (SELECT … WHERE F ORDER BY … LIMIT $n OFFSET $m) p
 *   ON true
 * count(*) OVER () alone cannot be used: it yields no row, hence no total,
 * for limit 0 or an offset past the end. The left join always yields one
 * row; an empty page is that row with the page's columns NULL.
 */
#ifndef CERTM3_LIST_H
#define CERTM3_LIST_H

#include <stddef.h>

#include "db.h"
#include "domain.h"

#define LIST_LIMIT_DEFAULT	50
#define LIST_LIMIT_MAX		500
#define LIST_OFFSET_MAX		2147483647L
#define LIST_Q_MAX		128	/* characters of a search text */
#define LIST_FILTER_MAX		256	/* characters of an exact filter */
/* A LIKE pattern of a LIST_FILTER_MAX text: each byte escaped, plus %s. */
#define LIST_PATTERN_SZ		(2 * 4 * LIST_FILTER_MAX + 3)

struct list_page {
	long	 limit;		/* 0..LIST_LIMIT_MAX */
	long	 offset;	/* 0..LIST_OFFSET_MAX */
	char	 limit_s[24];	/* as text, for statement parameters */
	char	 offset_s[24];
};

/*
 * Fill a page from numbers (callers without HTTP, e.g. the manager).
 * 0, or 400 naming limit or offset.
 */
int	 list_page(struct list_page *, long limit, long offset,
	    struct dom_err *);

/*
 * Read a list request's query string: limit (default 50), offset
 * (default 0), and the filter names of the NULL-terminated filters.
 * Unknown or repeated names are refused. 0, or 400 after writing the
 * error, which names the field.
 */
int	 list_query(struct http_req *, const char *const *filters,
	    struct list_page *);

/*
 * The list answer: {"data":data,"total","limit","offset"}. Takes data
 * (a JSON array); the caller owns the result.
 */
struct json *list_json(struct json *data, long long total,
	    const struct list_page *);

/* Renders one row of a list statement, its page columns from col on. */
typedef struct json *(*list_render)(const struct dbres *, int row, int col);

/*
 * The list answer of a list statement's result (total in column 0, page
 * columns from col on): every row whose column col is not NULL, rendered.
 * The caller owns the result.
 */
struct json *list_rows(const struct dbres *, int col, list_render,
	    const struct list_page *);

/*
 * A list that belongs to one owner (a group's members, a user's groups):
 * stmt takes (key, limit, offset) and yields total, whether the owner
 * exists, then the page columns. 0 with *out, 404 with the message absent
 * when the owner does not exist, 500/503.
 */
int	 list_owned(const struct db_stmt *stmt, const char *key,
	    const struct list_page *, list_render, const char *absent,
	    struct json **out, struct dom_err *);

/*
 * One resource: stmt takes key and yields at most one row, rendered from
 * column 0. 0 with *out, 404 with the message absent, 500/503.
 */
int	 list_one(const struct db_stmt *stmt, const char *key, list_render,
	    const char *absent, struct json **out, struct dom_err *);

/*
 * Columns col, col+1, … of row as an object with the NULL-terminated
 * keys: a key starting with '#' is a number, '?' a boolean (the mark is
 * not part of the name), any other a string; SQL NULL is null.
 */
struct json *list_row_json(const struct dbres *, int row, int col,
	    const char *const *keys);

/*
 * The ILIKE pattern that finds q anywhere: "%" + q with '\', '%' and '_'
 * escaped by '\' + "%". NULL or "" leaves *pattern NULL (no filter);
 * otherwise *pattern points into buf. 0, or 400 (field q) when q is over
 * LIST_Q_MAX characters or not text.
 */
int	 list_search(const char *q, char buf[LIST_PATTERN_SZ],
	    const char **pattern, struct dom_err *);

/*
 * The LIKE pattern of an exact filter value, or of a prefix when the
 * value ends in '*' ("user.*"). NULL or "" leaves *pattern NULL. 0, or
 * 400 naming field when v is over LIST_FILTER_MAX characters or not text.
 */
int	 list_filter(const char *field, const char *v,
	    char buf[LIST_PATTERN_SZ], const char **pattern, struct dom_err *);

#endif /* CERTM3_LIST_H */
