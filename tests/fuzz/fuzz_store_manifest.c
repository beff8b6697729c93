/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_store_manifest.c - libFuzzer target for the bundle
 * manifest parser of client/install/store_verify.c (au_store_reuse).
 *
 * A store entry store/<H>/ holding the directory "a" and the file "a/b.txt"
 * ("x") is made (again, when the last input had it removed) in /dev/shm when
 * available, the input is written as store/<H>.manifest, and the entry is
 * checked.  Beyond "no crash": the result is 1, 0 or a local error; 1 only
 * for a manifest of exactly two entries, with the entry left as it was; 0
 * only with the entry and its manifest removed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/install/store.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define H "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static char base[128], entry[256], manifest[256], file[300];
static struct au_store *store;

static void
setup(void)
{
	const char *root = getenv("AIU_FUZZ_TMP");

	if (store != NULL)
		return;
	if (root == NULL)
		root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; /* tmp-ok: the TMPDIR fallback */
	snprintf(base, sizeof(base), "%s/aiu-fuzz-manifest.XXXXXX", root);
	if (mkdtemp(base) == NULL || au_store_open(base, &store, NULL) != 0)
		abort();
	snprintf(entry, sizeof(entry), "%s/store/" H, base);
	snprintf(manifest, sizeof(manifest), "%s.manifest", entry);
	snprintf(file, sizeof(file), "%s/a/b.txt", entry);
}

static void
put(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
	    fclose(f) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sub[300];
	struct stat sb;
	size_t i, lines = 0;
	int rc;

	setup();
	snprintf(sub, sizeof(sub), "%s/a", entry);
	if (stat(entry, &sb) != 0 && (mkdir(entry, 0755) != 0 ||
	    mkdir(sub, 0755) != 0))
		abort();
	put(file, "x", 1);
	put(manifest, data, size);
	rc = au_store_reuse(store, H, 1, 1, NULL, NULL);
	if (rc != 0 && rc != 1 && rc != AU_EIO && rc != AU_ENOMEM)
		abort();
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rc == 1 && (lines != 3 || stat(file, &sb) != 0))
		abort();
	if (rc == 0 && (stat(entry, &sb) == 0 || stat(manifest, &sb) == 0))
		abort();
	return 0;
}
