/*
 * http: the FastCGI accept loop, request parsing under limits, the route
 * table dispatcher and response helpers. Errors follow SPEC §5:
 *   {"error":{"statusCode":N,"name":"…","message":"…"}}
 */
#ifndef CERTM3_HTTP_H
#define CERTM3_HTTP_H

#include <stddef.h>

#include "json.h"

#define HTTP_MAX_PARAMS		4	/* <param>s in a route pattern */
#define HTTP_MAX_FIELDS		64	/* query or form fields */
#define HTTP_MAX_KEY		64
#define HTTP_MAX_VALUE		8192
#define HTTP_MAX_PATH		2048

struct http_kv {
	char	*key;
	char	*val;
};

struct http_arena;

struct http_req {
	/* Set by the dispatcher before the handler runs. */
	const char	*method;
	char		*path;		/* decoded path, no query */
	const char	*remote_addr;	/* nginx's REMOTE_ADDR */
	char		 request_id[33];
	char		*body;		/* NUL-terminated; body_len bytes */
	size_t		 body_len;
	struct http_kv	 query[HTTP_MAX_FIELDS];
	size_t		 nquery;
	struct http_kv	 form[HTTP_MAX_FIELDS];
	size_t		 nform;
	const char	*params[HTTP_MAX_PARAMS];
	size_t		 nparams;
	const struct http_route *route;
	void		*principal;	/* the app's authenticated caller */

	/* The response. */
	int		 status;
	char		*resp_type;
	char		*resp_body;
	size_t		 resp_len;
	char		*resp_headers;	/* "Name: value\r\n"… */
	size_t		 resp_hlen;

	char *const	*envp;		/* FastCGI parameters */
	struct http_arena *arena;
};

typedef int (*http_handler)(struct http_req *);

struct http_route {
	const char	*method;	/* "GET", "POST", … */
	const char	*pattern;	/* "/api/users/<id>" */
	http_handler	 handler;
	int		 auth;		/* app-defined level; 0 = none */
	const char	*summary;	/* one line, for docs */
};

struct http_app {
	const char		*name;
	const struct http_route	*routes;
	size_t			 nroutes;
	/*
	 * Authenticate and authorise the caller for a route's auth level:
	 * 0 when allowed (req->principal set), else a status (401, 403, 503),
	 * optionally after writing the body.
	 */
	int			(*authorize)(struct http_req *, int level);
	/* Write the body for an error status the handler left empty. */
	void			(*error_body)(struct http_req *, int status);
	/* Release req->principal after the response. */
	void			(*release)(struct http_req *);
	/* Content type accepted for request bodies. */
	const char		*body_type;
	size_t			 max_body;
};

/* Serve FastCGI requests on fd 0 (spawn-fcgi) until signalled; 0/-1. */
int	 http_serve(const struct http_app *);
/*
 * Dispatch one request whose envp is set and whose body is read (or
 * body_len is the announced length when over the limit): route, limits,
 * authorisation, handler, default error body. Used by http_serve and tests.
 */
void	 http_dispatch(const struct http_app *, struct http_req *,
	    long content_length);
/* Prepare and free a request around http_dispatch (tests). */
int	 http_req_init(struct http_req *, char *const *envp);
void	 http_req_free(struct http_req *);

/* Match path against a pattern; 1 with params (arena copies) or 0. */
int	 http_route_match(struct http_req *, const char *pattern,
	    const char *path);
/* Check a route table: every handler set, no duplicates; 0 or -1. */
int	 http_routes_check(const struct http_route *, size_t n,
	    char *err, size_t errsz);

/* Request accessors. NULL when absent. */
const char *http_env(const struct http_req *, const char *name);
const char *http_param(const struct http_req *, size_t i);
const char *http_query(const struct http_req *, const char *key);
const char *http_form(const struct http_req *, const char *key);
/* Cookie value (arena copy) or NULL. */
const char *http_cookie(struct http_req *, const char *name);
/* Copy into the request's arena (freed with the request). */
char	*http_strdup(struct http_req *, const char *s);
/* Parse the body as urlencoded form fields into req->form; 0 or 400. */
int	 http_parse_form(struct http_req *);
/*
 * Parse the body as a JSON object. NULL after writing a 400 error when it
 * is missing or malformed; the caller returns 400.
 */
struct json *http_json_body(struct http_req *);
/*
 * The JSON object body of a request whose members must be among the
 * NULL-terminated names; values[i] gets names[i]'s string value or NULL
 * when absent (only strings are read: a member of another type is
 * refused unless its name starts with '*', meaning "any type, read by the
 * caller", whose value slot stays NULL). Returns the body (json_free it
 * once values are used), or NULL with *status 400 after writing the error,
 * which names the bad member.
 */
struct json *http_json_fields(struct http_req *, const char *const *names,
	    const char **values, int *status);
/* Parse a query integer in [min, max], with a default when absent. */
int	 http_query_long(struct http_req *, const char *key, long def,
	    long min, long max, long *out);

/* Response helpers; each returns status for `return http_…(…)`. */
int	 http_send(struct http_req *, int status, const char *type,
	    const void *body, size_t len);
/* Takes ownership of body. */
int	 http_json(struct http_req *, int status, struct json *body);
/* SPEC §5 error; name NULL = the status's default name. */
int	 http_error(struct http_req *, int status, const char *name,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* As http_error, merging extra's members into the error object. */
int	 http_error_extra(struct http_req *, int status, const char *name,
	    struct json *extra, const char *message);
/* 400 naming a field: {"error":{…,"field":field}}. */
int	 http_error_field(struct http_req *, const char *field,
	    const char *message);
/* 429 with Retry-After. */
int	 http_error_retry(struct http_req *, long retry_after);
int	 http_redirect(struct http_req *, const char *location);
/* Add a response header; value must not contain CR or LF. */
void	 http_header(struct http_req *, const char *name, const char *value);
/* The standard name of a status ("NotFound") and its reason phrase. */
const char *http_status_name(int status);
const char *http_status_reason(int status);

/*
 * Percent-decode (and '+' → ' ' when plus) into out; -1 on bad input
 * (bad escape, %00 or a raw NUL: the result never holds a NUL) or when it
 * does not fit outsz with its NUL.
 */
int	 http_urldecode(const char *in, size_t len, int plus, char *out,
	    size_t outsz);

#endif /* CERTM3_HTTP_H */
