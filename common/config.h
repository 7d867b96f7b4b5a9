/*
 * config: `key = value` files with `#` comments, parsed against a table of
 * known keys. Unknown keys and bad values are errors reported as
 * `file:line: key: reason`.
 */
#ifndef CERTM3_CONFIG_H
#define CERTM3_CONFIG_H

#include <stddef.h>

#define CONFIG_PATH_DEFAULT	"/etc/certm3/certm3.conf"
#define CONFIG_LIST_MAX		32

enum config_type {
	CONFIG_STRING,		/* char *, strdup'd */
	CONFIG_INT,		/* long, within [min, max] */
	CONFIG_DURATION,	/* long seconds; suffix s, m, h or d */
	CONFIG_BOOL,		/* int; yes/no/true/false/on/off/1/0 */
	CONFIG_LIST,		/* struct config_list; comma/space separated */
	CONFIG_URL		/* char *; http(s)://…, no trailing slash */
};

struct config_list {
	char	*v[CONFIG_LIST_MAX];
	size_t	 n;
};

struct config_key {
	const char		*name;
	enum config_type	 type;
	size_t			 offset;	/* into the target struct */
	const char		*def;		/* default, parsed like input */
	long			 min, max;	/* for INT and DURATION */
};

/* The main configuration (SPEC §7). */
struct config {
	char		*db_conninfo;
	char		*public_base_url;
	char		*spool_dir;
	char		*ca_cert;
	char		*ca_key;
	char		*cert_defaults;
	char		*mail_from;
	char		*admin_group;
	char		*group_oid;
	struct config_list reserved_usernames;
	long		 token_lifetime;
	long		 session_lifetime;
	long		 max_body;
	long		 crl_next_update;
	long		 backoff_base;
	long		 backoff_max;
	long		 request_limit_addr;	/* per hour per client address */
	long		 request_limit_email;	/* per hour per e-mail address */
	long		 username_limit_addr;	/* per minute per client address */
	long		 cert_limit_user;	/* issuances per hour per user */
	char		*api_socket;
	char		*request_socket;
	char		*manager_socket;
	char		*log_file;		/* "" = stderr */
};

/* The certificate defaults file (SPEC §4). */
struct cert_defaults {
	char		*country;
	char		*state;
	char		*locality;
	char		*organization;
	char		*org_unit;
	long		 validity_days;
	long		 backdate;
	char		*crl_url;
};

/* The process's configuration, filled by config_load(). */
extern struct config cfg;
extern struct cert_defaults cfg_defaults;

extern const struct config_key config_keys[];
extern const struct config_key cert_defaults_keys[];

/*
 * Parse path into base (a struct laid out per keys), after filling every
 * key's default. Returns 0, or -1 after printing `file:line: key: reason`
 * (or `file: reason`) to stderr. Free with config_clear().
 */
int	 config_parse(const char *path, const struct config_key *keys,
	    void *base);
void	 config_clear(const struct config_key *keys, void *base);

/*
 * Load the main config (CERTM3_CONFIG or the default path) and the cert
 * defaults file it names. Returns 0 or -1 (reason printed).
 */
int	 config_load(struct config *, struct cert_defaults *);
void	 config_free(struct config *, struct cert_defaults *);

/* Is name in the list (exact match)? 1/0. */
int	 config_list_has(const struct config_list *, const char *name);

#endif /* CERTM3_CONFIG_H */
