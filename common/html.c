/*
 * html: escaped page building.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "json.h"

void
html_init(struct html *h)
{

	memset(h, 0, sizeof(*h));
}

void
html_free(struct html *h)
{

	free(h->buf);
	html_init(h);
}

static void
append(struct html *h, const char *s, size_t n)
{
	size_t	 cap;
	char	*p;

	if (h->oom)
		return;
	if (h->len + n + 1 > h->cap) {
		cap = h->cap > 0 ? h->cap : 4096;
		while (cap < h->len + n + 1)
			cap *= 2;
		if ((p = realloc(h->buf, cap)) == NULL) {
			h->oom = 1;
			return;
		}
		h->buf = p;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void
html_raw(struct html *h, const char *markup)
{

	if (markup != NULL)
		append(h, markup, strlen(markup));
}

void
html_text(struct html *h, const char *text)
{
	const unsigned char	*p, *run;
	const char		*rep;
	size_t			 n;

	if (text == NULL)
		return;
	/* Bytes that are not valid UTF-8 become U+FFFD as a whole. */
	if (!json_utf8_valid(text, strlen(text))) {
		append(h, "\xef\xbf\xbd", 3);
		return;
	}
	for (p = run = (const unsigned char *)text; *p != '\0'; p++) {
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			rep = (*p < 0x20 && *p != '\n' && *p != '\t') ||
			    *p == 0x7f ? "\xef\xbf\xbd" : NULL;
			break;
		}
		if (rep == NULL)
			continue;
		n = (size_t)(p - run);
		append(h, (const char *)run, n);
		append(h, rep, strlen(rep));
		run = p + 1;
	}
	append(h, (const char *)run, (size_t)(p - run));
}

void
html_fmt(struct html *h, const char *fmt, ...)
{
	va_list		 ap;
	const char	*p, *run;
	char		 num[32];

	va_start(ap, fmt);
	for (p = run = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		append(h, run, (size_t)(p - run));
		p++;
		switch (*p) {
		case 's':
			html_text(h, va_arg(ap, const char *));
			break;
		case 'R':
			html_raw(h, va_arg(ap, const char *));
			break;
		case 'd':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			html_raw(h, num);
			break;
		case 'z':
			p++;	/* %zu */
			snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
			html_raw(h, num);
			break;
		case 'l':
			if (p[1] == 'l') {
				p += 2;	/* %lld */
				snprintf(num, sizeof(num), "%lld",
				    va_arg(ap, long long));
			} else {
				p++;	/* %ld */
				snprintf(num, sizeof(num), "%ld",
				    va_arg(ap, long));
			}
			html_raw(h, num);
			break;
		case '%':
			append(h, "%", 1);
			break;
		default:
			/* A programming error: show it rather than guess. */
			append(h, "%?", 2);
			if (*p == '\0')
				p--;
			break;
		}
		run = p + 1;
	}
	append(h, run, (size_t)(p - run));
	va_end(ap);
}

char *
html_take(struct html *h, size_t *len)
{
	char	*b;

	if (h->buf == NULL)
		append(h, "", 0);
	b = h->buf;
	if (len != NULL)
		*len = h->len;
	if (h->oom) {
		free(b);
		b = NULL;
	}
	html_init(h);
	return b;
}

char *
html_escape(const char *text)
{
	struct html	 h;

	html_init(&h);
	html_text(&h, text);
	return html_take(&h, NULL);
}
