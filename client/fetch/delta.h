/* SPDX-License-Identifier: ISC */
/*
 * client/fetch/delta.h - a delta update of one large raw target (issue 13):
 * the new version is built in the stage (client/install/stage.h) from the
 * chunks it shares with the version installed on the device, copied
 * locally, and the others fetched with HTTP range requests
 * (client/transport/http_range.h) on the plain artifact file.  Chunks and
 * the index are those of docs/chunk-index.md (manifest/cdc.h,
 * manifest/chunk_index.h): FastCDC 16/64/256 KiB, SHA-256 chunk ids, the
 * index a TUF target named by the artifact's signed custom.chunk_index.
 *
 * Security: nothing here is trusted for the result.  The index is a TUF
 * target (signed length and hash checked while staged, at most
 * AU_DELTA_INDEX_MAX bytes), every chunk is hashed as it is copied or
 * arrives and compared with the index, and the built file goes through the
 * same au_stage_commit() as a full download: the whole file's signed
 * length and hashes, before anything is used.  A wrong index or chunk can
 * waste bytes, never install them.  A chunk from the server that does not
 * match is fetched once more; a second mismatch fails with AU_EART_HASH
 * (exit 13) and the staged bytes are removed.
 *
 * The local version: the target's current version in the store (else its
 * previous one): the version a new one is most likely derived from, present
 * on every device that runs it, and one file to chunk (chunking every
 * stored file would read them all on each update).  It is chunked afresh
 * on every run (no cached local index: the store may have been modified),
 * and each chunk copied from it is hashed again as it is copied, so a
 * store file changed in between is a source of misses, not of wrong bytes.
 *
 * Crash safety and resume: the file is built in partial/<sha256>.part, as a
 * full download is (AU_STAGE_SYNC_BYTES says how often it is fsynced; the
 * validator file is written durably before the first byte), so a power cut
 * or kill -9 leaves the old version active and the next run re-hashes the
 * bytes held and continues after them (a chunk cut by the end of those
 * bytes is fetched or copied whole, checked, and only its tail written).
 * A full download may continue such a partial file and the other way round:
 * both hold the same target's bytes.
 *
 * Memory (an 8 GiB model at the 64 KiB average is about 131,000 chunks):
 * the local chunks as a sorted array of 12-byte entries (48 bits of the
 * chunk id, 48 bits of offset: 1.5 MiB for 131k chunks), the new index
 * streamed from its file (never held), two chunk buffers of AU_CDC_MAX, the
 * chunker's read buffer, and at most AU_DELTA_RUN_CHUNKS records of the
 * range being fetched.  Measured: tests/tools/delta_rss.c (README).
 * CPU: the local file is read and hashed once to chunk it, its reused
 * chunks read and hashed once more as they are copied; every byte of the
 * new file is hashed twice (its chunk, the whole file).  Disk: the new file
 * is built beside the old one (the space check of a full download).
 */
#ifndef AU_DELTA_H
#define AU_DELTA_H

#include <stdint.h>

#include "client/config.h"
#include "client/install/stage.h"
#include "client/install/store.h"
#include "client/report/run_report.h"
#include "client/transport/http_range.h"
#include "port/err.h"

#define AU_DELTA_INDEX_MAX (64ULL << 20)	/* bytes of a chunk index (1.8M chunks) */
#define AU_DELTA_RUN_CHUNKS 256		/* missing chunks merged into one range */
#define AU_DELTA_FALLBACK 1		/* au_delta_fetch: make a full download */
/* The validator kept beside a partial file built by a delta: weak, so it
 * never satisfies an If-Range (RFC 9110 13.1.5 wants a strong one). */
#define AU_DELTA_VALIDATOR "W/\"aiupdate-delta\""

struct au_target;

/*
 * Where the bytes come from (client/fetch/source.c adapts a struct
 * au_source; a unit test plugs in its own), arg passed to each:
 *   fetch_index  the index target FILE (repository targets/ name) as name,
 *                verified against ex while staged and committed into s
 *                (au_source's fetch_artifact); *moved the bytes received
 *   fetch_range  bytes r->first..r->last of the artifact FILE to sink, as
 *                au_http_get_range (r->ignored for a 200)
 */
struct au_delta_io {
	int (*fetch_index)(void *arg, struct au_store *s, const char *file,
	    const char *name, const struct au_stage_expect *ex,
	    char hash_hex[65], uint64_t *moved, struct au_diag *diag);
	int (*fetch_range)(void *arg, const char *file,
	    struct au_http_range *r, au_http_sink sink, void *sarg,
	    uint64_t *got, struct au_diag *diag);
	void *arg;
};

/* Progress of the ranges: done of total bytes to move (as source.h's). */
typedef void (*au_delta_progress_fn)(void *arg, const char *target,
    uint64_t done, uint64_t total);

/* One delta: the target, where its bytes and its index come from. */
struct au_delta_job {
	struct au_delta_io io;
	struct au_store *s;
	const struct au_config *cfg;	/* [delta] max_share */
	const char *name;		/* the target name */
	const char *file;		/* its repository targets/ file */
	const struct au_stage_expect *ex;	/* its signed length and hashes */
	const char *index_name;		/* custom.chunk_index */
	const char *index_file;		/* the index's repository targets/ file */
	const struct au_target *index_tg;	/* the index as signed */
	au_delta_progress_fn progress;	/* may be NULL: bytes fetched of to_move */
	void *parg;
};

/*
 * Build target j->name into the store from local chunks and ranges, or say
 * why not.  Returns 0: committed into the store (hash_hex its SHA-256, as
 * au_stage_commit); AU_DELTA_FALLBACK: no delta (no local version, the
 * index missing, refused or not this chunker's, not a raw file with a
 * SHA-256, the share to move over [delta] max_share, the server answered a
 * range request with 200 or the source has no ranges): the caller makes a
 * full download, which may continue the bytes already built.  rep (always
 * filled) has the decision and the bytes.  Errors: AU_EART_HASH (a chunk
 * wrong twice, or the built file's hash; nothing kept), AU_EART_LENGTH,
 * transport errors (the bytes built are kept for the next run), the
 * stage's AU_ENOSPC / AU_EIO / AU_ENOMEM, AU_EIO reading the local file.
 */
AU_NODISCARD int au_delta_fetch(const struct au_delta_job *j,
    struct au_delta_report *rep, char hash_hex[65], struct au_diag *diag);

#endif
