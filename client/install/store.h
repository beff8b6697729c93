/* SPDX-License-Identifier: ISC */
/*
 * client/install/store.h - the content-addressed artifact store, the atomic switch of
 * the running version, rollback, garbage collection and the health check
 * (DESIGN.md security invariants 3, 5 and 6).
 *
 * Layout under state_dir:
 *
 *   state_dir/lock                  taken by the caller with au_lock_take()
 *   state_dir/state.json            client/install/state.h
 *   state_dir/metadata/             trusted TUF metadata (client/update.c)
 *   state_dir/store/<sha256hex>/    one complete installed artifact per content
 *                                   hash: a raw file as store/<hash>/<basename
 *                                   of the target name>, a bundle as its
 *                                   extracted tree
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
 * Target names (TUF target paths) are accepted only when they are 1 to
 * AU_STORE_MAX_NAME bytes of at most AU_STORE_MAX_DEPTH '/'-separated
 * components, none empty, ".", "..", "current", "previous" or ending in
 * ".tmp", with no backslash or control byte and no leading '/'.
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
#define AU_STORE_MAX_NAME 511	/* bytes of a target name */
#define AU_STORE_MAX_DEPTH 16	/* '/'-separated components of a name */
#define AU_STORE_PATH_MAX 4096	/* any path this module builds */
#define AU_HEALTH_MAX_CMD 1024	/* bytes of the health command line */
#define AU_HEALTH_MAX_ARGS 32	/* words of the health command line */
#define AU_STORE_VALIDATOR_MAX 200	/* bytes of a kept HTTP validator */
/*
 * Durable progress of a resumable download: it is fsynced once at least
 * AU_STAGE_SYNC_BYTES are unsynced AND those are at least
 * 1/AU_STAGE_SYNC_SHARE of the bytes held OR AU_STAGE_SYNC_MS passed since
 * the last fsync.  So the first 8 MiB are fsynced every MiB, and a power
 * cut loses at most max(1 MiB, 1/8 of the bytes held, 1 s of transfer):
 * about 50 fsyncs for 1 GiB instead of 1,024 (2.3 ms each on the bench
 * disk, 2.3 s in all).  Every AU_STAGE_WRITEBACK_BYTES written, any stage
 * starts their writeback (au_file_writeback), so the dirty backlog and the
 * final fsync stay short.
 */
#define AU_STAGE_SYNC_BYTES (1u << 20)
#define AU_STAGE_SYNC_SHARE 8
#define AU_STAGE_SYNC_MS 1000
#define AU_STAGE_WRITEBACK_BYTES (1u << 20)

struct au_store;		/* opaque; owned by the caller of au_store_open() */

/*
 * Open (creating as needed, mode 0755) state_dir and its store/, targets/
 * and tmp/ directories; tmp/ is emptied of leftovers of an interrupted run.
 * On success *out owns a new handle; release with au_store_free().
 * Errors: AU_EINSTALL (state_dir empty or over AU_STORE_MAX_DIR), AU_EIO,
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
 * What the signed targets metadata says about an artifact (TUF 1.0 section
 * 4.5 "length" and "hashes").  At least one of the hashes must be present.
 */
struct au_stage_expect {
	uint64_t length;	/* bytes */
	int has_sha256, has_sha512;
	uint8_t sha256[32], sha512[64];
};

struct au_stage;		/* a download in progress: a file in tmp/ */

/*
 * Start a download: create a staging file in tmp/ that is hashed while
 * written, each byte once (client/fetch/digest.h): SHA-256 always (it names the
 * store directory and is the hash checked when listed), SHA-512 only when it
 * is the only hash listed (then it is the one checked).  *out owns it until
 * au_stage_commit() or au_stage_abort().  expect is copied.
 * Errors: AU_EART_HASHALG (no expected hash), AU_ENOSPC (less free space in
 * tmp/ than expect->length), AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_stage_begin(struct au_store *s,
    const struct au_stage_expect *expect, struct au_stage **out,
    struct au_diag *diag);

/*
 * Append len bytes.  A write that would take the staging file past
 * expect->length is refused whole with AU_EART_LENGTH (the endless-data
 * attack stops at the signed length plus one byte).  Other errors:
 * AU_ENOSPC, AU_EIO.  After an error the caller calls au_stage_abort().
 */
AU_NODISCARD int au_stage_write(struct au_stage *st, const void *buf,
    size_t len, struct au_diag *diag);

/*
 * Verify the length (AU_EART_LENGTH) and the hash au_stage_begin() chose
 * (SHA-256 when listed, else SHA-512) (AU_EART_HASH;
 * diag shows expected and received hex), fsync, then install into
 * store/<sha256hex>/: a raw file as store/<hash>/<basename of target_name>;
 * a bundle (au_bundle_kind(target_name) >= 0) through au_bundle_extract()
 * with the budget of au_store_set_budget() into a directory in
 * tmp/ that is then renamed into place.  When store/<hash> already exists
 * the staged bytes are dropped and this succeeds (idempotent).  On success
 * hash_hex receives the SHA-256 in hex (NUL-terminated).
 * Frees st on every path.  On any error nothing under store/ changes.
 * Errors: AU_EART_LENGTH, AU_EART_HASH, AU_EART_UNSAFE (bundle policy),
 * AU_EINSTALL (bad target name), AU_ENOSPC, AU_EIO, AU_ENOMEM.
 */
AU_NODISCARD int au_stage_commit(struct au_stage *st, const char *target_name,
    char hash_hex[65], struct au_diag *diag);

/* Drop a download: remove the staging file and free st.  NULL is fine. */
void au_stage_abort(struct au_stage *st);

/*
 * Start or resume the download of an artifact with a signed SHA-256
 * (without one this is au_stage_begin): its bytes accumulate in
 * partial/<sha256hex>.part, fsynced as AU_STAGE_SYNC_BYTES says, so a run cut
 * short leaves them for the next.  Bytes already there (with a kept
 * validator) are re-hashed and kept: au_stage_offset() says how many and
 * au_stage_validator() gives the validator to send in If-Range.  A partial
 * file without a validator, or longer than expect->length, is dropped.
 * Free space is checked for the bytes still missing.  The final hash check
 * of au_stage_commit() covers the whole file.
 * Errors: those of au_stage_begin().
 */
AU_NODISCARD int au_stage_resume(struct au_store *s,
    const struct au_stage_expect *expect, struct au_stage **out,
    struct au_diag *diag);
uint64_t au_stage_offset(const struct au_stage *st);	/* bytes at resume */
const char *au_stage_validator(const struct au_stage *st);	/* "" if none */

/*
 * Drop the bytes held and start from byte 0, keeping validator ("" for
 * none; at most AU_STORE_VALIDATOR_MAX bytes) durably BEFORE any new byte
 * is written.  Only for a stage from au_stage_resume().
 * Errors: AU_EINTERNAL (not resumable, validator too long), AU_EIO, AU_ENOSPC.
 */
AU_NODISCARD int au_stage_restart(struct au_stage *st, const char *validator,
    struct au_diag *diag);

/*
 * Keep a resumable stage's bytes for a later run (after a transport
 * failure): fsync, close, free st.  A stage that is not resumable is
 * aborted.  NULL is fine.
 */
void au_stage_suspend(struct au_stage *st);

/*
 * 1 when store/<hash_hex> is present (and therefore complete: it appears
 * only by an atomic rename of a fsynced tree), else 0 (also for a malformed
 * hash).  Lets the caller skip a download.
 */
int au_store_has(struct au_store *s, const char *hash_hex);

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
 * Remove every store/<dir> that no target's current or previous points at,
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

/*
 * Run the health check cmd: split on spaces into at most AU_HEALTH_MAX_ARGS
 * words (no shell, argv[0] searched in PATH), with the environment plus
 * AIUPDATE_TARGET=target, AIUPDATE_VERSION=version, AIUPDATE_PATH=path,
 * AIUPDATE_PREVIOUS_PATH=prev_path ("" when NULL), stdin /dev/null; killed
 * (with its process group) after timeout_s seconds (> 0).
 * Returns 0 if it exited with status 0.  Otherwise AU_EHEALTH, diag giving
 * the exit status, the signal, the timeout, or why it could not run (empty
 * or over-long command, bad timeout, spawn failure).
 */
AU_NODISCARD int au_health_run(const char *cmd, const char *target,
    const char *version, const char *path, const char *prev_path,
    int timeout_s, struct au_diag *diag);

#endif
