/* SPDX-License-Identifier: ISC */
/*
 * client/install/install.h - the one module that changes what is installed.
 * What runs is the targets/<name>/{current,previous} links (store.h); what
 * reports and decisions read is the install record, state_dir/state.json
 * (state.h).  Every function here moves the links and updates the record
 * together, so the two cannot drift apart: an install (au_install_switch),
 * the undo of an install whose health check failed (au_install_undo), a
 * step back to the previous version (au_install_step_back: an expired trial,
 * client/install/trial.h, and `aiupdate --rollback`, client/install/rollback.h)
 * and the removal of a first install (au_install_remove).  No other code
 * calls au_store_switch(), au_store_rollback(), au_store_set_previous() or
 * au_store_remove_current().
 *
 * The record is changed in memory; au_install_save() writes it (temp file +
 * fsync + rename + fsync of the directory).  The links move first, the
 * record is saved after them: a power cut in between leaves links that the
 * next run's record does not yet name, and each step below is written so
 * that running it again from the old record ends in the same place.
 */
#ifndef AU_INSTALL_H
#define AU_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "client/install/state.h"
#include "client/install/store.h"
#include "port/err.h"
#include "port/port.h"

#define AU_INSTALL_PATH_MAX 4096	/* state_dir/NAME built here */

/*
 * An open state directory, held under its lock.  The caller reads store and
 * state; it changes the links and the record only through this module.
 */
struct au_install {
	const char *state_dir;		/* borrowed */
	int64_t now;			/* the run's time: installed_at */
	struct au_lock *lock;
	struct au_store *store;		/* owned */
	struct au_state *state;		/* owned: the record in memory */
	int dirty;			/* state changed since it was loaded */
	struct au_state_target before;	/* the record before the last switch */
	int switched;			/* 1: before is the last switch's */
	int created;			/* the last switch created the record */
	int dirty_before;		/* dirty before the last switch */
};

/*
 * Open state_dir (created as needed, mode 0755): take STATE_DIR/lock (it is
 * held until au_install_close; without it nothing proceeds), open the store
 * and load state.json.  now is the time recorded as installed_at.  *in is
 * overwritten.  Errors: AU_ELOCKED (another run holds the lock), AU_ENOSPC,
 * AU_ECONFIG (state_dir cannot be used or its lock path is too long: the
 * diag says why, client/preflight.h), au_store_open's and au_state_load's
 * errors (AU_EINTERNAL: state file corrupt), AU_ENOMEM.
 * au_install_close() is needed also after a failure.
 */
AU_NODISCARD int au_install_open(struct au_install *in, const char *state_dir,
    int64_t now, struct au_diag *diag);

/* Release the store, the record and the lock; safe on a zeroed *in. */
void au_install_close(struct au_install *in);

/* Write the record to STATE_DIR/state.json.  Errors: au_state_save's. */
AU_NODISCARD int au_install_save(struct au_install *in, struct au_diag *diag);

/*
 * Make store/<hash> (complete: au_store_has) the current version of name:
 * the old current becomes previous, the old previous goes to the record's
 * "older" list (kept at most keep_older, client/install/retain.h), version
 * and hash become current, installed_at now.  The record before is kept for
 * au_install_undo.  Errors: AU_EINTERNAL (state table full; nothing moved),
 * au_store_switch's (AU_EINSTALL, AU_EIO, AU_ENOSPC; the record unchanged).
 */
AU_NODISCARD int au_install_switch(struct au_install *in, const char *name,
    int64_t version, const char *hash, size_t keep_older,
    struct au_diag *diag);

/*
 * Undo the last au_install_switch of name: the links and the record go back
 * to what they were (a first install: current removed).  With bad (its
 * health check failed) the version switched to is recorded as bad; without
 * (the check could not be judged: a local failure) the record is exactly as
 * before the switch, dirty included.
 * Errors: AU_EINTERNAL (no switch of name to undo, bad list full), store
 * errors (AU_EINSTALL, AU_EIO).
 */
AU_NODISCARD int au_install_undo(struct au_install *in, const char *name,
    int bad, struct au_diag *diag);

/*
 * Go back one version: previous becomes current; previous becomes the
 * newest "older" version still in the store, or, when there is none and
 * swap is set, the version gone back from (a manual --rollback with
 * [install] keep = 2), else nothing.  The version gone back from is recorded
 * as bad and its trial, if any, ends.  Repeatable after a power cut.
 * The caller checks the floor (client/metadata/floor.h) first.
 * Errors: AU_EINSTALL (no previous version, store errors), AU_EIO,
 * AU_EINTERNAL (bad list full).
 */
AU_NODISCARD int au_install_step_back(struct au_install *in, const char *name,
    int swap, struct au_diag *diag);

/*
 * A first install given up (an expired trial with no previous version):
 * current removed, the record emptied, its version recorded as bad.
 * Errors: AU_EINSTALL (no such record), store errors, AU_EINTERNAL.
 */
AU_NODISCARD int au_install_remove(struct au_install *in, const char *name,
    struct au_diag *diag);

/*
 * [install] keep = 1 (client/install/retain.h): remove name's previous link
 * and its record, and the record's older versions.
 * Errors: AU_EINSTALL (no such record), store errors (the record unchanged).
 */
AU_NODISCARD int au_install_drop_previous(struct au_install *in,
    const char *name, struct au_diag *diag);

#endif
