/*
 * mail: complete RFC 5322 messages written atomically, one file each,
 * into the spool directory, where a mailer picks them up in name order.
 *
 * A message is MIME 1.0, `text/plain; charset=UTF-8`, its body
 * quoted-printable (7-bit clean, lines of at most 76 octets, CRLF line
 * ends), so any MTA can relay it without 8BITMIME. A display name in To is
 * written as an atom when it can be, as a quoted-string when it has
 * specials, and as RFC 2047 encoded-words (B) when it is not ASCII.
 * Addresses are written as given (a non-ASCII local part needs an
 * SMTPUTF8 relay, RFC 6531).
 *
 * Writing: `.tmp-<16 hex>` in the spool directory (O_CREAT|O_EXCL, 0640),
 * write, fsync, rename to `<yyyymmddThhmmss.uuuuuu>Z-<16 hex>.eml` (UTC, so
 * names sort in creation order), fsync the directory. A reader never sees
 * a partial file; a failure leaves no file.
 */
#ifndef CERTM3_MAIL_H
#define CERTM3_MAIL_H

#include <stddef.h>
#include <time.h>

#define MAIL_NAME_MAX	64	/* spool file name, NUL included */

struct mail_msg {
	const char	*from;		/* From: header value (ASCII) */
	const char	*to_name;	/* display name (UTF-8), may be NULL */
	const char	*to_addr;	/* addr-spec */
	const char	*subject;	/* ASCII */
	const char	*id_host;	/* right side of the Message-ID */
	const char	*body;		/* UTF-8 text, '\n' line ends */
};

/*
 * Write msg into dir as one new file; name gets its file name. 0, or -1
 * (logged) with nothing left behind.
 */
int	 mail_spool(const char *dir, const struct mail_msg *,
	    char name[MAIL_NAME_MAX]);

/*
 * Remove a message written by mail_spool (when the transaction it belongs
 * to did not commit). 0/-1.
 */
int	 mail_unspool(const char *dir, const char *name);

/*
 * The validation e-mail of an enrollment request: greeting with the
 * display name, the link <public_base_url>/request/validate/<token>, the
 * token, its expiry in UTC. Written into cfg.spool_dir from cfg.mail_from.
 * 0 with name set, or -1.
 */
int	 mail_validation(const char *to_name, const char *to_addr,
	    const char *username, const char *token, time_t expires,
	    char name[MAIL_NAME_MAX]);

/* The host part of a URL ("https://h:8443/x" → "h"); "localhost" if none. */
void	 mail_url_host(const char *url, char *out, size_t outsz);

#endif /* CERTM3_MAIL_H */
