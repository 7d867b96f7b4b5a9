/*
 * http: FastCGI loop and dispatcher.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "crypto.h"
#include "db.h"
#include "http.h"
#include "log.h"

struct http_arena {
	struct http_arena	*next;
	char			 data[];
};

static volatile sig_atomic_t	 stopping, busy;

static const struct {
	int		 status;
	const char	*name;
	const char	*reason;
	const char	*message;
} statuses[] = {
	{ 200, "OK", "OK", "" },
	{ 201, "Created", "Created", "" },
	{ 202, "Accepted", "Accepted", "" },
	{ 204, "NoContent", "No Content", "" },
	{ 303, "SeeOther", "See Other", "" },
	{ 400, "BadRequest", "Bad Request", "The request is malformed." },
	{ 401, "Unauthorized", "Unauthorized",
	    "Authentication is required." },
	{ 403, "Forbidden", "Forbidden", "This action is not allowed." },
	{ 404, "NotFound", "Not Found", "No such resource." },
	{ 405, "MethodNotAllowed", "Method Not Allowed",
	    "This method is not allowed here." },
	{ 409, "Conflict", "Conflict", "The resource already exists." },
	{ 410, "Gone", "Gone", "The resource has expired." },
	{ 413, "PayloadTooLarge", "Payload Too Large",
	    "The request body is too large." },
	{ 415, "UnsupportedMediaType", "Unsupported Media Type",
	    "The request body has the wrong content type." },
	{ 422, "UnprocessableEntity", "Unprocessable Entity",
	    "The request is semantically invalid." },
	{ 429, "TooManyRequests", "Too Many Requests",
	    "Too many requests; try again later." },
	{ 500, "InternalServerError", "Internal Server Error",
	    "An internal error occurred." },
	{ 503, "ServiceUnavailable", "Service Unavailable",
	    "The service is temporarily unavailable." },
};

static size_t
status_index(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return i;
	return 16;	/* 500 */
}

const char *
http_status_name(int status)
{

	return statuses[status_index(status)].name;
}

const char *
http_status_reason(int status)
{

	return statuses[status_index(status)].reason;
}

char *
http_strdup(struct http_req *req, const char *s)
{
	struct http_arena	*a;
	size_t			 len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if ((a = malloc(sizeof(*a) + len + 1)) == NULL)
		return NULL;
	memcpy(a->data, s, len + 1);
	a->next = req->arena;
	req->arena = a;
	return a->data;
}

static char *
arena_strndup(struct http_req *req, const char *s, size_t len)
{
	struct http_arena	*a;

	if ((a = malloc(sizeof(*a) + len + 1)) == NULL)
		return NULL;
	memcpy(a->data, s, len);
	a->data[len] = '\0';
	a->next = req->arena;
	req->arena = a;
	return a->data;
}

static int
hexval(int c)
{

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_urldecode(const char *in, size_t len, int plus, char *out,
    size_t outsz)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	if (outsz == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (o + 1 >= outsz)
			return -1;
		/* A raw NUL (a form body may hold one) would cut the value. */
		if (in[i] == '\0')
			return -1;
		if (in[i] == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = hexval(in[i + 1])) < 0 ||
			    (lo = hexval(in[i + 2])) < 0)
				return -1;
			if (hi == 0 && lo == 0)
				return -1;	/* no NUL bytes */
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && in[i] == '+')
			out[o++] = ' ';
		else
			out[o++] = in[i];
	}
	out[o] = '\0';
	return 0;
}

const char *
http_env(const struct http_req *req, const char *name)
{
	size_t		 len = strlen(name);
	char *const	*e;

	if (req->envp == NULL)
		return NULL;
	for (e = req->envp; *e != NULL; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

const char *
http_param(const struct http_req *req, size_t i)
{

	return i < req->nparams ? req->params[i] : NULL;
}

static const char *
kv_get(const struct http_kv *kv, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

const char *
http_query(const struct http_req *req, const char *key)
{

	return kv_get(req->query, req->nquery, key);
}

const char *
http_form(const struct http_req *req, const char *key)
{

	return kv_get(req->form, req->nform, key);
}

/*
 * Parse "a=1&b=2" into kv (arena copies). Returns 0, or -1 on too many
 * fields, over-long keys or values, or bad percent-encoding.
 */
static int
parse_pairs(struct http_req *req, const char *s, size_t len,
    struct http_kv *kv, size_t *n)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	char		 key[HTTP_MAX_KEY + 1];
	char		*val;
	size_t		 klen, vlen;

	*n = 0;
	val = malloc(HTTP_MAX_VALUE + 1);
	if (val == NULL)
		return -1;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		klen = (size_t)(eq - p);
		vlen = eq < amp ? (size_t)(amp - eq - 1) : 0;
		if (*n == HTTP_MAX_FIELDS || klen > 3 * HTTP_MAX_KEY ||
		    vlen > 3 * HTTP_MAX_VALUE ||
		    http_urldecode(p, klen, 1, key, sizeof(key)) == -1 ||
		    http_urldecode(eq < amp ? eq + 1 : eq, vlen, 1, val,
		    HTTP_MAX_VALUE + 1) == -1) {
			free(val);
			return -1;
		}
		kv[*n].key = http_strdup(req, key);
		kv[*n].val = http_strdup(req, val);
		if (kv[*n].key == NULL || kv[*n].val == NULL) {
			free(val);
			return -1;
		}
		(*n)++;
		p = amp + 1;
	}
	free(val);
	return 0;
}

int
http_parse_form(struct http_req *req)
{

	if (parse_pairs(req, req->body != NULL ? req->body : "",
	    req->body_len, req->form, &req->nform) == -1)
		return 400;
	return 0;
}

const char *
http_cookie(struct http_req *req, const char *name)
{
	const char	*c, *p, *end, *semi;
	size_t		 nlen = strlen(name);

	if ((c = http_env(req, "HTTP_COOKIE")) == NULL)
		return NULL;
	for (p = c; *p != '\0'; p = semi) {
		while (*p == ' ' || *p == ';')
			p++;
		if ((semi = strchr(p, ';')) == NULL)
			semi = p + strlen(p);
		if ((size_t)(semi - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			end = semi;
			return arena_strndup(req, p + nlen + 1,
			    (size_t)(end - p - nlen - 1));
		}
	}
	return NULL;
}

int
http_query_long(struct http_req *req, const char *key, long def, long min,
    long max, long *out)
{
	const char	*v = http_query(req, key);
	char		*end;
	long		 n;

	*out = def;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return http_error_field(req, key, "out of range or not an "
		    "integer");
	*out = n;
	return 0;
}

void
http_header(struct http_req *req, const char *name, const char *value)
{
	size_t	 add;
	char	*p;

	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL)
		return;
	add = strlen(name) + 2 + strlen(value) + 2;
	if ((p = realloc(req->resp_headers, req->resp_hlen + add + 1)) == NULL)
		return;
	req->resp_headers = p;
	snprintf(p + req->resp_hlen, add + 1, "%s: %s\r\n", name, value);
	req->resp_hlen += add;
}

int
http_send(struct http_req *req, int status, const char *type,
    const void *body, size_t len)
{
	char	*copy;

	free(req->resp_body);
	free(req->resp_type);
	req->resp_body = NULL;
	req->resp_len = 0;
	req->resp_type = strdup(type);
	if ((copy = malloc(len + 1)) != NULL) {
		memcpy(copy, body, len);
		copy[len] = '\0';
		req->resp_body = copy;
		req->resp_len = len;
	}
	req->status = status;
	return status;
}

/* Store a malloc'd body without copying. */
static int
send_owned(struct http_req *req, int status, const char *type, char *body)
{

	free(req->resp_body);
	free(req->resp_type);
	req->resp_type = strdup(type);
	req->resp_body = body;
	req->resp_len = body != NULL ? strlen(body) : 0;
	req->status = status;
	return status;
}

int
http_json(struct http_req *req, int status, struct json *body)
{
	char	*text;

	text = json_print(body);
	json_free(body);
	if (text == NULL)
		return send_owned(req, 500, "application/json",
		    strdup("{\"error\":{\"statusCode\":500,\"name\":"
		    "\"InternalServerError\",\"message\":\"Out of memory.\"}}"));
	return send_owned(req, status, "application/json", text);
}

int
http_error_extra(struct http_req *req, int status, const char *name,
    struct json *extra, const char *message)
{
	struct json	*root, *err;

	root = json_object();
	err = json_object();
	json_add_int(err, "statusCode", status);
	json_add_str(err, "name", name != NULL ? name :
	    http_status_name(status));
	json_add_str(err, "message", message != NULL ? message :
	    statuses[status_index(status)].message);
	json_merge(err, extra);
	json_add(root, "error", err);
	return http_json(req, status, root);
}

int
http_error(struct http_req *req, int status, const char *name,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return http_error_extra(req, status, name, NULL,
	    msg[0] != '\0' ? msg : NULL);
}

int
http_error_field(struct http_req *req, const char *field,
    const char *message)
{
	struct json	*extra = json_object();

	json_add_str(extra, "field", field);
	return http_error_extra(req, 400, NULL, extra, message);
}

int
http_error_retry(struct http_req *req, long retry_after)
{
	char	 v[24];

	if (retry_after < 1)
		retry_after = 1;
	snprintf(v, sizeof(v), "%ld", retry_after);
	http_header(req, "Retry-After", v);
	return http_error(req, 429, NULL,
	    "Too many attempts; try again in %ld seconds.", retry_after);
}

int
http_redirect(struct http_req *req, const char *location)
{

	http_header(req, "Location", location);
	return send_owned(req, 303, "text/plain", strdup(""));
}

struct json *
http_json_body(struct http_req *req)
{
	struct json	*j;
	char		 why[64];

	if (req->body_len == 0) {
		http_error(req, 400, NULL, "A JSON object body is required.");
		return NULL;
	}
	j = json_parse(req->body, req->body_len, req->body_len, why,
	    sizeof(why));
	if (j == NULL) {
		http_error(req, 400, NULL, "Malformed JSON body: %s.", why);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_free(j);
		http_error(req, 400, NULL, "The body must be a JSON object.");
		return NULL;
	}
	return j;
}

struct json *
http_json_fields(struct http_req *req, const char *const *names,
    const char **values, int *status)
{
	struct json	*body, *m;
	const char	*name;
	size_t		 i;

	if ((body = http_json_body(req)) == NULL) {
		*status = 400;
		return NULL;
	}
	*status = 0;
	for (m = json_first(body); m != NULL; m = json_next(m)) {
		for (i = 0; (name = names[i]) != NULL; i++)
			if (strcmp(name + (name[0] == '*'),
			    json_key(m)) == 0)
				break;
		if (name == NULL) {
			/* Name it when it is short enough to be a name. */
			*status = http_error_field(req,
			    strlen(json_key(m)) <= HTTP_MAX_KEY ?
			    json_key(m) : "body", "Unknown member.");
			break;
		}
	}
	for (i = 0; *status == 0 && (name = names[i]) != NULL; i++) {
		values[i] = NULL;
		/* Present means a string: null is not "absent". */
		if (name[0] != '*' && json_get(body, name) != NULL &&
		    json_get_str(body, name, &values[i]) != 1)
			*status = http_error_field(req, name,
			    "This member must be a string.");
	}
	if (*status == 0)
		return body;
	json_free(body);
	return NULL;
}

/*
 * Match "/api/users/<id>" against a decoded path. Segments are compared
 * after splitting the raw path, so an encoded slash stays in its segment.
 */
int
http_route_match(struct http_req *req, const char *pattern,
    const char *path)
{
	const char	*pp = pattern, *sp = path, *pe, *se;
	char		 seg[HTTP_MAX_PATH];
	size_t		 n = 0;

	while (*pp != '\0' && *sp != '\0') {
		if (*pp != '/' || *sp != '/')
			return 0;
		pp++;
		sp++;
		pe = strchr(pp, '/');
		if (pe == NULL)
			pe = pp + strlen(pp);
		se = strchr(sp, '/');
		if (se == NULL)
			se = sp + strlen(sp);
		if (*pp == '<') {
			if (se == sp || n == HTTP_MAX_PARAMS ||
			    http_urldecode(sp, (size_t)(se - sp), 0, seg,
			    sizeof(seg)) == -1)
				return 0;
			if (req != NULL &&
			    (req->params[n] = http_strdup(req, seg)) == NULL)
				return 0;
			n++;
		} else if ((size_t)(pe - pp) != (size_t)(se - sp) ||
		    strncmp(pp, sp, (size_t)(pe - pp)) != 0)
			return 0;
		pp = pe;
		sp = se;
	}
	if (*pp != '\0' || *sp != '\0')
		return 0;
	if (req != NULL)
		req->nparams = n;
	return 1;
}

int
http_routes_check(const struct http_route *r, size_t n, char *err,
    size_t errsz)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (r[i].handler == NULL || r[i].method == NULL ||
		    r[i].pattern == NULL || r[i].pattern[0] != '/') {
			snprintf(err, errsz, "route %zu: incomplete", i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(r[i].method, r[j].method) == 0 &&
			    strcmp(r[i].pattern, r[j].pattern) == 0) {
				snprintf(err, errsz, "route %s %s: duplicate",
				    r[i].method, r[i].pattern);
				return -1;
			}
	}
	return 0;
}

int
http_req_init(struct http_req *req, char *const *envp)
{

	memset(req, 0, sizeof(*req));
	req->envp = envp;
	req->method = http_env(req, "REQUEST_METHOD");
	if (req->method == NULL)
		req->method = "GET";
	req->remote_addr = http_env(req, "REMOTE_ADDR");
	if (req->remote_addr == NULL)
		req->remote_addr = "-";
	/* nginx's $request_id when given, else our own. */
	if (http_env(req, "REQUEST_ID") != NULL &&
	    strlen(http_env(req, "REQUEST_ID")) < sizeof(req->request_id) &&
	    strspn(http_env(req, "REQUEST_ID"), "0123456789abcdef") ==
	    strlen(http_env(req, "REQUEST_ID")))
		snprintf(req->request_id, sizeof(req->request_id), "%s",
		    http_env(req, "REQUEST_ID"));
	else
		crypto_request_id(req->request_id);
	return 0;
}

void
http_req_free(struct http_req *req)
{
	struct http_arena	*a, *next;

	for (a = req->arena; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
	free(req->body);
	free(req->resp_body);
	free(req->resp_type);
	free(req->resp_headers);
	memset(req, 0, sizeof(*req));
}

/* Is the request's Content-Type the wanted media type? */
static int
type_ok(const struct http_req *req, const char *want)
{
	const char	*ct = http_env(req, "CONTENT_TYPE");
	size_t		 len;

	if (ct == NULL || want == NULL)
		return 0;
	len = strlen(want);
	return strncasecmp(ct, want, len) == 0 &&
	    (ct[len] == '\0' || ct[len] == ';' || ct[len] == ' ');
}

/* Split REQUEST_URI into decoded-later path and parsed query. */
static int
parse_uri(struct http_req *req)
{
	const char	*uri = http_env(req, "REQUEST_URI"), *q;

	if (uri == NULL)
		uri = http_env(req, "DOCUMENT_URI");
	if (uri == NULL || uri[0] != '/' || strlen(uri) > HTTP_MAX_PATH)
		return -1;
	q = strchr(uri, '?');
	req->path = arena_strndup(req, uri,
	    q != NULL ? (size_t)(q - uri) : strlen(uri));
	if (req->path == NULL)
		return -1;
	if (q != NULL && parse_pairs(req, q + 1, strlen(q + 1), req->query,
	    &req->nquery) == -1)
		return -1;
	return 0;
}

/*
 * An error found before any handler ran: the app's own error body when it
 * has one (pages), else the JSON error with message. Returns status.
 */
static int
early_error(const struct http_app *app, struct http_req *req, int status,
    const char *message)
{

	if (app->error_body != NULL)
		return status;
	return http_error(req, status, NULL, "%s", message != NULL ?
	    message : "");
}

void
http_dispatch(const struct http_app *app, struct http_req *req,
    long content_length)
{
	const struct http_route	*r;
	char			 allow[128];
	size_t			 i, alen = 0;
	int			 status, path_known = 0;

	log_set_request(req->request_id, req->remote_addr);
	/* An oversized body is refused before anything else looks at it. */
	if (content_length > (long)app->max_body) {
		status = 413;
		goto out;
	}
	if (parse_uri(req) == -1) {
		status = early_error(app, req, 400, "Malformed request URI.");
		goto out;
	}
	allow[0] = '\0';
	for (i = 0; i < app->nroutes; i++) {
		r = &app->routes[i];
		if (!http_route_match(NULL, r->pattern, req->path))
			continue;
		path_known = 1;
		if (strcmp(r->method, req->method) == 0) {
			req->route = r;
			break;
		}
		if (strstr(allow, r->method) == NULL &&
		    alen + strlen(r->method) + 3 < sizeof(allow))
			alen += (size_t)snprintf(allow + alen,
			    sizeof(allow) - alen, "%s%s",
			    alen > 0 ? ", " : "", r->method);
	}
	if (!path_known) {
		status = 404;
		goto out;
	}
	if (req->route == NULL) {
		http_header(req, "Allow", allow);
		status = 405;
		goto out;
	}
	(void)http_route_match(req, req->route->pattern, req->path);
	if (req->body_len > 0 && !type_ok(req, app->body_type)) {
		status = early_error(app, req, 415, app->body_type ==
		    NULL ? NULL : strcmp(app->body_type, "application/json") ==
		    0 ? "The request body must be application/json." :
		    "The request body must be a form.");
		goto out;
	}
	if (req->body_len > 0 && strcmp(app->body_type,
	    "application/x-www-form-urlencoded") == 0 &&
	    http_parse_form(req) != 0) {
		status = early_error(app, req, 400, "Malformed form body.");
		goto out;
	}
	if (req->route->auth != 0 && app->authorize != NULL &&
	    (status = app->authorize(req, req->route->auth)) != 0)
		goto out;
	status = req->route->handler(req);
	db_rollback();	/* a handler never leaves a transaction open */
out:
	if (status < 100 || status > 599)
		status = 500;
	req->status = status;
	if (req->resp_body == NULL && status >= 400) {
		if (app->error_body != NULL)
			app->error_body(req, status);
		else
			http_error(req, status, NULL, "%s", "");
		req->status = status;
	}
}

/*
 * Write the response through FastCGI. Headers are formatted here:
 * libfcgi's own printf does not know every conversion.
 */
static void
respond(FCGX_Request *fr, struct http_req *req)
{
	char		 head[512];
	const char	*type = req->resp_type;
	int		 n;

	n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Content-Length: %zu\r\nX-Request-Id: %s\r\n%s%s%s%s",
	    req->status, http_status_reason(req->status), req->resp_len,
	    req->request_id,
	    type != NULL ? "Content-Type: " : "",
	    type != NULL ? type : "",
	    type == NULL ? "" : strncmp(type, "text/", 5) == 0 ||
	    strcmp(type, "application/json") == 0 ? "; charset=utf-8\r\n" :
	    "\r\n",
	    req->resp_headers == NULL || strstr(req->resp_headers,
	    "Cache-Control:") == NULL ? "Cache-Control: no-store\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		n = snprintf(head, sizeof(head), "Status: 500 %s\r\n",
		    http_status_reason(500));
	FCGX_PutStr(head, n, fr->out);
	if (req->resp_headers != NULL)
		FCGX_PutStr(req->resp_headers, (int)req->resp_hlen, fr->out);
	FCGX_PutS("\r\n", fr->out);
	if (req->resp_len > 0 && strcmp(req->method, "HEAD") != 0)
		FCGX_PutStr(req->resp_body, (int)req->resp_len, fr->out);
}

/* Read the announced body unless it is over the limit. 0 or -1. */
static int
read_body(FCGX_Request *fr, struct http_req *req, long len, size_t max)
{
	int	 got;

	if (len <= 0 || (size_t)len > max)
		return 0;
	if ((req->body = malloc((size_t)len + 1)) == NULL)
		return -1;
	got = FCGX_GetStr(req->body, (int)len, fr->in);
	if (got != len)
		return -1;
	req->body[len] = '\0';
	req->body_len = (size_t)len;
	return 0;
}

/*
 * SIGTERM while waiting in accept ends the process at once (libfcgi
 * retries an interrupted accept); during a request it ends after the
 * response is written.
 */
static void
on_signal(int sig)
{

	(void)sig;
	if (!busy)
		_exit(0);
	stopping = 1;
}

int
http_serve(const struct http_app *app)
{
	FCGX_Request		 fr;
	struct http_req		 req;
	struct sigaction	 sa;
	struct timespec		 t0, t1;
	const char		*cl;
	char			*end;
	long			 len;
	char			 err[128];

	if (http_routes_check(app->routes, app->nroutes, err,
	    sizeof(err)) == -1) {
		log_err("%s", err);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		log_err("FastCGI initialisation failed");
		return -1;
	}
	log_info("serving");
	while (!stopping && FCGX_Accept_r(&fr) >= 0) {
		busy = 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		http_req_init(&req, fr.envp);
		len = 0;
		if ((cl = http_env(&req, "CONTENT_LENGTH")) != NULL &&
		    *cl != '\0') {
			errno = 0;
			len = strtol(cl, &end, 10);
			if (*end != '\0' || errno != 0 || len < 0)
				len = LONG_MAX;
		}
		if (read_body(&fr, &req, len, app->max_body) == -1) {
			log_set_request(req.request_id, req.remote_addr);
			http_error(&req, 400, NULL, "Truncated request body.");
			req.status = 400;
		} else
			http_dispatch(app, &req, len);
		respond(&fr, &req);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_info("%s %s %d %.1fms", req.method,
		    req.path != NULL ? req.path : "-", req.status,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		if (app->release != NULL)
			app->release(&req);
		http_req_free(&req);
		FCGX_Finish_r(&fr);
		log_clear_request();
		busy = 0;
	}
	log_info("stopping");
	return 0;
}
