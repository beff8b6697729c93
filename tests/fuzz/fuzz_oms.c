/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_oms.c - libFuzzer target for the OMS v1.0 bundle parser
 * (manifest/oms.h): au_oms_parse on the input, then au_oms_verify against a
 * fixed P-384 key (the upstream vectors' key) and a fixed CA, then the
 * statement parser on the input itself (the payload, which a valid
 * signature would have let through).  Checks beyond "no crash": every
 * refusal names a verdict other than AU_OMS_OK, and the error codes stay in
 * the documented set.  Seeds: tests/fuzz/corpus/oms/ (upstream bundles and
 * their decoded statements).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/oms.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char KEY[] = "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEsu6rZGBTjxtvRWPMixT+3HyndV0J0Ybt\n"
    "aHZUcO4DEK+OJHO/4e32bb/fbJKSpRgcBsIpKLcVijUomyFOERbd7u+BTPSUjGZD\n"
    "Qq6J7lTvp/EAXQGOKxW9RP0MGX3qAkvi\n"
    "-----END PUBLIC KEY-----\n";

static int
allowed(int rc)
{
	return rc == 0 || rc == AU_EMETA_MALFORMED || rc == AU_EMETA_TOOBIG ||
	    rc == AU_EMETA_SIG || rc == AU_EMETA_TYPE || rc == AU_ENOMEM;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct au_eckey *key;
	struct au_oms_signer s[1];
	struct au_oms_bundle *b = NULL;
	struct au_oms_statement *st = NULL;
	struct au_oms_who who;
	enum au_oms_fail why = AU_OMS_OK;
	int rc;

	if (key == NULL && au_eckey_parse_pem((const uint8_t *)KEY, strlen(KEY),
	    &key, NULL) != 0)
		abort();
	s[0].name = "k";
	s[0].key = key;
	s[0].ca_pem = NULL;
	s[0].ca_len = 0;
	rc = au_oms_parse(data, size, &b, &why, NULL);
	if (!allowed(rc) || (rc != 0 && why == AU_OMS_OK))
		abort();
	if (rc == 0) {
		why = AU_OMS_OK;
		rc = au_oms_verify(b, s, 1, NULL, 0, &st, &who, &why, NULL);
		if (!allowed(rc) || (rc != 0 && why == AU_OMS_OK))
			abort();
		au_oms_statement_free(st);
		st = NULL;
	}
	au_oms_bundle_free(b);
	why = AU_OMS_OK;
	rc = au_oms_statement_parse(data, size, &st, &why, NULL);
	if (!allowed(rc) || (rc != 0 && why == AU_OMS_OK))
		abort();
	au_oms_statement_free(st);
	return 0;
}
