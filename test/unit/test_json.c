/*
 * Unit tests of common/json: size, depth and UTF-8 limits, typed getters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka_all.h"

#include "json.h"

static struct json *
parse(const char *s, char *err)
{

	return json_parse(s, strlen(s), 4096, err, 64);
}

static void
limits(void **state)
{
	char		 err[64], deep[64], big[5000];
	struct json	*j;
	int		 i;

	(void)state;
	/* Depth 16 passes, 17 does not. */
	for (i = 0; i < 16; i++)
		deep[i] = '[';
	for (i = 0; i < 16; i++)
		deep[16 + i] = ']';
	deep[32] = '\0';
	assert_non_null(j = parse(deep, err));
	json_free(j);
	snprintf(deep, sizeof(deep), "[%.32s]", "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]");
	assert_null(parse(deep, err));
	assert_string_equal(err, "nested too deeply");
	/* Brackets inside strings do not count. */
	assert_non_null(j = parse("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[\"}", err));
	json_free(j);
	/* Size. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{}", 2);
	big[sizeof(big) - 1] = '\0';
	assert_null(parse(big, err));
	assert_string_equal(err, "document too large");
	/* Bad UTF-8, overlongs, surrogates, NUL bytes. */
	assert_null(parse("{\"a\":\"\xff\"}", err));
	assert_string_equal(err, "invalid UTF-8");
	assert_null(parse("{\"a\":\"\xc0\x80\"}", err));
	assert_null(parse("{\"a\":\"\xed\xa0\x80\"}", err));
	assert_null(json_parse("{\"a\":\"\0\"}", 8, 100, err, 64));
	assert_string_equal(err, "NUL byte in document");
	assert_null(parse("{\"a\":\"x\\u0000y\"}", err));
	assert_string_equal(err, "NUL character in a string");
	/* An escaped backslash before u0000 is just text. */
	assert_non_null(j = parse("{\"a\":\"x\\\\u0000\"}", err));
	json_free(j);
	/* Malformed, trailing garbage. */
	assert_null(parse("{\"a\":", err));
	assert_string_equal(err, "malformed JSON");
	assert_null(parse("{} x", err));
	assert_non_null(j = parse("{\"n\":\"J\xc3\xb6rg \xf0\x9f\x98\x80\"}", err));
	json_free(j);
}

static void
getters(void **state)
{
	char		 err[64];
	struct json	*j, *a;
	const char	*s;
	long long	 n;
	int		 b;

	(void)state;
	j = parse("{\"s\":\"x\",\"n\":42,\"f\":1.5,\"b\":true,\"z\":null,"
	    "\"a\":[\"p\",1]}", err);
	assert_non_null(j);
	assert_int_equal(json_get_str(j, "s", &s), 1);
	assert_string_equal(s, "x");
	assert_int_equal(json_get_str(j, "n", &s), -1);
	assert_null(s);
	assert_int_equal(json_get_str(j, "missing", &s), 0);
	assert_int_equal(json_get_str(j, "z", &s), 0);
	assert_int_equal(json_get_int(j, "n", &n), 1);
	assert_int_equal(n, 42);
	assert_int_equal(json_get_int(j, "f", &n), -1);
	assert_int_equal(json_get_bool(j, "b", &b), 1);
	assert_true(b);
	assert_int_equal(json_get_bool(j, "s", &b), -1);
	assert_int_equal(json_get_array(j, "a", &a), 1);
	assert_int_equal(json_array_len(a), 2);
	assert_string_equal(json_str(json_array_at(a, 0)), "p");
	assert_null(json_str(json_array_at(a, 1)));
	assert_null(json_array_at(a, 2));
	assert_int_equal(json_get_array(j, "s", &a), -1);
	{
		struct json	*m = json_first(j);
		size_t		 count = 0;

		/* Members in document order, with their names. */
		assert_string_equal(json_key(m), "s");
		for (; m != NULL; m = json_next(m))
			count++;
		assert_int_equal(count, 6);
		assert_int_equal(json_get_array(j, "a", &a), 1);
		assert_string_equal(json_key(json_first(a)), "");
		assert_string_equal(json_str(json_first(a)), "p");
	}
	json_free(j);
}

static void
building(void **state)
{
	struct json	*o, *e, *arr;
	char		*text;

	(void)state;
	o = json_object();
	json_add_str(o, "name", "a\"b<\n");
	json_add_str(o, "none", NULL);
	json_add_int(o, "n", 7);
	json_add_bool(o, "t", 1);
	arr = json_array();
	json_append(arr, json_string("x"));
	json_add(o, "list", arr);
	e = json_object();
	json_add_str(e, "field", "email");
	json_merge(o, e);
	text = json_print(o);
	assert_string_equal(text, "{\"name\":\"a\\\"b<\\n\",\"none\":null,"
	    "\"n\":7,\"t\":true,\"list\":[\"x\"],\"field\":\"email\"}");
	free(text);
	json_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limits),
		cmocka_unit_test(getters),
		cmocka_unit_test(building),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
