/*
 * config: table-driven `key = value` parser.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define CFG(field)	offsetof(struct config, field)
#define DEF(field)	offsetof(struct cert_defaults, field)
#define DAY		86400L

struct config		 cfg;
struct cert_defaults	 cfg_defaults;

const struct config_key config_keys[] = {
	{ "db_conninfo", CONFIG_STRING, CFG(db_conninfo),
	    "host=/var/run/postgresql dbname=certm3", 0, 0 },
	{ "public_base_url", CONFIG_URL, CFG(public_base_url),
	    "https://localhost:8443", 0, 0 },
	{ "spool_dir", CONFIG_STRING, CFG(spool_dir),
	    "/var/spool/certM3/validation.emails", 0, 0 },
	{ "ca_cert", CONFIG_STRING, CFG(ca_cert), "/etc/certm3/ca.pem", 0, 0 },
	{ "ca_key", CONFIG_STRING, CFG(ca_key), "/etc/certm3/ca.key", 0, 0 },
	{ "cert_defaults", CONFIG_STRING, CFG(cert_defaults),
	    "/etc/certm3/cert-defaults.conf", 0, 0 },
	{ "mail_from", CONFIG_STRING, CFG(mail_from),
	    "certM3 <certm3@localhost>", 0, 0 },
	{ "admin_group", CONFIG_STRING, CFG(admin_group), "admins", 0, 0 },
	{ "group_oid", CONFIG_STRING, CFG(group_oid),
	    "1.3.6.1.4.1.10049.2", 0, 0 },
	{ "reserved_usernames", CONFIG_LIST, CFG(reserved_usernames),
	    "admin administrator root postmaster hostmaster webmaster "
	    "abuse security certm3 api request manager validate "
	    "certificate static", 0, 0 },
	{ "token_lifetime", CONFIG_DURATION, CFG(token_lifetime), "24h",
	    60, 30 * DAY },
	{ "session_lifetime", CONFIG_DURATION, CFG(session_lifetime), "30m",
	    60, DAY },
	{ "max_body", CONFIG_INT, CFG(max_body), "65536", 1024, 16777216 },
	{ "crl_next_update", CONFIG_DURATION, CFG(crl_next_update), "1d",
	    60, 90 * DAY },
	{ "backoff_base", CONFIG_DURATION, CFG(backoff_base), "1s", 1, 3600 },
	{ "backoff_max", CONFIG_DURATION, CFG(backoff_max), "5m", 1, DAY },
	{ "request_limit_addr", CONFIG_INT, CFG(request_limit_addr), "30",
	    1, 1000000 },
	{ "request_limit_email", CONFIG_INT, CFG(request_limit_email), "15",
	    1, 1000000 },
	{ "username_limit_addr", CONFIG_INT, CFG(username_limit_addr), "300",
	    1, 1000000 },
	{ "cert_limit_user", CONFIG_INT, CFG(cert_limit_user), "20",
	    1, 1000000 },
	{ "api_socket", CONFIG_STRING, CFG(api_socket),
	    "/run/certm3/api.sock", 0, 0 },
	{ "request_socket", CONFIG_STRING, CFG(request_socket),
	    "/run/certm3/request.sock", 0, 0 },
	{ "manager_socket", CONFIG_STRING, CFG(manager_socket),
	    "/run/certm3/manager.sock", 0, 0 },
	{ "log_file", CONFIG_STRING, CFG(log_file), "", 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0 }
};

const struct config_key cert_defaults_keys[] = {
	{ "country", CONFIG_STRING, DEF(country), "", 0, 0 },
	{ "state", CONFIG_STRING, DEF(state), "", 0, 0 },
	{ "locality", CONFIG_STRING, DEF(locality), "", 0, 0 },
	{ "organization", CONFIG_STRING, DEF(organization), "", 0, 0 },
	{ "organizational_unit", CONFIG_STRING, DEF(org_unit), "", 0, 0 },
	{ "validity_days", CONFIG_INT, DEF(validity_days), "365", 1, 3650 },
	{ "backdate", CONFIG_DURATION, DEF(backdate), "5m", 0, DAY },
	{ "crl_url", CONFIG_STRING, DEF(crl_url), "", 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0 }
};

/* Parse a decimal long; 0 or -1. */
static int
parse_long(const char *s, long *out)
{
	char	*end;
	long	 v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* "90", "90s", "15m", "24h", "7d" → seconds; 0 or -1. */
static int
parse_duration(const char *s, long *out)
{
	char	 buf[32];
	size_t	 len;
	long	 mult = 1, v;

	len = strlen(s);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 's': mult = 1; buf[--len] = '\0'; break;
	case 'm': mult = 60; buf[--len] = '\0'; break;
	case 'h': mult = 3600; buf[--len] = '\0'; break;
	case 'd': mult = DAY; buf[--len] = '\0'; break;
	default: break;
	}
	if (parse_long(buf, &v) == -1 || v < 0 || v > LONG_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t	 i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = 0, 0;
	return -1;
}

static void
list_clear(struct config_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* Split on commas and white space. */
static const char *
parse_list(const char *s, struct config_list *l)
{
	const char	*p = s, *start;
	char		*item;

	list_clear(l);
	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
			p++;
		if (l->n == CONFIG_LIST_MAX)
			return "too many items";
		if ((item = strndup(start, (size_t)(p - start))) == NULL)
			return "out of memory";
		l->v[l->n++] = item;
	}
	return NULL;
}

static int
has_control(const char *s)
{

	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Store value for key into base; NULL on success, else the reason. */
static const char *
set_value(const struct config_key *k, void *base, const char *value)
{
	char	*p = (char *)base + k->offset;
	char	*copy;
	long	 v = 0;
	size_t	 len;

	if (has_control(value))
		return "control characters in value";
	switch (k->type) {
	case CONFIG_URL:
		len = strlen(value);
		if (strncmp(value, "https://", 8) != 0 &&
		    strncmp(value, "http://", 7) != 0)
			return "must start with https:// or http://";
		if (len > 0 && value[len - 1] == '/')
			return "must not end with /";
		if (strchr(value, ' ') != NULL)
			return "must not contain spaces";
		/* FALLTHROUGH */
	case CONFIG_STRING:
		if ((copy = strdup(value)) == NULL)
			return "out of memory";
		free(*(char **)(void *)p);
		*(char **)(void *)p = copy;
		return NULL;
	case CONFIG_INT:
		if (parse_long(value, &v) == -1)
			return "not an integer";
		break;
	case CONFIG_DURATION:
		if (parse_duration(value, &v) == -1)
			return "not a duration (e.g. 90s, 15m, 24h, 7d)";
		break;
	case CONFIG_BOOL:
		if (parse_bool(value, (int *)(void *)p) == -1)
			return "not a boolean (yes/no)";
		return NULL;
	case CONFIG_LIST:
		return parse_list(value, (struct config_list *)(void *)p);
	}
	if (v < k->min || v > k->max)
		return "out of range";
	*(long *)(void *)p = v;
	return NULL;
}

static char *
trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Strip a comment: `#` at line start or after white space. */
static void
strip_comment(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
}

int
config_parse(const char *path, const struct config_key *keys, void *base)
{
	const struct config_key	*k;
	const char		*why;
	char			*line = NULL, *key, *value, *eq;
	unsigned char		 seen[64] = { 0 };
	size_t			 cap = 0, lineno = 0, i;
	FILE			*f = NULL;
	int			 rc = -1;

	for (k = keys; k->name != NULL; k++) {
		if ((why = set_value(k, base, k->def)) != NULL) {
			fprintf(stderr, "%s: %s: default: %s\n", path,
			    k->name, why);
			return -1;
		}
	}
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		config_clear(keys, base);
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		strip_comment(line);
		key = trim(line);
		if (*key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			fprintf(stderr, "%s:%zu: %s: expected key = value\n",
			    path, lineno, key);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		for (i = 0, k = keys; k->name != NULL; k++, i++)
			if (strcmp(k->name, key) == 0)
				break;
		if (k->name == NULL) {
			fprintf(stderr, "%s:%zu: %s: unknown key\n",
			    path, lineno, key);
			goto out;
		}
		if (i < sizeof(seen) && seen[i]++) {
			fprintf(stderr, "%s:%zu: %s: set twice\n",
			    path, lineno, key);
			goto out;
		}
		if ((why = set_value(k, base, value)) != NULL) {
			fprintf(stderr, "%s:%zu: %s: %s\n",
			    path, lineno, key, why);
			goto out;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc == -1)
		config_clear(keys, base);
	return rc;
}

void
config_clear(const struct config_key *keys, void *base)
{
	const struct config_key	*k;
	char			*p;

	for (k = keys; k->name != NULL; k++) {
		p = (char *)base + k->offset;
		if (k->type == CONFIG_STRING || k->type == CONFIG_URL) {
			free(*(char **)(void *)p);
			*(char **)(void *)p = NULL;
		} else if (k->type == CONFIG_LIST)
			list_clear((struct config_list *)(void *)p);
	}
}

int
config_load(struct config *c, struct cert_defaults *def)
{
	const char	*path;

	memset(c, 0, sizeof(*c));
	memset(def, 0, sizeof(*def));
	if ((path = getenv("CERTM3_CONFIG")) == NULL || *path == '\0')
		path = CONFIG_PATH_DEFAULT;
	if (config_parse(path, config_keys, c) == -1)
		return -1;
	if (config_parse(c->cert_defaults, cert_defaults_keys, def) == -1) {
		config_clear(config_keys, c);
		return -1;
	}
	return 0;
}

void
config_free(struct config *c, struct cert_defaults *def)
{

	config_clear(config_keys, c);
	config_clear(cert_defaults_keys, def);
}

int
config_list_has(const struct config_list *l, const char *name)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return 1;
	return 0;
}
