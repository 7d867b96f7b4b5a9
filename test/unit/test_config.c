/*
 * Unit tests of common/config: good files, defaults, unknown keys, bad
 * values, line numbers in the messages.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "config.h"

static char	 dir[] = "/tmp/certm3-config-XXXXXX";
static char	 errbuf[4096];

/* Write text to dir/name; returns the path (static buffer per call). */
static const char *
write_file(const char *name, const char *text)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Parse with stderr captured into errbuf. */
static int
parse_captured(const char *path, const struct config_key *keys, void *base)
{
	char	 cap[300];
	int	 saved, fd, rc;
	ssize_t	 n;

	snprintf(cap, sizeof(cap), "%s/stderr", dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	rc = config_parse(path, keys, base);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	fd = open(cap, O_RDONLY);
	n = read(fd, errbuf, sizeof(errbuf) - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}

static void
good_file(void **state)
{
	struct config	 c;
	const char	*p;

	(void)state;
	memset(&c, 0, sizeof(c));
	p = write_file("good.conf",
	    "# a comment\n"
	    "\n"
	    "db_conninfo = host=/tmp dbname=x   # trailing comment\n"
	    "  public_base_url=https://ca.example.org  \n"
	    "token_lifetime = 2h\n"
	    "session_lifetime = 900\n"
	    "reserved_usernames = root, admin  toor\n"
	    "max_body = 2048\n");
	assert_int_equal(parse_captured(p, config_keys, &c), 0);
	assert_string_equal(c.db_conninfo, "host=/tmp dbname=x");
	assert_string_equal(c.public_base_url, "https://ca.example.org");
	assert_int_equal(c.token_lifetime, 7200);
	assert_int_equal(c.session_lifetime, 900);
	assert_int_equal(c.max_body, 2048);
	assert_int_equal(c.reserved_usernames.n, 3);
	assert_true(config_list_has(&c.reserved_usernames, "toor"));
	assert_false(config_list_has(&c.reserved_usernames, "postmaster"));
	/* Defaults for what the file does not set. */
	assert_string_equal(c.admin_group, "admins");
	assert_string_equal(c.group_oid, "1.3.6.1.4.1.10049.2");
	assert_int_equal(c.backoff_base, 1);
	config_clear(config_keys, &c);
}

static void
unknown_key(void **state)
{
	struct config	 c;
	const char	*p;

	(void)state;
	memset(&c, 0, sizeof(c));
	p = write_file("unknown.conf", "admin_group = x\n\n# c\nfrobnicate = 1\n");
	assert_int_equal(parse_captured(p, config_keys, &c), -1);
	assert_non_null(strstr(errbuf, "unknown.conf:4: frobnicate: unknown key"));
	assert_null(c.admin_group);	/* cleared on failure */
}

static void
bad_values(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "max_body = lots\n", ":1: max_body: not an integer" },
		{ "\nmax_body = 12\n", ":2: max_body: out of range" },
		{ "token_lifetime = 3w\n", ":1: token_lifetime: not a duration" },
		{ "token_lifetime = 10s\n", ":1: token_lifetime: out of range" },
		{ "public_base_url = ftp://x\n", ":1: public_base_url: must start" },
		{ "public_base_url = https://x/\n", ":1: public_base_url: must not end" },
		{ "no equals sign\n", ":1: no equals sign: expected key = value" },
		{ "admin_group = a\nadmin_group = b\n", ":2: admin_group: set twice" },
		{ "max_body = 4096x\n", ":1: max_body: not an integer" },
		{ "max_body = 99999999999999999999\n", ":1: max_body: not an integer" },
	};
	struct config	 c;
	const char	*p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&c, 0, sizeof(c));
		p = write_file("bad.conf", cases[i].text);
		assert_int_equal(parse_captured(p, config_keys, &c), -1);
		if (strstr(errbuf, cases[i].want) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, errbuf,
			    cases[i].want);
	}
}

static void
missing_file(void **state)
{
	struct config	 c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(parse_captured("/nonexistent/certm3.conf",
	    config_keys, &c), -1);
	assert_non_null(strstr(errbuf, "/nonexistent/certm3.conf: No such"));
}

static void
load_both(void **state)
{
	struct config		 c;
	struct cert_defaults	 d;
	char			 conf[512];
	const char		*defs;

	(void)state;
	defs = write_file("defaults.conf", "country = DE\n"
	    "organization = Example Org\nvalidity_days = 30\n");
	snprintf(conf, sizeof(conf), "cert_defaults = %s\n", defs);
	setenv("CERTM3_CONFIG", write_file("main.conf", conf), 1);
	assert_int_equal(config_load(&c, &d), 0);
	assert_string_equal(d.country, "DE");
	assert_string_equal(d.organization, "Example Org");
	assert_string_equal(d.state, "");
	assert_int_equal(d.validity_days, 30);
	assert_int_equal(d.backdate, 300);
	config_free(&c, &d);

	write_file("defaults.conf", "validity_days = 0\n");
	assert_int_equal(config_load(&c, &d), -1);
	unsetenv("CERTM3_CONFIG");
}

static int
setup(void **state)
{

	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const files[] = { "good.conf", "unknown.conf",
	    "bad.conf", "defaults.conf", "main.conf", "stderr" };
	char	 path[300];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(unknown_key),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(load_both),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
