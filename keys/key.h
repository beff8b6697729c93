/* SPDX-License-Identifier: ISC */
/*
 * keys/key.h - TUF public keys and signature verification (TUF 1.0 section 4.2,
 * "KEY" objects; Ed25519 per RFC 8032 section 5.1.7 through libsodium).
 *
 * Only verification lives here: signing is in keys/sign.h (publisher only).
 * Keys whose keytype/scheme this build does not know are parsed into a key
 * marked unsupported: it never verifies, so a threshold simply never counts
 * it (TUF: unknown key types are skipped, not fatal).  ECDSA and RSA-PSS slot
 * in as further enum au_key_type values.
 */
#ifndef AU_KEY_H
#define AU_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "port/err.h"

#define AU_KEY_ED25519_PUB_BYTES 32	/* raw public key */
#define AU_KEY_ED25519_SIG_BYTES 64	/* detached signature */
#define AU_KEY_PUB_MAX 4096		/* bytes of a public key value we accept */
#define AU_KEY_NAME_MAX 64		/* bytes of a keytype or scheme string */
#define AU_KEYID_HEX_LEN 64		/* SHA-256 hex; au_key_id writes 65 bytes */

enum au_key_type {
	AU_KEY_UNSUPPORTED = 0,	/* keytype/scheme unknown here: never verifies */
	AU_KEY_ED25519,		/* "ed25519"/"ed25519" */
};

struct au_key;	/* opaque public key: type, keytype, scheme, raw public bytes */

/*
 * Parse one TUF key object
 * {"keytype":"ed25519","scheme":"ed25519","keyval":{"public":HEX}}
 * (unknown fields tolerated).  A keytype/scheme pair not supported here gives
 * success with a key of type AU_KEY_UNSUPPORTED.  A supported type with a bad
 * public value (not 64 hex digits for Ed25519), or a missing/non-string
 * keytype, scheme or keyval.public, is AU_EMETA_MALFORMED.  On success *out is
 * a new key owned by the caller (au_key_free).  Errors: AU_EMETA_MALFORMED,
 * AU_ENOMEM.
 */
AU_NODISCARD int au_key_parse(const json_t *keyobj, struct au_key **out,
    struct au_diag *diag);

void au_key_free(struct au_key *k);	/* NULL is fine */

/* The key's type (AU_KEY_UNSUPPORTED for keys this build cannot verify). */
enum au_key_type au_key_type(const struct au_key *k);

/*
 * Whether a and b are the same public key (same type and public bytes), so
 * that one key listed under two keyids counts once toward a threshold.
 * Unsupported keys are never equal to anything.
 */
int au_key_equal(const struct au_key *a, const struct au_key *b);

/*
 * keyid = lowercase hex SHA-256 of the canonical JSON of the key object
 * (TUF 1.0 section 4.2).  out receives 64 hex digits and a NUL (65 bytes).
 * Errors: AU_EMETA_MALFORMED (not an object, or a real number inside),
 * AU_ENOMEM.
 */
AU_NODISCARD int au_key_id(const json_t *keyobj, char out[65],
    struct au_diag *diag);

/*
 * Verify sig[0..siglen) over msg[0..len) with k.  Returns 0 when the
 * signature is valid, AU_EMETA_SIG when it is not, has the wrong length, or
 * the key is unsupported.  Ed25519: libsodium crypto_sign_verify_detached
 * (rejects non-canonical S and small-order keys/points).
 */
AU_NODISCARD int au_key_verify(const struct au_key *k, const uint8_t *msg,
    size_t len, const uint8_t *sig, size_t siglen);

/*
 * Decode exactly 2*outlen hex digits (either case, nothing else) from the
 * NUL-terminated hex into out.  Returns 0 or AU_EMETA_MALFORMED.  Public data:
 * not constant time.
 */
AU_NODISCARD int au_hex_decode(const char *hex, uint8_t *out, size_t outlen);

#endif
