/*
 * fuzz_json: json_parse (common/json.c) on any bytes.
 *
 * Input: the document itself.
 * Invariants:
 *  - json_utf8_valid agrees with an independent UTF-8 decoder;
 *  - a document is accepted only without NUL bytes, as valid UTF-8 and
 *    within max_len (one byte less is "too large");
 *  - the tree nests at most JSON_MAX_DEPTH containers and every key and
 *    string value is valid UTF-8;
 *  - the typed getters agree with the node's printed form
 *    (json_get_int: integral, |v| <= 2^53);
 *  - json_array_len and json_array_at agree with iteration;
 *  - json_print gives valid UTF-8 without raw control characters that
 *    parses again and prints the same (a fixed point).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "fuzz.h"

/* Check a member m of object obj through the typed getters. */
static void
check_member(const struct json *obj, const struct json *m)
{
	const char	*key = json_key(m), *s;
	struct json	*arr;
	char		*text;
	long long	 v;
	int		 b, rc;

	/* Getters answer for the first member of a name only. */
	if (json_get(obj, key) != m)
		return;
	if ((text = json_print(m)) == NULL)
		abort();
	if (strcmp(text, "null") == 0) {
		/* null, or a number too large for a double (printed null). */
		rc = json_get_str(obj, key, &s);
		FUZZ_CHECK((rc == 0 || rc == -1) && s == NULL);
		FUZZ_CHECK(json_get_bool(obj, key, &b) == rc);
		FUZZ_CHECK(json_get_array(obj, key, &arr) == rc && arr == NULL);
		FUZZ_CHECK(json_get_int(obj, key, &v) == rc);
		free(text);
		return;
	}
	rc = json_get_str(obj, key, &s);
	FUZZ_CHECK(rc == (text[0] == '"' ? 1 : -1));
	FUZZ_CHECK(rc == 1 ? s == json_str(m) : s == NULL);
	rc = json_get_bool(obj, key, &b);
	FUZZ_CHECK(rc == (strcmp(text, "true") == 0 ||
	    strcmp(text, "false") == 0 ? 1 : -1));
	if (rc == 1)
		FUZZ_CHECK(b == (text[0] == 't'));
	rc = json_get_array(obj, key, &arr);
	FUZZ_CHECK(rc == (text[0] == '[' ? 1 : -1));
	FUZZ_CHECK(rc == 1 ? arr == m : arr == NULL);
	rc = json_get_int(obj, key, &v);
	FUZZ_CHECK(rc == 1 || rc == -1);
	if (rc == 1) {
		FUZZ_CHECK(strchr("-0123456789", text[0]) != NULL);
		FUZZ_CHECK(v >= -9007199254740992LL &&
		    v <= 9007199254740992LL);
		FUZZ_CHECK(strtod(text, NULL) == (double)v);
	}
	free(text);
}

/* Walk the tree; depth counts the containers around j's children. */
static void
walk(const struct json *j, int depth)
{
	const struct json	*m, *last = NULL;
	const char		*s;
	size_t			 n = 0;

	if ((s = json_str(j)) != NULL)
		FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)s, strlen(s),
		    NULL));
	for (m = json_first(j); m != NULL; m = json_next(m)) {
		FUZZ_CHECK(depth <= JSON_MAX_DEPTH);
		s = json_key(m);
		FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)s, strlen(s),
		    NULL));
		if (json_is_object(j))
			check_member(j, m);
		walk(m, depth + 1);
		last = m;
		n++;
	}
	if (json_array_len(j) > 0) {
		FUZZ_CHECK(json_array_len(j) == n);
		FUZZ_CHECK(json_array_at(j, n - 1) == last);
		FUZZ_CHECK(json_array_at(j, n) == NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data;
	struct json	*j, *j2;
	char		 err[64];
	char		*p1, *p2;
	size_t		 i;
	int		 utf8;

	utf8 = fuzz_utf8_ok(data, size, NULL);
	FUZZ_CHECK(json_utf8_valid(buf, size) == utf8);
	if (size > 0) {
		j = json_parse(buf, size, size - 1, err, sizeof(err));
		FUZZ_CHECK(j == NULL && strcmp(err, "document too large") == 0);
	}
	if ((j = json_parse(buf, size, size, err, sizeof(err))) == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(utf8 && memchr(data, '\0', size) == NULL);
	walk(j, 1);

	if ((p1 = json_print(j)) == NULL)
		abort();
	FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)p1, strlen(p1),
	    NULL));
	for (i = 0; p1[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)p1[i] >= 0x20);
	j2 = json_parse(p1, strlen(p1), strlen(p1), err, sizeof(err));
	FUZZ_CHECK(j2 != NULL);
	if ((p2 = json_print(j2)) == NULL)
		abort();
	FUZZ_CHECK(strcmp(p1, p2) == 0);
	FUZZ_CHECK(json_is_object(j) == json_is_object(j2));
	free(p2);
	free(p1);
	json_free(j2);
	json_free(j);
	return 0;
}
