/* SPDX-License-Identifier: ISC */
/*
 * manifest/oms.h - OpenSSF Model Signing (OMS) v1.0 signatures: a Sigstore
 * bundle (mediaType application/vnd.dev.sigstore.bundle.v0.3+json) whose DSSE
 * envelope (payloadType application/vnd.in-toto+json) carries an in-toto
 * Statement v1 with predicateType https://model_signing/signature/v1.0
 * (ossf/model-signing-spec spec/v1.0.md; DSSE protocol.md; in-toto
 * Statement v1).
 *
 * Three steps, each strict:
 *   au_oms_parse()      the bundle's JSON (manifest/json.h intake, size cap):
 *                       its shape and its signing method; nothing trusted.
 *   au_oms_verify()     the DSSE signature over the pre-authentication
 *                       encoding (PAE) with a trusted key (method "key") or a
 *                       certificate chain to a trusted CA ("certificate"),
 *                       keys/ec.h; only then the payload is parsed
 *                       (au_oms_statement_parse) and returned.
 *   the caller          compares the statement's resources with the model's
 *                       bytes (client/install/provenance.h).
 * The "sigstore" method (Fulcio certificate + Rekor entry) needs Sigstore's
 * online trust root: it is refused as unsupported, never accepted.
 *
 * Supported: signatures ECDSA P-256/P-384/P-521 (hash follows the curve),
 * resource and hash_type "sha256", serialization "files" and "shards".
 */
#ifndef AU_OMS_H
#define AU_OMS_H

#include <stddef.h>
#include <stdint.h>

#include "keys/ec.h"
#include "port/err.h"

#define AU_OMS_BUNDLE_MAX (4u << 20)	/* bytes of a bundle file */
#define AU_OMS_PAYLOAD_MAX (3u << 20)	/* bytes of the decoded statement */
#define AU_OMS_RESOURCES_MAX 65536	/* resources[] entries */
#define AU_OMS_IGNORE_MAX 256		/* ignore_paths[] entries */
#define AU_OMS_NAME_MAX 1024		/* bytes of a resource name or path */
#define AU_OMS_SIGNER_MAX 320		/* bytes of a signer description */

#define AU_OMS_MEDIA_TYPE "application/vnd.dev.sigstore.bundle.v0.3+json"
#define AU_OMS_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define AU_OMS_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define AU_OMS_PREDICATE_TYPE "https://model_signing/signature/v1.0"

enum au_oms_method {
	AU_OMS_METHOD_KEY = 1,		/* publicKey: hint or rawBytes (PEM) */
	AU_OMS_METHOD_CERTIFICATE,	/* x509CertificateChain: leaf first */
	AU_OMS_METHOD_SIGSTORE,		/* certificate + tlogEntries: unsupported */
};

/* Why a bundle was refused (for the report; code branches on this). */
enum au_oms_fail {
	AU_OMS_OK = 0,
	AU_OMS_MALFORMED,	/* not an OMS v1.0 bundle or statement */
	AU_OMS_UNSUPPORTED,	/* sigstore method, another hash algorithm */
	AU_OMS_UNKNOWN_SIGNER,	/* no trusted key or CA for this signature */
	AU_OMS_BAD_SIGNATURE,	/* signature or certificate chain invalid */
	AU_OMS_NOT_PINNED,	/* a trusted signer, but not the one required */
	AU_OMS_WRONG_TYPE,	/* payloadType, _type or predicateType */
	AU_OMS_DIGEST,		/* a file's bytes differ from its resource */
	AU_OMS_MISSING,		/* a signed resource is not in the model */
	AU_OMS_UNSIGNED,	/* a model file no resource covers */
};

/* Short stable name of a verdict ("ok", "bad-signature", ...); never NULL. */
const char *au_oms_fail_name(enum au_oms_fail f);

/* One trusted signer, named in the device configuration. */
struct au_oms_signer {
	const char *name;		/* e.g. "acme" ([provenance] key.acme) */
	const struct au_eckey *key;	/* method "key"; or NULL */
	const uint8_t *ca_pem;		/* method "certificate": CA file; or NULL */
	size_t ca_len;
};

/* Who signed, once verified (values only). */
struct au_oms_who {
	char name[64];			/* the au_oms_signer's name */
	char detail[AU_OMS_SIGNER_MAX];	/* "key sha256:HINT" or "cert SUBJECT" */
};

struct au_oms_resource {
	char *name;		/* as signed: a path, or "path:start:end" */
	char *path;		/* the file: name, or the path part of a shard */
	uint64_t start, end;	/* shards: byte range [start, end); files: 0, 0 */
	uint8_t digest[32];	/* SHA-256 */
};

struct au_oms_bundle;		/* opaque; parsed, not yet verified */
struct au_oms_statement;	/* opaque; from a verified bundle */

/*
 * Parse bundle bytes buf[0..len): the JSON intake with cap
 * AU_OMS_BUNDLE_MAX, mediaType AU_OMS_MEDIA_TYPE, verificationMaterial with
 * exactly one of publicKey / x509CertificateChain / certificate, a
 * dsseEnvelope with a base64 payload, a payloadType and exactly one
 * signature (base64 DER).  On success *out is owned by the caller
 * (au_oms_bundle_free).  *why (may be NULL) is set on failure.
 * Errors: AU_EMETA_MALFORMED, AU_EMETA_TOOBIG, AU_ENOMEM.
 */
AU_NODISCARD int au_oms_parse(const uint8_t *buf, size_t len,
    struct au_oms_bundle **out, enum au_oms_fail *why, struct au_diag *diag);

void au_oms_bundle_free(struct au_oms_bundle *b);	/* NULL is fine */

enum au_oms_method au_oms_bundle_method(const struct au_oms_bundle *b);

/*
 * Verify b against the trusted signers (n of them): method "key" uses the
 * signer whose key has the bundle's hint (or equals its rawBytes PEM; with
 * neither, each key is tried); "certificate" uses the first CA the chain
 * verifies to, with validity judged at `now`.  When pin is not NULL the
 * signer's name must equal it.  The signature is checked over
 * PAE(payloadType, payload) = "DSSEv1" SP LEN(type) SP type SP LEN(body)
 * SP body (DSSE protocol), then payloadType, then the statement
 * (au_oms_statement_parse).  On success *out owns the statement
 * (au_oms_statement_free) and *who names the signer.  On failure *why
 * says what failed and diag says it in words.
 * Errors: AU_EMETA_SIG (unknown signer, bad signature, not pinned),
 * AU_EMETA_TYPE (wrong payloadType, statement or predicate type),
 * AU_EMETA_MALFORMED (statement), AU_EART_HASHALG (unsupported method or
 * algorithm), AU_ENOMEM.
 */
AU_NODISCARD int au_oms_verify(const struct au_oms_bundle *b,
    const struct au_oms_signer *signers, size_t n, const char *pin,
    int64_t now, struct au_oms_statement **out, struct au_oms_who *who,
    enum au_oms_fail *why, struct au_diag *diag);

/*
 * Parse a statement (the DSSE payload) strictly: _type, predicateType,
 * exactly one subject with a sha256 digest equal to SHA-256 over the
 * concatenated resource digests in their listed order, predicate.resources
 * (unique names, safe relative paths, algorithm "sha256", 64 hex digits),
 * predicate.serialization (method "files" or "shards" with shard_size,
 * hash_type "sha256", allow_symlinks, optional ignore_paths).  Public for
 * the fuzz target; au_oms_verify calls it only after the signature holds.
 * Errors as au_oms_verify.
 */
AU_NODISCARD int au_oms_statement_parse(const uint8_t *buf, size_t len,
    struct au_oms_statement **out, enum au_oms_fail *why,
    struct au_diag *diag);

void au_oms_statement_free(struct au_oms_statement *st);	/* NULL is fine */

/* The resources, in signed order; *n receives their number.  Owned by st. */
const struct au_oms_resource *au_oms_resources(const struct au_oms_statement *st,
    size_t *n);

/* The ignore_paths (relative paths, may be empty); owned by st. */
const char *const *au_oms_ignore_paths(const struct au_oms_statement *st,
    size_t *n);

/* 1 when the serialization is "shards", 0 for "files". */
int au_oms_is_shards(const struct au_oms_statement *st);

/*
 * The DSSE pre-authentication encoding of (type, body) into a new buffer
 * (*out, *outlen; the caller frees *out).  Shared with the signer
 * (repo/cmd_omssign.c).  Errors: AU_ENOMEM, AU_ETOOBIG (over
 * AU_OMS_BUNDLE_MAX).
 */
AU_NODISCARD int au_oms_pae(const char *type, const uint8_t *body,
    size_t len, uint8_t **out, size_t *outlen);

#endif
