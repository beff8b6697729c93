/* SPDX-License-Identifier: ISC */
/* client/fetch/source.c - what every repository source shares (source.h). */
#include "client/fetch/source.h"

#include <stdio.h>
#include <string.h>

#include "client/fetch/delta.h"
#include "client/install/bundle.h"
#include "client/install/libarchive_dl.h"
#include "client/metadata/budget.h"
#include "client/metadata/custom.h"
#include "client/metadata/tufclient.h"
#include "port/port.h"
#include "port/ban.h"

int
au_source_tuf_fetch(void *arg, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	struct au_source *src = arg;

	return src->fetch_meta(src, file, cap, buf, len, diag);
}

static int
check_space(const char *dir, uint64_t need, struct au_diag *diag)
{
	uint64_t avail;
	int rc;

	rc = au_free_space(dir, &avail, diag);
	if (rc != 0)
		return rc;
	if (avail < need + AU_SOURCE_SPACE_MARGIN)
		return au_diag_set(diag, AU_ENOSPC, "%llu bytes needed in "
		    "%s (artifact plus a %llu-byte margin), %llu available",
		    (unsigned long long)need, dir,
		    (unsigned long long)AU_SOURCE_SPACE_MARGIN,
		    (unsigned long long)avail);
	return 0;
}

/* What the stage checks: the signed length and hashes. */
static void
expect_of(const struct au_target *tg, struct au_stage_expect *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->length = tg->length;
	ex->has_sha256 = tg->has_sha256;
	ex->has_sha512 = tg->has_sha512;
	memcpy(ex->sha256, tg->sha256, 32);
	memcpy(ex->sha512, tg->sha512, 64);
}

/* The delta's I/O over this source (client/fetch/delta.h au_delta_io). */
static int
io_index(void *arg, struct au_store *s, const char *file, const char *name,
    const struct au_stage_expect *ex, char hash_hex[65], uint64_t *moved,
    struct au_diag *diag)
{
	struct au_source *src = arg;

	return src->fetch_artifact(src, s, file, name, ex, NULL, NULL,
	    hash_hex, moved, diag);
}

static int
io_range(void *arg, const char *file, struct au_http_range *r,
    au_http_sink sink, void *sarg, uint64_t *got, struct au_diag *diag)
{
	struct au_source *src = arg;

	return src->fetch_range(src, file, r, sink, sarg, got, diag);
}

/*
 * A delta first when the signed custom names a chunk index (delta.h);
 * AU_DELTA_FALLBACK: a full download.  The decision is logged (-v).
 */
static int
try_delta(struct au_source *src, struct au_store *s,
    const struct au_config *cfg, struct au_tuf_client *tuf, const char *name,
    const char *file, const struct au_target *tg,
    const struct au_stage_expect *ex, au_progress_fn progress, void *parg,
    uint64_t *moved, struct au_delta_report *rep, struct au_diag *diag)
{
	struct au_delta_job j = { { io_index, io_range, src }, s, cfg, name,
	    file, ex, NULL, NULL, NULL, progress, parg };
	char ifile[AU_TARGET_NAME_MAX + 160], hash[65];
	struct au_target itg;
	struct au_custom c;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (au_custom_parse(tg->custom_json, &c, NULL) != 0 ||
	    c.chunk_index[0] == '\0')
		return AU_DELTA_FALLBACK;
	rep->tried = 1;
	j.index_name = c.chunk_index;
	memset(&itg, 0, sizeof(itg));
	if (src->fetch_range == NULL) {
		(void)snprintf(rep->why, sizeof(rep->why), "full download: "
		    "the source has no range requests (a local copy)");
		rc = AU_DELTA_FALLBACK;
	} else if ((rc = au_tuf_find_target(tuf, c.chunk_index, &itg,
	    diag)) != 0 || au_tuf_target_file(tuf, c.chunk_index, &itg, ifile,
	    sizeof(ifile)) != 0) {
		(void)snprintf(rep->why, sizeof(rep->why), "full download: "
		    "chunk index %.50s not usable: %.60s", c.chunk_index,
		    rc != 0 ? diag->msg : "name too long");
		rc = au_err_class(rc) == AU_ECONNECT && rc != AU_ENOTFOUND ?
		    rc : AU_DELTA_FALLBACK;	/* transport: the run fails */
	} else {
		j.index_file = ifile;
		j.index_tg = &itg;
		rc = au_delta_fetch(&j, rep, hash, diag);
	}
	au_target_clear(&itg);
	*moved = rep->fetched;
	au_log(AU_LOG_INFO, "%s: %s (fetched %llu, reused %llu, to move %llu "
	    "of %llu bytes)", name, rep->why, (unsigned long long)rep->fetched,
	    (unsigned long long)rep->reused, (unsigned long long)rep->to_move,
	    (unsigned long long)ex->length);
	return rc;
}

int
au_source_fetch_target(struct au_source *src, struct au_store *s,
    const struct au_config *cfg, struct au_tuf_client *tuf,
    const char *name, const struct au_target *tg, const char *sha256_hex,
    au_progress_fn progress, void *parg, uint64_t *moved,
    struct au_delta_report *delta, struct au_diag *diag)
{
	struct au_delta_report drep;
	struct au_stage_expect ex;
	char file[AU_TARGET_NAME_MAX + 160], hash[65];
	uint64_t bb = cfg->bundle_max_bytes, be = cfg->bundle_max_entries;
	uint64_t full = 0;
	int bundle = au_bundle_kind(name) >= 0, rc;
	const char *base;

	*moved = 0;
	/* Same content already present, and checked: not fetched (issue 12). */
	base = strrchr(name, '/');
	rc = au_store_reuse(s, sha256_hex, tg->length, bundle,
	    base != NULL ? base + 1 : name, diag);
	if (rc < 0 || rc == 1)
		return rc < 0 ? rc : 0;
	/* 2: the same bytes under another raw target's name: fetched, and
	 * added under this one by the commit (client/install/stage.h) */
	/* Bundle budget and declared size from signed custom (budget.h). */
	rc = au_budget_from_custom(tg->custom_json, &bb, &be, diag);
	if (rc != 0)
		return rc;
	au_store_set_budget(s, bb, be);
	if (bundle) {
		const struct au_libarchive *la;

		/* A device image without libarchive: say so before the
		 * download, not after it (client/install/libarchive_dl.h). */
		rc = au_libarchive(&la, diag);
		if (rc != 0)
			return rc;
	}
	rc = check_space(cfg->state_dir, tg->length + (bundle &&
	    bb < AU_BUNDLE_MAX_BYTES ? bb : 0), diag);
	if (rc != 0)
		return rc;
	if (au_tuf_target_file(tuf, name, tg, file, sizeof(file)) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "name too long");
	expect_of(tg, &ex);
	if (!bundle) {
		rc = try_delta(src, s, cfg, tuf, name, file, tg, &ex, progress,
		    parg, moved, delta != NULL ? delta : &drep, diag);
		if (rc != AU_DELTA_FALLBACK)
			return rc;
	}
	rc = src->fetch_artifact(src, s, file, name, &ex, progress, parg,
	    hash, &full, diag);
	*moved += full;
	if (delta != NULL)
		delta->fetched = *moved;
	return rc;
}
