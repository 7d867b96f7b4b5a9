/*
 * fuzz_mail: the message mail_spool (common/mail.c) writes, with its
 * RFC 2047 display-name encoding and quoted-printable body, read back
 * from the spool; and mail_url_host.
 *
 * Input: NUL-separated fields: display name, body, address, Subject,
 * From, Message-ID host; a missing field gets a plain default (the
 * display name: none).
 * Invariants of a written message:
 *  - CRLF line ends only (no bare CR or LF), lines of at most 998
 *    octets, body lines of at most 76;
 *  - exactly the nine headers mail.c writes, once each and in order,
 *    continuation lines only inside To: nothing the input holds can add
 *    a header or a recipient line;
 *  - From, Subject and the Message-ID host are the input's; To unfolds
 *    to the address and a phrase that decodes back to the display name:
 *    encoded-words of at most 75 characters holding whole UTF-8
 *    characters, a quoted-string, or atoms;
 *  - the body is quoted-printable that decodes back to the input's body
 *    (CR dropped, a final line end added), with no white space at the
 *    end of an encoded line;
 *  - with ASCII From, Subject, address and host, the message is 7-bit;
 *  - with header-safe, plain-sized fields the message is written; on
 *    failure nothing is left in the spool and name is empty.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail.h"
#include "fuzz.h"

#define NFIELDS	6

static char	 spool[256];

static void
cleanup(void)
{

	if (spool[0] != '\0')
		rmdir(spool);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	/* tmpfs when there is one: mail_spool fsyncs every message. */
	if (access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(spool, sizeof(spool), "%s/certm3-fuzz-mail-XXXXXX", tmp);
	if (mkdtemp(spool) == NULL) {
		perror(spool);
		abort();
	}
	atexit(cleanup);
	return 0;
}

static int
is_ascii(const char *s)
{

	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int
header_safe(const char *s)
{

	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Number of entries in the spool directory. */
static int
spool_count(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(spool)) == NULL)
		abort();
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int
b64val(int c)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;

	if (c == '\0' || (p = strchr(tab, c)) == NULL)
		return -1;
	return (int)(p - tab);
}

/* Decode n base64 characters (a multiple of 4) onto out; its new end. */
static char *
b64decode(const char *s, size_t n, char *out)
{
	size_t	 i;
	int	 v[4], k;

	FUZZ_CHECK(n % 4 == 0);
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = s[i + (size_t)k] == '=' ? 0 :
			    b64val(s[i + (size_t)k]);
		FUZZ_CHECK(v[0] >= 0 && v[1] >= 0 && v[2] >= 0 && v[3] >= 0);
		*out++ = (char)(v[0] << 2 | v[1] >> 4);
		if (s[i + 2] != '=')
			*out++ = (char)((v[1] & 15) << 4 | v[2] >> 2);
		if (s[i + 3] != '=')
			*out++ = (char)((v[2] & 3) << 6 | v[3]);
	}
	return out;
}

/* The display name back from the unfolded phrase. */
static void
check_phrase(const char *ph, size_t len, const char *name)
{
	char		*out, *o;
	const char	*p = ph, *end = ph + len, *q;
	int		 enc = 0;

	if ((out = malloc(len + 1)) == NULL)
		abort();
	o = out;
	if (len >= 10 && strncmp(ph, "=?UTF-8?B?", 10) == 0) {
		enc = 1;
		while (p < end) {
			FUZZ_CHECK(strncmp(p, "=?UTF-8?B?", 10) == 0);
			q = strstr(p + 10, "?=");
			FUZZ_CHECK(q != NULL && q + 2 <= end);
			FUZZ_CHECK(q + 2 - p <= 75);
			o = b64decode(p + 10, (size_t)(q - p - 10), o);
			p = q + 2;
			if (p < end) {
				FUZZ_CHECK(*p == ' ');
				p++;
			}
		}
	} else if (len > 0 && ph[0] == '"') {
		FUZZ_CHECK(len >= 2 && ph[len - 1] == '"');
		for (p = ph + 1; p < end - 1; p++) {
			if (*p == '\\')
				p++;
			else
				FUZZ_CHECK(*p != '"');
			*o++ = *p;
		}
	} else {
		for (p = ph; p < end; p++) {
			FUZZ_CHECK(*p == ' ' || strchr("!#$%&'*+-/=?^_`{|}~",
			    *p) != NULL || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'));
			*o++ = *p;
		}
	}
	*o = '\0';
	FUZZ_CHECK((size_t)(o - out) == strlen(name) &&
	    memcmp(out, name, strlen(name)) == 0);
	if (!is_ascii(name))
		FUZZ_CHECK(enc);
	free(out);
}

static int
hexval(int c)
{

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Check the quoted-printable body and that it decodes to want. */
static void
check_body(const char *b, const char *want)
{
	char		*dec, *o;
	const char	*line, *eol;
	size_t		 len;

	if ((dec = malloc(strlen(b) + 1)) == NULL)
		abort();
	o = dec;
	for (line = b; *line != '\0'; line = eol + 2) {
		eol = strstr(line, "\r\n");
		FUZZ_CHECK(eol != NULL);
		len = (size_t)(eol - line);
		FUZZ_CHECK(len <= 76);
		if (len > 0)
			FUZZ_CHECK(line[len - 1] != ' ' &&
			    line[len - 1] != '\t');
		for (; line < eol; line++) {
			if (*line != '=') {
				FUZZ_CHECK((*line >= 33 && *line <= 126) ||
				    *line == ' ' || *line == '\t');
				*o++ = *line;
			} else if (line + 1 == eol)
				break;		/* soft line break */
			else {
				FUZZ_CHECK(eol - line >= 3 &&
				    hexval(line[1]) >= 0 &&
				    hexval(line[2]) >= 0);
				*o++ = (char)(hexval(line[1]) << 4 |
				    hexval(line[2]));
				line += 2;
			}
		}
		if (line == eol)
			*o++ = '\n';
	}
	*o = '\0';
	FUZZ_CHECK(strcmp(dec, want) == 0);
	free(dec);
}

static const char *const hnames[] = {
	"Date: ", "From: ", "To: ", "Subject: ", "Message-ID: ",
	"MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: ",
	"Auto-Submitted: ",
};

#define NHEADERS	(sizeof(hnames) / sizeof(hnames[0]))

static void
check_message(const char *msg, size_t len, const struct mail_msg *m)
{
	const char	*p, *line, *eol, *v[NHEADERS], *body;
	char		*to, *want, *w, *lt;
	size_t		 h = 0, vlen[NHEADERS], n;

	/* CRLF only, lines within 998 octets, no NUL. */
	FUZZ_CHECK(strlen(msg) == len);
	for (p = msg; *p != '\0'; p++) {
		if (*p == '\r')
			FUZZ_CHECK(p[1] == '\n');
		if (*p == '\n')
			FUZZ_CHECK(p > msg && p[-1] == '\r');
	}
	FUZZ_CHECK(len >= 2 && strcmp(msg + len - 2, "\r\n") == 0);
	for (line = msg; *line != '\0'; line = eol + 2) {
		eol = strstr(line, "\r\n");
		FUZZ_CHECK((size_t)(eol - line) <= 998);
	}

	/* The headers: each once, in order, folded only inside To. */
	for (line = msg; ; line = eol + 2) {
		eol = strstr(line, "\r\n");
		if (eol == line)
			break;
		if (line[0] == ' ') {
			FUZZ_CHECK(h > 0 && strcmp(hnames[h - 1], "To: ") == 0);
			vlen[h - 1] = (size_t)(eol - v[h - 1]);
			continue;
		}
		FUZZ_CHECK(h < NHEADERS);
		FUZZ_CHECK(strncmp(line, hnames[h], strlen(hnames[h])) == 0);
		v[h] = line + strlen(hnames[h]);
		vlen[h] = (size_t)(eol - v[h]);
		h++;
	}
	FUZZ_CHECK(h == NHEADERS);
	body = eol + 2;
	FUZZ_CHECK(vlen[1] == strlen(m->from) &&
	    strncmp(v[1], m->from, vlen[1]) == 0);
	FUZZ_CHECK(vlen[3] == strlen(m->subject) &&
	    strncmp(v[3], m->subject, vlen[3]) == 0);
	FUZZ_CHECK(vlen[4] == 32 + 3 + strlen(m->id_host) && v[4][0] == '<' &&
	    v[4][33] == '@' && strncmp(v[4] + 34, m->id_host,
	    strlen(m->id_host)) == 0 && v[4][vlen[4] - 1] == '>');

	/* To, unfolded: the address, after the decoded phrase. */
	if ((to = malloc(vlen[2] + 1)) == NULL)
		abort();
	for (n = 0, p = v[2]; p < v[2] + vlen[2]; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			to[n++] = *p;
		else
			p++;
	to[n] = '\0';
	if (m->to_name == NULL || m->to_name[0] == '\0')
		FUZZ_CHECK(strcmp(to, m->to_addr) == 0);
	else {
		lt = strrchr(to, '<');
		FUZZ_CHECK(lt != NULL && lt > to && lt[-1] == ' ');
		FUZZ_CHECK(strncmp(lt + 1, m->to_addr,
		    strlen(m->to_addr)) == 0 &&
		    strcmp(lt + 1 + strlen(m->to_addr), ">") == 0);
		check_phrase(to, (size_t)(lt - 1 - to), m->to_name);
	}
	free(to);

	/* The body: what was given, CR dropped, ending in a line end. */
	if ((want = malloc(strlen(m->body) + 2)) == NULL)
		abort();
	for (w = want, p = m->body; *p != '\0'; p++)
		if (*p != '\r')
			*w++ = *p;
	if (w > want && w[-1] != '\n')
		*w++ = '\n';
	*w = '\0';
	check_body(body, want);
	free(want);

	if (is_ascii(m->from) && is_ascii(m->subject) &&
	    is_ascii(m->to_addr) && is_ascii(m->id_host))
		FUZZ_CHECK(is_ascii(msg));
}

/* `<yyyymmddThhmmss.uuuuuu>Z-<16 hex>.eml` */
static int
name_ok(const char *name)
{
	static const char	 pat[] = "ddddddddTdddddd.ddddddZ-"
	    "xxxxxxxxxxxxxxxx.eml";
	size_t			 i;

	if (strlen(name) != sizeof(pat) - 1)
		return 0;
	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? name[i] < '0' || name[i] > '9' :
		    pat[i] == 'x' ? strchr("0123456789abcdef", name[i]) ==
		    NULL : name[i] != pat[i])
			return 0;
	return 1;
}

static void
check_url_host(const char *url)
{
	char	 host[32];

	mail_url_host(url, host, sizeof(host));
	FUZZ_CHECK(host[0] != '\0' && strlen(host) < sizeof(host));
	FUZZ_CHECK(strcmp(host, "localhost") == 0 ||
	    strstr(url, host) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const defaults[NFIELDS] = {
		NULL, "Hello\n", "zoe@example.org", "Test",
		"certM3 <certm3@example.org>", "example.org"
	};
	const char	*f[NFIELDS];
	struct mail_msg	 m;
	char		*buf, name[MAIL_NAME_MAX], path[512], *msg;
	size_t		 i, n = 0, off = 0, len;
	int		 rc, plain;

	if (spool[0] == '\0')
		LLVMFuzzerInitialize(NULL, NULL);
	buf = fuzz_str(data, size);
	for (i = 0; i < NFIELDS; i++)
		f[i] = defaults[i];
	while (n < NFIELDS && off < size) {
		f[n++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	m.to_name = f[0];
	m.body = f[1];
	m.to_addr = f[2];
	m.subject = f[3];
	m.from = f[4];
	m.id_host = f[5];

	check_url_host(m.body);
	rc = mail_spool(spool, &m, name);
	plain = header_safe(m.from) && header_safe(m.subject) &&
	    header_safe(m.to_addr) && header_safe(m.id_host) &&
	    (m.to_name == NULL || header_safe(m.to_name)) &&
	    strpbrk(m.to_addr, "<>\" ") == NULL &&
	    strlen(m.from) <= 200 && strlen(m.subject) <= 200 &&
	    strlen(m.to_addr) <= 254 && strlen(m.id_host) <= 200 &&
	    (m.to_name == NULL || strlen(m.to_name) <= 300);
	if (plain)
		FUZZ_CHECK(rc == 0);
	if (rc == -1) {
		FUZZ_CHECK(name[0] == '\0' && spool_count() == 0);
		free(buf);
		return 0;
	}
	FUZZ_CHECK(spool_count() == 1);
	FUZZ_CHECK(name_ok(name));
	snprintf(path, sizeof(path), "%s/%s", spool, name);
	msg = slurp(path, &len);
	unlink(path);
	check_message(msg, len, &m);
	free(msg);
	free(buf);
	return 0;
}
