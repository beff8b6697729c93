/* SPDX-License-Identifier: ISC */
/* manifest/oms.c - OMS v1.0 bundles: parsing and signature (manifest/oms.h). */
#include "manifest/oms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "manifest/json.h"
#include "manifest/oms_int.h"
#include "port/text.h"

#include "port/ban.h"

struct au_oms_bundle {
	enum au_oms_method method;
	int has_hint;
	uint8_t hint[AU_EC_HINT_BYTES];
	uint8_t *raw_pem;		/* publicKey.rawBytes, or NULL */
	size_t raw_len;
	uint8_t *cert[AU_X509_CHAIN_MAX];	/* DER, leaf first */
	size_t certlen[AU_X509_CHAIN_MAX];
	size_t ncert;
	char *payload_type;
	uint8_t *payload;
	size_t payload_len;
	uint8_t *sig;
	size_t siglen;
};

const char *
au_oms_fail_name(enum au_oms_fail f)
{
	static const char *const names[] = { "ok", "malformed", "unsupported",
		"unknown-signer", "bad-signature", "not-pinned", "wrong-type",
		"digest-mismatch", "missing-file", "unsigned-file" };

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] :
	    "unknown";
}

int
au_oms_fail(enum au_oms_fail *why, enum au_oms_fail f)
{
	if (why != NULL)
		*why = f;
	switch (f) {
	case AU_OMS_WRONG_TYPE:
		return AU_EMETA_TYPE;
	case AU_OMS_UNKNOWN_SIGNER:
	case AU_OMS_BAD_SIGNATURE:
	case AU_OMS_NOT_PINNED:
	case AU_OMS_UNSUPPORTED:
		return AU_EMETA_SIG;
	default:
		return AU_EMETA_MALFORMED;
	}
}

/* The object's keys must all be among the NULL-terminated allowed names. */
int
au_oms_only_keys(const json_t *o, const char *const *allowed,
    const char *where, struct au_diag *diag)
{
	const char *k;
	const json_t *v;
	size_t i;

	json_object_foreach((json_t *)o, k, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS %s: "
			    "unknown member \"%.64s\"", where, k);
	}
	return AU_OK;
}

/* Decode base64 (RFC 4648 section 4, padded) string v into a new buffer. */
int
au_oms_b64(const json_t *v, size_t max, uint8_t **out, size_t *outlen,
    const char *what, struct au_diag *diag)
{
	size_t n, got;
	uint8_t *b;

	if (!json_is_string(v))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS %s: missing or "
		    "not a string", what);
	n = json_string_length(v);
	if (n / 4 * 3 > max + 2)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS %s: over %zu "
		    "bytes", what, max);
	if ((b = malloc(n / 4 * 3 + 3)) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (sodium_base642bin(b, n / 4 * 3 + 3, json_string_value(v), n, NULL,
	    &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || got == 0 ||
	    got > max) {
		free(b);
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS %s: not "
		    "base64", what);
	}
	*out = b;
	*outlen = got;
	return AU_OK;
}

static int
parse_public_key(struct au_oms_bundle *b, const json_t *pk,
    struct au_diag *diag)
{
	static const char *const keys[] = { "hint", "rawBytes", "keyDetails",
		NULL };
	const json_t *hint = json_object_get(pk, "hint");
	int rc;

	if (!json_is_object(pk))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS publicKey: not "
		    "an object");
	if ((rc = au_oms_only_keys(pk, keys, "publicKey", diag)) != AU_OK)
		return rc;
	b->method = AU_OMS_METHOD_KEY;
	if (hint != NULL) {
		if (!json_is_string(hint) || au_oms_hex32(json_string_value(hint),
		    b->hint) != 0)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS "
			    "publicKey.hint: not 64 hex digits");
		b->has_hint = 1;
	}
	if (json_object_get(pk, "rawBytes") == NULL)
		return AU_OK;
	return au_oms_b64(json_object_get(pk, "rawBytes"), AU_EC_PEM_MAX,
	    &b->raw_pem, &b->raw_len, "publicKey.rawBytes", diag);
}

static int
parse_chain(struct au_oms_bundle *b, const json_t *ch, struct au_diag *diag)
{
	const json_t *certs = json_object_get(ch, "certificates"), *c;
	size_t i;
	int rc;

	if (!json_is_object(ch) || json_object_size(ch) != 1 ||
	    !json_is_array(certs) || json_array_size(certs) == 0 ||
	    json_array_size(certs) > AU_X509_CHAIN_MAX)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS "
		    "x509CertificateChain: not {\"certificates\":[1 to %d]}",
		    AU_X509_CHAIN_MAX);
	b->method = AU_OMS_METHOD_CERTIFICATE;
	json_array_foreach(certs, i, c) {
		if (!json_is_object(c) || json_object_size(c) != 1)
			return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS "
			    "certificate %zu: not {\"rawBytes\":...}", i);
		rc = au_oms_b64(json_object_get(c, "rawBytes"), AU_X509_DER_MAX,
		    &b->cert[i], &b->certlen[i], "certificate rawBytes", diag);
		if (rc != AU_OK)
			return rc;
		b->ncert = i + 1;
	}
	return AU_OK;
}

static int
parse_material(struct au_oms_bundle *b, const json_t *vm, struct au_diag *diag)
{
	static const char *const keys[] = { "publicKey", "x509CertificateChain",
		"certificate", "tlogEntries", "timestampVerificationData", NULL };
	const json_t *pk = json_object_get(vm, "publicKey"),
	    *ch = json_object_get(vm, "x509CertificateChain"),
	    *crt = json_object_get(vm, "certificate"),
	    *tl = json_object_get(vm, "tlogEntries");
	int rc;

	if (!json_is_object(vm))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS bundle: "
		    "verificationMaterial missing or not an object");
	if ((rc = au_oms_only_keys(vm, keys, "verificationMaterial", diag)))
		return rc;
	if ((pk != NULL) + (ch != NULL) + (crt != NULL) != 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS "
		    "verificationMaterial: not exactly one of publicKey, "
		    "x509CertificateChain, certificate");
	if (tl != NULL && !json_is_array(tl))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS tlogEntries: "
		    "not an array");
	if (crt != NULL) {	/* Fulcio certificate: the sigstore method */
		b->method = AU_OMS_METHOD_SIGSTORE;
		return AU_OK;
	}
	return pk != NULL ? parse_public_key(b, pk, diag) :
	    parse_chain(b, ch, diag);
}

static int
parse_envelope(struct au_oms_bundle *b, const json_t *env, struct au_diag *diag)
{
	static const char *const keys[] = { "payload", "payloadType",
		"signatures", NULL };
	static const char *const sigkeys[] = { "sig", "keyid", NULL };
	const json_t *pt = json_object_get(env, "payloadType"),
	    *sigs = json_object_get(env, "signatures"), *s;
	int rc;

	if (!json_is_object(env))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS bundle: "
		    "dsseEnvelope missing or not an object");
	if ((rc = au_oms_only_keys(env, keys, "dsseEnvelope", diag)) != AU_OK)
		return rc;
	if (!json_is_string(pt) || json_string_length(pt) > 128 ||
	    memchr(json_string_value(pt), 0, json_string_length(pt)) != NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS dsseEnvelope: "
		    "payloadType missing or not a short string");
	if ((b->payload_type = strdup(json_string_value(pt))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (!json_is_array(sigs) || json_array_size(sigs) != 1)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS dsseEnvelope: "
		    "not exactly one signature");
	s = json_array_get(sigs, 0);
	if (!json_is_object(s) || (rc = au_oms_only_keys(s, sigkeys,
	    "signature", diag)) != AU_OK)
		return rc != AU_OK ? rc : au_diag_set(diag, AU_EMETA_MALFORMED,
		    "OMS signature: not an object");
	if (json_object_get(s, "keyid") != NULL &&	/* v1.0.1 writes null */
	    !json_is_string(json_object_get(s, "keyid")) &&
	    !json_is_null(json_object_get(s, "keyid")))
		return au_diag_set(diag, AU_EMETA_MALFORMED, "OMS signature: "
		    "keyid not a string");
	rc = au_oms_b64(json_object_get(s, "sig"), AU_EC_SIG_MAX, &b->sig,
	    &b->siglen, "signature sig", diag);
	if (rc == AU_OK)
		rc = au_oms_b64(json_object_get(env, "payload"),
		    AU_OMS_PAYLOAD_MAX, &b->payload, &b->payload_len,
		    "dsseEnvelope payload", diag);
	return rc;
}

int
au_oms_parse(const uint8_t *buf, size_t len, struct au_oms_bundle **out,
    enum au_oms_fail *why, struct au_diag *diag)
{
	static const char *const keys[] = { "mediaType", "verificationMaterial",
		"dsseEnvelope", NULL };
	struct au_oms_bundle *b = NULL;
	const json_t *mt;
	json_t *doc = NULL;
	int rc;

	rc = au_json_parse(buf, len, AU_OMS_BUNDLE_MAX, &doc, diag);
	if (rc != AU_OK)
		goto out;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
		goto out;
	}
	mt = json_object_get(doc, "mediaType");
	if ((rc = au_oms_only_keys(doc, keys, "bundle", diag)) != AU_OK)
		goto out;
	if (!json_is_string(mt) || strcmp(json_string_value(mt),
	    AU_OMS_MEDIA_TYPE) != 0) {
		rc = au_diag_set(diag, AU_EMETA_MALFORMED, "OMS bundle: "
		    "mediaType is not %s", AU_OMS_MEDIA_TYPE);
		goto out;
	}
	rc = parse_material(b, json_object_get(doc, "verificationMaterial"),
	    diag);
	if (rc == AU_OK)
		rc = parse_envelope(b, json_object_get(doc, "dsseEnvelope"),
		    diag);
out:
	json_decref(doc);
	if (rc != AU_OK) {
		au_oms_bundle_free(b);
		if (why != NULL)
			*why = AU_OMS_MALFORMED;
		return rc;
	}
	*out = b;
	return AU_OK;
}

void
au_oms_bundle_free(struct au_oms_bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ncert; i++)
		free(b->cert[i]);
	free(b->raw_pem);
	free(b->payload_type);
	free(b->payload);
	free(b->sig);
	free(b);
}

enum au_oms_method
au_oms_bundle_method(const struct au_oms_bundle *b)
{
	return b->method;
}

int
au_oms_pae(const char *type, const uint8_t *body, size_t len, uint8_t **out,
    size_t *outlen)
{
	char head[256];
	size_t tl = strlen(type);
	int n;
	uint8_t *p;

	if (len > AU_OMS_BUNDLE_MAX || tl > 128)
		return AU_ETOOBIG;
	n = snprintf(head, sizeof(head), "DSSEv1 %zu %s %zu ", tl, type, len);
	if (n < 0 || (size_t)n >= sizeof(head))
		return AU_ETOOBIG;
	if ((p = malloc((size_t)n + len + 1)) == NULL)
		return AU_ENOMEM;
	memcpy(p, head, (size_t)n);
	if (len > 0)
		memcpy(p + n, body, len);
	*out = p;
	*outlen = (size_t)n + len;
	return AU_OK;
}

/* ---- verification ---- */

/* The trusted key a "key" bundle names, or NULL. */
static const struct au_oms_signer *
find_key(const struct au_oms_bundle *b, const struct au_oms_signer *s,
    size_t n, const struct au_eckey *raw)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i].key == NULL)
			continue;
		if (raw != NULL ? au_eckey_equal(raw, s[i].key) : b->has_hint ?
		    memcmp(au_eckey_hint(s[i].key), b->hint,
		    AU_EC_HINT_BYTES) == 0 : 1)
			return &s[i];
	}
	return NULL;
}

static int
verify_key(const struct au_oms_bundle *b, const struct au_oms_signer *s,
    size_t n, const uint8_t *pae, size_t plen, struct au_oms_who *who,
    enum au_oms_fail *why, struct au_diag *diag)
{
	struct au_eckey *raw = NULL;
	const struct au_oms_signer *hit = NULL;
	char hex[2 * AU_EC_HINT_BYTES + 1];
	size_t i;
	int rc;

	if (b->raw_pem != NULL && (rc = au_eckey_parse_pem(b->raw_pem,
	    b->raw_len, &raw, diag)) != AU_OK)
		return rc == AU_ENOMEM ? rc : au_oms_fail(why, AU_OMS_MALFORMED);
	if (raw != NULL || b->has_hint) {
		hit = find_key(b, s, n, raw);
	} else {	/* no identifier: any trusted key that verifies */
		for (i = 0; i < n && hit == NULL; i++)
			if (s[i].key != NULL && au_eckey_verify(s[i].key, pae,
			    plen, b->sig, b->siglen) == AU_OK)
				hit = &s[i];
	}
	au_eckey_free(raw);
	if (b->has_hint)
		au_hex_encode(b->hint, AU_EC_HINT_BYTES, hex);
	if (hit == NULL)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_UNKNOWN_SIGNER),
		    "OMS: signed by an unknown key%s%s%s", b->has_hint ?
		    " (hint " : "", b->has_hint ? hex : "", b->has_hint ? ")" : "");
	if (au_eckey_verify(hit->key, pae, plen, b->sig, b->siglen) != AU_OK)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_BAD_SIGNATURE),
		    "OMS: bad signature (key %s, ECDSA P-%d)", hit->name,
		    au_eckey_bits(hit->key));
	au_hex_encode(au_eckey_hint(hit->key), AU_EC_HINT_BYTES, hex);
	(void)snprintf(who->name, sizeof(who->name), "%s", hit->name);
	(void)snprintf(who->detail, sizeof(who->detail), "key sha256:%s", hex);
	return AU_OK;
}

static int
verify_cert(const struct au_oms_bundle *b, const struct au_oms_signer *s,
    size_t n, int64_t now, const uint8_t *pae, size_t plen,
    struct au_oms_who *who, enum au_oms_fail *why, struct au_diag *diag)
{
	const uint8_t *der[AU_X509_CHAIN_MAX];
	char subject[AU_X509_SUBJECT_MAX];
	struct au_diag d = { "no trusted CA configured", 0 };
	struct au_eckey *leaf = NULL;
	size_t i;
	int rc = AU_EMETA_SIG;

	for (i = 0; i < b->ncert; i++)
		der[i] = b->cert[i];
	for (i = 0; i < n; i++) {
		if (s[i].ca_pem == NULL)
			continue;
		rc = au_x509_chain_verify(der, b->certlen, b->ncert, s[i].ca_pem,
		    s[i].ca_len, now, &leaf, subject, &d);
		if (rc == AU_OK || rc == AU_ENOMEM)
			break;
	}
	if (rc == AU_ENOMEM)
		return au_diag_set(diag, rc, "out of memory");
	if (rc != AU_OK)
		return au_diag_set(diag, au_oms_fail(why, rc == AU_EMETA_SIG ?
		    AU_OMS_UNKNOWN_SIGNER : AU_OMS_MALFORMED), "OMS: the "
		    "certificate chain leads to no trusted CA (%s)", d.msg);
	rc = au_eckey_verify(leaf, pae, plen, b->sig, b->siglen);
	au_eckey_free(leaf);
	if (rc != AU_OK)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_BAD_SIGNATURE),
		    "OMS: bad signature (certificate %s, CA %s)", subject,
		    s[i].name);
	(void)snprintf(who->name, sizeof(who->name), "%s", s[i].name);
	(void)snprintf(who->detail, sizeof(who->detail), "cert %s", subject);
	return AU_OK;
}

int
au_oms_verify(const struct au_oms_bundle *b, const struct au_oms_signer *signers,
    size_t n, const char *pin, int64_t now, struct au_oms_statement **out,
    struct au_oms_who *who, enum au_oms_fail *why, struct au_diag *diag)
{
	struct au_oms_who w;
	uint8_t *pae = NULL;
	size_t plen;
	int rc;

	memset(&w, 0, sizeof(w));
	if (b->method == AU_OMS_METHOD_SIGSTORE)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_UNSUPPORTED),
		    "OMS: the sigstore method (Fulcio certificate, Rekor entry) "
		    "is not supported on the device; sign with a key or a "
		    "certificate");
	rc = au_oms_pae(b->payload_type, b->payload, b->payload_len, &pae, &plen);
	if (rc != AU_OK)
		return au_diag_set(diag, rc, "OMS: cannot build the PAE");
	if (b->method == AU_OMS_METHOD_KEY)
		rc = verify_key(b, signers, n, pae, plen, &w, why, diag);
	else
		rc = verify_cert(b, signers, n, now, pae, plen, &w, why, diag);
	free(pae);
	if (rc != AU_OK)
		return rc;
	if (pin != NULL && strcmp(pin, w.name) != 0)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_NOT_PINNED),
		    "OMS: signed by %s (%s), but the signed metadata requires "
		    "publisher %s", w.name, w.detail, pin);
	if (strcmp(b->payload_type, AU_OMS_PAYLOAD_TYPE) != 0)
		return au_diag_set(diag, au_oms_fail(why, AU_OMS_WRONG_TYPE),
		    "OMS: payloadType is not %s", AU_OMS_PAYLOAD_TYPE);
	rc = au_oms_statement_parse(b->payload, b->payload_len, out, why, diag);
	if (rc == AU_OK)
		*who = w;
	return rc;
}
