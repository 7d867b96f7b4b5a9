/*
 * Unit tests of common/list: page bounds, the list answer, LIKE escaping
 * of search texts and prefix filters, and query-string checking.
 */
#include <stdlib.h>
#include <string.h>

#include "cmocka_all.h"

#include "list.h"

static void
pages(void **state)
{
	struct list_page	 pg;
	struct dom_err		 e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(list_page(&pg, 0, 0, &e), 0);
	assert_string_equal(pg.limit_s, "0");
	assert_int_equal(list_page(&pg, 500, 2147483647L, &e), 0);
	assert_string_equal(pg.offset_s, "2147483647");
	assert_int_equal(list_page(&pg, 501, 0, &e), 400);
	assert_string_equal(e.field, "limit");
	assert_int_equal(list_page(&pg, -1, 0, &e), 400);
	assert_string_equal(e.field, "limit");
	assert_int_equal(list_page(&pg, 10, -1, &e), 400);
	assert_string_equal(e.field, "offset");
}

static void
answer(void **state)
{
	struct list_page	 pg;
	struct dom_err		 e;
	struct json		*j;
	char			*s;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(list_page(&pg, 2, 4, &e), 0);
	j = list_json(json_array(), 7, &pg);
	s = json_print(j);
	assert_string_equal(s, "{\"data\":[],\"total\":7,\"limit\":2,"
	    "\"offset\":4}");
	free(s);
	json_free(j);
}

static void
search(void **state)
{
	char		 buf[LIST_PATTERN_SZ], big[4 * LIST_Q_MAX + 2];
	const char	*p;
	struct dom_err	 e;
	size_t		 i;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(list_search(NULL, buf, &p, &e), 0);
	assert_null(p);
	assert_int_equal(list_search("", buf, &p, &e), 0);
	assert_null(p);
	assert_int_equal(list_search("ab", buf, &p, &e), 0);
	assert_string_equal(p, "%ab%");
	assert_int_equal(list_search("50%_a\\b'\"", buf, &p, &e), 0);
	assert_string_equal(p, "%50\\%\\_a\\\\b'\"%");
	assert_int_equal(list_search("%", buf, &p, &e), 0);
	assert_string_equal(p, "%\\%%");
	/* The longest search text, all metacharacters, fits. */
	memset(big, '%', LIST_Q_MAX);
	big[LIST_Q_MAX] = '\0';
	assert_int_equal(list_search(big, buf, &p, &e), 0);
	assert_int_equal(strlen(p), 2 * LIST_Q_MAX + 2);
	/* Multi-byte characters count as one. */
	for (i = 0; i < LIST_Q_MAX; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2 * LIST_Q_MAX] = '\0';
	assert_int_equal(list_search(big, buf, &p, &e), 0);
	/* One character too many. */
	memset(big, 'a', LIST_Q_MAX + 1);
	big[LIST_Q_MAX + 1] = '\0';
	assert_int_equal(list_search(big, buf, &p, &e), 400);
	assert_string_equal(e.field, "q");
	assert_int_equal(list_search("a\nb", buf, &p, &e), 400);
	assert_int_equal(list_search("a\xff", buf, &p, &e), 400);
}

static void
filters(void **state)
{
	char		 buf[LIST_PATTERN_SZ];
	const char	*p;
	struct dom_err	 e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(list_filter("action", "user.create", buf, &p, &e), 0);
	assert_string_equal(p, "user.create");
	assert_int_equal(list_filter("action", "user.*", buf, &p, &e), 0);
	assert_string_equal(p, "user.%");
	assert_int_equal(list_filter("action", "a_b%*", buf, &p, &e), 0);
	assert_string_equal(p, "a\\_b\\%%");
	assert_int_equal(list_filter("action", "*", buf, &p, &e), 0);
	assert_string_equal(p, "%");
	assert_int_equal(list_filter("action", "a*b", buf, &p, &e), 0);
	assert_string_equal(p, "a*b");
	assert_int_equal(list_filter("action", NULL, buf, &p, &e), 0);
	assert_null(p);
	assert_int_equal(list_filter("action", "x\x01", buf, &p, &e), 400);
	assert_string_equal(e.field, "action");
}

/* A request whose query holds the given key/value pairs. */
static void
with_query(struct http_req *req, const char *const *kv, size_t n)
{
	size_t	 i;

	http_req_init(req, NULL);
	for (i = 0; i < n; i++) {
		req->query[i].key = http_strdup(req, kv[2 * i]);
		req->query[i].val = http_strdup(req, kv[2 * i + 1]);
	}
	req->nquery = n;
}

static void
query(void **state)
{
	static const char *const known[] = { "status", "q", NULL };
	static const char *const ok[] = { "limit", "7", "offset", "3",
	    "q", "x" };
	static const char *const unknown[] = { "limit", "7", "sort", "x" };
	static const char *const twice[] = { "q", "a", "q", "b" };
	static const char *const bad[][2] = { { "limit", "501" },
	    { "limit", "-1" }, { "limit", "" }, { "limit", "1x" },
	    { "limit", "+5" }, { "offset", "-1" },
	    { "offset", "99999999999999999999" }, { "limit", " 5" } };
	struct http_req		 req;
	struct list_page	 pg;
	size_t			 i;

	(void)state;
	with_query(&req, ok, 3);
	assert_int_equal(list_query(&req, known, &pg), 0);
	assert_int_equal(pg.limit, 7);
	assert_int_equal(pg.offset, 3);
	http_req_free(&req);

	with_query(&req, NULL, 0);
	assert_int_equal(list_query(&req, NULL, &pg), 0);
	assert_int_equal(pg.limit, LIST_LIMIT_DEFAULT);
	assert_int_equal(pg.offset, 0);
	http_req_free(&req);

	with_query(&req, unknown, 2);
	assert_int_equal(list_query(&req, known, &pg), 400);
	assert_non_null(strstr(req.resp_body, "\"field\":\"sort\""));
	http_req_free(&req);

	with_query(&req, twice, 2);
	assert_int_equal(list_query(&req, known, &pg), 400);
	assert_non_null(strstr(req.resp_body, "\"field\":\"q\""));
	http_req_free(&req);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		with_query(&req, bad[i], 1);
		assert_int_equal(list_query(&req, known, &pg), 400);
		assert_non_null(strstr(req.resp_body, bad[i][0]));
		http_req_free(&req);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages),
		cmocka_unit_test(answer),
		cmocka_unit_test(search),
		cmocka_unit_test(filters),
		cmocka_unit_test(query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
