/* SPDX-License-Identifier: ISC */
/*
 * keys/key.h - TUF public keys and signature verification (TUF 1.0 section 4.2,
 * "KEY" objects).  Supported keytype/scheme pairs:
 *   "ed25519"/"ed25519": keyval.public = 64 hex digits (RFC 8032 5.1.5);
 *     signature = 128 hex digits, verified by libsodium (RFC 8032 5.1.7,
 *     non-canonical S and small-order keys refused).
 *   "ecdsa" or "ecdsa-sha2-nistp256" / "ecdsa-sha2-nistp256": keyval.public =
 *     PEM SubjectPublicKeyInfo of a P-256 key; signature = hex of the DER
 *     ECDSA-Sig-Value (RFC 3279 2.2.3) over SHA-256 of the message.  The DER
 *     is checked strictly here first (mbedTLS alone accepts some BER forms).
 *   "rsa"/"rsassa-pss-sha256": keyval.public = PEM SubjectPublicKeyInfo,
 *     AU_KEY_RSA_MIN_BITS to AU_KEY_RSA_MAX_BITS; RSASSA-PSS (RFC 8017 8.1)
 *     with SHA-256, MGF1-SHA-256 and a salt of exactly AU_KEY_RSA_PSS_SALT
 *     (32, the digest length) bytes.  securesystemslib verifies with
 *     PSS.AUTO (any salt length); we are stricter because the issue demands
 *     that no Wycheproof "invalid" case pass, and Wycheproof's
 *     rsa_pss_2048_sha256_mgf1_32 set marks other salt lengths invalid.
 *
 * Bytes in, no JSON: the TUF key object itself ({"keytype", "scheme",
 * "keyval"}) and its keyid are read in manifest/key_json.h, a layer up.
 * Only verification lives here: signing is in keys/sign.h (publisher only).
 * Keys whose keytype/scheme this build does not know are parsed into a key
 * marked unsupported: it never verifies, so a threshold simply never counts
 * it (TUF: unknown key types are skipped, not fatal).
 */
#ifndef AU_KEY_H
#define AU_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"
#include "port/text.h"	/* au_hex_decode, for the users of hex keys */

#define AU_KEY_ED25519_PUB_BYTES 32	/* raw public key */
#define AU_KEY_ED25519_SIG_BYTES 64	/* detached signature */
#define AU_KEY_PUB_MAX 4096		/* bytes of a public key value we accept */
#define AU_KEY_NAME_MAX 64		/* bytes of a keytype or scheme string */
#define AU_KEYID_HEX_LEN 64		/* SHA-256 hex (manifest/key_json.h: au_key_id) */
#define AU_KEY_ECDSA_SIG_MAX 72		/* DER of two 33-byte INTEGERs */
#define AU_KEY_RSA_MIN_BITS 2048
#define AU_KEY_RSA_MAX_BITS 8192
#define AU_KEY_RSA_PSS_SALT 32		/* bytes of PSS salt required */

enum au_key_type {
	AU_KEY_UNSUPPORTED = 0,	/* keytype/scheme unknown here: never verifies */
	AU_KEY_ED25519,		/* "ed25519"/"ed25519" */
	AU_KEY_ECDSA_P256,	/* "ecdsa[-sha2-nistp256]"/"ecdsa-sha2-nistp256" */
	AU_KEY_RSA_PSS,		/* "rsa"/"rsassa-pss-sha256" */
};

struct au_key;	/* opaque public key: type, keytype, scheme, raw public bytes */

/*
 * Make a key from the three fields of a TUF key object (TUF 1.0 section
 * 4.2; manifest/key_json.h takes the JSON object apart): keytype and scheme
 * (NUL-terminated, at most AU_KEY_NAME_MAX bytes) and keyval.public as
 * pub[0..publen) with pub[publen] == NUL: 64 hex digits for Ed25519, a PEM
 * SubjectPublicKeyInfo for ECDSA and RSA.  A keytype/scheme pair not
 * supported here gives success with a key of type AU_KEY_UNSUPPORTED.  A
 * supported type with a bad public value (not 64 hex digits for Ed25519;
 * not a PEM public key of the right algorithm for ECDSA (P-256 only) and
 * RSA (AU_KEY_RSA_MIN_BITS to AU_KEY_RSA_MAX_BITS)), a NULL field, a name
 * over AU_KEY_NAME_MAX, a public value over AU_KEY_PUB_MAX bytes or holding
 * a NUL byte is AU_EMETA_MALFORMED.  On success *out is a new key owned by
 * the caller (au_key_free).  Errors: AU_EMETA_MALFORMED, AU_ENOMEM,
 * AU_EINTERNAL (libsodium did not initialise).
 */
AU_NODISCARD int au_key_new(const char *keytype, const char *scheme,
    const char *pub, size_t publen, struct au_key **out,
    struct au_diag *diag);

void au_key_free(struct au_key *k);	/* NULL is fine */

/* The key's type (AU_KEY_UNSUPPORTED for keys this build cannot verify). */
enum au_key_type au_key_type(const struct au_key *k);

/*
 * Whether a and b are the same public key (same type and public bytes; for
 * ECDSA and RSA the DER SubjectPublicKeyInfo, so two PEM spellings of one
 * key are equal), so
 * that one key listed under two keyids counts once toward a threshold.
 * Unsupported keys are never equal to anything.
 */
int au_key_equal(const struct au_key *a, const struct au_key *b);

/*
 * Verify sig[0..siglen) over msg[0..len) with k.  Returns 0 when the
 * signature is valid, AU_EMETA_SIG when it is not, has the wrong length, or
 * the key is unsupported.  Ed25519: libsodium crypto_sign_verify_detached
 * (rejects non-canonical S and small-order keys/points).  ECDSA: strict DER
 * (au_ecdsa_der_strict) then mbedTLS.  RSA-PSS: mbedTLS, salt AU_KEY_RSA_PSS_SALT.
 */
AU_NODISCARD int au_key_verify(const struct au_key *k, const uint8_t *msg,
    size_t len, const uint8_t *sig, size_t siglen);

/*
 * 1 if sig[0..len) is a strict DER ECDSA-Sig-Value (RFC 3279 2.2.3, X.690
 * DER): SEQUENCE of exactly two INTEGERs, definite short-form lengths that
 * match, minimal positive integers (no superfluous leading 0x00, no sign
 * bit set), each at most 33 bytes, nothing after; else 0.  Range checks of
 * r and s are mbedTLS's.
 */
int au_ecdsa_der_strict(const uint8_t *sig, size_t len);

#endif
