/*
 * Unit tests of common/mail: the message's headers, the encoding of
 * display names and body, the spool file's name and atomicity, failures.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "config.h"
#include "mail.h"

#define TOKEN	"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE"

static char	 dir[64];
static char	 base_url[] = "https://certs.example.org:8443";
static char	 from[] = "certM3 <certm3@example.org>";

static int
setup(void **state)
{

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/certm3-mail-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	cfg.spool_dir = dir;
	cfg.public_base_url = base_url;
	cfg.mail_from = from;
	return 0;
}

static int
teardown(void **state)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512];

	(void)state;
	chmod(dir, 0700);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%.255s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
	memset(&cfg, 0, sizeof(cfg));
	return 0;
}

/* Names of the directory's entries (not . and ..); returns the count. */
static int
list_dir(char names[][MAIL_NAME_MAX + 16], int max)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n < max)
			snprintf(names[n], MAIL_NAME_MAX + 16, "%.60s", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static char *
slurp(const char *name)
{
	char	 path[512];
	char	*buf;
	FILE	*f;
	long	 len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	assert_non_null(buf = malloc((size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The header block (up to the blank line), a copy. */
static char *
headers_of(const char *msg)
{
	const char	*end = strstr(msg, "\r\n\r\n");

	assert_non_null(end);
	return strndup(msg, (size_t)(end - msg) + 2);
}

/* Undo quoted-printable soft line breaks (enough for ASCII checks). */
static char *
unfold_qp(const char *body)
{
	char	*out = strdup(body), *o = out;

	for (; *body != '\0'; body++) {
		if (body[0] == '=' && body[1] == '\r' && body[2] == '\n') {
			body += 2;
			continue;
		}
		*o++ = *body;
	}
	*o = '\0';
	return out;
}

/* Every line ends in CRLF and is at most max octets. */
static void
assert_lines(const char *msg, size_t max)
{
	const char	*p = msg, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(nl > p ? nl[-1] == '\r' : 0);
		assert_true((size_t)(nl - p - 1) <= max);
		p = nl + 1;
	}
}

static char *
write_validation(const char *to_name, char name[MAIL_NAME_MAX])
{

	assert_int_equal(mail_validation(to_name, "zoe@example.org", "zoe",
	    TOKEN, 1796515200, name), 0);
	return slurp(name);
}

static void
test_headers(void **state)
{
	char	 name[MAIL_NAME_MAX];
	char	*msg, *h, *body;

	(void)state;
	msg = write_validation("Zoe Example", name);
	h = headers_of(msg);
	assert_non_null(strstr(h, "From: certM3 <certm3@example.org>\r\n"));
	assert_non_null(strstr(h, "To: Zoe Example <zoe@example.org>\r\n"));
	assert_non_null(strstr(h,
	    "Subject: Confirm your e-mail address for certM3\r\n"));
	assert_non_null(strstr(h, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(h,
	    "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(h,
	    "Content-Transfer-Encoding: quoted-printable\r\n"));
	assert_non_null(strstr(h, "@certs.example.org>\r\n"));
	assert_non_null(strstr(h, "\r\nMessage-ID: <"));
	assert_int_equal(strncmp(h, "Date: ", 6), 0);
	/* "Thu, 04 Dec 2026 20:10:00 +0000" */
	assert_int_equal(strlen(h + 6) >= 31, 1);
	assert_int_equal(strncmp(h + 6 + 25, " +0000\r\n", 8), 0);
	assert_true(h[6 + 3] == ',' && h[6 + 4] == ' ');
	assert_lines(msg, 78);

	body = unfold_qp(strstr(msg, "\r\n\r\n") + 4);
	assert_non_null(strstr(body, "Hello Zoe Example,"));
	assert_non_null(strstr(body, "https://certs.example.org:8443/"
	    "request/validate/" TOKEN "\r\n"));
	assert_non_null(strstr(body, "\r\n" TOKEN "\r\n"));
	/* 1796515200 = 2026-12-06 00:00:00 UTC */
	assert_non_null(strstr(body, "until 2026-12-06 00:00 UTC."));
	free(body);
	free(h);
	free(msg);
}

static void
test_encoded_display_name(void **state)
{
	char	 name[MAIL_NAME_MAX];
	char	*msg, *h, *body;

	(void)state;
	/* "Zoë Ångström": B-encoded UTF-8 in To, QP in the greeting. */
	msg = write_validation("Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", name);
	h = headers_of(msg);
	assert_non_null(strstr(h,
	    "To: =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@example.org>\r\n"));
	body = strstr(msg, "\r\n\r\n") + 4;
	assert_non_null(strstr(body, "Hello Zo=C3=AB =C3=85ngstr=C3=B6m,"));
	free(h);
	free(msg);
}

static void
test_quoted_display_name(void **state)
{
	char	 name[MAIL_NAME_MAX];
	char	*msg, *h;

	(void)state;
	msg = write_validation("Doe, John \"JD\" \\o/", name);
	h = headers_of(msg);
	assert_non_null(strstr(h, "To: \"Doe, John \\\"JD\\\" \\\\o/\" "
	    "<zoe@example.org>\r\n"));
	free(h);
	free(msg);
}

static void
test_long_display_name(void **state)
{
	char	 name[MAIL_NAME_MAX], dn[2 * 128 + 1];
	char	*msg, *h, *p;
	int	 i, words = 0;

	(void)state;
	for (i = 0; i < 128; i++)
		memcpy(dn + 2 * i, "\xc3\xa9", 2);	/* é */
	dn[256] = '\0';
	msg = write_validation(dn, name);
	h = headers_of(msg);
	assert_lines(msg, 78);
	/* Each encoded-word ≤ 75 characters, whole characters only. */
	for (p = h; (p = strstr(p, "=?UTF-8?B?")) != NULL; p += 10) {
		assert_true(strstr(p, "?=") - p + 2 <= 75);
		words++;
	}
	assert_int_equal(words, 7);
	/* 42 octets = 21 characters per word, 56 base64 characters. */
	assert_non_null(strstr(h, "To: =?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqc"
	    "Opw6nDqcOpw6nDqcOpw6nDqcOp?=\r\n =?UTF-8?B?"));
	free(h);
	free(msg);

	/* "a" + 30 × é: the first word stops before a split character. */
	dn[0] = 'a';
	for (i = 0; i < 30; i++)
		memcpy(dn + 1 + 2 * i, "\xc3\xa9", 2);
	dn[61] = '\0';
	msg = write_validation(dn, name);
	h = headers_of(msg);
	assert_non_null(strstr(h, "To: =?UTF-8?B?YcOpw6nDqcOpw6nDqcOpw6nDqc"
	    "Opw6nDqcOpw6nDqcOpw6nDqcOpw6k=?=\r\n =?UTF-8?B?w6nDqcOpw6nDqcOp"
	    "w6nDqcOpw6k=?= <zoe@example.org>\r\n"));
	free(h);
	free(msg);
}

static void
test_qp_body(void **state)
{
	struct mail_msg	 m = { from, NULL, "a@b.example", "Test",
	    "example.org", NULL };
	char		 name[MAIL_NAME_MAX], body[400];
	char		*msg, *b, *u;

	(void)state;
	memset(body, 'x', 200);
	memcpy(body + 200, "\na=b \nend\t\n", 12);
	m.body = body;
	assert_int_equal(mail_spool(dir, &m, name), 0);
	msg = slurp(name);
	assert_non_null(strstr(msg, "To: a@b.example\r\n"));
	assert_lines(msg, 76);
	b = strstr(msg, "\r\n\r\n") + 4;
	assert_non_null(strstr(b, "\r\na=3Db=20\r\nend=09\r\n"));
	u = unfold_qp(b);
	assert_int_equal(strspn(u, "x"), 200);
	free(u);
	free(msg);
}

static void
test_spool_names_and_no_temp(void **state)
{
	char	 names[3][MAIL_NAME_MAX], seen[8][MAIL_NAME_MAX + 16];
	char	*msg;
	int	 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		msg = write_validation("Zoe", names[i]);
		free(msg);
		/* yyyymmddThhmmss.uuuuuuZ-<16 hex>.eml */
		assert_int_equal(strlen(names[i]), 44);
		assert_int_equal(names[i][8], 'T');
		assert_int_equal(strcmp(names[i] + 40, ".eml"), 0);
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	assert_int_equal(list_dir(seen, 8), 3);
	for (i = 0; i < 3; i++)
		assert_true(seen[i][0] != '.');

	assert_int_equal(mail_unspool(dir, names[1]), 0);
	assert_int_equal(list_dir(seen, 8), 2);
	assert_int_equal(mail_unspool(dir, "../etc/passwd"), -1);
}

static void
test_unwritable(void **state)
{
	char	 name[MAIL_NAME_MAX], file[128], seen[4][MAIL_NAME_MAX + 16];
	FILE	*f;

	(void)state;
	/* No such directory. */
	cfg.spool_dir = (char *)"/nonexistent/certm3/spool";
	assert_int_equal(mail_validation("Zoe", "zoe@example.org", "zoe",
	    TOKEN, 0, name), -1);
	assert_string_equal(name, "");
	/* A regular file where the directory should be (even root fails). */
	snprintf(file, sizeof(file), "%s/not-a-dir", dir);
	assert_non_null(f = fopen(file, "w"));
	fclose(f);
	cfg.spool_dir = file;
	assert_int_equal(mail_validation("Zoe", "zoe@example.org", "zoe",
	    TOKEN, 0, name), -1);
	unlink(file);
	/* No write permission (root ignores it: only when not root). */
	cfg.spool_dir = dir;
	if (geteuid() != 0) {
		assert_int_equal(chmod(dir, 0500), 0);
		assert_int_equal(mail_validation("Zoe", "zoe@example.org",
		    "zoe", TOKEN, 0, name), -1);
		assert_int_equal(chmod(dir, 0700), 0);
	}
	assert_int_equal(list_dir(seen, 4), 0);
}

static void
test_refuses_header_injection(void **state)
{
	char	 name[MAIL_NAME_MAX], seen[4][MAIL_NAME_MAX + 16];

	(void)state;
	assert_int_equal(mail_validation("Zoe\r\nBcc: x@y", "zoe@example.org",
	    "zoe", TOKEN, 0, name), -1);
	assert_int_equal(mail_validation("Zoe", "zoe@example.org>\r\nBcc: x",
	    "zoe", TOKEN, 0, name), -1);
	assert_int_equal(list_dir(seen, 4), 0);
}

static void
test_url_host(void **state)
{
	char	 h[64];

	(void)state;
	mail_url_host("https://localhost:8443", h, sizeof(h));
	assert_string_equal(h, "localhost");
	mail_url_host("https://certs.example.org/base", h, sizeof(h));
	assert_string_equal(h, "certs.example.org");
	mail_url_host("http://[::1]:8080", h, sizeof(h));
	assert_string_equal(h, "[::1]");
	mail_url_host("https://", h, sizeof(h));
	assert_string_equal(h, "localhost");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encoded_display_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_display_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_display_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qp_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_names_and_no_temp,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refuses_header_injection,
		    setup, teardown),
		cmocka_unit_test(test_url_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
