/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_localrepo.c - a --from copy (client/fetch/localrepo.c):
 * a symlink in place of a directory between the copy and a file (targets/
 * itself, or a parent of a target's file) is never followed out of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/fetch/localrepo.h"
#include "port/port.h"
#include "tests/unit/harness.h"

#include "port/ban.h"

static char root[256], copy[300], outside[300];

static int
sink(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
}

TEST(symlinked_parent_directory_refused)
{
	char p[700], q[700];
	struct au_diag d = { "", 0 };
	uint64_t got = 0;

	REQUIRE(harness_tmpdir(root, sizeof(root), "au-test-local") != NULL);
	snprintf(copy, sizeof(copy), "%s/copy", root);
	snprintf(outside, sizeof(outside), "%s/outside", root);
	snprintf(p, sizeof(p), "%s/metadata", copy);
	REQUIRE(au_mkdir(copy, 0755, NULL) == 0 && au_mkdir(p, 0755, NULL) == 0);
	REQUIRE(au_mkdir(outside, 0755, NULL) == 0);
	snprintf(p, sizeof(p), "%s/m.bin", outside);
	put(p, "outside the copy");
	snprintf(p, sizeof(p), "%s/targets", copy);
	REQUIRE(au_mkdir(p, 0755, NULL) == 0);
	snprintf(p, sizeof(p), "%s/targets/models", copy);
	REQUIRE(symlink(outside, p) == 0);
	CHECK_EQ(au_local_get(copy, "models/m.bin", 1 << 20, sink, NULL, &got,
	    &d), AU_EART_NOTFILE);
	CHECK_EQ(got, 0);
	CHECK(strstr(d.msg, "symbolic link") != NULL);
	/* targets/ itself a symlink: the small reads (OMS bundles) too */
	REQUIRE(unlink(p) == 0);
	snprintf(p, sizeof(p), "%s/targets", copy);
	REQUIRE(au_remove_tree(p, NULL) == 0);
	REQUIRE(symlink(outside, p) == 0);
	CHECK_EQ(au_local_get(copy, "m.bin", 1 << 20, sink, NULL, &got, &d),
	    AU_EART_NOTFILE);
	/* a real directory works, a missing one is not found */
	REQUIRE(unlink(p) == 0);
	snprintf(q, sizeof(q), "%s/targets/models", copy);
	REQUIRE(au_mkdir(p, 0755, NULL) == 0 && au_mkdir(q, 0755, NULL) == 0);
	snprintf(q, sizeof(q), "%s/targets/models/m.bin", copy);
	put(q, "inside");
	CHECK_EQ(au_local_get(copy, "models/m.bin", 1 << 20, sink, NULL, &got,
	    &d), 0);
	CHECK_EQ(got, 6);
	CHECK_EQ(au_local_get(copy, "nope/m.bin", 1 << 20, sink, NULL, &got,
	    &d), AU_ENOTFOUND);
	CHECK(au_remove_tree(root, NULL) == 0);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(symlinked_parent_directory_refused);
	return harness_done();
}
