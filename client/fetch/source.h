/* SPDX-License-Identifier: ISC */
/*
 * client/fetch/source.h - where a run's bytes come from: a repository source
 * is a small struct of function pointers (STYLE.md 4a), so the run never
 * knows which one it has.  Two are built in:
 *
 *   au_source_https()  discovery (client/discover/discover.h) and one
 *                      TLS connection; metadata by GET into memory,
 *                      artifacts by a resumable download into the store
 *                      (client/fetch/download.h), each GET under the
 *                      slow-retrieval deadline of [network]
 *   au_source_local()  a repository copy on local media (--from DIR,
 *                      client/fetch/localrepo.h): no DNS, no TLS
 *
 * and a unit test plugs in its own (tests/unit/test_update.c).  Whatever the
 * source, every byte goes through the same TUF verification (metadata) and
 * the same length and hash checks while staged (artifacts): a source is
 * trusted for nothing.
 */
#ifndef AU_SOURCE_H
#define AU_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "client/config.h"
#include "client/install/stage.h"
#include "client/install/store.h"
#include "client/transport/http_range.h"
#include "port/err.h"

struct au_report;	/* client/report/run_report.h */

/* Progress of one artifact transfer: bytes so far of the signed total. */
typedef void (*au_progress_fn)(void *arg, const char *target, uint64_t done,
    uint64_t total);

struct au_source {
	/*
	 * Reach the repository for cfg at the run's time now: fill rep's
	 * host, port, path, addr, tls_auth and net (what field support sees).
	 * Errors: AU_EDNS_* (discovery), any other (transport: AU_ECONNECT,
	 * AU_ETLS, AU_ETIMEOUT, AU_ECONFIG for a --from DIR that is not a
	 * repository copy, ...).
	 */
	int (*open)(struct au_source *src, const struct au_config *cfg,
	    int64_t now, struct au_report *rep, struct au_diag *diag);
	/*
	 * Metadata file FILE (already percent-encoded, e.g. "2.root.json"),
	 * at most cap bytes, into a new malloc'd *buf (the caller frees).
	 * Errors as au_tuf_fetch_fn (client/metadata/tufclient.h):
	 * AU_ENOTFOUND, AU_ETOOBIG, transport errors.
	 */
	int (*fetch_meta)(struct au_source *src, const char *file, size_t cap,
	    uint8_t **buf, size_t *len, struct au_diag *diag);
	/*
	 * Artifact FILE (the repository's targets/ name, not encoded) of
	 * target name into the store of s, verified against ex while staged
	 * (client/install/stage.h) and committed: on success hash_hex is its
	 * SHA-256, now in store/.  *moved (always set) is the bytes received.
	 * progress (may be NULL) is called with parg as bytes arrive.
	 * Errors: AU_EART_LENGTH (more than ex->length), AU_EART_HASH, the
	 * stage's AU_ENOSPC / AU_EIO, transport errors.
	 */
	int (*fetch_artifact)(struct au_source *src, struct au_store *s,
	    const char *file, const char *name, const struct au_stage_expect *ex,
	    au_progress_fn progress, void *parg, char hash_hex[65],
	    uint64_t *moved, struct au_diag *diag);
	/*
	 * A small target file FILE (the repository's targets/ name, not
	 * encoded; e.g. a model's OMS bundle, client/install/provenance.h), at
	 * most cap bytes, into a new malloc'd *buf (the caller frees and
	 * verifies it against its signed length and hash).  May be NULL (the
	 * source cannot).  Errors as fetch_meta.
	 */
	int (*fetch_small)(struct au_source *src, const char *file, size_t cap,
	    uint8_t **buf, size_t *len, struct au_diag *diag);
	/*
	 * Bytes r->first..r->last of artifact FILE (the repository's targets/
	 * name, not encoded) to sink, for a delta update (client/fetch/delta.h):
	 * as au_http_get_range (client/transport/http_range.h), each range
	 * under the slow-retrieval deadline for its own length.  NULL: the
	 * source has no ranges (--from DIR: the full file is local anyway).
	 * Errors: those of au_http_get_range (r->ignored for a 200).
	 */
	int (*fetch_range)(struct au_source *src, const char *file,
	    struct au_http_range *r, au_http_sink sink, void *arg,
	    uint64_t *got, struct au_diag *diag);
	/* Release what open() set up; safe after a failed or no open(). */
	void (*close)(struct au_source *src);
	void *ctx;		/* the implementation's; NULL before open() */
	const void *arg;	/* set by the constructor (e.g. the --from DIR) */
};

/* The HTTPS source (discovery, TLS, resumable downloads). */
void au_source_https(struct au_source *src);

/* The --from DIR source; dir is borrowed: keep it alive for the run. */
void au_source_local(struct au_source *src, const char *dir);

#define AU_SOURCE_SPACE_MARGIN (16ULL << 20)	/* bytes kept free beyond an artifact */

/*
 * Target name, signed as tg (sha256_hex: its SHA-256 in hex) and listed by
 * the verified metadata of tuf, into the store s through src, unless
 * store/<sha256_hex> is there already (then nothing is fetched).  Before any byte moves: the bundle budget from the
 * signed custom (client/metadata/budget.h, set on s), libarchive for a
 * bundle, and free space in state_dir for the artifact (plus its declared
 * unpacked size, plus AU_SOURCE_SPACE_MARGIN).  A raw target whose signed
 * custom names a chunk index is first tried as a delta update
 * (client/fetch/delta.h) when src has ranges; delta (may be NULL) gets
 * the decision and its bytes; any reason not to make one gives a full
 * download.  *moved (always set) is the bytes received.  Errors: AU_ENOSPC (not enough space: nothing fetched),
 * budget and libarchive errors, and src->fetch_artifact's.
 */
struct au_tuf_client;
struct au_target;
struct au_delta_report;	/* client/report/run_report.h */
AU_NODISCARD int au_source_fetch_target(struct au_source *src,
    struct au_store *s, const struct au_config *cfg,
    struct au_tuf_client *tuf, const char *name,
    const struct au_target *tg, const char *sha256_hex,
    au_progress_fn progress, void *parg, uint64_t *moved,
    struct au_delta_report *delta, struct au_diag *diag);

/* au_tuf_fetch_fn over a source: arg is the struct au_source. */
AU_NODISCARD int au_source_tuf_fetch(void *arg, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag);

#endif
