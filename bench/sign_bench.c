/*
 * sign_bench: in-process timing of the signing path's OpenSSL work, without
 * nginx, FastCGI or PostgreSQL: ca_csr_parse (PEM decode, DER parse, key
 * policy, CSR signature check), ca_issue (build, sign with the CA key, PEM,
 * fingerprint) and, for comparison, ca_verify_client (what every request
 * authenticated by a client certificate costs in auth_cert).
 *
 *   sign_bench CA_CERT CA_KEY ITERATIONS CSR_FILE...
 *
 * Prints one line per CSR file and operation: microseconds per operation
 * (wall and process CPU time) and operations per second. Built by
 * bench/run.sh against build-bench/common/libcertm3common.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ca.h"

#define CSR_MAX	(64 * 1024)

struct clocks {
	struct timespec	 wall;
	struct timespec	 cpu;
};

static void
clocks_now(struct clocks *c)
{

	clock_gettime(CLOCK_MONOTONIC, &c->wall);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->cpu);
}

static double
elapsed_us(const struct timespec *a, const struct timespec *b)
{

	return (double)(b->tv_sec - a->tv_sec) * 1e6 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

static void
report(const char *file, const char *op, long n, const struct clocks *t0,
    const struct clocks *t1)
{
	double	 wall = elapsed_us(&t0->wall, &t1->wall) / (double)n;
	double	 cpu = elapsed_us(&t0->cpu, &t1->cpu) / (double)n;

	printf("%-28s %-22s %8ld ops %10.1f us/op wall %10.1f us/op cpu "
	    "%9.0f ops/s\n", file, op, n, wall, cpu, 1e6 / wall);
}

/* Read a whole (small) file into a NUL-terminated buffer; NULL on error. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = malloc(CSR_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, CSR_MAX, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *
base(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/*
 * Time one CSR file: parse, issue, both, and verifying what was issued. The
 * subject comes from subj, never from the CSR, as in certs_issue.
 */
static int
bench_one(const struct ca *ca, const struct ca_profile *prof,
    const char *path, long iter)
{
	static const char *const groups[] = { "users", "staff", "bench" };
	struct ca_subject	 subj;
	struct ca_issued	 is;
	struct ca_client	 cl;
	struct ca_csr		*csr = NULL;
	struct clocks		 t0, t1;
	char			*pem;
	size_t			 len;
	long			 i;
	int			 rc = -1;

	if ((pem = slurp(path, &len)) == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	subj.username = "benchuser";
	subj.email = "benchuser@bench.example";
	subj.groups = groups;
	subj.ngroups = sizeof(groups) / sizeof(groups[0]);

	/* Warm-up: first use of each algorithm loads providers, tables. */
	if (ca_csr_parse(pem, len, &csr) != CA_CSR_OK) {
		fprintf(stderr, "%s: CSR refused\n", path);
		goto out;
	}
	if (ca_issue(ca, csr, &subj, prof, &is) == -1) {
		fprintf(stderr, "%s: issue failed\n", path);
		goto out;
	}
	ca_issued_clear(&is);
	ca_csr_free(csr);
	csr = NULL;

	clocks_now(&t0);
	for (i = 0; i < iter; i++) {
		if (ca_csr_parse(pem, len, &csr) != CA_CSR_OK)
			goto out;
		ca_csr_free(csr);
		csr = NULL;
	}
	clocks_now(&t1);
	report(base(path), "ca_csr_parse", iter, &t0, &t1);

	if (ca_csr_parse(pem, len, &csr) != CA_CSR_OK)
		goto out;
	clocks_now(&t0);
	for (i = 0; i < iter; i++) {
		if (ca_issue(ca, csr, &subj, prof, &is) == -1)
			goto out;
		ca_issued_clear(&is);
	}
	clocks_now(&t1);
	report(base(path), "ca_issue", iter, &t0, &t1);
	ca_csr_free(csr);
	csr = NULL;

	/* What POST /request/api/certificate does in OpenSSL, end to end. */
	clocks_now(&t0);
	for (i = 0; i < iter; i++) {
		if (ca_csr_parse(pem, len, &csr) != CA_CSR_OK ||
		    ca_issue(ca, csr, &subj, prof, &is) == -1)
			goto out;
		ca_issued_clear(&is);
		ca_csr_free(csr);
		csr = NULL;
	}
	clocks_now(&t1);
	report(base(path), "parse+issue", iter, &t0, &t1);

	/* A certificate-authenticated request's check (auth_cert). */
	if (ca_csr_parse(pem, len, &csr) != CA_CSR_OK ||
	    ca_issue(ca, csr, &subj, prof, &is) == -1)
		goto out;
	clocks_now(&t0);
	for (i = 0; i < iter; i++)
		if (ca_verify_client(ca, is.pem, strlen(is.pem), time(NULL),
		    &cl) != CA_CLIENT_OK) {
			ca_issued_clear(&is);
			goto out;
		}
	clocks_now(&t1);
	report(base(path), "ca_verify_client", iter, &t0, &t1);
	ca_issued_clear(&is);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "%s: failed during the timed loop\n", path);
	ca_csr_free(csr);
	free(pem);
	return rc;
}

int
main(int argc, char **argv)
{
	struct ca		*ca = NULL;
	struct ca_profile	 prof;
	char			 err[512];
	long			 iter;
	int			 i, rc = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: %s CA_CERT CA_KEY ITERATIONS "
		    "CSR_FILE...\n", argv[0]);
		return 2;
	}
	if ((iter = strtol(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "ITERATIONS must be positive\n");
		return 2;
	}
	if (ca_load(argv[1], argv[2], &ca, err, sizeof(err)) == -1) {
		fprintf(stderr, "cannot load the CA: %s\n", err);
		return 1;
	}
	/* The development defaults (var/cert-defaults.conf). */
	memset(&prof, 0, sizeof(prof));
	prof.country = "US";
	prof.state = "California";
	prof.locality = "San Francisco";
	prof.organization = "certM3 Development";
	prof.org_unit = "People";
	prof.validity_days = 365;
	prof.backdate_secs = 300;
	prof.crl_url = "https://localhost:8443/request/crl.pem";
	prof.group_oid = "1.3.6.1.4.1.10049.2";
	for (i = 4; i < argc; i++)
		if (bench_one(ca, &prof, argv[i], iter) == -1)
			rc = 1;
	ca_free(ca);
	return rc;
}
