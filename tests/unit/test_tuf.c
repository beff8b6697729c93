/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_tuf.c - the TUF trusted metadata set (manifest/tuf.h).
 * A tiny repository is built and signed here with libsodium keys; then each
 * attack of TUF 1.0 section 5 is replayed and must get its exact code.
 */
#include "manifest/tuf.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "keys/key.h"
#include "manifest/json.h"
#include "port/port.h"
#include "tests/unit/harness.h"

enum { R0, R1, TS, SN, TG, NR, NTS, X, NKEYS };

static struct {
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char id[65];
} K[NKEYS];

static const char *const FUT = "2030-01-01T00:00:00Z";
static const char *const PAST = "2020-01-01T00:00:00Z";
static int64_t NOW;	/* 2026-11-29T00:00:00Z */

struct blob {
	uint8_t *p;
	size_t len;
};

static const char PAYLOAD[] = "hello world";	/* the target's content */

/* ---- building and signing metadata ---- */

static json_t *
key_json(int i)
{
	char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), K[i].pk, sizeof(K[i].pk));
	return json_pack("{s:s, s:s, s:{s:s}}", "keytype", "ed25519",
	    "scheme", "ed25519", "keyval", "public", hex);
}

static void
keys_init(void)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	json_t *o;
	int i;

	if (sodium_init() < 0)
		abort();
	for (i = 0; i < NKEYS; i++) {
		memset(seed, i + 1, sizeof(seed));
		crypto_sign_seed_keypair(K[i].pk, K[i].sk, seed);
		o = key_json(i);
		if (au_key_id(o, K[i].id, NULL) != AU_OK)
			abort();
		json_decref(o);
	}
	if (au_time_parse("2026-11-29T00:00:00Z", &NOW) != AU_OK)
		abort();
}

static json_t *
hashes_of(const uint8_t *p, size_t len)
{
	uint8_t d256[crypto_hash_sha256_BYTES], d512[crypto_hash_sha512_BYTES];
	char h256[2 * sizeof(d256) + 1], h512[2 * sizeof(d512) + 1];

	crypto_hash_sha256(d256, p, len);
	crypto_hash_sha512(d512, p, len);
	sodium_bin2hex(h256, sizeof(h256), d256, sizeof(d256));
	sodium_bin2hex(h512, sizeof(h512), d512, sizeof(d512));
	return json_pack("{s:s, s:s}", "sha256", h256, "sha512", h512);
}

static json_t *
common(const char *type, int64_t version, const char *expires)
{
	return json_pack("{s:s, s:s, s:I, s:s}", "_type", type, "spec_version",
	    "1.0.31", "version", (json_int_t)version, "expires", expires);
}

/* A role: keyids of keys a and b (b < 0: none), threshold thr. */
static json_t *
role_json(int thr, int a, int b)
{
	json_t *ids = json_pack("[s]", K[a].id);

	if (b >= 0)
		json_array_append_new(ids, json_string(K[b].id));
	return json_pack("{s:o, s:i}", "keyids", ids, "threshold", thr);
}

/* root: root role keys ra, rb (rb < 0: none) with threshold rt; one key each for the others. */
static json_t *
root_signed(int64_t version, const char *exp, int rt, int ra, int rb, int ts,
    int sn, int tg)
{
	json_t *s = common("root", version, exp), *keys = json_object();
	int all[5] = { ra, rb, ts, sn, tg }, i;

	for (i = 0; i < 5; i++)
		if (all[i] >= 0)
			json_object_set_new(keys, K[all[i]].id, key_json(all[i]));
	json_object_set_new(s, "consistent_snapshot", json_true());
	json_object_set_new(s, "keys", keys);
	json_object_set_new(s, "roles", json_pack("{s:o, s:o, s:o, s:o}",
	    "root", role_json(rt, ra, rb), "timestamp", role_json(1, ts, -1),
	    "snapshot", role_json(1, sn, -1), "targets", role_json(1, tg, -1)));
	return s;
}

/* A METAFILES entry; with b, also its length and hashes. */
static json_t *
metafile(int64_t version, const struct blob *b)
{
	json_t *m = json_pack("{s:I}", "version", (json_int_t)version);

	if (b != NULL) {
		json_object_set_new(m, "length", json_integer((json_int_t)b->len));
		json_object_set_new(m, "hashes", hashes_of(b->p, b->len));
	}
	return m;
}

static json_t *
ts_signed(int64_t version, const char *exp, int64_t snapver,
    const struct blob *snap)
{
	json_t *s = common("timestamp", version, exp);

	json_object_set_new(s, "meta", json_pack("{s:o}", "snapshot.json",
	    metafile(snapver, snap)));
	return s;
}

static json_t *
sn_signed(int64_t version, const char *exp, int64_t tgver,
    const struct blob *tg)
{
	json_t *s = common("snapshot", version, exp);

	json_object_set_new(s, "meta", json_pack("{s:o}", "targets.json",
	    metafile(tgver, tg)));
	return s;
}

static json_t *
tg_signed(int64_t version, const char *exp)
{
	json_t *s = common("targets", version, exp), *t = json_object();
	json_t *ok = json_pack("{s:i, s:o, s:{s:i, s:s}}", "length",
	    (int)strlen(PAYLOAD), "hashes",
	    hashes_of((const uint8_t *)PAYLOAD, strlen(PAYLOAD)), "custom",
	    "version", 3, "channel", "stable");

	json_object_set_new(t, "models/eng.traineddata", ok);
	json_object_set_new(t, "a/../b", json_deep_copy(ok));
	json_object_set_new(t, "only-unknown.bin", json_pack(
	    "{s:i, s:{s:s}}", "length", 1, "hashes", "blake3", "00"));
	json_object_set_new(s, "targets", t);
	return s;
}

/* Append a signature by key `signer` over canonical(signed), listed under keyid. */
static void
add_sig(json_t *env, const char *keyid, int signer)
{
	uint8_t sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1], *c = NULL;
	size_t clen = 0;

	/* A document with a real number has no canonical form: sign "" instead. */
	if (au_json_canonical(json_object_get(env, "signed"), &c, &clen, NULL))
		clen = 0;
	crypto_sign_detached(sig, NULL, (const uint8_t *)(c ? c : ""), clen,
	    K[signer].sk);
	sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
	json_array_append_new(json_object_get(env, "signatures"),
	    json_pack("{s:s, s:s}", "keyid", keyid, "sig", hex));
	free(c);
}

static json_t *
envelope(json_t *signed_)
{
	return json_pack("{s:[], s:o}", "signatures", "signed", signed_);
}

/* Serialize (indented: signatures are over canonical JSON, not these bytes). */
static struct blob
dump(json_t *env)
{
	struct blob b;

	b.p = (uint8_t *)json_dumps(env, JSON_INDENT(1));
	b.len = strlen((char *)b.p);
	json_decref(env);
	return b;
}

/* Envelope signed by up to two keys (s2 < 0: one), each under its own keyid. */
static struct blob
seal(json_t *signed_, int s1, int s2)
{
	json_t *env = envelope(signed_);

	if (s1 >= 0)
		add_sig(env, K[s1].id, s1);
	if (s2 >= 0)
		add_sig(env, K[s2].id, s2);
	return dump(env);
}

static void
blob_free(struct blob *b)
{
	free(b->p);
	b->p = NULL;
}

/* The standard repository, version 1 of everything. */
struct repo {
	struct blob root, ts, sn, tg;
};

static void
repo_make(struct repo *r)
{
	r->tg = seal(tg_signed(1, FUT), TG, -1);
	r->sn = seal(sn_signed(1, FUT, 1, &r->tg), SN, -1);
	r->ts = seal(ts_signed(1, FUT, 1, &r->sn), TS, -1);
	r->root = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
}

static void
repo_free(struct repo *r)
{
	blob_free(&r->root);
	blob_free(&r->ts);
	blob_free(&r->sn);
	blob_free(&r->tg);
}

static struct au_trusted *
trusted(const struct blob *root)
{
	struct au_trusted *t = NULL;
	struct au_diag d = { "", 0 };

	if (au_trusted_new(root->p, root->len, &t, &d) != AU_OK)
		fprintf(stderr, "  au_trusted_new: %s\n", d.msg);
	return t;
}

static int
upd_ts(struct au_trusted *t, const struct blob *b, int *unchanged)
{
	return au_trusted_update_timestamp(t, b->p, b->len, NOW, unchanged, NULL);
}

static int
upd_sn(struct au_trusted *t, const struct blob *b)
{
	return au_trusted_update_snapshot(t, b->p, b->len, NOW, NULL);
}

static int
upd_tg(struct au_trusted *t, const struct blob *b)
{
	return au_trusted_update_targets(t, b->p, b->len, NOW, NULL);
}

static int
new_root_rc(struct blob b)
{
	struct au_trusted *t = NULL;
	int rc = au_trusted_new(b.p, b.len, &t, NULL);

	au_trusted_free(t);
	blob_free(&b);
	return rc;
}

/* ---- tests ---- */

TEST(happy_path)
{
	struct repo r;
	struct au_trusted *t;
	struct au_target tg;
	struct au_diag d = { "", 0 };
	uint8_t want[crypto_hash_sha256_BYTES];
	int64_t v = 0, e = 0;
	int unchanged = -1;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_root_version(t), 1);
	CHECK_EQ(au_trusted_consistent_snapshot(t), 1);
	CHECK_EQ(au_trusted_check_root(t, NOW, NULL), AU_OK);
	CHECK_EQ(au_trusted_snapshot_version(t), -1);
	CHECK_EQ(upd_ts(t, &r.ts, &unchanged), AU_OK);
	CHECK_EQ(unchanged, 0);
	CHECK_EQ(au_trusted_snapshot_version(t), 1);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	CHECK_EQ(au_trusted_targets_version(t), 1);
	CHECK_EQ(au_trusted_update_targets(t, r.tg.p, r.tg.len, NOW, &d), AU_OK);
	CHECK_EQ(au_trusted_role_info(t, "targets", &v, &e), AU_OK);
	CHECK_EQ(v, 1);
	CHECK_EQ(e, 1893456000);	/* 2030-01-01T00:00:00Z */
	REQUIRE(au_trusted_find_target(t, "models/eng.traineddata", &tg, &d) == AU_OK);
	CHECK_EQ(tg.length, strlen(PAYLOAD));
	crypto_hash_sha256(want, (const uint8_t *)PAYLOAD, strlen(PAYLOAD));
	CHECK(tg.has_sha256 && memcmp(tg.sha256, want, sizeof(want)) == 0);
	CHECK(tg.has_sha512);
	CHECK_EQ(tg.version, 3);
	CHECK_STR(tg.custom_json, "{\"channel\":\"stable\",\"version\":3}");
	au_target_clear(&tg);
	CHECK(tg.custom_json == NULL);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(wrong_key_refused)
{
	struct repo r;
	struct blob bad;
	struct au_trusted *t;
	struct au_diag d = { "", 0 };

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	bad = seal(ts_signed(1, FUT, 1, &r.sn), SN, -1);	/* snapshot key */
	CHECK_EQ(au_trusted_update_timestamp(t, bad.p, bad.len, NOW, NULL, &d),
	    AU_EMETA_SIG);
	CHECK(strstr(d.msg, "threshold 1") != NULL);
	CHECK_EQ(au_trusted_snapshot_version(t), -1);
	blob_free(&bad);
	/* a signature under the right keyid but made by another key */
	{
		json_t *env = envelope(ts_signed(1, FUT, 1, &r.sn));

		add_sig(env, K[TS].id, X);
		bad = dump(env);
	}
	CHECK_EQ(upd_ts(t, &bad, NULL), AU_EMETA_SIG);
	blob_free(&bad);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(tampered_signed_refused)
{
	struct repo r;
	struct au_trusted *t;
	json_t *env;
	struct blob bad;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	env = json_loadb((const char *)r.ts.p, r.ts.len, 0, NULL);
	REQUIRE(env != NULL);
	json_object_set_new(json_object_get(env, "signed"), "version",
	    json_integer(7));
	bad = dump(env);
	CHECK_EQ(upd_ts(t, &bad, NULL), AU_EMETA_SIG);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	blob_free(&bad);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(threshold_not_met)
{
	/* root role: R0 and R1, threshold 2 */
	CHECK_EQ(new_root_rc(seal(root_signed(1, FUT, 2, R0, R1, TS, SN, TG),
	    R0, -1)), AU_EMETA_SIG);
	CHECK_EQ(new_root_rc(seal(root_signed(1, FUT, 2, R0, R1, TS, SN, TG),
	    R0, X)), AU_EMETA_SIG);
	CHECK_EQ(new_root_rc(seal(root_signed(1, FUT, 2, R0, R1, TS, SN, TG),
	    R0, R1)), AU_OK);
}

TEST(duplicate_signatures_count_once)
{
	json_t *env = envelope(root_signed(1, FUT, 2, R0, R1, TS, SN, TG));

	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R0].id, R0);	/* the same signature listed twice */
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_SIG);
	/* R1's valid signature listed under R0's keyid does not count for R1 */
	env = envelope(root_signed(1, FUT, 2, R0, R1, TS, SN, TG));
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R0].id, R1);
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_SIG);
}

/* Root whose root role lists keyids A=K[R0].id and B (an alias) for key `bkey`. */
static json_t *
alias_root(int bkey)
{
	json_t *s = root_signed(1, FUT, 2, R0, R1, TS, SN, TG);
	json_t *keys = json_object_get(s, "keys"), *ids;
	const char *alias = "00000000000000000000000000000000000000000000000000000000000000aa";

	json_object_set_new(keys, alias, key_json(bkey));
	ids = json_object_get(json_object_get(json_object_get(s, "roles"), "root"),
	    "keyids");
	json_array_set_new(ids, 1, json_string(alias));
	return s;
}

TEST(same_key_two_keyids_counts_once)
{
	const char *alias = "00000000000000000000000000000000000000000000000000000000000000aa";
	json_t *env = envelope(alias_root(R0));

	add_sig(env, K[R0].id, R0);
	add_sig(env, alias, R0);
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_SIG);
	/* control: the alias naming a different key does count */
	env = envelope(alias_root(R1));
	add_sig(env, K[R0].id, R0);
	add_sig(env, alias, R1);
	CHECK_EQ(new_root_rc(dump(env)), AU_OK);
}

/* Root with the root role's threshold replaced by thr (stolen reference). */
static struct blob
root_with_threshold(json_t *thr)
{
	json_t *s = root_signed(1, FUT, 2, R0, R1, TS, SN, TG);

	json_object_set_new(json_object_get(json_object_get(s, "roles"), "root"),
	    "threshold", thr);
	return seal(s, R0, R1);
}

TEST(threshold_must_be_sane)
{
	json_t *s;

	CHECK_EQ(new_root_rc(root_with_threshold(json_integer(0))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_with_threshold(json_integer(-1))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_with_threshold(json_integer(3))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_with_threshold(json_string("2"))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_with_threshold(json_real(1.0))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_with_threshold(json_integer(2))), AU_OK);
	/* a keyid listed twice in one role */
	s = root_signed(1, FUT, 2, R0, R1, TS, SN, TG);
	json_array_set_new(json_object_get(json_object_get(json_object_get(s,
	    "roles"), "root"), "keyids"), 1, json_string(K[R0].id));
	CHECK_EQ(new_root_rc(seal(s, R0, R1)), AU_EMETA_MALFORMED);
	/* a missing top-level role */
	s = root_signed(1, FUT, 1, R0, -1, TS, SN, TG);
	json_object_del(json_object_get(s, "roles"), "snapshot");
	CHECK_EQ(new_root_rc(seal(s, R0, -1)), AU_EMETA_MALFORMED);
}

TEST(common_fields_checked)
{
	json_t *s;

	s = root_signed(1, FUT, 1, R0, -1, TS, SN, TG);
	json_object_set_new(s, "spec_version", json_string("2.0.0"));
	CHECK_EQ(new_root_rc(seal(s, R0, -1)), AU_EMETA_MALFORMED);
	s = root_signed(0, FUT, 1, R0, -1, TS, SN, TG);
	CHECK_EQ(new_root_rc(seal(s, R0, -1)), AU_EMETA_MALFORMED);
	s = root_signed(1, "2030-01-01 00:00:00", 1, R0, -1, TS, SN, TG);
	CHECK_EQ(new_root_rc(seal(s, R0, -1)), AU_EMETA_MALFORMED);
	s = root_signed(1, FUT, 1, R0, -1, TS, SN, TG);
	json_object_set_new(s, "_type", json_string("targets"));
	CHECK_EQ(new_root_rc(seal(s, R0, -1)), AU_EMETA_TYPE);
	/* unknown fields are tolerated (and signed) */
	s = root_signed(1, FUT, 1, R0, -1, TS, SN, TG);
	json_object_set_new(s, "x-vendor", json_pack("{s:[i,s]}", "a", 1, "b"));
	CHECK_EQ(new_root_rc(seal(s, R0, -1)), AU_OK);
}

TEST(unsupported_key_type_skipped)
{
	json_t *s = root_signed(1, FUT, 1, R0, -1, TS, SN, TG), *env;
	const char *rsa = "rsa0000000000000000000000000000000000000000000000000000000000000";

	json_object_set_new(json_object_get(s, "keys"), rsa, json_pack(
	    "{s:s, s:s, s:{s:s}}", "keytype", "rsa", "scheme",
	    "rsassa-pss-sha256", "keyval", "public", "-----BEGIN PUBLIC KEY-----"));
	json_array_append_new(json_object_get(json_object_get(json_object_get(s,
	    "roles"), "root"), "keyids"), json_string(rsa));
	env = envelope(s);
	add_sig(env, rsa, R1);	/* junk under the RSA keyid: ignored */
	add_sig(env, K[R0].id, R0);
	CHECK_EQ(new_root_rc(dump(env)), AU_OK);
}

TEST(wrong_type_refused)
{
	struct repo r;
	struct au_trusted *t;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &r.tg, NULL), AU_EMETA_TYPE);	/* targets as timestamp */
	au_trusted_free(t);
	repo_free(&r);
}

TEST(oversized_timestamp_refused)
{
	struct repo r;
	struct au_trusted *t;
	json_t *s;
	struct blob big;
	char *pad = malloc(AU_TIMESTAMP_MAX_BYTES);

	REQUIRE(pad != NULL);
	memset(pad, 'a', AU_TIMESTAMP_MAX_BYTES - 1);
	pad[AU_TIMESTAMP_MAX_BYTES - 1] = '\0';
	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	s = ts_signed(1, FUT, 1, &r.sn);
	json_object_set_new(s, "pad", json_string(pad));
	big = seal(s, TS, -1);
	CHECK(big.len > AU_TIMESTAMP_MAX_BYTES);
	CHECK_EQ(upd_ts(t, &big, NULL), AU_EMETA_TOOBIG);
	blob_free(&big);
	free(pad);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(expired_refused)
{
	struct repo r;
	struct au_trusted *t;
	struct blob old, root_old;
	struct au_diag d = { "", 0 };

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	old = seal(ts_signed(1, PAST, 1, &r.sn), TS, -1);
	CHECK_EQ(au_trusted_update_timestamp(t, old.p, old.len, NOW, NULL, &d),
	    AU_EMETA_EXPIRED);
	CHECK(strstr(d.msg, "2020-01-01T00:00:00Z") != NULL);
	/* kept only as the rollback reference: no snapshot through it */
	CHECK_EQ(upd_sn(t, &r.sn), AU_EMETA_EXPIRED);
	au_trusted_free(t);
	/* expires == now is expired too; one second earlier is fine */
	blob_free(&old);
	old = seal(ts_signed(1, "2028-01-01T00:00:00Z", 1, &r.sn), TS, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_timestamp(t, old.p, old.len, 1830297600,
	    NULL, NULL), AU_EMETA_EXPIRED);
	au_trusted_free(t);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_timestamp(t, old.p, old.len, 1830297599,
	    NULL, NULL), AU_OK);
	au_trusted_free(t);
	/* an expired final root: refused by check_root and by the timestamp step */
	root_old = seal(root_signed(1, PAST, 1, R0, -1, TS, SN, TG), R0, -1);
	t = trusted(&root_old);		/* loading does not check expiry */
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_check_root(t, NOW, NULL), AU_EMETA_EXPIRED);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_EMETA_EXPIRED);
	au_trusted_free(t);
	blob_free(&old);
	blob_free(&root_old);
	repo_free(&r);
}

TEST(timestamp_rollback_refused)
{
	struct repo r;
	struct au_trusted *t;
	struct blob v1, v2, v3low;
	int unchanged = -1;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	v1 = seal(ts_signed(1, FUT, 2, NULL), TS, -1);	/* only its version is lower */
	v2 = seal(ts_signed(2, FUT, 2, NULL), TS, -1);
	v3low = seal(ts_signed(3, FUT, 1, NULL), TS, -1);	/* snapshot 2 -> 1 */
	CHECK_EQ(upd_ts(t, &v2, &unchanged), AU_OK);
	CHECK_EQ(unchanged, 0);
	CHECK_EQ(upd_ts(t, &v1, &unchanged), AU_EMETA_ROLLBACK);
	CHECK_EQ(upd_ts(t, &v3low, &unchanged), AU_EMETA_ROLLBACK);
	CHECK_EQ(au_trusted_snapshot_version(t), 2);
	CHECK_EQ(upd_ts(t, &v2, &unchanged), AU_OK);	/* equal: keep old */
	CHECK_EQ(unchanged, 1);
	blob_free(&v1);
	blob_free(&v2);
	blob_free(&v3low);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(snapshot_rollback_refused)
{
	struct repo r;
	struct au_trusted *t;
	struct blob ts2, local1, low, ok2, removed;
	json_t *s;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	/* local snapshot v1 names targets v2; the new timestamp names snapshot v2 */
	local1 = seal(sn_signed(1, FUT, 2, NULL), SN, -1);
	low = seal(sn_signed(2, FUT, 1, NULL), SN, -1);
	ok2 = seal(sn_signed(2, FUT, 3, NULL), SN, -1);
	s = sn_signed(2, FUT, 3, NULL);
	json_object_set_new(json_object_get(s, "meta"), "role1.json",
	    json_pack("{s:i}", "version", 1));
	json_object_del(json_object_get(s, "meta"), "targets.json");
	removed = seal(s, SN, -1);
	ts2 = seal(ts_signed(2, FUT, 2, NULL), TS, -1);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(au_trusted_load_local_snapshot(t, local1.p, local1.len, NOW,
	    NULL), AU_EMETA_VERSION);	/* kept as rollback reference */
	CHECK_EQ(upd_tg(t, &r.tg), AU_EMETA_VERSION);	/* but not usable */
	CHECK_EQ(upd_sn(t, &low), AU_EMETA_ROLLBACK);
	CHECK_EQ(upd_sn(t, &removed), AU_EMETA_ROLLBACK);
	CHECK_EQ(upd_sn(t, &ok2), AU_OK);
	CHECK_EQ(au_trusted_targets_version(t), 3);
	/* the version the timestamp names is required */
	blob_free(&ts2);
	blob_free(&local1);
	blob_free(&low);
	blob_free(&ok2);
	blob_free(&removed);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(snapshot_version_must_match_timestamp)
{
	struct repo r;
	struct au_trusted *t;
	struct blob sn3;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	sn3 = seal(sn_signed(3, FUT, 1, NULL), SN, -1);
	blob_free(&r.ts);
	r.ts = seal(ts_signed(1, FUT, 2, NULL), TS, -1);	/* names snapshot v2 */
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn3), AU_EMETA_VERSION);
	blob_free(&sn3);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(snapshot_hash_mismatch_refused)
{
	struct repo r;
	struct au_trusted *t;
	struct blob other, ts_badlen;
	json_t *s;

	repo_make(&r);
	other = seal(sn_signed(1, FUT, 1, NULL), SN, -1);	/* signed, but not the one */
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &other), AU_EMETA_HASH);
	au_trusted_free(t);
	/* the right bytes, but a length that differs from the signed one */
	s = ts_signed(1, FUT, 1, &r.sn);
	json_object_set_new(json_object_get(json_object_get(s, "meta"),
	    "snapshot.json"), "length", json_integer((json_int_t)r.sn.len + 1));
	ts_badlen = seal(s, TS, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts_badlen, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_EMETA_HASH);
	au_trusted_free(t);
	blob_free(&other);
	blob_free(&ts_badlen);
	repo_free(&r);
}

TEST(targets_checks)
{
	struct repo r;
	struct au_trusted *t;
	struct blob other, tg2, tgold;

	repo_make(&r);
	other = seal(tg_signed(1, "2031-01-01T00:00:00Z"), TG, -1);
	tg2 = seal(tg_signed(2, FUT), TG, -1);
	tgold = seal(tg_signed(1, PAST), TG, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_tg(t, &r.tg), AU_EINTERNAL);	/* before a snapshot */
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	CHECK_EQ(upd_tg(t, &other), AU_EMETA_HASH);
	CHECK_EQ(au_trusted_role_info(t, "targets", NULL, NULL), AU_EMETA_NOTARGET);
	au_trusted_free(t);
	/* snapshot without hashes for targets: version and expiry still bind */
	blob_free(&r.sn);
	blob_free(&r.ts);
	r.sn = seal(sn_signed(1, FUT, 1, NULL), SN, -1);
	r.ts = seal(ts_signed(1, FUT, 1, &r.sn), TS, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	CHECK_EQ(upd_tg(t, &tg2), AU_EMETA_VERSION);
	CHECK_EQ(upd_tg(t, &tgold), AU_EMETA_EXPIRED);
	CHECK_EQ(upd_tg(t, &other), AU_OK);
	au_trusted_free(t);
	blob_free(&other);
	blob_free(&tg2);
	blob_free(&tgold);
	repo_free(&r);
}

TEST(root_rotation)
{
	struct repo r;
	struct au_trusted *t;
	struct blob only_new, v2, v4, v2b, v3same;
	struct au_diag d = { "", 0 };

	repo_make(&r);
	/* v2 moves root to NR and timestamp to NTS */
	only_new = seal(root_signed(2, FUT, 1, NR, -1, NTS, SN, TG), NR, -1);
	v2 = seal(root_signed(2, FUT, 1, NR, -1, NTS, SN, TG), R0, NR);
	v2b = seal(root_signed(2, FUT, 1, NR, -1, NTS, SN, TG), R0, -1);
	v4 = seal(root_signed(4, FUT, 1, NR, -1, NTS, SN, TG), NR, -1);
	v3same = seal(root_signed(3, FUT, 1, NR, -1, NTS, SN, TG), NR, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(au_trusted_update_root(t, only_new.p, only_new.len, &d),
	    AU_EMETA_SIG);	/* not signed by the trusted root's keys */
	CHECK_EQ(au_trusted_update_root(t, v2b.p, v2b.len, NULL),
	    AU_EMETA_SIG);	/* not signed by its own keys */
	CHECK_EQ(au_trusted_root_version(t), 1);
	CHECK_EQ(au_trusted_snapshot_version(t), 1);
	CHECK_EQ(au_trusted_update_root(t, v2.p, v2.len, NULL), AU_OK);
	CHECK_EQ(au_trusted_root_version(t), 2);
	/* timestamp keys rotated: the trusted timestamp is dropped (5.3.11) */
	CHECK_EQ(au_trusted_snapshot_version(t), -1);
	CHECK_EQ(au_trusted_role_info(t, "timestamp", NULL, NULL), AU_EMETA_NOTARGET);
	CHECK_EQ(au_trusted_update_root(t, v4.p, v4.len, NULL), AU_EMETA_VERSION);
	CHECK_EQ(au_trusted_update_root(t, v2.p, v2.len, NULL), AU_EMETA_ROLLBACK);
	/* old timestamp key no longer trusted */
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_EMETA_SIG);
	/* v3 with the same role keys keeps a loaded timestamp */
	blob_free(&r.ts);
	r.ts = seal(ts_signed(1, FUT, 1, &r.sn), NTS, -1);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(au_trusted_update_root(t, v3same.p, v3same.len, NULL), AU_OK);
	CHECK_EQ(au_trusted_snapshot_version(t), 1);
	au_trusted_free(t);
	blob_free(&only_new);
	blob_free(&v2);
	blob_free(&v2b);
	blob_free(&v4);
	blob_free(&v3same);
	repo_free(&r);
}

TEST(target_names)
{
	static const char *const good[] = { "a", "models/eng.traineddata",
	    "a/b.c/d", "..a", "a..b", "a/...", NULL };
	static const char *const bad[] = { "", "/abs", "a/../b", "..", "../x",
	    "a/..", "./a", "a/./b", "a//b", "a/", "a\\b", "a\nb", "a\x7f", NULL };
	char longname[AU_TARGET_NAME_MAX + 2];
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		CHECK_EQ(au_target_name_check(good[i], NULL), AU_OK);
	for (i = 0; bad[i] != NULL; i++) {
		if (au_target_name_check(bad[i], NULL) != AU_EMETA_MALFORMED)
			fprintf(stderr, "  accepted bad name \"%s\"\n", bad[i]);
		CHECK_EQ(au_target_name_check(bad[i], NULL), AU_EMETA_MALFORMED);
	}
	CHECK_EQ(au_target_name_check(NULL, NULL), AU_EMETA_MALFORMED);
	memset(longname, 'n', sizeof(longname));
	longname[AU_TARGET_NAME_MAX] = '\0';
	CHECK_EQ(au_target_name_check(longname, NULL), AU_OK);
	longname[AU_TARGET_NAME_MAX] = 'n';
	longname[AU_TARGET_NAME_MAX + 1] = '\0';
	CHECK_EQ(au_target_name_check(longname, NULL), AU_EMETA_MALFORMED);
}

TEST(target_lookup_errors)
{
	struct repo r;
	struct au_trusted *t;
	struct au_target tg;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	memset(&tg, 0x5a, sizeof(tg));
	CHECK_EQ(au_trusted_find_target(t, "models/eng.traineddata", &tg, NULL),
	    AU_EMETA_NOTARGET);	/* no targets loaded */
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	CHECK_EQ(upd_tg(t, &r.tg), AU_OK);
	/* listed in the signed targets, but the name itself is refused */
	CHECK_EQ(au_trusted_find_target(t, "a/../b", &tg, NULL), AU_EMETA_MALFORMED);
	CHECK_EQ(au_trusted_find_target(t, "only-unknown.bin", &tg, NULL),
	    AU_EART_HASHALG);
	CHECK_EQ(au_trusted_find_target(t, "missing.bin", &tg, NULL),
	    AU_EMETA_NOTARGET);
	CHECK_EQ(tg.length, 0x5a5a5a5a5a5a5a5aULL);	/* untouched on error */
	au_trusted_free(t);
	repo_free(&r);
}

TEST(time_parse_and_format)
{
	static const struct { const char *s; int64_t t; } ok[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "2000-02-29T12:34:56Z", 951827696 },
		{ "2038-01-19T03:14:08Z", 2147483648LL },
		{ "2030-01-01T00:00:00Z", 1893456000 },
		{ "0001-01-01T00:00:00Z", -62135596800LL },
		{ "9999-12-31T23:59:59Z", 253402300799LL },
	};
	static const char *const bad[] = { "2001-02-29T00:00:00Z",
	    "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-01-01T24:00:00Z",
	    "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00z",
	    "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00.5Z",
	    "2026-01-01 00:00:00Z", "0000-01-01T00:00:00Z", "2026-1-01T00:00:00Z",
	    "", NULL };
	char buf[AU_TIME_STR_SIZE];
	int64_t t;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		t = 12345;
		CHECK_EQ(au_time_parse(ok[i].s, &t), AU_OK);
		CHECK_EQ(t, ok[i].t);
		CHECK_EQ(au_time_format(ok[i].t, buf, sizeof(buf)), AU_OK);
		CHECK_STR(buf, ok[i].s);
	}
	for (i = 0; bad[i] != NULL; i++)
		CHECK_EQ(au_time_parse(bad[i], &t), AU_EMETA_MALFORMED);
	CHECK_EQ(au_time_format(0, buf, sizeof(buf) - 1), AU_ETOOBIG);
	CHECK_EQ(au_time_format(253402300800LL, buf, sizeof(buf)), AU_EUSAGE);
	/* every day from 1900 to 2100 round-trips */
	for (t = -2208988800LL; t < 4102444800LL; t += 86400 + 3661) {
		int64_t back = 0;

		if (au_time_format(t, buf, sizeof(buf)) != AU_OK ||
		    au_time_parse(buf, &back) != AU_OK || back != t) {
			CHECK(0);
			break;
		}
	}
}

/*
 * The client's order: the chain stored by an earlier run is loaded first
 * (clock 0: only floors), then newer timestamp and snapshot are fed over it.
 */
TEST(newer_chain_over_stored_chain)
{
	struct repo r;
	struct au_trusted *t;
	struct au_target tg;
	struct blob ts2, sn2same, ts3, sn3, tg2, sn3b;

	memset(&tg, 0, sizeof(tg));
	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_timestamp(t, r.ts.p, r.ts.len, 0, NULL, NULL), AU_OK);
	CHECK_EQ(au_trusted_update_snapshot(t, r.sn.p, r.sn.len, 0, NULL), AU_OK);
	CHECK_EQ(au_trusted_update_targets(t, r.tg.p, r.tg.len, 0, NULL), AU_OK);
	CHECK_EQ(au_trusted_check_chain(t, NOW, NULL), AU_OK);
	/* a new timestamp names snapshot v2: the stored chain is no longer current */
	sn2same = seal(sn_signed(2, FUT, 1, &r.tg), SN, -1);	/* same targets entry */
	ts2 = seal(ts_signed(2, FUT, 2, &sn2same), TS, -1);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(au_trusted_check_chain(t, NOW, NULL), AU_EMETA_VERSION);
	CHECK_EQ(au_trusted_find_target(t, "models/eng.traineddata", &tg, NULL),
	    AU_EMETA_VERSION);
	CHECK_EQ(upd_sn(t, &sn2same), AU_OK);
	/* same targets.json entry: the stored targets stay usable */
	CHECK_EQ(au_trusted_check_chain(t, NOW, NULL), AU_OK);
	CHECK_EQ(au_trusted_find_target(t, "models/eng.traineddata", &tg, NULL), AU_OK);
	au_target_clear(&tg);
	/* snapshot v3 names targets v2: the stored targets are dropped */
	tg2 = seal(tg_signed(2, FUT), TG, -1);
	sn3 = seal(sn_signed(3, FUT, 2, &tg2), SN, -1);
	sn3b = seal(sn_signed(3, FUT, 1, NULL), SN, -1);	/* targets v1, no hashes */
	ts3 = seal(ts_signed(3, FUT, 3, NULL), TS, -1);
	CHECK_EQ(upd_ts(t, &ts3, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn3b), AU_OK);	/* entry changed (hashes gone) */
	CHECK_EQ(au_trusted_role_info(t, "targets", NULL, NULL), AU_EMETA_NOTARGET);
	CHECK_EQ(upd_sn(t, &sn3), AU_OK);
	CHECK_EQ(upd_tg(t, &r.tg), AU_EMETA_HASH);
	CHECK_EQ(upd_tg(t, &tg2), AU_OK);
	CHECK_EQ(au_trusted_check_chain(t, NOW, NULL), AU_OK);
	CHECK_EQ(au_trusted_check_chain(t, 1893456000, NULL), AU_EMETA_EXPIRED);
	blob_free(&ts2);
	blob_free(&sn2same);
	blob_free(&ts3);
	blob_free(&sn3);
	blob_free(&sn3b);
	blob_free(&tg2);
	au_trusted_free(t);
	repo_free(&r);
}

/* Read tests/vectors/tufjs/NAME under $AU_SRCDIR (default "."). */
static struct blob
vector(const char *name)
{
	const char *src = getenv("AU_SRCDIR");
	char path[1024];
	struct blob b = { NULL, 0 };

	snprintf(path, sizeof(path), "%s/tests/vectors/tufjs/%s",
	    src ? src : ".", name);
	if (au_file_read_all(path, AU_TARGETS_MAX_BYTES, &b.p, &b.len, NULL))
		fprintf(stderr, "  cannot read %s\n", path);
	return b;
}

/* Metadata signed by tuf-js: canonical JSON and keyids agree with another client. */
TEST(tufjs_interop)
{
	struct blob root = vector("root.json"), ts = vector("timestamp.json");
	struct blob sn = vector("snapshot.json"), tgt = vector("targets.json");
	struct blob ids = vector("keyids.txt");
	struct au_trusted *t = NULL;
	struct au_target tg;
	struct au_diag d = { "", 0 };
	char *line, *save = NULL, id[65];
	json_t *o;
	int nids = 0;

	REQUIRE(root.p && ts.p && sn.p && tgt.p && ids.p);
	REQUIRE(au_trusted_new(root.p, root.len, &t, &d) == AU_OK);
	CHECK_EQ(au_trusted_update_timestamp(t, ts.p, ts.len, NOW, NULL, &d), AU_OK);
	CHECK_EQ(au_trusted_update_snapshot(t, sn.p, sn.len, NOW, &d), AU_OK);
	CHECK_EQ(au_trusted_update_targets(t, tgt.p, tgt.len, NOW, &d), AU_OK);
	if (d.msg[0] != '\0')
		fprintf(stderr, "  %s\n", d.msg);
	REQUIRE(au_trusted_find_target(t, "models/plain.bin", &tg, &d) == AU_OK);
	CHECK_EQ(tg.length, 16);
	CHECK_EQ(tg.version, 9);
	CHECK(tg.has_sha256 && tg.has_sha512);
	CHECK_STR(tg.custom_json, "{\"b\xc3\xa9\":\"\xc3\xa9\\\\\",\"version\":9}");
	au_target_clear(&tg);
	/* signed and verified, but a name with a backslash is never looked up */
	CHECK_EQ(au_trusted_find_target(t, "models/\xc3\xa9t\xc3\xa9 \"q\" \\ x.bin",
	    &tg, NULL), AU_EMETA_MALFORMED);
	for (line = strtok_r((char *)ids.p, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		REQUIRE(strlen(line) > 65);
		o = json_loads(line + 65, 0, NULL);
		line[64] = '\0';
		CHECK_EQ(au_key_id(o, id, NULL), AU_OK);
		CHECK_STR(id, line);
		json_decref(o);
		nids++;
	}
	CHECK_EQ(nids, 4);
	au_trusted_free(t);
	free(root.p);
	free(ts.p);
	free(sn.p);
	free(tgt.p);
	free(ids.p);
}

int
main(void)
{
	keys_init();
	RUN(happy_path);
	RUN(wrong_key_refused);
	RUN(tampered_signed_refused);
	RUN(threshold_not_met);
	RUN(duplicate_signatures_count_once);
	RUN(same_key_two_keyids_counts_once);
	RUN(threshold_must_be_sane);
	RUN(common_fields_checked);
	RUN(unsupported_key_type_skipped);
	RUN(wrong_type_refused);
	RUN(oversized_timestamp_refused);
	RUN(expired_refused);
	RUN(timestamp_rollback_refused);
	RUN(snapshot_rollback_refused);
	RUN(snapshot_version_must_match_timestamp);
	RUN(snapshot_hash_mismatch_refused);
	RUN(targets_checks);
	RUN(root_rotation);
	RUN(target_names);
	RUN(target_lookup_errors);
	RUN(time_parse_and_format);
	RUN(newer_chain_over_stored_chain);
	RUN(tufjs_interop);
	return harness_done();
}
