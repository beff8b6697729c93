/* SPDX-License-Identifier: ISC */
/* client/download.c - resumable, verified artifact download (download.h). */
#include "client/download.h"

#include <string.h>

#include "client/http.h"
#include "port/port.h"

#include "port/ban.h"

struct dl {
	struct au_stage *st;
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
	int rc = au_stage_write(d->st, buf, len, d->diag);

	d->done += len;
	if (rc == 0 && d->progress != NULL)
		d->progress(d->parg, d->name, d->done, d->total);
	return rc;
}

static int
is_transport(int rc)
{
	return au_err_class(rc) == AU_ECONNECT && rc != AU_ETOOBIG;
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
		rc = au_http_get_resume(h, path, ex->length, &r, on_start,
		    on_data, &d, &got, diag);
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
	struct dl d = { NULL, diag, name, 0, ex->length, progress, parg };
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
