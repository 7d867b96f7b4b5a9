/*
 * log: one line per event on stderr —
 *   2026-12-04T20:10:00Z certm3-api[123] info req=… addr=… user=… message
 * Non-printable bytes are escaped. Never pass secrets (tokens, passwords,
 * session ids, keys, request bodies) to these functions.
 */
#ifndef CERTM3_LOG_H
#define CERTM3_LOG_H

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void	 log_init(const char *app);
/* Context of the request being served; NULLs print "-". Copies. */
void	 log_set_request(const char *request_id, const char *addr);
void	 log_set_user(const char *user);
void	 log_clear_request(void);
void	 logmsg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_err(...)	logmsg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	logmsg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	logmsg(LOG_INFO, __VA_ARGS__)

#endif /* CERTM3_LOG_H */
