/* SPDX-License-Identifier: ISC */
/*
 * repo/oms_sign.h - writing OpenSSF Model Signing v1.0 bundles (method
 * "key", manifest/oms.h) for `aiupdate-repo oms-sign`.  What is written here
 * is what manifest/oms.c verifies, and what the npm sigstore package
 * verifies (tests/interop/oms-verify.js).  Publisher only.
 */
#ifndef AU_REPO_OMS_SIGN_H
#define AU_REPO_OMS_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "keys/sign_ec.h"
#include "port/err.h"

/* Paths never signed in a directory (as the reference signer): model.sig, VCS files. */
#define AU_OMS_SIGN_IGNORE { "model.sig", ".git", ".gitattributes", \
	".gitignore", ".github" }

/*
 * The in-toto Statement v1 for the model at path: a file (one resource,
 * named by its base name) or a directory (every regular file below it but
 * the AU_OMS_SIGN_IGNORE paths, sorted; links and special files refused),
 * serialization "files", SHA-256, subject named by the base name with the
 * SHA-256 over the concatenated digests.  On success *out is a new
 * reference (json_decref).  Errors: AU_EUSAGE (path missing, a link or a
 * special file inside), AU_EIO, AU_ETOOBIG, AU_ENOMEM.
 */
AU_NODISCARD int au_oms_statement_build(const char *path, json_t **out,
    struct au_diag *diag);

/*
 * Sign statement bytes stmt[0..len) (DSSE, payloadType
 * application/vnd.in-toto+json) with k and wrap them in a Sigstore bundle
 * v0.3 whose verificationMaterial is {"publicKey":{"hint":H},
 * "tlogEntries":[]}, H = SHA-256 hex of k's public PEM.  *out is malloc'd
 * JSON text (NUL-terminated, *outlen without it).  Errors: AU_EINTERNAL,
 * AU_ENOMEM.
 */
AU_NODISCARD int au_oms_bundle_build(const uint8_t *stmt, size_t len,
    const struct au_ecsign *k, char **out, size_t *outlen,
    struct au_diag *diag);

/* `aiupdate-repo oms-sign DIR-or-FILE --key KEY.pem [--out FILE]`. */
int au_repo_cmd_oms_sign(int argc, char **argv, struct au_diag *diag);

#endif
