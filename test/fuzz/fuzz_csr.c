/*
 * fuzz_csr: ca_csr_parse (common/ca.c), the check of every uploaded CSR,
 * then what is done with an accepted one.
 *
 * Input: byte 0 picks the mode (mod 3):
 *   0  the rest is the upload as is (PEM text, or anything);
 *   1  the rest is DER, wrapped as a CERTIFICATE REQUEST PEM block;
 *   2  the rest is (offset hi, offset lo, xor) triples applied to the DER
 *      of a good EC P-256 CSR, then wrapped.
 * Invariants:
 *  - the status is one of enum ca_csr_status and *out is set exactly on
 *    CA_CSR_OK;
 *  - an accepted CSR has a key the policy allows (RSA 2048..8192, EC
 *    256 or 384 bits) and CN/emailAddress comparison answers;
 *  - an accepted CSR can be issued for: ca_issue succeeds and
 *    ca_verify_client accepts the result with the subject, serial and
 *    fingerprint ca_issue reported (the CSR's own names are ignored),
 *    and the certificate's public key is the CSR's (read apart here);
 *  - mode 2 without patches (the good CSR) is accepted with no mismatch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ca.h"
#include "fuzz.h"
#include "ca_fixture.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	fx_init();
	return 0;
}

/* The first PEM block of pem as an X509_REQ, read with OpenSSL alone. */
static X509_REQ *
req_of(const char *pem, size_t len)
{
	BIO			*bio;
	X509_REQ		*req = NULL;
	char			*name = NULL, *header = NULL;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	long			 n;

	FX_OK((bio = BIO_new_mem_buf(pem, (int)len)) != NULL);
	if (PEM_read_bio(bio, &name, &header, &der, &n) == 1) {
		p = der;
		req = d2i_X509_REQ(NULL, &p, n);
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return req;
}

/* Issue for an accepted CSR and verify what comes out. */
static void
issue_and_verify(const struct ca_csr *csr, const char *pem, size_t len)
{
	struct ca_issued	 is;
	struct ca_client	 cl;
	enum ca_client_status	 st;
	X509_REQ		*req;
	X509			*x;
	BIO			*bio;

	FUZZ_CHECK(ca_issue(fx.ca, csr, &fx_subj, &fx_prof, &is) == 0);
	FUZZ_CHECK(is.pem != NULL && is.not_after > is.not_before);
	st = ca_verify_client(fx.ca, is.pem, strlen(is.pem), time(NULL), &cl);
	FUZZ_CHECK(st == CA_CLIENT_OK);
	FUZZ_CHECK(strcmp(cl.username, FX_USER) == 0);
	FUZZ_CHECK(strcmp(cl.email, FX_EMAIL) == 0);
	FUZZ_CHECK(strcmp(cl.serial, is.serial) == 0);
	FUZZ_CHECK(strcmp(cl.fingerprint, is.fingerprint) == 0);
	FUZZ_CHECK(cl.not_after == is.not_after);

	FUZZ_CHECK((req = req_of(pem, len)) != NULL);
	FX_OK((bio = BIO_new_mem_buf(is.pem, -1)) != NULL);
	FX_OK((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL);
	FUZZ_CHECK(EVP_PKEY_eq(X509_get0_pubkey(x),
	    X509_REQ_get0_pubkey(req)) == 1);
	X509_free(x);
	BIO_free(bio);
	X509_REQ_free(req);
	ca_issued_clear(&is);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ca_csr		*csr = (struct ca_csr *)1;
	enum ca_csr_status	 st;
	unsigned char		*der = NULL;
	char			*pem = NULL;
	size_t			 len;
	const char		*in;
	int			 mode, bits, mask;

	fx_init();
	if (size < 1)
		return 0;
	mode = data[0] % 3;
	if (mode == 0) {
		in = (const char *)data + 1;
		len = size - 1;
		st = ca_csr_parse(in, len, &csr);
	} else {
		if (mode == 1)
			pem = fx_pem("CERTIFICATE REQUEST", data + 1, size - 1,
			    &len);
		else {
			der = fx_patch(fx.csr_der, fx.csr_len, data + 1,
			    size - 1);
			pem = fx_pem("CERTIFICATE REQUEST", der, fx.csr_len,
			    &len);
		}
		st = ca_csr_parse(pem, len, &csr);
		in = pem;
	}
	FUZZ_CHECK(st == CA_CSR_OK || st == CA_CSR_MALFORMED ||
	    st == CA_CSR_BAD_SIGNATURE || st == CA_CSR_KEY_POLICY);
	FUZZ_CHECK((st == CA_CSR_OK) == (csr != NULL));
	if (mode == 2 && size - 1 < 3)
		FUZZ_CHECK(st == CA_CSR_OK &&
		    ca_csr_mismatch(csr, FX_USER, FX_EMAIL) == 0);
	if (st == CA_CSR_OK) {
		bits = ca_csr_key_bits(csr);
		if (ca_csr_key_type(csr) == CA_KEY_EC)
			FUZZ_CHECK(bits == 256 || bits == 384);
		else
			FUZZ_CHECK(ca_csr_key_type(csr) == CA_KEY_RSA &&
			    bits >= 2048 && bits <= 8192);
		mask = ca_csr_mismatch(csr, NULL, NULL);
		FUZZ_CHECK(mask == (CA_MISMATCH_CN | CA_MISMATCH_EMAIL));
		mask = ca_csr_mismatch(csr, FX_USER, FX_EMAIL);
		FUZZ_CHECK((mask & ~(CA_MISMATCH_CN | CA_MISMATCH_EMAIL)) == 0);
		issue_and_verify(csr, in, len);
		ca_csr_free(csr);
	}
	free(pem);
	free(der);
	return 0;
}
