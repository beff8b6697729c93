/* SPDX-License-Identifier: ISC */
/* manifest/key_json.c - TUF key objects and keyids (manifest/key_json.h). */
#include "manifest/key_json.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manifest/json.h"
#include "port/text.h"
#include "port/ban.h"

/* The string member field of obj, or NULL when absent or not a string. */
static const char *
string_member(const json_t *obj, const char *field, size_t *len)
{
	const json_t *v = json_object_get(obj, field);

	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

int
au_key_parse(const json_t *keyobj, struct au_key **out, struct au_diag *diag)
{
	const char *keytype, *scheme, *pub;
	size_t tlen = 0, slen = 0, plen = 0;

	if (!json_is_object(keyobj))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "key: not an object");
	keytype = string_member(keyobj, "keytype", &tlen);
	scheme = string_member(keyobj, "scheme", &slen);
	/* A name with a NUL inside is longer than its C string: refuse it. */
	if (keytype != NULL && strlen(keytype) != tlen)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "key: \"keytype\" longer than %d bytes", AU_KEY_NAME_MAX);
	if (scheme != NULL && strlen(scheme) != slen)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "key: \"scheme\" longer than %d bytes", AU_KEY_NAME_MAX);
	pub = string_member(json_object_get(keyobj, "keyval"), "public", &plen);
	return au_key_new(keytype, scheme, pub, plen, out, diag);
}

int
au_key_id(const json_t *keyobj, char out[65], struct au_diag *diag)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char *canon = NULL;
	size_t clen;
	int rc;

	if (!json_is_object(keyobj))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "key: not an object");
	rc = au_json_canonical(keyobj, &canon, &clen, diag);
	if (rc != AU_OK)
		return rc;
	crypto_hash_sha256(digest, (const unsigned char *)canon, clen);
	au_hex_encode(digest, sizeof(digest), out);
	free(canon);
	return AU_OK;
}
