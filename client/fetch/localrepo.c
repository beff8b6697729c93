/* SPDX-License-Identifier: ISC */
/* client/fetch/localrepo.c - a repository copy on local media as a fetch source. */
#include "client/fetch/localrepo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "port/port.h"
#include "port/ban.h"

static int
join(char *buf, size_t size, const char *dir, const char *sub,
    const char *file, struct au_diag *diag)
{
	int n = snprintf(buf, size, "%s/%s/%s", dir, sub, file);

	if (n < 0 || (size_t)n >= size)
		return au_diag_set(diag, AU_ETOOBIG, "path %s/%s/%s is too long",
		    dir, sub, file);
	return 0;
}

/*
 * Map "no such file" to AU_ENOTFOUND, as HTTP 404 is, and anything but a
 * regular file there (a symlink, never followed; a directory, a FIFO, a
 * device: port.h) to `refused`: it is the copy's content, not a local fault.
 */
static int
open_error(int rc, const struct au_diag *d, const char *path, int refused,
    struct au_diag *diag)
{
	if (rc == AU_EIO && d->sys == ENOENT)
		return au_diag_sys(diag, AU_ENOTFOUND, ENOENT, "%s: no such file",
		    path);
	if (rc == AU_EIO && (d->sys == ELOOP || d->sys == EINVAL))
		return au_diag_sys(diag, refused, d->sys, "%s: refused", d->msg);
	return au_diag_sys(diag, rc, d->sys, "%s", d->msg);
}

int
au_local_fetch_meta(void *arg, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	char path[AU_LOCAL_PATH_MAX];
	struct au_diag d = { "", 0 };
	int rc;

	rc = join(path, sizeof(path), arg, "metadata", file, diag);
	if (rc != 0)
		return rc;
	rc = au_file_read_all(path, cap, buf, len, &d);
	if (rc == AU_ETOOBIG)
		return au_diag_set(diag, AU_ETOOBIG, "%s is larger than %zu bytes",
		    path, cap);
	if (rc != 0)
		return open_error(rc, &d, path, AU_EMETA_MALFORMED, diag);
	return 0;
}

static int
pump(struct au_file *f, const char *path, uint64_t max_bytes,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag)
{
	uint8_t *buf = malloc(AU_LOCAL_CHUNK);
	size_t n = 0;
	int rc = 0;

	if (buf == NULL)
		return au_diag_set(diag, AU_ENOMEM, "no memory for a read buffer");
	for (;;) {
		rc = au_file_read(f, buf, AU_LOCAL_CHUNK, &n, diag);
		if (rc != 0 || n == 0)
			break;
		if (*got + n > max_bytes) {
			rc = au_diag_set(diag, AU_ETOOBIG, "%s holds more than %llu "
			    "bytes", path, (unsigned long long)max_bytes);
			break;
		}
		rc = sink(arg, buf, n);
		if (rc != 0)
			break;
		*got += n;
	}
	free(buf);
	return rc;
}

int
au_local_get(const char *dir, const char *file, uint64_t max_bytes,
    au_http_sink sink, void *arg, uint64_t *got, struct au_diag *diag)
{
	char path[AU_LOCAL_PATH_MAX];
	struct au_diag d = { "", 0 };
	struct au_file *f = NULL;
	uint64_t moved = 0;
	int rc;

	rc = join(path, sizeof(path), dir, "targets", file, diag);
	if (rc == 0) {
		rc = au_file_open_read(path, &f, &d);
		if (rc != 0)
			rc = open_error(rc, &d, path, AU_EART_NOTFILE,
			    diag);
	}
	if (rc == 0)
		rc = pump(f, path, max_bytes, sink, arg, &moved, diag);
	(void)au_file_close(f);
	if (got != NULL)
		*got = moved;
	return rc;
}

int
au_local_check(const char *dir, struct au_diag *diag)
{
	char path[AU_LOCAL_PATH_MAX];
	struct au_stat st;
	int rc, n;

	n = snprintf(path, sizeof(path), "%s/metadata", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return au_diag_set(diag, AU_ECONFIG, "--from path is too long");
	rc = au_stat(path, &st, diag);
	if (rc != 0)
		return rc;
	if (st.type != AU_FT_DIR)
		return au_diag_set(diag, AU_ECONFIG, "%s is not a repository copy: "
		    "%s is not a directory (write one with `aiupdate-repo export`)",
		    dir, path);
	return 0;
}
