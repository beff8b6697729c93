/* SPDX-License-Identifier: ISC */
/*
 * client/install/stage.h - a download in progress: a file in state_dir/tmp/
 * (or partial/, resumable) hashed while written, verified against the signed
 * length and hashes, then installed into the store (store.h; DESIGN.md
 * security invariants 3 and 5).
 */
#ifndef AU_STAGE_H
#define AU_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "client/install/store.h"
#include "port/err.h"

#define AU_STORE_VALIDATOR_MAX 200	/* bytes of a kept HTTP validator */
/*
 * Durable progress of a resumable download: it is fsynced once at least
 * AU_STAGE_SYNC_BYTES are unsynced AND those are at least
 * 1/AU_STAGE_SYNC_SHARE of the bytes held OR AU_STAGE_SYNC_MS passed since
 * the last fsync.  So the first 8 MiB are fsynced every MiB, and a power
 * cut loses at most max(1 MiB, 1/8 of the bytes held, 1 s of transfer):
 * about 50 fsyncs for 1 GiB instead of 1,024 (2.3 ms each on the bench
 * disk, 2.3 s in all).  A stage writes its file in direct mode (port.h
 * au_file_direct: the pipeline's aligned 256 KiB slots go past the page
 * cache, issue 15); what still goes through the cache (a tail, an
 * unaligned resume, a file system without O_DIRECT) has its writeback
 * started every AU_STAGE_WRITEBACK_BYTES (au_file_writeback), so the dirty
 * backlog and the final fsync stay short.
 */
#define AU_STAGE_SYNC_BYTES (1u << 20)
#define AU_STAGE_SYNC_SHARE 8
#define AU_STAGE_SYNC_MS 1000
#define AU_STAGE_WRITEBACK_BYTES (1u << 20)

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
 * Installed bytes are the verified bytes (issue 12, finding 2): tmp/ and
 * partial/ are checked to be directories of ours with no group or other
 * access before a file is staged in them (one open to others is emptied and
 * made 0700 again; anything else in their place is AU_EINSTALL), so nobody
 * else can touch a staged file; and one descriptor stays open on the staged
 * file from its creation (or, resumed, from the re-hash of the bytes held)
 * through the verification and the install, which reads (a bundle: every
 * pass hashed again, bundle.h) or moves (a raw file: checked to be the same
 * file after each rename) only what that descriptor holds, never a file
 * re-opened by name.  A process of our own user id can still write into
 * the inode in place; that user can write the store as well and is not an
 * attacker this defends against.
 *
 * Start a download: create a staging file in tmp/ that is hashed while
 * written, each byte once (keys/digest.h): SHA-256 always (it names the
 * store directory and is the hash checked when listed), SHA-512 only when it
 * is the only hash listed (then it is the one checked).  *out owns it until
 * au_stage_commit() or au_stage_abort().  expect is copied.
 * Errors: AU_EART_HASHALG (no expected hash), AU_ENOSPC (less free space in
 * tmp/ than expect->length), AU_EINSTALL (tmp/ is not a directory), AU_EIO,
 * AU_ENOMEM.
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
 * Errors: AU_EART_LENGTH, AU_EART_HASH (also: the staged file was replaced
 * or, for a bundle, changed after its verification), AU_EART_UNSAFE
 * (bundle policy),
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

#endif
