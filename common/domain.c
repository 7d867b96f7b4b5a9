/*
 * domain: shared outcome handling of domain operations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "domain.h"

int
dom_fail(struct dom_err *e, int status, const char *field, const char *fmt,
    ...)
{
	va_list	 ap;

	e->field = field;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return status;
}

int
dom_db(struct dom_err *e)
{
	int	 status = db_status();

	return dom_fail(e, status, NULL, "%s", status == 503 ?
	    "The database is unavailable; try again shortly." :
	    "An internal error occurred.");
}

int
dom_respond(struct http_req *req, int status, struct dom_err *e)
{
	struct json	*extra = e->extra;
	char		 v[24];

	e->extra = NULL;
	if (status == 429) {
		snprintf(v, sizeof(v), "%ld", e->retry_after > 0 ?
		    e->retry_after : 1);
		http_header(req, "Retry-After", v);
	}
	if (e->field != NULL) {
		if (extra == NULL)
			extra = json_object();
		json_add_str(extra, "field", e->field);
	}
	return http_error_extra(req, status, e->name, extra,
	    e->message[0] != '\0' ? e->message : NULL);
}

int
dom_answer(struct http_req *req, int rc, int status, struct json *j,
    struct dom_err *e)
{

	if (rc != 0) {
		json_free(j);
		return dom_respond(req, rc, e);
	}
	return http_json(req, status, j);
}
