/* SPDX-License-Identifier: ISC */
/* keys/key.c - TUF public keys and signature verification. */
#include "keys/key.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <sodium.h>

#include "keys/ec.h"
#include "port/text.h"
#include "port/ban.h"

#define SPKI_DER_MAX 2200	/* DER SubjectPublicKeyInfo of an 8192-bit RSA key */

struct au_key {
	enum au_key_type type;
	char keytype[AU_KEY_NAME_MAX + 1];
	char scheme[AU_KEY_NAME_MAX + 1];
	uint8_t *pub;		/* Ed25519: raw 32 bytes; ECDSA/RSA: DER SPKI */
	size_t publen;
	mbedtls_pk_context *pk;	/* ECDSA/RSA: the parsed key; else NULL */
};

/* Copy a keytype or scheme name into dst (AU_KEY_NAME_MAX + 1 bytes). */
static int
name_copy(const char *field, const char *v, char *dst, struct au_diag *diag)
{
	size_t n = v != NULL ? strlen(v) : 0;

	if (v == NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "key: \"%s\" missing or not a string", field);
	if (n > AU_KEY_NAME_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "key: \"%s\" longer than %d bytes", field, AU_KEY_NAME_MAX);
	memcpy(dst, v, n + 1);
	return AU_OK;
}

static int
parse_ed25519(struct au_key *k, const char *pubhex, struct au_diag *diag)
{
	k->pub = malloc(AU_KEY_ED25519_PUB_BYTES);
	if (k->pub == NULL)
		return au_diag_set(diag, AU_ENOMEM, "key: out of memory");
	k->publen = AU_KEY_ED25519_PUB_BYTES;
	if (au_hex_decode(pubhex, k->pub, k->publen) != AU_OK)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "ed25519 key: keyval.public is not %d hex digits",
		    2 * AU_KEY_ED25519_PUB_BYTES);
	k->type = AU_KEY_ED25519;
	return AU_OK;
}

/* Parse a PEM public key of mbedTLS type want into k->pk, DER into k->pub. */
static int
parse_pem(struct au_key *k, const char *pem, mbedtls_pk_type_t want,
    struct au_diag *diag)
{
	uint8_t der[SPKI_DER_MAX];
	int n;

	if ((k->pk = calloc(1, sizeof(*k->pk))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "key: out of memory");
	mbedtls_pk_init(k->pk);
	/* PEM input: the length includes the terminating NUL (mbedTLS rule). */
	n = mbedtls_pk_parse_public_key(k->pk, (const unsigned char *)pem,
	    strlen(pem) + 1);
	if (n != 0 || mbedtls_pk_get_type(k->pk) != want)
		return au_diag_sys(diag, AU_EMETA_MALFORMED, n,
		    "%s key: keyval.public is not a PEM %s public key", k->keytype,
		    want == MBEDTLS_PK_RSA ? "RSA" : "EC");
	n = mbedtls_pk_write_pubkey_der(k->pk, der, sizeof(der));
	if (n <= 0)
		return au_diag_sys(diag, AU_EMETA_MALFORMED, n,
		    "%s key: cannot re-encode the public key", k->keytype);
	if ((k->pub = malloc((size_t)n)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "key: out of memory");
	memcpy(k->pub, der + sizeof(der) - (size_t)n, (size_t)n);	/* written at the end */
	k->publen = (size_t)n;
	return AU_OK;
}

static int
parse_ecdsa(struct au_key *k, const char *pem, struct au_diag *diag)
{
	int rc = parse_pem(k, pem, MBEDTLS_PK_ECKEY, diag);

	if (rc != AU_OK)
		return rc;
	if (mbedtls_pk_ec(*k->pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s key: not a P-256 (secp256r1) key", k->keytype);
	k->type = AU_KEY_ECDSA_P256;
	return AU_OK;
}

static int
parse_rsa(struct au_key *k, const char *pem, struct au_diag *diag)
{
	size_t bits;
	int rc = parse_pem(k, pem, MBEDTLS_PK_RSA, diag);

	if (rc != AU_OK)
		return rc;
	bits = mbedtls_pk_get_bitlen(k->pk);
	if (bits < AU_KEY_RSA_MIN_BITS || bits > AU_KEY_RSA_MAX_BITS)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "rsa key: %zu bits, %d to %d accepted", bits,
		    AU_KEY_RSA_MIN_BITS, AU_KEY_RSA_MAX_BITS);
	k->type = AU_KEY_RSA_PSS;
	return AU_OK;
}

/* Dispatch on keytype/scheme; unknown pairs stay AU_KEY_UNSUPPORTED. */
static int
parse_public(struct au_key *k, const char *pub, struct au_diag *diag)
{
	if (strcmp(k->keytype, "ed25519") == 0 &&
	    strcmp(k->scheme, "ed25519") == 0)
		return parse_ed25519(k, pub, diag);
	if ((strcmp(k->keytype, "ecdsa") == 0 ||
	    strcmp(k->keytype, "ecdsa-sha2-nistp256") == 0) &&
	    strcmp(k->scheme, "ecdsa-sha2-nistp256") == 0)
		return parse_ecdsa(k, pub, diag);
	if (strcmp(k->keytype, "rsa") == 0 &&
	    strcmp(k->scheme, "rsassa-pss-sha256") == 0)
		return parse_rsa(k, pub, diag);
	return AU_OK;
}

int
au_key_new(const char *keytype, const char *scheme, const char *pub,
    size_t publen, struct au_key **out, struct au_diag *diag)
{
	struct au_key *k = NULL;
	int rc;

	if (sodium_init() < 0)	/* idempotent; needed before verifying */
		return au_diag_set(diag, AU_EINTERNAL, "libsodium failed to initialise");
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "key: out of memory");
	if ((rc = name_copy("keytype", keytype, k->keytype, diag)) != AU_OK ||
	    (rc = name_copy("scheme", scheme, k->scheme, diag)) != AU_OK)
		goto out;
	if (pub == NULL || publen > AU_KEY_PUB_MAX) {
		rc = au_diag_set(diag, AU_EMETA_MALFORMED,
		    "key (%s): keyval.public missing, not a string or over %d bytes",
		    k->keytype, AU_KEY_PUB_MAX);
		goto out;
	}
	k->type = AU_KEY_UNSUPPORTED;
	if (memchr(pub, 0, publen) != NULL || pub[publen] != '\0')
		rc = au_diag_set(diag, AU_EMETA_MALFORMED,
		    "key (%s): keyval.public holds a NUL byte", k->keytype);
	else
		rc = parse_public(k, pub, diag);
out:
	if (rc != AU_OK) {
		au_key_free(k);
		return rc;
	}
	*out = k;
	return AU_OK;
}

void
au_key_free(struct au_key *k)
{
	if (k == NULL)
		return;
	if (k->pk != NULL) {
		mbedtls_pk_free(k->pk);
		free(k->pk);
	}
	free(k->pub);
	free(k);
}

enum au_key_type
au_key_type(const struct au_key *k)
{
	return k != NULL ? k->type : AU_KEY_UNSUPPORTED;
}

int
au_key_equal(const struct au_key *a, const struct au_key *b)
{
	/* Public keys: no constant-time comparison needed. */
	if (a == NULL || b == NULL || a->type == AU_KEY_UNSUPPORTED ||
	    a->type != b->type || a->publen != b->publen)
		return 0;
	return memcmp(a->pub, b->pub, a->publen) == 0;
}

int
au_ecdsa_der_strict(const uint8_t *sig, size_t len)
{
	/* P-256: INTEGERs of at most 33 bytes, so short-form lengths only. */
	return len <= AU_KEY_ECDSA_SIG_MAX && au_ecdsa_der_strict_max(sig, len, 33);
}

static int
verify_pk(const struct au_key *k, const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t siglen)
{
	mbedtls_pk_rsassa_pss_options pss;
	uint8_t h[crypto_hash_sha256_BYTES];
	int rc;

	crypto_hash_sha256(h, msg != NULL ? msg : (const uint8_t *)"", len);
	if (k->type == AU_KEY_ECDSA_P256) {
		if (!au_ecdsa_der_strict(sig, siglen))
			return AU_EMETA_SIG;
		rc = mbedtls_pk_verify(k->pk, MBEDTLS_MD_SHA256, h, sizeof(h),
		    sig, siglen);
	} else {
		if (siglen != mbedtls_pk_get_len(k->pk))
			return AU_EMETA_SIG;
		pss.mgf1_hash_id = MBEDTLS_MD_SHA256;
		pss.expected_salt_len = AU_KEY_RSA_PSS_SALT;
		rc = mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &pss, k->pk,
		    MBEDTLS_MD_SHA256, h, sizeof(h), sig, siglen);
	}
	return rc == 0 ? AU_OK : AU_EMETA_SIG;
}

int
au_key_verify(const struct au_key *k, const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t siglen)
{
	if (k == NULL || sig == NULL || (msg == NULL && len > 0))
		return AU_EMETA_SIG;
	switch (k->type) {
	case AU_KEY_ED25519:
		if (siglen != AU_KEY_ED25519_SIG_BYTES)
			return AU_EMETA_SIG;
		if (crypto_sign_verify_detached(sig, msg, len, k->pub) != 0)
			return AU_EMETA_SIG;
		return AU_OK;
	case AU_KEY_ECDSA_P256:
	case AU_KEY_RSA_PSS:
		return verify_pk(k, msg, len, sig, siglen);
	case AU_KEY_UNSUPPORTED:
	default:
		return AU_EMETA_SIG;
	}
}
