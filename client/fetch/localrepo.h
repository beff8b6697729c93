/* SPDX-License-Identifier: ISC */
/*
 * client/fetch/localrepo.h - a repository copy on local media (`aiupdate --apply
 * --from DIR`): DIR/metadata/ and DIR/targets/ laid out exactly as the HTTPS
 * server serves them (what `aiupdate-repo export` writes).  Only the
 * transport differs: every byte read here goes through the same TUF
 * verification and the same length and hash checks as a download.
 */
#ifndef AU_LOCALREPO_H
#define AU_LOCALREPO_H

#include <stddef.h>
#include <stdint.h>

#include "client/transport/http.h"
#include "port/err.h"

#define AU_LOCAL_PATH_MAX 4096	/* DIR/targets/NAME */
#define AU_LOCAL_CHUNK 65536	/* bytes read per call */

/*
 * au_tuf_fetch_fn over a local copy; arg is the directory (const char *).
 * Reads DIR/metadata/FILE, at most cap bytes, into a new malloc'd *buf.
 * Errors: AU_ENOTFOUND (no such file), AU_ETOOBIG (more than cap bytes),
 * AU_EMETA_MALFORMED (a symlink, never followed, a directory, a FIFO or a
 * device in place of the file), AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_local_fetch_meta(void *arg, const char *file, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag);

/*
 * Stream DIR/targets/FILE to sink, as au_http_get does: at most max_bytes;
 * byte max_bytes+1 stops the read with AU_ETOOBIG.  *got (may be NULL) is
 * the bytes delivered, also on error.  Errors: AU_ENOTFOUND, AU_ETOOBIG,
 * AU_EART_NOTFILE (not a regular file, as above), AU_EIO, or the sink's
 * own code.
 */
AU_NODISCARD int au_local_get(const char *dir, const char *file,
    uint64_t max_bytes, au_http_sink sink, void *arg, uint64_t *got,
    struct au_diag *diag);

/*
 * Check that dir looks like a repository copy (DIR/metadata is a
 * directory).  AU_ECONFIG with a message naming what is missing.
 */
AU_NODISCARD int au_local_check(const char *dir, struct au_diag *diag);

#endif
