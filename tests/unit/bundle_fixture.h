/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/bundle_fixture.h - the scratch of the bundle extraction tests
 * (test_bundle, test_bundle_pax, test_localfail): a fresh directory ROOT
 * under $TMPDIR holding the archive ARC and the extraction target DEST, and
 * the checks that nothing was written beside them.  One copy; include it
 * after tests/unit/harness.h and port/port.h.
 */
#ifndef AU_TEST_BUNDLE_FIXTURE_H
#define AU_TEST_BUNDLE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

static char root[256], dest[300], arc[300];

/* A new ROOT named $TMPDIR/NAME.XXXXXX with ROOT/dest made and arc set to
 * ROOT/ARC_NAME (not created); aborts when the scratch cannot be made. */
static void
bundle_fixture_fresh(const char *name, const char *arc_name)
{
	if (harness_tmpdir(root, sizeof(root), name) == NULL)
		abort();
	snprintf(dest, sizeof(dest), "%s/dest", root);
	snprintf(arc, sizeof(arc), "%s/%s", root, arc_name);
	if (au_mkdir(dest, 0755, NULL) != 0)
		abort();
}

static void
cleanup(void)
{
	if (au_remove_tree(root, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", root);
}

static int
bundle_fixture_count(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

/* root holds exactly arc and dest: nothing was written beside them. */
static inline int
only_dest_and_arc(void)
{
	int n = 0;

	if (au_dir_list(root, bundle_fixture_count, &n, NULL) != 0)
		return 0;
	return n == 2;
}

/* Up to size-1 bytes of path into buf, NUL-terminated; bytes read or -1. */
static inline int
read_str(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return (int)n;
}

#endif
