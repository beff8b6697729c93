/* SPDX-License-Identifier: ISC */
/*
 * client/install/trial.h - trial installs for runtimes that must restart to load a
 * model ([install] confirm = yes), and the version floor on the way back.
 *
 * With confirm = yes, a version installed by --apply (after its health
 * check, if any, passed) is "in trial": state.json records when the trial
 * began and how many runs it has seen (client/install/state.h, "trial").  The
 * runtime restarts, and when it is satisfied runs `aiupdate --commit
 * [NAME]`, which ends the trial (mark-good).  While a target is in trial no
 * newer version of it is installed: the trial version would otherwise become
 * "previous", and a rollback could land on a version nobody confirmed.
 *
 * A trial expires when it was not committed within [install] trial_runs
 * runs or trial_seconds seconds (0: that limit is off).  A "run" is an
 * --apply run that ran to its end with verified metadata (it saved the
 * trusted metadata: exit 0, 15 or 12 for a target missing from the
 * repository) while the target was already in trial; the run that installs
 * the version does not count, --check never counts, and a run cut short by
 * a power cut, a kill or a failure of discovery, transport or metadata does
 * not count, because its state is never written.  So restarts of aiupdate
 * and power cuts never fail a trial.  The time limit is judged at the run's
 * time (max(clock, time floor), client/clock.h) against trial_since.
 *
 * The next --apply run after expiry rolls the target back before it goes to
 * the network (no network is needed): the previous version becomes current
 * again, the trial version is recorded as bad (not installed again until a
 * newer one is published), and the run ends with AU_EHEALTH (exit 15).  If
 * the previous version is below the signed floor (client/metadata/floor.h), it is not
 * restored: the trial version stays current, its trial ends, and the run
 * still ends with AU_EHEALTH saying "cannot roll back below min_version".
 * With no previous version (a first install), the trial version is removed,
 * as after a failed health check.
 */
#ifndef AU_TRIAL_H
#define AU_TRIAL_H

#include <stdint.h>

#include "client/config.h"
#include "client/install/install.h"
#include "client/install/state.h"
#include "client/report/run_report.h"
#include "port/err.h"

/* Mark t's installed version as in trial, from now (seconds since epoch);
 * t NULL is ignored. */
void au_trial_begin(struct au_state_target *t, int64_t now);

/*
 * The trial's deadline in seconds since the epoch under cfg, or 0 when
 * there is no time limit (trial_seconds 0) or t is not in trial.
 */
int64_t au_trial_deadline(const struct au_state_target *t,
    const struct au_config *cfg);

/*
 * 1 when t is in trial and its trial has expired at now: runs counted >=
 * trial_runs (when > 0), or now >= the deadline (when there is one).
 * 0 otherwise.
 */
int au_trial_expired(const struct au_state_target *t,
    const struct au_config *cfg, int64_t now);

/* Count one run (see above) for t when it is in trial. */
void au_trial_count(struct au_state_target *t);

/*
 * Roll back the expired trial of target name: store and state as described
 * above, through client/install/install.h (previous becomes the newest
 * "older" version still in the store, or none), at in->now; *kept is set to
 * 1 when the floor kept the trial version.  The caller saves in's record.
 * Returns AU_EHEALTH with diag saying what happened (rolled back, or kept
 * because of the floor), or: AU_EINTERNAL (name not in trial, state full),
 * AU_EINSTALL, AU_EIO (store errors; the record is then unchanged).
 */
AU_NODISCARD int au_trial_roll_back(struct au_install *in, const char *name,
    const struct au_config *cfg, int *kept, struct au_diag *diag);

/*
 * At the start of an --apply run: roll back every target of rep (the
 * tracked targets) whose trial expired at in->now (au_trial_roll_back),
 * setting its report entry (AU_T_ROLLED_BACK, or AU_T_FAILED when the floor
 * kept it; err and msg); in->dirty says whether the record changed.
 * Returns 0 when no trial expired, AU_EHEALTH (diag: the first one) when
 * one did, or the first store error.
 */
AU_NODISCARD int au_trial_expire_all(const struct au_config *cfg,
    struct au_install *in, struct au_report *rep, struct au_diag *diag);

/*
 * At the end of an --apply run that saves its metadata: count the run for
 * every target of rep in trial that was not installed in this run.
 * Returns how many were counted (st changed when > 0).
 */
size_t au_trial_count_runs(struct au_state *st, const struct au_report *rep);

/*
 * A line about t's trial for reports: which run it is at, the deadline,
 * whether it has expired, and (when newer >= 0) that version newer waits.
 */
void au_trial_describe(const struct au_state_target *t,
    const struct au_config *cfg, int64_t now, int64_t newer, char *buf,
    size_t size);

/*
 * `aiupdate --commit [NAME]`: end the trial of NAME, or of every tracked
 * target in trial when name is NULL, under STATE_DIR/lock, and save
 * state.json.  *committed receives how many trials ended (0: nothing was in
 * trial, which is success).  Errors: AU_EUSAGE (NAME is not tracked),
 * AU_ELOCKED, AU_EINTERNAL (state file corrupt), AU_EIO, AU_ENOSPC.
 */
AU_NODISCARD int au_trial_commit(const struct au_config *cfg, const char *name,
    int *committed, struct au_diag *diag);

/*
 * `aiupdate --retry [NAME]`: forget the versions of NAME (of every tracked
 * target when name is NULL) that a failed health check, an expired trial
 * or a manual --rollback marked bad, so the next --apply may install them
 * again (issue 4 "not retried until a newer version appears": this is the
 * field engineer's way round it once the cause is fixed).  Under
 * STATE_DIR/lock; state.json saved.  *cleared receives how many marks were
 * dropped (0 is success).  Errors: as au_trial_commit().
 */
AU_NODISCARD int au_bad_clear(const struct au_config *cfg, const char *name,
    int *cleared, struct au_diag *diag);

#endif
