/* SPDX-License-Identifier: ISC */
/*
 * client/install/rollback.h - `aiupdate --rollback [NAME]`: back to the
 * previous version by hand, under STATE_DIR/lock, without the network.
 * The version rolled back from is recorded as bad, like one that failed its
 * health check, so the next timer run does not install it again; a newer
 * signed version is installed as usual.  A previous version below its
 * signed min_version (client/metadata/floor.h) or marked bad is not gone
 * back to.  With [install] keep > 2 each --rollback steps one version
 * further back (client/install/retain.h).
 */
#ifndef AU_ROLLBACK_H
#define AU_ROLLBACK_H

#include "client/config.h"
#include "port/err.h"

/*
 * Switch NAME (or every tracked target that has a previous version when
 * name is NULL; at least one must) back to its previous version, and save
 * state.json (also when a later target failed: links already switched are
 * recorded).  Errors: AU_EUSAGE (NAME is not tracked), AU_EINSTALL (no
 * previous version, below the floor, marked bad), AU_ELOCKED, AU_ECONFIG,
 * AU_EIO, AU_ENOSPC, AU_EINTERNAL (state file corrupt).
 */
AU_NODISCARD int au_rollback_run(const struct au_config *cfg,
    const char *name, struct au_diag *diag);

#endif
