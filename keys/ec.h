/* SPDX-License-Identifier: ISC */
/*
 * keys/ec.h - ECDSA public keys on P-256, P-384 and P-521 and X.509
 * certificate chains, for model signatures (OpenSSF Model Signing v1.0,
 * manifest/oms.h).  Bytes in, verdicts out: no JSON here.
 *
 * The hash follows the curve (as the OMS reference implementation and
 * Sigstore do): P-256 with SHA-256, P-384 with SHA-384, P-521 with SHA-512
 * (FIPS 186-5 6.4, SEC 1 4.1.4).  Signatures are a DER ECDSA-Sig-Value
 * (RFC 3279 2.2.3), checked strictly here before mbedTLS sees them.
 */
#ifndef AU_EC_H
#define AU_EC_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_EC_PEM_MAX 16384	/* bytes of a PEM public key file read */
#define AU_EC_HINT_BYTES 32	/* SHA-256 of the PEM text */
#define AU_EC_SIG_MAX 139	/* DER of two 67-byte INTEGERs (P-521) */
#define AU_X509_DER_MAX 16384	/* bytes of one DER certificate */
#define AU_X509_CHAIN_MAX 8	/* certificates in a chain, leaf included */
#define AU_X509_PEM_MAX 65536	/* bytes of a PEM CA file */
#define AU_X509_SUBJECT_MAX 256	/* bytes of a subject name, NUL included */

struct au_eckey;	/* opaque: an EC public key and its hint */

/*
 * Parse a PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----") of an EC
 * key on P-256, P-384 or P-521; text before the BEGIN line (certtool's
 * description) is skipped.  The key's hint is SHA-256 of the PEM block:
 * from "-----BEGIN" to the end of the END line, plus one "\n" (how the OMS
 * reference implementation names a key in publicKey.hint).
 * On success *out is a new key owned by the caller (au_eckey_free).
 * Errors: AU_ETOOBIG (len > AU_EC_PEM_MAX), AU_EMETA_MALFORMED (no PEM block,
 * not an EC key, another curve), AU_ENOMEM.
 */
AU_NODISCARD int au_eckey_parse_pem(const uint8_t *pem, size_t len,
    struct au_eckey **out, struct au_diag *diag);

void au_eckey_free(struct au_eckey *k);	/* NULL is fine */

/* The curve's size in bits: 256, 384 or 521. */
int au_eckey_bits(const struct au_eckey *k);

/* The hint (AU_EC_HINT_BYTES); all zero for a key taken from a certificate. */
const uint8_t *au_eckey_hint(const struct au_eckey *k);

/* 1 when a and b are the same public key (same DER SubjectPublicKeyInfo). */
int au_eckey_equal(const struct au_eckey *a, const struct au_eckey *b);

/*
 * Verify the DER signature sig[0..siglen) over msg[0..len) with the hash
 * of k's curve.  0 when valid; AU_EMETA_SIG when not, or when sig is not
 * strict DER (au_ecdsa_der_strict_max with the curve's integer size).
 */
AU_NODISCARD int au_eckey_verify(const struct au_eckey *k, const uint8_t *msg,
    size_t len, const uint8_t *sig, size_t siglen);

/*
 * 1 if sig[0..len) is a strict DER ECDSA-Sig-Value (X.690 DER): a SEQUENCE
 * of exactly two INTEGERs, definite minimal lengths (short form below 128,
 * 0x81 form from 128 to 255), minimal positive integers (no superfluous
 * leading 0x00, no sign bit set), each of at most int_max content bytes,
 * nothing after; else 0.  int_max is the curve's byte size plus one (33 for
 * P-256, 49 for P-384, 67 for P-521).
 */
int au_ecdsa_der_strict_max(const uint8_t *sig, size_t len, size_t int_max);

/*
 * Verify an X.509 chain (RFC 5280 6.1, by mbedTLS): der[0] is the leaf,
 * der[1..n) intermediates, ending at a certificate issued by one of the PEM
 * CA certificates in ca_pem[0..ca_len) (one file, one or more certificates).
 * Validity periods are judged at `now` (seconds since the epoch, the run's
 * clock), not at the system clock.  The leaf must allow digitalSignature
 * (key usage, when present) and code signing (extended key usage, when
 * present), and hold an EC key on P-256, P-384 or P-521.
 * On success *leaf is a new key owned by the caller and subject holds the
 * leaf's subject name (mbedTLS form, "CN=..., O=..."), NUL-terminated.
 * Errors: AU_EMETA_SIG (chain does not verify: diag says why),
 * AU_EMETA_MALFORMED (a certificate or the CA file does not parse, n is 0
 * or over AU_X509_CHAIN_MAX), AU_ENOMEM.
 */
AU_NODISCARD int au_x509_chain_verify(const uint8_t *const der[],
    const size_t derlen[], size_t n, const uint8_t *ca_pem, size_t ca_len,
    int64_t now, struct au_eckey **leaf, char subject[AU_X509_SUBJECT_MAX],
    struct au_diag *diag);

/*
 * Parse a PEM file of CA certificates (for checking a configuration at
 * load time): 0 when it holds at least one certificate and nothing that
 * fails to parse.  Errors: AU_ETOOBIG, AU_EMETA_MALFORMED.
 */
AU_NODISCARD int au_x509_check_ca(const uint8_t *ca_pem, size_t ca_len,
    struct au_diag *diag);

#endif
