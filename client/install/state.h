/* SPDX-License-Identifier: ISC */
/*
 * client/install/state.h - the install record, state_dir/state.json: per target the
 * installed and previous version and content hash, the versions refused by
 * a health check, and the outcome of the last run.
 *
 * The file is JSON (jansson), written only through au_file_replace() (temp
 * file + fsync + rename + fsync of the directory), so a power cut leaves the
 * old or the new record.  It is a record for reports and decisions; the
 * running version itself is the targets/<name>/current link (store.h).
 *
 * Format 2 (unknown members are refused; format 1 files, which have none
 * of the optional members, still load and are rewritten as format 2):
 *   {"format":2,"last_run":INT,"last_result":INT,"last_message":STR,
 *    "targets":[{"name":STR,"version":INT,"prev_version":INT,
 *                "hash":HEX|"","prev_hash":HEX|"","installed_at":INT,
 *                "bad":[HEX,...],
 *                "min_version":INT,                 optional, >= 0
 *                "trial":{"since":INT,"runs":INT},  optional, runs >= 0
 *                "older":[{"version":INT,"hash":HEX},...]  optional
 *               }]}
 * min_version is the signed floor (custom.min_version, client/metadata/floor.h) of
 * the last run that verified the target's metadata; "trial" is present
 * while the installed version waits for `aiupdate --commit`
 * (client/install/trial.h); "older" lists versions kept in the store beyond current
 * and previous ([install] keep), newest first.
 */
#ifndef AU_STATE_H
#define AU_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_STATE_MAX_BYTES 1048576	/* larger state files are refused unread */
#define AU_STATE_MAX_TARGETS 64
#define AU_STATE_MAX_NAME 511	/* bytes of a target name */
#define AU_STATE_MAX_BAD 8	/* refused hashes kept per target (newest) */
#define AU_STATE_MAX_OLDER 14	/* versions kept beyond current and previous */
#define AU_STATE_FORMAT 2	/* written; 1 and 2 are read */

/* One installed version: its TUF version and content hash. */
struct au_state_version {
	int64_t version;
	char hash[65];		/* SHA-256 hex */
};

struct au_state_target {
	char name[AU_STATE_MAX_NAME + 1];
	int64_t version, prev_version;	/* TUF target versions; -1 if none */
	char hash[65], prev_hash[65];	/* SHA-256 hex, "" if none */
	int64_t installed_at;	/* seconds since the epoch */
	char bad[AU_STATE_MAX_BAD][65];	/* hashes that failed a health check */
	size_t nbad;
	int64_t min_version;	/* signed custom.min_version; -1 if none */
	int trial;		/* 1 while version waits for --commit */
	int64_t trial_since;	/* seconds since the epoch the trial began */
	int64_t trial_runs;	/* --apply runs counted (client/install/trial.h) */
	struct au_state_version older[AU_STATE_MAX_OLDER];	/* newest first */
	size_t nolder;
	char provenance[400];	/* the installed version's OMS verdict and
				   signer (client/install/provenance.h); "" if
				   not checked; saved as printable ASCII */
};

struct au_state {
	struct au_state_target t[AU_STATE_MAX_TARGETS];
	size_t n;
	int64_t last_run;	/* seconds since the epoch; 0 if never */
	int last_result;	/* 0 or an AU_E* code */
	char last_message[256];
};

/*
 * Load path into *out (overwritten only on success: n, the n targets and
 * the last_* fields; entries from n on are left as they were, nothing
 * reads them).  A missing file is an empty state (first run).  An empty, truncated, over-long
 * (AU_STATE_MAX_BYTES), garbled or wrongly shaped file is AU_EINTERNAL with
 * a diag saying the state file is corrupt: never silently reset.
 * Other errors: AU_EIO (unreadable), AU_ENOMEM.
 */
AU_NODISCARD int au_state_load(const char *path, struct au_state *out,
    struct au_diag *diag);

/*
 * Write st to path with au_file_replace() (mode 0644).
 * Errors: AU_EINTERNAL (st holds a string that is not valid), AU_EIO,
 * AU_ENOSPC, AU_ENOMEM.
 */
AU_NODISCARD int au_state_save(const char *path, const struct au_state *st,
    struct au_diag *diag);

/*
 * The entry for name, or NULL.  With create, a missing entry is appended
 * (version, prev_version and min_version -1, hashes "", no trial, no older
 * versions) unless the table is full or the
 * name is empty or over AU_STATE_MAX_NAME: then NULL.  The pointer is owned
 * by st and valid until st changes size or is freed.
 */
struct au_state_target *au_state_find(struct au_state *st, const char *name,
    int create);

/* 1 when hash is recorded as refused by a health check for name, else 0. */
int au_state_is_bad(const struct au_state *st, const char *name,
    const char *hash);

/*
 * Record hash as refused for name (creating the entry), keeping the newest
 * AU_STATE_MAX_BAD.  Errors: AU_EINTERNAL (table full, bad name or hash).
 */
AU_NODISCARD int au_state_mark_bad(struct au_state *st, const char *name,
    const char *hash);

/*
 * Before an install replaces t's previous version: move it (when there is
 * one) to the front of t->older, keeping at most max (<= AU_STATE_MAX_OLDER)
 * of them; max 0 empties the list.
 */
void au_state_push_older(struct au_state_target *t, size_t max);

/*
 * Copy the hashes of every target's older versions into out (at most cap);
 * returns how many.  For au_store_gc_keep().
 */
size_t au_state_older_hashes(const struct au_state *st, char (*out)[65],
    size_t cap);

#endif
