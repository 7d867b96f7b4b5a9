/*
 * mail: composing and spooling messages.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "log.h"
#include "mail.h"

#define QP_LINE		76	/* RFC 2045 §6.7: encoded line length */
#define EW_BYTES	42	/* octets per encoded-word: 56 base64 chars */

/* A growing text buffer; on allocation failure it stays failed. */
struct buf {
	char	*p;
	size_t	 len, cap;
	int	 failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	size_t	 want;
	char	*np;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		want = b->cap == 0 ? 1024 : b->cap;
		while (want < b->len + n + 1)
			want *= 2;
		if ((np = realloc(b->p, want)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = want;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{

	buf_add(b, s, strlen(s));
}

static void
buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char	 tmp[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->failed = 1;
		return;
	}
	buf_add(b, tmp, (size_t)n);
}

static void
hex(const unsigned char *raw, size_t n, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
	out[2 * n] = '\0';
}

/* 2n hex characters from the CSPRNG; 0/-1. */
static int
random_hex(char *out, size_t n)
{
	unsigned char	 raw[32];

	if (n > sizeof(raw) || crypto_random(raw, n) == -1)
		return -1;
	hex(raw, n, out);
	return 0;
}

/* RFC 5322 §3.3 date-time in UTC, locale-independent. */
static void
rfc5322_date(time_t t, char *out, size_t outsz)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;

	gmtime_r(&t, &tm);
	snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
mail_url_host(const char *url, char *out, size_t outsz)
{
	const char	*p, *end;

	if ((p = strstr(url, "://")) != NULL)
		p += 3;
	else
		p = url;
	if ((end = strchr(p, '@')) != NULL && end < p + strcspn(p, "/"))
		p = end + 1;
	if (*p == '[')
		end = strchr(p, ']') != NULL ? strchr(p, ']') + 1 : p;
	else
		end = p + strcspn(p, ":/?#");
	if (end == p || (size_t)(end - p) >= outsz) {
		snprintf(out, outsz, "localhost");
		return;
	}
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

/* RFC 5322 atext, or a space between words. */
static int
is_atext(unsigned char c)
{

	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * How a display name must be written: 0 as atoms, 1 as a quoted-string
 * (printable ASCII with specials or odd spacing), 2 as encoded-words. Text
 * with "=?" is encoded too: as an atom (or, for many readers, even quoted)
 * it could read as an encoded-word and be shown decoded (RFC 2047 §5).
 */
static int
phrase_kind(const char *s)
{
	const unsigned char	*p;
	int			 kind = 0;

	if (strstr(s, "=?") != NULL)
		return 2;
	if (*s == ' ' || (*s != '\0' && s[strlen(s) - 1] == ' ') ||
	    strstr(s, "  ") != NULL)
		kind = 1;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
			return 2;
		if (*p != ' ' && !is_atext(*p))
			kind = 1;
	}
	return kind;
}

static void
base64(struct buf *b, const unsigned char *in, size_t n)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 q[4];
	unsigned long		 v;
	size_t			 i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		buf_add(b, q, 4);
	}
}

/*
 * The display name as a header phrase. Encoded-words hold whole UTF-8
 * characters (RFC 2047 §5) and are folded one per line.
 */
static void
add_phrase(struct buf *b, const char *name)
{
	const unsigned char	*p = (const unsigned char *)name;
	size_t			 len = strlen(name), off = 0, n;

	switch (phrase_kind(name)) {
	case 0:
		buf_str(b, name);
		return;
	case 1:
		buf_add(b, "\"", 1);
		for (; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_add(b, "\\", 1);
			buf_add(b, (const char *)p, 1);
		}
		buf_add(b, "\"", 1);
		return;
	default:
		break;
	}
	while (off < len) {
		n = len - off < EW_BYTES ? len - off : EW_BYTES;
		/* Do not split a character: back up to a lead byte. */
		while (off + n < len && n > 0 && (p[off + n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			n = len - off < EW_BYTES ? len - off : EW_BYTES;
		if (off > 0)
			buf_str(b, "\r\n ");
		buf_str(b, "=?UTF-8?B?");
		base64(b, p + off, n);
		buf_str(b, "?=");
		off += n;
	}
}

/*
 * Quoted-printable body (RFC 2045 §6.7) with CRLF line ends: '=' and
 * everything outside printable ASCII encoded, white space at a line's
 * end encoded, soft breaks keeping lines within 76 octets.
 */
static void
add_qp(struct buf *b, const char *text)
{
	const unsigned char	*p = (const unsigned char *)text, *q;
	char			 enc[4];
	size_t			 col = 0, n;
	int			 eol;

	for (; *p != '\0'; p++) {
		if (*p == '\n') {
			buf_str(b, "\r\n");
			col = 0;
			continue;
		}
		if (*p == '\r')
			continue;
		/* The line ends here if only dropped CRs come before it does. */
		for (q = p + 1; *q == '\r'; q++)
			continue;
		eol = *q == '\n' || *q == '\0';
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !eol)) {
			enc[0] = (char)*p;
			n = 1;
		} else {
			snprintf(enc, sizeof(enc), "=%02X", *p);
			n = 3;
		}
		/* Room for the token and a soft break's '=' (unless last). */
		if (col + n > (eol ? QP_LINE : QP_LINE - 1)) {
			buf_str(b, "=\r\n");
			col = 0;
		}
		buf_add(b, enc, n);
		col += n;
	}
	if (col > 0)
		buf_str(b, "\r\n");
}

/* Is s free of CR, LF and other controls (a header value)? */
static int
header_safe(const char *s)
{

	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Are all lines of s within RFC 5322's 998 octets (CRLF not counted)? */
static int
lines_fit(const char *s)
{
	size_t	 col = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			col = 0;
		else if (++col > 998)
			return 0;
	}
	return 1;
}

/* The whole message text; 0/-1. The caller frees b->p. */
static int
compose(struct buf *b, const struct mail_msg *m, time_t now)
{
	char	 date[64], id[33];

	if (m->from == NULL || m->to_addr == NULL || m->subject == NULL ||
	    m->body == NULL || m->id_host == NULL ||
	    !header_safe(m->from) || !header_safe(m->to_addr) ||
	    !header_safe(m->subject) || !header_safe(m->id_host) ||
	    strpbrk(m->to_addr, "<>\" ") != NULL ||
	    (m->to_name != NULL && !header_safe(m->to_name)))
		return -1;
	if (random_hex(id, 16) == -1)
		return -1;
	rfc5322_date(now, date, sizeof(date));
	buf_printf(b, "Date: %s\r\n", date);
	buf_printf(b, "From: %s\r\n", m->from);
	buf_str(b, "To: ");
	if (m->to_name != NULL && *m->to_name != '\0') {
		add_phrase(b, m->to_name);
		/* Keep the address on a line of its own when long. */
		buf_str(b, strlen(m->to_addr) + 40 > QP_LINE ? "\r\n <" :
		    " <");
		buf_str(b, m->to_addr);
		buf_str(b, ">\r\n");
	} else {
		buf_str(b, m->to_addr);
		buf_str(b, "\r\n");
	}
	buf_printf(b, "Subject: %s\r\n", m->subject);
	buf_printf(b, "Message-ID: <%s@%s>\r\n", id, m->id_host);
	buf_str(b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n");
	add_qp(b, m->body);
	/* An over-long From, Subject or To is refused, not sent broken. */
	return b->failed || !lines_fit(b->p) ? -1 : 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* `<yyyymmddThhmmss.uuuuuu>Z-<16 hex>.eml`; 0/-1. */
static int
spool_name(char name[MAIL_NAME_MAX])
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 stamp[32], rnd[17];
	int		 n;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    random_hex(rnd, 8) == -1)
		return -1;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	n = snprintf(name, MAIL_NAME_MAX, "%s.%06ldZ-%s.eml", stamp,
	    ts.tv_nsec / 1000, rnd);
	return n > 0 && n < MAIL_NAME_MAX ? 0 : -1;
}

int
mail_spool(const char *dir, const struct mail_msg *m,
    char name[MAIL_NAME_MAX])
{
	struct buf	 b = { NULL, 0, 0, 0 };
	char		 tmp[4096], path[4096], rnd[17];
	int		 fd = -1, rc = -1, made = 0;

	name[0] = '\0';
	if (compose(&b, m, time(NULL)) == -1) {
		log_err("mail: cannot compose the message");
		goto out;
	}
	if (random_hex(rnd, 8) == -1 || spool_name(name) == -1)
		goto out;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", dir, rnd) >=
	    sizeof(tmp) || (size_t)snprintf(path, sizeof(path), "%s/%s",
	    dir, name) >= sizeof(path)) {
		log_err("mail: spool path too long");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd == -1) {
		log_err("mail: %s: cannot create a file: %s", dir,
		    strerror(errno));
		goto out;
	}
	made = 1;
	if (write_all(fd, b.p, b.len) == -1 || fsync(fd) == -1) {
		log_err("mail: %s: cannot write: %s", dir, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_err("mail: %s: cannot write: %s", dir, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		log_err("mail: %s: cannot rename: %s", dir, strerror(errno));
		goto out;
	}
	made = 0;
	if (fsync_dir(dir) == -1) {
		log_err("mail: %s: cannot sync the directory: %s", dir,
		    strerror(errno));
		(void)unlink(path);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (made)
		(void)unlink(tmp);
	if (rc == -1)
		name[0] = '\0';
	if (b.p != NULL) {
		/* The text holds a token: do not leave it in freed memory. */
		memset(b.p, 0, b.cap);
		free(b.p);
	}
	return rc;
}

int
mail_unspool(const char *dir, const char *name)
{
	char	 path[4096];

	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	if (unlink(path) == -1) {
		log_err("mail: %s: cannot remove %s: %s", dir, name,
		    strerror(errno));
		return -1;
	}
	(void)fsync_dir(dir);
	return 0;
}

int
mail_validation(const char *to_name, const char *to_addr,
    const char *username, const char *token, time_t expires,
    char name[MAIL_NAME_MAX])
{
	struct mail_msg	 m;
	struct buf	 body = { NULL, 0, 0, 0 };
	struct tm	 tm;
	char		 until[32], host[256];
	int		 rc;

	gmtime_r(&expires, &tm);
	strftime(until, sizeof(until), "%Y-%m-%d %H:%M UTC", &tm);
	mail_url_host(cfg.public_base_url, host, sizeof(host));
	buf_str(&body, "Hello ");
	buf_str(&body, to_name);
	buf_str(&body, ",\n\n"
	    "someone asked for a certM3 client certificate with the "
	    "username\n\"");
	buf_str(&body, username);
	buf_str(&body, "\" for this e-mail address. If that was you, "
	    "confirm the address\nby opening this link:\n\n");
	buf_str(&body, cfg.public_base_url);
	buf_str(&body, "/request/validate/");
	buf_str(&body, token);
	buf_str(&body, "\n\nor by entering this code at ");
	buf_str(&body, cfg.public_base_url);
	buf_str(&body, "/request/validate :\n\n");
	buf_str(&body, token);
	buf_str(&body, "\n\nThe link and the code work once, until ");
	buf_str(&body, until);
	buf_str(&body, ".\n\n"
	    "If you did not ask for this, ignore this message: nothing "
	    "happens\nwithout the code.\n");
	if (body.failed) {
		free(body.p);
		name[0] = '\0';
		return -1;
	}
	m.from = cfg.mail_from;
	m.to_name = to_name;
	m.to_addr = to_addr;
	m.subject = "Confirm your e-mail address for certM3";
	m.id_host = host;
	m.body = body.p;
	rc = mail_spool(cfg.spool_dir, &m, name);
	memset(body.p, 0, body.cap);
	free(body.p);
	return rc;
}
