/* SPDX-License-Identifier: ISC */
/*
 * bench/metascale.c - metadata scale for `make bench` (issue 7, item 4).
 *
 *   metascale DIR NAME [ROLE...]
 *
 * Verifies DIR/1.root.json, timestamp.json, snapshot.json and targets.json
 * with the client's own TUF code (manifest/tuf.h, the 5.2-5.6 order), then
 * each delegated ROLE (DIR/ROLE.json, delegated by "targets"), then looks
 * NAME up LOOKUPS times: in the top-level targets, else through the
 * delegations of "targets" that cover it (TUF 5.6.7).  Prints one line:
 *   metascale: verify_ms=F lookup_us=F found_in=ROLE length=N maxrss_kib=N
 * Exit 0 when NAME was found, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "manifest/tuf.h"
#include "port/port.h"

#include "port/ban.h"

#define LOOKUPS 1000
#define DELEG_MAX 8

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint8_t *
slurp(const char *dir, const char *file, size_t *len)
{
	char path[1024];
	uint8_t *buf = NULL;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
	    au_file_read_all(path, 64u << 20, &buf, len, NULL) != 0) {
		fprintf(stderr, "metascale: cannot read %s\n", path);
		exit(1);
	}
	return buf;
}

static void
must(int rc, const char *what, const struct au_diag *d)
{
	if (rc != 0) {
		fprintf(stderr, "metascale: %s: %s: %s\n", what, au_strerror(rc), d->msg);
		exit(1);
	}
}

/* Load (verify) one delegated role of "targets". */
static void
load_role(struct au_trusted *t, const char *dir, const char *role, int64_t now)
{
	char file[300];
	struct au_diag d = { "", 0 };
	uint8_t *b;
	size_t n;

	snprintf(file, sizeof(file), "%s.json", role);
	b = slurp(dir, file, &n);
	must(au_trusted_update_delegated(t, role, "targets", b, n, now, &d), role, &d);
	free(b);
}

/* Top-level, then the delegations of "targets" covering name. */
static const char *
lookup(struct au_trusted *t, const char *dir, const char *name, int64_t now,
    struct au_target *tg)
{
	struct au_delegation dl[DELEG_MAX];
	struct au_diag d = { "", 0 };
	size_t i, n = 0;

	if (au_trusted_find_target(t, name, tg, &d) == 0)
		return "targets";
	if (au_trusted_role_delegations(t, "targets", name, dl, DELEG_MAX, &n) != 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!au_trusted_has_role(t, dl[i].name))
			load_role(t, dir, dl[i].name, now);
		if (au_trusted_role_target(t, dl[i].name, "targets", name, tg,
		    &d) == 0)
			return dl[i].name;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	static const char *const files[] = { "timestamp.json", "snapshot.json",
	    "targets.json" };
	struct au_diag d = { "", 0 };
	struct au_trusted *t = NULL;
	struct au_target tg;
	struct rusage ru;
	const char *found = NULL;
	int64_t now = (int64_t)time(NULL);
	double t0, t1, t2;
	uint8_t *b;
	size_t n;
	int i, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: metascale DIR NAME [ROLE...]\n");
		return 2;
	}
	t0 = now_ms();
	b = slurp(argv[1], "1.root.json", &n);
	must(au_trusted_new(b, n, &t, &d), "root", &d);
	free(b);
	for (i = 0; i < 3; i++) {
		b = slurp(argv[1], files[i], &n);
		rc = i == 0 ? au_trusted_update_timestamp(t, b, n, now, NULL, &d) :
		    i == 1 ? au_trusted_update_snapshot(t, b, n, now, &d) :
		    au_trusted_update_targets(t, b, n, now, &d);
		must(rc, files[i], &d);
		free(b);
	}
	for (i = 3; i < argc; i++)
		load_role(t, argv[1], argv[i], now);
	t1 = now_ms();
	memset(&tg, 0, sizeof(tg));
	for (i = 0; i < LOOKUPS; i++) {
		au_target_clear(&tg);
		found = lookup(t, argv[1], argv[2], now, &tg);
	}
	t2 = now_ms();
	getrusage(RUSAGE_SELF, &ru);
	printf("metascale: verify_ms=%.1f lookup_us=%.2f found_in=%s length=%llu maxrss_kib=%ld\n",
	    t1 - t0, (t2 - t1) * 1e3 / LOOKUPS, found ? found : "-",
	    (unsigned long long)tg.length, ru.ru_maxrss);
	au_target_clear(&tg);
	au_trusted_free(t);
	return found ? 0 : 1;
}
