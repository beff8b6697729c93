/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_tamper.c - installed bytes are the verified bytes (issue 12,
 * finding 2).  Linked with port/fault.c: a forked child stages an artifact
 * (au_stage_begin/resume, write, commit) while the backend plays an attacker
 * at its N-th "tamper point" (AIUPDATE_FAULT_TAMPER: before every durable
 * operation and every read or rewind of a staged file), replacing the staged
 * download under its name or rewriting it in place.  N goes over every point
 * of the run; after each, either the commit was refused as an artifact
 * failure (AU_EART_*) and store/<hash> does not exist, or the store holds
 * exactly the signed bytes.  The moments covered: after the writes and before
 * the verification, after the verification and before the rename or the
 * extraction (and during it), during the re-hash of a resumed download.
 */
#include "client/install/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "port/port.h"
#include "tests/unit/harness.h"

#include "port/ban.h"

#define CONTENT 600		/* bytes of the bundle's one file */
/* Set-up that cannot fail on a working machine. */
#define MUST(cond) do { if (!(cond)) { perror(#cond); abort(); } } while (0)

static char root[256];
static uint8_t raw[3000], tarball[2048];

static void
expect_for(const uint8_t *data, size_t len, struct au_stage_expect *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->length = len;
	ex->has_sha256 = 1;
	crypto_hash_sha256(ex->sha256, data, len);
}

/* A ustar archive holding a.txt: CONTENT bytes of 'g' (data at byte 512). */
static void
make_tar(void)
{
	uint8_t *h = tarball;
	unsigned sum = 0;
	size_t i;

	memset(tarball, 0, sizeof(tarball));
	memcpy(h, "a.txt", 5);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011o", CONTENT);
	memcpy(h + 136, "00000000000", 11);
	h[156] = '0';
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	memset(tarball + 512, 'g', CONTENT);
}

/* ---- the child: one staging run under the fault backend ---- */

static int
child(const char *scenario, const char *dir)
{
	int bundle = strstr(scenario, "bundle") != NULL;
	int resume = strstr(scenario, "resume") != NULL;
	const uint8_t *data = bundle ? tarball : raw;
	size_t len = bundle ? sizeof(tarball) : sizeof(raw), at, mid;
	struct au_diag d = { "", 0 };
	struct au_stage_expect ex;
	struct au_store *s = NULL;
	struct au_stage *st = NULL;
	char hex[65];
	int rc;

	expect_for(data, len, &ex);
	rc = au_store_open(dir, &s, &d);
	if (rc == 0)
		rc = resume ? au_stage_resume(s, &ex, &st, &d) :
		    au_stage_begin(s, &ex, &st, &d);
	at = rc == 0 && resume ? (size_t)au_stage_offset(st) : 0;
	mid = at > len / 2 ? at : len / 2;
	if (rc == 0 && mid > at)
		rc = au_stage_write(st, data + at, mid - at, &d);
	if (rc == 0)
		rc = au_stage_write(st, data + mid, len - mid, &d);
	if (rc == 0)
		rc = au_stage_commit(st, bundle ? "p/b.tar" : "m/w.bin", hex,
		    &d);
	else
		au_stage_abort(st);
	au_store_free(s);
	if (rc != 0 && getenv("AU_TEST_VERBOSE"))
		fprintf(stderr, "  child: %s\n", d.msg);
	if (rc == 0)
		return 0;
	return au_err_class(rc) == au_err_class(AU_EART_HASH) ? 13 : 1;
}

/*
 * ---- the parent ----
 * It makes no port/ call before its last child is done: port/fault.c reads
 * its environment at its first use, which must be in each child (no exec:
 * the cross builds run this under qemu-user or a sysroot's loader).
 */

static int
file_is(const char *path, const uint8_t *want, size_t len)
{
	uint8_t buf[4096];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return n == len && memcmp(buf, want, len) == 0;
}

/* A partial download of the first half, as a suspended run leaves it. */
static void
plant_partial(const char *dir, const uint8_t *data, size_t len)
{
	struct au_stage_expect ex;
	char path[800], hex[65];
	FILE *fp;
	size_t i;

	expect_for(data, len, &ex);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", ex.sha256[i]);
	snprintf(path, sizeof(path), "%s/partial", dir);
	MUST(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/partial/%s.part", dir, hex);
	MUST((fp = fopen(path, "wb")) != NULL);
	MUST(fwrite(data, 1, len / 2, fp) == len / 2 && fclose(fp) == 0);
	snprintf(path, sizeof(path), "%s/partial/%s.val", dir, hex);
	MUST((fp = fopen(path, "wb")) != NULL);
	MUST(fputs("\"etag\"", fp) >= 0 && fclose(fp) == 0);
}

/* Run the child at tamper point n; 0 when the point was never reached. */
static int
run_at(const char *scenario, const char *how, long n, int *status,
    char dir[600])
{
	char mark[700], num[32];
	struct stat sb;
	pid_t pid;
	int ws;

	snprintf(dir, 600, "%s/%s-%s-%ld", root, scenario, how, n);
	snprintf(mark, sizeof(mark), "%s.mark", dir);
	MUST(mkdir(dir, 0755) == 0);
	if (strstr(scenario, "resume") != NULL)
		plant_partial(dir, strstr(scenario, "bundle") ? tarball : raw,
		    strstr(scenario, "bundle") ? sizeof(tarball) : sizeof(raw));
	snprintf(num, sizeof(num), "%ld", n);
	pid = fork();
	MUST(pid >= 0);
	if (pid == 0) {
		setenv("AIUPDATE_FAULT_ROOT", dir, 1);
		setenv("AIUPDATE_FAULT_TAMPER", num, 1);
		setenv("AIUPDATE_FAULT_TAMPER_HOW", how, 1);
		setenv("AIUPDATE_FAULT_TAMPER_MARK", mark, 1);
		_exit(child(scenario, dir));
	}
	MUST(waitpid(pid, &ws, 0) == pid);
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128;
	return stat(mark, &sb) == 0;
}

/* Every tamper point of one scenario: never a wrong byte installed. */
static void
scenario(const char *name, const char *how, int some_refused)
{
	int bundle = strstr(name, "bundle") != NULL, status, bad = 0;
	const uint8_t *data = bundle ? tarball : raw;
	size_t len = bundle ? sizeof(tarball) : sizeof(raw), i;
	struct au_stage_expect ex;
	char dir[600], path[800], hex[65];
	long n, refused = 0;
	struct stat sb;

	expect_for(data, len, &ex);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", ex.sha256[i]);
	for (n = 0; n < 5000; n++) {
		if (!run_at(name, how, n, &status, dir))
			break;
		snprintf(path, sizeof(path), "%s/store/%s", dir, hex);
		if (status == 13) {
			refused++;
			if (stat(path, &sb) == 0)
				bad++;
			continue;
		}
		snprintf(path, sizeof(path), bundle ? "%s/store/%s/a.txt" :
		    "%s/store/%s/w.bin", dir, hex);
		if (status != 0 || !(bundle ? file_is(path, tarball + 512,
		    CONTENT) : file_is(path, raw, len))) {
			fprintf(stderr, "  %s/%s: tamper point %ld: status %d, "
			    "store holds other bytes\n", name, how, n, status);
			bad++;
		}
	}
	fprintf(stderr, "  %s (%s): %ld tamper points, %ld refused\n", name,
	    how, n, refused);
	CHECK(n > 5);
	CHECK(!some_refused || refused > 0);
	CHECK_EQ(bad, 0);
}

TEST(raw_file_replaced_at_every_moment)
{
	scenario("raw", "replace", 1);
}

TEST(resumed_raw_file_replaced_at_every_moment)
{
	scenario("resume-raw", "replace", 1);
}

TEST(bundle_replaced_or_rewritten_at_every_moment)
{
	/* replaced under its name: harmless, the descriptor reads the original */
	scenario("bundle", "replace", 0);
	scenario("bundle", "write", 1);
	scenario("resume-bundle", "write", 1);
}

int
main(int argc, char **argv)
{
	size_t i;

	harness_args(argc, argv);
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7 + 1);
	make_tar();
	if (harness_tmpdir(root, sizeof(root), "au-test-tamper") == NULL)
		return 1;
	RUN(raw_file_replaced_at_every_moment);
	RUN(resumed_raw_file_replaced_at_every_moment);
	RUN(bundle_replaced_or_rewritten_at_every_moment);
	if (au_remove_tree(root, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", root);
	return harness_done();
}
