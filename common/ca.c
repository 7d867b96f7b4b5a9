/*
 * ca: the certificate authority's OpenSSL work (see ca.h).
 *
 * Certificates are built field by field from typed OpenSSL structures, never
 * from configuration strings, so that no value taken from the database or
 * the defaults file can be read as OpenSSL syntax. Nothing in a CSR except
 * its public key reaches a certificate.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "ca.h"

#define CA_PEM_MAX	(64 * 1024)	/* largest CSR or client cert accepted */
#define CA_KEYFILE_MAX	(64 * 1024)	/* largest CA key file read */
#define CA_SERIAL_BYTES	16		/* random serial: 121..127 bits */
#define CA_P12_ITER	10000		/* PBKDF2 and MAC iterations */
#define CA_URL_MAX	2048

/* RFC 5280 upper bounds, in characters. */
#define UB_COUNTRY	2
#define UB_STATE	128
#define UB_LOCALITY	128
#define UB_ORG		64
#define UB_ORG_UNIT	64
#define UB_COMMON_NAME	64
#define UB_EMAIL	255

struct ca {
	X509			*cert;
	EVP_PKEY		*key;		/* NULL when loaded without */
	ASN1_OCTET_STRING	*keyid;		/* AKI keyid for what we sign */
	char			*pem;
};

struct ca_csr {
	X509_REQ		*req;
	EVP_PKEY		*pub;		/* owned by req */
	enum ca_key_type	 type;
	int			 bits;
};

/* Validity of an issued certificate, decided once per issuance. */
struct validity {
	time_t	 not_before;
	time_t	 not_after;
};

/* RFC 5280 CRLReason codes and names; 7 is not used. */
static const struct {
	int		 code;
	const char	*name;
} reasons[] = {
	{ 0, "unspecified" },
	{ 1, "keyCompromise" },
	{ 2, "cACompromise" },
	{ 3, "affiliationChanged" },
	{ 4, "superseded" },
	{ 5, "cessationOfOperation" },
	{ 6, "certificateHold" },
	{ 8, "removeFromCRL" },
	{ 9, "privilegeWithdrawn" },
	{ 10, "aACompromise" },
};

/*
 * Write a message into err (which may be NULL); with ssl set, follow it
 * with the reason of the most recent OpenSSL error. Clears OpenSSL's error
 * queue either way.
 */
static void vseterr(char *, size_t, int, const char *, va_list)
	    __attribute__((format(printf, 4, 0)));

static void
vseterr(char *err, size_t errsz, int ssl, const char *fmt, va_list ap)
{
	const char	*reason = NULL;
	unsigned long	 e;
	size_t		 n;

	if (ssl && (e = ERR_peek_last_error()) != 0)
		reason = ERR_reason_error_string(e);
	ERR_clear_error();
	if (err == NULL || errsz == 0)
		return;
	vsnprintf(err, errsz, fmt, ap);
	n = strlen(err);
	if (reason != NULL && n + 1 < errsz)
		snprintf(err + n, errsz - n, " (%s)", reason);
}

static void seterr(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
static void sslerr(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* A plain error message into err. */
static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vseterr(err, errsz, 0, fmt, ap);
	va_end(ap);
}

/* An error message into err with OpenSSL's reason appended. */
static void
sslerr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vseterr(err, errsz, 1, fmt, ap);
	va_end(ap);
}

/* Lower-case hex of len bytes into buf (2 * len + 1 bytes). */
static void
hex_lower(const unsigned char *p, size_t len, char *buf)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 0xf];
	}
	buf[2 * len] = '\0';
}

/*
 * The one way a serial number is printed: lower-case hex without leading
 * zeros ("0" for zero). Negative serials and serials that do not fit are
 * refused. Returns 0 or -1.
 */
static int
serial_hex(const ASN1_INTEGER *ai, char *buf, size_t bufsz)
{
	BIGNUM		*bn = NULL;
	char		*hex = NULL;
	const char	*p;
	size_t		 i, n;
	int		 rc = -1;

	if ((bn = ASN1_INTEGER_to_BN(ai, NULL)) == NULL || BN_is_negative(bn))
		goto out;
	if ((hex = BN_bn2hex(bn)) == NULL)
		goto out;
	for (p = hex; p[0] == '0' && p[1] != '\0'; p++)
		continue;
	if ((n = strlen(p)) >= bufsz)
		goto out;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)p[i]);
	buf[n] = '\0';
	rc = 0;
out:
	OPENSSL_free(hex);
	BN_free(bn);
	return rc;
}

/*
 * Parse a serial given as hex (either case, 1..40 digits) into a new
 * ASN1_INTEGER, or NULL.
 */
static ASN1_INTEGER *
serial_parse(const char *s)
{
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai = NULL;
	size_t		 i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > CA_SERIAL_MAX - 1)
		goto out;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			goto out;
	if (BN_hex2bn(&bn, s) != (int)n)
		goto out;
	ai = BN_to_ASN1_INTEGER(bn, NULL);
out:
	BN_free(bn);
	return ai;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* An ASN1_TIME as seconds since the epoch. Returns 0 or -1. */
static int
asn1_time_get(const ASN1_TIME *t, time_t *out)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = (time_t)(days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1,
	    tm.tm_mday) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
	    tm.tm_sec);
	return 0;
}

/* Copy a memory BIO's contents into a new NUL-terminated malloc'd string. */
static char *
bio_string(BIO *bio)
{
	char	*data, *s;
	long	 len;

	if ((len = BIO_get_mem_data(bio, &data)) <= 0)
		return NULL;
	if ((s = malloc((size_t)len + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	return s;
}

/* PEM of a certificate as a malloc'd string, or NULL. */
static char *
cert_pem(X509 *x)
{
	BIO	*bio;
	char	*s = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_X509(bio, x))
		s = bio_string(bio);
	BIO_free(bio);
	return s;
}

/*
 * Decode the first PEM block of the len bytes at pem, which must carry one
 * of the labels in names (NULL-terminated) and no encryption headers. On
 * success *der (OPENSSL_free) and *derlen hold the DER; returns 0 or -1.
 * Never reads past len: the input need not be NUL-terminated.
 */
static int
pem_decode(const char *pem, size_t len, const char *const *names,
    unsigned char **der, long *derlen)
{
	BIO		*bio = NULL;
	char		*name = NULL, *header = NULL;
	size_t		 i;
	int		 rc = -1;

	*der = NULL;
	*derlen = 0;
	if (pem == NULL || len == 0 || len > CA_PEM_MAX)
		goto out;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		goto out;
	if (!PEM_read_bio(bio, &name, &header, der, derlen))
		goto out;
	if (header[0] != '\0' || *derlen <= 0)
		goto out;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(name, names[i]) == 0)
			break;
	if (names[i] == NULL)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		OPENSSL_free(*der);
		*der = NULL;
		*derlen = 0;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(bio);
	return rc;
}

/* Refuse to prompt for a passphrase: the CA key must be unencrypted. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* The digest to sign with: none for keys that hash internally. */
static const EVP_MD *
sign_md(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448"))
		return NULL;
	return EVP_sha256();
}

/*
 * The key identifier of a certificate's key: its subjectKeyIdentifier, or
 * the SHA-1 of its public key (RFC 5280 method 1) when it has none. New
 * string, or NULL.
 */
static ASN1_OCTET_STRING *
keyid_of(X509 *x)
{
	const ASN1_OCTET_STRING	*ski;
	ASN1_OCTET_STRING	*id = NULL;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	int			 ok = 0;

	if ((ski = X509_get0_subject_key_id(x)) != NULL) {
		if ((id = ASN1_OCTET_STRING_dup(ski)) != NULL)
			ok = 1;
		goto out;
	}
	if (!X509_pubkey_digest(x, EVP_sha1(), md, &mdlen) ||
	    (id = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(id, md, (int)mdlen))
		goto out;
	ok = 1;
out:
	if (!ok) {
		ASN1_OCTET_STRING_free(id);
		id = NULL;
	}
	return id;
}

/*
 * Read the CA private key from path, refusing a file that group or others
 * may access. The file is read whole into memory that is wiped afterwards.
 * New key in *out; returns 0 or -1 with err set.
 */
static int
key_load(const char *path, EVP_PKEY **out, char *err, size_t errsz)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	BIO		*bio = NULL;
	int		 fd = -1, rc = -1;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	/*
	 * fstat, not stat: judge the very file that will be read.
	 * O_NONBLOCK only keeps a FIFO in its place from hanging us.
	 */
	if (fstat(fd, &st) == -1) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errsz, "%s: key file is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		seterr(err, errsz,
		    "%s: key file is readable by group or others", path);
		goto out;
	}
	if (st.st_size <= 0 || st.st_size > CA_KEYFILE_MAX) {
		seterr(err, errsz, "%s: key file is empty or too large", path);
		goto out;
	}
	if ((buf = malloc(CA_KEYFILE_MAX)) == NULL) {
		seterr(err, errsz, "%s: out of memory", path);
		goto out;
	}
	while (len < CA_KEYFILE_MAX) {
		r = read(fd, buf + len, CA_KEYFILE_MAX - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errsz, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		seterr(err, errsz, "%s: out of memory", path);
		goto out;
	}
	*out = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	if (*out == NULL) {
		sslerr(err, errsz,
		    "%s: cannot read an unencrypted PEM private key", path);
		goto out;
	}
	rc = 0;
out:
	BIO_free(bio);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, CA_KEYFILE_MAX);
		free(buf);
	}
	if (fd != -1)
		close(fd);
	return rc;
}

/*
 * Load the CA certificate and (key_path not NULL) its key; see ca.h.
 * The certificate must be a CA certificate (basicConstraints CA:TRUE and,
 * if it has keyUsage, keyCertSign).
 */
int
ca_load(const char *cert_path, const char *key_path, struct ca **out,
    char *err, size_t errsz)
{
	struct ca	*ca = NULL;
	BIO		*bio = NULL;
	int		 rc = -1;

	*out = NULL;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	ERR_clear_error();	/* so that reasons given are this call's */
	if (cert_path == NULL) {
		seterr(err, errsz, "no CA certificate path");
		goto out;
	}
	if ((ca = calloc(1, sizeof(*ca))) == NULL) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	if ((bio = BIO_new_file(cert_path, "r")) == NULL) {
		sslerr(err, errsz, "%s: cannot open CA certificate",
		    cert_path);
		goto out;
	}
	if ((ca->cert = PEM_read_bio_X509(bio, NULL, no_passphrase,
	    NULL)) == NULL) {
		sslerr(err, errsz, "%s: not a PEM certificate", cert_path);
		goto out;
	}
	if (X509_check_ca(ca->cert) != 1) {
		seterr(err, errsz, "%s: not a CA certificate "
		    "(needs basicConstraints CA:TRUE and keyCertSign)",
		    cert_path);
		goto out;
	}
	if ((ca->keyid = keyid_of(ca->cert)) == NULL ||
	    (ca->pem = cert_pem(ca->cert)) == NULL) {
		sslerr(err, errsz, "%s: cannot encode CA certificate",
		    cert_path);
		goto out;
	}
	if (key_path != NULL) {
		if (key_load(key_path, &ca->key, err, errsz) == -1)
			goto out;
		if (X509_check_private_key(ca->cert, ca->key) != 1) {
			sslerr(err, errsz, "%s: key does not match "
			    "certificate %s", key_path, cert_path);
			goto out;
		}
	}
	*out = ca;
	ca = NULL;
	rc = 0;
out:
	ERR_clear_error();
	BIO_free(bio);
	ca_free(ca);
	return rc;
}

/* Free a CA loaded by ca_load(); NULL is fine. */
void
ca_free(struct ca *ca)
{
	if (ca == NULL)
		return;
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	ASN1_OCTET_STRING_free(ca->keyid);
	free(ca->pem);
	free(ca);
}

/* 1 if the CA was loaded with its private key, else 0. */
int
ca_has_key(const struct ca *ca)
{
	return ca != NULL && ca->key != NULL;
}

/* The CA certificate as PEM; owned by ca. */
const char *
ca_cert_pem(const struct ca *ca)
{
	return ca->pem;
}

/*
 * Apply the key policy to a CSR's key: RSA (rsaEncryption) of 2048..8192
 * bits with an odd public exponent > 1, or EC on a named P-256 or P-384
 * curve. Fills type and bits; returns 0 or -1.
 */
static int
key_policy(EVP_PKEY *pk, enum ca_key_type *type, int *bits)
{
	char		 buf[64];
	BIGNUM		*e = NULL;
	int		 rc = -1;

	if (EVP_PKEY_is_a(pk, "RSA")) {
		*type = CA_KEY_RSA;
		*bits = EVP_PKEY_get_bits(pk);
		if (*bits < 2048 || *bits > 8192)
			goto out;
		if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e))
			goto out;
		if (!BN_is_odd(e) || BN_is_one(e))
			goto out;
		rc = 0;
	} else if (EVP_PKEY_is_a(pk, "EC")) {
		*type = CA_KEY_EC;
		/* RFC 5480: named curves only, never explicit parameters. */
		if (!EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_EC_ENCODING, buf, sizeof(buf), NULL) ||
		    strcmp(buf, OSSL_PKEY_EC_ENCODING_GROUP) != 0)
			goto out;
		if (!EVP_PKEY_get_group_name(pk, buf, sizeof(buf), NULL))
			goto out;
		if (strcmp(buf, "prime256v1") == 0)
			*bits = 256;
		else if (strcmp(buf, "secp384r1") == 0)
			*bits = 384;
		else
			goto out;
		rc = 0;
	}
out:
	BN_free(e);
	return rc;
}

/*
 * Parse and check a PEM CSR; see ca.h. The key policy is applied before
 * the signature is checked so that no work is spent on oversized keys.
 */
enum ca_csr_status
ca_csr_parse(const char *pem, size_t len, struct ca_csr **out)
{
	static const char *const names[] = {
		PEM_STRING_X509_REQ, PEM_STRING_X509_REQ_OLD, NULL
	};
	struct ca_csr		*csr = NULL;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	long			 derlen;
	enum ca_csr_status	 st = CA_CSR_MALFORMED;

	*out = NULL;
	if (pem_decode(pem, len, names, &der, &derlen) == -1)
		goto out;
	if ((csr = calloc(1, sizeof(*csr))) == NULL)
		goto out;
	p = der;
	if ((csr->req = d2i_X509_REQ(NULL, &p, derlen)) == NULL ||
	    p != der + derlen)
		goto out;
	if (X509_REQ_get_version(csr->req) != X509_REQ_VERSION_1)
		goto out;
	if ((csr->pub = X509_REQ_get0_pubkey(csr->req)) == NULL)
		goto out;
	if (key_policy(csr->pub, &csr->type, &csr->bits) == -1) {
		st = CA_CSR_KEY_POLICY;
		goto out;
	}
	if (X509_REQ_verify(csr->req, csr->pub) != 1) {
		st = CA_CSR_BAD_SIGNATURE;
		goto out;
	}
	*out = csr;
	csr = NULL;
	st = CA_CSR_OK;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	ca_csr_free(csr);
	return st;
}

/* Free a CSR from ca_csr_parse(); NULL is fine. */
void
ca_csr_free(struct ca_csr *csr)
{
	if (csr == NULL)
		return;
	X509_REQ_free(csr->req);
	free(csr);
}

/* The CSR's key type (CA_KEY_EC or CA_KEY_RSA). */
enum ca_key_type
ca_csr_key_type(const struct ca_csr *csr)
{
	return csr->type;
}

/* The CSR's key size: RSA modulus bits, or the EC field size. */
int
ca_csr_key_bits(const struct ca_csr *csr)
{
	return csr->bits;
}

/*
 * Copy the one attribute nid of name into buf as UTF-8. Whether the
 * attributes share an RDN or each have their own makes no difference.
 * Returns 1 found, 0 absent, -1 when it occurs more than once, cannot be
 * converted, holds a NUL or does not fit.
 */
static int
name_get(const X509_NAME *name, int nid, char *buf, size_t bufsz)
{
	const X509_NAME_ENTRY	*ne;
	unsigned char		*utf8 = NULL;
	int			 i, len, rc = -1;

	buf[0] = '\0';
	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return 0;
	if (X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		goto out;
	if ((ne = X509_NAME_get_entry(name, i)) == NULL)
		goto out;
	len = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(ne));
	if (len < 0 || (size_t)len >= bufsz ||
	    memchr(utf8, '\0', (size_t)len) != NULL)
		goto out;
	memcpy(buf, utf8, (size_t)len);
	buf[len] = '\0';
	rc = 1;
out:
	OPENSSL_free(utf8);
	if (rc != 1)
		buf[0] = '\0';
	return rc;
}

/* Compare the CSR's CN and emailAddress with the records; see ca.h. */
int
ca_csr_mismatch(const struct ca_csr *csr, const char *username,
    const char *email)
{
	const X509_NAME	*name;
	char		 buf[CA_NAME_MAX];
	int		 mask = 0;

	name = X509_REQ_get_subject_name(csr->req);
	if (username == NULL || name == NULL ||
	    name_get(name, NID_commonName, buf, sizeof(buf)) != 1 ||
	    strcmp(buf, username) != 0)
		mask |= CA_MISMATCH_CN;
	if (email == NULL || name == NULL ||
	    name_get(name, NID_pkcs9_emailAddress, buf, sizeof(buf)) != 1 ||
	    strcmp(buf, email) != 0)
		mask |= CA_MISMATCH_EMAIL;
	ERR_clear_error();
	return mask;
}

/*
 * Add one attribute as its own RDN, as ASN.1 string type (UTF8String,
 * PrintableString or IA5String), after checking that val is valid UTF-8
 * that this type can hold within min..max characters. Returns 0 or -1.
 */
static int
name_add(X509_NAME *name, int nid, const char *val, int type, long min,
    long max)
{
	unsigned long	 mask;
	size_t		 len;

	switch (type) {
	case V_ASN1_PRINTABLESTRING:
		mask = B_ASN1_PRINTABLESTRING;
		break;
	case V_ASN1_IA5STRING:
		mask = B_ASN1_IA5STRING;
		break;
	default:
		mask = B_ASN1_UTF8STRING;
		break;
	}
	if (val == NULL || (len = strlen(val)) > INT_MAX)
		return -1;
	if (ASN1_mbstring_ncopy(NULL, (const unsigned char *)val, (int)len,
	    MBSTRING_UTF8, mask, min, max) != type)
		return -1;
	if (!X509_NAME_add_entry_by_NID(name, nid, type,
	    (const unsigned char *)val, (int)len, -1, 0))
		return -1;
	return 0;
}

/* 1 if s is 1..max printable ASCII characters without spaces, else 0. */
static int
ascii_ok(const char *s, size_t max)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* 1 if s can be an rfc822Name: ASCII, one '@' between non-empty parts. */
static int
email_ok(const char *s)
{
	const char	*at;

	if (!ascii_ok(s, UB_EMAIL))
		return 0;
	if ((at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	return 1;
}

/* A new GENERAL_NAME of an IA5String type (GEN_EMAIL, GEN_URI), or NULL. */
static GENERAL_NAME *
gen_ia5(int type, const char *s)
{
	GENERAL_NAME	*gen = NULL;
	ASN1_IA5STRING	*ia5 = NULL;

	if ((gen = GENERAL_NAME_new()) == NULL ||
	    (ia5 = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(ia5, s, (int)strlen(s))) {
		GENERAL_NAME_free(gen);
		gen = NULL;
		goto out;
	}
	GENERAL_NAME_set0_value(gen, type, ia5);
	ia5 = NULL;
out:
	ASN1_IA5STRING_free(ia5);
	return gen;
}

/*
 * A new otherName GENERAL_NAME with type-id oid and a UTF8String value,
 * or NULL. The value's explicit [0] tag comes from OpenSSL's OTHERNAME
 * template.
 */
static GENERAL_NAME *
gen_othername(const ASN1_OBJECT *oid, const char *val)
{
	GENERAL_NAME	*gen = NULL, *ret = NULL;
	ASN1_OBJECT	*obj = NULL;
	ASN1_TYPE	*type = NULL;
	ASN1_UTF8STRING	*utf8 = NULL;
	size_t		 len;

	if (val == NULL || (len = strlen(val)) == 0 || len > INT_MAX)
		goto out;
	if (ASN1_mbstring_ncopy(NULL, (const unsigned char *)val, (int)len,
	    MBSTRING_UTF8, B_ASN1_UTF8STRING, 1, 0) != V_ASN1_UTF8STRING)
		goto out;
	if ((gen = GENERAL_NAME_new()) == NULL ||
	    (obj = OBJ_dup(oid)) == NULL ||
	    (type = ASN1_TYPE_new()) == NULL ||
	    (utf8 = ASN1_UTF8STRING_new()) == NULL ||
	    !ASN1_STRING_set(utf8, val, (int)len))
		goto out;
	ASN1_TYPE_set(type, V_ASN1_UTF8STRING, utf8);
	utf8 = NULL;
	if (!GENERAL_NAME_set0_othername(gen, obj, type))
		goto out;
	obj = NULL;
	type = NULL;
	ret = gen;
	gen = NULL;
out:
	ASN1_UTF8STRING_free(utf8);
	ASN1_TYPE_free(type);
	ASN1_OBJECT_free(obj);
	GENERAL_NAME_free(gen);
	return ret;
}

/* Add the subject of SPEC §4: C, ST, L, O, OU when set, CN, emailAddress. */
static int
subject_set(X509 *x, const struct ca_subject *subj,
    const struct ca_profile *prof)
{
	const struct {
		int		 nid;
		const char	*val;
		int		 type;
		long		 max;
	} opt[] = {
		{ NID_countryName, prof->country, V_ASN1_PRINTABLESTRING,
		    UB_COUNTRY },
		{ NID_stateOrProvinceName, prof->state, V_ASN1_UTF8STRING,
		    UB_STATE },
		{ NID_localityName, prof->locality, V_ASN1_UTF8STRING,
		    UB_LOCALITY },
		{ NID_organizationName, prof->organization,
		    V_ASN1_UTF8STRING, UB_ORG },
		{ NID_organizationalUnitName, prof->org_unit,
		    V_ASN1_UTF8STRING, UB_ORG_UNIT },
	};
	X509_NAME	*name = NULL;
	size_t		 i;
	int		 rc = -1;

	if ((name = X509_NAME_new()) == NULL)
		goto out;
	for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		if (opt[i].val == NULL || opt[i].val[0] == '\0')
			continue;
		if (name_add(name, opt[i].nid, opt[i].val, opt[i].type,
		    opt[i].type == V_ASN1_PRINTABLESTRING ? opt[i].max : 1,
		    opt[i].max) == -1)
			goto out;
	}
	if (name_add(name, NID_commonName, subj->username, V_ASN1_UTF8STRING,
	    1, UB_COMMON_NAME) == -1 ||
	    name_add(name, NID_pkcs9_emailAddress, subj->email,
	    V_ASN1_IA5STRING, 1, UB_EMAIL) == -1)
		goto out;
	if (!X509_set_subject_name(x, name))
		goto out;
	rc = 0;
out:
	X509_NAME_free(name);
	return rc;
}

/* Set a fresh random serial: positive, first byte non-zero. */
static int
serial_set(X509 *x)
{
	unsigned char	 b[CA_SERIAL_BYTES];
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai = NULL;
	int		 rc = -1;

	do {
		if (RAND_bytes(b, sizeof(b)) != 1)
			goto out;
		b[0] &= 0x7f;
	} while (b[0] == 0);
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL ||
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_set_serialNumber(x, ai))
		goto out;
	rc = 0;
out:
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return rc;
}

/* Add the SAN: rfc822Name, then one otherName per group, in order. */
static int
san_add(X509 *x, const struct ca_subject *subj,
    const struct ca_profile *prof)
{
	GENERAL_NAMES	*gens = NULL;
	GENERAL_NAME	*gen = NULL;
	ASN1_OBJECT	*oid = NULL;
	size_t		 i;
	int		 rc = -1;

	if ((gens = GENERAL_NAMES_new()) == NULL)
		goto out;
	if ((gen = gen_ia5(GEN_EMAIL, subj->email)) == NULL ||
	    !sk_GENERAL_NAME_push(gens, gen))
		goto out;
	gen = NULL;
	if (subj->ngroups > 0) {
		if (prof->group_oid == NULL || subj->groups == NULL ||
		    (oid = OBJ_txt2obj(prof->group_oid, 1)) == NULL)
			goto out;
	}
	for (i = 0; i < subj->ngroups; i++) {
		if ((gen = gen_othername(oid, subj->groups[i])) == NULL ||
		    !sk_GENERAL_NAME_push(gens, gen))
			goto out;
		gen = NULL;
	}
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	GENERAL_NAME_free(gen);
	ASN1_OBJECT_free(oid);
	GENERAL_NAMES_free(gens);
	return rc;
}

/* Add a CRL distribution point with one fullName URI. */
static int
crldp_add(X509 *x, const char *url)
{
	CRL_DIST_POINTS	*cdp = NULL;
	DIST_POINT	*dp = NULL;
	GENERAL_NAME	*gen = NULL;
	int		 rc = -1;

	if ((cdp = CRL_DIST_POINTS_new()) == NULL ||
	    (dp = DIST_POINT_new()) == NULL ||
	    (dp->distpoint = DIST_POINT_NAME_new()) == NULL)
		goto out;
	dp->distpoint->type = 0;	/* fullName */
	if ((dp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL)
		goto out;
	if ((gen = gen_ia5(GEN_URI, url)) == NULL ||
	    !sk_GENERAL_NAME_push(dp->distpoint->name.fullname, gen))
		goto out;
	gen = NULL;
	if (!sk_DIST_POINT_push(cdp, dp))
		goto out;
	dp = NULL;
	if (X509_add1_ext_i2d(x, NID_crl_distribution_points, cdp, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	GENERAL_NAME_free(gen);
	DIST_POINT_free(dp);
	CRL_DIST_POINTS_free(cdp);
	return rc;
}

/*
 * Add the extensions of SPEC §4, in this order: basicConstraints,
 * keyUsage, extendedKeyUsage, subjectKeyIdentifier,
 * authorityKeyIdentifier, subjectAltName, cRLDistributionPoints.
 */
static int
extensions_add(const struct ca *ca, X509 *x, int is_rsa,
    const struct ca_subject *subj, const struct ca_profile *prof)
{
	BASIC_CONSTRAINTS	*bc = NULL;
	ASN1_BIT_STRING		*ku = NULL;
	EXTENDED_KEY_USAGE	*eku = NULL;
	ASN1_OCTET_STRING	*ski = NULL;
	AUTHORITY_KEYID		*aki = NULL;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	int			 rc = -1;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		goto out;
	bc->ca = 0;
	if (X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;

	if ((ku = ASN1_BIT_STRING_new()) == NULL ||
	    !ASN1_BIT_STRING_set_bit(ku, 0, 1) ||	/* digitalSignature */
	    (is_rsa && !ASN1_BIT_STRING_set_bit(ku, 2, 1)) ||
	    X509_add1_ext_i2d(x, NID_key_usage, ku, 1,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;

	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL ||
	    !sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_client_auth)) ||
	    !sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_email_protect)) ||
	    X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;

	if (!X509_pubkey_digest(x, EVP_sha1(), md, &mdlen) ||
	    (ski = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(ski, md, (int)mdlen) ||
	    X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;

	if ((aki = AUTHORITY_KEYID_new()) == NULL ||
	    (aki->keyid = ASN1_OCTET_STRING_dup(ca->keyid)) == NULL ||
	    X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;

	if (san_add(x, subj, prof) == -1)
		goto out;
	if (prof->crl_url != NULL && prof->crl_url[0] != '\0' &&
	    crldp_add(x, prof->crl_url) == -1)
		goto out;
	rc = 0;
out:
	AUTHORITY_KEYID_free(aki);
	ASN1_OCTET_STRING_free(ski);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	ASN1_BIT_STRING_free(ku);
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

/*
 * Set x's public key: a copy of spki (a checked CSR's SubjectPublicKeyInfo,
 * algorithm, parameters and key bits as they are) when given, else pub.
 * X509_set_pubkey() would encode the key and decode it again through
 * OpenSSL 3's encoder and decoder, which costs more than signing the
 * certificate; the copy is the same SubjectPublicKeyInfo. Parameters other
 * than none, NULL or a named curve (which the key policy lets through) take
 * the X509_set_pubkey() way. Returns 0 or -1.
 */
static int
pubkey_set(X509 *x, EVP_PKEY *pub, X509_PUBKEY *spki)
{
	ASN1_OBJECT		*alg, *aobj = NULL, *curve = NULL;
	const ASN1_OBJECT	*palg;
	X509_ALGOR		*pa;
	const void		*pval;
	const unsigned char	*pk;
	unsigned char		*bits = NULL;
	int			 ptype, pklen;

	if (spki == NULL ||
	    !X509_PUBKEY_get0_param(&alg, &pk, &pklen, &pa, spki) ||
	    pa == NULL || pklen <= 0)
		return X509_set_pubkey(x, pub) ? 0 : -1;
	X509_ALGOR_get0(&palg, &ptype, &pval, pa);
	if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL &&
	    ptype != V_ASN1_OBJECT)
		return X509_set_pubkey(x, pub) ? 0 : -1;
	if ((aobj = OBJ_dup(palg)) == NULL ||
	    (ptype == V_ASN1_OBJECT && (curve = OBJ_dup(pval)) == NULL) ||
	    (bits = OPENSSL_memdup(pk, (size_t)pklen)) == NULL)
		goto fail;
	if (!X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), aobj, ptype,
	    curve, bits, pklen))
		goto fail;
	return 0;
fail:
	ASN1_OBJECT_free(aobj);
	ASN1_OBJECT_free(curve);
	OPENSSL_free(bits);
	return -1;
}

/*
 * Build and sign the certificate of SPEC §4 for public key pub (spki: the
 * CSR's encoding of it, or NULL): the one place both ca_issue() and
 * ca_issue_with_key() make certificates. New certificate in *out and its
 * validity in *v; returns 0 or -1.
 */
static int
cert_build(const struct ca *ca, EVP_PKEY *pub, X509_PUBKEY *spki,
    int is_rsa, const struct ca_subject *subj, const struct ca_profile *prof,
    X509 **out, struct validity *v)
{
	X509		*x = NULL;
	time_t		 now;
	int		 rc = -1;

	*out = NULL;
	if (ca == NULL || ca->key == NULL || subj == NULL || prof == NULL)
		goto out;
	if (prof->validity_days <= 0 || prof->backdate_secs < 0 ||
	    !email_ok(subj->email))
		goto out;
	if (prof->crl_url != NULL && prof->crl_url[0] != '\0' &&
	    !ascii_ok(prof->crl_url, CA_URL_MAX))
		goto out;
	if ((now = time(NULL)) == (time_t)-1)
		goto out;
	v->not_before = now - prof->backdate_secs;
	v->not_after = now + (time_t)prof->validity_days * 86400;

	if ((x = X509_new()) == NULL ||
	    !X509_set_version(x, X509_VERSION_3) ||
	    serial_set(x) == -1 ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), v->not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), v->not_after) == NULL ||
	    subject_set(x, subj, prof) == -1 ||
	    pubkey_set(x, pub, spki) == -1 ||
	    extensions_add(ca, x, is_rsa, subj, prof) == -1)
		goto out;
	if (X509_sign(x, ca->key, sign_md(ca->key)) <= 0)
		goto out;
	*out = x;
	x = NULL;
	rc = 0;
out:
	X509_free(x);
	return rc;
}

/* Fill *out (PEM, serial, fingerprint, validity) from an issued cert. */
static int
issued_fill(X509 *x, const struct validity *v, struct ca_issued *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;

	if (serial_hex(X509_get0_serialNumber(x), out->serial,
	    sizeof(out->serial)) == -1)
		return -1;
	if (!X509_digest(x, EVP_sha256(), md, &mdlen) || mdlen != 32)
		return -1;
	hex_lower(md, mdlen, out->fingerprint);
	if ((out->pem = cert_pem(x)) == NULL)
		return -1;
	out->not_before = v->not_before;
	out->not_after = v->not_after;
	return 0;
}

/* Issue a certificate for a checked CSR's key; see ca.h. */
int
ca_issue(const struct ca *ca, const struct ca_csr *csr,
    const struct ca_subject *subj, const struct ca_profile *prof,
    struct ca_issued *out)
{
	X509		*x = NULL;
	struct validity	 v;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if (csr == NULL)
		goto out;
	if (cert_build(ca, csr->pub, X509_REQ_get_X509_PUBKEY(csr->req),
	    csr->type == CA_KEY_RSA, subj, prof, &x, &v) == -1)
		goto out;
	if (issued_fill(x, &v, out) == -1)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		ca_issued_clear(out);
	ERR_clear_error();
	X509_free(x);
	return rc;
}

/* Free what ca_issue() put into out and clear it. */
void
ca_issued_clear(struct ca_issued *out)
{
	if (out == NULL)
		return;
	free(out->pem);
	memset(out, 0, sizeof(*out));
}

/*
 * Make a new EC P-256 key, issue for it, and return the key as PKCS#8 PEM
 * and a PKCS#12 of key, certificate and CA certificate; see ca.h. All
 * outputs are malloc'd and owned by the caller.
 */
int
ca_issue_with_key(const struct ca *ca, const struct ca_subject *subj,
    const struct ca_profile *prof, const char *p12_pass,
    struct ca_issued *out, char **key_pem, unsigned char **p12,
    size_t *p12_len)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	STACK_OF(X509)	*chain = NULL;
	PKCS12		*pk = NULL;
	BIO		*bio = NULL;
	unsigned char	*p;
	struct validity	 v;
	int		 len, rc = -1;

	memset(out, 0, sizeof(*out));
	*key_pem = NULL;
	*p12 = NULL;
	*p12_len = 0;
	if (p12_pass == NULL || subj == NULL)
		goto out;
	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		goto out;
	if (cert_build(ca, key, NULL, 0, subj, prof, &x, &v) == -1 ||
	    issued_fill(x, &v, out) == -1)
		goto out;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL,
	    NULL) ||
	    (*key_pem = bio_string(bio)) == NULL)
		goto out;

	if ((chain = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(chain, ca->cert))
		goto out;
	/* mac_iter -1: no MAC yet, PKCS12_create would use SHA-1. */
	if ((pk = PKCS12_create_ex(p12_pass, subj->username, key, x, chain,
	    NID_aes_256_cbc, NID_aes_256_cbc, CA_P12_ITER, -1, 0,
	    NULL, NULL)) == NULL)
		goto out;
	if (!PKCS12_set_mac(pk, p12_pass, -1, NULL, 0, CA_P12_ITER,
	    EVP_sha256()))
		goto out;
	if ((len = i2d_PKCS12(pk, NULL)) <= 0 ||
	    (*p12 = malloc((size_t)len)) == NULL)
		goto out;
	p = *p12;
	if (i2d_PKCS12(pk, &p) != len)
		goto out;
	*p12_len = (size_t)len;
	rc = 0;
out:
	if (rc != 0) {
		ca_issued_clear(out);
		if (*key_pem != NULL) {
			OPENSSL_cleanse(*key_pem, strlen(*key_pem));
			free(*key_pem);
			*key_pem = NULL;
		}
		free(*p12);
		*p12 = NULL;
		*p12_len = 0;
	}
	ERR_clear_error();
	PKCS12_free(pk);
	sk_X509_free(chain);	/* the CA cert stays the ca's */
	BIO_free(bio);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/* Per-verification state for verify_cb. */
struct vstate {
	int	 expired;	/* leaf past notAfter, all else so far good */
};

/*
 * Let verification go on past exactly one error, the leaf's expiry, and
 * note it; every other error ends verification.
 */
static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct vstate	*vs;

	if (ok)
		return 1;
	if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CERT_HAS_EXPIRED &&
	    X509_STORE_CTX_get_error_depth(ctx) == 0 &&
	    (vs = X509_STORE_CTX_get_app_data(ctx)) != NULL) {
		vs->expired = 1;
		return 1;
	}
	return 0;
}

/*
 * Verify a PEM client certificate against the CA at time now; see ca.h.
 * The CA is the only trust anchor (it may be an intermediate), there are
 * no untrusted intermediates, and the chain must be exactly leaf + CA with
 * a leaf that is not itself a CA. Revocation is the database's business.
 */
enum ca_client_status
ca_verify_client(const struct ca *ca, const char *pem, size_t len,
    time_t now, struct ca_client *out)
{
	static const char *const names[] = { PEM_STRING_X509, NULL };
	X509			*x = NULL;
	X509_STORE		*store = NULL;
	X509_STORE_CTX		*ctx = NULL;
	STACK_OF(X509)		*chain;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	long			 derlen;
	struct vstate		 vs;
	struct ca_client	 cl;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	enum ca_client_status	 st = CA_CLIENT_INVALID;

	memset(out, 0, sizeof(*out));
	memset(&cl, 0, sizeof(cl));
	memset(&vs, 0, sizeof(vs));
	if (ca == NULL || pem_decode(pem, len, names, &der, &derlen) == -1)
		goto out;
	p = der;
	if ((x = d2i_X509(NULL, &p, derlen)) == NULL || p != der + derlen)
		goto out;
	if (X509_check_ca(x) != 0)
		goto out;

	if ((store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(store, ca->cert) ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, store, x, NULL))
		goto out;
	if (!X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT))
		goto out;
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_CTX_set_time(ctx, 0, now);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	if (!X509_STORE_CTX_set_app_data(ctx, &vs))
		goto out;
	/* Success means every check passed, save perhaps the leaf's expiry. */
	if (X509_verify_cert(ctx) != 1)
		goto out;
	if ((chain = X509_STORE_CTX_get0_chain(ctx)) == NULL ||
	    sk_X509_num(chain) != 2 ||
	    X509_cmp(sk_X509_value(chain, 1), ca->cert) != 0)
		goto out;

	if (serial_hex(X509_get0_serialNumber(x), cl.serial,
	    sizeof(cl.serial)) == -1 ||
	    name_get(X509_get_subject_name(x), NID_commonName, cl.username,
	    sizeof(cl.username)) != 1 ||
	    name_get(X509_get_subject_name(x), NID_pkcs9_emailAddress,
	    cl.email, sizeof(cl.email)) == -1 ||
	    asn1_time_get(X509_get0_notAfter(x), &cl.not_after) == -1)
		goto out;
	if (!X509_digest(x, EVP_sha256(), md, &mdlen) || mdlen != 32)
		goto out;
	hex_lower(md, mdlen, cl.fingerprint);
	*out = cl;
	st = vs.expired ? CA_CLIENT_EXPIRED : CA_CLIENT_OK;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
	OPENSSL_free(der);
	return st;
}

/* A new CRL entry for r, or NULL on bad input or error. */
static X509_REVOKED *
revoked_new(const struct ca_revoked *r)
{
	X509_REVOKED	*rev = NULL;
	ASN1_INTEGER	*serial = NULL;
	ASN1_TIME	*when = NULL;
	ASN1_ENUMERATED	*reason = NULL;
	int		 ok = 0;

	/* removeFromCRL belongs in delta CRLs only; this is a full CRL. */
	if (ca_reason_name(r->reason) == NULL || r->reason == 8)
		goto out;
	if ((serial = serial_parse(r->serial)) == NULL ||
	    (when = ASN1_TIME_set(NULL, r->revoked_at)) == NULL ||
	    (rev = X509_REVOKED_new()) == NULL ||
	    !X509_REVOKED_set_serialNumber(rev, serial) ||
	    !X509_REVOKED_set_revocationDate(rev, when))
		goto out;
	/* RFC 5280 5.3.1: leave the reason out rather than say unspecified. */
	if (r->reason != 0) {
		if ((reason = ASN1_ENUMERATED_new()) == NULL ||
		    !ASN1_ENUMERATED_set(reason, r->reason) ||
		    !X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0,
		    0))
			goto out;
	}
	ok = 1;
out:
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(when);
	ASN1_INTEGER_free(serial);
	if (!ok) {
		X509_REVOKED_free(rev);
		rev = NULL;
	}
	return rev;
}

/* Make a signed v2 CRL as PEM; see ca.h. */
int
ca_crl(const struct ca *ca, const struct ca_revoked *revoked, size_t n,
    long crl_number, time_t now, long next_update_secs, char **pem)
{
	X509_CRL	*crl = NULL;
	X509_REVOKED	*rev = NULL;
	ASN1_TIME	*t = NULL;
	ASN1_INTEGER	*num = NULL;
	AUTHORITY_KEYID	*aki = NULL;
	BIO		*bio = NULL;
	size_t		 i;
	int		 rc = -1;

	*pem = NULL;
	if (ca == NULL || ca->key == NULL || (n > 0 && revoked == NULL) ||
	    crl_number < 0 || next_update_secs <= 0)
		goto out;
	if ((crl = X509_CRL_new()) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)))
		goto out;
	if ((t = ASN1_TIME_set(NULL, now)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    ASN1_TIME_set(t, now + (time_t)next_update_secs) == NULL ||
	    !X509_CRL_set1_nextUpdate(crl, t))
		goto out;
	for (i = 0; i < n; i++) {
		if ((rev = revoked_new(&revoked[i])) == NULL ||
		    !X509_CRL_add0_revoked(crl, rev))
			goto out;
		rev = NULL;
	}
	if (!X509_CRL_sort(crl))
		goto out;
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set(num, crl_number) ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	if ((aki = AUTHORITY_KEYID_new()) == NULL ||
	    (aki->keyid = ASN1_OCTET_STRING_dup(ca->keyid)) == NULL ||
	    X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, aki, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	if (X509_CRL_sign(crl, ca->key, sign_md(ca->key)) <= 0)
		goto out;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_CRL(bio, crl) ||
	    (*pem = bio_string(bio)) == NULL)
		goto out;
	rc = 0;
out:
	ERR_clear_error();
	BIO_free(bio);
	AUTHORITY_KEYID_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_REVOKED_free(rev);
	X509_CRL_free(crl);
	return rc;
}

/* RFC 5280 CRLReason name → code, -1 if unknown (case-sensitive). */
int
ca_reason_code(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].name, name) == 0)
			return reasons[i].code;
	return -1;
}

/* RFC 5280 CRLReason code → name, NULL if unknown. */
const char *
ca_reason_name(int code)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].name;
	return NULL;
}

int
ca_pem_subject(const char *pem, char *out, size_t outsz)
{
	static const char *const names[] = { "CERTIFICATE", NULL };
	const unsigned char	*p;
	unsigned char		*der = NULL;
	X509			*x = NULL;
	BIO			*bio = NULL;
	long			 derlen;
	int			 n, rc = -1;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (pem_decode(pem, strlen(pem), names, &der, &derlen) == -1)
		goto out;
	p = der;
	if ((x = d2i_X509(NULL, &p, derlen)) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	/* RFC 2253 order and escaping, UTF-8 kept as UTF-8. */
	if (X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	if ((n = BIO_read(bio, out, (int)(outsz - 1))) < 0)
		goto out;
	out[n] = '\0';
	rc = 0;
out:
	BIO_free(bio);
	X509_free(x);
	OPENSSL_free(der);
	ERR_clear_error();
	return rc;
}
