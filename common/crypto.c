/*
 * crypto: CSPRNG tokens, SHA-256, constant-time comparison.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"

int
crypto_random(void *buf, size_t n)
{

	if (n > 0x7fffffff)
		return -1;
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

int
crypto_token(char out[TOKEN_LEN + 1])
{
	static const char	 b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char		 raw[TOKEN_BYTES + 1];
	size_t			 i, o = 0;
	unsigned long		 v;

	if (crypto_random(raw, TOKEN_BYTES) == -1)
		return -1;
	raw[TOKEN_BYTES] = 0;
	/* 33 bytes → 11 groups of 4 characters; keep the first 43. */
	for (i = 0; i < TOKEN_BYTES; i += 3) {
		v = (unsigned long)raw[i] << 16 |
		    (unsigned long)raw[i + 1] << 8 | raw[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		if (o < TOKEN_LEN)
			out[o++] = b64url[(v >> 6) & 63];
		if (o < TOKEN_LEN)
			out[o++] = b64url[v & 63];
	}
	out[TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
crypto_sha256_hex(const void *data, size_t len, char out[SHA256_HEX])
{
	unsigned char	 md[32];
	unsigned int	 mdlen = 0, i;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		mdlen = 0;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * mdlen] = '\0';
}

void
crypto_hmac_hex(const void *key, size_t klen, const void *msg, size_t mlen,
    char out[SHA256_HEX])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	if (klen > 0x7fffffff ||
	    HMAC(EVP_sha256(), key, (int)klen, msg, mlen, md, &mdlen) == NULL)
		mdlen = 0;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * mdlen] = '\0';
}

int
crypto_equal(const void *a, const void *b, size_t n)
{

	return CRYPTO_memcmp(a, b, n) == 0;
}

int
crypto_str_equal(const char *a, const char *b)
{
	size_t	 la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}

void
crypto_request_id(char out[17])
{
	unsigned char	 raw[8] = { 0 };
	size_t		 i;

	(void)crypto_random(raw, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}
