/* SPDX-License-Identifier: ISC */
/* repo/files.c - hashing and durable copies of target files for aiupdate-repo. */
#include "repo/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keys/digest.h"
#include "port/port.h"

#include "port/ban.h"

#define COPY_CHUNK 65536

/* SHA-256 only (what aiupdate-repo lists): keys/digest.h's, which uses
 * the CPU's SHA instructions through Nettle, ~4x libsodium's here. */
struct hasher {
	struct au_sha256 s256;
	uint64_t length;
};

/* Parent directory of path into buf ("." if none). */
static int
parent_of(const char *path, char *buf, size_t size, struct au_diag *diag)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : (slash == path ? 1 : (size_t)(slash - path));

	if (n + 2 > size)
		return au_diag_set(diag, AU_EUSAGE, "path too long: %s", path);
	if (n == 0)
		buf[n++] = '.';
	else
		memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

int
au_repo_mkparents(const char *path, struct au_diag *diag)
{
	char dir[AU_REPO_PATH_MAX];
	int rc;

	if ((rc = parent_of(path, dir, sizeof(dir), diag)) != 0)
		return rc;
	return au_mkdir_p(dir, 0755, diag);
}

/* Read src to the end, hashing, and writing to out when not NULL. */
static int
pump(struct au_file *in, struct au_file *out, const char *src,
    struct hasher *hs, struct au_diag *diag)
{
	uint8_t *buf = malloc(COPY_CHUNK);
	size_t got = 0;
	int rc;

	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "no memory for a copy buffer");
	do {
		rc = au_file_read(in, buf, COPY_CHUNK, &got, diag);
		if (rc == 0 && (hs->length += got) > AU_REPO_TARGET_MAX)
			rc = au_diag_set(diag, AU_ETOOBIG, "%s is larger than %llu bytes",
			    src, (unsigned long long)AU_REPO_TARGET_MAX);
		if (rc == 0 && got > 0) {
			au_sha256_update(&hs->s256, buf, got);
			if (out != NULL)
				rc = au_file_write(out, buf, got, diag);
		}
	} while (rc == 0 && got > 0);
	free(buf);
	return rc;
}

/* Finish the hashes into h. */
static void
hasher_final(struct hasher *hs, struct au_repo_hashes *h)
{
	uint8_t d256[AU_SHA256_BYTES];

	au_sha256_final(&hs->s256, d256);
	sodium_bin2hex(h->sha256, sizeof(h->sha256), d256, sizeof(d256));
	h->length = hs->length;
}

/* Finish a written temporary file and move it over dst durably. */
static int
commit(struct au_file *out, const char *tmp, const char *dst,
    struct au_diag *diag)
{
	char dir[AU_REPO_PATH_MAX];
	int rc;

	rc = au_file_sync(out, diag);
	if (au_file_close(out) != 0 && rc == 0)
		rc = au_diag_set(diag, AU_EIO, "close %s failed", tmp);
	if (rc == 0)
		rc = parent_of(dst, dir, sizeof(dir), diag);
	if (rc == 0)
		rc = au_rename(tmp, dst, diag);
	if (rc == 0)
		rc = au_dir_sync(dir, diag);
	return rc;
}

/* Finish the hashes; refuse to commit content other than expected. */
static int
check_expected(struct hasher *hs, struct au_repo_hashes *h, const char *src,
    const char *expect, struct au_diag *diag)
{
	hasher_final(hs, h);
	if (expect == NULL || strcmp(h->sha256, expect) == 0)
		return 0;
	return au_diag_set(diag, AU_EART_HASH, "%s has sha256 %s, expected %s; "
	    "it changed since it was added", src, h->sha256, expect);
}

int
au_repo_copy(const char *src, const char *dst, const char *expect_sha256,
    struct au_repo_hashes *h, struct au_diag *diag)
{
	struct au_file *in = NULL, *out = NULL;
	struct au_repo_hashes got;
	char tmp[AU_REPO_PATH_MAX];
	struct hasher hs;
	int rc, n;

	if (sodium_init() < 0)
		return au_diag_set(diag, AU_EINTERNAL, "libsodium failed to initialise");
	au_sha256_init(&hs.s256);
	hs.length = 0;
	n = snprintf(tmp, sizeof(tmp), "%s.tmp", dst != NULL ? dst : "");
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return au_diag_set(diag, AU_EUSAGE, "path too long: %s", dst);
	if ((rc = au_file_open_read(src, &in, diag)) != 0)
		return rc;
	if (dst != NULL && (rc = au_unlink(tmp, diag)) == 0)
		rc = au_file_create(tmp, 0644, &out, diag);
	if (rc == 0)
		rc = pump(in, out, src, &hs, diag);
	if (rc == 0)
		rc = check_expected(&hs, &got, src, expect_sha256, diag);
	if (out != NULL) {
		if (rc == 0)
			rc = commit(out, tmp, dst, diag);
		else
			(void)au_file_close(out);
		if (rc != 0 && au_unlink(tmp, NULL) != 0) {
			/* keep the first error */
		}
	}
	(void)au_file_close(in);
	if (rc == 0)
		*h = got;
	return rc;
}
