/* SPDX-License-Identifier: ISC */
/* tests/unit/test_sign.c - keys/sign: key generation, key files, signing. */
#include "keys/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "manifest/key_json.h"
#include "repo/repo.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static char tmpdir[256];

static void
path_in_tmp(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", tmpdir, name);

	if (n < 0 || (size_t)n >= size)
		abort();
}

static int
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return chmod(path, mode);
}

TEST(sign_then_verify)
{
	static const uint8_t msg[] = "{\"_type\":\"timestamp\"}";
	uint8_t sig[AU_SIGN_SIG_BYTES], bad[sizeof(msg)];
	struct au_signkey *k = NULL;

	REQUIRE(au_signkey_generate(&k, NULL) == 0);
	REQUIRE(au_signkey_sign(k, msg, sizeof(msg) - 1, sig, NULL) == 0);
	CHECK(crypto_sign_ed25519_verify_detached(sig, msg, sizeof(msg) - 1,
	    au_signkey_public(k)) == 0);
	memcpy(bad, msg, sizeof(msg));
	bad[3] ^= 1;
	CHECK(crypto_sign_ed25519_verify_detached(sig, bad, sizeof(msg) - 1,
	    au_signkey_public(k)) != 0);
	sig[0] ^= 1;
	CHECK(crypto_sign_ed25519_verify_detached(sig, msg, sizeof(msg) - 1,
	    au_signkey_public(k)) != 0);
	au_signkey_free(k);
}

/* RFC 8032 section 7.1, TEST 1: a known seed gives a known public key and signature. */
TEST(rfc8032_vector_through_key_file)
{
	static const char *seed =
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
	static const char *pub_hex =
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	static const char *sig_hex =
	    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
	char path[512], text[256], hex[2 * AU_SIGN_SIG_BYTES + 1];
	uint8_t sig[AU_SIGN_SIG_BYTES];
	struct au_signkey *k = NULL;

	path_in_tmp(path, sizeof(path), "rfc.key");
	snprintf(text, sizeof(text), "{\"keytype\":\"ed25519\",\"seed\":\"%s\"}", seed);
	REQUIRE(write_file(path, text, 0600) == 0);
	REQUIRE(au_signkey_load(path, &k, NULL) == 0);
	sodium_bin2hex(hex, sizeof(hex), au_signkey_public(k), AU_SIGN_PUBLIC_BYTES);
	CHECK_STR(hex, pub_hex);
	REQUIRE(au_signkey_sign(k, (const uint8_t *)"", 0, sig, NULL) == 0);
	sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
	CHECK_STR(hex, sig_hex);
	au_signkey_free(k);
}

TEST(key_file_round_trip)
{
	struct au_signkey *a = NULL, *b = NULL;
	uint8_t sa[AU_SIGN_SIG_BYTES], sb[AU_SIGN_SIG_BYTES];
	struct au_diag diag = { "", 0 };
	struct stat st;
	char path[512];

	path_in_tmp(path, sizeof(path), "round.key");
	unlink(path);
	REQUIRE(au_signkey_generate(&a, NULL) == 0);
	REQUIRE(au_signkey_save(a, path, &diag) == 0);
	REQUIRE(stat(path, &st) == 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(st.st_size, 96);
	REQUIRE(au_signkey_load(path, &b, &diag) == 0);
	CHECK(memcmp(au_signkey_public(a), au_signkey_public(b),
	    AU_SIGN_PUBLIC_BYTES) == 0);
	REQUIRE(au_signkey_sign(a, (const uint8_t *)"x", 1, sa, NULL) == 0);
	REQUIRE(au_signkey_sign(b, (const uint8_t *)"x", 1, sb, NULL) == 0);
	CHECK(memcmp(sa, sb, sizeof(sa)) == 0);	/* Ed25519 is deterministic */
	/* an existing key file is never overwritten */
	CHECK_EQ(au_signkey_save(b, path, &diag), AU_EIO);
	au_signkey_free(a);
	au_signkey_free(b);
}

TEST(world_readable_key_refused)
{
	struct au_signkey *a = NULL, *b = NULL;
	struct au_diag diag = { "", 0 };
	char path[512];

	path_in_tmp(path, sizeof(path), "open.key");
	unlink(path);
	REQUIRE(au_signkey_generate(&a, NULL) == 0);
	REQUIRE(au_signkey_save(a, path, NULL) == 0);
	REQUIRE(chmod(path, 0644) == 0);
	CHECK_EQ(au_signkey_load(path, &b, &diag), AU_ECONFIG);
	CHECK(b == NULL);
	CHECK(strstr(diag.msg, "chmod 600") != NULL);
	REQUIRE(chmod(path, 0640) == 0);
	CHECK_EQ(au_signkey_load(path, &b, NULL), AU_ECONFIG);
	REQUIRE(chmod(path, 0600) == 0);
	CHECK_EQ(au_signkey_load(path, &b, NULL), 0);
	au_signkey_free(a);
	au_signkey_free(b);
}

TEST(symlink_and_missing_refused)
{
	struct au_signkey *a = NULL, *b = NULL;
	char path[512], link[512];

	path_in_tmp(path, sizeof(path), "target.key");
	path_in_tmp(link, sizeof(link), "link.key");
	unlink(path);
	unlink(link);
	REQUIRE(au_signkey_generate(&a, NULL) == 0);
	REQUIRE(au_signkey_save(a, path, NULL) == 0);
	REQUIRE(symlink(path, link) == 0);
	CHECK_EQ(au_signkey_load(link, &b, NULL), AU_ECONFIG);
	path_in_tmp(path, sizeof(path), "missing.key");
	CHECK_EQ(au_signkey_load(path, &b, NULL), AU_EIO);
	CHECK(b == NULL);
	au_signkey_free(a);
}

TEST(malformed_key_files_refused)
{
	static const char *bad[] = {
		"",
		"{\"keytype\":\"ed25519\",\"seed\":\"9d61\"}",
		/* 63 hex digits */
		"{\"keytype\":\"ed25519\",\"seed\":\"9d61b19deffd5a60ba844af492ec2cc4"
		"4449c5697b326919703bac031cae7f6\"}",
		/* non-hex digit */
		"{\"keytype\":\"ed25519\",\"seed\":\"zd61b19deffd5a60ba844af492ec2cc4"
		"4449c5697b326919703bac031cae7f60\"}",
		/* trailing garbage */
		"{\"keytype\":\"ed25519\",\"seed\":\"9d61b19deffd5a60ba844af492ec2cc4"
		"4449c5697b326919703bac031cae7f60\"}\nextra",
		/* wrong key type */
		"{\"keytype\":\"rsa\",\"seed\":\"9d61b19deffd5a60ba844af492ec2cc4"
		"4449c5697b326919703bac031cae7f60\"}",
	};
	struct au_signkey *k = NULL;
	char path[512], big[AU_SIGN_KEYFILE_MAX + 2];
	size_t i;

	path_in_tmp(path, sizeof(path), "bad.key");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		REQUIRE(write_file(path, bad[i], 0600) == 0);
		CHECK_EQ(au_signkey_load(path, &k, NULL), AU_ECONFIG);
		CHECK(k == NULL);
	}
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	REQUIRE(write_file(path, big, 0600) == 0);
	CHECK_EQ(au_signkey_load(path, &k, NULL), AU_ECONFIG);
}

TEST(public_json_shape)
{
	struct au_signkey *k = NULL;
	char hex[2 * AU_SIGN_PUBLIC_BYTES + 1];
	json_t *obj = NULL;

	REQUIRE(au_signkey_generate(&k, NULL) == 0);
	REQUIRE(au_repo_key_json(k, &obj, NULL) == 0);
	sodium_bin2hex(hex, sizeof(hex), au_signkey_public(k), AU_SIGN_PUBLIC_BYTES);
	CHECK_STR(json_string_value(json_object_get(obj, "keytype")), "ed25519");
	CHECK_STR(json_string_value(json_object_get(obj, "scheme")), "ed25519");
	CHECK_STR(json_string_value(json_object_get(json_object_get(obj, "keyval"),
	    "public")), hex);
	CHECK_EQ(json_object_size(obj), 3);
	json_decref(obj);
	au_signkey_free(k);
}

/* What the publisher signs, the client's own verifier (keys/key.h) accepts. */
TEST(client_verifier_accepts)
{
	static const uint8_t msg[] = "{\"_type\":\"targets\",\"version\":3}";
	uint8_t sig[AU_SIGN_SIG_BYTES];
	struct au_signkey *k = NULL;
	struct au_key *pk = NULL;
	json_t *obj = NULL;

	REQUIRE(au_signkey_generate(&k, NULL) == 0);
	REQUIRE(au_repo_key_json(k, &obj, NULL) == 0);
	REQUIRE(au_key_parse(obj, &pk, NULL) == 0);
	CHECK_EQ(au_key_type(pk), AU_KEY_ED25519);
	REQUIRE(au_signkey_sign(k, msg, sizeof(msg) - 1, sig, NULL) == 0);
	CHECK_EQ(au_key_verify(pk, msg, sizeof(msg) - 1, sig, sizeof(sig)), 0);
	CHECK_EQ(au_key_verify(pk, msg, sizeof(msg) - 2, sig, sizeof(sig)), AU_EMETA_SIG);
	sig[63] ^= 0x40;
	CHECK_EQ(au_key_verify(pk, msg, sizeof(msg) - 1, sig, sizeof(sig)), AU_EMETA_SIG);
	au_key_free(pk);
	json_decref(obj);
	au_signkey_free(k);
}

TEST(free_null_is_fine)
{
	au_signkey_free(NULL);	/* must not crash */
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	if (harness_tmpdir(tmpdir, sizeof(tmpdir), "au_test_sign") == NULL)
		return 1;
	RUN(sign_then_verify);
	RUN(rfc8032_vector_through_key_file);
	RUN(key_file_round_trip);
	RUN(world_readable_key_refused);
	RUN(symlink_and_missing_refused);
	RUN(malformed_key_files_refused);
	RUN(public_json_shape);
	RUN(client_verifier_accepts);
	RUN(free_null_is_fine);
	if (au_remove_tree(tmpdir, NULL) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return harness_done();
}
