/*
 * json: limits and typed access over cJSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"

#define C(j)	((cJSON *)(void *)(j))
#define J(c)	((struct json *)(void *)(c))

int
json_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	unsigned long		 cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (i + n >= len)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * Nesting depth of the text, skipping strings; -1 if it exceeds max, -2
 * for a \u0000 escape. Runs before cJSON so deep input never reaches its
 * recursion.
 */
static int
check_depth(const char *s, size_t len, int max)
{
	size_t	 i;
	int	 depth = 0, in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (s[i] == '\\') {
				/* \u0000 would cut the C string short. */
				if (i + 5 < len && s[i + 1] == 'u' &&
				    strncmp(s + i + 2, "0000", 4) == 0)
					return -2;
				i++;
			} else if (s[i] == '"')
				in_str = 0;
			continue;
		}
		switch (s[i]) {
		case '"':
			in_str = 1;
			break;
		case '[':
		case '{':
			if (++depth > max)
				return -1;
			break;
		case ']':
		case '}':
			depth--;
			break;
		default:
			break;
		}
	}
	return 0;
}

struct json *
json_parse(const char *buf, size_t len, size_t max_len, char *err,
    size_t errsz)
{
	cJSON		*root;
	const char	*end = NULL;
	size_t		 i;

	if (len > max_len) {
		snprintf(err, errsz, "document too large");
		return NULL;
	}
	for (i = 0; i < len; i++)
		if (buf[i] == '\0') {
			snprintf(err, errsz, "NUL byte in document");
			return NULL;
		}
	if (!json_utf8_valid(buf, len)) {
		snprintf(err, errsz, "invalid UTF-8");
		return NULL;
	}
	switch (check_depth(buf, len, JSON_MAX_DEPTH)) {
	case -1:
		snprintf(err, errsz, "nested too deeply");
		return NULL;
	case -2:
		snprintf(err, errsz, "NUL character in a string");
		return NULL;
	default:
		break;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root != NULL && end != NULL) {
		/* Only white space may follow the value. */
		while (end < buf + len && (*end == ' ' || *end == '\t' ||
		    *end == '\n' || *end == '\r'))
			end++;
		if (end == buf + len)
			return J(root);
	}
	cJSON_Delete(root);
	snprintf(err, errsz, "malformed JSON");
	return NULL;
}

void
json_free(struct json *j)
{

	cJSON_Delete(C(j));
}

int
json_is_object(const struct json *j)
{

	return j != NULL && cJSON_IsObject(C(j));
}

struct json *
json_get(const struct json *obj, const char *key)
{

	if (!json_is_object(obj))
		return NULL;
	return J(cJSON_GetObjectItemCaseSensitive(C(obj), key));
}

int
json_get_str(const struct json *obj, const char *key, const char **out)
{
	cJSON	*v = C(json_get(obj, key));

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return -1;
	*out = v->valuestring;
	return 1;
}

int
json_get_bool(const struct json *obj, const char *key, int *out)
{
	cJSON	*v = C(json_get(obj, key));

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return -1;
	*out = cJSON_IsTrue(v);
	return 1;
}

int
json_get_int(const struct json *obj, const char *key, long long *out)
{
	cJSON	*v = C(json_get(obj, key));
	double	 d;

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (d != floor(d) || d < -9007199254740992.0 ||
	    d > 9007199254740992.0)
		return -1;
	*out = (long long)d;
	return 1;
}

int
json_get_array(const struct json *obj, const char *key, struct json **out)
{
	cJSON	*v = C(json_get(obj, key));

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v))
		return -1;
	*out = J(v);
	return 1;
}

size_t
json_array_len(const struct json *a)
{
	int	 n;

	if (a == NULL || !cJSON_IsArray(C(a)))
		return 0;
	n = cJSON_GetArraySize(C(a));
	return n > 0 ? (size_t)n : 0;
}

struct json *
json_array_at(const struct json *a, size_t i)
{

	if (i >= json_array_len(a))
		return NULL;
	return J(cJSON_GetArrayItem(C(a), (int)i));
}

const char *
json_str(const struct json *j)
{

	if (j == NULL || !cJSON_IsString(C(j)))
		return NULL;
	return C(j)->valuestring;
}

struct json *
json_first(const struct json *j)
{

	return j != NULL ? J(C(j)->child) : NULL;
}

struct json *
json_next(const struct json *j)
{

	return j != NULL ? J(C(j)->next) : NULL;
}

const char *
json_key(const struct json *j)
{

	return j != NULL && C(j)->string != NULL ? C(j)->string : "";
}

struct json *
json_object(void)
{

	return J(cJSON_CreateObject());
}

struct json *
json_array(void)
{

	return J(cJSON_CreateArray());
}

struct json *
json_string(const char *s)
{

	return J(s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void
json_add(struct json *obj, const char *key, struct json *v)
{

	if (obj == NULL || v == NULL) {
		cJSON_Delete(C(v));
		return;
	}
	cJSON_AddItemToObject(C(obj), key, C(v));
}

void
json_add_str(struct json *obj, const char *key, const char *v)
{

	json_add(obj, key, json_string(v));
}

void
json_add_int(struct json *obj, const char *key, long long v)
{

	json_add(obj, key, J(cJSON_CreateNumber((double)v)));
}

void
json_add_bool(struct json *obj, const char *key, int v)
{

	json_add(obj, key, J(cJSON_CreateBool(v)));
}

void
json_add_null(struct json *obj, const char *key)
{

	json_add(obj, key, J(cJSON_CreateNull()));
}

void
json_append(struct json *arr, struct json *v)
{

	if (arr == NULL || v == NULL) {
		cJSON_Delete(C(v));
		return;
	}
	cJSON_AddItemToArray(C(arr), C(v));
}

void
json_merge(struct json *obj, struct json *src)
{
	cJSON	*m;

	if (obj == NULL || src == NULL || !cJSON_IsObject(C(src))) {
		cJSON_Delete(C(src));
		return;
	}
	while ((m = C(src)->child) != NULL) {
		cJSON_DetachItemViaPointer(C(src), m);
		cJSON_AddItemToObject(C(obj), m->string, m);
	}
	cJSON_Delete(C(src));
}

char *
json_print(const struct json *j)
{

	return cJSON_PrintUnformatted(C(j));
}
