/*
 * valid: input validators of SPEC §2. Predicates return 1/0; those with
 * an out buffer write the normalised value there.
 */
#ifndef CERTM3_VALID_H
#define CERTM3_VALID_H

#include <stddef.h>

#define USERNAME_MIN	3
#define USERNAME_MAX	32
#define EMAIL_MAX	254
#define DISPLAY_MAX	128	/* characters */
#define DESCRIPTION_MAX	1024	/* characters */
#define UUID_LEN	36
#define SERIAL_MAX	40	/* hex digits */

/* 3–32 chars, ^[a-z][a-z0-9._-]*$ after lower-casing; out gets it. */
int	 valid_username(const char *in, char out[USERNAME_MAX + 1]);
/* Group names follow the username rule. */
int	 valid_group_name(const char *in, char out[USERNAME_MAX + 1]);
/*
 * ≤ 254 bytes of ASCII (certificates carry it as an IA5String), one @
 * with text either side, no spaces or controls.
 */
int	 valid_email(const char *in);
/* 1..max characters of UTF-8, no control characters. */
int	 valid_text(const char *in, size_t max_chars);
int	 valid_display_name(const char *in);
/* Canonical 8-4-4-4-12 hex; out gets it lower-cased. */
int	 valid_uuid(const char *in, char out[UUID_LEN + 1]);
/* 1..40 hex digits; out gets it lower-cased without leading zeros. */
int	 valid_serial(const char *in, char out[SERIAL_MAX + 1]);
/*
 * A real UTC time written "YYYY-MM-DDTHH:MM:SSZ" (2030-02-31 is not);
 * such texts compare as their times do.
 */
int	 valid_iso_time(const char *s);
/* Non-empty printable ASCII, at most max bytes. */
int	 valid_printable(const char *in, size_t max);

#endif /* CERTM3_VALID_H */
