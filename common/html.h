/*
 * html: building HTML pages with every value escaped by one helper.
 *
 * html_text() is the only way untrusted text enters a page; it escapes
 * for both element text and double-quoted attribute values. html_fmt()
 * escapes every %s it is given; %R inserts trusted markup (literals of
 * the program only, never input).
 */
#ifndef CERTM3_HTML_H
#define CERTM3_HTML_H

#include <stddef.h>

struct html {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 oom;		/* an allocation failed; output is partial */
};

void	 html_init(struct html *);
void	 html_free(struct html *);
/* Trusted markup, appended as is. */
void	 html_raw(struct html *, const char *markup);
/* Untrusted text: & < > " ' escaped; invalid UTF-8 and controls replaced. */
void	 html_text(struct html *, const char *text);
/*
 * Formatted output: %s escaped text (NULL prints nothing), %R trusted
 * markup, %d int, %ld long, %lld long long, %zu size_t, %% a percent.
 */
void	 html_fmt(struct html *, const char *fmt, ...);
/* Hand the buffer over (NUL-terminated, malloc'd); h is reset. */
char	*html_take(struct html *, size_t *len);

/* Escape text into a new malloc'd string (for tests and one-offs). */
char	*html_escape(const char *text);

#endif /* CERTM3_HTML_H */
