/*
 * log: single-line event log on stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static char	 log_app[32] = "certm3";
static char	 log_reqid[64];
static char	 log_addr[64];
static char	 log_user[64];

static const char *const log_levels[] = {
	[LOG_ERR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

static void
copy_field(char *dst, size_t dstsz, const char *src)
{

	snprintf(dst, dstsz, "%s", src != NULL && *src != '\0' ? src : "-");
}

void
log_init(const char *app)
{

	copy_field(log_app, sizeof(log_app), app);
	log_clear_request();
}

void
log_set_request(const char *request_id, const char *addr)
{

	copy_field(log_reqid, sizeof(log_reqid), request_id);
	copy_field(log_addr, sizeof(log_addr), addr);
	copy_field(log_user, sizeof(log_user), NULL);
}

void
log_set_user(const char *user)
{

	copy_field(log_user, sizeof(log_user), user);
}

void
log_clear_request(void)
{

	log_set_request(NULL, NULL);
}

/* Append src to the line, escaping anything not printable ASCII. */
static size_t
append_escaped(char *line, size_t len, size_t cap, const char *src)
{
	const unsigned char *p;

	for (p = (const unsigned char *)src; *p != '\0' && len + 5 < cap; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			line[len++] = (char)*p;
		else
			len += (size_t)snprintf(line + len, cap - len,
			    "\\x%02x", *p);
	}
	line[len] = '\0';
	return len;
}

void
logmsg(enum log_level level, const char *fmt, ...)
{
	char		 msg[1024], line[2048], stamp[32];
	struct tm	 tm;
	time_t		 now;
	va_list		 ap;
	size_t		 len;
	int		 n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s %s[%ld] %s req=", stamp,
	    log_app, (long)getpid(), log_levels[level]);
	len = n > 0 ? (size_t)n : 0;
	len = append_escaped(line, len, sizeof(line), log_reqid);
	len = append_escaped(line, len, sizeof(line), " addr=");
	len = append_escaped(line, len, sizeof(line), log_addr);
	len = append_escaped(line, len, sizeof(line), " user=");
	len = append_escaped(line, len, sizeof(line), log_user);
	len = append_escaped(line, len, sizeof(line), " ");
	len = append_escaped(line, len, sizeof(line), msg);
	line[len++] = '\n';
	/* One write per line so concurrent processes do not interleave. */
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}
