/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_key.c - TUF key parsing, keyids and Ed25519 verification
 * (keys/key.h), including every Wycheproof Ed25519 vector.
 * Vectors are read from $AU_SRCDIR/tests/vectors (AU_SRCDIR defaults to ".").
 */
#include "keys/key.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/unit/harness.h"

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
	json_t *o = key_obj("rsa", "rsassa-pss-sha256",
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
	const char *src = getenv("AU_SRCDIR");
	char path[1024];
	json_error_t jerr;
	json_t *root, *groups, *g, *tests, *tc, *ko;
	struct au_key *k;
	size_t gi, ti, total = 0, agree = 0, valid = 0;

	snprintf(path, sizeof(path), "%s/tests/vectors/wycheproof/ed25519_test.json",
	    src ? src : ".");
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

int
main(void)
{
	RUN(rfc8032_test1);
	RUN(keyid_known_answer);
	RUN(unsupported_key_is_parsed_but_never_verifies);
	RUN(malformed_keys_refused);
	RUN(key_equal_compares_public_bytes);
	RUN(wycheproof_ed25519);
	return harness_done();
}
