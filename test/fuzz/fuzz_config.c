/*
 * fuzz_config: config_parse (common/config.c) on any file, for both key
 * tables (certm3.conf and cert-defaults.conf).
 *
 * Input: byte 0 bit 0 picks the table; the rest is the file, written to
 * a memfd that config_parse opens as /proc/self/fd/N.
 * Invariants:
 *  - on success every key has a value of its type: strings without
 *    control characters, URLs starting http:// or https:// without a
 *    trailing '/' or a space, integers and durations within [min, max],
 *    lists of at most CONFIG_LIST_MAX non-empty items without ',' or
 *    white space;
 *  - on failure every string is NULL and every list empty (the caller
 *    has nothing to free), and LeakSanitizer sees nothing either way;
 *  - parsing the same file twice gives the same answer.
 */
#define _GNU_SOURCE	/* memfd_create */

#include <sys/mman.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static int	 fd = -1;
static char	 path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	if ((fd = memfd_create("fuzz_config", MFD_CLOEXEC)) == -1) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

static int
no_controls(const char *s)
{

	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Check every value of a parsed table. */
static void
check_values(const struct config_key *keys, const void *base, int ok)
{
	const struct config_key	*k;
	const struct config_list *l;
	const char		*p, *s;
	size_t			 i;
	long			 v;

	for (k = keys; k->name != NULL; k++) {
		p = (const char *)base + k->offset;
		switch (k->type) {
		case CONFIG_STRING:
		case CONFIG_URL:
			memcpy(&s, p, sizeof(s));
			if (!ok) {
				FUZZ_CHECK(s == NULL);
				break;
			}
			FUZZ_CHECK(s != NULL && no_controls(s));
			if (k->type == CONFIG_URL) {
				FUZZ_CHECK(strncmp(s, "https://", 8) == 0 ||
				    strncmp(s, "http://", 7) == 0);
				FUZZ_CHECK(s[strlen(s) - 1] != '/');
				FUZZ_CHECK(strchr(s, ' ') == NULL);
			}
			break;
		case CONFIG_INT:
		case CONFIG_DURATION:
			memcpy(&v, p, sizeof(v));
			if (ok)
				FUZZ_CHECK(v >= k->min && v <= k->max);
			break;
		case CONFIG_BOOL:
			break;
		case CONFIG_LIST:
			l = (const struct config_list *)(const void *)p;
			FUZZ_CHECK(l->n <= CONFIG_LIST_MAX);
			if (!ok) {
				FUZZ_CHECK(l->n == 0);
				break;
			}
			for (i = 0; i < l->n; i++) {
				FUZZ_CHECK(l->v[i][0] != '\0');
				for (s = l->v[i]; *s != '\0'; s++)
					FUZZ_CHECK(*s != ',' &&
					    !isspace((unsigned char)*s));
			}
			break;
		}
	}
}

/* Two parses of one file agree on every value. */
static void
check_same(const struct config_key *keys, const void *b1, const void *b2)
{
	const struct config_key	 *k;
	const struct config_list *l1, *l2;
	const char		 *p1, *p2, *s1, *s2;
	size_t			  i;

	for (k = keys; k->name != NULL; k++) {
		p1 = (const char *)b1 + k->offset;
		p2 = (const char *)b2 + k->offset;
		switch (k->type) {
		case CONFIG_STRING:
		case CONFIG_URL:
			memcpy(&s1, p1, sizeof(s1));
			memcpy(&s2, p2, sizeof(s2));
			FUZZ_CHECK(strcmp(s1, s2) == 0);
			break;
		case CONFIG_LIST:
			l1 = (const struct config_list *)(const void *)p1;
			l2 = (const struct config_list *)(const void *)p2;
			FUZZ_CHECK(l1->n == l2->n);
			for (i = 0; i < l1->n; i++)
				FUZZ_CHECK(strcmp(l1->v[i], l2->v[i]) == 0);
			break;
		case CONFIG_BOOL:
			FUZZ_CHECK(memcmp(p1, p2, sizeof(int)) == 0);
			break;
		default:
			FUZZ_CHECK(memcmp(p1, p2, sizeof(long)) == 0);
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config_key	*keys;
	struct config		 c1, c2;
	struct cert_defaults	 d1, d2;
	void			*b1, *b2;
	int			 rc1, rc2;

	if (fd == -1)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size < 1)
		return 0;
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data + 1, size - 1, 0) !=
	    (ssize_t)(size - 1))
		abort();
	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	if (data[0] & 1) {
		keys = cert_defaults_keys;
		b1 = &d1;
		b2 = &d2;
	} else {
		keys = config_keys;
		b1 = &c1;
		b2 = &c2;
	}
	rc1 = config_parse(path, keys, b1);
	rc2 = config_parse(path, keys, b2);
	FUZZ_CHECK(rc1 == 0 || rc1 == -1);
	FUZZ_CHECK(rc1 == rc2);
	check_values(keys, b1, rc1 == 0);
	if (rc1 == 0) {
		check_same(keys, b1, b2);
		config_clear(keys, b1);
		config_clear(keys, b2);
		check_values(keys, b1, 0);
	}
	return 0;
}
