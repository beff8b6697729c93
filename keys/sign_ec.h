/* SPDX-License-Identifier: ISC */
/*
 * keys/sign_ec.h - ECDSA signing keys (P-256, P-384, P-521) for the
 * publisher's model signatures (aiupdate-repo oms-sign, repo/oms_sign.h).
 *
 * Publisher only: never linked into the device binary (keys/sign*.c stay out
 * of libaiupdate.a).  The key is a PEM private key as openssl writes it
 * (`openssl ecparam -name prime256v1 -genkey -noout -out KEY.pem`: SEC 1,
 * or PKCS #8 unencrypted).  mbedTLS wipes the private scalar when the key
 * is freed; the PEM bytes read are wiped by the caller's loader.
 */
#ifndef AU_SIGN_EC_H
#define AU_SIGN_EC_H

#include <stddef.h>
#include <stdint.h>

#include "keys/ec.h"
#include "port/err.h"

#define AU_ECSIGN_PEM_MAX 8192	/* bytes of a private key file */
#define AU_ECSIGN_PUB_PEM_MAX 512	/* bytes of the public PEM written */

struct au_ecsign;	/* opaque: a private EC key */

/*
 * Read the private key file at path (a regular file, no group or other
 * permission bits, at most AU_ECSIGN_PEM_MAX bytes).  On success *out owns
 * the key (au_ecsign_free).  Errors: AU_EIO, AU_ECONFIG (permissions, not
 * an EC private key on P-256/P-384/P-521), AU_ENOMEM.
 */
AU_NODISCARD int au_ecsign_load(const char *path, struct au_ecsign **out,
    struct au_diag *diag);

/* As au_ecsign_load, from PEM bytes (tests). */
AU_NODISCARD int au_ecsign_parse(const uint8_t *pem, size_t len,
    struct au_ecsign **out, struct au_diag *diag);

void au_ecsign_free(struct au_ecsign *k);	/* wipes; NULL is fine */

/* The curve's size in bits: 256, 384 or 521. */
int au_ecsign_bits(const struct au_ecsign *k);

/*
 * Sign msg[0..len) with the hash of the key's curve (keys/ec.h) into a DER
 * ECDSA-Sig-Value sig[0..*siglen), sig having AU_EC_SIG_MAX bytes.
 * Errors: AU_EINTERNAL (mbedTLS; code in diag->sys).
 */
AU_NODISCARD int au_ecsign_sign(const struct au_ecsign *k, const uint8_t *msg,
    size_t len, uint8_t sig[AU_EC_SIG_MAX], size_t *siglen,
    struct au_diag *diag);

/*
 * The public key as PEM SubjectPublicKeyInfo text, NUL-terminated, into
 * out (size bytes, AU_ECSIGN_PUB_PEM_MAX suffice).  Its SHA-256 is the
 * OMS key hint.  Errors: AU_EINTERNAL.
 */
AU_NODISCARD int au_ecsign_public_pem(const struct au_ecsign *k, char *out,
    size_t size, struct au_diag *diag);

#endif
