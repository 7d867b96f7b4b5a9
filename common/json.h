/*
 * json: cJSON behind a small interface. Parsing enforces a size limit,
 * a nesting limit and valid UTF-8; getters are typed.
 */
#ifndef CERTM3_JSON_H
#define CERTM3_JSON_H

#include <stddef.h>

#define JSON_MAX_DEPTH	16

struct json;	/* opaque: a cJSON node */

/*
 * Parse len bytes (need not be NUL-terminated). Returns the document
 * (json_free) or NULL with a short reason in err.
 */
struct json	*json_parse(const char *buf, size_t len, size_t max_len,
		    char *err, size_t errsz);
void		 json_free(struct json *);

int		 json_is_object(const struct json *);
/* Member key of obj, or NULL. */
struct json	*json_get(const struct json *obj, const char *key);
/*
 * Typed member access: 1 present and of the type (*out set), 0 absent or
 * null, -1 present with another type.
 */
int		 json_get_str(const struct json *obj, const char *key,
		    const char **out);
int		 json_get_bool(const struct json *obj, const char *key,
		    int *out);
int		 json_get_int(const struct json *obj, const char *key,
		    long long *out);
int		 json_get_array(const struct json *obj, const char *key,
		    struct json **out);
size_t		 json_array_len(const struct json *);
struct json	*json_array_at(const struct json *, size_t i);
/* The string value of a node, or NULL if it is not a string. */
const char	*json_str(const struct json *);
/* Iterate an object's members (or an array's items); NULL at the end. */
struct json	*json_first(const struct json *);
struct json	*json_next(const struct json *);
/* A member's name, or "" for an array item. */
const char	*json_key(const struct json *);

/* Building. Add functions take ownership of child nodes; NULL-safe. */
struct json	*json_object(void);
struct json	*json_array(void);
struct json	*json_string(const char *);
void		 json_add(struct json *obj, const char *key, struct json *v);
void		 json_add_str(struct json *obj, const char *key, const char *v);
void		 json_add_int(struct json *obj, const char *key, long long v);
void		 json_add_bool(struct json *obj, const char *key, int v);
void		 json_add_null(struct json *obj, const char *key);
void		 json_append(struct json *arr, struct json *v);
/* Move every member of src into obj and free src; NULL-safe. */
void		 json_merge(struct json *obj, struct json *src);
/* Compact text, malloc'd; NULL on allocation failure. */
char		*json_print(const struct json *);

/* Is [s, s+len) valid UTF-8 (no overlongs, surrogates or > U+10FFFF)? */
int		 json_utf8_valid(const char *s, size_t len);

#endif /* CERTM3_JSON_H */
