/* SPDX-License-Identifier: ISC */
/* client/fetch/delta.c - whether and how to make a delta update (delta.h). */
#include "client/fetch/delta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/fetch/delta_int.h"
#include "manifest/tuf.h"
#include "port/text.h"

#include "port/ban.h"

/* Everything one attempt opens; released by done(). */
struct att {
	struct au_delta_index idx;
	struct au_delta_build b;
	struct au_delta_table *table;
	int commit_failed;	/* the built file failed the signed hashes */
	char index_hex[65];	/* store/<index_hex>: the index, "" if none */
};

static int
fallback(struct au_delta_report *rep, const char *why, const char *detail)
{
	(void)snprintf(rep->why, sizeof(rep->why), "full download: %s%s%s",
	    why, detail != NULL && detail[0] ? ": " : "",
	    detail != NULL ? detail : "");
	return AU_DELTA_FALLBACK;
}

static const char *
base_of(const char *name)
{
	const char *p = strrchr(name, '/');

	return p != NULL ? p + 1 : name;
}

/* A failure that a full download would meet as well: not a reason to
 * try one (the local disk, memory, the connection). */
static int
is_local_or_link(int rc)
{
	return rc == AU_ENOSPC || rc == AU_EIO || rc == AU_ENOMEM ||
	    rc == AU_EINTERNAL || (au_err_class(rc) == AU_ECONNECT &&
	    rc != AU_ETOOBIG && rc != AU_ENOTFOUND && rc != AU_EHTTP_STATUS);
}

/*
 * The index: a TUF target, looked up in the signed metadata, fetched and
 * checked against its signed length and hash into the store like any
 * target (removed by the next garbage collection), then opened.
 */
static int
open_index(const struct au_delta_job *j, struct au_delta_report *rep,
    struct au_delta_index *x, char index_hex[65], struct au_diag *diag)
{
	const struct au_target *tg = j->index_tg;
	struct au_stage_expect ex;
	char hex[65], path[AU_STORE_PATH_MAX];
	uint8_t head[AU_CIDX_HEAD];
	uint64_t moved = 0;
	size_t got;
	int rc, w, reused;

	rep->index_bytes = tg->length;
	if (!tg->has_sha256 || tg->length < AU_CIDX_HEAD ||
	    tg->length > AU_DELTA_INDEX_MAX)
		return fallback(rep, "chunk index refused", "no SHA-256, or "
		    "not 64 bytes to AU_DELTA_INDEX_MAX");
	memset(&ex, 0, sizeof(ex));
	ex.length = tg->length;
	ex.has_sha256 = 1;
	memcpy(ex.sha256, tg->sha256, 32);
	au_hex_encode(tg->sha256, 32, hex);
	rc = au_store_reuse(j->s, hex, tg->length, 0, base_of(j->index_name),
	    diag);
	reused = rc;
	if (rc >= 0 && rc != 1) {
		rc = j->io.fetch_index(j->io.arg, j->s, j->index_file,
		    j->index_name, &ex, hex, &moved, diag);
		rep->fetched += moved;
	}
	if (rc < 0)
		return is_local_or_link(rc) ? rc : fallback(rep, "chunk index "
		    "refused", diag->msg);
	/* Discarded after the attempt only when this attempt put it in the
	 * store: an object already there may be an installed target's. */
	if (reused == 0)
		memcpy(index_hex, hex, 65);
	w = snprintf(path, sizeof(path), "%s/store/%s/%s",
	    au_store_dir(j->s), hex, base_of(j->index_name));
	if (w < 0 || (size_t)w >= sizeof(path))
		return au_diag_set(diag, AU_EINTERNAL, "path too long");
	rc = au_file_open_read(path, &x->f, diag);
	if (rc == 0)
		rc = au_file_read(x->f, head, sizeof(head), &got, diag);
	if (rc != 0)
		return rc;
	if (got != sizeof(head) || au_cidx_head_parse(head, ex.length,
	    &x->head, diag) != 0)
		return fallback(rep, "chunk index refused", diag->msg);
	if (x->head.file_length != j->ex->length)
		return fallback(rep, "chunk index refused", "it describes a file "
		    "of another length");
	return 0;
}

/* The local version: the target's current file in the store, else its
 * previous one (delta.h says why); *f NULL when there is none. */
static int
open_local(const struct au_delta_job *j, struct au_file **f, uint64_t *size,
    char which[16], struct au_diag *diag)
{
	char cur[65], prev[65], path[AU_STORE_PATH_MAX];
	const char *pick[2] = { cur, prev };
	struct au_diag d;
	size_t i;
	int rc, w;

	*f = NULL;
	rc = au_store_get(j->s, j->name, cur, prev, NULL, 0, diag);
	if (rc != 0)
		return rc;
	for (i = 0; i < 2 && *f == NULL; i++) {
		if (pick[i][0] == '\0')
			continue;
		w = snprintf(path, sizeof(path), "%s/store/%s/%s",
		    au_store_dir(j->s), pick[i], base_of(j->name));
		if (w < 0 || (size_t)w >= sizeof(path) ||
		    au_file_open_read(path, f, &d) != 0)
			continue;
		(void)snprintf(which, 16, "%s", i == 0 ? "current" : "previous");
	}
	if (*f == NULL)
		return 0;
	return au_file_size(*f, size, diag);
}

/* The index leaves the store with the attempt: it served this build only,
 * and a failed run leaves the store as it found it. */
static void
release(const struct au_delta_job *j, struct att *a)
{
	struct au_diag d;

	if (a->index_hex[0] != '\0' && au_store_discard(j->s, a->index_hex,
	    &d) != 0)
		au_log(AU_LOG_WARN, "%s: chunk index left in the store: %s",
		    j->name, d.msg);
	au_file_close(a->idx.f);
	au_file_close(a->b.local);
	au_delta_table_free(a->table);
	free(a);
}

/* The stage of the new file, its bytes held and the If-Range to send. */
static int
open_stage(const struct au_delta_job *j, struct au_delta_build *b,
    struct au_diag *diag)
{
	const char *v;
	int rc;

	rc = au_stage_resume(j->s, j->ex, &b->st, diag);
	if (rc != 0)
		return rc;
	b->pos = au_stage_offset(b->st);
	v = au_stage_validator(b->st);
	if (v[0] == '\0')	/* kept durably before the first byte */
		return au_stage_restart(b->st, AU_DELTA_VALIDATOR, diag);
	if (strncmp(v, "W/", 2) != 0)
		(void)snprintf(b->validator, sizeof(b->validator), "%s", v);
	return 0;
}

/* Local version, its chunks, the plan, the share: 0 to build. */
static int
prepare(const struct au_delta_job *j, struct au_delta_report *rep,
    struct att *a, struct au_diag *diag)
{
	char which[16] = "";
	uint64_t lsize = 0, to_move = 0;
	int rc;

	/* The local version first: without one (a first install) the
	 * index is not worth fetching. */
	rc = open_local(j, &a->b.local, &lsize, which, diag);
	if (rc == 0 && a->b.local == NULL)
		rc = fallback(rep, "no local version of the target to take "
		    "chunks from", NULL);
	if (rc == 0)
		rc = open_index(j, rep, &a->idx, a->index_hex, diag);
	if (rc == 0)
		rc = au_delta_table_build(a->b.local, lsize, &a->table, diag);
	if (rc != 0)
		return rc;
	a->b.table = a->table;
	rc = open_stage(j, &a->b, diag);
	if (rc == 0)
		rc = au_delta_plan(&a->b, &to_move, diag);
	if (rc == AU_EMETA_MALFORMED)
		return fallback(rep, "chunk index refused", diag->msg);
	if (rc != 0)
		return rc;
	rep->to_move = to_move;
	au_log(AU_LOG_INFO, "%s: %zu chunks in the %s version (%zu bytes of "
	    "table), %u in the new; %llu of %llu bytes to fetch%s", j->name,
	    au_delta_table_count(a->table), which,
	    au_delta_table_bytes(a->table), a->idx.head.count,
	    (unsigned long long)to_move, (unsigned long long)j->ex->length,
	    a->b.pos > 0 ? " after the bytes held" : "");
	if (to_move + rep->index_bytes > j->ex->length / 100 *
	    (uint64_t)j->cfg->delta_max_share + j->ex->length % 100 *
	    (uint64_t)j->cfg->delta_max_share / 100) {
		char d[80];

		(void)snprintf(d, sizeof(d), "%llu%% of the file to move, "
		    "over [delta] max_share = %d%%", (unsigned long long)
		    ((to_move + rep->index_bytes) * 100 /
		    (j->ex->length ? j->ex->length : 1)),
		    j->cfg->delta_max_share);
		return fallback(rep, "a delta would not pay", d);
	}
	return 0;
}

/* After prepare(): build, then the same commit as a full download. */
static int
build(const struct au_delta_job *j, struct au_delta_report *rep,
    struct att *a, char hash_hex[65], struct au_diag *diag)
{
	int rc = au_delta_build_run(&a->b, diag);

	if (rc == AU_DELTA_FALLBACK)
		rc = fallback(rep, "the server ignores range requests (HTTP "
		    "200)", NULL);
	/* A mirror or proxy that answers ranges wrongly (416, another
	 * status, a wrong Content-Range, a short body) must not block the
	 * target on every run: a full GET may still work. */
	else if (rc == AU_EHTTP || rc == AU_EHTTP_STATUS || rc == AU_ENOTFOUND)
		rc = fallback(rep, "the server's answer to a range request was "
		    "unusable", diag->msg);
	if (rc == 0) {
		rc = au_stage_commit(a->b.st, j->name, hash_hex, diag);
		a->b.st = NULL;
		a->commit_failed = rc == AU_EART_HASH || rc == AU_EART_LENGTH;
	}
	if (rc == 0) {
		rep->used = 1;
		(void)snprintf(rep->why, sizeof(rep->why), "delta: %llu bytes "
		    "fetched, %llu reused of %llu", (unsigned long long)
		    rep->fetched, (unsigned long long)rep->reused,
		    (unsigned long long)j->ex->length);
	}
	return rc;
}

static int
is_transport(int rc)
{
	return au_err_class(rc) == AU_ECONNECT && rc != AU_ETOOBIG;
}

/* One build; *again when bytes held from an earlier run made a file that
 * failed the signed hashes (then it is worth building once from 0). */
static int
attempt(const struct au_delta_job *j, struct au_delta_report *rep,
    char hash_hex[65], int *again, struct au_diag *diag)
{
	struct att *a = calloc(1, sizeof(*a));
	uint64_t held;
	int rc;

	if (a == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	a->b.j = j;
	a->b.rep = rep;
	a->b.idx = &a->idx;
	rc = prepare(j, rep, a, diag);
	held = a->b.st != NULL ? au_stage_offset(a->b.st) : 0;
	if (rc == 0)
		rc = build(j, rep, a, hash_hex, diag);
	*again = a->commit_failed && held > 0;
	/* The bytes built are the target's: a full download or the next run
	 * continues them, unless they proved wrong (a chunk, the file) or a
	 * local failure came (as for a full download: removed). */
	if (rc == AU_DELTA_FALLBACK || is_transport(rc))
		au_stage_suspend(a->b.st);
	else
		au_stage_abort(a->b.st);
	release(j, a);
	return rc;
}

int
au_delta_fetch(const struct au_delta_job *j, struct au_delta_report *rep,
    char hash_hex[65], struct au_diag *diag)
{
	int rc, again = 0;

	rep->tried = 1;
	rep->used = 0;
	rep->fetched = rep->reused = rep->to_move = rep->index_bytes = 0;
	if (j->cfg->delta_max_share == 0)
		return fallback(rep, "deltas are off ([delta] max_share = 0)",
		    NULL);
	if (!j->ex->has_sha256 || j->io.fetch_range == NULL)
		return fallback(rep, "no signed SHA-256 or no range requests",
		    NULL);
	rc = attempt(j, rep, hash_hex, &again, diag);
	if (rc != 0 && again) {
		au_log(AU_LOG_INFO, "%s: the bytes held did not make the signed "
		    "file (%s); building it again", j->name, diag->msg);
		rep->reused = 0;
		rc = attempt(j, rep, hash_hex, &again, diag);
	}
	return rc;
}
