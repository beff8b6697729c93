/* SPDX-License-Identifier: ISC */
/*
 * client/install/retain.h - how many versions of each target stay in the store:
 * [install] keep = N (default 2, at most AU_CONFIG_MAX_KEEP).
 *
 *   keep = 1   only current: after a successful --apply run the previous
 *              link is removed (--rollback then has nothing to go back to),
 *              except for a target in trial (client/install/trial.h), which keeps
 *              its previous version until committed;
 *   keep = 2   current and previous (the default);
 *   keep = N   current, previous and the N-2 versions before them, recorded
 *              newest first in state.json ("older", client/install/state.h); each
 *              --rollback then steps one version further back.
 *
 * Everything else in store/ is removed by the garbage collection that ends
 * each successful run (client/install/store.h au_store_gc_keep).
 */
#ifndef AU_RETAIN_H
#define AU_RETAIN_H

#include <stddef.h>

#include "client/config.h"
#include "client/install/install.h"
#include "client/install/state.h"
#include "client/install/store.h"
#include "port/err.h"

/* Older versions to record beyond current and previous: max(keep - 2, 0). */
size_t au_retain_older(const struct au_config *cfg);

/*
 * Trim each target's "older" list of cfg to au_retain_older() (keep may have
 * been lowered), and with keep = 1 remove the previous link (and its record
 * in in->state) of every target of cfg that has one and is not in trial.  Returns
 * how many records changed; *err receives the first store error (0 if none), diag its
 * detail; a target whose link could not be removed keeps its record.
 */
size_t au_retain_prune(const struct au_config *cfg, struct au_install *in,
    int *err, struct au_diag *diag);

/*
 * Garbage-collect the store, keeping what the links name and every "older"
 * version recorded in st.  Errors: those of au_store_gc_keep().
 */
AU_NODISCARD int au_retain_gc(struct au_store *s, const struct au_state *st,
    struct au_diag *diag);

#endif
