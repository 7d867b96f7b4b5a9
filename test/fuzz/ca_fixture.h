/*
 * A throwaway CA for the certificate targets, made at start with OpenSSL
 * as test/unit/test_ca.c does: an EC P-256 CA certificate and key written
 * to a private temporary directory, loaded with ca_load, then removed.
 * Also a good CSR (CN=alice, emailAddress=alice@example.org) and the
 * client certificate ca_issue makes for it, both as DER, for the targets
 * that mutate known-good input.
 */
#ifndef CERTM3_FUZZ_CA_FIXTURE_H
#define CERTM3_FUZZ_CA_FIXTURE_H

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ca.h"
#include "fuzz.h"

#define FX_USER		"alice"
#define FX_EMAIL	"alice@example.org"

static struct {
	struct ca	*ca;
	time_t		 now;		/* when the CA and certificate were made */
	unsigned char	*csr_der;
	size_t		 csr_len;
	unsigned char	*cert_der;
	size_t		 cert_len;
	struct ca_issued issued;
} fx;

static const char *const fx_groups[] = { "users", "admins" };

static const struct ca_profile fx_prof = {
	.country = "DE",
	.organization = "certM3 Fuzz",
	.validity_days = 30,
	.backdate_secs = 300,
	.crl_url = "http://ca.example.org/crl.pem",
	.group_oid = "1.3.6.1.4.1.10049.2",
};

static const struct ca_subject fx_subj = {
	.username = FX_USER,
	.email = FX_EMAIL,
	.groups = fx_groups,
	.ngroups = 2,
};

#define FX_OK(x)	do { if (!(x)) fuzz_fail(__FILE__, __LINE__, \
			    "fixture: " #x); } while (0)

static inline void
fx_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509V3_set_ctx_nodb(&v3);
	FX_OK((ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) != NULL);
	FX_OK(X509_add_ext(x, ext, -1) == 1);
	X509_EXTENSION_free(ext);
}

/* Write s into path with mode, failing on any error. */
static inline void
fx_write(const char *path, BIO *bio, mode_t mode)
{
	char	*data;
	long	 len;
	int	 fd;

	FX_OK((len = BIO_get_mem_data(bio, &data)) > 0);
	FX_OK((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) != -1);
	FX_OK(fchmod(fd, mode) == 0);
	FX_OK(write(fd, data, (size_t)len) == (ssize_t)len);
	FX_OK(close(fd) == 0);
}

/* The DER of the first PEM block of pem, malloc'd. */
static inline unsigned char *
fx_der(const char *pem, size_t *len)
{
	BIO		*bio;
	char		*name = NULL, *header = NULL;
	unsigned char	*der = NULL, *copy;
	long		 n = 0;

	FX_OK((bio = BIO_new_mem_buf(pem, -1)) != NULL);
	FX_OK(PEM_read_bio(bio, &name, &header, &der, &n) == 1);
	FX_OK((copy = malloc((size_t)n)) != NULL);
	memcpy(copy, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return copy;
}

/*
 * Wrap len bytes as a PEM block labelled name; malloc'd, NUL-terminated,
 * length in *pemlen.
 */
static inline char *
fx_pem(const char *name, const unsigned char *der, size_t len,
    size_t *pemlen)
{
	BIO	*bio;
	char	*data, *s;
	long	 n;

	if (len == 0) {		/* PEM_write_bio refuses nothing */
		FX_OK((s = strdup("")) != NULL);
		*pemlen = 0;
		return s;
	}
	FX_OK((bio = BIO_new(BIO_s_mem())) != NULL);
	FX_OK(PEM_write_bio(bio, name, "", der, (long)len) > 0);
	FX_OK((n = BIO_get_mem_data(bio, &data)) > 0);
	FX_OK((s = malloc((size_t)n + 1)) != NULL);
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	*pemlen = (size_t)n;
	BIO_free(bio);
	return s;
}

/* Apply (offset high, offset low, xor) triples to a copy of der. */
static inline unsigned char *
fx_patch(const unsigned char *der, size_t len, const uint8_t *p, size_t n)
{
	unsigned char	*copy;
	size_t		 off;

	FX_OK((copy = malloc(len)) != NULL);
	memcpy(copy, der, len);
	for (; n >= 3; p += 3, n -= 3) {
		off = ((size_t)p[0] << 8 | p[1]) % len;
		copy[off] ^= p[2];
	}
	return copy;
}

static inline void
fx_init(void)
{
	EVP_PKEY	*key, *ukey;
	X509		*x;
	X509_NAME	*name;
	X509_REQ	*req;
	BIO		*bio;
	struct ca_csr	*csr = NULL;
	char		 dir[256], cert_path[300], key_path[300], err[256];
	char		*pem;
	size_t		 len;
	const char	*tmp = getenv("TMPDIR");

	if (fx.ca != NULL)
		return;
	fx.now = time(NULL);
	snprintf(dir, sizeof(dir), "%s/certm3-fuzz-ca-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	FX_OK(mkdtemp(dir) != NULL);
	snprintf(cert_path, sizeof(cert_path), "%s/ca.pem", dir);
	snprintf(key_path, sizeof(key_path), "%s/ca.key", dir);

	/* The CA: self-signed, CA:TRUE, keyCertSign. */
	FX_OK((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) != NULL);
	FX_OK((x = X509_new()) != NULL);
	FX_OK(X509_set_version(x, X509_VERSION_3) == 1);
	FX_OK(ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1);
	name = X509_get_subject_name(x);
	FX_OK(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"certM3 Fuzz CA", -1, -1, 0) == 1);
	FX_OK(X509_set_issuer_name(x, name) == 1);
	FX_OK(ASN1_TIME_set(X509_getm_notBefore(x), fx.now - 3600) != NULL);
	FX_OK(ASN1_TIME_set(X509_getm_notAfter(x), fx.now + 3650L * 86400)
	    != NULL);
	FX_OK(X509_set_pubkey(x, key) == 1);
	fx_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	fx_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
	fx_ext(x, NID_subject_key_identifier, "hash");
	FX_OK(X509_sign(x, key, EVP_sha256()) > 0);
	FX_OK((bio = BIO_new(BIO_s_mem())) != NULL);
	FX_OK(PEM_write_bio_X509(bio, x) == 1);
	fx_write(cert_path, bio, 0644);
	BIO_free(bio);
	FX_OK((bio = BIO_new(BIO_s_mem())) != NULL);
	FX_OK(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
	    NULL) == 1);
	fx_write(key_path, bio, 0600);
	BIO_free(bio);
	if (ca_load(cert_path, key_path, &fx.ca, err, sizeof(err)) == -1) {
		fprintf(stderr, "ca_load: %s\n", err);
		abort();
	}
	unlink(cert_path);
	unlink(key_path);
	rmdir(dir);
	X509_free(x);
	EVP_PKEY_free(key);

	/* A good CSR, as the browser makes it. */
	FX_OK((ukey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) != NULL);
	FX_OK((req = X509_REQ_new()) != NULL);
	FX_OK(X509_REQ_set_version(req, X509_REQ_VERSION_1) == 1);
	name = X509_REQ_get_subject_name(req);
	FX_OK(X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)FX_USER, -1, -1, 0) == 1);
	FX_OK(X509_NAME_add_entry_by_NID(name, NID_pkcs9_emailAddress,
	    MBSTRING_ASC, (const unsigned char *)FX_EMAIL, -1, -1, 0) == 1);
	FX_OK(X509_REQ_set_pubkey(req, ukey) == 1);
	FX_OK(X509_REQ_sign(req, ukey, EVP_sha256()) > 0);
	FX_OK((bio = BIO_new(BIO_s_mem())) != NULL);
	FX_OK(i2d_X509_REQ_bio(bio, req) == 1);
	FX_OK((len = (size_t)BIO_get_mem_data(bio, &pem)) > 0);
	FX_OK((fx.csr_der = malloc(len)) != NULL);
	memcpy(fx.csr_der, pem, len);
	fx.csr_len = len;
	BIO_free(bio);
	X509_REQ_free(req);
	EVP_PKEY_free(ukey);

	/* The certificate ca_issue makes for it. */
	pem = fx_pem("CERTIFICATE REQUEST", fx.csr_der, fx.csr_len, &len);
	FX_OK(ca_csr_parse(pem, len, &csr) == CA_CSR_OK);
	free(pem);
	FX_OK(ca_issue(fx.ca, csr, &fx_subj, &fx_prof, &fx.issued) == 0);
	ca_csr_free(csr);
	fx.cert_der = fx_der(fx.issued.pem, &fx.cert_len);
}

#endif /* CERTM3_FUZZ_CA_FIXTURE_H */
