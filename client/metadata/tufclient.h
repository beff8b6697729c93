/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/tufclient.h - the TUF 1.0 client workflow (specification section
 * 5.2-5.6) over a metadata directory and a fetch callback: load the trusted
 * root, rotate it through N+1.root.json, then timestamp, snapshot and targets,
 * each from the local copy when it is still current, else from the
 * repository.  The verification itself is manifest/tuf.h; this module
 * decides what to fetch and what to store.
 *
 * The metadata directory holds root.json, timestamp.json, snapshot.json and
 * targets.json, and one ROLE.json per delegated targets role fetched (ROLE
 * percent-encoded as au_tuf_role_file does), unversioned, byte for byte as
 * received.
 */
#ifndef AU_TUFCLIENT_H
#define AU_TUFCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "manifest/tuf.h"
#include "port/err.h"

#define AU_TUF_ROOT_ROTATIONS_MAX 32	/* N+1.root.json taken in one run */
#define AU_TUF_PATH_MAX 4096
#define AU_TUF_MAX_VISITS 32		/* targets roles visited per lookup (python-tuf) */
#define AU_TUF_FILE_MAX 255		/* bytes of a metadata file name */

/*
 * Fetch FILE (e.g. "2.root.json", "timestamp.json") from the repository's
 * metadata directory: at most cap bytes into a new malloc'd *buf (caller
 * frees).  Returns 0, AU_ENOTFOUND (HTTP 404 or missing file), AU_ETOOBIG
 * (more than cap bytes), or any transport error.
 */
typedef int (*au_tuf_fetch_fn)(void *arg, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag);

enum au_tuf_persist {
	AU_TUF_PERSIST_AT_END = 0,	/* au_tuf_persist() writes all at once */
	AU_TUF_PERSIST_EACH,		/* each file as soon as it is verified */
};

struct au_tuf_client;	/* opaque */

/*
 * Open the metadata directory metadir (created if missing).  The trusted
 * root is metadir/root.json, or bootstrap_root when that does not exist
 * (bootstrap_root may be NULL: then metadir/root.json must exist).  now is
 * the run's clock reading (seconds since the epoch).  fetch and arg are
 * kept for au_tuf_refresh.  Errors: AU_ETRUSTROOT (no usable root: diag says
 * which file and why), AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_tuf_open(const char *metadir, const char *bootstrap_root,
    int64_t now, au_tuf_fetch_fn fetch, void *arg, enum au_tuf_persist mode,
    struct au_tuf_client **out, struct au_diag *diag);

void au_tuf_free(struct au_tuf_client *c);	/* NULL is fine */

/*
 * TUF 5.3-5.6: update root (at most AU_TUF_ROOT_ROTATIONS_MAX steps), check
 * its expiry, then timestamp, snapshot and targets.  Errors: any AU_EMETA_*
 * (over a cap fetched is AU_EMETA_TOOBIG; a role missing on the server is
 * AU_EMETA_MALFORMED), and transport errors from fetch.
 */
AU_NODISCARD int au_tuf_refresh(struct au_tuf_client *c,
    struct au_diag *diag);

/* The trusted set, for lookups and reports; owned by c. */
const struct au_trusted *au_tuf_trusted(const struct au_tuf_client *c);

/*
 * Look up a target after a successful refresh: TUF 5.6.7, python-tuf's
 * pre-order depth-first walk from the top-level targets through the
 * delegations whose paths or path_hash_prefixes cover name (a terminating
 * one ends the search below it and abandons the roles not yet visited), at
 * most AU_TUF_MAX_VISITS roles, each role visited once (cycles are
 * harmless).  Each delegated role is read from the metadata directory when
 * still current, else fetched as ROLE.json (VERSION.ROLE.json with
 * consistent snapshots; cap: the snapshot's length or AU_TARGETS_MAX_BYTES),
 * verified with au_trusted_update_delegated against the delegator that led
 * to it, and stored like the top-level roles.  A role already loaded, by
 * this lookup or an earlier one of the same session (several names share
 * the cache), is verified again against the keys and threshold of the
 * delegator that leads to it now (au_trusted_verify_delegated), and used
 * only for names that delegator's paths cover.  The first role that lists
 * name wins.  Errors: as au_trusted_find_target and
 * au_trusted_update_delegated (a delegated role that fails verification
 * fails the lookup), transport errors, AU_EMETA_NOTARGET when no visited
 * role lists name.  On success *out is filled; release with au_target_clear.
 */
AU_NODISCARD int au_tuf_find_target(struct au_tuf_client *c,
    const char *name, struct au_target *out, struct au_diag *diag);

/*
 * The file name of a target under the repository's targets/ directory:
 * NAME, or DIR/HASH.BASENAME when the root sets consistent_snapshot
 * (TUF 5.7.3; the sha512 when listed, else sha256).  Not percent-encoded.
 * AU_ETOOBIG if it does not fit in size.
 */
AU_NODISCARD int au_tuf_target_file(const struct au_tuf_client *c,
    const char *name, const struct au_target *tg, char *buf, size_t size);

/*
 * The metadata file name of a delegated role: its name percent-encoded as
 * Python's urllib.parse.quote(name, safe="") (every byte but A-Z a-z 0-9
 * '-' '.' '_' '~' as %XX), then ".json"; version > 0 puts "VERSION." first.
 * AU_ETOOBIG if it does not fit in size or exceeds AU_TUF_FILE_MAX bytes.
 */
AU_NODISCARD int au_tuf_role_file(const char *role, int64_t version,
    char *buf, size_t size);

/*
 * AU_TUF_PERSIST_AT_END: write the metadata verified in this session,
 * root first, each through au_file_replace().  Errors: AU_EIO, AU_ENOSPC.
 */
AU_NODISCARD int au_tuf_persist(struct au_tuf_client *c, struct au_diag *diag);

#endif
