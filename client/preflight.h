/* SPDX-License-Identifier: ISC */
/*
 * client/preflight.h - clear diagnoses of the common deployment mistakes,
 * before the generic error would be reported: a trusted_root that is
 * missing or is not a root role, a state_dir that cannot be created or
 * written.  Each returns 0 when it finds nothing wrong.
 */
#ifndef AU_PREFLIGHT_H
#define AU_PREFLIGHT_H

#include "port/err.h"

#define AU_PREFLIGHT_PATH_MAX 4096

/*
 * The baked-in trusted root at path, when it is going to be used (metadir
 * has no root.json yet): it must exist, be a regular file, and be TUF
 * metadata of _type "root".  Errors: AU_ETRUSTROOT, with diag e.g.
 * "[repository] trusted_root /etc/aiupdate/root.json does not exist: ...".
 * Anything else wrong with it is left to the TUF layer's checks.
 */
AU_NODISCARD int au_preflight_trusted_root(const char *path,
    const char *metadir, struct au_diag *diag);

/*
 * Explain why the state directory dir could not be set up (call it after
 * creating it or taking its lock failed; diag holds that failure).  Returns
 * AU_ECONFIG, with diag "[install] state_dir DIR cannot be used: REASON",
 * REASON one of "PATH is not a directory" (diag->sys ENOTDIR), "DIR is not
 * writable (...)" (EACCES, EPERM, EROFS) or the original failure, wrapped
 * (au_diag_wrap: its path and diag->sys stay).  When that original failure
 * is the machine's (diag->sys ENOMEM, ENOSPC/EDQUOT, EIO) its class is kept
 * instead: AU_ENOMEM, AU_ENOSPC or AU_EIO, never blamed on the deployment.
 */
int au_preflight_state_dir(const char *dir, struct au_diag *diag);

/*
 * For the commands that only read or edit an existing state (--status,
 * --commit, --retry): 0 when dir is a directory or does not exist yet
 * under a directory; AU_ECONFIG with diag "[install] state_dir DIR cannot
 * be used: PATH is not a directory" (diag->sys ENOTDIR) when dir, or the
 * longest part of it that exists, is a file or other non-directory.
 * Creates nothing.
 */
int au_preflight_state_dir_shape(const char *dir, struct au_diag *diag);

#endif
