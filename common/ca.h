/*
 * ca: the certificate authority's OpenSSL work — loading the CA, checking
 * CSRs, issuing client certificates per SPEC §4, making CRLs and verifying
 * client certificates presented through nginx.
 *
 * OpenSSL headers are included only by ca.c and crypto.c.
 */
#ifndef CERTM3_CA_H
#define CERTM3_CA_H

#include <stddef.h>
#include <time.h>

struct ca;	/* opaque: CA certificate, optional private key */
struct ca_csr;	/* opaque: a parsed, signature-checked CSR */

#define CA_SERIAL_MAX	 41	/* hex digits + NUL (20 bytes max) */
#define CA_FPR_LEN	 65	/* SHA-256 hex + NUL */
#define CA_NAME_MAX	 256

/* Fixed certificate fields, from the cert-defaults file and config. */
struct ca_profile {
	const char	*country;	/* C; NULL or "" = omitted */
	const char	*state;		/* ST */
	const char	*locality;	/* L */
	const char	*organization;	/* O */
	const char	*org_unit;	/* OU */
	int		 validity_days;	/* > 0 */
	int		 backdate_secs;	/* notBefore = now - this */
	const char	*crl_url;	/* CRL distribution point; NULL/"" = none */
	const char	*group_oid;	/* otherName type-id, dotted */
};

/* What the certificate names: from the database, never from the CSR. */
struct ca_subject {
	const char	 *username;	/* CN */
	const char	 *email;	/* emailAddress and SAN rfc822Name */
	const char *const *groups;	/* one otherName each, in this order */
	size_t		  ngroups;
};

struct ca_issued {
	char	*pem;			/* malloc'd; free with ca_issued_clear */
	char	 serial[CA_SERIAL_MAX];	/* lower-case hex, no leading zeros */
	char	 fingerprint[CA_FPR_LEN];	/* SHA-256 of DER, lower hex */
	time_t	 not_before;
	time_t	 not_after;
};

enum ca_key_type { CA_KEY_EC = 1, CA_KEY_RSA = 2 };

enum ca_csr_status {
	CA_CSR_OK = 0,
	CA_CSR_MALFORMED,	/* not a PEM PKCS#10 request */
	CA_CSR_BAD_SIGNATURE,	/* no proof of possession */
	CA_CSR_KEY_POLICY	/* not RSA 2048..8192 nor EC P-256/P-384 */
};

/* Bits of ca_csr_mismatch()'s answer. */
#define CA_MISMATCH_CN		0x1
#define CA_MISMATCH_EMAIL	0x2

enum ca_client_status {
	CA_CLIENT_OK = 0,	/* ours, signature good, within validity */
	CA_CLIENT_EXPIRED,	/* ours, signature good, notAfter passed */
	CA_CLIENT_INVALID	/* malformed, not ours, bad sig, not yet valid */
};

struct ca_client {
	char	 serial[CA_SERIAL_MAX];		/* lower-case hex */
	char	 username[CA_NAME_MAX];		/* subject CN */
	char	 email[CA_NAME_MAX];		/* subject emailAddress or "" */
	char	 fingerprint[CA_FPR_LEN];	/* SHA-256 of DER, lower hex */
	time_t	 not_after;
};

struct ca_revoked {
	const char	*serial;	/* lower-case hex */
	time_t		 revoked_at;
	int		 reason;	/* RFC 5280 CRLReason code */
};

/*
 * Load the CA certificate (PEM) and, when key_path is not NULL, its private
 * key. Refuses a key file readable by group or others and a key that does
 * not match the certificate. On error writes a reason into err and returns
 * -1; on success *out is the new CA, freed with ca_free().
 */
int	 ca_load(const char *cert_path, const char *key_path,
	    struct ca **out, char *err, size_t errsz);
void	 ca_free(struct ca *);
int	 ca_has_key(const struct ca *);
/* The CA certificate as PEM, owned by the ca. */
const char *ca_cert_pem(const struct ca *);

/*
 * Parse a PEM CSR of at most len bytes and check its signature and key
 * policy. On CA_CSR_OK *out holds the CSR (ca_csr_free); otherwise *out is
 * NULL.
 */
enum ca_csr_status ca_csr_parse(const char *pem, size_t len,
	    struct ca_csr **out);
void	 ca_csr_free(struct ca_csr *);
enum ca_key_type ca_csr_key_type(const struct ca_csr *);
int	 ca_csr_key_bits(const struct ca_csr *);
/*
 * Compare the CSR subject's CN and emailAddress with the expected values
 * (exact byte comparison: the CSR must carry exactly the username and the
 * e-mail address on record). Returns a mask of
 * CA_MISMATCH_* bits, 0 when both agree. A missing field is a mismatch.
 */
int	 ca_csr_mismatch(const struct ca_csr *, const char *username,
	    const char *email);

/*
 * Issue a certificate for the CSR's public key, naming only what subj and
 * prof say (every CSR subject field other than the key, and every CSR
 * extension, is ignored). Needs the private key. 0 on success with *out
 * filled, -1 on failure (out cleared).
 */
int	 ca_issue(const struct ca *, const struct ca_csr *,
	    const struct ca_subject *subj, const struct ca_profile *prof,
	    struct ca_issued *out);
void	 ca_issued_clear(struct ca_issued *);

/*
 * Issue a certificate for a key made here (dev bootstrap of the admin):
 * makes an EC P-256 key, issues for it as ca_issue() does, and returns the
 * key as unencrypted PKCS#8 PEM in *key_pem (malloc'd) and a PKCS#12
 * (modern profile: AES-256-CBC, PBKDF2-SHA256, SHA-256 MAC, including the
 * CA certificate) protected by p12_pass in *p12 and *p12_len (malloc'd).
 */
int	 ca_issue_with_key(const struct ca *, const struct ca_subject *subj,
	    const struct ca_profile *prof, const char *p12_pass,
	    struct ca_issued *out, char **key_pem,
	    unsigned char **p12, size_t *p12_len);

/*
 * Verify a PEM client certificate against the CA: parse, check the
 * signature chains to our CA and the validity period (at time now). Fills
 * *out (serial, subject, SHA-256 fingerprint of the DER as ca_issued has
 * it, notAfter) for CA_CLIENT_OK and CA_CLIENT_EXPIRED.
 */
enum ca_client_status ca_verify_client(const struct ca *, const char *pem,
	    size_t len, time_t now, struct ca_client *out);

/*
 * Make a CRL signed by the CA listing the revoked serials with reasons,
 * thisUpdate = now, nextUpdate = now + next_update_secs, with a CRL number
 * and an AKI. Returns 0 and a malloc'd PEM in *pem, or -1.
 */
int	 ca_crl(const struct ca *, const struct ca_revoked *revoked,
	    size_t n, long crl_number, time_t now, long next_update_secs,
	    char **pem);

/*
 * The subject of a PEM certificate as RFC 2253 text (UTF-8 kept) into
 * out, truncated to outsz - 1 bytes. 0, or -1 when it cannot be parsed.
 */
int	 ca_pem_subject(const char *pem, char *out, size_t outsz);

/* RFC 5280 CRLReason name ("keyCompromise", …) → code; -1 if unknown. */
int	 ca_reason_code(const char *name);
/* Code → name, NULL if unknown. */
const char *ca_reason_name(int code);

#endif /* CERTM3_CA_H */
