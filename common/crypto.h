/*
 * crypto: random tokens, hashes and constant-time comparison (OpenSSL).
 */
#ifndef CERTM3_CRYPTO_H
#define CERTM3_CRYPTO_H

#include <stddef.h>

#define TOKEN_BYTES	32			/* 256 bits */
#define TOKEN_LEN	43			/* base64url, no padding */
#define SHA256_HEX	65			/* 64 hex + NUL */

/* n bytes from the OpenSSL CSPRNG; 0/-1. */
int	 crypto_random(void *buf, size_t n);
/* A fresh URL-safe token of TOKEN_LEN characters; 0/-1. */
int	 crypto_token(char out[TOKEN_LEN + 1]);
/* Lower-case hex SHA-256 of data. */
void	 crypto_sha256_hex(const void *data, size_t len,
	    char out[SHA256_HEX]);
/* Constant-time equality of two n-byte buffers; 1/0. */
int	 crypto_equal(const void *a, const void *b, size_t n);
/* Constant-time equality of two strings (length leaks only); 1/0. */
int	 crypto_str_equal(const char *a, const char *b);
/* Lower-case hex HMAC-SHA256 of msg under key. */
void	 crypto_hmac_hex(const void *key, size_t klen, const void *msg,
	    size_t mlen, char out[SHA256_HEX]);
/* A request id: 16 hex characters from the CSPRNG. */
void	 crypto_request_id(char out[17]);

#endif /* CERTM3_CRYPTO_H */
