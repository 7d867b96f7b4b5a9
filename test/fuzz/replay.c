/*
 * replay: main() for a fuzz target built without libFuzzer. Feeds the
 * empty input, then every regular file of each directory argument (in
 * name order; a file argument is fed itself) to LLVMFuzzerTestOneInput,
 * after LLVMFuzzerInitialize when the target has one. A failed invariant
 * aborts; ctest runs this over test/fuzz/corpus/<name>/ on every build,
 * so the seeds and every crasher ever found are checked with the
 * project's compiler and sanitizers.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Optional in a target: NULL when it defines none. */
extern int LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

/* Read a whole file into a malloc'd buffer; 0 or -1. */
static int
slurp(const char *path, uint8_t **out, size_t *len)
{
	FILE	*f;
	uint8_t	*buf = NULL, *p;
	size_t	 cap = 0, n = 0, r;
	int	 rc = -1;

	*out = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			if ((p = realloc(buf, cap)) == NULL)
				goto out;
			buf = p;
		}
		if ((r = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Run one file; 0 or -1 when it cannot be read. */
static int
run_file(const char *path)
{
	uint8_t	*data, *copy;
	size_t	 len;

	if (slurp(path, &data, &len) == -1)
		return -1;
	/* An exact-size copy, so that ASan sees a read past the end. */
	if ((copy = malloc(len > 0 ? len : 1)) == NULL) {
		free(data);
		return -1;
	}
	memcpy(copy, data, len);
	free(data);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

/* Run every regular file of dir; the count run, or -1. */
static int
run_dir(const char *dir)
{
	struct dirent	**names;
	struct stat	  st;
	char		  path[4096];
	int		  i, n, run = 0, rc = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name) >= sizeof(path) ||
		    stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (run_file(path) == -1)
			rc = -1;
		run++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc == -1 ? -1 : run;
}

int
main(int argc, char *argv[])
{
	static const uint8_t	 empty[1];
	struct stat		 st;
	int			 i, n, total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s corpus-dir|file ...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	LLVMFuzzerTestOneInput(empty, 0);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) == 0 ? 1 : -1;
		if (n == -1)
			return 1;
		total += n;
	}
	/* A missing or empty corpus is a broken test, not a pass. */
	if (total == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	fprintf(stderr, "replay: %d inputs, all invariants held\n", total);
	return 0;
}
