/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_oms.c - OpenSSF Model Signing v1.0 (manifest/oms.h,
 * keys/ec.h, client/install/oms_files.h, repo/oms_sign.h): every upstream
 * "key" and "certificate" vector (tests/vectors/oms, Apache-2.0) verifies
 * with the right key or CA and fails with another key, a flipped byte in a
 * model file or in the signature, the wrong predicate and each of the
 * spec's invalid bundles; bundles written by our signer on P-256, P-384 and
 * P-521 round-trip.  Vectors are read from $AU_SRCDIR/tests/vectors.
 */
#include "manifest/oms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <sodium.h>

#include "client/config.h"
#include "client/install/oms_files.h"
#include "client/install/provenance.h"
#include "keys/digest.h"
#include "keys/ec.h"
#include "keys/sign_ec.h"
#include "port/port.h"
#include "repo/oms_sign.h"
#include "tests/unit/harness.h"

#include "port/ban.h"

#define MT "oms/model-transparency/"
#define SPEC "oms/model-signing-spec/test-vectors/v1.0/"

/* Another P-384 key (openssl ecparam -name secp384r1 -genkey; public part). */
static const char OTHER_P384[] = "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE9QWPo/XRS/9jD3hsKu4tlLAXvyT8tdxO\n"
    "ncziSrNK7eft0A2Q9CgDKO80BjLp1oKfoPySNB55nutoWCo9AWEQH35PkTHMbznG\n"
    "w8kAuEfN+16/Hl7gDtqukMqZs+4uYCs6\n"
    "-----END PUBLIC KEY-----\n";

static char vecdir[1024];

static uint8_t *
slurp(const char *rel, size_t *len)
{
	char path[2048];
	uint8_t *buf = NULL;

	(void)snprintf(path, sizeof(path), "%s/%s", vecdir, rel);
	if (au_file_read_all(path, 1u << 24, &buf, len, NULL) != 0) {
		fprintf(stderr, "  cannot read %s\n", path);
		return NULL;
	}
	return buf;
}

static struct au_eckey *
key_file(const char *rel)
{
	struct au_eckey *k = NULL;
	size_t len;
	uint8_t *b = slurp(rel, &len);

	if (b != NULL && au_eckey_parse_pem(b, len, &k, NULL) != 0)
		k = NULL;
	free(b);
	return k;
}

/* Parse and verify buf; *why the verdict; the statement when st != NULL. */
static int
verify_buf(const uint8_t *buf, size_t len, const struct au_oms_signer *s,
    size_t n, const char *pin, struct au_oms_statement **st,
    struct au_oms_who *who, enum au_oms_fail *why)
{
	struct au_oms_bundle *b = NULL;
	struct au_oms_statement *tmp = NULL;
	struct au_oms_who w;
	struct au_diag d = { "", 0 };
	int rc;

	*why = AU_OMS_OK;
	rc = au_oms_parse(buf, len, &b, why, &d);
	if (rc == 0)
		rc = au_oms_verify(b, s, n, pin, au_now(), &tmp, &w, why, &d);
	au_oms_bundle_free(b);
	if (getenv("AU_TEST_VERBOSE"))
		fprintf(stderr, "  verdict %s: %s\n", au_oms_fail_name(*why), d.msg);
	if (rc == 0 && who != NULL)
		*who = w;
	if (rc == 0 && st != NULL)
		*st = tmp;
	else
		au_oms_statement_free(tmp);
	return rc;
}

static int
verify_file(const char *rel, const struct au_oms_signer *s, size_t n,
    struct au_oms_statement **st, struct au_oms_who *who,
    enum au_oms_fail *why)
{
	size_t len = 0;
	uint8_t *buf = slurp(rel, &len);
	int rc;

	rc = verify_buf(buf != NULL ? buf : (const uint8_t *)"", len, s, n, NULL,
	    st, who, why);
	free(buf);
	return rc;
}

static const char *const KEY_VECTORS[] = { MT "v1.0.1-elliptic-key/model.sig",
	MT "v1.1.0-elliptic-key/model.sig", SPEC "valid/key.bundle.json" };
static const char *const KEY_DIRS[] = { MT "v1.0.1-elliptic-key",
	MT "v1.1.0-elliptic-key", MT "v1.1.0-elliptic-key" };
static const char *const CERT_VECTORS[] = { MT "v1.0.1-certificate/model.sig",
	MT "v1.1.0-certificate/model.sig", SPEC "valid/certificate.bundle.json" };
static const char *const CERT_DIRS[] = { MT "v1.0.1-certificate",
	MT "v1.1.0-certificate", MT "v1.1.0-elliptic-key" };	/* see README */

/* Copy a vector folder to a temporary directory; flip byte `at` of file. */
static int
copy_flip(const char *rel, const char *file, long at, char *tmp, size_t size)
{
	char cmd[4096];
	FILE *f;
	int c;

	if (harness_tmpdir(tmp, size, "test_oms") == NULL)
		return -1;
	(void)snprintf(cmd, sizeof(cmd), "cp -R '%s/%s/.' '%s/'", vecdir, rel, tmp);
	if (system(cmd) != 0)
		return -1;
	/* The bundle is not part of the model on a device (it is a target of
	 * its own); v1.0.1 signers left ignore-me out without saying so. */
	(void)snprintf(cmd, sizeof(cmd), "rm -f '%s/model.sig'%s%s%s", tmp,
	    strstr(rel, "v1.0.1") != NULL ? " '" : "",
	    strstr(rel, "v1.0.1") != NULL ? tmp : "",
	    strstr(rel, "v1.0.1") != NULL ? "/ignore-me'" : "");
	if (system(cmd) != 0)
		return -1;
	if (file == NULL)
		return 0;
	(void)snprintf(cmd, sizeof(cmd), "%s/%s", tmp, file);
	if ((f = fopen(cmd, "r+b")) == NULL || fseek(f, at, SEEK_SET) != 0 ||
	    (c = fgetc(f)) == EOF || fseek(f, at, SEEK_SET) != 0 ||
	    fputc(c ^ 1, f) == EOF || fclose(f) != 0)
		return -1;
	return 0;
}

static void
rm_rf(const char *dir)
{
	if (au_remove_tree(dir, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", dir);
}

static int
tree_ok(const struct au_oms_statement *st, const char *rel, enum au_oms_fail *why)
{
	char tmp[256];
	int rc;

	if (copy_flip(rel, NULL, 0, tmp, sizeof(tmp)) != 0)
		return -1;
	rc = au_oms_check_tree(st, tmp, 0, NULL, why, NULL);
	rm_rf(tmp);
	return rc;
}

TEST(key_vectors_verify)
{
	struct au_eckey *k = key_file(MT "keys/signing-key-pub.pem");
	struct au_oms_signer s = { "upstream", k, NULL, 0 };
	struct au_oms_statement *st = NULL;
	struct au_oms_who who;
	enum au_oms_fail why;
	size_t i;

	REQUIRE(k != NULL);
	CHECK_EQ(au_eckey_bits(k), 384);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(verify_file(KEY_VECTORS[i], &s, 1, &st, &who, &why), 0);
		if (st == NULL)
			continue;
		CHECK_STR(who.name, "upstream");
		CHECK_STR(who.detail, "key sha256:e8450dec4eb99dae995da9af1bc2cc9f"
		    "76ed669ee2e744f57abba763df3e3f8e");
		CHECK_EQ(tree_ok(st, KEY_DIRS[i], &why), 0);	/* ignore-me ignored */
		au_oms_statement_free(st);
		st = NULL;
	}
	au_eckey_free(k);
}

TEST(cert_vectors_verify)
{
	size_t calen, i;
	uint8_t *ca = slurp(MT "keys/ca-cert.pem", &calen);
	struct au_oms_signer s = { "root-ca", NULL, ca, calen };
	struct au_oms_statement *st = NULL;
	struct au_oms_who who;
	enum au_oms_fail why;

	REQUIRE(ca != NULL);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(verify_file(CERT_VECTORS[i], &s, 1, &st, &who, &why), 0);
		if (st == NULL)
			continue;
		CHECK_STR(who.name, "root-ca");
		CHECK_STR(who.detail, "cert CN=intermediate-ca");
		CHECK_EQ(tree_ok(st, CERT_DIRS[i], &why), 0);
		au_oms_statement_free(st);
		st = NULL;
	}
	free(ca);
}

TEST(another_key_refused)
{
	struct au_eckey *k = NULL;
	struct au_oms_signer s = { "other", NULL, NULL, 0 };
	enum au_oms_fail why;
	size_t i;

	REQUIRE(au_eckey_parse_pem((const uint8_t *)OTHER_P384,
	    strlen(OTHER_P384), &k, NULL) == 0);
	s.key = k;
	for (i = 0; i < 3; i++) {
		CHECK(verify_file(KEY_VECTORS[i], &s, 1, NULL, NULL, &why) ==
		    AU_EMETA_SIG);
		CHECK_EQ(why, AU_OMS_UNKNOWN_SIGNER);
	}
	au_eckey_free(k);
}

TEST(another_ca_refused)
{
	size_t len, i;
	/* A root of our own (openssl req -x509, P-256) */
	uint8_t *leaf = slurp("oms/other-ca.pem", &len);
	struct au_oms_signer s = { "other-ca", NULL, leaf, len };
	struct au_eckey *k = key_file(MT "keys/signing-key-pub.pem");
	struct au_oms_signer ks = { "a-key", k, NULL, 0 };
	enum au_oms_fail why;

	REQUIRE(leaf != NULL && k != NULL);
	for (i = 0; i < 3; i++) {
		CHECK(verify_file(CERT_VECTORS[i], &s, 1, NULL, NULL, &why) ==
		    AU_EMETA_SIG);
		CHECK_EQ(why, AU_OMS_UNKNOWN_SIGNER);
		/* a trusted key is not a CA: no CA configured at all */
		CHECK(verify_file(CERT_VECTORS[i], &ks, 1, NULL, NULL, &why) ==
		    AU_EMETA_SIG);
		CHECK_EQ(why, AU_OMS_UNKNOWN_SIGNER);
	}
	free(leaf);
	au_eckey_free(k);
}

TEST(flipped_model_byte_refused)
{
	struct au_eckey *k = key_file(MT "keys/signing-key-pub.pem");
	size_t calen;
	uint8_t *ca = slurp(MT "keys/ca-cert.pem", &calen);
	struct au_oms_signer s[2] = { { "k", k, NULL, 0 }, { "ca", NULL, ca, calen } };
	struct au_oms_statement *st = NULL;
	struct au_diag d = { "", 0 };
	enum au_oms_fail why;
	char tmp[256];
	size_t i;

	REQUIRE(k != NULL && ca != NULL);
	for (i = 0; i < 6; i++) {
		const char *v = i < 3 ? KEY_VECTORS[i] : CERT_VECTORS[i - 3];
		const char *dir = i < 3 ? KEY_DIRS[i] : CERT_DIRS[i - 3];

		REQUIRE(verify_file(v, s, 2, &st, NULL, &why) == 0);
		REQUIRE(copy_flip(dir, "signme-2", 3, tmp, sizeof(tmp)) == 0);
		CHECK(au_oms_check_tree(st, tmp, 0, NULL, &why, &d) == AU_EART_HASH);
		CHECK_EQ(why, AU_OMS_DIGEST);
		CHECK(strstr(d.msg, "signme-2") != NULL);	/* says which file */
		rm_rf(tmp);
		/* an extra file nobody signed; then one allowed by policy */
		REQUIRE(copy_flip(dir, NULL, 0, tmp, sizeof(tmp)) == 0);
		(void)snprintf(d.msg, sizeof(d.msg), "%s/extra", tmp);
		REQUIRE(au_file_replace(d.msg, "x", 1, 0644, NULL) == 0);
		CHECK(au_oms_check_tree(st, tmp, 0, NULL, &why, &d) == AU_EART_UNSAFE);
		CHECK_EQ(why, AU_OMS_UNSIGNED);
		CHECK(au_oms_check_tree(st, tmp, 1, NULL, &why, &d) == 0);
		/* a signed file missing */
		(void)snprintf(d.msg, sizeof(d.msg), "%s/signme-1", tmp);
		REQUIRE(au_unlink(d.msg, NULL) == 0);
		CHECK(au_oms_check_tree(st, tmp, 1, NULL, &why, &d) == AU_EART_HASH);
		CHECK_EQ(why, AU_OMS_MISSING);
		rm_rf(tmp);
		au_oms_statement_free(st);
		st = NULL;
	}
	au_eckey_free(k);
	free(ca);
}

/* The bundle with byte `at` of its decoded signature xor 1, re-encoded. */
static char *
flip_sig(const uint8_t *buf, size_t len, size_t at)
{
	json_t *doc = json_loadb((const char *)buf, len, 0, NULL), *sig;
	uint8_t raw[256];
	char b64[512], *out;
	size_t n;

	sig = json_object_get(json_array_get(json_object_get(json_object_get(doc,
	    "dsseEnvelope"), "signatures"), 0), "sig");
	if (sig == NULL || sodium_base642bin(raw, sizeof(raw),
	    json_string_value(sig), json_string_length(sig), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || at >= n)
		return NULL;
	raw[at] ^= 1;
	sodium_bin2base64(b64, sizeof(b64), raw, n, sodium_base64_VARIANT_ORIGINAL);
	json_string_set(sig, b64);
	out = json_dumps(doc, 0);
	json_decref(doc);
	return out;
}

TEST(flipped_signature_byte_refused)
{
	struct au_eckey *k = key_file(MT "keys/signing-key-pub.pem");
	size_t calen, len, i, at;
	uint8_t *ca = slurp(MT "keys/ca-cert.pem", &calen), *buf;
	struct au_oms_signer s[2] = { { "k", k, NULL, 0 }, { "ca", NULL, ca, calen } };
	enum au_oms_fail why;
	char *bad;

	REQUIRE(k != NULL && ca != NULL);
	for (i = 0; i < 6; i++) {
		buf = slurp(i < 3 ? KEY_VECTORS[i] : CERT_VECTORS[i - 3], &len);
		REQUIRE(buf != NULL);
		for (at = 0; at < 60; at += 7) {	/* DER header, r and s */
			bad = flip_sig(buf, len, at);
			REQUIRE(bad != NULL);
			CHECK(verify_buf((uint8_t *)bad, strlen(bad), s, 2, NULL,
			    NULL, NULL, &why) == AU_EMETA_SIG);
			CHECK_EQ(why, AU_OMS_BAD_SIGNATURE);
			free(bad);
		}
		free(buf);
	}
	au_eckey_free(k);
	free(ca);
}

TEST(spec_invalid_bundles_refused)
{
	static const char *const bad[] = { SPEC "invalid/empty.bundle.json",
		SPEC "invalid/missing-envelope.bundle.json",
		SPEC "invalid/missing-verification-material.bundle.json" };
	struct au_eckey *k = key_file(MT "keys/signing-key-pub.pem");
	struct au_oms_signer s = { "k", k, NULL, 0 };
	enum au_oms_fail why;
	size_t i;

	REQUIRE(k != NULL);
	for (i = 0; i < 3; i++) {
		CHECK(verify_file(bad[i], &s, 1, NULL, NULL, &why) ==
		    AU_EMETA_MALFORMED);
		CHECK_EQ(why, AU_OMS_MALFORMED);
	}
	/* A Fulcio certificate without its Rekor entry, and a full sigstore
	 * bundle: the sigstore method is reported unsupported. */
	CHECK(verify_file(SPEC "invalid/missing-tlog-entries.bundle.json", &s, 1,
	    NULL, NULL, &why) == AU_EMETA_SIG);
	CHECK_EQ(why, AU_OMS_UNSUPPORTED);
	CHECK(verify_file(SPEC "valid/sigstore.bundle.json", &s, 1, NULL, NULL,
	    &why) == AU_EMETA_SIG);
	CHECK_EQ(why, AU_OMS_UNSUPPORTED);
	/* The spec's wrong predicate reuses key.bundle.json's signature. */
	CHECK(verify_file(SPEC "invalid-payload/wrong-predicate.bundle.json", &s,
	    1, NULL, NULL, &why) != 0);
	CHECK_EQ(why, AU_OMS_BAD_SIGNATURE);
	au_eckey_free(k);
}

/* ---- our own signer: P-256, P-384, P-521 ---- */

static struct au_ecsign *
gen_key(mbedtls_ecp_group_id gid, char *pub, size_t size)
{
	mbedtls_pk_context pk;
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	unsigned char pem[4096];
	struct au_ecsign *k = NULL;

	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) ||
	    mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) ||
	    mbedtls_ecp_gen_key(gid, mbedtls_pk_ec(pk), mbedtls_ctr_drbg_random,
	    &drbg) || mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem)) ||
	    au_ecsign_parse(pem, strlen((char *)pem), &k, NULL) ||
	    au_ecsign_public_pem(k, pub, size, NULL)) {
		au_ecsign_free(k);
		k = NULL;
	}
	mbedtls_pk_free(&pk);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	return k;
}

/* Sign `stmt` (a statement JSON text) into a bundle with k. */
static char *
sign_text(const struct au_ecsign *k, const char *stmt)
{
	char *out = NULL;
	size_t n;

	if (au_oms_bundle_build((const uint8_t *)stmt, strlen(stmt), k, &out, &n,
	    NULL) != 0)
		return NULL;
	return out;
}

static char *
statement_of(const char *rel)
{
	char path[2048];
	json_t *st = NULL;
	char *text;

	(void)snprintf(path, sizeof(path), "%s/%s", vecdir, rel);
	if (au_oms_statement_build(path, &st, NULL) != 0)
		return NULL;
	text = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	return text;
}

TEST(own_bundles_round_trip)
{
	static const mbedtls_ecp_group_id curves[] = { MBEDTLS_ECP_DP_SECP256R1,
		MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_SECP521R1 };
	char pub[1024], *stmt = statement_of(MT "v1.1.0-elliptic-key"), *b;
	struct au_oms_statement *st = NULL;
	struct au_eckey *ek = NULL;
	struct au_oms_signer s = { "acme", NULL, NULL, 0 };
	struct au_oms_who who;
	enum au_oms_fail why;
	size_t i, n;

	REQUIRE(stmt != NULL);
	for (i = 0; i < 3; i++) {
		struct au_ecsign *k = gen_key(curves[i], pub, sizeof(pub));

		REQUIRE(k != NULL);
		REQUIRE(au_eckey_parse_pem((uint8_t *)pub, strlen(pub), &ek,
		    NULL) == 0);
		s.key = ek;
		b = sign_text(k, stmt);
		REQUIRE(b != NULL);
		CHECK_EQ(verify_buf((uint8_t *)b, strlen(b), &s, 1, NULL, &st,
		    &who, &why), 0);
		CHECK_STR(who.name, "acme");
		if (st != NULL) {
			(void)au_oms_resources(st, &n);
			CHECK_EQ(n, 3);	/* signme-1, signme-2, ignore-me; not model.sig */
			CHECK_EQ(tree_ok(st, MT "v1.1.0-elliptic-key", &why), 0);
			au_oms_statement_free(st);
			st = NULL;
		}
		/* pinned to another publisher */
		CHECK(verify_buf((uint8_t *)b, strlen(b), &s, 1, "nvidia", NULL,
		    NULL, &why) == AU_EMETA_SIG);
		CHECK_EQ(why, AU_OMS_NOT_PINNED);
		free(b);
		au_eckey_free(ek);
		au_ecsign_free(k);
	}
	free(stmt);
}

/* A statement text with one substitution made (first occurrence). */
static char *
subst(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t n;
	char *out;

	if (p == NULL)
		return NULL;
	n = strlen(text) - strlen(from) + strlen(to) + 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	(void)snprintf(out, n, "%.*s%s%s", (int)(p - text), text, to,
	    p + strlen(from));
	return out;
}

TEST(signed_but_wrong_statement_refused)
{
	static const struct { const char *from, *to; enum au_oms_fail why; } c[] = {
		{ "https://model_signing/signature/v1.0",
		  "https://example.com/wrong-predicate/v1.0", AU_OMS_WRONG_TYPE },
		{ "https://in-toto.io/Statement/v1",
		  "https://in-toto.io/Statement/v0.1", AU_OMS_WRONG_TYPE },
		{ "\"sha256\",\"allow", "\"blake2b\",\"allow", AU_OMS_UNSUPPORTED },
		{ "\"files\"", "\"bytes\"", AU_OMS_MALFORMED },
		{ "\"signme-1\"", "\"../signme-1\"", AU_OMS_MALFORMED },
		{ "\"signme-2\"", "\"signme-1\"", AU_OMS_MALFORMED },	/* twice */
		{ "\"name\":\"signme-2\"", "\"name\":\"signme-3\"", AU_OMS_OK },
	};
	char pub[1024], *stmt = statement_of(MT "v1.1.0-elliptic-key"), *t, *b;
	struct au_ecsign *k = gen_key(MBEDTLS_ECP_DP_SECP256R1, pub, sizeof(pub));
	struct au_eckey *ek = NULL;
	struct au_oms_signer s = { "acme", NULL, NULL, 0 };
	struct au_oms_statement *st = NULL;
	enum au_oms_fail why;
	size_t i;
	int rc;

	REQUIRE(stmt != NULL && k != NULL);
	REQUIRE(au_eckey_parse_pem((uint8_t *)pub, strlen(pub), &ek, NULL) == 0);
	s.key = ek;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		t = subst(stmt, c[i].from, c[i].to);
		REQUIRE(t != NULL);
		b = sign_text(k, t);
		REQUIRE(b != NULL);
		rc = verify_buf((uint8_t *)b, strlen(b), &s, 1, NULL, &st, NULL,
		    &why);
		CHECK_EQ(why, c[i].why);
		if (c[i].why == AU_OMS_OK && st != NULL) {
			/* signed, but that file is not in the model */
			CHECK_EQ(rc, 0);
			CHECK(tree_ok(st, MT "v1.1.0-elliptic-key", &why) != 0);
			CHECK_EQ(why, AU_OMS_UNSIGNED);	/* signme-2 */
		}
		au_oms_statement_free(st);
		st = NULL;
		free(b);
		free(t);
	}
	/* the subject digest must be that of the resources */
	t = strdup(stmt);
	REQUIRE(t != NULL && strstr(t, "{\"sha256\":\"") != NULL);
	memset(strstr(t, "{\"sha256\":\"") + 11, '0', 64);
	b = sign_text(k, t);
	REQUIRE(b != NULL);
	CHECK(verify_buf((uint8_t *)b, strlen(b), &s, 1, NULL, NULL, NULL, &why)
	    == AU_EMETA_MALFORMED);
	free(b);
	free(t);
	free(stmt);
	au_eckey_free(ek);
	au_ecsign_free(k);
}

TEST(der_strict_all_curves)
{
	/* minimal: 0x30 len 0x02 0x01 0x01 0x02 0x01 0x01 */
	static const uint8_t ok[] = { 0x30, 6, 2, 1, 1, 2, 1, 1 };
	static const uint8_t pad[] = { 0x30, 7, 2, 2, 0, 1, 2, 1, 1 };
	static const uint8_t neg[] = { 0x30, 6, 2, 1, 0x81, 2, 1, 1 };
	static const uint8_t longlen[] = { 0x30, 0x81, 6, 2, 1, 1, 2, 1, 1 };
	static const uint8_t trail[] = { 0x30, 6, 2, 1, 1, 2, 1, 1, 0 };
	uint8_t big[3 + 2 * 68];
	size_t i;

	CHECK(au_ecdsa_der_strict_max(ok, sizeof(ok), 33));
	CHECK(!au_ecdsa_der_strict_max(pad, sizeof(pad), 33));
	CHECK(!au_ecdsa_der_strict_max(neg, sizeof(neg), 33));
	CHECK(!au_ecdsa_der_strict_max(longlen, sizeof(longlen), 67));
	CHECK(!au_ecdsa_der_strict_max(trail, sizeof(trail), 33));
	/* P-521: two 66-byte integers need the 0x81 length form */
	big[0] = 0x30;
	big[1] = 0x81;
	big[2] = 2 * 68;
	for (i = 0; i < 2; i++) {
		big[3 + 68 * i] = 2;
		big[4 + 68 * i] = 66;
		memset(big + 5 + 68 * i, 0x11, 66);
	}
	CHECK(au_ecdsa_der_strict_max(big, sizeof(big), 67));
	CHECK(!au_ecdsa_der_strict_max(big, sizeof(big), 49));	/* too big for P-384 */
}

/* ---- the device policy (client/install/provenance.h) with fake fetches ---- */

static uint8_t *fake_bundle;
static size_t fake_len;

static int
fake_find(void *arg, const char *name, struct au_target *out,
    struct au_diag *diag)
{
	struct au_sha256 h;

	(void)arg;
	if (strcmp(name, "m.sig") != 0)
		return au_diag_set(diag, AU_EMETA_NOTARGET, "no %s", name);
	memset(out, 0, sizeof(*out));
	out->length = fake_len;
	out->has_sha256 = 1;
	au_sha256_init(&h);
	au_sha256_update(&h, fake_bundle, fake_len);
	au_sha256_final(&h, out->sha256);
	return 0;
}

static int
fake_fetch(void *arg, const char *name, const struct au_target *tg, size_t cap,
    uint8_t **buf, size_t *len, struct au_diag *diag)
{
	(void)arg;
	(void)name;
	(void)tg;
	(void)diag;
	if (fake_len > cap)
		return AU_ETOOBIG;
	if ((*buf = malloc(fake_len)) == NULL)
		return AU_ENOMEM;
	memcpy(*buf, fake_bundle, fake_len);
	*len = fake_len;
	return 0;
}

TEST(device_policy)
{
	char conf[300], text[4096], dir[2048];
	struct au_config cfg;
	struct au_prov_result res;
	struct au_diag d = { "", 0 };
	const char *custom = "{\"oms\":{\"bundle\":\"m.sig\",\"publisher\":\"upstream\"}}";
	int fd;

	fake_bundle = slurp(MT "v1.1.0-elliptic-key/model.sig", &fake_len);
	REQUIRE(fake_bundle != NULL);
	(void)snprintf(text, sizeof(text), "[discovery]\ndomain = x.invalid\n"
	    "[repository]\ntrusted_root = /r.json\ntargets = models/a.tar "
	    "other/b\n[install]\nstate_dir = /nonexistent/s\n[provenance]\nmode = warn\n"
	    "require = models/*\noff = other/*\nkey.upstream = %s/%s\n", vecdir,
	    MT "keys/signing-key-pub.pem");
	(void)snprintf(conf, sizeof(conf), "%s/test_oms_conf.XXXXXX",
	    harness_tmpbase());
	REQUIRE((fd = mkstemp(conf)) >= 0);
	REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	REQUIRE(au_config_load(conf, &cfg, &d) == 0);
	CHECK_EQ(au_prov_mode_for(&cfg, "models/a.tar"), AU_PROV_REQUIRE);
	CHECK_EQ(au_prov_mode_for(&cfg, "other/b"), AU_PROV_OFF);
	CHECK_EQ(au_prov_mode_for(&cfg, "third"), AU_PROV_WARN);
	CHECK_EQ(cfg.nsigners, 1);
	REQUIRE(copy_flip(MT "v1.1.0-elliptic-key", NULL, 0, dir, sizeof(dir)) == 0);
	CHECK_EQ(au_provenance_check(&cfg, "models/a.tar", custom, dir, 1,
	    au_now(), fake_find, fake_fetch, NULL, &res, &d), 0);
	CHECK(strstr(res.text, "verified: upstream (key sha256:e8450dec") != NULL);
	/* a file nobody signed: refused, unless allow_unsigned */
	(void)snprintf(text, sizeof(text), "%s/extra", dir);
	REQUIRE(au_file_replace(text, "x", 1, 0644, NULL) == 0);
	CHECK(au_provenance_check(&cfg, "models/a.tar", custom, dir, 1, au_now(),
	    fake_find, fake_fetch, NULL, &res, &d) == AU_EART_PROVENANCE);
	CHECK_EQ(res.why, AU_OMS_UNSIGNED);
	CHECK(strstr(d.msg, "extra is not covered") != NULL);
	cfg.prov_allow_unsigned = 1;
	CHECK_EQ(au_provenance_check(&cfg, "models/a.tar", custom, dir, 1,
	    au_now(), fake_find, fake_fetch, NULL, &res, &d), 0);
	/* pinned to someone else */
	CHECK(au_provenance_check(&cfg, "models/a.tar", "{\"oms\":{\"bundle\":"
	    "\"m.sig\",\"publisher\":\"nvidia\"}}", dir, 1, au_now(), fake_find,
	    fake_fetch, NULL, &res, &d) == AU_EART_PROVENANCE);
	CHECK_EQ(res.why, AU_OMS_NOT_PINNED);
	/* a misspelt pin is refused, not dropped; a malformed custom.oms is
	 * the target's failure (exit 13 under require, a WARN under warn) */
	CHECK(au_provenance_check(&cfg, "models/a.tar", "{\"oms\":{\"bundle\":"
	    "\"m.sig\",\"publsher\":\"nvidia\"}}", dir, 1, au_now(), fake_find,
	    fake_fetch, NULL, &res, &d) == AU_EART_PROVENANCE);
	CHECK_EQ(res.why, AU_OMS_MALFORMED);
	CHECK(au_provenance_check(&cfg, "models/a.tar", "{\"oms\":5}", dir, 1,
	    au_now(), fake_find, fake_fetch, NULL, &res, &d) == AU_EART_PROVENANCE);
	CHECK_EQ(au_provenance_check(&cfg, "third", "{\"oms\":5}", dir, 1,
	    au_now(), fake_find, fake_fetch, NULL, &res, &d), 0);
	CHECK(strncmp(res.text, "FAILED (malformed)", 18) == 0);
	/* no bundle named: require refuses, warn lets it pass with the verdict */
	CHECK(au_provenance_check(&cfg, "models/a.tar", NULL, dir, 1, au_now(),
	    fake_find, fake_fetch, NULL, &res, &d) == AU_EART_PROVENANCE);
	CHECK_EQ(au_provenance_check(&cfg, "third", NULL, dir, 1, au_now(),
	    fake_find, fake_fetch, NULL, &res, &d), 0);
	CHECK(res.checked && res.why != AU_OMS_OK);
	CHECK(strncmp(res.text, "FAILED", 6) == 0);
	/* off: not even looked at */
	CHECK_EQ(au_provenance_check(&cfg, "other/b", NULL, dir, 1, au_now(),
	    fake_find, fake_fetch, NULL, &res, &d), 0);
	CHECK_EQ(res.checked, 0);
	/* a bundle whose bytes are not the signed ones */
	fake_bundle[10] ^= 1;
	fake_len--;
	CHECK(au_provenance_check(&cfg, "models/a.tar", custom, dir, 1, au_now(),
	    fake_find, fake_fetch, NULL, &res, &d) == AU_EART_PROVENANCE);
	au_config_clear(&cfg);
	(void)unlink(conf);
	free(fake_bundle);
	rm_rf(dir);
	/* the certificate method: ca.NAME, the subject reported */
	fake_bundle = slurp(MT "v1.1.0-certificate/model.sig", &fake_len);
	REQUIRE(fake_bundle != NULL);
	(void)snprintf(text, sizeof(text), "[discovery]\ndomain = x.invalid\n"
	    "[repository]\ntrusted_root = /r.json\ntargets = m\n[install]\n"
	    "state_dir = /nonexistent/s\n[provenance]\nmode = require\nca.root = %s/%s\n",
	    vecdir, MT "keys/ca-cert.pem");
	memcpy(conf + strlen(conf) - 6, "XXXXXX", 6);
	REQUIRE((fd = mkstemp(conf)) >= 0);
	REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	REQUIRE(au_config_load(conf, &cfg, &d) == 0);
	REQUIRE(copy_flip(MT "v1.1.0-certificate", NULL, 0, dir, sizeof(dir)) == 0);
	CHECK_EQ(au_provenance_check(&cfg, "m", "{\"oms\":{\"bundle\":\"m.sig\","
	    "\"publisher\":\"root\"}}", dir, 1, au_now(), fake_find, fake_fetch,
	    NULL, &res, &d), 0);
	CHECK_STR(res.text, "verified: root (cert CN=intermediate-ca)");
	/* a CA file that is not one is a configuration error (exit 2) */
	(void)snprintf(cfg.signers[0].path, sizeof(cfg.signers[0].path), "%.900s/%s",
	    vecdir, MT "keys/signing-key-pub.pem");
	CHECK(au_provenance_check(&cfg, "m", "{\"oms\":{\"bundle\":\"m.sig\"}}",
	    dir, 1, au_now(), fake_find, fake_fetch, NULL, &res, &d) == AU_ECONFIG);
	rm_rf(dir);
	au_config_clear(&cfg);
	(void)unlink(conf);
	free(fake_bundle);
	/* a bad [provenance] line is a config error */
	memcpy(conf + strlen(conf) - 6, "XXXXXX", 6);
	(void)snprintf(text, sizeof(text), "[discovery]\ndomain = x.invalid\n"
	    "[repository]\ntrusted_root = /r.json\ntargets = a\n[install]\n"
	    "state_dir = /nonexistent/s\n[provenance]\nmode = maybe\n");
	REQUIRE((fd = mkstemp(conf)) >= 0);
	REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	CHECK(au_config_load(conf, &cfg, &d) == AU_ECONFIG);
	CHECK(strstr(d.msg, "off, warn or require") != NULL);
	(void)unlink(conf);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	(void)snprintf(vecdir, sizeof(vecdir), "%s/tests/vectors",
	    harness_srcdir());
	if (sodium_init() < 0)
		return 1;
	RUN(key_vectors_verify);
	RUN(cert_vectors_verify);
	RUN(another_key_refused);
	RUN(another_ca_refused);
	RUN(flipped_model_byte_refused);
	RUN(flipped_signature_byte_refused);
	RUN(spec_invalid_bundles_refused);
	RUN(own_bundles_round_trip);
	RUN(signed_but_wrong_statement_refused);
	RUN(der_strict_all_curves);
	RUN(device_policy);
	return harness_done();
}
