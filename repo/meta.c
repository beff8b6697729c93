/* SPDX-License-Identifier: ISC */
/* repo/meta.c - keyids, signed envelopes and expiry times for aiupdate-repo. */
#include "repo/repo.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manifest/key_json.h"
#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/text.h"

#include "port/ban.h"

int
au_repo_key_json(const struct au_signkey *key, json_t **out,
    struct au_diag *diag)
{
	char hex[2 * AU_SIGN_PUBLIC_BYTES + 1];	/* public data */
	json_t *obj;

	au_hex_encode(au_signkey_public(key), AU_SIGN_PUBLIC_BYTES, hex);
	obj = json_pack("{s:s, s:s, s:{s:s}}", "keytype", "ed25519",
	    "scheme", "ed25519", "keyval", "public", hex);
	if (obj == NULL)
		return au_diag_set(diag, AU_ENOMEM, "building a public key object failed");
	*out = obj;
	return 0;
}

int
au_repo_keyid(const struct au_signkey *key, char out[65], struct au_diag *diag)
{
	json_t *pub = NULL;
	int rc;

	if ((rc = au_repo_key_json(key, &pub, diag)) != 0)
		return rc;
	rc = au_key_id(pub, out, diag);
	json_decref(pub);
	return rc;
}

void
au_repo_sha256_hex(const void *buf, size_t len, char out[65])
{
	uint8_t d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, buf, len);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

/* One {"keyid","sig"} entry over msg. */
static int
sig_entry(const struct au_signkey *key, const char *msg, size_t len,
    json_t *sigs, struct au_diag *diag)
{
	uint8_t sig[AU_SIGN_SIG_BYTES];
	char keyid[65], hex[2 * AU_SIGN_SIG_BYTES + 1];
	int rc;

	if ((rc = au_repo_keyid(key, keyid, diag)) != 0)
		return rc;
	if ((rc = au_signkey_sign(key, (const uint8_t *)msg, len, sig, diag)) != 0)
		return rc;
	sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
	if (json_array_append_new(sigs, json_pack("{s:s, s:s}", "keyid", keyid,
	    "sig", hex)) != 0)
		return au_diag_set(diag, AU_ENOMEM, "building a signature entry failed");
	return 0;
}

int
au_repo_envelope(json_t *signed_part, struct au_signkey *const *keys,
    size_t n, char **out, size_t *len, struct au_diag *diag)
{
	json_t *sigs = json_array(), *env = NULL;
	char *canon = NULL;
	size_t clen = 0, i;
	int rc;

	if (sigs == NULL)
		return au_diag_set(diag, AU_ENOMEM, "building signatures failed");
	rc = au_json_canonical(signed_part, &canon, &clen, diag);
	for (i = 0; rc == 0 && i < n; i++)
		rc = sig_entry(keys[i], canon, clen, sigs, diag);
	if (rc == 0) {
		env = json_pack("{s:O, s:O}", "signatures", sigs, "signed", signed_part);
		if (env == NULL)
			rc = au_diag_set(diag, AU_ENOMEM, "building the envelope failed");
	}
	if (rc == 0)
		rc = au_json_canonical(env, out, len, diag);
	free(canon);
	json_decref(env);
	json_decref(sigs);
	return rc;
}

json_t *
au_repo_expires(int64_t now, int64_t secs)
{
	char buf[32];

	if (au_time_format(now + secs, buf, sizeof(buf)) != 0)
		return NULL;
	return json_string(buf);
}
