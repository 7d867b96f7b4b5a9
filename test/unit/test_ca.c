/*
 * Unit tests for common/ca.c: a throwaway CA and every CSR, certificate and
 * CRL are made here with OpenSSL, and what ca.c produces is parsed back and
 * checked field by field against SPEC §4.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "ca.h"

#define GROUP_OID	"1.3.6.1.4.1.10049.2"
#define CA_NAME		"certM3 Test CA"
#define DAY		86400L

/* Shared by all tests: made once in setup. */
static struct {
	char		 dir[256];
	char		 cert_path[512];
	char		 key_path[512];
	EVP_PKEY	*ca_key;
	X509		*ca_cert;
	EVP_PKEY	*other_key;	/* another CA with the same name */
	X509		*other_cert;
	struct ca	*ca;
	EVP_PKEY	*k256;
	EVP_PKEY	*k384;
	EVP_PKEY	*krsa;
} fx;

static const char *const groups2[] = { "users", "admins" };
static const char *const groups1[] = { "users" };

static const struct ca_profile prof_full = {
	.country = "DE",
	.state = "Bayern",
	.locality = "München",
	.organization = "Société Exemple",
	.org_unit = "IT",
	.validity_days = 365,
	.backdate_secs = 300,
	.crl_url = "http://ca.example.org/request/crl.pem",
	.group_oid = GROUP_OID,
};

/* Some fields empty or NULL, no CRL DP. */
static const struct ca_profile prof_sparse = {
	.country = "US",
	.state = "",
	.locality = NULL,
	.organization = "Example",
	.org_unit = "",
	.validity_days = 30,
	.backdate_secs = 60,
	.crl_url = "",
	.group_oid = GROUP_OID,
};

/* ---- helpers ---------------------------------------------------------- */

static EVP_PKEY *
ec_key(const char *curve)
{
	EVP_PKEY	*k;

	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	assert_non_null(k);
	return k;
}

static EVP_PKEY *
rsa_key(size_t bits)
{
	EVP_PKEY	*k;

	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
	assert_non_null(k);
	return k;
}

/* A P-256 key encoded with explicit curve parameters. */
static EVP_PKEY *
ec_explicit_key(void)
{
	EVP_PKEY_CTX	*c;
	EVP_PKEY	*k = NULL;
	char		 group[] = "P-256", enc[] = "explicit";
	OSSL_PARAM	 params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, enc, 0),
		OSSL_PARAM_END
	};

	c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	assert_non_null(c);
	assert_int_equal(EVP_PKEY_keygen_init(c), 1);
	assert_int_equal(EVP_PKEY_CTX_set_params(c, params), 1);
	assert_int_equal(EVP_PKEY_generate(c, &k), 1);
	EVP_PKEY_CTX_free(c);
	return k;
}

static char *
bio_str(BIO *bio)
{
	char	*data, *s;
	long	 len;

	len = BIO_get_mem_data(bio, &data);
	assert_true(len > 0);
	s = malloc((size_t)len + 1);
	assert_non_null(s);
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	return s;
}

static char *
x509_pem(X509 *x)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*s;

	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	s = bio_str(bio);
	BIO_free(bio);
	return s;
}

static X509 *
pem_x509(const char *pem)
{
	BIO	*bio = BIO_new_mem_buf(pem, -1);
	X509	*x;

	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(x);
	return x;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	X509V3_set_ctx_nodb(&v3);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

#define CA_BARE	2	/* mkcert: a CA with basicConstraints only */

/*
 * A certificate for key with CN=cn (and emailAddress for leaves), named and
 * AKI'd after issuer (NULL: self) but signed with signer. Lets tests make
 * a CA, an expired leaf of ours, a leaf of another CA and a forgery.
 */
static X509 *
mkcert(EVP_PKEY *key, const char *cn, const char *email, X509 *issuer,
    EVP_PKEY *signer, time_t nb, time_t na, int is_ca)
{
	static long	 serial = 1000;
	X509		*x;
	X509_NAME	*name;

	x = X509_new();
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x),
	    serial++), 1);
	name = X509_NAME_new();
	assert_int_equal(X509_NAME_add_entry_by_NID(name, NID_commonName,
	    MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0), 1);
	if (email != NULL)
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_pkcs9_emailAddress, MBSTRING_ASC,
		    (const unsigned char *)email, -1, -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, name), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	X509_NAME_free(name);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), nb));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), na));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer == NULL)
		issuer = x;
	add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (is_ca) {
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
		if (is_ca != CA_BARE)
			add_ext(x, issuer, NID_key_usage,
			    "critical,keyCertSign,cRLSign");
	} else {
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, issuer, NID_key_usage,
		    "critical,digitalSignature");
		add_ext(x, issuer, NID_ext_key_usage, "clientAuth");
	}
	assert_true(X509_sign(x, signer, EVP_PKEY_is_a(signer, "ED25519") ?
	    NULL : EVP_sha256()) > 0);
	return x;
}

static void
write_file(const char *path, const char *data, mode_t mode)
{
	int	 fd;
	size_t	 len = strlen(data);

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	/* fchmod: the umask must not decide what is being tested. */
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void
write_key(const char *path, EVP_PKEY *key, mode_t mode)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*s;

	assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
	    NULL, NULL), 1);
	s = bio_str(bio);
	write_file(path, s, mode);
	free(s);
	BIO_free(bio);
}

static void
path_in(char *buf, size_t bufsz, const char *name)
{
	int	 n;

	n = snprintf(buf, bufsz, "%s/%s", fx.dir, name);
	assert_true(n > 0 && (size_t)n < bufsz);
}

#define CSR_EXTRAS	0x01	/* O=Evil, SAN, CA:TRUE, … */
#define CSR_ONE_RDN	0x02	/* CN and emailAddress in one RDN */
#define CSR_TWO_CN	0x04
#define CSR_OTHER_SIG	0x08	/* signed by a key not in the CSR */
#define CSR_NO_EMAIL	0x10

/* A PEM CSR for key; malloc'd. */
static char *
mkcsr(EVP_PKEY *key, const char *cn, const char *email, int flags)
{
	X509_REQ		*req;
	X509_NAME		*name;
	STACK_OF(X509_EXTENSION) *exts;
	X509V3_CTX		 v3;
	X509_EXTENSION		*ext;
	EVP_PKEY		*signer = key, *other = NULL;
	BIO			*bio;
	char			*s;
	const unsigned char	*ucn = (const unsigned char *)cn;
	const unsigned char	*uem = (const unsigned char *)email;

	req = X509_REQ_new();
	assert_non_null(req);
	assert_int_equal(X509_REQ_set_version(req, X509_REQ_VERSION_1), 1);
	name = X509_REQ_get_subject_name(req);
	if (flags & CSR_EXTRAS) {
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "C",
		    MBSTRING_ASC, (const unsigned char *)"XX", -1, -1, 0), 1);
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "O",
		    MBSTRING_ASC, (const unsigned char *)"Evil", -1, -1, 0),
		    1);
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "OU",
		    MBSTRING_ASC, (const unsigned char *)"Evil Unit", -1, -1,
		    0), 1);
	}
	assert_int_equal(X509_NAME_add_entry_by_NID(name, NID_commonName,
	    MBSTRING_UTF8, ucn, -1, -1, 0), 1);
	if (flags & CSR_TWO_CN)
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_commonName, MBSTRING_UTF8,
		    (const unsigned char *)"root", -1, -1, 0), 1);
	if (!(flags & CSR_NO_EMAIL))
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_pkcs9_emailAddress, MBSTRING_ASC, uem, -1, -1,
		    (flags & CSR_ONE_RDN) ? -1 : 0), 1);
	if (flags & CSR_EXTRAS) {
		exts = sk_X509_EXTENSION_new_null();
		X509V3_set_ctx(&v3, NULL, NULL, req, NULL, 0);
		X509V3_set_ctx_nodb(&v3);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
		    "DNS:evil.example, email:evil@example.com, "
		    "otherName:" GROUP_OID ";UTF8:admins");
		assert_non_null(ext);
		sk_X509_EXTENSION_push(exts, ext);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
		    "critical,CA:TRUE");
		sk_X509_EXTENSION_push(exts, ext);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
		sk_X509_EXTENSION_push(exts, ext);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_ext_key_usage,
		    "serverAuth,codeSigning");
		sk_X509_EXTENSION_push(exts, ext);
		assert_int_equal(X509_REQ_add_extensions(req, exts), 1);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	assert_int_equal(X509_REQ_set_pubkey(req, key), 1);
	if (flags & CSR_OTHER_SIG)
		signer = other = ec_key("P-256");
	assert_true(X509_REQ_sign(req, signer,
	    EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256()) > 0);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_X509_REQ(bio, req), 1);
	s = bio_str(bio);
	BIO_free(bio);
	EVP_PKEY_free(other);
	X509_REQ_free(req);
	return s;
}

/* Parse a CSR the test expects to be good. */
static struct ca_csr *
csr_ok(const char *pem)
{
	struct ca_csr	*csr = NULL;

	assert_int_equal(ca_csr_parse(pem, strlen(pem), &csr), CA_CSR_OK);
	assert_non_null(csr);
	return csr;
}

static X509_CRL *
pem_crl(const char *pem)
{
	BIO		*bio = BIO_new_mem_buf(pem, -1);
	X509_CRL	*crl;

	crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(crl);
	return crl;
}

/* Verify x against the CA as an SSL client certificate at time t. */
static int
store_verify(X509 *x, X509_CRL *crl, time_t t)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 rc;

	assert_int_equal(X509_STORE_add_cert(store, fx.ca_cert), 1);
	if (crl != NULL) {
		assert_int_equal(X509_STORE_add_crl(store, crl), 1);
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	}
	assert_int_equal(X509_STORE_CTX_init(ctx, store, x, NULL), 1);
	assert_int_equal(X509_STORE_CTX_set_purpose(ctx,
	    X509_PURPOSE_SSL_CLIENT), 1);
	X509_STORE_CTX_set_time(ctx, 0, t);
	rc = X509_verify_cert(ctx) == 1 ? X509_V_OK :
	    X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

static void
assert_asn1_str(const ASN1_STRING *s, int type, const char *want)
{
	assert_int_equal(ASN1_STRING_type(s), type);
	assert_int_equal(ASN1_STRING_length(s), (int)strlen(want));
	assert_memory_equal(ASN1_STRING_get0_data(s), want, strlen(want));
}

static void
lower_hex(const unsigned char *p, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* What an issued certificate must say. */
struct expect {
	const char		 *username;
	const char		 *email;
	const char *const	 *groups;
	size_t			  ngroups;
	const struct ca_profile	 *prof;
	int			  is_rsa;
	EVP_PKEY		 *pub;
	time_t			  t0, t1;	/* issued in between */
};

static void
check_subject(X509 *x, const struct expect *e)
{
	const struct {
		int		 nid;
		const char	*val;
		int		 type;
	} want[] = {
		{ NID_countryName, e->prof->country, V_ASN1_PRINTABLESTRING },
		{ NID_stateOrProvinceName, e->prof->state, V_ASN1_UTF8STRING },
		{ NID_localityName, e->prof->locality, V_ASN1_UTF8STRING },
		{ NID_organizationName, e->prof->organization,
		    V_ASN1_UTF8STRING },
		{ NID_organizationalUnitName, e->prof->org_unit,
		    V_ASN1_UTF8STRING },
		{ NID_commonName, e->username, V_ASN1_UTF8STRING },
		{ NID_pkcs9_emailAddress, e->email, V_ASN1_IA5STRING },
	};
	const X509_NAME		*name = X509_get_subject_name(x);
	const X509_NAME_ENTRY	*ne;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (want[i].val == NULL || want[i].val[0] == '\0')
			continue;
		ne = X509_NAME_get_entry(name, n);
		assert_non_null(ne);
		/* Each attribute in its own RDN. */
		assert_int_equal(X509_NAME_ENTRY_set(ne), n);
		assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(ne)),
		    want[i].nid);
		assert_asn1_str(X509_NAME_ENTRY_get_data(ne), want[i].type,
		    want[i].val);
		n++;
	}
	assert_int_equal(X509_NAME_entry_count(name), n);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(fx.ca_cert)), 0);
}

static void
check_san(X509 *x, const struct expect *e)
{
	/* otherName "users" under 1.3.6.1.4.1.10049.2, explicit [0]. */
	static const unsigned char users_der[] = {
		0xa0, 0x13, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xce,
		0x41, 0x02, 0xa0, 0x07, 0x0c, 0x05, 'u', 's', 'e', 'r', 's'
	};
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*gen;
	char			 oid[64];
	unsigned char		*der = NULL;
	size_t			 i;
	int			 crit = -1, len;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	assert_non_null(gens);
	assert_int_equal(crit, 0);
	assert_int_equal(sk_GENERAL_NAME_num(gens), (int)(1 + e->ngroups));
	gen = sk_GENERAL_NAME_value(gens, 0);
	assert_int_equal(gen->type, GEN_EMAIL);
	assert_asn1_str(gen->d.rfc822Name, V_ASN1_IA5STRING, e->email);
	for (i = 0; i < e->ngroups; i++) {
		gen = sk_GENERAL_NAME_value(gens, (int)i + 1);
		assert_int_equal(gen->type, GEN_OTHERNAME);
		assert_true(OBJ_obj2txt(oid, sizeof(oid),
		    gen->d.otherName->type_id, 1) > 0);
		assert_string_equal(oid, e->prof->group_oid);
		assert_int_equal(gen->d.otherName->value->type,
		    V_ASN1_UTF8STRING);
		assert_asn1_str(gen->d.otherName->value->value.utf8string,
		    V_ASN1_UTF8STRING, e->groups[i]);
		if (strcmp(e->groups[i], "users") == 0 &&
		    strcmp(e->prof->group_oid, GROUP_OID) == 0) {
			len = i2d_GENERAL_NAME(gen, &der);
			assert_int_equal(len, (int)sizeof(users_der));
			assert_memory_equal(der, users_der, sizeof(users_der));
			OPENSSL_free(der);
			der = NULL;
		}
	}
	GENERAL_NAMES_free(gens);
}

static void
check_extensions(X509 *x, const struct expect *e)
{
	BASIC_CONSTRAINTS	*bc;
	ASN1_BIT_STRING		*ku;
	EXTENDED_KEY_USAGE	*eku;
	ASN1_OCTET_STRING	*ski;
	AUTHORITY_KEYID		*aki;
	CRL_DIST_POINTS		*cdp;
	DIST_POINT		*dp;
	const GENERAL_NAME	*gen;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	int			 crit, bit, has_crl;

	has_crl = e->prof->crl_url != NULL && e->prof->crl_url[0] != '\0';
	assert_int_equal(X509_get_ext_count(x), 6 + has_crl);

	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	assert_non_null(bc);
	assert_int_equal(crit, 1);
	assert_int_equal(bc->ca, 0);
	assert_null(bc->pathlen);
	BASIC_CONSTRAINTS_free(bc);

	ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	assert_non_null(ku);
	assert_int_equal(crit, 1);
	assert_int_equal(ASN1_BIT_STRING_get_bit(ku, 0), 1);
	assert_int_equal(ASN1_BIT_STRING_get_bit(ku, 2), e->is_rsa);
	for (bit = 0; bit < 9; bit++)
		if (bit != 0 && bit != 2)
			assert_int_equal(ASN1_BIT_STRING_get_bit(ku, bit), 0);
	ASN1_BIT_STRING_free(ku);
	assert_int_equal(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE |
	    (e->is_rsa ? KU_KEY_ENCIPHERMENT : 0));

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	assert_non_null(eku);
	assert_int_equal(crit, 0);
	assert_int_equal(sk_ASN1_OBJECT_num(eku), 2);
	assert_int_equal(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)),
	    NID_client_auth);
	assert_int_equal(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 1)),
	    NID_email_protect);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);

	ski = X509_get_ext_d2i(x, NID_subject_key_identifier, &crit, NULL);
	assert_non_null(ski);
	assert_int_equal(crit, 0);
	assert_int_equal(X509_pubkey_digest(x, EVP_sha1(), md, &mdlen), 1);
	assert_int_equal(ASN1_STRING_length(ski), (int)mdlen);
	assert_memory_equal(ASN1_STRING_get0_data(ski), md, mdlen);
	ASN1_OCTET_STRING_free(ski);

	aki = X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, NULL);
	assert_non_null(aki);
	assert_int_equal(crit, 0);
	assert_non_null(aki->keyid);
	assert_null(aki->issuer);
	assert_null(aki->serial);
	assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid,
	    X509_get0_subject_key_id(fx.ca_cert)), 0);
	AUTHORITY_KEYID_free(aki);

	check_san(x, e);

	cdp = X509_get_ext_d2i(x, NID_crl_distribution_points, &crit, NULL);
	if (!has_crl) {
		assert_null(cdp);
		assert_true(X509_get_ext_by_NID(x,
		    NID_crl_distribution_points, -1) < 0);
		return;
	}
	assert_non_null(cdp);
	assert_int_equal(crit, 0);
	assert_int_equal(sk_DIST_POINT_num(cdp), 1);
	dp = sk_DIST_POINT_value(cdp, 0);
	assert_non_null(dp->distpoint);
	assert_int_equal(dp->distpoint->type, 0);
	assert_null(dp->reasons);
	assert_null(dp->CRLissuer);
	assert_int_equal(sk_GENERAL_NAME_num(dp->distpoint->name.fullname),
	    1);
	gen = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
	assert_int_equal(gen->type, GEN_URI);
	assert_asn1_str(gen->d.uniformResourceIdentifier, V_ASN1_IA5STRING,
	    e->prof->crl_url);
	CRL_DIST_POINTS_free(cdp);
}

/*
 * Check an issued certificate against SPEC §4 and what ca_issue() said
 * about it. Returns the parsed certificate (X509_free).
 */
static X509 *
check_issued(const struct ca_issued *is, const struct expect *e)
{
	X509		*x;
	BIGNUM		*bn;
	char		*hex, fpr[CA_FPR_LEN], want[CA_SERIAL_MAX];
	const char	*p;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	size_t		 i;
	time_t		 days = (time_t)e->prof->validity_days * DAY;

	assert_non_null(is->pem);
	x = pem_x509(is->pem);
	assert_int_equal(X509_get_version(x), X509_VERSION_3);

	/* Serial: positive, 121..127 random bits, printed without zeros. */
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	assert_non_null(bn);
	assert_false(BN_is_negative(bn));
	assert_true(BN_num_bits(bn) >= 121 && BN_num_bits(bn) <= 127);
	hex = BN_bn2hex(bn);
	for (p = hex; *p == '0'; p++)
		continue;
	for (i = 0; p[i] != '\0'; i++)
		want[i] = (char)tolower((unsigned char)p[i]);
	want[i] = '\0';
	assert_string_equal(is->serial, want);
	assert_true(is->serial[0] != '0');
	OPENSSL_free(hex);
	BN_free(bn);

	/* Fingerprint: SHA-256 of the DER. */
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &mdlen), 1);
	assert_int_equal(mdlen, 32);
	lower_hex(md, mdlen, fpr);
	assert_string_equal(is->fingerprint, fpr);

	/* Validity. */
	assert_true(is->not_before >= e->t0 - e->prof->backdate_secs);
	assert_true(is->not_before <= e->t1 - e->prof->backdate_secs);
	assert_true(is->not_after >= e->t0 + days);
	assert_true(is->not_after <= e->t1 + days);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x),
	    is->not_before), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notAfter(x),
	    is->not_after), 0);

	check_subject(x, e);
	check_extensions(x, e);

	/* The CSR's key, signed by the CA with SHA-256. */
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(x), e->pub), 1);
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	assert_int_equal(X509_verify(x, fx.ca_key), 1);
	assert_int_equal(X509_verify(x, fx.other_key), 0);
	assert_int_equal(store_verify(x, NULL, time(NULL)), X509_V_OK);
	return x;
}

/* Issue for a CSR and check the result. */
static void
issue_check(EVP_PKEY *key, const char *const *groups, size_t ngroups,
    const struct ca_profile *prof)
{
	struct ca_subject	 subj = { "alice", "alice@example.org", groups,
	    ngroups };
	struct expect		 e = { subj.username, subj.email, groups,
	    ngroups, prof, EVP_PKEY_is_a(key, "RSA"), key, 0, 0 };
	struct ca_issued	 is;
	struct ca_csr		*csr;
	char			*pem;
	X509			*x;

	pem = mkcsr(key, subj.username, subj.email, 0);
	csr = csr_ok(pem);
	e.t0 = time(NULL);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, prof, &is), 0);
	e.t1 = time(NULL);
	x = check_issued(&is, &e);
	X509_free(x);
	ca_issued_clear(&is);
	assert_null(is.pem);
	ca_csr_free(csr);
	free(pem);
}

/* ---- fixtures --------------------------------------------------------- */

static int
setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");
	char		 err[256], *pem;
	time_t		 now = time(NULL);

	(void)state;
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	snprintf(fx.dir, sizeof(fx.dir), "%s/test_ca.XXXXXX", tmp);
	if (mkdtemp(fx.dir) == NULL)
		return -1;
	path_in(fx.cert_path, sizeof(fx.cert_path), "ca.pem");
	path_in(fx.key_path, sizeof(fx.key_path), "ca.key");

	fx.ca_key = ec_key("P-256");
	fx.ca_cert = mkcert(fx.ca_key, CA_NAME, NULL, NULL, fx.ca_key,
	    now - DAY, now + 3650 * DAY, 1);
	fx.other_key = ec_key("P-256");
	fx.other_cert = mkcert(fx.other_key, CA_NAME, NULL, NULL,
	    fx.other_key, now - DAY, now + 3650 * DAY, 1);

	pem = x509_pem(fx.ca_cert);
	write_file(fx.cert_path, pem, 0644);
	free(pem);
	write_key(fx.key_path, fx.ca_key, 0600);
	if (ca_load(fx.cert_path, fx.key_path, &fx.ca, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "ca_load: %s\n", err);
		return -1;
	}
	fx.k256 = ec_key("P-256");
	fx.k384 = ec_key("P-384");
	fx.krsa = rsa_key(2048);
	return 0;
}

static int
teardown(void **state)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[768];

	(void)state;
	ca_free(fx.ca);
	EVP_PKEY_free(fx.ca_key);
	EVP_PKEY_free(fx.other_key);
	EVP_PKEY_free(fx.k256);
	EVP_PKEY_free(fx.k384);
	EVP_PKEY_free(fx.krsa);
	X509_free(fx.ca_cert);
	X509_free(fx.other_cert);
	if ((d = opendir(fx.dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", fx.dir,
			    de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(fx.dir);
	return 0;
}

/* ---- reasons ---------------------------------------------------------- */

static void
test_reasons(void **state)
{
	static const struct {
		int		 code;
		const char	*name;
	} want[] = {
		{ 0, "unspecified" }, { 1, "keyCompromise" },
		{ 2, "cACompromise" }, { 3, "affiliationChanged" },
		{ 4, "superseded" }, { 5, "cessationOfOperation" },
		{ 6, "certificateHold" }, { 8, "removeFromCRL" },
		{ 9, "privilegeWithdrawn" }, { 10, "aACompromise" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(ca_reason_code(want[i].name), want[i].code);
		assert_string_equal(ca_reason_name(want[i].code),
		    want[i].name);
		assert_int_equal(ca_reason_code(ca_reason_name(want[i].code)),
		    want[i].code);
	}
	assert_null(ca_reason_name(7));
	assert_null(ca_reason_name(-1));
	assert_null(ca_reason_name(11));
	assert_int_equal(ca_reason_code("KeyCompromise"), -1);
	assert_int_equal(ca_reason_code("keycompromise"), -1);
	assert_int_equal(ca_reason_code("keyCompromise "), -1);
	assert_int_equal(ca_reason_code(""), -1);
	assert_int_equal(ca_reason_code("7"), -1);
	assert_int_equal(ca_reason_code(NULL), -1);
}

/* ---- ca_load ---------------------------------------------------------- */

static void
test_load_key_permissions(void **state)
{
	static const mode_t	 bad[] = { 0640, 0604, 0620, 0602, 0610,
	    0660, 0644 };
	char			 path[512], err[512], want[600];
	struct ca		*ca = (struct ca *)&ca;
	size_t			 i;

	(void)state;
	path_in(path, sizeof(path), "perm.key");
	snprintf(want, sizeof(want),
	    "%s: key file is readable by group or others", path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_key(path, fx.ca_key, bad[i]);
		assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
		    sizeof(err)), -1);
		assert_null(ca);
		assert_string_equal(err, want);
	}
	/* A truncating error buffer is fine. */
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, NULL, 0), -1);

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), 0);
	assert_non_null(ca);
	assert_int_equal(ca_has_key(ca), 1);
	ca_free(ca);

	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), 0);
	ca_free(ca);
	ca_free(NULL);
}

static void
test_load_refusals(void **state)
{
	char		 path[512], cpath[512], err[512], *pem;
	struct ca	*ca = NULL;
	EVP_PKEY	*k;
	X509		*leaf;
	BIO		*bio;
	time_t		 now = time(NULL);

	(void)state;
	/* A key that is not the certificate's. */
	path_in(path, sizeof(path), "other.key");
	write_key(path, fx.other_key, 0600);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), -1);
	assert_null(ca);
	assert_non_null(strstr(err, "does not match"));

	/* Missing files. */
	path_in(path, sizeof(path), "missing.key");
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	path_in(cpath, sizeof(cpath), "missing.pem");
	assert_int_equal(ca_load(cpath, fx.key_path, &ca, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, cpath));

	/* Not a certificate; not a key. */
	path_in(cpath, sizeof(cpath), "garbage.pem");
	write_file(cpath, "hello\n", 0644);
	assert_int_equal(ca_load(cpath, fx.key_path, &ca, err,
	    sizeof(err)), -1);
	path_in(path, sizeof(path), "garbage.key");
	write_file(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n", 0600);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), -1);
	write_file(path, "", 0600);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), -1);
	/* A directory is not a key file. */
	assert_int_equal(ca_load(fx.cert_path, fx.dir, &ca, err,
	    sizeof(err)), -1);

	/* An encrypted key is refused, not prompted for. */
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, fx.ca_key,
	    EVP_aes_256_cbc(), "secret", 6, NULL, NULL), 1);
	pem = bio_str(bio);
	BIO_free(bio);
	path_in(path, sizeof(path), "enc.key");
	write_file(path, pem, 0600);
	free(pem);
	assert_int_equal(ca_load(fx.cert_path, path, &ca, err,
	    sizeof(err)), -1);
	assert_null(ca);

	/* A leaf certificate with its matching key is no CA. */
	k = ec_key("P-256");
	leaf = mkcert(k, "leaf", "leaf@example.org", fx.ca_cert, fx.ca_key,
	    now - DAY, now + DAY, 0);
	pem = x509_pem(leaf);
	path_in(cpath, sizeof(cpath), "leaf.pem");
	write_file(cpath, pem, 0644);
	free(pem);
	path_in(path, sizeof(path), "leaf.key");
	write_key(path, k, 0600);
	assert_int_equal(ca_load(cpath, path, &ca, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a CA"));
	assert_null(ca);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

static void
test_load_cert_only(void **state)
{
	struct ca		*ca = NULL;
	struct ca_csr		*csr;
	struct ca_issued	 is;
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	char			 err[256], *pem, *crl = (char *)&crl;
	struct ca_revoked	 r = { "0a", 0, 1 };

	(void)state;
	assert_int_equal(ca_load(fx.cert_path, NULL, &ca, err,
	    sizeof(err)), 0);
	assert_int_equal(ca_has_key(ca), 0);
	pem = x509_pem(fx.ca_cert);
	assert_string_equal(ca_cert_pem(ca), pem);
	assert_string_equal(ca_cert_pem(fx.ca), pem);
	free(pem);
	assert_int_equal(ca_has_key(fx.ca), 1);

	/* Without the key nothing can be signed. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);
	assert_int_equal(ca_issue(ca, csr, &subj, &prof_full, &is), -1);
	assert_null(is.pem);
	assert_int_equal(ca_crl(ca, &r, 1, 1, time(NULL), 3600, &crl), -1);
	assert_null(crl);
	ca_csr_free(csr);
	free(pem);
	ca_free(ca);
}

/* ---- CSRs ------------------------------------------------------------- */

static void
test_csr_good(void **state)
{
	struct {
		EVP_PKEY		*key;
		enum ca_key_type	 type;
		int			 bits;
	} t[] = {
		{ fx.k256, CA_KEY_EC, 256 },
		{ fx.k384, CA_KEY_EC, 384 },
		{ fx.krsa, CA_KEY_RSA, 2048 },
	};
	struct ca_csr	*csr;
	char		*pem, *exact, *crlf;
	size_t		 i, j, len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pem = mkcsr(t[i].key, "alice", "alice@example.org", 0);
		/* Exactly len bytes, no NUL after them: ASan would see. */
		len = strlen(pem);
		exact = malloc(len);
		assert_non_null(exact);
		memcpy(exact, pem, len);
		csr = NULL;
		assert_int_equal(ca_csr_parse(exact, len, &csr), CA_CSR_OK);
		assert_non_null(csr);
		assert_int_equal(ca_csr_key_type(csr), t[i].type);
		assert_int_equal(ca_csr_key_bits(csr), t[i].bits);
		assert_int_equal(ca_csr_mismatch(csr, "alice",
		    "alice@example.org"), 0);
		ca_csr_free(csr);
		free(exact);
		free(pem);
	}
	ca_csr_free(NULL);

	/* CRLF line ends and no final newline, as browsers may send. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	len = strlen(pem);
	crlf = malloc(2 * len + 1);
	assert_non_null(crlf);
	for (i = 0, j = 0; i < len; i++) {
		if (pem[i] == '\n')
			crlf[j++] = '\r';
		crlf[j++] = pem[i];
	}
	assert_int_equal(ca_csr_parse(crlf, j, &csr), CA_CSR_OK);
	ca_csr_free(csr);
	assert_int_equal(ca_csr_parse(crlf, j - 2, &csr), CA_CSR_OK);
	ca_csr_free(csr);
	assert_int_equal(ca_csr_parse(pem, len - 1, &csr), CA_CSR_OK);
	ca_csr_free(csr);
	free(crlf);
	free(pem);
}

static void
test_csr_key_policy(void **state)
{
	EVP_PKEY	*keys[5];
	struct ca_csr	*csr;
	char		*pem;
	size_t		 i;

	(void)state;
	keys[0] = rsa_key(1024);
	keys[1] = ec_key("P-521");
	keys[2] = ec_key("secp256k1");
	keys[3] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	keys[4] = ec_explicit_key();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_non_null(keys[i]);
		pem = mkcsr(keys[i], "alice", "alice@example.org", 0);
		csr = (struct ca_csr *)&csr;
		assert_int_equal(ca_csr_parse(pem, strlen(pem), &csr),
		    CA_CSR_KEY_POLICY);
		assert_null(csr);
		free(pem);
		EVP_PKEY_free(keys[i]);
	}
}

/* Flip one byte of a PEM object's DER at offset from the end. */
static char *
tamper(const char *pem, long from_end)
{
	BIO		*bio = BIO_new_mem_buf(pem, -1), *out;
	char		*name = NULL, *header = NULL, *s;
	unsigned char	*der = NULL;
	long		 len;

	assert_int_equal(PEM_read_bio(bio, &name, &header, &der, &len), 1);
	assert_true(len > from_end);
	der[len - from_end] ^= 0x01;
	out = BIO_new(BIO_s_mem());
	assert_true(PEM_write_bio(out, name, header, der, len) > 0);
	s = bio_str(out);
	BIO_free(out);
	BIO_free(bio);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	return s;
}

static void
test_csr_bad_signature(void **state)
{
	EVP_PKEY	*keys[] = { fx.k256, fx.krsa };
	struct ca_csr	*csr;
	char		*pem, *bad;
	size_t		 i;

	(void)state;
	/* Signed with a key other than the one it carries. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", CSR_OTHER_SIG);
	assert_int_equal(ca_csr_parse(pem, strlen(pem), &csr),
	    CA_CSR_BAD_SIGNATURE);
	assert_null(csr);
	free(pem);

	/* A flipped bit in the signature (ECDSA s, RSA last byte). */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		pem = mkcsr(keys[i], "alice", "alice@example.org", 0);
		bad = tamper(pem, 1);
		assert_int_equal(ca_csr_parse(bad, strlen(bad), &csr),
		    CA_CSR_BAD_SIGNATURE);
		assert_null(csr);
		free(bad);
		free(pem);
	}

	/* A flipped bit in the signed subject. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	bad = tamper(pem, 100);
	assert_int_not_equal(ca_csr_parse(bad, strlen(bad), &csr),
	    CA_CSR_OK);
	assert_null(csr);
	free(bad);
	free(pem);
}

static void
test_csr_malformed(void **state)
{
	static const char	 garbage[] = "this is not a CSR at all";
	static const char	 armored[] =
	    "-----BEGIN CERTIFICATE REQUEST-----\n"
	    "aGVsbG8gd29ybGQ=\n"
	    "-----END CERTIFICATE REQUEST-----\n";
	struct ca_csr		*csr;
	char			*pem, *cert, *both;
	size_t			 len;

	(void)state;
	assert_int_equal(ca_csr_parse(garbage, strlen(garbage), &csr),
	    CA_CSR_MALFORMED);
	assert_null(csr);
	assert_int_equal(ca_csr_parse(armored, strlen(armored), &csr),
	    CA_CSR_MALFORMED);
	assert_int_equal(ca_csr_parse("", 0, &csr), CA_CSR_MALFORMED);
	assert_int_equal(ca_csr_parse(NULL, 0, &csr), CA_CSR_MALFORMED);

	/* A certificate is not a CSR. */
	cert = x509_pem(fx.ca_cert);
	assert_int_equal(ca_csr_parse(cert, strlen(cert), &csr),
	    CA_CSR_MALFORMED);

	/* len is obeyed: a cut-off CSR is malformed. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	len = strlen(pem);
	assert_int_equal(ca_csr_parse(pem, len - 40, &csr),
	    CA_CSR_MALFORMED);
	assert_int_equal(ca_csr_parse(pem, len / 2, &csr),
	    CA_CSR_MALFORMED);
	assert_null(csr);

	/* The first PEM block decides. */
	both = malloc(strlen(cert) + len + 1);
	assert_non_null(both);
	snprintf(both, strlen(cert) + len + 1, "%s%s", cert, pem);
	assert_int_equal(ca_csr_parse(both, strlen(both), &csr),
	    CA_CSR_MALFORMED);
	free(both);
	free(cert);
	free(pem);
}

static void
test_csr_mismatch(void **state)
{
	struct ca_csr	*csr;
	char		*pem;

	(void)state;
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "alice@example.org"),
	    0);
	assert_int_equal(ca_csr_mismatch(csr, "bob", "alice@example.org"),
	    CA_MISMATCH_CN);
	assert_int_equal(ca_csr_mismatch(csr, "Alice", "alice@example.org"),
	    CA_MISMATCH_CN);
	assert_int_equal(ca_csr_mismatch(csr, "alic", "alice@example.org"),
	    CA_MISMATCH_CN);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "bob@example.org"),
	    CA_MISMATCH_EMAIL);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "Alice@example.org"),
	    CA_MISMATCH_EMAIL);
	assert_int_equal(ca_csr_mismatch(csr, "bob", "bob@example.org"),
	    CA_MISMATCH_CN | CA_MISMATCH_EMAIL);
	assert_int_equal(ca_csr_mismatch(csr, NULL, NULL),
	    CA_MISMATCH_CN | CA_MISMATCH_EMAIL);
	ca_csr_free(csr);
	free(pem);

	/* A missing e-mail address is a mismatch. */
	pem = mkcsr(fx.k256, "alice", NULL, CSR_NO_EMAIL);
	csr = csr_ok(pem);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "alice@example.org"),
	    CA_MISMATCH_EMAIL);
	ca_csr_free(csr);
	free(pem);

	/* Two CNs: a mismatch even if one of them agrees. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", CSR_TWO_CN);
	csr = csr_ok(pem);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "alice@example.org"),
	    CA_MISMATCH_CN);
	assert_int_equal(ca_csr_mismatch(csr, "root", "alice@example.org"),
	    CA_MISMATCH_CN);
	ca_csr_free(csr);
	free(pem);

	/* CN and emailAddress in one multi-valued RDN. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", CSR_ONE_RDN);
	csr = csr_ok(pem);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "alice@example.org"),
	    0);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "x@example.org"),
	    CA_MISMATCH_EMAIL);
	ca_csr_free(csr);
	free(pem);

	/* Extra subject fields do not matter to the comparison. */
	pem = mkcsr(fx.k256, "alice", "alice@example.org", CSR_EXTRAS);
	csr = csr_ok(pem);
	assert_int_equal(ca_csr_mismatch(csr, "alice", "alice@example.org"),
	    0);
	ca_csr_free(csr);
	free(pem);
}

/* ---- issuance --------------------------------------------------------- */

static void
test_issue_ec(void **state)
{
	(void)state;
	issue_check(fx.k256, groups2, 2, &prof_full);
	issue_check(fx.k384, groups1, 1, &prof_sparse);
	issue_check(fx.k256, NULL, 0, &prof_sparse);
}

static void
test_issue_rsa(void **state)
{
	(void)state;
	issue_check(fx.krsa, groups2, 2, &prof_full);
	issue_check(fx.krsa, groups1, 1, &prof_sparse);
}

static void
test_issue_group_order(void **state)
{
	static const char *const order[] = { "admins", "users", "ops-ü" };

	(void)state;
	issue_check(fx.k256, order, 3, &prof_full);
}

static void
test_issue_serials_differ(void **state)
{
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	struct ca_issued	 a, b;
	struct ca_csr		*csr;
	char			*pem;

	(void)state;
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, &prof_full, &a), 0);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, &prof_full, &b), 0);
	assert_string_not_equal(a.serial, b.serial);
	assert_string_not_equal(a.fingerprint, b.fingerprint);
	ca_issued_clear(&a);
	ca_issued_clear(&b);
	ca_issued_clear(NULL);
	ca_csr_free(csr);
	free(pem);
}

/* Nothing of the CSR but its key reaches the certificate. */
static void
test_issue_ignores_csr(void **state)
{
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	struct expect		 e = { subj.username, subj.email, groups1, 1,
	    &prof_sparse, 0, fx.k256, 0, 0 };
	struct ca_issued	 is;
	struct ca_csr		*csr;
	char			*pem, *text;
	X509			*x;
	BIO			*bio;

	(void)state;
	pem = mkcsr(fx.k256, "alice", "alice@example.org", CSR_EXTRAS);
	csr = csr_ok(pem);
	e.t0 = time(NULL);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, &prof_sparse, &is), 0);
	e.t1 = time(NULL);
	/* check_issued() demands exactly the expected fields. */
	x = check_issued(&is, &e);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(X509_print(bio, x), 1);
	text = bio_str(bio);
	assert_null(strstr(text, "Evil"));
	assert_null(strstr(text, "evil"));
	assert_null(strstr(text, "XX"));
	assert_null(strstr(text, "admins"));
	assert_null(strstr(text, "Server Authentication"));
	assert_null(strstr(text, "Code Signing"));
	assert_null(strstr(text, "Certificate Sign"));
	assert_null(strstr(text, "CA:TRUE"));
	free(text);
	BIO_free(bio);
	X509_free(x);
	ca_issued_clear(&is);
	ca_csr_free(csr);
	free(pem);
}

static void
test_issue_refusals(void **state)
{
	struct ca_subject	 good = { "alice", "alice@example.org",
	    groups1, 1 };
	struct ca_subject	 s;
	struct ca_profile	 p;
	struct ca_issued	 is;
	struct ca_csr		*csr;
	char			*pem, longcn[80];
	static const char *const empty[] = { "" };
	static const char *const badutf8[] = { "users\xff" };

	(void)state;
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);

	s = good;
	s.email = "alice@exämple.org";		/* not IA5 */
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	assert_null(is.pem);
	assert_string_equal(is.serial, "");
	s.email = "alice";
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	s.email = "alice@@example.org";
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	s.email = "alice @example.org";
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	s.email = NULL;
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);

	s = good;
	s.username = "";
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	memset(longcn, 'a', 65);
	longcn[65] = '\0';
	s.username = longcn;
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	s.username = "al\xc3";			/* truncated UTF-8 */
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);

	s = good;
	s.groups = empty;
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);
	s.groups = badutf8;
	assert_int_equal(ca_issue(fx.ca, csr, &s, &prof_full, &is), -1);

	p = prof_full;
	p.group_oid = "not-an-oid";
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);
	p.group_oid = "users";
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);
	p = prof_full;
	p.validity_days = 0;
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);
	p = prof_full;
	p.backdate_secs = -1;
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);
	p = prof_full;
	p.country = "DEU";
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);
	p.country = "D_";			/* not PrintableString */
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);
	p = prof_full;
	p.crl_url = "http://ca.example.org/crl pem";
	assert_int_equal(ca_issue(fx.ca, csr, &good, &p, &is), -1);

	assert_int_equal(ca_issue(fx.ca, NULL, &good, &prof_full, &is), -1);
	assert_int_equal(ca_issue(fx.ca, csr, &good, &prof_full, &is), 0);
	ca_issued_clear(&is);
	ca_csr_free(csr);
	free(pem);
}

/* The PBES2 parameters of a PKCS#12 bag: AES-256-CBC, PBKDF2-SHA256. */
static void
check_pbes2(const X509_ALGOR *alg)
{
	PBE2PARAM	*pbe2;
	PBKDF2PARAM	*kdf;

	assert_int_equal(OBJ_obj2nid(alg->algorithm), NID_pbes2);
	pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM),
	    alg->parameter);
	assert_non_null(pbe2);
	assert_int_equal(OBJ_obj2nid(pbe2->encryption->algorithm),
	    NID_aes_256_cbc);
	assert_int_equal(OBJ_obj2nid(pbe2->keyfunc->algorithm),
	    NID_id_pbkdf2);
	kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
	    pbe2->keyfunc->parameter);
	assert_non_null(kdf);
	assert_non_null(kdf->prf);
	assert_int_equal(OBJ_obj2nid(kdf->prf->algorithm),
	    NID_hmacWithSHA256);
	assert_true(ASN1_INTEGER_get(kdf->iter) >= 2048);
	PBKDF2PARAM_free(kdf);
	PBE2PARAM_free(pbe2);
}

static void
check_p12_structure(PKCS12 *p12, const char *pass, const char *username)
{
	const ASN1_OCTET_STRING	*mac;
	const X509_ALGOR	*macalg, *alg;
	const ASN1_OCTET_STRING	*salt;
	const ASN1_INTEGER	*iter;
	const ASN1_OBJECT	*obj;
	STACK_OF(PKCS7)		*safes;
	STACK_OF(PKCS12_SAFEBAG) *bags;
	PKCS7			*p7;
	PKCS12_SAFEBAG		*bag;
	char			*fname;
	int			 i, j, nkeys = 0, ncerts = 0;

	PKCS12_get0_mac(&mac, &macalg, &salt, &iter, p12);
	assert_non_null(mac);
	X509_ALGOR_get0(&obj, NULL, NULL, macalg);
	assert_int_equal(OBJ_obj2nid(obj), NID_sha256);
	assert_true(ASN1_INTEGER_get(iter) >= 2048);

	safes = PKCS12_unpack_authsafes(p12);
	assert_non_null(safes);
	for (i = 0; i < sk_PKCS7_num(safes); i++) {
		p7 = sk_PKCS7_value(safes, i);
		if (OBJ_obj2nid(p7->type) == NID_pkcs7_encrypted) {
			check_pbes2(p7->d.encrypted->enc_data->algorithm);
			bags = PKCS12_unpack_p7encdata(p7, pass, -1);
		} else {
			assert_int_equal(OBJ_obj2nid(p7->type),
			    NID_pkcs7_data);
			bags = PKCS12_unpack_p7data(p7);
		}
		assert_non_null(bags);
		for (j = 0; j < sk_PKCS12_SAFEBAG_num(bags); j++) {
			bag = sk_PKCS12_SAFEBAG_value(bags, j);
			switch (PKCS12_SAFEBAG_get_nid(bag)) {
			case NID_pkcs8ShroudedKeyBag:
				X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag),
				    &alg, NULL);
				check_pbes2(alg);
				fname = PKCS12_get_friendlyname(bag);
				assert_non_null(fname);
				assert_string_equal(fname, username);
				OPENSSL_free(fname);
				assert_non_null(PKCS12_SAFEBAG_get0_attr(bag,
				    NID_localKeyID));
				nkeys++;
				break;
			case NID_certBag:
				ncerts++;
				break;
			default:
				fail_msg("unexpected bag");
			}
		}
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	assert_int_equal(nkeys, 1);
	assert_int_equal(ncerts, 2);
}

static void
test_issue_with_key(void **state)
{
	struct ca_subject	 subj = { "admin", "admin@example.org",
	    groups2, 2 };
	struct expect		 e = { subj.username, subj.email, groups2, 2,
	    &prof_full, 0, NULL, 0, 0 };
	struct ca_issued	 is;
	struct ca_client	 cl;
	char			*key_pem = NULL;
	unsigned char		*p12 = NULL;
	const unsigned char	*p;
	size_t			 p12_len = 0;
	PKCS12			*pk;
	EVP_PKEY		*pkey = NULL, *pemkey;
	X509			*cert = NULL, *x;
	STACK_OF(X509)		*chain = NULL;
	BIO			*bio;
	const unsigned char	*alias;
	int			 alen;

	(void)state;
	e.t0 = time(NULL);
	assert_int_equal(ca_issue_with_key(fx.ca, &subj, &prof_full,
	    "s3cret pass", &is, &key_pem, &p12, &p12_len), 0);
	e.t1 = time(NULL);
	assert_non_null(key_pem);
	assert_non_null(p12);
	assert_true(p12_len > 0);
	assert_true(strncmp(key_pem, "-----BEGIN PRIVATE KEY-----\n", 28) ==
	    0);

	bio = BIO_new_mem_buf(key_pem, -1);
	pemkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(pemkey);
	assert_true(EVP_PKEY_is_a(pemkey, "EC"));
	assert_int_equal(EVP_PKEY_get_bits(pemkey), 256);
	e.pub = pemkey;
	x = check_issued(&is, &e);

	p = p12;
	pk = d2i_PKCS12(NULL, &p, (long)p12_len);
	assert_non_null(pk);
	assert_int_equal(PKCS12_verify_mac(pk, "s3cret pass", -1), 1);
	assert_int_equal(PKCS12_verify_mac(pk, "wrong", -1), 0);
	check_p12_structure(pk, "s3cret pass", "admin");
	assert_int_equal(PKCS12_parse(pk, "s3cret pass", &pkey, &cert,
	    &chain), 1);
	assert_int_equal(X509_check_private_key(cert, pkey), 1);
	assert_int_equal(EVP_PKEY_eq(pkey, pemkey), 1);
	assert_int_equal(X509_cmp(cert, x), 0);
	alias = X509_alias_get0(cert, &alen);
	assert_non_null(alias);
	assert_int_equal(alen, 5);
	assert_memory_equal(alias, "admin", 5);
	assert_int_equal(sk_X509_num(chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 0), fx.ca_cert), 0);

	/* And the admin's certificate is one of ours. */
	assert_int_equal(ca_verify_client(fx.ca, is.pem, strlen(is.pem),
	    time(NULL), &cl), CA_CLIENT_OK);
	assert_string_equal(cl.username, "admin");

	sk_X509_pop_free(chain, X509_free);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	PKCS12_free(pk);
	X509_free(x);
	EVP_PKEY_free(pemkey);
	ca_issued_clear(&is);
	free(key_pem);
	free(p12);

	/* Refusals leave the outputs empty. */
	assert_int_equal(ca_issue_with_key(fx.ca, &subj, &prof_full, NULL,
	    &is, &key_pem, &p12, &p12_len), -1);
	assert_null(key_pem);
	assert_null(p12);
	assert_int_equal(p12_len, 0);
	subj.email = "bad";
	assert_int_equal(ca_issue_with_key(fx.ca, &subj, &prof_full, "x",
	    &is, &key_pem, &p12, &p12_len), -1);
	assert_null(is.pem);
	assert_null(key_pem);
	assert_null(p12);
}

static enum ca_client_status
verify_x509_ca(const struct ca *ca, X509 *x, time_t now,
    struct ca_client *cl)
{
	char			*pem = x509_pem(x);
	enum ca_client_status	 st;

	st = ca_verify_client(ca, pem, strlen(pem), now, cl);
	free(pem);
	return st;
}

static enum ca_client_status
verify_x509(X509 *x, time_t now, struct ca_client *cl)
{
	return verify_x509_ca(fx.ca, x, now, cl);
}

/*
 * Load a CA made by the test from cert and key into files named after tag.
 * Returns the loaded ca.
 */
static struct ca *
load_ca(const char *tag, X509 *cert, EVP_PKEY *key)
{
	char		 cpath[512], kpath[512], name[64], err[256], *pem;
	struct ca	*ca = NULL;

	snprintf(name, sizeof(name), "%s.pem", tag);
	path_in(cpath, sizeof(cpath), name);
	snprintf(name, sizeof(name), "%s.key", tag);
	path_in(kpath, sizeof(kpath), name);
	pem = x509_pem(cert);
	write_file(cpath, pem, 0644);
	free(pem);
	write_key(kpath, key, 0600);
	assert_int_equal(ca_load(cpath, kpath, &ca, err, sizeof(err)), 0);
	return ca;
}

/* An intermediate CA is a trust anchor of its own: no root needed. */
static void
test_intermediate_ca(void **state)
{
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	struct ca_issued	 is, root_is;
	struct ca_client	 cl;
	struct ca_csr		*csr;
	struct ca		*ca;
	EVP_PKEY		*key;
	X509			*cert, *x;
	char			*pem;
	time_t			 now = time(NULL);

	(void)state;
	key = ec_key("P-384");
	cert = mkcert(key, "certM3 Issuing CA", NULL, fx.ca_cert, fx.ca_key,
	    now - DAY, now + 365 * DAY, 1);
	ca = load_ca("intermediate", cert, key);

	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);
	free(pem);
	assert_int_equal(ca_issue(ca, csr, &subj, &prof_full, &is), 0);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, &prof_full, &root_is),
	    0);
	ca_csr_free(csr);

	x = pem_x509(is.pem);
	assert_int_equal(X509_verify(x, key), 1);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(cert)), 0);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x),
	    X509_get0_subject_key_id(cert)), 0);
	X509_free(x);

	assert_int_equal(ca_verify_client(ca, is.pem, strlen(is.pem), now,
	    &cl), CA_CLIENT_OK);
	assert_string_equal(cl.serial, is.serial);
	/* The root's certificates are not the intermediate's, and back. */
	assert_int_equal(ca_verify_client(ca, root_is.pem,
	    strlen(root_is.pem), now, &cl), CA_CLIENT_INVALID);
	assert_int_equal(ca_verify_client(fx.ca, is.pem, strlen(is.pem), now,
	    &cl), CA_CLIENT_INVALID);

	ca_issued_clear(&is);
	ca_issued_clear(&root_is);
	ca_free(ca);
	X509_free(cert);
	EVP_PKEY_free(key);
}

/* An Ed25519 CA signs with its native algorithm. */
static void
test_ed25519_ca(void **state)
{
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	struct ca_revoked	 r = { "0a", 0, 1 };
	struct ca_issued	 is;
	struct ca_client	 cl;
	struct ca_csr		*csr;
	struct ca		*ca;
	EVP_PKEY		*key;
	X509			*cert, *x;
	X509_CRL		*crl;
	char			*pem;
	time_t			 now = time(NULL);

	(void)state;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(key);
	cert = mkcert(key, "certM3 Ed25519 CA", NULL, NULL, key, now - DAY,
	    now + 365 * DAY, 1);
	ca = load_ca("ed25519", cert, key);

	pem = mkcsr(fx.krsa, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);
	free(pem);
	assert_int_equal(ca_issue(ca, csr, &subj, &prof_full, &is), 0);
	ca_csr_free(csr);
	x = pem_x509(is.pem);
	assert_int_equal(X509_get_signature_nid(x), NID_ED25519);
	assert_int_equal(X509_verify(x, key), 1);
	X509_free(x);
	assert_int_equal(ca_verify_client(ca, is.pem, strlen(is.pem), now,
	    &cl), CA_CLIENT_OK);
	ca_issued_clear(&is);

	r.revoked_at = now;
	assert_int_equal(ca_crl(ca, &r, 1, 1, now, 3600, &pem), 0);
	crl = pem_crl(pem);
	free(pem);
	assert_int_equal(X509_CRL_verify(crl, key), 1);
	X509_CRL_free(crl);

	ca_free(ca);
	X509_free(cert);
	EVP_PKEY_free(key);
}

/*
 * A CA certificate without keyUsage would pass the sslclient purpose
 * check: presented as a client certificate it must still be refused.
 */
static void
test_verify_ca_itself(void **state)
{
	struct ca_client	 cl;
	struct ca		*ca;
	EVP_PKEY		*key;
	X509			*cert, *x;
	time_t			 now = time(NULL);

	(void)state;
	key = ec_key("P-256");
	cert = mkcert(key, "certM3 Bare CA", NULL, NULL, key, now - DAY,
	    now + 365 * DAY, CA_BARE);
	ca = load_ca("bare", cert, key);
	x = mkcert(fx.k256, "alice", "alice@example.org", cert, key,
	    now - DAY, now + DAY, 0);
	assert_int_equal(verify_x509_ca(ca, x, now, &cl), CA_CLIENT_OK);
	assert_int_equal(verify_x509_ca(ca, cert, now, &cl),
	    CA_CLIENT_INVALID);
	assert_string_equal(cl.username, "");
	X509_free(x);
	ca_free(ca);
	X509_free(cert);
	EVP_PKEY_free(key);
}

/* ---- client certificates ---------------------------------------------- */


static void
test_verify_client(void **state)
{
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	struct ca_issued	 is;
	struct ca_client	 cl;
	struct ca_csr		*csr;
	char			*pem, *exact;
	time_t			 now = time(NULL);
	X509			*x;
	size_t			 len;

	(void)state;
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(pem);
	free(pem);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, &prof_full, &is), 0);
	ca_csr_free(csr);

	/* Good, from a buffer of exactly len bytes. */
	len = strlen(is.pem);
	exact = malloc(len);
	assert_non_null(exact);
	memcpy(exact, is.pem, len);
	assert_int_equal(ca_verify_client(fx.ca, exact, len, now, &cl),
	    CA_CLIENT_OK);
	free(exact);
	assert_string_equal(cl.serial, is.serial);
	assert_string_equal(cl.username, "alice");
	assert_string_equal(cl.email, "alice@example.org");
	assert_string_equal(cl.fingerprint, is.fingerprint);
	assert_int_equal(cl.not_after, is.not_after);

	/* The same certificate seen after its notAfter: expired. */
	memset(&cl, 0xff, sizeof(cl));
	assert_int_equal(ca_verify_client(fx.ca, is.pem, strlen(is.pem),
	    is.not_after + 1, &cl), CA_CLIENT_EXPIRED);
	assert_string_equal(cl.serial, is.serial);
	assert_string_equal(cl.fingerprint, is.fingerprint);
	assert_string_equal(cl.username, "alice");
	assert_string_equal(cl.email, "alice@example.org");
	assert_int_equal(cl.not_after, is.not_after);
	/* OpenSSL counts the notAfter second itself as expired. */
	assert_int_equal(ca_verify_client(fx.ca, is.pem, strlen(is.pem),
	    is.not_after - 1, &cl), CA_CLIENT_OK);

	/* Before its notBefore: invalid, nothing filled. */
	assert_int_equal(ca_verify_client(fx.ca, is.pem, strlen(is.pem),
	    is.not_before - 10, &cl), CA_CLIENT_INVALID);
	assert_string_equal(cl.serial, "");
	assert_string_equal(cl.username, "");

	/* Cut short: invalid. */
	assert_int_equal(ca_verify_client(fx.ca, is.pem, strlen(is.pem) - 30,
	    now, &cl), CA_CLIENT_INVALID);
	ca_issued_clear(&is);

	/* Expired, made here and signed by our CA key. */
	x = mkcert(fx.k256, "bob", "bob@example.org", fx.ca_cert, fx.ca_key,
	    now - 30 * DAY, now - DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_EXPIRED);
	assert_string_equal(cl.username, "bob");
	assert_string_equal(cl.email, "bob@example.org");
	assert_int_equal(cl.not_after, now - DAY);
	X509_free(x);

	/* Without an e-mail address: fine, email is "". */
	x = mkcert(fx.k256, "carol", NULL, fx.ca_cert, fx.ca_key,
	    now - DAY, now + DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_OK);
	assert_string_equal(cl.username, "carol");
	assert_string_equal(cl.email, "");
	X509_free(x);

	/* Signed by another CA of the same name, valid or expired. */
	x = mkcert(fx.k256, "alice", "alice@example.org", fx.other_cert,
	    fx.other_key, now - DAY, now + DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_INVALID);
	X509_free(x);
	x = mkcert(fx.k256, "alice", "alice@example.org", fx.other_cert,
	    fx.other_key, now - 30 * DAY, now - DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_INVALID);
	assert_string_equal(cl.username, "");
	X509_free(x);

	/* A forgery naming our CA and its key id, expired: invalid. */
	x = mkcert(fx.k256, "alice", "alice@example.org", fx.ca_cert,
	    fx.other_key, now - 30 * DAY, now - DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_INVALID);
	X509_free(x);
	x = mkcert(fx.k256, "alice", "alice@example.org", fx.ca_cert,
	    fx.other_key, now - DAY, now + DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_INVALID);
	X509_free(x);

	/* Self-signed leaf. */
	x = mkcert(fx.k256, "alice", "alice@example.org", NULL, fx.k256,
	    now - DAY, now + DAY, 0);
	assert_int_equal(verify_x509(x, now, &cl), CA_CLIENT_INVALID);
	X509_free(x);

	/* Our CA certificate itself is no client certificate. */
	assert_int_equal(verify_x509(fx.ca_cert, now, &cl),
	    CA_CLIENT_INVALID);

	/* Once the CA itself has expired nothing is ours any more. */
	x = mkcert(fx.k256, "bob", "bob@example.org", fx.ca_cert, fx.ca_key,
	    now - 30 * DAY, now - DAY, 0);
	assert_int_equal(verify_x509(x, now + 4000 * DAY, &cl),
	    CA_CLIENT_INVALID);
	X509_free(x);

	/* Garbage, a CSR, nothing. */
	assert_int_equal(ca_verify_client(fx.ca, "garbage", 7, now, &cl),
	    CA_CLIENT_INVALID);
	assert_int_equal(ca_verify_client(fx.ca, NULL, 0, now, &cl),
	    CA_CLIENT_INVALID);
	pem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	assert_int_equal(ca_verify_client(fx.ca, pem, strlen(pem), now, &cl),
	    CA_CLIENT_INVALID);
	free(pem);
}

/* ---- CRL -------------------------------------------------------------- */

static void
check_entry(X509_REVOKED *rev, const char *serial_hex, time_t when,
    int reason)
{
	BIGNUM		*bn = NULL, *want = NULL;
	ASN1_ENUMERATED	*e;
	int		 crit;

	bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(rev), NULL);
	assert_int_equal(BN_hex2bn(&want, serial_hex),
	    (int)strlen(serial_hex));
	assert_int_equal(BN_cmp(bn, want), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(
	    X509_REVOKED_get0_revocationDate(rev), when), 0);
	e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL);
	if (reason == 0) {
		assert_null(e);
	} else {
		assert_non_null(e);
		assert_int_equal(crit, 0);
		assert_int_equal(ASN1_ENUMERATED_get(e), reason);
		ASN1_ENUMERATED_free(e);
	}
	BN_free(want);
	BN_free(bn);
}

static void
test_crl(void **state)
{
	struct ca_subject	 subj = { "alice", "alice@example.org",
	    groups1, 1 };
	struct ca_issued	 is;
	struct ca_csr		*csr;
	time_t			 now = time(NULL);
	struct ca_revoked	 r[4] = {
		{ "0a1b2c3d4e5f", now - 100, 1 },
		{ "FF00", now - 50, 4 },
		{ "1", now - 10, 0 },
		{ NULL, now - 5, 5 },
	};
	char			*pem = NULL, *csrpem;
	X509_CRL		*crl;
	STACK_OF(X509_REVOKED)	*revs;
	ASN1_INTEGER		*num;
	AUTHORITY_KEYID		*aki;
	X509			*x;
	int			 crit;

	(void)state;
	/* A certificate to revoke: the CRL must be usable by OpenSSL. */
	csrpem = mkcsr(fx.k256, "alice", "alice@example.org", 0);
	csr = csr_ok(csrpem);
	free(csrpem);
	assert_int_equal(ca_issue(fx.ca, csr, &subj, &prof_full, &is), 0);
	ca_csr_free(csr);
	r[3].serial = is.serial;

	assert_int_equal(ca_crl(fx.ca, r, 4, 42, now, 7 * DAY, &pem), 0);
	assert_non_null(pem);
	assert_true(strncmp(pem, "-----BEGIN X509 CRL-----\n", 25) == 0);
	crl = pem_crl(pem);
	free(pem);

	assert_int_equal(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
	assert_int_equal(X509_CRL_verify(crl, fx.ca_key), 1);
	assert_int_equal(X509_CRL_verify(crl, fx.other_key), 0);
	assert_int_equal(X509_CRL_get_signature_nid(crl),
	    NID_ecdsa_with_SHA256);
	assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(fx.ca_cert)), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_CRL_get0_lastUpdate(crl),
	    now), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_CRL_get0_nextUpdate(crl),
	    now + 7 * DAY), 0);

	num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
	assert_non_null(num);
	assert_int_equal(crit, 0);
	assert_int_equal(ASN1_INTEGER_get(num), 42);
	ASN1_INTEGER_free(num);
	aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, &crit,
	    NULL);
	assert_non_null(aki);
	assert_int_equal(crit, 0);
	assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid,
	    X509_get0_subject_key_id(fx.ca_cert)), 0);
	AUTHORITY_KEYID_free(aki);
	assert_int_equal(X509_CRL_get_ext_count(crl), 2);

	/* Sorted by serial number. */
	revs = X509_CRL_get_REVOKED(crl);
	assert_int_equal(sk_X509_REVOKED_num(revs), 4);
	check_entry(sk_X509_REVOKED_value(revs, 0), "1", now - 10, 0);
	check_entry(sk_X509_REVOKED_value(revs, 1), "ff00", now - 50, 4);
	check_entry(sk_X509_REVOKED_value(revs, 2), "0a1b2c3d4e5f",
	    now - 100, 1);
	check_entry(sk_X509_REVOKED_value(revs, 3), is.serial, now - 5, 5);

	/* OpenSSL sees the issued certificate as revoked. */
	x = pem_x509(is.pem);
	assert_int_equal(store_verify(x, crl, now), X509_V_ERR_CERT_REVOKED);
	X509_free(x);
	X509_CRL_free(crl);
	ca_issued_clear(&is);

	/* An empty CRL. */
	assert_int_equal(ca_crl(fx.ca, NULL, 0, 1, now, 3600, &pem), 0);
	crl = pem_crl(pem);
	free(pem);
	assert_int_equal(X509_CRL_verify(crl, fx.ca_key), 1);
	/* RFC 5280: revokedCertificates is absent, not empty. */
	assert_null(X509_CRL_get_REVOKED(crl));
	X509_CRL_free(crl);
}

static void
test_crl_refusals(void **state)
{
	static const char *const bad_serials[] = {
		"", "xyz", "0x1f", "-1", "12 34", " 12",
		"12345678901234567890123456789012345678901",
	};
	static const int	 bad_reasons[] = { -1, 7, 8, 11 };
	struct ca_revoked	 r[2] = {
		{ "0a", 1000, 1 },
		{ "0b", 2000, 1 },
	};
	char			*pem = (char *)&pem;
	time_t			 now = time(NULL);
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad_serials) / sizeof(bad_serials[0]); i++) {
		r[1].serial = bad_serials[i];
		assert_int_equal(ca_crl(fx.ca, r, 2, 1, now, 3600, &pem), -1);
		assert_null(pem);
	}
	r[1].serial = NULL;
	assert_int_equal(ca_crl(fx.ca, r, 2, 1, now, 3600, &pem), -1);
	r[1].serial = "0b";
	for (i = 0; i < sizeof(bad_reasons) / sizeof(bad_reasons[0]); i++) {
		r[1].reason = bad_reasons[i];
		assert_int_equal(ca_crl(fx.ca, r, 2, 1, now, 3600, &pem), -1);
		assert_null(pem);
	}
	r[1].reason = 1;
	assert_int_equal(ca_crl(fx.ca, r, 2, -1, now, 3600, &pem), -1);
	assert_int_equal(ca_crl(fx.ca, r, 2, 1, now, 0, &pem), -1);
	assert_int_equal(ca_crl(fx.ca, NULL, 2, 1, now, 3600, &pem), -1);
	/* 40 hex digits (20 bytes) is the most a serial may have. */
	r[1].serial = "7fffffffffffffffffffffffffffffffffffffff";
	assert_int_equal(ca_crl(fx.ca, r, 2, 1, now, 3600, &pem), 0);
	free(pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_load_key_permissions),
		cmocka_unit_test(test_load_refusals),
		cmocka_unit_test(test_load_cert_only),
		cmocka_unit_test(test_csr_good),
		cmocka_unit_test(test_csr_key_policy),
		cmocka_unit_test(test_csr_bad_signature),
		cmocka_unit_test(test_csr_malformed),
		cmocka_unit_test(test_csr_mismatch),
		cmocka_unit_test(test_issue_ec),
		cmocka_unit_test(test_issue_rsa),
		cmocka_unit_test(test_issue_group_order),
		cmocka_unit_test(test_issue_serials_differ),
		cmocka_unit_test(test_issue_ignores_csr),
		cmocka_unit_test(test_issue_refusals),
		cmocka_unit_test(test_issue_with_key),
		cmocka_unit_test(test_intermediate_ca),
		cmocka_unit_test(test_ed25519_ca),
		cmocka_unit_test(test_verify_ca_itself),
		cmocka_unit_test(test_verify_client),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_crl_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
