/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_localfail.c - a failure of this machine (memory, a local
 * limit, libarchive missing) is never blamed on the update (issue 11):
 * not a failed health check (AU_EHEALTH: rollback and a bad mark), not an
 * unsafe bundle (AU_EART_UNSAFE).  calloc and dlopen are wrapped with
 * ld --wrap (Makefile) so that the next ones can be made to fail.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "client/install/bundle.h"
#include "client/install/health.h"
#include "client/install/store.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "tests/unit/bundle_fixture.h"

#include "port/ban.h"

/* ---- the wrapped allocator and loader ---- */

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_dlopen(const char *file, int mode);
void *__wrap_dlopen(const char *file, int mode);

static int calloc_fail_at;	/* the N-th calloc from now fails; 0: none */
static size_t calloc_min;	/* only callocs of at least this many bytes count */
static int dlopen_fail;		/* dlopen fails while set */

void *
__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fail_at > 0 && (size == 0 || n <= SIZE_MAX / size) &&
	    n * size >= calloc_min && --calloc_fail_at == 0)
		return NULL;
	return __real_calloc(n, size);
}

void *
__wrap_dlopen(const char *file, int mode)
{
	if (dlopen_fail)
		return NULL;
	return __real_dlopen(file, mode);
}

static void
fail_calloc(int nth, size_t min_bytes)
{
	calloc_fail_at = nth;
	calloc_min = min_bytes;
}

/* ---- fixtures ---- */

static void
fresh(void)
{
	bundle_fixture_fresh("aiu-test-localfail", "b.tar");
}

/* A good one-file ustar archive at arc (libarchive linked, not dlopened). */
static int
write_tar(void)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int ok;

	ok = a != NULL && e != NULL &&
	    archive_write_set_format_ustar(a) == ARCHIVE_OK &&
	    archive_write_open_filename(a, arc) == ARCHIVE_OK;
	if (ok) {
		archive_entry_set_pathname(e, "model/w.bin");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 5);
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		    archive_write_data(a, "hello", 5) == 5 &&
		    archive_write_close(a) == ARCHIVE_OK;
	}
	archive_entry_free(e);
	archive_write_free(a);
	return ok;
}

/* ---- the bundle pre-pass ---- */

#ifndef AU_LIBARCHIVE_LINKED
/* Run first: libarchive is loaded at most once per process.  The bundle's
 * first pass (the ustar pre-pass) is where it is loaded. */
TEST(prepass_cannot_load_libarchive_is_not_an_unsafe_bundle)
{
	struct au_diag d = { "", 0 };

	fresh();
	REQUIRE(write_tar());
	dlopen_fail = 1;
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d),
	    AU_EINSTALL);
	CHECK(strstr(d.msg, "cannot load") != NULL);
	dlopen_fail = 0;
	REQUIRE(au_remove_tree(dest, NULL) == 0);
	REQUIRE(au_mkdir(dest, 0755, NULL) == 0);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d),
	    0);
	cleanup();
}
#endif

/* Of the callocs of 64 KiB or more, au_bundle_extract's own context comes
 * first, the pre-pass's walk state (a 64 KiB pax buffer) second. */
TEST(prepass_out_of_memory_is_not_an_unsafe_bundle)
{
	struct au_diag d = { "", 0 };

	fresh();
	REQUIRE(write_tar());
	fail_calloc(2, 65536);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d),
	    AU_ENOMEM);
	CHECK(calloc_fail_at == 0);	/* the failure was the injected one */
	CHECK(strstr(d.msg, "pre-pass") != NULL);
	fail_calloc(0, 0);
	REQUIRE(au_remove_tree(dest, NULL) == 0);
	REQUIRE(au_mkdir(dest, 0755, NULL) == 0);
	CHECK_EQ(au_bundle_extract(arc, AU_BUNDLE_NONE, dest, 1 << 20, 10, &d),
	    0);
	cleanup();
}

/* ---- the health check ---- */

TEST(health_out_of_memory_is_not_a_failed_check)
{
	struct au_diag d = { "", 0 };

	fail_calloc(1, 0);	/* au_health_run's own state */
	CHECK_EQ(au_health_run("true", "t", "1", "/p", NULL, 5, &d),
	    AU_ENOMEM);
	CHECK(calloc_fail_at == 0);
	fail_calloc(2, 0);	/* au_spawn's environment, built in the parent */
	CHECK_EQ(au_health_run("true", "t", "1", "/p", NULL, 5, &d),
	    AU_ENOMEM);
	CHECK(calloc_fail_at == 0);
	CHECK(strstr(d.msg, "could not be started") != NULL);
	fail_calloc(0, 0);
	CHECK_EQ(au_health_run("true", "t", "1", "/p", NULL, 5, &d), 0);
}

TEST(health_environment_over_its_limit_is_not_a_failed_check)
{
	static char path[AU_STORE_PATH_MAX + 64];
	struct au_diag d = { "", 0 };

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	CHECK_EQ(au_health_run("true", "t", "1", path, NULL, 5, &d),
	    AU_EINSTALL);
	CHECK(strstr(d.msg, "environment") != NULL);
	/* what the command is or does stays AU_EHEALTH */
	CHECK_EQ(au_health_run("false", "t", "1", "/p", NULL, 5, &d),
	    AU_EHEALTH);
	CHECK_EQ(au_health_run("", "t", "1", "/p", NULL, 5, &d), AU_EHEALTH);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
#ifndef AU_LIBARCHIVE_LINKED
	RUN(prepass_cannot_load_libarchive_is_not_an_unsafe_bundle);
#endif
	RUN(prepass_out_of_memory_is_not_an_unsafe_bundle);
	RUN(health_out_of_memory_is_not_a_failed_check);
	RUN(health_environment_over_its_limit_is_not_a_failed_check);
	return harness_done();
}
