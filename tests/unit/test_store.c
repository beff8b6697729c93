/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_store.c - staging, hash/length verification, install into
 * the store, atomic switch, rollback, gc and the health check, on real files
 * under a fresh directory in $TMPDIR.
 */
#include "client/install/stage.h"
#include "client/install/health.h"
#include "client/install/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static char root[256];

static void
fresh(void)
{
	if (harness_tmpdir(root, sizeof(root), "au-test-store") == NULL)
		abort();
}

static void
cleanup(void)
{
	if (au_remove_tree(root, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", root);
}

static void
expect_for(const void *data, size_t len, struct au_stage_expect *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->length = len;
	ex->has_sha256 = ex->has_sha512 = 1;
	crypto_hash_sha256(ex->sha256, data, len);
	crypto_hash_sha512(ex->sha512, data, len);
}

static void
hex_of(const void *data, size_t len, char out[65])
{
	uint8_t h[32];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, 32);
}

/* Stage data in pieces and commit it under target; returns the code. */
static int
put(struct au_store *s, const char *target, const void *data, size_t len,
    const struct au_stage_expect *ex, char hex[65], struct au_diag *d)
{
	struct au_stage *st = NULL;
	const char *p = data;
	size_t k;
	int rc;

	rc = au_stage_begin(s, ex, &st, d);
	for (; rc == 0 && len > 0; p += k, len -= k) {
		k = len < 3 ? len : 3;
		rc = au_stage_write(st, p, k, d);
	}
	if (rc != 0) {
		au_stage_abort(st);
		return rc;
	}
	return au_stage_commit(st, target, hex, d);
}

static int
count_cb(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

static int
count_in(const char *sub)
{
	char p[512];
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", root, sub);
	if (au_dir_list(p, count_cb, &n, NULL) != 0)
		return -1;
	return n;
}

static int
file_is(const char *rel, const char *want)
{
	char p[1024], buf[256];
	FILE *fp;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fp = fopen(p, "rb");
	if (fp == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return strcmp(buf, want) == 0;
}

static struct au_store *
open_store(void)
{
	struct au_store *s = NULL;
	struct au_diag d = { "", 0 };

	if (au_store_open(root, &s, &d) != 0) {
		fprintf(stderr, "  open: %s\n", d.msg);
		return NULL;
	}
	return s;
}

TEST(open_creates_layout_and_cleans_tmp)
{
	struct au_store *s;
	char p[512];
	FILE *fp;

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	CHECK_STR(au_store_dir(s), root);
	CHECK_EQ(count_in("store"), 0);
	CHECK_EQ(count_in("targets"), 0);
	snprintf(p, sizeof(p), "%s/tmp/leftover", root);
	fp = fopen(p, "w");
	REQUIRE(fp != NULL);
	fclose(fp);
	au_store_free(s);
	CHECK_EQ(count_in("tmp"), 1);
	s = open_store();
	CHECK(s != NULL);
	CHECK_EQ(count_in("tmp"), 0);
	au_store_free(s);
	au_store_free(NULL);
	cleanup();
}

TEST(raw_file_good)
{
	static const char data[] = "model weights v1";
	struct au_stage_expect ex;
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char hex[65] = "", want[65], rel[200];

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, strlen(data), &ex);
	hex_of(data, strlen(data), want);
	CHECK(!au_store_has(s, want));
	CHECK_EQ(put(s, "models/eng.traineddata", data, strlen(data), &ex, hex,
	    &d), 0);
	CHECK_STR(hex, want);
	CHECK(au_store_has(s, want));
	snprintf(rel, sizeof(rel), "store/%s/eng.traineddata", want);
	CHECK(file_is(rel, data));
	CHECK_EQ(count_in("tmp"), 0);
	/* idempotent: the same content again */
	CHECK_EQ(put(s, "models/eng.traineddata", data, strlen(data), &ex, hex,
	    &d), 0);
	CHECK_EQ(count_in("store"), 1);
	CHECK_EQ(count_in("tmp"), 0);
	/* only sha512 listed still works and still keys by sha256 */
	ex.has_sha256 = 0;
	CHECK_EQ(put(s, "x", data, strlen(data), &ex, hex, &d), 0);
	CHECK_STR(hex, want);
	au_store_free(s);
	cleanup();
}

TEST(raw_file_flipped_byte_refused)
{
	static const char data[] = "model weights v1";
	char bad[sizeof(data)];
	struct au_stage_expect ex;
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char hex[65] = "unchanged", gothex[65];

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, strlen(data), &ex);
	memcpy(bad, data, sizeof(data));
	bad[5] ^= 1;
	hex_of(bad, strlen(bad), gothex);
	CHECK_EQ(put(s, "m.bin", bad, strlen(bad), &ex, hex, &d),
	    AU_EART_HASH);
	CHECK(strstr(d.msg, "sha256") != NULL);
	CHECK(strstr(d.msg, gothex) != NULL);	/* received hash shown */
	CHECK_STR(hex, "unchanged");		/* out-param untouched */
	CHECK_EQ(count_in("store"), 0);
	CHECK_EQ(count_in("tmp"), 0);
	/* only sha512 listed, and wrong: refused, the message says sha512 */
	ex.sha512[0] ^= 1;
	ex.has_sha256 = 0;
	CHECK_EQ(put(s, "m.bin", data, strlen(data), &ex, hex, &d),
	    AU_EART_HASH);
	CHECK(strstr(d.msg, "sha512") != NULL);
	CHECK_EQ(count_in("store"), 0);
	/* both listed: every listed hash must match, so a wrong sha512
	 * beside a right sha256 is refused too (issue 2: "SHA-512 when
	 * listed") */
	ex.has_sha256 = 1;
	CHECK_EQ(put(s, "m.bin", data, strlen(data), &ex, hex, &d),
	    AU_EART_HASH);
	CHECK(strstr(d.msg, "sha512") != NULL);
	CHECK_EQ(count_in("store"), 0);
	/* and with the right sha512 it installs */
	ex.sha512[0] ^= 1;
	CHECK_EQ(put(s, "m.bin", data, strlen(data), &ex, hex, &d), 0);
	hex_of(data, strlen(data), gothex);
	CHECK_STR(hex, gothex);
	au_store_free(s);
	cleanup();
}

TEST(raw_file_length_refused)
{
	static const char data[] = "0123456789";
	struct au_stage_expect ex;
	struct au_stage *st = NULL;
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char hex[65];

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, 10, &ex);
	REQUIRE(au_stage_begin(s, &ex, &st, &d) == 0);
	CHECK_EQ(au_stage_write(st, data, 10, &d), 0);
	/* byte length+1: refused at write time (endless data) */
	CHECK_EQ(au_stage_write(st, "x", 1, &d), AU_EART_LENGTH);
	au_stage_abort(st);
	CHECK_EQ(count_in("tmp"), 0);
	/* one long write is refused whole */
	REQUIRE(au_stage_begin(s, &ex, &st, &d) == 0);
	CHECK_EQ(au_stage_write(st, "0123456789A", 11, &d), AU_EART_LENGTH);
	au_stage_abort(st);
	/* short: refused at commit */
	CHECK_EQ(put(s, "f", data, 9, &ex, hex, &d), AU_EART_LENGTH);
	CHECK_EQ(count_in("store"), 0);
	CHECK_EQ(count_in("tmp"), 0);
	/* no hash at all */
	ex.has_sha256 = ex.has_sha512 = 0;
	CHECK_EQ(au_stage_begin(s, &ex, &st, &d), AU_EART_HASHALG);
	/* more than the disk holds */
	expect_for(data, 10, &ex);
	ex.length = 1ULL << 62;
	CHECK_EQ(au_stage_begin(s, &ex, &st, &d), AU_ENOSPC);
	au_stage_abort(NULL);
	au_store_free(s);
	cleanup();
}

TEST(bad_target_names_refused)
{
	static const char *const bad[] = { "", "/abs", "a/../b", "..", "a//b",
	    "a/", "a\\b", "x/current", "previous", "a.tmp", "a\nb" };
	static const char data[] = "d";
	struct au_stage_expect ex;
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char hex[65];
	size_t i;

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, 1, &ex);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(put(s, bad[i], data, 1, &ex, hex, &d), AU_EINSTALL);
		CHECK_EQ(au_store_switch(s, bad[i], "00", &d), AU_EINSTALL);
	}
	CHECK_EQ(count_in("store"), 0);
	CHECK_EQ(count_in("tmp"), 0);
	au_store_free(s);
	cleanup();
}

/* Install content under name; hex receives its hash. */
static int
install_text(struct au_store *s, const char *name, const char *text,
    char hex[65])
{
	struct au_stage_expect ex;
	struct au_diag d = { "", 0 };
	int rc;

	expect_for(text, strlen(text), &ex);
	rc = put(s, name, text, strlen(text), &ex, hex, &d);
	if (rc != 0)
		fprintf(stderr, "  install %s: %s\n", name, d.msg);
	return rc;
}

TEST(switch_twice_then_rollback)
{
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char h1[65], h2[65], cur[65], prev[65], path[1024], want[1024];
	char link[1024];
	const char *name = "models/eng.traineddata";

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	REQUIRE(install_text(s, name, "v1", h1) == 0);
	REQUIRE(install_text(s, name, "v2", h2) == 0);
	CHECK_EQ(au_store_get(s, name, cur, prev, path, sizeof(path), &d), 0);
	CHECK_STR(cur, "");
	CHECK_STR(prev, "");
	/* no previous yet */
	CHECK_EQ(au_store_rollback(s, name, &d), AU_EINSTALL);
	CHECK_EQ(au_store_switch(s, name, h1, &d), 0);
	CHECK(file_is("targets/models/eng.traineddata/current/eng.traineddata",
	    "v1"));
	CHECK_EQ(au_store_switch(s, name, h2, &d), 0);
	CHECK(file_is("targets/models/eng.traineddata/current/eng.traineddata",
	    "v2"));
	CHECK(file_is("targets/models/eng.traineddata/previous/eng.traineddata",
	    "v1"));
	CHECK_EQ(au_store_get(s, name, cur, prev, path, sizeof(path), &d), 0);
	CHECK_STR(cur, h2);
	CHECK_STR(prev, h1);
	snprintf(want, sizeof(want), "%s/targets/%s/current", root, name);
	CHECK_STR(path, want);
	/* the link is relative: ../../../store/<hash> */
	REQUIRE(au_readlink(path, link, sizeof(link), &d) == 0);
	snprintf(want, sizeof(want), "../../../store/%s", h2);
	CHECK_STR(link, want);
	/* switching to the current hash changes nothing */
	CHECK_EQ(au_store_switch(s, name, h2, &d), 0);
	CHECK_EQ(au_store_get(s, name, cur, prev, NULL, 0, &d), 0);
	CHECK_STR(prev, h1);
	/* rollback swaps */
	CHECK_EQ(au_store_rollback(s, name, &d), 0);
	CHECK(file_is("targets/models/eng.traineddata/current/eng.traineddata",
	    "v1"));
	CHECK_EQ(au_store_get(s, name, cur, prev, NULL, 0, &d), 0);
	CHECK_STR(cur, h1);
	CHECK_STR(prev, h2);
	/* no *.tmp links left behind */
	CHECK_EQ(count_in("targets/models/eng.traineddata"), 2);
	/* a hash not in the store cannot be switched to */
	CHECK_EQ(au_store_switch(s, name, "0000000000000000000000000000000000"
	    "000000000000000000000000000000", &d), AU_EINSTALL);
	CHECK_EQ(au_store_get(s, name, cur, prev, path, 10, &d), AU_EINTERNAL);
	/* first install: remove_current leaves nothing current */
	CHECK_EQ(au_store_switch(s, "other", h2, &d), 0);
	CHECK_EQ(au_store_remove_current(s, "other", &d), 0);
	CHECK_EQ(au_store_get(s, "other", cur, prev, NULL, 0, &d), 0);
	CHECK_STR(cur, "");
	au_store_free(s);
	cleanup();
}

TEST(foreign_pointer_refused)
{
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char h1[65], cur[65], prev[65], p[512];

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	REQUIRE(install_text(s, "t", "v1", h1) == 0);
	snprintf(p, sizeof(p), "%s/targets/t", root);
	REQUIRE(au_mkdir(p, 0755, &d) == 0);
	snprintf(p, sizeof(p), "%s/targets/t/current", root);
	REQUIRE(symlink("/etc", p) == 0);
	CHECK_EQ(au_store_get(s, "t", cur, prev, NULL, 0, &d), AU_EINSTALL);
	CHECK_EQ(au_store_switch(s, "t", h1, &d), AU_EINSTALL);
	CHECK(strstr(d.msg, "not a link into store") != NULL);
	/* gc refuses to guess and removes nothing */
	CHECK(au_store_gc(s, &d) != 0);
	CHECK(au_store_has(s, h1));
	au_store_free(s);
	cleanup();
}

TEST(gc_keeps_current_and_previous)
{
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char h1[65], h2[65], h3[65], h4[65], p[512];

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	REQUIRE(install_text(s, "a", "v1", h1) == 0);
	REQUIRE(install_text(s, "a", "v2", h2) == 0);
	REQUIRE(install_text(s, "a", "v3", h3) == 0);
	REQUIRE(install_text(s, "deep/b", "b1", h4) == 0);
	REQUIRE(au_store_switch(s, "a", h1, &d) == 0);
	REQUIRE(au_store_switch(s, "a", h2, &d) == 0);
	REQUIRE(au_store_switch(s, "a", h3, &d) == 0);
	REQUIRE(au_store_switch(s, "deep/b", h4, &d) == 0);
	/* a leftover pointer temp and a tmp/ leftover */
	snprintf(p, sizeof(p), "%s/targets/a/current.tmp", root);
	REQUIRE(symlink("../../store/x", p) == 0);
	snprintf(p, sizeof(p), "%s/tmp/dl-junk", root);
	REQUIRE(au_mkdir(p, 0700, &d) == 0);
	CHECK_EQ(count_in("store"), 4);
	CHECK_EQ(au_store_gc(s, &d), 0);
	CHECK_EQ(count_in("store"), 3);
	CHECK(!au_store_has(s, h1));
	CHECK(au_store_has(s, h2));
	CHECK(au_store_has(s, h3));
	CHECK(au_store_has(s, h4));
	CHECK_EQ(count_in("targets/a"), 2);
	CHECK_EQ(count_in("tmp"), 0);
	CHECK(file_is("targets/deep/b/current/b", "b1"));
	au_store_free(s);
	cleanup();
}

/* A .tar.gz artifact written with libarchive into memory. */
static size_t
make_tgz(const char *name, const char *content, unsigned char *buf,
    size_t size)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t used = 0;

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_memory(a, buf, size, &used);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(content));
	archive_write_header(a, e);
	archive_write_data(a, content, strlen(content));
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

TEST(bundle_artifact_installs_and_hostile_leaves_store_alone)
{
	unsigned char good[8192], bad[8192];
	size_t gl, bl;
	struct au_stage_expect ex;
	struct au_store *s;
	struct au_diag d = { "", 0 };
	char hex[65], rel[200];

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	gl = make_tgz("policy/rules.json", "{}", good, sizeof(good));
	bl = make_tgz("../escape", "evil", bad, sizeof(bad));
	REQUIRE(gl > 0 && bl > 0);
	expect_for(good, gl, &ex);
	CHECK_EQ(put(s, "policies/p.tar.gz", good, gl, &ex, hex, &d), 0);
	snprintf(rel, sizeof(rel), "store/%s/policy/rules.json", hex);
	CHECK(file_is(rel, "{}"));
	CHECK_EQ(au_store_switch(s, "policies/p.tar.gz", hex, &d), 0);
	CHECK(file_is("targets/policies/p.tar.gz/current/policy/rules.json",
	    "{}"));
	expect_for(bad, bl, &ex);
	CHECK_EQ(put(s, "policies/p.tar.gz", bad, bl, &ex, hex, &d),
	    AU_EART_UNSAFE);
	CHECK_EQ(count_in("store"), 2);	/* the good entry and its manifest */
	CHECK_EQ(count_in("tmp"), 0);
	CHECK(count_in("escape") < 0);
	au_store_free(s);
	cleanup();
}

TEST(health_run)
{
	struct au_diag d = { "", 0 };
	int64_t t0;
	char script[512], out[512], cmd[1200];
	FILE *fp;

	CHECK_EQ(au_health_run("true", "t", "1", "/p", NULL, 5, &d), 0);
	CHECK_EQ(au_health_run("false", "t", "1", "/p", NULL, 5, &d),
	    AU_EHEALTH);
	CHECK(strstr(d.msg, "status 1") != NULL);
	t0 = au_monotonic_ms();
	CHECK_EQ(au_health_run("sleep 5", "t", "1", "/p", NULL, 1, &d),
	    AU_EHEALTH);
	CHECK(au_monotonic_ms() - t0 < 4000);
	CHECK(strstr(d.msg, "timed out") != NULL);
	CHECK_EQ(au_health_run("no-such-command-aiupdate", "t", "1", "/p",
	    NULL, 5, &d), AU_EHEALTH);
	CHECK_EQ(au_health_run("", "t", "1", "/p", NULL, 5, &d), AU_EHEALTH);
	CHECK_EQ(au_health_run("   ", "t", "1", "/p", NULL, 5, &d), AU_EHEALTH);
	CHECK_EQ(au_health_run("true", "t", "1", "/p", NULL, 0, &d),
	    AU_EHEALTH);
	/* arguments split on spaces, no shell; the environment is passed */
	fresh();
	snprintf(script, sizeof(script), "%s/check.sh", root);
	snprintf(out, sizeof(out), "%s/out", root);
	fp = fopen(script, "w");
	REQUIRE(fp != NULL);
	fprintf(fp, "#!/bin/sh\nprintf '%%s|%%s|%%s|%%s|%%s|%%s' \"$1\" \"$2\" "
	    "\"$AIUPDATE_TARGET\" \"$AIUPDATE_VERSION\" \"$AIUPDATE_PATH\" "
	    "\"$AIUPDATE_PREVIOUS_PATH\" > \"$3\"\n");
	fclose(fp);
	REQUIRE(chmod(script, 0755) == 0);
	snprintf(cmd, sizeof(cmd), "%s  one  'two' %s", script, out);
	CHECK_EQ(au_health_run(cmd, "models/x", "7", "/s/cur", "/s/prev", 5,
	    &d), 0);
	CHECK(file_is("out", "one|'two'|models/x|7|/s/cur|/s/prev"));
	cleanup();
}

/* Resumable stages: bytes and validator survive a suspend; the whole file
 * is hashed at the end; a partial without a validator starts over. */
TEST(resume_keeps_bytes_and_hashes_all)
{
	static uint8_t data[300000];
	struct au_stage_expect ex;
	struct au_stage *st = NULL;
	struct au_store *s = NULL;
	struct au_diag d = { "", 0 };
	char hex[65], want[65], path[512];
	struct stat sb;

	fresh();
	randombytes_buf(data, sizeof(data));
	expect_for(data, sizeof(data), &ex);
	hex_of(data, sizeof(data), want);
	REQUIRE(au_store_open(root, &s, &d) == 0);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	CHECK_EQ(au_stage_offset(st), 0);
	CHECK_STR(au_stage_validator(st), "");
	REQUIRE(au_stage_restart(st, "\"etag-1\"", &d) == 0);
	REQUIRE(au_stage_write(st, data, 100000, &d) == 0);
	au_stage_suspend(st);
	st = NULL;
	/* a new run (au_store_open empties tmp/, not partial/) */
	au_store_free(s);
	REQUIRE(au_store_open(root, &s, &d) == 0);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	CHECK_EQ(au_stage_offset(st), 100000);
	CHECK_STR(au_stage_validator(st), "\"etag-1\"");
	REQUIRE(au_stage_write(st, data + 100000, sizeof(data) - 100000, &d) == 0);
	CHECK_EQ(au_stage_commit(st, "m/w.bin", hex, &d), 0);
	CHECK_STR(hex, want);
	snprintf(path, sizeof(path), "%s/partial/%s.part", root, want);
	CHECK(stat(path, &sb) != 0);
	snprintf(path, sizeof(path), "%s/partial/%s.val", root, want);
	CHECK(stat(path, &sb) != 0);
	/* a corrupted prefix is caught by the hash over the whole file */
	snprintf(path, sizeof(path), "%s/store/%s", root, want);
	REQUIRE(au_remove_tree(path, NULL) == 0);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	REQUIRE(au_stage_restart(st, "\"etag-2\"", &d) == 0);
	data[10] ^= 1;
	REQUIRE(au_stage_write(st, data, 1000, &d) == 0);
	data[10] ^= 1;
	au_stage_suspend(st);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	CHECK_EQ(au_stage_offset(st), 1000);
	REQUIRE(au_stage_write(st, data + 1000, sizeof(data) - 1000, &d) == 0);
	CHECK_EQ(au_stage_commit(st, "m/w.bin", hex, &d), AU_EART_HASH);
	/* no validator kept: the bytes are not trusted to continue */
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	REQUIRE(au_stage_write(st, data, 1000, &d) == 0);
	au_stage_suspend(st);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	CHECK_EQ(au_stage_offset(st), 0);
	au_stage_abort(st);
	au_store_free(s);
	cleanup();
}

/*
 * Issue 11: the download consumer's write failure (ENOSPC, EIO; here EFBIG
 * through RLIMIT_FSIZE) on a resumable stage keeps its errno and names the
 * partial file (it said "write file: ..." before).
 */
TEST(stage_write_failure_names_the_file)
{
	static uint8_t data[8192];
	struct au_stage_expect ex;
	struct au_stage *st = NULL;
	struct au_store *s = NULL;
	struct au_diag d = { "", 0 };
	struct rlimit old, lim;
	void (*was)(int);
	int rc;

	fresh();
	expect_for(data, sizeof(data), &ex);
	REQUIRE(au_store_open(root, &s, &d) == 0);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	REQUIRE(au_stage_restart(st, "\"etag\"", &d) == 0);
	REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = 1000;
	was = signal(SIGXFSZ, SIG_IGN);
	REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	rc = au_stage_write(st, data, sizeof(data), &d);
	(void)setrlimit(RLIMIT_FSIZE, &old);
	(void)signal(SIGXFSZ, was);
	CHECK_EQ(rc, AU_EIO);
	CHECK_EQ(d.sys, EFBIG);
	CHECK(strstr(d.msg, "/partial/") != NULL);
	CHECK(strstr(d.msg, ".part") != NULL);
	CHECK(strstr(d.msg, strerror(EFBIG)) != NULL);
	au_stage_abort(st);
	au_store_free(s);
	cleanup();
}

/* As another user: may a file be created in dir?  (root only: else -1) */
static int
other_user_can_write(const char *dir)
{
	static int nth;
	char p[600];
	pid_t pid;
	int ws, fd;

	if (geteuid() != 0)
		return -1;
	nth++;
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		snprintf(p, sizeof(p), "%s/planted-%d", dir, nth);
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
		_exit(fd >= 0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws))
		return -1;
	return WEXITSTATUS(ws) == 0;
}

/*
 * tmp/ and partial/ found open to others (a state_dir restored with loose
 * modes, say) are made private before anything is staged in them, and what
 * another user planted there is dropped: nobody else can replace a staged
 * file between its verification and its install (issue 12, finding 2).
 */
TEST(staging_dirs_made_private)
{
	static const char data[] = "model weights";
	struct au_diag d = { "", 0 };
	struct au_stage_expect ex;
	struct au_store *s = NULL;
	struct au_stage *st = NULL;
	char tmp[512], partial[512], hex[65];
	struct stat sb;

	fresh();
	REQUIRE(au_store_open(root, &s, &d) == 0);
	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	snprintf(partial, sizeof(partial), "%s/partial", root);
	REQUIRE(chmod(root, 0755) == 0);
	REQUIRE(chmod(tmp, 0777) == 0 && chmod(partial, 0777) == 0);
	if (other_user_can_write(tmp) == 1)	/* the attack is possible */
		CHECK_EQ(count_in("tmp"), 1);
	expect_for(data, sizeof(data), &ex);
	REQUIRE(au_stage_begin(s, &ex, &st, &d) == 0);
	CHECK(stat(tmp, &sb) == 0 && (sb.st_mode & 07777) == 0700);
	CHECK(other_user_can_write(tmp) != 1);
	CHECK_EQ(count_in("tmp"), 1);	/* only the new staging file */
	au_stage_abort(st);
	REQUIRE(au_stage_resume(s, &ex, &st, &d) == 0);
	CHECK(stat(partial, &sb) == 0 && (sb.st_mode & 07777) == 0700);
	CHECK(other_user_can_write(partial) != 1);
	REQUIRE(au_stage_write(st, data, sizeof(data), &d) == 0);
	CHECK_EQ(au_stage_commit(st, "m/w.bin", hex, &d), 0);
	au_store_free(s);
	cleanup();
}

/*
 * A symlink (or a file) planted where one of the store's directories
 * belongs is named and refused (AU_ECONFIG, exit 2), never followed: what
 * it points at is untouched, and the link stays for the operator to see.
 */
TEST(symlink_in_place_of_a_store_dir_refused_never_followed)
{
	static const char *const subs[] = { "partial", "tmp", "store",
	    "targets" };
	struct au_store *s = NULL;
	struct au_diag d = { "", 0 };
	struct au_stat st;
	char link[512], away[512], keep[512];
	size_t i;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		fresh();
		snprintf(link, sizeof(link), "%s/%s", root, subs[i]);
		snprintf(away, sizeof(away), "%s/elsewhere", root);
		snprintf(keep, sizeof(keep), "%s/elsewhere/keep", root);
		REQUIRE(mkdir(away, 0755) == 0);
		REQUIRE(au_file_replace(keep, "k", 1, 0644, NULL) == 0);
		REQUIRE(symlink(away, link) == 0);
		CHECK_EQ(au_store_open(root, &s, &d), AU_ECONFIG);
		CHECK(strstr(d.msg, link) != NULL);
		CHECK(strstr(d.msg, "symbolic link") != NULL);
		CHECK(au_stat(link, &st, NULL) == 0 && st.type == AU_FT_LINK);
		CHECK(au_stat(keep, &st, NULL) == 0 && st.type == AU_FT_FILE);
		CHECK(au_stat(away, &st, NULL) == 0 && st.type == AU_FT_DIR);
		cleanup();
	}
	fresh();
	snprintf(link, sizeof(link), "%s/tmp", root);
	REQUIRE(au_file_replace(link, "f", 1, 0644, NULL) == 0);
	CHECK_EQ(au_store_open(root, &s, &d), AU_ECONFIG);
	CHECK(strstr(d.msg, "regular file") != NULL);
	CHECK(au_stat(link, &st, NULL) == 0 && st.type == AU_FT_FILE);
	cleanup();
}

/* Overwrite root/rel with text (a corrupted or planted store file). */
static void
write_file(const char *rel, const char *text)
{
	char p[1024];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fp = fopen(p, "wb");
	if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
}

/*
 * A store entry is used again only when it holds what was installed there
 * (issue 12, finding 3): a raw file its length and hash, a bundle its
 * manifest; else it is removed, and a new commit of the same content puts
 * the right bytes back (it used to keep whatever store/<hash> held).
 */
TEST(store_entry_verified_before_reuse)
{
	static const char data[] = "the model weights";
	unsigned char tgz[8192];
	struct au_diag d = { "", 0 };
	struct au_stage_expect ex;
	char hex[65], rel[400];
	struct au_store *s;
	size_t gl;

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, sizeof(data) - 1, &ex);
	REQUIRE(put(s, "m/w.bin", data, sizeof(data) - 1, &ex, hex, &d) == 0);
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, NULL, &d), 1);
	snprintf(rel, sizeof(rel), "store/%s/w.bin", hex);
	write_file(rel, "the model weighTs");	/* same length */
	CHECK_EQ(put(s, "m/w.bin", data, sizeof(data) - 1, &ex, hex, &d), 0);
	CHECK(file_is(rel, data));	/* the commit put the signed bytes back */
	write_file(rel, "short");
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, NULL, &d), 0);
	CHECK(!au_store_has(s, hex));
	REQUIRE(put(s, "m/w.bin", data, sizeof(data) - 1, &ex, hex, &d) == 0);
	snprintf(rel, sizeof(rel), "store/%s/extra", hex);
	write_file(rel, "planted");
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, NULL, &d), 0);
	/* a bundle: its manifest */
	gl = make_tgz("policy/rules.json", "{}", tgz, sizeof(tgz));
	REQUIRE(gl > 0);
	expect_for(tgz, gl, &ex);
	REQUIRE(put(s, "p/b.tar.gz", tgz, gl, &ex, hex, &d) == 0);
	snprintf(rel, sizeof(rel), "store/%s.manifest", hex);
	CHECK(file_is(rel, "") == 0);	/* present, not empty */
	CHECK_EQ(au_store_reuse(s, hex, gl, 1, NULL, &d), 1);
	snprintf(rel, sizeof(rel), "store/%s/policy/rules.json", hex);
	write_file(rel, "[]");
	CHECK_EQ(put(s, "p/b.tar.gz", tgz, gl, &ex, hex, &d), 0);
	CHECK(file_is(rel, "{}"));
	snprintf(rel, sizeof(rel), "store/%s/policy/extra.json", hex);
	write_file(rel, "{}");
	CHECK_EQ(au_store_reuse(s, hex, gl, 1, NULL, &d), 0);
	CHECK(!au_store_has(s, hex));
	snprintf(rel, sizeof(rel), "%s/store/%s.manifest", root, hex);
	CHECK(access(rel, F_OK) != 0);	/* removed with it */
	REQUIRE(put(s, "p/b.tar.gz", tgz, gl, &ex, hex, &d) == 0);
	REQUIRE(unlink(rel) == 0);
	CHECK_EQ(au_store_reuse(s, hex, gl, 1, NULL, &d), 0);	/* no manifest */
	REQUIRE(put(s, "p/b.tar.gz", tgz, gl, &ex, hex, &d) == 0);
	snprintf(rel, sizeof(rel), "store/%s.manifest", hex);
	write_file(rel, "aiupdate-manifest 1 00\n");
	CHECK_EQ(au_store_reuse(s, hex, gl, 1, NULL, &d), 0);	/* another's, or bad */
	/* gc keeps a kept entry's manifest, drops the rest */
	REQUIRE(put(s, "p/b.tar.gz", tgz, gl, &ex, hex, &d) == 0);
	REQUIRE(au_store_switch(s, "p/b.tar.gz", hex, &d) == 0);
	REQUIRE(au_store_gc(s, &d) == 0);
	CHECK_EQ(count_in("store"), 2);
	CHECK_EQ(au_store_reuse(s, hex, gl, 1, NULL, &d), 1);
	au_store_free(s);
	cleanup();
}

/*
 * A raw entry is checked against its signed length and hash, whatever sits
 * beside it: a manifest planted as store/<hash>.manifest describing other
 * bytes must not turn that check into one against the manifest, and a
 * bundle of the same content as a raw target is not the raw entry.
 */
TEST(planted_manifest_does_not_replace_the_signed_hash)
{
	static const char data[] = "the model weights";
	char hex[65], rel[400], evil[65], m[600];
	struct au_diag d = { "", 0 };
	struct au_stage_expect ex;
	struct au_store *s;

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, sizeof(data) - 1, &ex);
	REQUIRE(put(s, "m/w.bin", data, sizeof(data) - 1, &ex, hex, &d) == 0);
	snprintf(rel, sizeof(rel), "store/%s/w.bin", hex);
	write_file(rel, "evil!");
	hex_of("evil!", 5, evil);
	snprintf(m, sizeof(m), "aiupdate-manifest 1 %s\nf 5 %s w.bin\n", hex,
	    evil);
	snprintf(rel, sizeof(rel), "store/%s.manifest", hex);
	write_file(rel, m);
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, NULL, &d), 0);
	CHECK(!au_store_has(s, hex));
	/* the same bytes as a raw entry, asked for as a bundle: not reused */
	REQUIRE(put(s, "m/w.bin", data, sizeof(data) - 1, &ex, hex, &d) == 0);
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 1, NULL, &d), 0);
	au_store_free(s);
	cleanup();
}

/*
 * A raw entry is the file under its target's base name: two raw targets of
 * the same bytes under different base names cannot share one entry (the
 * second's current/NAME would not exist).
 */
TEST(raw_entry_shared_under_another_base_name)
{
	static const char data[] = "the same weights";
	char hex[65], hex2[65], rel[400];
	struct au_diag d = { "", 0 };
	struct au_stage_expect ex;
	struct au_store *s;

	fresh();
	s = open_store();
	REQUIRE(s != NULL);
	expect_for(data, sizeof(data) - 1, &ex);
	REQUIRE(put(s, "prod/ocr.bin", data, sizeof(data) - 1, &ex, hex, &d) == 0);
	REQUIRE(put(s, "canary/ocr-canary.bin", data, sizeof(data) - 1, &ex, hex2,
	    &d) == 0);
	CHECK_STR(hex, hex2);
	snprintf(rel, sizeof(rel), "%s/store/%s/ocr-canary.bin", root, hex);
	CHECK(access(rel, F_OK) == 0);
	/* one entry, both names, each still verified before reuse */
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, "ocr.bin", &d), 1);
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, "ocr-canary.bin",
	    &d), 1);
	CHECK_EQ(au_store_reuse(s, hex, sizeof(data) - 1, 0, "third.bin", &d),
	    2);
	CHECK_EQ(count_in("store"), 1);
	au_store_free(s);
	cleanup();
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	if (sodium_init() < 0)
		return 1;
	RUN(open_creates_layout_and_cleans_tmp);
	RUN(raw_file_good);
	RUN(raw_file_flipped_byte_refused);
	RUN(raw_file_length_refused);
	RUN(bad_target_names_refused);
	RUN(switch_twice_then_rollback);
	RUN(foreign_pointer_refused);
	RUN(gc_keeps_current_and_previous);
	RUN(bundle_artifact_installs_and_hostile_leaves_store_alone);
	RUN(health_run);
	RUN(resume_keeps_bytes_and_hashes_all);
	RUN(stage_write_failure_names_the_file);
	RUN(symlink_in_place_of_a_store_dir_refused_never_followed);
	RUN(staging_dirs_made_private);
	RUN(store_entry_verified_before_reuse);
	RUN(planted_manifest_does_not_replace_the_signed_hash);
	RUN(raw_entry_shared_under_another_base_name);
	return harness_done();
}
