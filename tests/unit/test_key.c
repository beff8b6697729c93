/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_key.c - TUF key parsing, keyids and verification
 * (keys/key.h): Ed25519 (every Wycheproof vector, the 1024 SUPERCOP vectors
 * of Debian's python3-cryptography-vectors), ECDSA P-256 and RSA-PSS
 * (Wycheproof: no invalid test accepted), strict DER.
 * Vectors are read from tests/vectors under harness_srcdir().
 */
#include "manifest/key_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

#define SUPERCOP_INPUT "/usr/lib/python3/dist-packages/cryptography_vectors/" \
	"asymmetric/Ed25519/sign.input"

static const char P384_PEM[] = "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE9QWPo/XRS/9jD3hsKu4tlLAXvyT8tdxO\n"
    "ncziSrNK7eft0A2Q9CgDKO80BjLp1oKfoPySNB55nutoWCo9AWEQH35PkTHMbznG\n"
    "w8kAuEfN+16/Hl7gDtqukMqZs+4uYCs6\n"
    "-----END PUBLIC KEY-----\n";
static const char RSA1024_PEM[] = "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCl7/aPJ5fafcOMkP8hsDYOZnHE\n"
    "ZjfpZrT1q6mr0srHMVQQtBatB+DihFZm9ZpVvagABolcG4b7p58hC35COVUZ8Jyh\n"
    "MxnrBL/FmBDZJCUYA9FduPBVKXpzElmS8xC49q7WDa899XXsE7ITtw0YZTye0Vv+\n"
    "KR/U/qV6kLNMNrqsMwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

#define RFC8032_T1_PK "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC8032_T1_SIG "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065" \
	"224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

static json_t *
key_obj(const char *keytype, const char *scheme, const char *pub)
{
	return json_pack("{s:s, s:s, s:{s:s}}", "keytype", keytype, "scheme",
	    scheme, "keyval", "public", pub);
}

/* Decode hex of any even length into a malloc'd buffer (1 byte min). */
static uint8_t *
unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	uint8_t *b = malloc(n / 2 + 1);

	if (b == NULL || n % 2 != 0 || au_hex_decode(hex, b, n / 2) != AU_OK) {
		free(b);
		return NULL;
	}
	*len = n / 2;
	return b;
}

TEST(rfc8032_test1)
{
	json_t *o = key_obj("ed25519", "ed25519", RFC8032_T1_PK);
	struct au_key *k = NULL;
	uint8_t sig[64];

	REQUIRE(au_key_parse(o, &k, NULL) == AU_OK);
	CHECK_EQ(au_key_type(k), AU_KEY_ED25519);
	REQUIRE(au_hex_decode(RFC8032_T1_SIG, sig, 64) == AU_OK);
	CHECK_EQ(au_key_verify(k, (const uint8_t *)"", 0, sig, 64), AU_OK);
	CHECK_EQ(au_key_verify(k, (const uint8_t *)"x", 1, sig, 64), AU_EMETA_SIG);
	CHECK_EQ(au_key_verify(k, (const uint8_t *)"", 0, sig, 63), AU_EMETA_SIG);
	sig[10] ^= 1;
	CHECK_EQ(au_key_verify(k, (const uint8_t *)"", 0, sig, 64), AU_EMETA_SIG);
	au_key_free(k);
	json_decref(o);
}

TEST(keyid_known_answer)
{
	/* sha256 of {"keytype":"ed25519","keyval":{"public":"d75a..."},"scheme":"ed25519"}
	   computed independently with Python's hashlib */
	json_t *o = key_obj("ed25519", "ed25519", RFC8032_T1_PK);
	char id[65];

	REQUIRE(o != NULL);
	CHECK_EQ(au_key_id(o, id, NULL), AU_OK);
	CHECK_STR(id, "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916");
	json_decref(o);
	o = json_integer(1);
	CHECK_EQ(au_key_id(o, id, NULL), AU_EMETA_MALFORMED);
	json_decref(o);
}

TEST(unsupported_key_is_parsed_but_never_verifies)
{
	json_t *o = key_obj("sphincs+", "sphincs-sha256",
	    "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----");
	json_t *o2 = key_obj("ed25519", "ed25519-future", RFC8032_T1_PK);
	struct au_key *k = NULL, *k2 = NULL;
	uint8_t sig[64];

	REQUIRE(au_hex_decode(RFC8032_T1_SIG, sig, 64) == AU_OK);
	REQUIRE(au_key_parse(o, &k, NULL) == AU_OK);
	CHECK_EQ(au_key_type(k), AU_KEY_UNSUPPORTED);
	CHECK_EQ(au_key_verify(k, (const uint8_t *)"", 0, sig, 64), AU_EMETA_SIG);
	REQUIRE(au_key_parse(o2, &k2, NULL) == AU_OK);
	CHECK_EQ(au_key_type(k2), AU_KEY_UNSUPPORTED);
	CHECK_EQ(au_key_verify(k2, (const uint8_t *)"", 0, sig, 64), AU_EMETA_SIG);
	CHECK(!au_key_equal(k, k));
	au_key_free(k);
	au_key_free(k2);
	json_decref(o);
	json_decref(o2);
}

TEST(malformed_keys_refused)
{
	struct au_key *k = NULL;
	json_t *bad[6];
	struct au_diag d = { "", 0 };
	size_t i;

	bad[0] = key_obj("ed25519", "ed25519", "d75a98");	/* short */
	bad[1] = key_obj("ed25519", "ed25519", RFC8032_T1_PK "00");	/* long */
	bad[2] = key_obj("ed25519", "ed25519",
	    "g75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	bad[3] = json_pack("{s:s, s:s}", "keytype", "ed25519", "scheme", "ed25519");
	bad[4] = json_pack("{s:i, s:s, s:{s:s}}", "keytype", 1, "scheme",
	    "ed25519", "keyval", "public", RFC8032_T1_PK);
	bad[5] = json_array();
	for (i = 0; i < 6; i++) {
		k = NULL;
		CHECK_EQ(au_key_parse(bad[i], &k, &d), AU_EMETA_MALFORMED);
		CHECK(k == NULL);
		json_decref(bad[i]);
	}
	CHECK(d.msg[0] != '\0');
}

TEST(key_equal_compares_public_bytes)
{
	json_t *a = key_obj("ed25519", "ed25519", RFC8032_T1_PK);
	/* same key, upper-case hex and an extra field: still the same key */
	json_t *b = key_obj("ed25519", "ed25519",
	    "D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A");
	json_t *c = key_obj("ed25519", "ed25519",
	    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
	struct au_key *ka = NULL, *kb = NULL, *kc = NULL;

	json_object_set_new(b, "keyid_hash_algorithms", json_pack("[s]", "sha256"));
	REQUIRE(au_key_parse(a, &ka, NULL) == AU_OK);
	REQUIRE(au_key_parse(b, &kb, NULL) == AU_OK);
	REQUIRE(au_key_parse(c, &kc, NULL) == AU_OK);
	CHECK(au_key_equal(ka, kb));
	CHECK(!au_key_equal(ka, kc));
	CHECK(!au_key_equal(ka, NULL));
	au_key_free(ka);
	au_key_free(kb);
	au_key_free(kc);
	au_key_free(NULL);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/* One Wycheproof test: 1 if our verdict agrees with the expected result. */
static int
wycheproof_case(const struct au_key *k, const json_t *tc)
{
	const char *res = json_string_value(json_object_get(tc, "result"));
	uint8_t *msg, *sig;
	size_t mlen = 0, slen = 0;
	int ok = 0, want;

	msg = unhex(json_string_value(json_object_get(tc, "msg")), &mlen);
	sig = unhex(json_string_value(json_object_get(tc, "sig")), &slen);
	want = res != NULL && strcmp(res, "valid") == 0;
	if (msg != NULL && sig != NULL)
		ok = au_key_verify(k, msg, mlen, sig, slen) == AU_OK;
	if (ok != want)
		fprintf(stderr, "  wycheproof tcId %lld: got %s, want %s\n",
		    (long long)json_integer_value(json_object_get(tc, "tcId")),
		    ok ? "valid" : "invalid", res ? res : "?");
	free(msg);
	free(sig);
	return ok == want;
}

TEST(wycheproof_ed25519)
{
	char path[1024];
	json_error_t jerr;
	json_t *root, *groups, *g, *tests, *tc, *ko;
	struct au_key *k;
	size_t gi, ti, total = 0, agree = 0, valid = 0;

	snprintf(path, sizeof(path), "%s/tests/vectors/wycheproof/ed25519_test.json",
	    harness_srcdir());
	root = json_load_file(path, 0, &jerr);
	REQUIRE(root != NULL);
	groups = json_object_get(root, "testGroups");
	json_array_foreach(groups, gi, g) {
		ko = key_obj("ed25519", "ed25519", json_string_value(
		    json_object_get(json_object_get(g, "publicKey"), "pk")));
		k = NULL;
		CHECK_EQ(au_key_parse(ko, &k, NULL), AU_OK);
		tests = json_object_get(g, "tests");
		json_array_foreach(tests, ti, tc) {
			total++;
			valid += strcmp(json_string_value(json_object_get(tc,
			    "result")), "valid") == 0;
			if (k != NULL)
				agree += (size_t)wycheproof_case(k, tc);
		}
		au_key_free(k);
		json_decref(ko);
	}
	CHECK_EQ(total, json_integer_value(json_object_get(root, "numberOfTests")));
	CHECK_EQ(total, 151);
	CHECK_EQ(valid, 88);
	CHECK_EQ(agree, total);
	json_decref(root);
}

/* Load tests/vectors/wycheproof/FILE (NULL if missing). */
static json_t *
wycheproof_load(const char *file)
{
	char path[1024];
	json_error_t jerr;

	snprintf(path, sizeof(path), "%s/tests/vectors/wycheproof/%s",
	    harness_srcdir(), file);
	return json_load_file(path, 0, &jerr);
}

struct wp_count {
	size_t total, valid, valid_ok, invalid, invalid_refused;
};

/* Run one Wycheproof PEM-keyed file through keytype/scheme. */
static void
wycheproof_pem(const char *file, const char *keytype, const char *scheme,
    struct wp_count *c)
{
	json_t *root = wycheproof_load(file), *g, *tc, *ko;
	struct au_key *k;
	size_t gi, ti, mlen, slen;
	uint8_t *msg, *sig;
	int ok, valid;

	memset(c, 0, sizeof(*c));
	if (root == NULL) {
		fprintf(stderr, "  cannot load %s\n", file);
		return;
	}
	json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
		ko = key_obj(keytype, scheme, json_string_value(
		    json_object_get(g, "publicKeyPem")));
		k = NULL;
		CHECK_EQ(au_key_parse(ko, &k, NULL), AU_OK);
		json_array_foreach(json_object_get(g, "tests"), ti, tc) {
			valid = strcmp(json_string_value(json_object_get(tc,
			    "result")), "valid") == 0;
			mlen = slen = 0;
			msg = unhex(json_string_value(json_object_get(tc, "msg")), &mlen);
			sig = unhex(json_string_value(json_object_get(tc, "sig")), &slen);
			ok = k != NULL && msg != NULL && sig != NULL &&
			    au_key_verify(k, msg, mlen, sig, slen) == AU_OK;
			c->total++;
			c->valid += (size_t)valid;
			c->valid_ok += (size_t)(valid && ok);
			c->invalid += (size_t)!valid;
			c->invalid_refused += (size_t)(!valid && !ok);
			if (!valid && ok)
				fprintf(stderr, "  %s tcId %lld: invalid accepted\n",
				    file, (long long)json_integer_value(
				    json_object_get(tc, "tcId")));
			free(msg);
			free(sig);
		}
		au_key_free(k);
		json_decref(ko);
	}
	CHECK_EQ(c->total, json_integer_value(json_object_get(root, "numberOfTests")));
	json_decref(root);
	printf("# %s: %zu/%zu valid accepted, %zu/%zu invalid refused\n", file,
	    c->valid_ok, c->valid, c->invalid_refused, c->invalid);
}

TEST(wycheproof_ecdsa_p256)
{
	struct wp_count c;

	wycheproof_pem("ecdsa_secp256r1_sha256_test.json", "ecdsa",
	    "ecdsa-sha2-nistp256", &c);
	CHECK_EQ(c.total, 484);
	CHECK_EQ(c.invalid_refused, c.invalid);	/* no invalid test accepted */
	CHECK_EQ(c.invalid, 310);
	CHECK_EQ(c.valid_ok, c.valid);
}

TEST(wycheproof_rsa_pss)
{
	struct wp_count c;

	wycheproof_pem("rsa_pss_2048_sha256_mgf1_32_test.json", "rsa",
	    "rsassa-pss-sha256", &c);
	CHECK_EQ(c.total, 108);
	CHECK_EQ(c.invalid_refused, c.invalid);	/* no invalid test accepted */
	CHECK_EQ(c.invalid, 45);
	CHECK_EQ(c.valid_ok, c.valid);
}

/* The DER rules mbedTLS alone does not enforce. */
TEST(ecdsa_der_strict)
{
	/* r = 1, s = 1: minimal and valid DER */
	static const uint8_t good[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	static const uint8_t hi[] = { 0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x01 };
	static const uint8_t longlen[] = { 0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	static const uint8_t intlong[] = { 0x30, 0x07, 0x02, 0x81, 0x01, 0x01, 0x02, 0x01, 0x01 };
	static const uint8_t pad0[] = { 0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01 };
	static const uint8_t neg[] = { 0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01 };
	static const uint8_t trail[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00 };
	static const uint8_t three[] = { 0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	static const uint8_t empty_int[] = { 0x30, 0x06, 0x02, 0x00, 0x02, 0x02, 0x01, 0x01 };
	static const uint8_t wrongtag[] = { 0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };

	CHECK_EQ(au_ecdsa_der_strict(good, sizeof(good)), 1);
	CHECK_EQ(au_ecdsa_der_strict(hi, sizeof(hi)), 1);
	CHECK_EQ(au_ecdsa_der_strict(longlen, sizeof(longlen)), 0);
	CHECK_EQ(au_ecdsa_der_strict(intlong, sizeof(intlong)), 0);
	CHECK_EQ(au_ecdsa_der_strict(pad0, sizeof(pad0)), 0);
	CHECK_EQ(au_ecdsa_der_strict(neg, sizeof(neg)), 0);
	CHECK_EQ(au_ecdsa_der_strict(trail, sizeof(trail)), 0);
	CHECK_EQ(au_ecdsa_der_strict(three, sizeof(three)), 0);
	CHECK_EQ(au_ecdsa_der_strict(empty_int, sizeof(empty_int)), 0);
	CHECK_EQ(au_ecdsa_der_strict(wrongtag, sizeof(wrongtag)), 0);
	CHECK_EQ(au_ecdsa_der_strict(good, sizeof(good) - 1), 0);
	CHECK_EQ(au_ecdsa_der_strict(NULL, 0), 0);
}

TEST(pem_keys_checked)
{
	json_t *root = wycheproof_load("ecdsa_secp256r1_sha256_test.json"), *ko;
	const char *pem;
	struct au_key *k = NULL, *k2 = NULL;
	char *spaced;

	REQUIRE(root != NULL);
	pem = json_string_value(json_object_get(json_array_get(json_object_get(
	    root, "testGroups"), 0), "publicKeyPem"));
	REQUIRE(pem != NULL);
	/* the same P-256 key under both keytype spellings; equal keys */
	ko = key_obj("ecdsa", "ecdsa-sha2-nistp256", pem);
	CHECK_EQ(au_key_parse(ko, &k, NULL), AU_OK);
	CHECK_EQ(au_key_type(k), AU_KEY_ECDSA_P256);
	json_decref(ko);
	ko = key_obj("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", pem);
	CHECK_EQ(au_key_parse(ko, &k2, NULL), AU_OK);
	CHECK(au_key_equal(k, k2));
	json_decref(ko);
	au_key_free(k2);
	k2 = NULL;
	/* another spelling of the same PEM (CRLF line ends) is the same key */
	spaced = malloc(2 * strlen(pem) + 1);
	REQUIRE(spaced != NULL);
	{
		size_t i, j = 0;

		for (i = 0; pem[i] != '\0'; i++) {
			if (pem[i] == '\n')
				spaced[j++] = '\r';
			spaced[j++] = pem[i];
		}
		spaced[j] = '\0';
	}
	ko = key_obj("ecdsa", "ecdsa-sha2-nistp256", spaced);
	if (au_key_parse(ko, &k2, NULL) == AU_OK)
		CHECK(au_key_equal(k, k2));
	au_key_free(k2);
	json_decref(ko);
	free(spaced);
	au_key_free(k);
	/* wrong curve, too short RSA, RSA PEM under ecdsa, junk: malformed */
	ko = key_obj("ecdsa", "ecdsa-sha2-nistp256", P384_PEM);
	k = NULL;
	CHECK_EQ(au_key_parse(ko, &k, NULL), AU_EMETA_MALFORMED);
	json_decref(ko);
	ko = key_obj("rsa", "rsassa-pss-sha256", RSA1024_PEM);
	CHECK_EQ(au_key_parse(ko, &k, NULL), AU_EMETA_MALFORMED);
	json_decref(ko);
	ko = key_obj("ecdsa", "ecdsa-sha2-nistp256", RSA1024_PEM);
	CHECK_EQ(au_key_parse(ko, &k, NULL), AU_EMETA_MALFORMED);
	json_decref(ko);
	ko = key_obj("rsa", "rsassa-pss-sha256", "-----BEGIN PUBLIC KEY-----");
	CHECK_EQ(au_key_parse(ko, &k, NULL), AU_EMETA_MALFORMED);
	json_decref(ko);
	/* a known keytype with an unknown scheme: unsupported, never verifies */
	ko = key_obj("rsa", "rsa-pkcs1v15-sha256", RSA1024_PEM);
	CHECK_EQ(au_key_parse(ko, &k, NULL), AU_OK);
	CHECK_EQ(au_key_type(k), AU_KEY_UNSUPPORTED);
	au_key_free(k);
	json_decref(ko);
	json_decref(root);
}

/* Decode n bytes of hex at s into out; 0 or -1. */
static int
hexn(const char *s, size_t n, uint8_t *out)
{
	char tmp[2 * 1100 + 1];

	if (2 * n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, 2 * n);
	tmp[2 * n] = '\0';
	return au_hex_decode(tmp, out, n) == AU_OK ? 0 : -1;
}

/*
 * SUPERCOP's sign.input (RFC 8032 7.1 included), from Debian's
 * python3-cryptography-vectors: "sk||pk:pk:msg:sig||msg:" per line.  Every
 * vector must verify, and none with one bit of the signature flipped.
 */
TEST(supercop_ed25519_1024)
{
	FILE *f = fopen(SUPERCOP_INPUT, "r");
	static char line[8192];
	uint8_t pk[32], sig[64], *msg = malloc(1100);
	char pkhex[65], *f2, *f3, *f4;
	struct au_key *k;
	json_t *ko;
	size_t n = 0, good = 0, flipped_refused = 0, mlen;

	if (f == NULL) {
		printf("# SKIP supercop_ed25519_1024: %s missing "
		    "(install python3-cryptography-vectors)\n", SUPERCOP_INPUT);
		free(msg);
		return;
	}
	REQUIRE(msg != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		f2 = strchr(line, ':');
		f3 = f2 ? strchr(f2 + 1, ':') : NULL;
		f4 = f3 ? strchr(f3 + 1, ':') : NULL;
		if (f4 == NULL)
			continue;
		n++;
		mlen = (size_t)(f4 - f3 - 1) / 2;
		if (f3 - f2 - 1 != 64 || hexn(f2 + 1, 32, pk) != 0 ||
		    hexn(f3 + 1, mlen, msg) != 0 || hexn(f4 + 1, 64, sig) != 0)
			continue;
		memcpy(pkhex, f2 + 1, 64);
		pkhex[64] = '\0';
		ko = key_obj("ed25519", "ed25519", pkhex);
		k = NULL;
		if (au_key_parse(ko, &k, NULL) == AU_OK) {
			good += au_key_verify(k, msg, mlen, sig, 64) == AU_OK;
			sig[n % 64] ^= (uint8_t)(1u << (n % 8));
			flipped_refused += au_key_verify(k, msg, mlen, sig, 64) != AU_OK;
		}
		au_key_free(k);
		json_decref(ko);
	}
	fclose(f);
	free(msg);
	printf("# supercop: %zu vectors, %zu verified, %zu flipped refused\n",
	    n, good, flipped_refused);
	CHECK_EQ(n, 1024);
	CHECK_EQ(good, 1024);
	CHECK_EQ(flipped_refused, 1024);
}

/* keys/ takes bytes (au_key_new): the same key as the JSON object gives. */
TEST(key_from_bytes_matches_key_object)
{
	json_t *o = key_obj("ed25519", "ed25519", RFC8032_T1_PK);
	struct au_key *a = NULL, *b = NULL, *c = NULL;
	uint8_t sig[64];

	REQUIRE(au_key_parse(o, &a, NULL) == AU_OK);
	REQUIRE(au_key_new("ed25519", "ed25519", RFC8032_T1_PK,
	    strlen(RFC8032_T1_PK), &b, NULL) == AU_OK);
	CHECK(au_key_equal(a, b));
	REQUIRE(au_hex_decode(RFC8032_T1_SIG, sig, 64) == AU_OK);
	CHECK_EQ(au_key_verify(b, (const uint8_t *)"", 0, sig, 64), AU_OK);
	CHECK_EQ(au_key_new(NULL, "ed25519", RFC8032_T1_PK,
	    strlen(RFC8032_T1_PK), &c, NULL), AU_EMETA_MALFORMED);
	CHECK_EQ(au_key_new("ed25519", "ed25519", NULL, 0, &c, NULL),
	    AU_EMETA_MALFORMED);
	CHECK_EQ(au_key_new("ed25519", "ed25519", "abcd", 4, &c, NULL),
	    AU_EMETA_MALFORMED);
	CHECK(c == NULL);
	au_key_free(a);
	au_key_free(b);
	json_decref(o);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(rfc8032_test1);
	RUN(keyid_known_answer);
	RUN(unsupported_key_is_parsed_but_never_verifies);
	RUN(malformed_keys_refused);
	RUN(key_equal_compares_public_bytes);
	RUN(wycheproof_ed25519);
	RUN(wycheproof_ecdsa_p256);
	RUN(wycheproof_rsa_pss);
	RUN(ecdsa_der_strict);
	RUN(pem_keys_checked);
	RUN(supercop_ed25519_1024);
	RUN(key_from_bytes_matches_key_object);
	return harness_done();
}
