/* SPDX-License-Identifier: ISC */
/*
 * keys/sign.h - Ed25519 signing keys for the publisher tool (aiupdate-repo).
 *
 * Publisher only: never linked into the device binary (the Makefile keeps
 * keys/sign*.c out of libaiupdate.a).  The secret key lives in
 * sodium_malloc'd memory (guard pages, wiped by sodium_free) and every
 * temporary copy of secret bytes is wiped with sodium_memzero on every path.
 * Nothing here prints or logs secret material.
 *
 * Private key file format (one line, exactly these bytes, 0600):
 *
 *   {"keytype":"ed25519","seed":"<64 lowercase hex digits>"}\n
 *
 * The seed is the 32-byte RFC 8032 section 5.1.5 private key.  The file is
 * valid JSON, but it is parsed by exact match (no JSON library), so no copy
 * of the seed is left in an allocator's memory.  The trailing newline is
 * optional on reading.
 *
 * Public key object (TUF 1.0 section 4.2, "ed25519" scheme), built by
 * au_repo_key_json() (repo/repo.h; keys/ holds no JSON):
 *   {"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"<64 hex>"}}
 */
#ifndef AU_SIGN_H
#define AU_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_SIGN_SEED_BYTES 32		/* RFC 8032 private key (seed) */
#define AU_SIGN_PUBLIC_BYTES 32		/* RFC 8032 public key */
#define AU_SIGN_SIG_BYTES 64		/* RFC 8032 signature */
#define AU_SIGN_KEYFILE_MAX 256		/* larger key files are refused */
#define AU_SIGN_MSG_MAX (64u << 20)	/* largest message signed: 64 MiB */

struct au_signkey;	/* opaque; secret held in sodium_malloc'd memory */

/*
 * Generate a new Ed25519 key pair from libsodium's CSPRNG.
 * On success *out owns a new key; release with au_signkey_free().
 * Errors: AU_EINTERNAL (libsodium could not initialise), AU_ENOMEM.
 */
AU_NODISCARD int au_signkey_generate(struct au_signkey **out,
    struct au_diag *diag);

/*
 * Write the private key file `path` with mode 0600.  The file is created
 * exclusively (an existing file is never overwritten), fsync'd, and its
 * directory fsync'd.  Errors: AU_EIO (exists, or write failed; errno in
 * diag->sys), AU_ENOSPC, AU_ENOMEM.
 */
AU_NODISCARD int au_signkey_save(const struct au_signkey *key,
    const char *path, struct au_diag *diag);

/*
 * Read a private key file written by au_signkey_save().  The file must be a
 * regular file (not a symlink) with no group or other permission bits
 * (mode & 077 == 0), else AU_ECONFIG, unread.
 * On success *out owns a new key; release with au_signkey_free().
 * Errors: AU_EIO (missing or unreadable), AU_ECONFIG (permissions, size over
 * AU_SIGN_KEYFILE_MAX, or not the format above), AU_EINTERNAL, AU_ENOMEM.
 */
AU_NODISCARD int au_signkey_load(const char *path, struct au_signkey **out,
    struct au_diag *diag);

/* The 32-byte public key (public data, no wiping needed). */
const uint8_t *au_signkey_public(const struct au_signkey *key);

/*
 * Sign len bytes of msg (RFC 8032 section 5.1.6, pure Ed25519) into
 * sig[AU_SIGN_SIG_BYTES].  Errors: AU_ETOOBIG (len > AU_SIGN_MSG_MAX),
 * AU_EINTERNAL.
 */
AU_NODISCARD int au_signkey_sign(const struct au_signkey *key,
    const uint8_t *msg, size_t len, uint8_t sig[AU_SIGN_SIG_BYTES],
    struct au_diag *diag);

/* Wipe and free a key; NULL is fine. */
void au_signkey_free(struct au_signkey *key);

#endif
