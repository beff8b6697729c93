/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_repo_keys.c - the publisher's keyring (repo/keyring.c) and
 * next-root signing (repo/rootsign.c): private keys found by keyid,
 * thresholds, missing and mismatched key files, root N+1 signed by the old
 * and the new root keys (TUF 1.0 section 5.3.4).
 */
#include "repo/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/json.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static char tmpdir[256];

static void
path_in(char *buf, size_t size, const char *rel)
{
	int n = snprintf(buf, size, "%s/%s", tmpdir, rel);

	if (n < 0 || (size_t)n >= size)
		abort();
}

/* A fresh repository-like directory with an empty keys/. */
static int
fresh_dir(void)
{
	char path[512];

	if (harness_tmpdir(tmpdir, sizeof(tmpdir), "aiu-test-repokeys") == NULL)
		return -1;
	path_in(path, sizeof(path), "keys");
	return mkdir(path, 0700);
}

static void
remove_dir(void)
{
	if (au_remove_tree(tmpdir, NULL) != 0)
		fprintf(stderr, "  could not remove %s\n", tmpdir);
}

/* keys/NAME.key and .pub; keyid and public key object out. */
static int
mkkey(const char *name, char keyid[65], json_t **pub)
{
	char base[512], prefix[512], path[600];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(base, sizeof(base), "%s/keys/%s", tmpdir, name);
	if ((rc = au_repo_key_create(base, 0, keyid, prefix, sizeof(prefix),
	    NULL)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s.pub", prefix);
	if ((rc = au_file_read_all(path, AU_REPO_PUBKEY_MAX, &buf, &len, NULL)) != 0)
		return rc;
	rc = pub != NULL ? au_json_parse(buf, len, AU_REPO_PUBKEY_MAX, pub, NULL) : 0;
	free(buf);
	return rc;
}

/* A root "signed" part: role root keyed by rootid, the others by otherid. */
static json_t *
root_signed(const char *rootid, json_t *rootpub, const char *otherid,
    json_t *otherpub, int threshold)
{
	json_t *s = json_pack("{s:s, s:s, s:b, s:i, s:s, s:{}, s:{}}",
	    "_type", "root", "spec_version", "1.0.31", "consistent_snapshot", 0,
	    "version", 1, "expires", "2099-01-01T00:00:00Z", "keys", "roles");
	json_t *keys = json_object_get(s, "keys"), *roles = json_object_get(s, "roles");
	static const char *const others[] = { "targets", "snapshot", "timestamp" };
	size_t i;

	json_object_set(keys, rootid, rootpub);
	json_object_set(keys, otherid, otherpub);
	json_object_set_new(roles, "root", json_pack("{s:[s], s:i}", "keyids",
	    rootid, "threshold", 1));
	for (i = 0; i < 3; i++)
		json_object_set_new(roles, others[i], json_pack("{s:[s], s:i}",
		    "keyids", otherid, "threshold", threshold));
	return s;
}

static void
unlink_key(const char *name)
{
	char path[512];

	path_in(path, sizeof(path), name);
	unlink(path);
}

TEST(threshold_counts_present_keys_and_names_the_missing)
{
	char a[65], b[65], path[512];
	json_t *pa = NULL, *pb = NULL, *root;
	struct au_repo_signers s;
	struct au_diag diag = { "", 0 };

	REQUIRE(fresh_dir() == 0);
	REQUIRE(mkkey("a", a, &pa) == 0 && mkkey("b", b, &pb) == 0);
	root = root_signed(a, pa, a, pa, 2);
	json_array_append_new(json_object_get(json_object_get(json_object_get(root,
	    "roles"), "targets"), "keyids"), json_string(b));
	json_object_set(json_object_get(root, "keys"), b, pb);

	memset(&s, 0, sizeof(s));
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "targets", 1, &s, &diag), 0);
	CHECK_EQ(s.n, 2);
	au_repo_signers_free(&s);

	unlink_key("keys/b.key");
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "targets", 1, &s, &diag),
	    AU_ECONFIG);
	path_in(path, sizeof(path), "keys/b.key");
	CHECK(strstr(diag.msg, path) != NULL);
	CHECK(strstr(diag.msg, "needs 2 signature(s) but only 1") != NULL);
	au_repo_signers_free(&s);
	/* without the threshold (sign-raw), the one key present is enough */
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "targets", 0, &s, &diag), 0);
	CHECK_EQ(s.n, 1);
	CHECK_STR(s.keyid[0], a);
	au_repo_signers_free(&s);
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "mirror", 1, &s, &diag),
	    AU_EMETA_MALFORMED);
	json_decref(root);
	json_decref(pa);
	json_decref(pb);
	remove_dir();
}

TEST(key_files_must_match_and_stay_private)
{
	char a[65], b[65], pa_path[512], pb_path[512];
	json_t *pa = NULL, *pb = NULL, *root;
	struct au_repo_signers s;
	struct au_diag diag = { "", 0 };
	uint8_t *buf = NULL;
	size_t len = 0;

	REQUIRE(fresh_dir() == 0);
	REQUIRE(mkkey("a", a, &pa) == 0 && mkkey("b", b, &pb) == 0);
	root = root_signed(a, pa, b, pb, 1);
	memset(&s, 0, sizeof(s));
	/* b.key holds a's secret: refused, not used under b's keyid */
	path_in(pa_path, sizeof(pa_path), "keys/a.key");
	path_in(pb_path, sizeof(pb_path), "keys/b.key");
	REQUIRE(au_file_read_all(pa_path, 4096, &buf, &len, NULL) == 0);
	unlink(pb_path);
	REQUIRE(au_file_replace(pb_path, buf, len, 0600, NULL) == 0);
	free(buf);
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "timestamp", 1, &s, &diag),
	    AU_ECONFIG);
	CHECK(strstr(diag.msg, "does not match") != NULL);
	au_repo_signers_free(&s);
	/* a group-readable private key is refused */
	REQUIRE(chmod(pa_path, 0640) == 0);
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "root", 1, &s, &diag),
	    AU_ECONFIG);
	CHECK(strstr(diag.msg, "mode") != NULL);
	au_repo_signers_free(&s);
	json_decref(root);
	json_decref(pa);
	json_decref(pb);
	remove_dir();
}

TEST(a_key_shared_by_roles_is_loaded_once)
{
	char a[65], name[AU_REPO_KEYNAME_MAX];
	json_t *pa = NULL, *root;
	struct au_repo_signers s;

	REQUIRE(fresh_dir() == 0);
	REQUIRE(mkkey("shared", a, &pa) == 0);
	root = root_signed(a, pa, a, pa, 1);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "root", 1, &s, NULL), 0);
	CHECK_EQ(au_repo_signers_load(tmpdir, root, "timestamp", 1, &s, NULL), 0);
	CHECK_EQ(s.n, 1);
	au_repo_signers_free(&s);
	CHECK_EQ(au_repo_pub_find(tmpdir, a, name, NULL), 0);
	CHECK_STR(name, "shared");
	CHECK_EQ(au_repo_pub_find(tmpdir, "00000000000000000000000000000000"
	    "00000000000000000000000000000000", name, NULL), 0);
	CHECK_STR(name, "");
	json_decref(root);
	json_decref(pa);
	remove_dir();
}

/* Sign root v1 (key r1) and return its envelope. */
static int
root_v1(json_t *cur, char **text, size_t *len)
{
	struct au_repo_signers s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = au_repo_signers_load(tmpdir, cur, "root", 1, &s, NULL);
	if (rc == 0)
		rc = au_repo_envelope(cur, s.key, s.n, text, len, NULL);
	au_repo_signers_free(&s);
	return rc;
}

TEST(next_root_needs_old_and_new_root_keys)
{
	char r1[65], r2[65], o[65], *cur_text = NULL, *text = NULL;
	json_t *p1 = NULL, *p2 = NULL, *po = NULL, *cur, *next, *env = NULL;
	struct au_diag diag = { "", 0 };
	size_t cur_len = 0, len = 0;
	int64_t now = au_now();

	REQUIRE(fresh_dir() == 0);
	REQUIRE(mkkey("r1", r1, &p1) == 0 && mkkey("r2", r2, &p2) == 0 &&
	    mkkey("o", o, &po) == 0);
	cur = root_signed(r1, p1, o, po, 1);
	REQUIRE(root_v1(cur, &cur_text, &cur_len) == 0);
	next = au_repo_root_next(cur, now, 86400);
	REQUIRE(next != NULL);
	CHECK_EQ(json_integer_value(json_object_get(next, "version")), 2);
	/* rotate the root key: r1 -> r2 */
	json_object_set(json_object_get(next, "keys"), r2, p2);
	json_object_del(json_object_get(next, "keys"), r1);
	json_array_set_new(json_object_get(json_object_get(json_object_get(next,
	    "roles"), "root"), "keyids"), 0, json_string(r2));

	CHECK_EQ(au_repo_root_sign(tmpdir, cur_text, cur_len, cur, next, now,
	    &text, &len, &diag), 0);
	REQUIRE(text != NULL);
	CHECK_EQ(au_json_parse((const uint8_t *)text, len, AU_ROOT_MAX_BYTES, &env,
	    NULL), 0);
	CHECK_EQ(json_array_size(json_object_get(env, "signatures")), 2);
	json_decref(env);
	free(text);
	text = NULL;

	/* the old root key is gone: the old threshold cannot be met */
	unlink_key("keys/r1.key");
	CHECK_EQ(au_repo_root_sign(tmpdir, cur_text, cur_len, cur, next, now,
	    &text, &len, &diag), AU_ECONFIG);
	CHECK(strstr(diag.msg, "r1.key") != NULL);
	CHECK(text == NULL);

	json_decref(cur);
	json_decref(next);
	json_decref(p1);
	json_decref(p2);
	json_decref(po);
	free(cur_text);
	remove_dir();
}

TEST(next_root_a_client_would_refuse_is_not_returned)
{
	char r1[65], o[65], *cur_text = NULL, *text = NULL;
	json_t *p1 = NULL, *po = NULL, *cur, *next;
	struct au_diag diag = { "", 0 };
	size_t cur_len = 0, len = 0;
	int64_t now = au_now();

	REQUIRE(fresh_dir() == 0);
	REQUIRE(mkkey("r1", r1, &p1) == 0 && mkkey("o", o, &po) == 0);
	cur = root_signed(r1, p1, o, po, 1);
	REQUIRE(root_v1(cur, &cur_text, &cur_len) == 0);
	/* already expired: refused by au_trusted_check_root */
	next = au_repo_root_next(cur, now, -60);
	CHECK_EQ(au_repo_root_sign(tmpdir, cur_text, cur_len, cur, next, now,
	    &text, &len, &diag), AU_EMETA_EXPIRED);
	CHECK(strstr(diag.msg, "refused by devices") != NULL);
	CHECK(text == NULL);
	json_decref(next);
	/* version N+2: refused (5.3.5) */
	next = au_repo_root_next(cur, now, 86400);
	json_object_set_new(next, "version", json_integer(3));
	CHECK_EQ(au_repo_root_sign(tmpdir, cur_text, cur_len, cur, next, now,
	    &text, &len, &diag), AU_EMETA_VERSION);
	json_decref(next);
	json_decref(cur);
	json_decref(p1);
	json_decref(po);
	free(cur_text);
	remove_dir();
}

TEST(key_create_never_overwrites)
{
	char a[65], b[65], base[512], prefix[512];

	REQUIRE(fresh_dir() == 0);
	snprintf(base, sizeof(base), "%s/keys/x", tmpdir);
	CHECK_EQ(au_repo_key_create(base, 0, a, prefix, sizeof(prefix), NULL), 0);
	CHECK_EQ(au_repo_key_create(base, 0, b, prefix, sizeof(prefix), NULL),
	    AU_ECONFIG);
	/* with the keyid suffix, several keys of a role coexist */
	CHECK_EQ(au_repo_key_create(base, 1, a, prefix, sizeof(prefix), NULL), 0);
	CHECK(strlen(prefix) == strlen(base) + 17 && prefix[strlen(base)] == '-');
	CHECK(strncmp(prefix + strlen(base) + 1, a, 16) == 0);
	remove_dir();
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(threshold_counts_present_keys_and_names_the_missing);
	RUN(key_files_must_match_and_stay_private);
	RUN(a_key_shared_by_roles_is_loaded_once);
	RUN(next_root_needs_old_and_new_root_keys);
	RUN(next_root_a_client_would_refuse_is_not_returned);
	RUN(key_create_never_overwrites);
	return harness_done();
}
