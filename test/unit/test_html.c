/*
 * Unit tests of common/html: the escaping every manager page relies on.
 */
#include <stdlib.h>
#include <string.h>

#include "cmocka_all.h"

#include "html.h"

static void
check(const char *in, const char *want)
{
	char	*got = html_escape(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
escaping(void **state)
{

	(void)state;
	check("<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	check("\"><img src=x onerror=alert(1)>",
	    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	check("O'Brien & Sons", "O&#39;Brien &amp; Sons");
	check("&amp;", "&amp;amp;");
	check("J\xc3\xb6rg \xe6\x9d\x8e \xf0\x9f\x98\x80",
	    "J\xc3\xb6rg \xe6\x9d\x8e \xf0\x9f\x98\x80");
	check("bell\x07", "bell\xef\xbf\xbd");
	check("bad \xff utf8", "\xef\xbf\xbd");
	check("", "");
}

static void
formatting(void **state)
{
	struct html	 h;
	char		*out;

	(void)state;
	html_init(&h);
	html_fmt(&h, "<a href=\"/u/%s\" title=\"%s\">%R %d %ld %zu %lld 100%%</a>",
	    "a\"b", "<x>", "<b>ok</b>", -3, 7L, (size_t)9, 1LL << 40);
	out = html_take(&h, NULL);
	assert_string_equal(out, "<a href=\"/u/a&quot;b\" title=\"&lt;x&gt;\">"
	    "<b>ok</b> -3 7 9 1099511627776 100%</a>");
	free(out);
	html_fmt(&h, "%s|%s", NULL, "x");
	out = html_take(&h, NULL);
	assert_string_equal(out, "|x");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(formatting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
