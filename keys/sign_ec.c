/* SPDX-License-Identifier: ISC */
/* keys/sign_ec.c - ECDSA signing keys for model signatures (keys/sign_ec.h). */
#include "keys/sign_ec.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <sodium.h>

#include "port/port.h"
#include "port/ban.h"

struct au_ecsign {
	mbedtls_pk_context pk;
	int bits;
};

int
au_ecsign_parse(const uint8_t *pem, size_t len, struct au_ecsign **out,
    struct au_diag *diag)
{
	struct au_ecsign *k;
	uint8_t *text;
	int rc, bits = 0;

	if (len > AU_ECSIGN_PEM_MAX)
		return au_diag_set(diag, AU_ECONFIG, "private key over %d bytes",
		    AU_ECSIGN_PEM_MAX);
	if (sodium_init() < 0)	/* idempotent; sodium_malloc needs it */
		return au_diag_set(diag, AU_EINTERNAL, "libsodium failed to "
		    "initialise");
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (text = sodium_malloc(len + 1)) == NULL) {
		free(k);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	memcpy(text, pem, len);
	text[len] = '\0';	/* mbedTLS: PEM length includes the NUL */
	mbedtls_pk_init(&k->pk);
	rc = mbedtls_pk_parse_key(&k->pk, text, len + 1, NULL, 0);
	sodium_free(text);
	if (rc == 0 && mbedtls_pk_get_type(&k->pk) == MBEDTLS_PK_ECKEY) {
		switch (mbedtls_pk_ec(k->pk)->grp.id) {
		case MBEDTLS_ECP_DP_SECP256R1: bits = 256; break;
		case MBEDTLS_ECP_DP_SECP384R1: bits = 384; break;
		case MBEDTLS_ECP_DP_SECP521R1: bits = 521; break;
		default: break;
		}
	}
	if (bits == 0) {
		au_ecsign_free(k);
		return au_diag_sys(diag, AU_ECONFIG, rc, "not a PEM EC private "
		    "key on P-256, P-384 or P-521");
	}
	k->bits = bits;
	*out = k;
	return AU_OK;
}

int
au_ecsign_load(const char *path, struct au_ecsign **out, struct au_diag *diag)
{
	struct au_stat st;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	if ((rc = au_stat(path, &st, diag)) != 0)
		return rc;
	if (st.type != AU_FT_FILE || (st.mode & 077) != 0)
		return au_diag_set(diag, AU_ECONFIG, "%s: not a regular file "
		    "readable by its owner only (chmod 600)", path);
	rc = au_file_read_all(path, AU_ECSIGN_PEM_MAX, &buf, &len, diag);
	if (rc == AU_ETOOBIG)
		rc = au_diag_set(diag, AU_ECONFIG, "%s: over %d bytes", path,
		    AU_ECSIGN_PEM_MAX);
	if (rc != 0)
		return rc;
	rc = au_ecsign_parse(buf, len, out, diag);
	sodium_memzero(buf, len);
	free(buf);
	return rc;
}

void
au_ecsign_free(struct au_ecsign *k)
{
	if (k == NULL)
		return;
	mbedtls_pk_free(&k->pk);	/* zeroizes the private scalar */
	free(k);
}

int
au_ecsign_bits(const struct au_ecsign *k)
{
	return k->bits;
}

int
au_ecsign_sign(const struct au_ecsign *k, const uint8_t *msg, size_t len,
    uint8_t sig[AU_EC_SIG_MAX], size_t *siglen, struct au_diag *diag)
{
	mbedtls_md_type_t md = k->bits == 256 ? MBEDTLS_MD_SHA256 :
	    k->bits == 384 ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA512;
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	uint8_t h[64];
	size_t n = 0;
	int rc;

	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
	    (const unsigned char *)"aiupdate oms", 12);
	if (rc == 0)
		rc = mbedtls_md(info, msg, len, h);
	if (rc == 0)
		rc = mbedtls_pk_sign((mbedtls_pk_context *)&k->pk, md, h,
		    mbedtls_md_get_size(info), sig, &n, mbedtls_ctr_drbg_random,
		    &drbg);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	if (rc != 0 || n > AU_EC_SIG_MAX)
		return au_diag_sys(diag, AU_EINTERNAL, rc, "ECDSA signing failed");
	*siglen = n;
	return AU_OK;
}

int
au_ecsign_public_pem(const struct au_ecsign *k, char *out, size_t size,
    struct au_diag *diag)
{
	int rc = mbedtls_pk_write_pubkey_pem((mbedtls_pk_context *)&k->pk,
	    (unsigned char *)out, size);

	if (rc != 0)
		return au_diag_sys(diag, AU_EINTERNAL, rc, "cannot write the "
		    "public key");
	return AU_OK;
}
