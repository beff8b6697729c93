/* SPDX-License-Identifier: ISC */
/* keys/ec.c - ECDSA P-256/P-384/P-521 keys and X.509 chains (keys/ec.h). */
#include "keys/ec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "port/text.h"

#include "port/ban.h"

#define SPKI_MAX 256	/* DER SubjectPublicKeyInfo of a P-521 key: 158 */
#define PEM_BEGIN "-----BEGIN PUBLIC KEY-----"
#define PEM_END "-----END PUBLIC KEY-----"

struct au_eckey {
	mbedtls_pk_context pk;
	int bits;
	uint8_t hint[AU_EC_HINT_BYTES];
	uint8_t spki[SPKI_MAX];
	size_t spkilen;
};

static int
curve_bits(mbedtls_ecp_group_id id)
{
	switch (id) {
	case MBEDTLS_ECP_DP_SECP256R1:
		return 256;
	case MBEDTLS_ECP_DP_SECP384R1:
		return 384;
	case MBEDTLS_ECP_DP_SECP521R1:
		return 521;
	default:
		return 0;
	}
}

/* Take a parsed pk (EC, supported curve) into a new key; pk is moved. */
static int
key_from_pk(mbedtls_pk_context *pk, struct au_eckey **out,
    struct au_diag *diag)
{
	struct au_eckey *k;
	uint8_t der[SPKI_MAX];
	int bits, n;

	if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "not an EC key");
	bits = curve_bits(mbedtls_pk_ec(*pk)->grp.id);
	if (bits == 0)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "EC key on a curve "
		    "other than P-256, P-384 or P-521");
	n = mbedtls_pk_write_pubkey_der(pk, der, sizeof(der));
	if (n <= 0)
		return au_diag_sys(diag, AU_EMETA_MALFORMED, n, "cannot "
		    "re-encode the EC public key");
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	k->pk = *pk;		/* the context moves; the caller forgets it */
	mbedtls_pk_init(pk);
	k->bits = bits;
	memcpy(k->spki, der + sizeof(der) - (size_t)n, (size_t)n);
	k->spkilen = (size_t)n;
	*out = k;
	return AU_OK;
}

/* The PEM block in pem[0..len): offset and length, END line and "\n" included. */
static int
pem_block(const char *pem, size_t len, size_t *off, size_t *blen)
{
	const char *b = memmem(pem, len, PEM_BEGIN, strlen(PEM_BEGIN)), *e;

	if (b == NULL)
		return -1;
	e = memmem(b, len - (size_t)(b - pem), PEM_END, strlen(PEM_END));
	if (e == NULL)
		return -1;
	*off = (size_t)(b - pem);
	*blen = (size_t)(e - b) + strlen(PEM_END);
	return 0;
}

int
au_eckey_parse_pem(const uint8_t *pem, size_t len, struct au_eckey **out,
    struct au_diag *diag)
{
	mbedtls_pk_context pk;
	struct au_eckey *k = NULL;
	char *text;
	size_t off, blen;
	int rc;

	if (len > AU_EC_PEM_MAX)
		return au_diag_set(diag, AU_ETOOBIG, "PEM key over %d bytes",
		    AU_EC_PEM_MAX);
	if (pem_block((const char *)pem, len, &off, &blen) != 0 ||
	    memchr(pem + off, 0, blen) != NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "no PEM public "
		    "key block (\"" PEM_BEGIN "\" ... \"" PEM_END "\")");
	/* The block plus "\n" and the NUL mbedTLS wants after PEM text. */
	if ((text = malloc(blen + 2)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(text, pem + off, blen);
	text[blen] = '\n';
	text[blen + 1] = '\0';
	mbedtls_pk_init(&pk);
	rc = mbedtls_pk_parse_public_key(&pk, (const unsigned char *)text,
	    blen + 2);
	if (rc != 0)
		rc = au_diag_sys(diag, AU_EMETA_MALFORMED, rc, "PEM public key "
		    "does not parse");
	else
		rc = key_from_pk(&pk, &k, diag);
	if (rc == AU_OK && mbedtls_md(mbedtls_md_info_from_type(
	    MBEDTLS_MD_SHA256), (const unsigned char *)text, blen + 1,
	    k->hint) != 0)
		rc = au_diag_set(diag, AU_EINTERNAL, "SHA-256 failed");
	mbedtls_pk_free(&pk);
	free(text);
	if (rc != AU_OK) {
		au_eckey_free(k);
		return rc;
	}
	*out = k;
	return AU_OK;
}

void
au_eckey_free(struct au_eckey *k)
{
	if (k == NULL)
		return;
	mbedtls_pk_free(&k->pk);
	free(k);
}

int
au_eckey_bits(const struct au_eckey *k)
{
	return k->bits;
}

const uint8_t *
au_eckey_hint(const struct au_eckey *k)
{
	return k->hint;
}

int
au_eckey_equal(const struct au_eckey *a, const struct au_eckey *b)
{
	/* Public keys: no constant-time comparison needed. */
	return a != NULL && b != NULL && a->spkilen == b->spkilen &&
	    memcmp(a->spki, b->spki, a->spkilen) == 0;
}

/* Length of the DER INTEGER at p[0..avail): minimal, positive. 0 = bad. */
static size_t
der_int(const uint8_t *p, size_t avail, size_t int_max)
{
	size_t n;

	if (avail < 3 || p[0] != 0x02 || p[1] == 0 || p[1] >= 0x80 ||
	    p[1] > int_max || (size_t)p[1] + 2 > avail)
		return 0;
	n = p[1];
	if (p[2] & 0x80)		/* negative */
		return 0;
	if (n > 1 && p[2] == 0 && !(p[3] & 0x80))	/* superfluous 0x00 */
		return 0;
	return n + 2;
}

int
au_ecdsa_der_strict_max(const uint8_t *sig, size_t len, size_t int_max)
{
	size_t hdr, body, a, b;

	if (sig == NULL || len < 8 || int_max > 127 || sig[0] != 0x30)
		return 0;
	if (sig[1] < 0x80) {
		hdr = 2;
		body = sig[1];
	} else if (sig[1] == 0x81 && len > 3 && sig[2] >= 0x80) {
		hdr = 3;	/* long form only where short form cannot be */
		body = sig[2];
	} else {
		return 0;
	}
	if (hdr + body != len)
		return 0;
	if ((a = der_int(sig + hdr, len - hdr, int_max)) == 0)
		return 0;
	if ((b = der_int(sig + hdr + a, len - hdr - a, int_max)) == 0)
		return 0;
	return hdr + a + b == len;
}

int
au_eckey_verify(const struct au_eckey *k, const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t siglen)
{
	mbedtls_md_type_t md = k == NULL ? MBEDTLS_MD_NONE : k->bits == 256 ?
	    MBEDTLS_MD_SHA256 : k->bits == 384 ? MBEDTLS_MD_SHA384 :
	    MBEDTLS_MD_SHA512;
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	uint8_t h[64];

	if (k == NULL || info == NULL || sig == NULL || siglen > AU_EC_SIG_MAX ||
	    (msg == NULL && len > 0) ||
	    !au_ecdsa_der_strict_max(sig, siglen, (size_t)(k->bits + 7) / 8 + 1))
		return AU_EMETA_SIG;
	if (mbedtls_md(info, msg != NULL ? msg : (const uint8_t *)"", len, h))
		return AU_EMETA_SIG;
	if (mbedtls_pk_verify((mbedtls_pk_context *)&k->pk, md, h,
	    mbedtls_md_get_size(info), sig, siglen) != 0)
		return AU_EMETA_SIG;
	return AU_OK;
}

/* ---- X.509 ---- */

static int64_t
x509_epoch(const mbedtls_x509_time *t)
{
	return au_days_from_civil(t->year, (unsigned)t->mon, (unsigned)t->day) * 86400 +
	    (int64_t)t->hour * 3600 + t->min * 60 + t->sec;
}

/* mbedTLS's verify callback: validity judged at the run's clock. */
static int
judge_time(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	int64_t now = *(const int64_t *)arg;

	(void)depth;
	*flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED |
	    MBEDTLS_X509_BADCERT_FUTURE);
	if (now > x509_epoch(&crt->valid_to))
		*flags |= MBEDTLS_X509_BADCERT_EXPIRED;
	if (now < x509_epoch(&crt->valid_from))
		*flags |= MBEDTLS_X509_BADCERT_FUTURE;
	return 0;
}

static int
parse_ca(mbedtls_x509_crt *ca, const uint8_t *pem, size_t len,
    struct au_diag *diag)
{
	char *text;
	int rc;

	if (len > AU_X509_PEM_MAX)
		return au_diag_set(diag, AU_ETOOBIG, "CA file over %d bytes",
		    AU_X509_PEM_MAX);
	if (memchr(pem, 0, len) != NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "CA file holds a "
		    "NUL byte");
	if ((text = malloc(len + 1)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(text, pem, len);
	text[len] = '\0';
	rc = mbedtls_x509_crt_parse(ca, (const unsigned char *)text, len + 1);
	free(text);
	/* > 0: that many certificates failed to parse */
	if (rc != 0 || ca->version == 0)
		return au_diag_sys(diag, AU_EMETA_MALFORMED, rc, "CA file: not "
		    "PEM X.509 certificates only");
	return AU_OK;
}

int
au_x509_check_ca(const uint8_t *ca_pem, size_t ca_len, struct au_diag *diag)
{
	mbedtls_x509_crt ca;
	int rc;

	mbedtls_x509_crt_init(&ca);
	rc = parse_ca(&ca, ca_pem, ca_len, diag);
	mbedtls_x509_crt_free(&ca);
	return rc;
}

static int
parse_chain(mbedtls_x509_crt *chain, const uint8_t *const der[],
    const size_t derlen[], size_t n, struct au_diag *diag)
{
	size_t i;
	int rc;

	if (n == 0 || n > AU_X509_CHAIN_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "certificate chain "
		    "of %zu certificates (1 to %d)", n, AU_X509_CHAIN_MAX);
	for (i = 0; i < n; i++) {
		if (derlen[i] > AU_X509_DER_MAX)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "certificate "
			    "%zu over %d bytes", i, AU_X509_DER_MAX);
		rc = mbedtls_x509_crt_parse_der(chain, der[i], derlen[i]);
		if (rc != 0)
			return au_diag_sys(diag, AU_EMETA_MALFORMED, rc,
			    "certificate %zu does not parse", i);
	}
	return AU_OK;
}

/* The leaf's usage and key, once the chain verified. */
static int
take_leaf(mbedtls_x509_crt *leaf, struct au_eckey **out, char *subject,
    struct au_diag *diag)
{
	mbedtls_pk_context pk;
	uint8_t der[SPKI_MAX];
	int n, rc;

	if (mbedtls_x509_crt_check_key_usage(leaf,
	    MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0)
		return au_diag_set(diag, AU_EMETA_SIG, "signing certificate: key "
		    "usage does not allow digitalSignature");
	if (mbedtls_x509_crt_check_extended_key_usage(leaf,
	    MBEDTLS_OID_CODE_SIGNING, MBEDTLS_OID_SIZE(MBEDTLS_OID_CODE_SIGNING))
	    != 0)
		return au_diag_set(diag, AU_EMETA_SIG, "signing certificate: "
		    "extended key usage does not allow code signing");
	if (mbedtls_pk_get_type(&leaf->pk) != MBEDTLS_PK_ECKEY)
		return au_diag_set(diag, AU_EMETA_SIG, "signing certificate: "
		    "not an EC key");
	n = mbedtls_pk_write_pubkey_der(&leaf->pk, der, sizeof(der));
	if (n <= 0)
		return au_diag_sys(diag, AU_EMETA_SIG, n, "signing certificate: "
		    "EC key too large");
	mbedtls_pk_init(&pk);
	rc = mbedtls_pk_parse_public_key(&pk, der + sizeof(der) - n, (size_t)n);
	if (rc != 0)
		rc = au_diag_sys(diag, AU_EMETA_SIG, rc, "signing certificate: "
		    "key does not parse");
	else
		rc = key_from_pk(&pk, out, diag);
	mbedtls_pk_free(&pk);
	if (rc == AU_OK && mbedtls_x509_dn_gets(subject, AU_X509_SUBJECT_MAX,
	    &leaf->subject) < 0)
		(void)snprintf(subject, AU_X509_SUBJECT_MAX, "(subject too long)");
	return rc;
}

int
au_x509_chain_verify(const uint8_t *const der[], const size_t derlen[],
    size_t n, const uint8_t *ca_pem, size_t ca_len, int64_t now,
    struct au_eckey **leaf, char subject[AU_X509_SUBJECT_MAX],
    struct au_diag *diag)
{
	mbedtls_x509_crt chain, ca;
	char why[256], subj[AU_X509_SUBJECT_MAX];
	struct au_eckey *k = NULL;
	uint32_t flags = 0;
	int rc;

	mbedtls_x509_crt_init(&chain);
	mbedtls_x509_crt_init(&ca);
	rc = parse_chain(&chain, der, derlen, n, diag);
	if (rc == AU_OK)
		rc = parse_ca(&ca, ca_pem, ca_len, diag);
	if (rc == AU_OK && mbedtls_x509_crt_verify_with_profile(&chain, &ca,
	    NULL, &mbedtls_x509_crt_profile_default, NULL, &flags, judge_time,
	    &now) != 0) {
		if (mbedtls_x509_crt_verify_info(why, sizeof(why), "", flags) < 0)
			why[0] = '\0';
		why[strcspn(why, "\n")] = '\0';	/* the first reason */
		rc = au_diag_sys(diag, AU_EMETA_SIG, (int)flags, "certificate "
		    "chain does not verify: %s", why[0] ? why : "unknown reason");
	}
	if (rc == AU_OK)
		rc = take_leaf(&chain, &k, subj, diag);
	mbedtls_x509_crt_free(&chain);
	mbedtls_x509_crt_free(&ca);
	if (rc != AU_OK)
		return rc;
	memcpy(subject, subj, AU_X509_SUBJECT_MAX);
	*leaf = k;
	return AU_OK;
}
