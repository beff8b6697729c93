/* SPDX-License-Identifier: ISC */
/*
 * client/report/devkey.h - the device's own Ed25519 key, its identity in
 * status reports (Standard Webhooks "v1a", keys/webhook.h; docs/report.md).
 *
 * Made on first use from libsodium's CSPRNG and kept in
 * STATE_DIR/AU_DEVKEY_FILE, mode 0600, one line:
 *
 *     whsk_<base64 of the 32-byte RFC 8032 seed>\n
 *
 * written through au_file_replace() (temp file, fsync, rename, fsync of
 * the directory): a power cut leaves no key or the whole key, and the next
 * run makes one or uses it.  The public key, "whpk_" + base64, is what the
 * fleet enrols (aiupdate --device-key prints it).  The key never leaves
 * the device; the secret lives in sodium_malloc'd memory, wiped on free.
 */
#ifndef AU_DEVKEY_H
#define AU_DEVKEY_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_DEVKEY_FILE "device-key"	/* under state_dir */
#define AU_DEVKEY_FILE_MAX 128		/* larger key files are refused */

struct au_devkey;	/* opaque; the secret in sodium_malloc'd memory */

/*
 * Load STATE_DIR/device-key, or with create make it when it is missing
 * (*created = 1; may be NULL).  A key file that is not a regular file,
 * has group or other permission bits, or is not the line above, is
 * refused (never replaced: a device keeps its identity).
 * On success *out owns the key; release with au_devkey_free().
 * Errors: AU_EIO (missing without create, unreadable, not writable),
 * AU_ECONFIG (permissions, format), AU_ENOSPC, AU_ENOMEM, AU_EINTERNAL.
 */
AU_NODISCARD int au_devkey_load(const char *state_dir, int create,
    struct au_devkey **out, int *created, struct au_diag *diag);

/* The 64-byte libsodium secret key (seed || public), for au_webhook_sign(). */
const uint8_t *au_devkey_sk(const struct au_devkey *k);

/* The 32-byte public key (public data). */
const uint8_t *au_devkey_pk(const struct au_devkey *k);

/* Wipe and free; NULL is fine. */
void au_devkey_free(struct au_devkey *k);

#endif
