/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf_meta.c - TUF 1.0 document parsing and signature thresholds:
 * the envelope and common fields (section 4.2-4.3), root keys and roles
 * (4.3), METAFILES entries (4.4, 4.5), threshold counting (5.3.4-5.3.5).
 */
#include "manifest/tuf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manifest/json.h"
#include "port/ban.h"

const char *const tuf_role_names[R_COUNT] =
    { "root", "timestamp", "snapshot", "targets" };

/* Put "what: " in front of the message already in diag. */
static int
prefix(struct au_diag *diag, int rc, const char *what)
{
	char tmp[AU_DIAG_MAX];

	if (diag == NULL)
		return rc;
	memcpy(tmp, diag->msg, sizeof(tmp));
	tmp[sizeof(tmp) - 1] = '\0';
	return au_diag_sys(diag, rc, diag->sys, "%s: %s", what, tmp);
}

/* ---- envelope ---- */

/*
 * 4.2: every entry has a string keyid and sig, and a keyid MUST be unique
 * in the array (python-tuf refuses the document too), however many
 * signatures it also carries: quadratic in at most AU_TUF_MAX_SIGNATURES.
 */
static int
check_signatures(const json_t *sigs, const char *what, struct au_diag *diag)
{
	size_t i, j;
	const json_t *s, *kid;

	if (!json_is_array(sigs) || json_array_size(sigs) > AU_TUF_MAX_SIGNATURES)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: \"signatures\" is not an array of at most %d entries",
		    what, AU_TUF_MAX_SIGNATURES);
	json_array_foreach(sigs, i, s) {
		kid = json_object_get(s, "keyid");
		if (!json_is_string(kid) || !json_is_string(json_object_get(s, "sig")) ||
		    json_string_length(kid) > AU_TUF_KEYID_MAX)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "%s: signature %zu lacks a string keyid (<= %d bytes) or sig",
			    what, i, AU_TUF_KEYID_MAX);
		for (j = 0; j < i; j++)
			if (json_equal(kid, json_object_get(
			    json_array_get(sigs, j), "keyid")))
				return au_diag_set(diag, AU_EMETA_MALFORMED,
				    "%s: keyid %.16s... is listed twice in "
				    "\"signatures\"", what, json_string_value(kid));
	}
	return AU_OK;
}

/* "1.N" or "1.N.M", digits only: TUF clients accept any 1.x document. */
static int
spec_version_ok(const json_t *v)
{
	const char *s = json_string_value(v);
	int parts = 1, ndig = 0;

	if (s == NULL || s[0] != '1' || s[1] != '.')
		return 0;
	for (s += 2; *s != '\0'; s++) {
		if (*s == '.') {
			if (ndig == 0)
				return 0;
			parts++;
			ndig = 0;
		} else if (*s >= '0' && *s <= '9') {
			ndig++;
		} else {
			return 0;
		}
	}
	return ndig > 0 && parts <= 2;
}

static int
check_common(struct tuf_doc *n, const char *what, struct au_diag *diag)
{
	const json_t *type = json_object_get(n->signed_, "_type");
	const json_t *ver = json_object_get(n->signed_, "version");
	const json_t *exp = json_object_get(n->signed_, "expires");

	if (!json_is_string(type))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: \"_type\" missing or not a string", what);
	if (strcmp(json_string_value(type), what) != 0)
		return au_diag_set(diag, AU_EMETA_TYPE,
		    "expected _type \"%s\", got \"%.64s\"", what,
		    json_string_value(type));
	if (!spec_version_ok(json_object_get(n->signed_, "spec_version")))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: spec_version missing or not 1.x", what);
	if (!json_is_integer(ver) || json_integer_value(ver) < 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: version missing or not an integer >= 1", what);
	n->version = json_integer_value(ver);
	if (!json_is_string(exp) ||
	    au_time_parse(json_string_value(exp), &n->expires) != AU_OK)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: expires missing or not \"YYYY-MM-DDTHH:MM:SSZ\"", what);
	return AU_OK;
}

int
tuf_doc_load(const uint8_t *buf, size_t len, size_t max, enum tuf_role role,
    struct tuf_doc *d, struct au_diag *diag)
{
	struct tuf_doc n = { 0 };
	const char *what = tuf_role_names[role];
	int rc;

	rc = au_json_parse(buf, len, max, &n.doc, diag);
	if (rc != AU_OK)
		return prefix(diag, rc, what);
	n.signed_ = json_object_get(n.doc, "signed");
	if (!json_is_object(n.signed_)) {
		rc = au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: \"signed\" missing or not an object", what);
		goto out;
	}
	rc = check_signatures(json_object_get(n.doc, "signatures"), what, diag);
	if (rc == AU_OK)
		rc = check_common(&n, what, diag);
	if (rc == AU_OK) {
		rc = au_json_canonical(n.signed_, &n.canon, &n.canon_len, diag);
		if (rc != AU_OK)
			rc = prefix(diag, rc, what);
	}
out:
	if (rc != AU_OK) {
		tuf_doc_clear(&n);
		return rc;
	}
	*d = n;
	return AU_OK;
}

void
tuf_doc_clear(struct tuf_doc *d)
{
	if (d == NULL)
		return;
	json_decref(d->doc);
	free(d->canon);
	memset(d, 0, sizeof(*d));
}

/* ---- root ---- */

int
tuf_keyring_parse(const json_t *keys, struct tuf_keyring *kr,
    const char *what, struct au_diag *diag)
{
	json_t *kobj;
	const char *kid;
	size_t n;
	int rc;

	if (!json_is_object(keys) || json_object_size(keys) > AU_TUF_MAX_KEYS)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: \"keys\" is not an object of at most %d keys", what,
		    AU_TUF_MAX_KEYS);
	n = json_object_size(keys);
	kr->keyids = calloc(n ? n : 1, sizeof(*kr->keyids));
	kr->keys = calloc(n ? n : 1, sizeof(*kr->keys));
	if (kr->keyids == NULL || kr->keys == NULL)
		return au_diag_set(diag, AU_ENOMEM, "%s: out of memory", what);
	json_object_foreach((json_t *)keys, kid, kobj) {
		if (strlen(kid) > AU_TUF_KEYID_MAX)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "%s: keyid longer than %d bytes", what, AU_TUF_KEYID_MAX);
		rc = au_key_parse(kobj, &kr->keys[kr->nkeys], diag);
		if (rc != AU_OK)
			return prefix(diag, rc, what);
		kr->keyids[kr->nkeys++] = kid;
	}
	return AU_OK;
}

void
tuf_keyring_free(struct tuf_keyring *kr)
{
	size_t i;

	for (i = 0; i < kr->nkeys; i++)
		au_key_free(kr->keys[i]);
	free(kr->keys);
	free(kr->keyids);
	memset(kr, 0, sizeof(*kr));
}

int
tuf_role_keys_parse(const json_t *def, struct tuf_role_keys *rk,
    const char *what, const char *name, struct au_diag *diag)
{
	json_t *ids = json_object_get(def, "keyids");
	json_t *thr = json_object_get(def, "threshold");
	size_t i, j, n = json_array_size(ids);

	if (!json_is_array(ids) || n > AU_TUF_MAX_ROLE_KEYS)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: role \"%.128s\" missing or its keyids not an array of at most %d",
		    what, name, AU_TUF_MAX_ROLE_KEYS);
	/*
	 * A threshold above the number of keyids is valid (python-tuf): the
	 * role can never be verified (tuf_verify_keys: AU_EMETA_SIG), but the
	 * document that defines it stays usable, so a root N+1 with this
	 * mistake still leads to a fixed N+2.
	 */
	if (!json_is_integer(thr) || json_integer_value(thr) < 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "%s: role \"%.128s\": threshold must be an integer >= 1",
		    what, name);
	rk->threshold = json_integer_value(thr);
	if ((rk->keyids = calloc(n ? n : 1, sizeof(*rk->keyids))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "%s: out of memory", what);
	for (i = 0; i < n; i++) {
		rk->keyids[i] = json_string_value(json_array_get(ids, i));
		if (rk->keyids[i] == NULL)
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "%s: role \"%.128s\": keyid %zu is not a string", what,
			    name, i);
		for (j = 0; j < i; j++)
			if (strcmp(rk->keyids[i], rk->keyids[j]) == 0)
				return au_diag_set(diag, AU_EMETA_MALFORMED,
				    "%s: role \"%.128s\" lists keyid %.16s... twice",
				    what, name, rk->keyids[i]);
		rk->nkeyids++;
	}
	return AU_OK;
}

static int
parse_role(struct tuf_root *r, enum tuf_role role, struct au_diag *diag)
{
	const char *name = tuf_role_names[role];
	json_t *def = json_object_get(json_object_get(r->d.signed_, "roles"), name);

	return tuf_role_keys_parse(def, &r->roles[role], "root", name, diag);
}

int
tuf_root_load(const uint8_t *buf, size_t len, struct tuf_root **out,
    struct au_diag *diag)
{
	struct tuf_root *r;
	const json_t *cs;
	int rc, i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "root: out of memory");
	rc = tuf_doc_load(buf, len, AU_ROOT_MAX_BYTES, R_ROOT, &r->d, diag);
	if (rc != AU_OK)
		goto out;
	cs = json_object_get(r->d.signed_, "consistent_snapshot");
	if (cs != NULL && !json_is_boolean(cs)) {
		rc = au_diag_set(diag, AU_EMETA_MALFORMED,
		    "root: consistent_snapshot is not true or false");
		goto out;
	}
	r->consistent_snapshot = json_is_true(cs);
	rc = tuf_keyring_parse(json_object_get(r->d.signed_, "keys"), &r->kr,
	    "root", diag);
	for (i = 0; i < R_COUNT && rc == AU_OK; i++)
		rc = parse_role(r, (enum tuf_role)i, diag);
out:
	if (rc != AU_OK) {
		tuf_root_free(r);
		return rc;
	}
	*out = r;
	return AU_OK;
}

void
tuf_root_free(struct tuf_root *r)
{
	size_t i;

	if (r == NULL)
		return;
	tuf_keyring_free(&r->kr);
	for (i = 0; i < R_COUNT; i++)
		free(r->roles[i].keyids);
	tuf_doc_clear(&r->d);
	free(r);
}

static const struct au_key *
find_key(const struct tuf_keyring *kr, const char *keyid)
{
	size_t i;

	for (i = 0; i < kr->nkeys; i++)
		if (strcmp(kr->keyids[i], keyid) == 0)
			return kr->keys[i];
	return NULL;
}

/* ---- signature threshold ---- */

/* 1 if some signature entry under keyid verifies with k over d's canonical "signed". */
static int
signed_by(const struct tuf_doc *d, const char *keyid, const struct au_key *k)
{
	const json_t *sigs = json_object_get(d->doc, "signatures"), *s;
	uint8_t sig[AU_TUF_SIG_MAX_BYTES];
	const char *hex;
	size_t i, hl;

	json_array_foreach(sigs, i, s) {
		if (strcmp(json_string_value(json_object_get(s, "keyid")), keyid) != 0)
			continue;
		hex = json_string_value(json_object_get(s, "sig"));
		hl = strlen(hex);
		if (hl % 2 != 0 || hl / 2 > sizeof(sig) ||
		    au_hex_decode(hex, sig, hl / 2) != AU_OK)
			continue;
		if (au_key_verify(k, (const uint8_t *)d->canon, d->canon_len,
		    sig, hl / 2) == AU_OK)
			return 1;
	}
	return 0;
}

int
tuf_verify_role(const struct tuf_root *r, enum tuf_role role,
    const struct tuf_doc *d, const char *what, struct au_diag *diag)
{
	char by[64];

	(void)snprintf(by, sizeof(by), "%s keys of root v%lld",
	    tuf_role_names[role], (long long)r->d.version);
	return tuf_verify_keys(&r->kr, &r->roles[role], d, what, by, diag);
}

int
tuf_verify_keys(const struct tuf_keyring *kr, const struct tuf_role_keys *rk,
    const struct tuf_doc *d, const char *what, const char *by,
    struct au_diag *diag)
{
	const struct au_key *counted[AU_TUF_MAX_ROLE_KEYS], *k;
	size_t i, j, n = 0;

	for (i = 0; i < rk->nkeyids; i++) {
		k = find_key(kr, rk->keyids[i]);
		if (k == NULL || au_key_type(k) == AU_KEY_UNSUPPORTED)
			continue;
		for (j = 0; j < n && !au_key_equal(counted[j], k); j++)
			;
		if (j < n)	/* same public key under another keyid */
			continue;
		if (signed_by(d, rk->keyids[i], k))
			counted[n++] = k;
	}
	if ((int64_t)n >= rk->threshold)
		return AU_OK;
	return au_diag_set(diag, AU_EMETA_SIG,
	    "%s: %zu valid signature(s) from distinct %s, threshold %lld",
	    what, n, by, (long long)rk->threshold);
}

int
tuf_role_same(const struct tuf_root *a, const struct tuf_root *b,
    enum tuf_role role)
{
	const struct tuf_role_keys *ra = &a->roles[role], *rb = &b->roles[role];
	size_t i, j;

	if (ra->threshold != rb->threshold || ra->nkeyids != rb->nkeyids)
		return 0;
	for (i = 0; i < ra->nkeyids; i++) {
		for (j = 0; j < rb->nkeyids; j++)
			if (strcmp(ra->keyids[i], rb->keyids[j]) == 0)
				break;
		if (j == rb->nkeyids || !au_key_equal(find_key(&a->kr,
		    ra->keyids[i]), find_key(&b->kr, ra->keyids[i])))
			return 0;
	}
	return 1;
}

/* ---- METAFILES ---- */

int
tuf_metafile_parse(const json_t *v, const char *name, struct tuf_metafile *mf,
    struct au_diag *diag)
{
	json_t *ver = json_object_get(v, "version");
	json_t *len = json_object_get(v, "length");
	json_t *hashes = json_object_get(v, "hashes"), *h;
	const char *alg;

	if (!json_is_integer(ver) || json_integer_value(ver) < 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "meta \"%.128s\": version missing or not an integer >= 1", name);
	if (len != NULL && (!json_is_integer(len) || json_integer_value(len) < 0))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "meta \"%.128s\": length is not an integer >= 0", name);
	if (hashes != NULL && (!json_is_object(hashes) || json_object_size(hashes) == 0))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "meta \"%.128s\": hashes is not a non-empty object", name);
	json_object_foreach(hashes, alg, h)
		if (!json_is_string(h))
			return au_diag_set(diag, AU_EMETA_MALFORMED,
			    "meta \"%.128s\": hash %.32s is not a string", name, alg);
	mf->version = json_integer_value(ver);
	mf->length = len != NULL ? json_integer_value(len) : -1;
	mf->hashes = hashes;
	return AU_OK;
}

/* Compare one listed digest; public data, so memcmp (no constant time needed). */
static int
check_digest(const json_t *hexv, const uint8_t *digest, size_t dlen,
    const char *name, const char *alg, struct au_diag *diag)
{
	uint8_t want[crypto_hash_sha512_BYTES];

	if (au_hex_decode(json_string_value(hexv), want, dlen) != AU_OK)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "meta \"%.128s\": %s is not %zu hex digits", name, alg, 2 * dlen);
	if (memcmp(want, digest, dlen) != 0)
		return au_diag_set(diag, AU_EMETA_HASH,
		    "%.128s: %s differs from the one signed in its referrer", name, alg);
	return AU_OK;
}

int
tuf_metafile_check(const struct tuf_metafile *mf, const char *name,
    const uint8_t *buf, size_t len, struct au_diag *diag)
{
	uint8_t dg[crypto_hash_sha512_BYTES];
	const json_t *h;
	int rc = AU_OK, known = 0;

	if (mf->length >= 0 && (uint64_t)mf->length != (uint64_t)len)
		return au_diag_set(diag, AU_EMETA_HASH,
		    "%.128s: %zu bytes received, %lld signed in its referrer",
		    name, len, (long long)mf->length);
	if (mf->hashes == NULL)
		return AU_OK;
	if ((h = json_object_get(mf->hashes, "sha256")) != NULL) {
		known = 1;
		crypto_hash_sha256(dg, buf, len);
		rc = check_digest(h, dg, crypto_hash_sha256_BYTES, name, "sha256", diag);
	}
	if (rc == AU_OK && (h = json_object_get(mf->hashes, "sha512")) != NULL) {
		known = 1;
		crypto_hash_sha512(dg, buf, len);
		rc = check_digest(h, dg, crypto_hash_sha512_BYTES, name, "sha512", diag);
	}
	if (rc == AU_OK && !known)
		rc = au_diag_set(diag, AU_EMETA_HASH,
		    "%.128s: no supported hash (sha256, sha512) listed", name);
	return rc;
}
