/* SPDX-License-Identifier: ISC */
/*
 * client/install/store.h - the content-addressed artifact store and the atomic switch of
 * the running version, rollback and garbage collection (staging: stage.h;
 * the health check: health.h)
 * (DESIGN.md security invariants 3, 5 and 6).
 *
 * Layout under state_dir:
 *
 *   state_dir/lock                  taken by the caller with au_lock_take()
 *   state_dir/state.json            client/install/state.h
 *   state_dir/metadata/             trusted TUF metadata (client/update.c)
 *   state_dir/store/<sha256hex>/    one complete installed artifact per content
 *                                   hash: a raw file as store/<hash>/<basename
 *                                   of the target name> (one file per base
 *                                   name when raw targets share the bytes),
 *                                   a bundle as its extracted tree
 *   state_dir/store/<sha256hex>.manifest  a bundle's manifest: every path,
 *                                   and every file's size and SHA-256, as
 *                                   extracted (client/install/store_verify.c);
 *                                   in place before store/<hash> is
 *                                   renamed there
 *   state_dir/tmp/                  staging; emptied at au_store_open()
 *   state_dir/partial/<sha256>.part a download in progress, kept across runs
 *                                   and power cuts (fsynced as
 *                                   AU_STAGE_SYNC_BYTES says) so the next
 *                                   run resumes it
 *   state_dir/partial/<sha256>.val  the HTTP validator (ETag or
 *                                   Last-Modified) of the response that gave
 *                                   those bytes, for If-Range
 *   state_dir/targets/<name>/current   relative symlink to ../../store/<hash>
 *                                   (one more "../" per '/' in the target
 *                                   name: models/eng.traineddata ->
 *                                   ../../../store/<hash>)
 *   state_dir/targets/<name>/previous  the version before, same form
 *
 * A runtime reads the directory state_dir/targets/<name>/current/.
 *
 * Durability: a store directory is built in tmp/, every file and directory
 * in it fsynced, then renamed into store/ and store/ fsynced, so store/<hash>
 * exists only when complete.  Every pointer change is: symlink at NAME.tmp,
 * rename over NAME (atomic), fsync the directory.  A switch writes previous
 * BEFORE current, so a power cut at any instant leaves the old or the new
 * version current, each complete.
 *
 * Target names (TUF target paths) are accepted only when they follow the
 * one name policy, au_target_name_check (manifest/tuf.h): 1 to
 * AU_TARGET_NAME_MAX bytes of at most AU_TARGET_NAME_DEPTH '/'-separated
 * components, none empty, ".", "..", "current", "previous" or ending in
 * ".tmp", with no backslash or control byte and no leading
 * '/'.  The device refuses any other name long before it gets here; the
 * store's check is the last line.
 * Hashes are 64 lower-case hex digits (SHA-256 of the downloaded bytes).
 *
 * The caller holds state_dir/lock for the whole life of a struct au_store.
 */
#ifndef AU_STORE_H
#define AU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_STORE_MAX_DIR 2048	/* bytes of state_dir */
#define AU_STORE_PATH_MAX 4096	/* any path this module builds */
#define AU_STORE_MANIFEST_MAX (16u << 20)	/* bytes of a bundle's manifest */
struct au_store;		/* opaque; owned by the caller of au_store_open() */

/*
 * Open (creating as needed, mode 0755) state_dir and its store/, targets/
 * and tmp/ directories; tmp/ is emptied of leftovers of an interrupted run.
 * On success *out owns a new handle; release with au_store_free().
 * Errors: AU_EINSTALL (state_dir empty or over AU_STORE_MAX_DIR),
 * AU_ECONFIG (something other than a directory, e.g. a symlink, where one
 * of those directories belongs: named, never followed nor removed), AU_EIO,
 * AU_ENOSPC, AU_ENOMEM.
 */
AU_NODISCARD int au_store_open(const char *state_dir, struct au_store **out,
    struct au_diag *diag);
void au_store_free(struct au_store *s);	/* NULL is fine */
/*
 * The byte and entry budget (client/install/bundle.h) of the bundles committed from
 * now on; 0, or a value over AU_BUNDLE_MAX_BYTES / AU_BUNDLE_MAX_ENTRIES,
 * means that maximum (the default).
 */
void au_store_set_budget(struct au_store *s, uint64_t max_bytes,
    uint64_t max_entries);

/* The state_dir given to au_store_open(); owned by s. */
const char *au_store_dir(const struct au_store *s);

/*
 * 1 when store/<hash_hex> is present (and therefore complete: it appears
 * only by an atomic rename of a fsynced tree), else 0 (also for a malformed
 * hash).  Lets the caller skip a download.
 */
int au_store_has(struct au_store *s, const char *hash_hex);

/*
 * Whether store/<hash_hex> may be used again as it is (issue 12, finding
 * 3): present, and holding what was installed there - bundle is whether
 * the target asked for is a bundle (au_bundle_kind), never read from the
 * store: a raw entry (no manifest beside it) one or more regular files
 * (one per base name of the raw targets with these bytes, at most
 * AU_STORE_RAW_NAMES), each of length bytes whose SHA-256 is hash_hex; a
 * bundle, with store/<hash_hex>.manifest, exactly the paths it lists, each
 * file of its recorded size and SHA-256, the manifest naming this hash.
 * base (raw targets; NULL: any) is the base name the target asked for
 * reads there.  Returns 1 (verified, and base is there), 2 (a verified raw
 * entry without base: another raw target of the same bytes; the caller
 * stages the file and au_stage_commit adds it under base), 0 (absent; or
 * it failed the check: then it and its manifest were removed, with a
 * warning, so the caller downloads it again), or a negative error (AU_EIO,
 * AU_ENOMEM: nothing removed).  Costs a re-hash of the entry: only where an entry is reused,
 * never on a --check.
 */
#define AU_STORE_RAW_NAMES 16	/* base names one raw entry may hold */
AU_NODISCARD int au_store_reuse(struct au_store *s, const char *hash_hex,
    uint64_t length, int bundle, const char *base, struct au_diag *diag);

/*
 * Take store/<hash_hex> (and its manifest) out of the store, durably: the
 * entry is first renamed into tmp/ (atomic: a power cut leaves it complete
 * in store/ or out of it), then removed.  For an entry that must not be
 * used: one that does not hold what was installed there (au_store_reuse),
 * or a fresh download refused after its own verification (the model's
 * provenance, client/install/provenance.h).  Missing is success.
 * Errors: AU_EINSTALL (malformed hash), AU_EIO.
 */
AU_NODISCARD int au_store_discard(struct au_store *s, const char *hash_hex,
    struct au_diag *diag);

/*
 * Point targets/<name>/current at store/<hash_hex>, first making the old
 * current (if any, and if different) the new previous.  Switching to the
 * hash already current changes nothing.
 * Errors: AU_EINSTALL (bad name or hash, store/<hash> missing, a pointer that
 * is not one of ours), AU_EIO, AU_ENOSPC.
 */
AU_NODISCARD int au_store_switch(struct au_store *s, const char *name,
    const char *hash_hex, struct au_diag *diag);

/*
 * Roll back: current becomes the old previous, previous the old current.
 * current is changed FIRST, so a power cut mid-way leaves the restored
 * version running (previous then equals current).
 * Errors: AU_EINSTALL (no previous, or its store directory is gone; bad
 * name), AU_EIO.
 */
AU_NODISCARD int au_store_rollback(struct au_store *s, const char *name,
    struct au_diag *diag);

/*
 * Remove targets/<name>/current (a first install that failed its health
 * check has no previous to go back to); previous is left alone.  Missing is
 * success.  Errors: AU_EINSTALL (bad name), AU_EIO.
 */
AU_NODISCARD int au_store_remove_current(struct au_store *s, const char *name,
    struct au_diag *diag);

/*
 * Point targets/NAME/previous at store/<hash_hex>, or remove it when hash_hex
 * is "" (used after a failed health check, to restore the pointer the switch
 * moved).  Errors: AU_EINSTALL (bad name or hash, hash not in the store),
 * AU_EIO.
 */
AU_NODISCARD int au_store_set_previous(struct au_store *s, const char *name,
    const char *hash_hex, struct au_diag *diag);

/*
 * Read the current and previous hashes of a target (each "" when absent) and,
 * when path is not NULL, the path of targets/<name>/current (absolute when
 * state_dir is) into path (psize bytes).  Outputs are written only on
 * success.  Errors: AU_EINSTALL (bad name, a pointer not of our form),
 * AU_EINTERNAL (psize too small), AU_EIO.
 */
AU_NODISCARD int au_store_get(struct au_store *s, const char *name,
    char cur[65], char prev[65], char *path, size_t psize,
    struct au_diag *diag);

/*
 * Remove every store/<dir> (and its .manifest) that no target's current or
 * previous points at,
 * leftover NAME.tmp links under targets/, everything in tmp/ and partial/.  Call it
 * only with no stage open and after the switch of a committed artifact.
 * Errors: AU_EINSTALL (a pointer not of our form), AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_store_gc(struct au_store *s, struct au_diag *diag);

/*
 * au_store_gc(), also keeping store/<keep[i]> for the nkeep hashes given
 * (older versions kept by [install] keep, client/install/state.h "older"; "" entries
 * are ignored).  Errors: those of au_store_gc().
 */
AU_NODISCARD int au_store_gc_keep(struct au_store *s, const char (*keep)[65],
    size_t nkeep, struct au_diag *diag);

#endif
