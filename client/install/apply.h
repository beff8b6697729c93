/* SPDX-License-Identifier: ISC */
/*
 * client/install/apply.h - one target's new version, already complete in the
 * store, made current: the switch (client/install/install.h), the health
 * check (client/install/health.h), and when the check fails the way back
 * (or, below the signed floor, client/metadata/floor.h, the reason it stays);
 * with [install] confirm the trial begins (client/install/trial.h).
 */
#ifndef AU_APPLY_H
#define AU_APPLY_H

#include "client/config.h"
#include "client/install/install.h"
#include "client/report/run_report.h"
#include "port/err.h"

/*
 * 0 when cfg has no health check or its program can be run; else
 * AU_ECONFIG saying why (checked before a run: a check that cannot run
 * would roll back, and mark bad, every new version).
 */
AU_NODISCARD int au_apply_health_runnable(const struct au_config *cfg,
    struct au_diag *diag);

/*
 * Make tr->available_hash current for tr->name (version
 * tr->available_version), run cfg's health check on it, and fill tr's
 * status, err and msg.  *phase (the report's) is set to "install", then
 * "health".  Returns 0 (AU_T_INSTALLED), AU_EHEALTH (AU_T_ROLLED_BACK: the
 * version before restored and this one recorded as bad; or AU_T_FAILED: kept
 * because the version before is below its min_version), or the switch's
 * errors (AU_T_FAILED: nothing moved), or an error that leaves the health
 * check unjudged, a local failure (AU_T_FAILED: switched back, nothing
 * marked bad, the record as before: the next run tries again).
 */
AU_NODISCARD int au_apply_target(struct au_install *in,
    const struct au_config *cfg, struct au_target_report *tr,
    const char **phase, struct au_diag *diag);

#endif
