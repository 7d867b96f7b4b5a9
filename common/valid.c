/*
 * valid: the field rules of SPEC §2.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "valid.h"

int
valid_username(const char *in, char out[USERNAME_MAX + 1])
{
	size_t	 len, i;
	char	 c;

	out[0] = '\0';
	if (in == NULL)
		return 0;
	len = strlen(in);
	if (len < USERNAME_MIN || len > USERNAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') ||
		    (i > 0 && ((c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')))) {
			out[0] = '\0';
			return 0;
		}
		out[i] = c;
	}
	out[len] = '\0';
	return 1;
}

int
valid_group_name(const char *in, char out[USERNAME_MAX + 1])
{

	return valid_username(in, out);
}

int
valid_email(const char *in)
{
	const char	*at, *p;
	size_t		 len;

	if (in == NULL)
		return 0;
	len = strlen(in);
	if (len < 3 || len > EMAIL_MAX || !json_utf8_valid(in, len))
		return 0;
	if ((at = strchr(in, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	if (at == in || at[1] == '\0')
		return 0;
	/*
	 * ASCII only: the address is written into certificates, whose
	 * emailAddress and rfc822Name are IA5String (RFC 5280).
	 */
	for (p = in; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
		    *p == '(' || *p == ')' || *p == ';' || *p == '\\')
			return 0;
	/* The domain needs a dot-free label at least; no leading dot. */
	if (at[1] == '.' || in[len - 1] == '.')
		return 0;
	return 1;
}

/*
 * Count UTF-8 characters of a valid string, rejecting C0, DEL and C1
 * controls (U+0080..U+009F, encoded C2 80..C2 9F), U+2028/U+2029.
 */
int
valid_text(const char *in, size_t max_chars)
{
	const unsigned char	*p;
	size_t			 len, chars = 0;

	if (in == NULL)
		return 0;
	len = strlen(in);
	if (len == 0 || !json_utf8_valid(in, len))
		return 0;
	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9))
			return 0;
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	return chars <= max_chars;
}

int
valid_display_name(const char *in)
{
	const char	*p;

	if (!valid_text(in, DISPLAY_MAX))
		return 0;
	/* Not only white space. */
	for (p = in; *p == ' '; p++)
		continue;
	return *p != '\0';
}

int
valid_uuid(const char *in, char out[UUID_LEN + 1])
{
	size_t	 i;

	out[0] = '\0';
	if (in == NULL || strlen(in) != UUID_LEN)
		return 0;
	for (i = 0; i < UUID_LEN; i++) {
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? in[i] != '-' :
		    !isxdigit((unsigned char)in[i])) {
			out[0] = '\0';	/* not a prefix written so far */
			return 0;
		}
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[UUID_LEN] = '\0';
	return 1;
}

int
valid_serial(const char *in, char out[SERIAL_MAX + 1])
{
	size_t	 len, i, j;

	out[0] = '\0';
	if (in == NULL)
		return 0;
	len = strlen(in);
	if (len == 0 || len > SERIAL_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)in[i]))
			return 0;
	for (i = 0; i + 1 < len && in[i] == '0'; i++)
		continue;
	for (j = 0; i < len; i++, j++)
		out[j] = (char)tolower((unsigned char)in[i]);
	out[j] = '\0';
	return 1;
}

int
valid_printable(const char *in, size_t max)
{
	size_t	 len;

	if (in == NULL)
		return 0;
	len = strlen(in);
	if (len == 0 || len > max)
		return 0;
	for (; *in != '\0'; in++)
		if (*in < 0x20 || *in > 0x7e)
			return 0;
	return 1;
}

int
valid_iso_time(const char *s)
{
	static const char	 pat[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm		 tm, back;
	time_t			 t;
	size_t			 i;

	if (s == NULL || strlen(s) != sizeof(pat) - 1)
		return 0;
	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != pat[i])
			return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	back = tm;
	/*
	 * timegm normalises: a day or hour out of range comes back moved.
	 * Its -1 is no error test: it is also 1969-12-31T23:59:59Z, and a
	 * real failure cannot come back as the input.
	 */
	t = timegm(&tm);
	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_year == back.tm_year && tm.tm_mon == back.tm_mon &&
	    tm.tm_mday == back.tm_mday && tm.tm_hour == back.tm_hour &&
	    tm.tm_min == back.tm_min && tm.tm_sec == back.tm_sec;
}
