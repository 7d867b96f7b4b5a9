/*
 * fuzz_html: html_text / html_escape / html_fmt (common/html.c) on any
 * text.
 *
 * Input: the text, up to a NUL.
 * Invariants of the escaped form e:
 *  - it holds no raw '<', '>', '"' or '\'', and every '&' starts one of
 *    &amp; &lt; &gt; &quot; &#39;;
 *  - it is valid UTF-8 with no control character but tab and newline;
 *  - invalid UTF-8 input gives exactly U+FFFD; otherwise unescaping e
 *    gives the input with each other control replaced by U+FFFD;
 *  - html_fmt("…%s…%s…%d%%") is the literal markup around e, and
 *    appending e three times to a page builds their concatenation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "fuzz.h"

#define FFFD	"\xef\xbf\xbd"

static const struct {
	const char	*ent;
	char		 c;
} entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	{ "&quot;", '"' }, { "&#39;", '\'' },
};

/* Undo the escaping of e into a new string; aborts on a stray '&'. */
static char *
unescape(const char *e)
{
	char	*out, *o;
	size_t	 i;

	if ((out = malloc(strlen(e) + 1)) == NULL)
		abort();
	for (o = out; *e != '\0'; ) {
		if (*e != '&') {
			*o++ = *e++;
			continue;
		}
		for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
			if (strncmp(e, entities[i].ent,
			    strlen(entities[i].ent)) == 0)
				break;
		FUZZ_CHECK(i < sizeof(entities) / sizeof(entities[0]));
		*o++ = entities[i].c;
		e += strlen(entities[i].ent);
	}
	*o = '\0';
	return out;
}

/* The input with controls (but tab and newline) and DEL as U+FFFD. */
static char *
expected(const char *s)
{
	char	*out, *o;

	if ((out = malloc(3 * strlen(s) + 1)) == NULL)
		abort();
	for (o = out; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') ||
		    *s == 0x7f) {
			memcpy(o, FFFD, 3);
			o += 3;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct html	 h;
	char		*s, *e, *u, *want, *page, *fmt;
	const char	*p;
	size_t		 len, elen;

	s = fuzz_str(data, size);
	e = html_escape(s);
	FUZZ_CHECK(e != NULL);
	elen = strlen(e);
	FUZZ_CHECK(strpbrk(e, "<>\"'") == NULL);
	FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)e, elen, NULL));
	for (p = e; *p != '\0'; p++)
		FUZZ_CHECK(((unsigned char)*p >= 0x20 && *p != 0x7f) ||
		    *p == '\t' || *p == '\n');
	u = unescape(e);
	if (!fuzz_utf8_ok((const unsigned char *)s, strlen(s), NULL))
		FUZZ_CHECK(strcmp(e, FFFD) == 0);
	else {
		want = expected(s);
		FUZZ_CHECK(strcmp(u, want) == 0);
		free(want);
	}

	html_init(&h);
	html_fmt(&h, "<td title=\"%s\">%s</td>%d%%", s, s, 42);
	page = html_take(&h, &len);
	if ((fmt = malloc(2 * elen + 32)) == NULL)
		abort();
	snprintf(fmt, 2 * elen + 32, "<td title=\"%s\">%s</td>42%%", e, e);
	FUZZ_CHECK(page != NULL && len == strlen(page) &&
	    strcmp(page, fmt) == 0);
	free(page);

	html_init(&h);
	html_raw(&h, "<p>");
	html_text(&h, s);
	html_text(&h, s);
	html_text(&h, s);
	page = html_take(&h, &len);
	FUZZ_CHECK(page != NULL && len == 3 + 3 * elen);
	FUZZ_CHECK(strncmp(page, "<p>", 3) == 0 &&
	    strncmp(page + 3, e, elen) == 0 &&
	    strncmp(page + 3 + elen, e, elen) == 0 &&
	    strcmp(page + 3 + 2 * elen, e) == 0);
	free(page);
	free(fmt);
	free(u);
	free(e);
	free(s);
	return 0;
}
