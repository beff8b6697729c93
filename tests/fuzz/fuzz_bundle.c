/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_bundle.c - libFuzzer target for the archive entry checks
 * of client/install/bundle.h (au_bundle_extract: libarchive's tar reader plus the
 * client's own entry policy and writer).
 *
 * The input is written as an archive file beside an empty destination
 * directory (in /dev/shm when available: every extracted file is fsynced)
 * and extracted with small budgets.  The filter follows the input's magic:
 * gzip (1f 8b), zstd (28 b5 2f fd), else plain tar.  Checks beyond "no
 * crash": nothing appears outside the destination; inside it there are only
 * regular files (mode 0644 or 0755) and directories (0755); at most
 * MAX_ENTRIES entries and MAX_BYTES content bytes; errors are AU_EART_UNSAFE
 * AU_EIO, AU_ENOMEM or AU_ENOSPC, never anything else.
 */
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/install/bundle.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BYTES (1u << 20)
#define MAX_ENTRIES 32

static char base[512], arc[576], dest[576];
static uint64_t seen_bytes, seen_entries;
static int bad_entry;

static int
rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st; (void)type; (void)ftw;
	return remove(p);
}

/* The scratch directory goes at exit: nothing is left behind. */
static void
remove_base(void)
{
	(void)nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Scratch space: $AIU_FUZZ_TMP, else $TMPDIR, else /dev/shm, else /tmp. */
static void
setup(void)
{
	const char *root = getenv("AIU_FUZZ_TMP");

	if (base[0] != '\0')
		return;
	if (root == NULL || root[0] == '\0')
		root = getenv("TMPDIR");
	if (root == NULL || root[0] == '\0')
		root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; /* tmp-ok: the TMPDIR fallback */
	snprintf(base, sizeof(base), "%s/aiu-fuzz-bundle.XXXXXX", root);
	if (mkdtemp(base) == NULL)
		abort();
	snprintf(arc, sizeof(arc), "%s/in.tar", base);
	snprintf(dest, sizeof(dest), "%s/dest", base);
	atexit(remove_base);
}

static int
check_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	mode_t perm = st->st_mode & 07777;

	(void)p;
	if (ftw->level == 0)
		return 0;	/* dest itself */
	seen_entries++;
	if (type == FTW_F && S_ISREG(st->st_mode)) {
		seen_bytes += (uint64_t)st->st_size;
		if (perm != 0644 && perm != 0755)
			bad_entry = 1;
	} else if (type == FTW_D && S_ISDIR(st->st_mode)) {
		if (perm != 0755)
			bad_entry = 1;
	} else {
		bad_entry = 1;	/* link, device, fifo, socket, unreadable */
	}
	return 0;
}

/* The base directory holds exactly the archive and dest. */
static void
check_base(void)
{
	DIR *dir = opendir(base);
	struct dirent *e;

	if (dir == NULL)
		abort();
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "in.tar") == 0 || strcmp(e->d_name, "dest") == 0)
			continue;
		abort();	/* written outside dest */
	}
	closedir(dir);
}

static enum au_bundle_filter
filter_of(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return AU_BUNDLE_GZIP;
	if (size >= 4 && data[0] == 0x28 && data[1] == 0xb5 &&
	    data[2] == 0x2f && data[3] == 0xfd)
		return AU_BUNDLE_ZSTD;
	return AU_BUNDLE_NONE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_diag d;
	FILE *f;
	int rc;

	setup();
	nftw(dest, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(dest, 0755) != 0)
		abort();
	f = fopen(arc, "wb");
	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
	    fclose(f) != 0)
		abort();
	memset(&d, 0, sizeof(d));
	rc = au_bundle_extract(arc, filter_of(data, size), dest, MAX_BYTES,
	    MAX_ENTRIES, &d);
	if (rc != 0 && rc != AU_EART_UNSAFE && rc != AU_EIO &&
	    rc != AU_ENOMEM && rc != AU_ENOSPC)
		abort();
	check_base();
	seen_bytes = seen_entries = 0;
	bad_entry = 0;
	if (nftw(dest, check_one, 16, FTW_PHYS) != 0)
		abort();
	if (bad_entry)
		abort();
	/*
	 * The budgets hold on success and on error (a partial tree is allowed):
	 * each entry may bring its missing parent directories along.
	 */
	if (seen_bytes > MAX_BYTES ||
	    seen_entries > (uint64_t)MAX_ENTRIES * AU_BUNDLE_MAX_DEPTH)
		abort();
	return 0;
}
