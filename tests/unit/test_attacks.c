/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_attacks.c - the attack suite of issue 3 (TUF 1.0 section
 * 1.5.2 attacks against manifest/tuf.h and client/metadata/tufclient.h), one test
 * each with the exact error code expected.  Attacks through the client use
 * a repository served from a temporary directory and a metadata directory
 * on disk, restarted between runs.
 */
#include "tests/unit/tuf_fixture.h"

#include "client/metadata/tufclient.h"
#include "port/ban.h"

/* A trusted set with the standard repository loaded up to targets. */
static struct au_trusted *
loaded(struct repo *r)
{
	struct au_trusted *t;

	repo_make(r);
	t = trusted(&r->root);
	if (t != NULL && (upd_ts(t, &r->ts, NULL) != AU_OK ||
	    upd_sn(t, &r->sn) != AU_OK || upd_tg(t, &r->tg) != AU_OK)) {
		au_trusted_free(t);
		t = NULL;
	}
	return t;
}

/* ---- rollback ---- */

TEST(rollback_root)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct blob v2 = seal(root_signed(2, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
	struct blob v1again = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);

	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_root(t, v2.p, v2.len, NULL), AU_OK);
	CHECK_EQ(au_trusted_update_root(t, v1again.p, v1again.len, NULL),
	    AU_EMETA_ROLLBACK);
	CHECK_EQ(au_trusted_update_root(t, v2.p, v2.len, NULL), AU_EMETA_ROLLBACK);
	CHECK_EQ(au_trusted_root_version(t), 2);
	blob_free(&v2);
	blob_free(&v1again);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(rollback_timestamp)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct blob v2 = seal(ts_signed(2, FUT, 1, NULL), TS, -1);

	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &v2, NULL), AU_OK);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_EMETA_ROLLBACK);
	blob_free(&v2);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(rollback_snapshot)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct blob sn2 = seal(sn_signed(2, FUT, 1, NULL), SN, -1);
	struct blob ts2 = seal(ts_signed(2, FUT, 2, &sn2), TS, -1);
	struct blob ts3 = seal(ts_signed(3, FUT, 1, &r.sn), TS, -1);

	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn2), AU_OK);
	/* a newer timestamp naming the older snapshot */
	CHECK_EQ(upd_ts(t, &ts3, NULL), AU_EMETA_ROLLBACK);
	blob_free(&sn2);
	blob_free(&ts2);
	blob_free(&ts3);
	au_trusted_free(t);
	repo_free(&r);
}

TEST(rollback_targets)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct blob tg2 = seal(tg_signed(2, FUT), TG, -1);
	struct blob sn2 = seal(sn_signed(2, FUT, 2, &tg2), SN, -1);
	struct blob ts2 = seal(ts_signed(2, FUT, 2, &sn2), TS, -1);
	struct blob sn3 = seal(sn_signed(3, FUT, 1, &r.tg), SN, -1);
	struct blob ts3 = seal(ts_signed(3, FUT, 3, &sn3), TS, -1);

	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn2), AU_OK);
	CHECK_EQ(upd_tg(t, &tg2), AU_OK);
	/* snapshot v3 names targets v1 again: refused before targets is read */
	CHECK_EQ(upd_ts(t, &ts3, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn3), AU_EMETA_ROLLBACK);
	blob_free(&tg2);
	blob_free(&sn2);
	blob_free(&ts2);
	blob_free(&sn3);
	blob_free(&ts3);
	au_trusted_free(t);
	repo_free(&r);
}

/* A role listed by the trusted snapshot disappears from the next one. */
TEST(role_removed_from_snapshot)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	json_t *meta = json_pack("{s:o, s:o}", "targets.json", metafile(1, NULL),
	    "team.json", metafile(1, NULL));
	struct blob sn2 = seal(snm_signed(2, FUT, meta), SN, -1);
	struct blob sn3 = seal(sn_signed(3, FUT, 1, NULL), SN, -1);
	struct blob ts2 = seal(ts_signed(2, FUT, 2, NULL), TS, -1);
	struct blob ts3 = seal(ts_signed(3, FUT, 3, NULL), TS, -1);

	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn2), AU_OK);
	CHECK_EQ(upd_ts(t, &ts3, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn3), AU_EMETA_ROLLBACK);
	blob_free(&sn2);
	blob_free(&sn3);
	blob_free(&ts2);
	blob_free(&ts3);
	au_trusted_free(t);
	repo_free(&r);
}

/* Publish the standard chain at version v of timestamp/snapshot/targets. */
static void
publish_v(struct srv *s, int64_t v, const char *ts_exp)
{
	struct blob root, tg, sn, ts;
	char f[64], rp[600];

	root = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
	snprintf(rp, sizeof(rp), "%s/root.json", s->dir);
	if (au_file_replace(rp, root.p, root.len, 0644, NULL) != 0)
		abort();
	tg = seal(tg_signed(v, FUT), TG, -1);
	sn = seal(sn_signed(v, FUT, v, &tg), SN, -1);
	ts = seal(ts_signed(v, ts_exp, v, &sn), TS, -1);
	snprintf(f, sizeof(f), "%lld.targets.json", (long long)v);
	srv_put(s, f, &tg);
	snprintf(f, sizeof(f), "%lld.snapshot.json", (long long)v);
	srv_put(s, f, &sn);
	srv_put(s, "timestamp.json", &ts);
	blob_free(&root);
	blob_free(&tg);
	blob_free(&sn);
	blob_free(&ts);
}

/* One run: open, refresh, persist when it succeeded; the refresh code. */
static int
run(struct srv *s, enum au_tuf_persist mode, int64_t *root_version)
{
	int rc = -1;
	struct au_tuf_client *c = srv_client(s, mode, &rc);

	if (c == NULL)
		return -9999;
	if (rc == 0 && au_tuf_persist(c, NULL) != 0)
		rc = -9998;
	if (root_version != NULL)
		*root_version = au_trusted_root_version(au_tuf_trusted(c));
	au_tuf_free(c);
	return rc;
}

TEST(rollback_across_runs)
{
	struct srv s;
	struct blob before;

	srv_init(&s);
	publish_v(&s, 2, FUT);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_AT_END, NULL), AU_OK);
	before = srv_local(&s, "timestamp.json");
	REQUIRE(before.p != NULL);
	/* the next run is served the older (still validly signed) v1 chain */
	publish_v(&s, 1, FUT);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_AT_END, NULL), AU_EMETA_ROLLBACK);
	CHECK(srv_local_is(&s, "timestamp.json", &before));
	blob_free(&before);
	srv_done(&s);
}

TEST(rollback_delegated_role)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	json_t *m2 = json_pack("{s:o, s:o}", "targets.json", metafile(1, NULL),
	    "team.json", metafile(2, NULL));
	json_t *m3 = json_pack("{s:o, s:o}", "targets.json", metafile(1, NULL),
	    "team.json", metafile(1, NULL));
	struct blob sn2 = seal(snm_signed(2, FUT, m2), SN, -1);
	struct blob sn3 = seal(snm_signed(3, FUT, m3), SN, -1);
	struct blob ts2 = seal(ts_signed(2, FUT, 2, NULL), TS, -1);
	struct blob ts3 = seal(ts_signed(3, FUT, 3, NULL), TS, -1);

	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn2), AU_OK);
	CHECK_EQ(upd_ts(t, &ts3, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn3), AU_EMETA_ROLLBACK);	/* team.json 2 -> 1 */
	blob_free(&sn2);
	blob_free(&sn3);
	blob_free(&ts2);
	blob_free(&ts3);
	au_trusted_free(t);
	repo_free(&r);
}

/* ---- freeze and mix-and-match ---- */

TEST(freeze_replayed_expired_metadata)
{
	struct srv s;
	struct blob before;

	srv_init(&s);
	publish_v(&s, 1, FUT);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_AT_END, NULL), AU_OK);
	before = srv_local(&s, "timestamp.json");
	/* a mirror keeps serving v2 metadata after it expired */
	publish_v(&s, 2, PAST);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_AT_END, NULL), AU_EMETA_EXPIRED);
	CHECK(srv_local_is(&s, "timestamp.json", &before));
	blob_free(&before);
	srv_done(&s);
}

TEST(mix_and_match)
{
	struct repo r;
	struct au_trusted *t;
	struct blob tg2 = seal(tg_signed(2, FUT), TG, -1);
	struct blob sn2 = seal(sn_signed(2, FUT, 2, &tg2), SN, -1);
	struct blob ts2 = seal(ts_signed(2, FUT, 2, &sn2), TS, -1);

	repo_make(&r);
	/* timestamp v1 with the snapshot of v2: hash (and version) differ */
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn2), AU_EMETA_HASH);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	/* snapshot v1 with the targets of v2 */
	CHECK_EQ(upd_tg(t, &tg2), AU_EMETA_HASH);
	au_trusted_free(t);
	/* timestamp v2 and snapshot v2, then targets v1 */
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts2, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &sn2), AU_OK);
	CHECK_EQ(upd_tg(t, &r.tg), AU_EMETA_HASH);
	au_trusted_free(t);
	blob_free(&tg2);
	blob_free(&sn2);
	blob_free(&ts2);
	repo_free(&r);
}

/* ---- fake thresholds ---- */

/* Root v1 with root role keys A and B (keyids a, b), threshold 2. */
static json_t *
root2(const char *ida, int ka, const char *idb, int kb)
{
	json_t *s = root_signed(1, FUT, 2, R0, R1, TS, SN, TG);
	json_t *keys = json_object_get(s, "keys");

	json_object_set_new(keys, ida, key_json(ka));
	json_object_set_new(keys, idb, key_json(kb));
	json_object_set_new(json_object_get(json_object_get(s, "roles"), "root"),
	    "keyids", json_pack("[s,s]", ida, idb));
	return s;
}

TEST(fake_threshold)
{
	const char *a = "aa00000000000000000000000000000000000000000000000000000000000000";
	const char *b = "bb00000000000000000000000000000000000000000000000000000000000000";
	json_t *env;

	/* duplicate keys: one key listed under two keyids, signed under both */
	env = envelope(root2(a, R0, b, R0));
	add_sig(env, a, R0);
	add_sig(env, b, R0);
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_SIG);
	/* duplicate signatures: the same keyid twice makes the document invalid */
	env = envelope(root_signed(1, FUT, 2, R0, R1, TS, SN, TG));
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R0].id, R0);
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_MALFORMED);
	/* duplicate keyids in a role: the metadata is invalid */
	env = root_signed(1, FUT, 2, R0, R1, TS, SN, TG);
	json_object_set_new(json_object_get(json_object_get(env, "roles"), "root"),
	    "keyids", json_pack("[s,s]", K[R0].id, K[R0].id));
	CHECK_EQ(new_root_rc(seal(env, R0, R1)), AU_EMETA_MALFORMED);
	/* control: two distinct keys meet the threshold */
	env = envelope(root2(a, R0, b, R1));
	add_sig(env, a, R0);
	add_sig(env, b, R1);
	CHECK_EQ(new_root_rc(dump(env)), AU_OK);
}

/*
 * The suite's test_duplicate_sig_keyids: snapshot's valid signature listed
 * twice.  The threshold is met, but the snapshot is refused, never trusted,
 * and the client stores nothing of it.
 */
TEST(duplicate_signature_keyids_snapshot)
{
	struct repo r;
	struct au_trusted *t;
	struct srv s;
	struct au_tuf_client *c;
	struct blob dup, ts, stored;
	json_t *env;
	int rc = -1;

	repo_make(&r);
	env = envelope(sn_signed(1, FUT, 1, &r.tg));
	add_sig(env, K[SN].id, SN);
	add_sig(env, K[SN].id, SN);
	dup = dump(env);
	ts = seal(ts_signed(1, FUT, 1, &dup), TS, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &dup), AU_EMETA_MALFORMED);
	CHECK_EQ(au_trusted_role_info(t, "snapshot", NULL, NULL),
	    AU_EMETA_NOTARGET);
	au_trusted_free(t);
	/* through the client */
	srv_init(&s);
	srv_publish(&s, tgd_signed(1, FUT, "a", "a", NULL), NULL, 0, 0);
	env = envelope(sn_signed(1, FUT, 1, NULL));
	add_sig(env, K[SN].id, SN);
	add_sig(env, K[SN].id, SN);
	blob_free(&dup);
	blob_free(&ts);
	dup = dump(env);
	ts = seal(ts_signed(1, FUT, 1, &dup), TS, -1);
	srv_put(&s, "1.snapshot.json", &dup);
	srv_put(&s, "timestamp.json", &ts);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_EMETA_MALFORMED);
	CHECK(srv_local_is(&s, "timestamp.json", &ts));
	stored = srv_local(&s, "snapshot.json");
	CHECK(stored.p == NULL);
	blob_free(&stored);
	au_tuf_free(c);
	srv_done(&s);
	blob_free(&dup);
	blob_free(&ts);
	repo_free(&r);
}

static struct blob
root_thr(json_t *thr)
{
	json_t *s = root_signed(1, FUT, 2, R0, R1, TS, SN, TG);

	json_object_set_new(json_object_get(json_object_get(s, "roles"),
	    "timestamp"), "threshold", thr);
	return seal(s, R0, R1);
}

TEST(bad_thresholds)
{
	CHECK_EQ(new_root_rc(root_thr(json_integer(0))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_thr(json_integer(-1))), AU_EMETA_MALFORMED);
	/* above its 1 key: the root is valid, the timestamp role unverifiable */
	CHECK_EQ(new_root_rc(root_thr(json_integer(2))), AU_OK);
	CHECK_EQ(new_root_rc(root_thr(json_string("1"))), AU_EMETA_MALFORMED);
	CHECK_EQ(new_root_rc(root_thr(json_integer(1))), AU_OK);
}

/* ---- root rotation ---- */

TEST(rotation_signatures)
{
	struct repo r;
	struct au_trusted *t;
	struct blob only_old, only_new, dup_new;
	json_t *s, *env;
	const char *alias = "cc00000000000000000000000000000000000000000000000000000000000000";

	repo_make(&r);
	/* v2 moves the root role to NR and R1, threshold 2 */
	only_old = seal(root_signed(2, FUT, 2, NR, R1, TS, SN, TG), R0, -1);
	only_new = seal(root_signed(2, FUT, 2, NR, R1, TS, SN, TG), NR, R1);
	/* old key, plus NR listed under two keyids and signed under both */
	s = root_signed(2, FUT, 2, NR, R1, TS, SN, TG);
	json_object_set_new(json_object_get(s, "keys"), alias, key_json(NR));
	json_object_set_new(json_object_get(json_object_get(s, "roles"), "root"),
	    "keyids", json_pack("[s,s]", K[NR].id, alias));
	env = envelope(s);
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[NR].id, NR);
	add_sig(env, alias, NR);
	dup_new = dump(env);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_root(t, only_old.p, only_old.len, NULL),
	    AU_EMETA_SIG);
	CHECK_EQ(au_trusted_update_root(t, only_new.p, only_new.len, NULL),
	    AU_EMETA_SIG);
	CHECK_EQ(au_trusted_update_root(t, dup_new.p, dup_new.len, NULL),
	    AU_EMETA_SIG);
	CHECK_EQ(au_trusted_root_version(t), 1);
	au_trusted_free(t);
	blob_free(&only_old);
	blob_free(&only_new);
	blob_free(&dup_new);
	repo_free(&r);
}

/* A failed rotation, then an honest server and a restart: v1 still trusted. */
static void
failed_rotation_then_honest(enum au_tuf_persist mode)
{
	struct srv s;
	struct blob bad, v1;
	int64_t rv = 0;

	srv_init(&s);
	publish_v(&s, 1, FUT);
	/* an attacker's v2, signed only by its own new key */
	bad = seal(root_signed(2, FUT, 1, X, -1, TS, SN, TG), X, -1);
	srv_put(&s, "2.root.json", &bad);
	CHECK_EQ(run(&s, mode, &rv), AU_EMETA_SIG);
	CHECK_EQ(rv, 1);
	v1 = srv_local(&s, "root.json");
	CHECK(v1.p == NULL);	/* nothing was ever stored but v1 */
	srv_del(&s, "2.root.json");
	CHECK_EQ(run(&s, mode, &rv), AU_OK);
	CHECK_EQ(rv, 1);
	/* the restart reads the stored root: v1, and the bad v2 is refused again */
	srv_put(&s, "2.root.json", &bad);
	CHECK_EQ(run(&s, mode, &rv), AU_EMETA_SIG);
	CHECK_EQ(rv, 1);
	blob_free(&bad);
	srv_done(&s);
}

TEST(failed_rotation_then_restart_at_end)
{
	failed_rotation_then_honest(AU_TUF_PERSIST_AT_END);
}

TEST(failed_rotation_then_restart_each)
{
	failed_rotation_then_honest(AU_TUF_PERSIST_EACH);
}

/*
 * Roots 2..40 published, each signed by the previous and its own key; 2 and
 * 3 expired (intermediate: fine).  One run takes AU_TUF_ROOT_ROTATIONS_MAX;
 * an expired final root is refused.
 */
TEST(rotation_cap_and_expiry)
{
	struct srv s;
	struct blob b;
	char f[32];
	int64_t rv = 0;
	int v;

	srv_init(&s);
	publish_v(&s, 1, FUT);
	for (v = 2; v <= 40; v++) {
		b = seal(root_signed(v, v <= 3 ? PAST : FUT, 1, R0, -1, TS, SN, TG),
		    R0, -1);
		snprintf(f, sizeof(f), "%d.root.json", v);
		srv_put(&s, f, &b);
		blob_free(&b);
	}
	CHECK_EQ(run(&s, AU_TUF_PERSIST_EACH, &rv), AU_OK);
	CHECK_EQ(rv, 1 + AU_TUF_ROOT_ROTATIONS_MAX);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_EACH, &rv), AU_OK);
	CHECK_EQ(rv, 40);
	/* the final root expired: refused after the rotation */
	b = seal(root_signed(41, PAST, 1, R0, -1, TS, SN, TG), R0, -1);
	srv_put(&s, "41.root.json", &b);
	blob_free(&b);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_EACH, &rv), AU_EMETA_EXPIRED);
	srv_done(&s);
}

/* Root v with the snapshot role's threshold set to thr (1 key), signed by R0. */
static struct blob
root_snapshot_thr(int64_t v, int thr)
{
	json_t *s = root_signed(v, FUT, 1, R0, -1, TS, SN, TG);

	json_object_set_new(json_object_get(json_object_get(s, "roles"),
	    "snapshot"), "threshold", json_integer(thr));
	return seal(s, R0, -1);
}

/*
 * A publisher's mistake: root v2 sets the snapshot threshold above its keys,
 * v3 fixes it.  v2 is a valid root (python-tuf, the suite's
 * test_snapshot_has_too_few_keys): it is trusted and only the snapshot it
 * cannot verify is refused, so a device walks v2 to reach v3.  A root
 * whose own root threshold exceeds its keys still fails its self-signature.
 */
TEST(unmeetable_role_threshold_then_fixed)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct blob v2 = root_snapshot_thr(2, 2), v3 = root_snapshot_thr(3, 1);
	struct blob selfish = seal(root_signed(2, FUT, 2, R0, -1, TS, SN, TG), R0,
	    -1);
	struct srv s;
	int64_t rv = 0;
	int mode;

	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_root(t, selfish.p, selfish.len, NULL),
	    AU_EMETA_SIG);
	CHECK_EQ(au_trusted_update_root(t, v2.p, v2.len, NULL), AU_OK);
	CHECK_EQ(au_trusted_root_version(t), 2);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_EMETA_SIG);
	CHECK_EQ(au_trusted_role_info(t, "snapshot", NULL, NULL),
	    AU_EMETA_NOTARGET);
	au_trusted_free(t);
	for (mode = 0; mode < 2; mode++) {
		srv_init(&s);
		publish_v(&s, 1, FUT);
		srv_put(&s, "2.root.json", &v2);
		CHECK_EQ(run(&s, mode ? AU_TUF_PERSIST_EACH : AU_TUF_PERSIST_AT_END,
		    &rv), AU_EMETA_SIG);
		CHECK_EQ(rv, 2);
		if (mode)	/* stored as soon as verified */
			CHECK(srv_local_is(&s, "root.json", &v2));
		srv_put(&s, "3.root.json", &v3);
		CHECK_EQ(run(&s, mode ? AU_TUF_PERSIST_EACH : AU_TUF_PERSIST_AT_END,
		    &rv), AU_OK);
		CHECK_EQ(rv, 3);
		srv_done(&s);
	}
	blob_free(&v2);
	blob_free(&v3);
	blob_free(&selfish);
	repo_free(&r);
}

/* ---- size caps ---- */

/* Role document whose "pad" field makes it exactly over cap bytes. */
static struct blob
padded(json_t *s, size_t cap, int signer)
{
	struct blob b = seal(json_deep_copy(s), signer, -1);
	size_t n = cap + 1 > b.len ? cap + 1 - b.len : 1;
	char *pad = malloc(n + 1);

	memset(pad, 'p', n);
	pad[n] = '\0';
	blob_free(&b);
	json_object_set_new(s, "pad", json_string(pad));
	free(pad);
	b = seal(s, signer, -1);
	return b;
}

TEST(metadata_over_its_cap)
{
	struct repo r;
	struct au_trusted *t;
	struct blob big;

	repo_make(&r);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	big = padded(root_signed(2, FUT, 1, R0, -1, TS, SN, TG), AU_ROOT_MAX_BYTES, R0);
	CHECK(big.len > AU_ROOT_MAX_BYTES);
	CHECK_EQ(au_trusted_update_root(t, big.p, big.len, NULL), AU_EMETA_TOOBIG);
	blob_free(&big);
	big = padded(ts_signed(2, FUT, 1, NULL), AU_TIMESTAMP_MAX_BYTES, TS);
	CHECK_EQ(upd_ts(t, &big, NULL), AU_EMETA_TOOBIG);
	blob_free(&big);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	big = padded(sn_signed(1, FUT, 1, NULL), AU_SNAPSHOT_MAX_BYTES, SN);
	CHECK_EQ(upd_sn(t, &big), AU_EMETA_TOOBIG);
	blob_free(&big);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	big = padded(tg_signed(1, FUT), AU_TARGETS_MAX_BYTES, TG);
	CHECK_EQ(upd_tg(t, &big), AU_EMETA_TOOBIG);
	blob_free(&big);
	au_trusted_free(t);
	repo_free(&r);
}

/* Through the client: a fetch over the role's cap is AU_EMETA_TOOBIG. */
TEST(endless_timestamp_through_client)
{
	struct srv s;
	struct blob big;

	srv_init(&s);
	publish_v(&s, 1, FUT);
	big = padded(ts_signed(1, FUT, 1, NULL), AU_TIMESTAMP_MAX_BYTES, TS);
	srv_put(&s, "timestamp.json", &big);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_EACH, NULL), AU_EMETA_TOOBIG);
	blob_free(&big);
	srv_done(&s);
}

/* ---- a timestamp that changes without a version bump ---- */

TEST(timestamp_changed_same_version)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct blob same_v = seal(ts_signed(1, FUT, 7, NULL), TS, -1);
	struct srv s;
	struct blob before;
	int unchanged = -1;

	REQUIRE(t != NULL);
	CHECK_EQ(upd_ts(t, &same_v, &unchanged), AU_OK);
	CHECK_EQ(unchanged, 1);	/* the new bytes are discarded */
	CHECK_EQ(au_trusted_snapshot_version(t), 1);
	au_trusted_free(t);
	repo_free(&r);
	/* through the client: the stored timestamp is not replaced */
	srv_init(&s);
	publish_v(&s, 1, FUT);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_EACH, NULL), AU_OK);
	before = srv_local(&s, "timestamp.json");
	srv_put(&s, "timestamp.json", &same_v);
	CHECK_EQ(run(&s, AU_TUF_PERSIST_EACH, NULL), AU_OK);
	CHECK(srv_local_is(&s, "timestamp.json", &before));
	blob_free(&before);
	blob_free(&same_v);
	srv_done(&s);
}

/* ---- targets ---- */

TEST(target_with_only_unknown_hash)
{
	struct repo r;
	struct au_trusted *t = loaded(&r);
	struct au_target tg;

	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_find_target(t, "only-unknown.bin", &tg, NULL),
	    AU_EART_HASHALG);
	au_trusted_free(t);
	repo_free(&r);
}

/* A delegated role lists a target outside the paths it was delegated. */
TEST(delegated_role_signing_outside_its_paths)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[1];
	int rc = -1;

	srv_init(&s);
	d[0] = (struct drole){ "team", tgd_signed(1, FUT, "policy/x", "evil",
	    NULL), D1, 0 };
	srv_publish(&s, tgd_signed(1, FUT, "policy/y", "ok", delegations(D1, -1,
	    -1, json_pack("[o]", deleg_role("team", 1, D1, -1, json_pack("[s]",
	    "models/*"), 0)))), d, 1, 1);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	CHECK_EQ(find_rc(c, "policy/x", NULL), AU_EMETA_NOTARGET);
	CHECK_EQ(find_rc(c, "policy/y", NULL), AU_OK);
	au_tuf_free(c);
	srv_done(&s);
}

TEST(delegated_role_expired)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[1];
	int rc = -1;

	srv_init(&s);
	d[0] = (struct drole){ "team", tgd_signed(1, PAST, "models/m", "m",
	    NULL), D1, 0 };
	srv_publish(&s, tgd_signed(1, FUT, NULL, NULL, delegations(D1, -1, -1,
	    json_pack("[o]", deleg_role("team", 1, D1, -1, json_pack("[s]",
	    "models/*"), 0)))), d, 1, 1);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	CHECK_EQ(find_rc(c, "models/m", NULL), AU_EMETA_EXPIRED);
	CHECK(srv_local(&s, "team.json").p == NULL);	/* never stored */
	au_tuf_free(c);
	srv_done(&s);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	keys_init();
	RUN(rollback_root);
	RUN(rollback_timestamp);
	RUN(rollback_snapshot);
	RUN(rollback_targets);
	RUN(role_removed_from_snapshot);
	RUN(rollback_across_runs);
	RUN(rollback_delegated_role);
	RUN(freeze_replayed_expired_metadata);
	RUN(mix_and_match);
	RUN(fake_threshold);
	RUN(duplicate_signature_keyids_snapshot);
	RUN(bad_thresholds);
	RUN(rotation_signatures);
	RUN(failed_rotation_then_restart_at_end);
	RUN(failed_rotation_then_restart_each);
	RUN(rotation_cap_and_expiry);
	RUN(unmeetable_role_threshold_then_fixed);
	RUN(metadata_over_its_cap);
	RUN(endless_timestamp_through_client);
	RUN(timestamp_changed_same_version);
	RUN(target_with_only_unknown_hash);
	RUN(delegated_role_signing_outside_its_paths);
	RUN(delegated_role_expired);
	return harness_done();
}
