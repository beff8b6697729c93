/* SPDX-License-Identifier: ISC */
/* client/fetch/localrepo.c - a repository copy on local media as a fetch source. */
#include "client/fetch/localrepo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/fetch/source.h"
#include "client/report/run_report.h"
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
 * Every directory between the copy and the file (SUB itself, and each of
 * FILE's parents) must be a directory of the copy: a symlink there is
 * never followed out of it, as a symlink in place of the file is not.
 * Missing is left to the open (AU_ENOTFOUND).
 */
static int
parents_ok(char *path, size_t dirlen, int refused, struct au_diag *diag)
{
	struct au_stat st;
	char *p;
	int rc;

	for (p = strchr(path + dirlen + 1, '/'); p != NULL;
	    p = strchr(p + 1, '/')) {
		*p = '\0';
		rc = au_stat(path, &st, diag);
		if (rc == 0 && st.type != AU_FT_DIR && st.type != AU_FT_NONE)
			rc = au_diag_sys(diag, refused, ELOOP, "%s: %s in the "
			    "copy, not a directory (never followed): refused",
			    path, st.type == AU_FT_LINK ? "a symbolic link" :
			    "not a directory");
		*p = '/';
		if (rc != 0)
			return rc;
	}
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

/* DIR/SUB/FILE, at most cap bytes, into a new *buf; a non-file there is
 * the refused input `refused` (metadata or artifact). */
static int
read_small(const char *dir, const char *sub, const char *file, size_t cap,
    int refused, uint8_t **buf, size_t *len, struct au_diag *diag)
{
	char path[AU_LOCAL_PATH_MAX];
	struct au_diag d = { "", 0 };
	int rc;

	rc = join(path, sizeof(path), dir, sub, file, diag);
	if (rc == 0)
		rc = parents_ok(path, strlen(dir), refused, diag);
	if (rc != 0)
		return rc;
	rc = au_file_read_all(path, cap, buf, len, &d);
	if (rc == AU_ETOOBIG)
		return au_diag_set(diag, AU_ETOOBIG, "%s is larger than %zu bytes",
		    path, cap);
	if (rc != 0)
		return open_error(rc, &d, path, refused, diag);
	return 0;
}

int
au_local_fetch_meta(void *arg, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	return read_small(arg, "metadata", file, cap, AU_EMETA_MALFORMED, buf,
	    len, diag);
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
	if (rc == 0)
		rc = parents_ok(path, strlen(dir), AU_EART_NOTFILE, diag);
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

/* ---- as a repository source (source.h) ---- */

struct local_sink {
	struct au_stage *stage;
	struct au_diag *diag;
	const char *name;	/* for progress reports */
	au_progress_fn progress;
	void *parg;
	uint64_t done, total;
};

static int
sink_stage(void *arg, const uint8_t *buf, size_t len)
{
	struct local_sink *c = arg;
	int rc = au_stage_write(c->stage, buf, len, c->diag);

	c->done += len;
	if (rc == 0 && c->progress != NULL)
		c->progress(c->parg, c->name, c->done, c->total);
	return rc;
}

static int
local_open(struct au_source *src, const struct au_config *cfg, int64_t now,
    struct au_report *rep, struct au_diag *diag)
{
	(void)cfg;
	(void)now;
	(void)snprintf(rep->path, sizeof(rep->path), "%s",
	    (const char *)src->arg);
	return au_local_check(src->arg, diag);
}

static int
local_meta(struct au_source *src, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	return au_local_fetch_meta((void *)src->arg, file, cap, buf, len, diag);
}

/* A small target (an OMS bundle) into memory: targets/FILE of the copy. */
static int
local_small(struct au_source *src, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag)
{
	return read_small(src->arg, "targets", file, cap, AU_EART_NOTFILE, buf,
	    len, diag);
}

static int
local_artifact(struct au_source *src, struct au_store *s, const char *file,
    const char *name, const struct au_stage_expect *ex,
    au_progress_fn progress, void *parg, char hash_hex[65], uint64_t *moved,
    struct au_diag *diag)
{
	struct local_sink sc = { NULL, diag, name, progress, parg, 0,
		ex->length };
	int rc;

	*moved = 0;
	rc = au_stage_begin(s, ex, &sc.stage, diag);
	if (rc != 0)
		return rc;
	/* The cap is the signed length: byte length+1 ends the transfer. */
	rc = au_local_get(src->arg, file, ex->length, sink_stage, &sc, moved,
	    diag);
	if (rc == AU_ETOOBIG)
		rc = au_diag_set(diag, AU_EART_LENGTH, "%s: the server sent "
		    "more than the signed %llu bytes", name,
		    (unsigned long long)ex->length);
	if (rc != 0) {
		au_stage_abort(sc.stage);
		return rc;
	}
	return au_stage_commit(sc.stage, name, hash_hex, diag);
}

static void
local_close(struct au_source *src)
{
	(void)src;
}

void
au_source_local(struct au_source *src, const char *dir)
{
	memset(src, 0, sizeof(*src));
	src->open = local_open;
	src->fetch_meta = local_meta;
	src->fetch_small = local_small;
	src->fetch_artifact = local_artifact;
	src->close = local_close;
	src->arg = dir;
}
