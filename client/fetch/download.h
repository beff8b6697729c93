/* SPDX-License-Identifier: ISC */
/*
 * client/fetch/download.h - one artifact from the repository into the store,
 * resumed across runs and power cuts (RFC 9110 sections 13.1.5 If-Range
 * and 14 range requests), verified against its signed length and hash.
 *
 * Speed (issue 7): each byte crosses the network once, is hashed once
 * (SHA-256 when listed: keys/digest.h says which and why), written once
 * and never read back (except a resumed partial prefix, which is local).
 * TLS decryption runs on the caller's thread, straight into a ring of
 * 4 x 256 KiB (client/fetch/pipeline.h, client/transport/http.h struct
 * au_http_place), hashing and writing (past the page cache: port.h
 * au_file_direct) on a worker: the memory is constant in the artifact's size.
 */
#ifndef AU_DOWNLOAD_H
#define AU_DOWNLOAD_H

#include <stdint.h>

#include "client/install/stage.h"
#include "client/install/store.h"
#include "port/err.h"

struct au_http;

/* Progress: done of total bytes of target name held so far (may be NULL). */
typedef void (*au_download_progress)(void *arg, const char *name,
    uint64_t done, uint64_t total);

/*
 * Fetch path (URL path on connection h) into the store as target name:
 * resume partial/<sha256>.part when one is there (Range + If-Range with the
 * validator kept beside it), else start over; a response that does not
 * continue the held bytes (200, a 206 at another offset, 416) starts over
 * from byte 0.  The whole file's hashes are checked at the end; when a
 * resumed file does not match, it is dropped and downloaded once more from
 * the start.  On success hash_hex is the SHA-256 (hex) now in store/.
 * *moved (always set) is the body bytes received in this call.
 * After a transport failure the bytes received are kept for the next run;
 * after any other failure (and AU_ENOSPC) they are removed.
 * progress (may be NULL) is called with parg, on the caller's thread,
 * after each block received (up to the ring's 1 MiB ahead of the disk).
 * Errors: au_http_get's transport errors, AU_EART_LENGTH (more than the
 * signed length), AU_ENOMEM (no thread), and those of au_stage_resume(),
 * au_stage_write() (AU_ENOSPC, AU_EIO: the worker's own diag) and
 * au_stage_commit().
 */
AU_NODISCARD int au_download(struct au_http *h, struct au_store *s,
    const char *path, const struct au_stage_expect *ex, const char *name,
    au_download_progress progress, void *parg, char hash_hex[65],
    uint64_t *moved, struct au_diag *diag);

#endif
