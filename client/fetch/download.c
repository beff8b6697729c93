/* SPDX-License-Identifier: ISC */
/* client/fetch/download.c - resumable, verified artifact download (download.h). */
#include "client/fetch/download.h"

#include <string.h>

#include "client/transport/http.h"
#include "client/fetch/pipeline.h"
#include "port/port.h"

#include "port/ban.h"

/*
 * The caller's thread runs the HTTP/TLS reader (on_start, on_data); the
 * pipeline's worker owns st between au_pipe_new() and the join, and is the
 * only one to call au_stage_write() on it (consume).  on_start runs before
 * the first byte is pushed, while the worker waits for one.
 */
struct dl {
	struct au_stage *st;
	struct au_pipe *pipe;
	struct au_diag *diag;
	const char *name;
	uint64_t done, total;
	au_download_progress progress;
	void *parg;
};

/* Before the first body byte: a full 200 body replaces what was held. */
static int
on_start(void *arg, const struct au_http_resume *r)
{
	struct dl *d = arg;

	d->done = r->resumed ? au_stage_offset(d->st) : 0;
	if (r->resumed)
		return 0;
	if (au_stage_offset(d->st) == 0 &&
	    strcmp(au_stage_validator(d->st), r->validator_out) == 0)
		return 0;
	return au_stage_restart(d->st, r->validator_out, d->diag);
}

static int
on_data(void *arg, const uint8_t *buf, size_t len)
{
	struct dl *d = arg;
	int rc = au_pipe_push(d->pipe, buf, len);

	d->done += len;
	if (rc == 0 && d->progress != NULL)
		d->progress(d->parg, d->name, d->done, d->total);
	return rc;
}

/* Zero-copy (http.h struct au_http_place): TLS decrypts into the ring. */
static int
on_space(void *arg, uint8_t **buf, size_t *len)
{
	struct dl *d = arg;

	return au_pipe_space(d->pipe, buf, len);
}

static int
on_placed(void *arg, size_t n)
{
	struct dl *d = arg;
	int rc = au_pipe_commit(d->pipe, n);

	d->done += n;
	if (rc == 0 && d->progress != NULL)
		d->progress(d->parg, d->name, d->done, d->total);
	return rc;
}

static const struct au_http_place into_ring = { on_space, on_placed };

/* The worker's side: hash and write (store.h). */
static int
consume(void *arg, const uint8_t *buf, size_t len, struct au_diag *diag)
{
	return au_stage_write(arg, buf, len, diag);
}

static int
is_transport(int rc)
{
	return au_err_class(rc) == AU_ECONNECT && rc != AU_ETOOBIG;
}

/*
 * The GET through the pipeline.  After a transport failure the bytes that
 * arrived are still written (kept for a resume); after any other failure
 * the queue is dropped.  A consumer's failure (AU_ENOSPC, AU_EIO,
 * AU_EART_LENGTH) wins, with its own diag.
 */
static int
transfer(struct au_http *h, const char *path, uint64_t total,
    struct au_http_resume *r, struct dl *d, uint64_t *got,
    struct au_diag *diag)
{
	struct au_diag wd = { "", 0 };
	int rc, wrc;

	rc = au_pipe_new(consume, d->st, &d->pipe, diag);
	if (rc != 0)
		return rc;
	r->place = &into_ring;
	rc = au_http_get_resume(h, path, total, r, on_start, on_data, d, got,
	    diag);
	if (rc == 0 || is_transport(rc))
		wrc = au_pipe_finish(d->pipe, &wd);
	else
		wrc = au_pipe_cancel(d->pipe, &wd);
	d->pipe = NULL;
	if (wrc == 0)
		return rc;
	if (diag != NULL)
		*diag = wd;
	return wrc;
}

/* One attempt; *again when it should be repeated from byte 0. */
static int
attempt(struct au_http *h, struct au_store *s, const char *path,
    const struct au_stage_expect *ex, struct dl *dp, char hash_hex[65],
    uint64_t *moved, int *again, struct au_diag *diag)
{
	struct au_http_resume r;
	struct dl d = *dp;
	const char *name = d.name;
	uint64_t got = 0;
	int rc;

	rc = au_stage_resume(s, ex, &d.st, diag);
	if (rc != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.offset = au_stage_offset(d.st);
	r.validator = au_stage_validator(d.st);
	if (r.offset > 0 && r.offset == ex->length) {
		r.resumed = 1;	/* every byte is here: only the check is left */
		rc = 0;
	} else {
		rc = transfer(h, path, ex->length, &r, &d, &got, diag);
	}
	*moved += got;
	if (rc == AU_ETOOBIG)
		rc = au_diag_set(diag, AU_EART_LENGTH, "%s: the server sent "
		    "more than the signed %llu bytes", name,
		    (unsigned long long)ex->length);
	if (rc != 0 && r.range_refused) {
		au_stage_abort(d.st);
		*again = 1;
		return rc;
	}
	if (rc != 0 && is_transport(rc)) {
		au_stage_suspend(d.st);
		return rc;
	}
	if (rc != 0) {
		au_stage_abort(d.st);
		return rc;
	}
	rc = au_stage_commit(d.st, name, hash_hex, diag);
	if ((rc == AU_EART_HASH || rc == AU_EART_LENGTH) && r.resumed)
		*again = 1;
	return rc;
}

int
au_download(struct au_http *h, struct au_store *s, const char *path,
    const struct au_stage_expect *ex, const char *name,
    au_download_progress progress, void *parg, char hash_hex[65],
    uint64_t *moved, struct au_diag *diag)
{
	struct dl d = { NULL, NULL, diag, name, 0, ex->length, progress, parg };
	int rc, again = 0;

	*moved = 0;
	rc = attempt(h, s, path, ex, &d, hash_hex, moved, &again, diag);
	if (rc != 0 && again) {
		au_log(AU_LOG_INFO, "%s: resume failed (%s); starting over",
		    name, diag != NULL ? diag->msg : au_strerror(rc));
		again = 0;
		rc = attempt(h, s, path, ex, &d, hash_hex, moved, &again,
		    diag);
	}
	return rc;
}
