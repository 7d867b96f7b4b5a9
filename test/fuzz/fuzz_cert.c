/*
 * fuzz_cert: ca_verify_client (common/ca.c), the check of every client
 * certificate nginx passes on, and ca_pem_subject.
 *
 * Input: byte 0 picks the mode (mod 4):
 *   0  the rest is the PEM as is;
 *   1  the rest is DER, wrapped as a CERTIFICATE PEM block;
 *   2  the rest is (offset hi, offset lo, xor) triples applied to the DER
 *      of a certificate ca_issue made, then wrapped;
 *   3  as 2 after a byte picking the time of verification: now, before
 *      notBefore, after notAfter.
 * Invariants:
 *  - the status is one of enum ca_client_status; for CA_CLIENT_INVALID
 *    *out is all zero;
 *  - OK or EXPIRED only for the CA's own certificate, byte for byte (no
 *    change the fuzzer makes to a signed certificate is accepted), with
 *    its username, e-mail, serial and fingerprint, EXPIRED exactly after
 *    notAfter, and INVALID before notBefore;
 *  - a fingerprint is the SHA-256 of the DER in lower-case hex, and a
 *    serial lower-case hex without leading zeros;
 *  - ca_pem_subject NUL-terminates within its buffer, and names CN=alice
 *    for the good certificate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

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

static int
lower_hex(const char *s)
{

	return s[0] != '\0' && strspn(s, "0123456789abcdef") == strlen(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ca_client zero;
	struct ca_client	 cl;
	enum ca_client_status	 st;
	unsigned char		*der = NULL, md[SHA256_DIGEST_LENGTH];
	char			*pem, subject[256], fpr[CA_FPR_LEN];
	size_t			 len, i, n;
	time_t			 now;
	int			 mode, when = 0, good, rc;

	fx_init();
	if (size < 1)
		return 0;
	mode = data[0] % 4;
	now = fx.now;
	if (mode == 0) {
		pem = fuzz_str(data + 1, size - 1);
		len = size - 1;
	} else if (mode == 1)
		pem = fx_pem("CERTIFICATE", data + 1, size - 1, &len);
	else {
		i = 1;
		if (mode == 3 && size > 1) {
			when = data[1] % 3;
			i = 2;
		}
		if (when == 1)
			now = fx.issued.not_before - 1;
		else if (when == 2)
			now = fx.issued.not_after + 1;
		der = fx_patch(fx.cert_der, fx.cert_len, data + i, size - i);
		pem = fx_pem("CERTIFICATE", der, fx.cert_len, &len);
	}
	good = der != NULL && memcmp(der, fx.cert_der, fx.cert_len) == 0;

	memset(&cl, 0xa5, sizeof(cl));
	st = ca_verify_client(fx.ca, pem, len, now, &cl);
	FUZZ_CHECK(st == CA_CLIENT_OK || st == CA_CLIENT_EXPIRED ||
	    st == CA_CLIENT_INVALID);
	if (st == CA_CLIENT_INVALID)
		FUZZ_CHECK(memcmp(&cl, &zero, sizeof(cl)) == 0);
	else {
		/* Only the certificate the CA signed gets through. */
		FUZZ_CHECK(good);
		FUZZ_CHECK(strcmp(cl.username, FX_USER) == 0);
		FUZZ_CHECK(strcmp(cl.email, FX_EMAIL) == 0);
		FUZZ_CHECK(strcmp(cl.serial, fx.issued.serial) == 0);
		FUZZ_CHECK(lower_hex(cl.serial) && (cl.serial[0] != '0' ||
		    cl.serial[1] == '\0'));
		SHA256(der, fx.cert_len, md);
		for (n = 0; n < sizeof(md); n++)
			snprintf(fpr + 2 * n, 3, "%02x", md[n]);
		FUZZ_CHECK(strcmp(cl.fingerprint, fpr) == 0);
		FUZZ_CHECK(strcmp(cl.fingerprint, fx.issued.fingerprint) == 0);
		FUZZ_CHECK(cl.not_after == fx.issued.not_after);
	}
	if (good)
		FUZZ_CHECK(st == (when == 0 ? CA_CLIENT_OK : when == 1 ?
		    CA_CLIENT_INVALID : CA_CLIENT_EXPIRED));

	memset(subject, 'x', sizeof(subject));
	if (mode == 0 || strlen(pem) == len) {
		rc = ca_pem_subject(pem, subject, sizeof(subject));
		FUZZ_CHECK(rc == 0 || rc == -1);
		FUZZ_CHECK(memchr(subject, '\0', sizeof(subject)) != NULL);
		if (good)
			FUZZ_CHECK(rc == 0 && strstr(subject, "CN=" FX_USER)
			    != NULL);
	}
	free(pem);
	free(der);
	return 0;
}
