/*
 * certm3-request --bootstrap-admin USERNAME EMAIL OUTDIR: make the first
 * administrator (README "First administrator").
 *
 * Idempotent: the user (created if absent, display name = username), the
 * group cfg.admin_group (created if absent) and the membership are each
 * made once; every run then issues a fresh client certificate (key made
 * here, EC P-256, groups `users` and the admin group) and a fresh API
 * token, stored like any other, and replaces the files in OUTDIR:
 *   admin-cert.pem (0644), admin-key.pem, admin.p12, admin.password.txt
 *   and admin.token (0600 each).
 * Earlier certificates and tokens stay valid until revoked. The PKCS#12
 * password is printed on stdout, and nothing else is.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "certs.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "json.h"
#include "request.h"
#include "tokens.h"
#include "users.h"

#define P12_PASS_LEN	24

enum {
	BOOT_GROUP,
	BOOT_MEMBER,
	BOOT__MAX
};

static const struct db_stmt boot_stmts[BOOT__MAX] = {
	[BOOT_GROUP] = { "boot_group",
	    "INSERT INTO groups (name, display_name, description, created_by, "
	    "updated_by) VALUES ($1, 'Administrators', 'May use /api and "
	    "/manager.', $2, $2) ON CONFLICT (name) DO NOTHING RETURNING name",
	    2 },
	[BOOT_MEMBER] = { "boot_member",
	    "INSERT INTO user_groups (user_id, group_name, created_by) "
	    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id",
	    3 },
};

static const struct actor boot_actor = { "bootstrap", NULL };

/*
 * Write len bytes to dir/name with mode, atomically (temp file, fsync,
 * rename). 0, or -1 after printing why.
 */
static int
write_file(const char *dir, const char *name, const void *data, size_t len,
    mode_t mode)
{
	char		 tmp[4096], path[4096];
	const char	*p = data;
	ssize_t		 w;
	int		 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path) || (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.%ld",
	    dir, name, (long)getpid()) >= sizeof(tmp)) {
		fprintf(stderr, "%s/%s: path too long\n", dir, name);
		return -1;
	}
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1 || fchmod(fd, mode) == -1)
		goto fail;
	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", path, strerror(errno));
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	return -1;
}

/*
 * The user, the admin group and the membership, each made if absent, in
 * one transaction. 0 with *u, or -1 after printing why.
 */
static int
ensure_admin(const char *username, const char *email, struct user *u)
{
	struct dom_err	 e;
	struct dbres	*r = NULL;
	const char	*p[3];
	char		 detail[128];
	int		 rc = -1, st;

	memset(&e, 0, sizeof(e));
	if (db_begin() == -1)
		goto db;
	if ((st = users_by_name(username, u, &e)) == 404) {
		memset(&e, 0, sizeof(e));
		if ((st = users_create_tx(&boot_actor, username, username,
		    email, u, &e)) != 0) {
			fprintf(stderr, "cannot create user %s: %s\n",
			    username, e.message);
			goto out;
		}
		fprintf(stderr, "created user %s (%s)\n", username, u->id);
	} else if (st != 0)
		goto db;
	if (strcmp(u->status, "active") != 0) {
		fprintf(stderr, "user %s is inactive; activate it first\n",
		    username);
		goto out;
	}
	if (strcmp(u->email, email) != 0)
		fprintf(stderr, "user %s exists with e-mail %s; its "
		    "certificate names that address\n", username, u->email);
	p[0] = cfg.admin_group;
	p[1] = boot_actor.name;
	if ((r = db_exec(&boot_stmts[BOOT_GROUP], p)) == NULL)
		goto db;
	if (db_nrows(r) == 1) {
		if (audit_write(&boot_actor, "group.create", "group",
		    cfg.admin_group, NULL) == -1)
			goto db;
		fprintf(stderr, "created group %s\n", cfg.admin_group);
	}
	db_clear(r);
	p[0] = u->id;
	p[1] = cfg.admin_group;
	p[2] = boot_actor.name;
	if ((r = db_exec(&boot_stmts[BOOT_MEMBER], p)) == NULL)
		goto db;
	if (db_nrows(r) == 1) {
		snprintf(detail, sizeof(detail), "{\"group\":\"%s\"}",
		    cfg.admin_group);
		if (audit_write(&boot_actor, "group.member.add", "user", u->id,
		    detail) == -1)
			goto db;
		fprintf(stderr, "added %s to group %s\n", username,
		    cfg.admin_group);
	}
	if (db_commit() == -1)
		goto db;
	rc = 0;
	goto out;
db:
	fprintf(stderr, "database error (%s)\n", db_status() == 503 ?
	    "unavailable" : "see the log");
out:
	db_clear(r);
	db_rollback();
	return rc;
}

/*
 * Issue the certificate with a key made here and store it. 0 with the
 * PEMs and PKCS#12 (caller frees), or -1 after printing why.
 */
static int
issue(const struct user *u, const char *pass, struct ca_issued *is,
    char **key_pem, unsigned char **p12, size_t *p12_len)
{
	const char		*groups[2];
	struct ca_subject	 subj;
	struct ca_profile	 prof;
	struct dom_err		 e;

	groups[0] = "users";
	groups[1] = cfg.admin_group;
	subj.username = u->username;
	subj.email = u->email;
	subj.groups = groups;
	subj.ngroups = strcmp(cfg.admin_group, "users") == 0 ? 1 : 2;
	certs_profile(&prof);
	if (ca_issue_with_key(auth_ca(), &subj, &prof, pass, is, key_pem, p12,
	    p12_len) == -1) {
		fprintf(stderr, "cannot issue the certificate\n");
		return -1;
	}
	memset(&e, 0, sizeof(e));
	if (db_begin() == -1 ||
	    certs_store_tx(&boot_actor, u->id, &subj, "ec-p256", is,
	    &e) != 0 || db_commit() == -1) {
		db_rollback();
		fprintf(stderr, "cannot store the certificate: database "
		    "error\n");
		return -1;
	}
	fprintf(stderr, "issued certificate %s, valid until %lld\n",
	    is->serial, (long long)is->not_after);
	return 0;
}

/* The verb itself, after the database connected. Exit code. */
static int
bootstrap(const char *username, const char *email, const char *outdir)
{
	struct user	 u;
	struct ca_issued is;
	struct dom_err	 e;
	struct json	*tok = NULL;
	char		*key_pem = NULL, pass[TOKEN_LEN + 1];
	char		 secret[TOKEN_LEN + 1], line[TOKEN_LEN + 2];
	unsigned char	*p12 = NULL;
	size_t		 p12_len = 0;
	int		 rc = 1;

	memset(&is, 0, sizeof(is));
	memset(secret, 0, sizeof(secret));
	if (crypto_token(pass) == -1)
		goto out;
	pass[P12_PASS_LEN] = '\0';
	if (ensure_admin(username, email, &u) == -1 ||
	    issue(&u, pass, &is, &key_pem, &p12, &p12_len) == -1)
		goto out;
	memset(&e, 0, sizeof(e));
	if (tokens_create(&boot_actor, u.id, "bootstrap", NULL, secret, &tok,
	    &e) != 0) {
		fprintf(stderr, "cannot create the API token: %s\n",
		    e.message);
		goto out;
	}
	snprintf(line, sizeof(line), "%s\n", pass);
	if (write_file(outdir, "admin-cert.pem", is.pem, strlen(is.pem),
	    0644) == -1 ||
	    write_file(outdir, "admin-key.pem", key_pem, strlen(key_pem),
	    0600) == -1 ||
	    write_file(outdir, "admin.p12", p12, p12_len, 0600) == -1 ||
	    write_file(outdir, "admin.password.txt", line, strlen(line),
	    0600) == -1)
		goto out;
	snprintf(line, sizeof(line), "%s\n", secret);
	if (write_file(outdir, "admin.token", line, strlen(line),
	    0600) == -1)
		goto out;
	fprintf(stderr, "wrote %s/admin-cert.pem, admin-key.pem, admin.p12, "
	    "admin.password.txt, admin.token\n", outdir);
	printf("admin.p12 password: %s\n", pass);
	rc = 0;
out:
	json_free(tok);
	if (key_pem != NULL) {
		memset(key_pem, 0, strlen(key_pem));
		free(key_pem);
	}
	free(p12);
	ca_issued_clear(&is);
	memset(pass, 0, sizeof(pass));
	memset(secret, 0, sizeof(secret));
	memset(line, 0, sizeof(line));
	return rc;
}

int
request_bootstrap(int argc, char **argv)
{
	char		 name[USERNAME_MAX + 1];
	struct stat	 st;
	int		 rc;

	if (strcmp(argv[1], "--bootstrap-admin") != 0)
		return -2;
	if (argc != 5) {
		fprintf(stderr, "usage: %s --bootstrap-admin USERNAME EMAIL "
		    "OUTDIR\n", argv[0]);
		return 2;
	}
	if (!valid_username(argv[2], name)) {
		fprintf(stderr, "%s: not a valid username\n", argv[2]);
		return 2;
	}
	if (!valid_email(argv[3])) {
		fprintf(stderr, "%s: not a valid e-mail address\n", argv[3]);
		return 2;
	}
	if (mkdir(argv[4], 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", argv[4], strerror(errno));
		return 1;
	}
	if (stat(argv[4], &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: not a directory\n", argv[4]);
		return 1;
	}
	if (db_register(boot_stmts, BOOT__MAX) == -1 ||
	    db_connect(cfg.db_conninfo) == -1 || !db_ping()) {
		fprintf(stderr, "cannot reach the database\n");
		return 1;
	}
	rc = bootstrap(name, argv[3], argv[4]);
	db_disconnect();
	return rc;
}
