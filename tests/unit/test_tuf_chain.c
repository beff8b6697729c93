/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_tuf_chain.c - TUF 5.4-5.6 in manifest/tuf.h: timestamp,
 * snapshot and targets ordering, caps, expiry, rollback, hashes, and a newer
 * chain fed over a stored one.
 */
#include "tests/unit/tuf_fixture.h"
#include "port/ban.h"

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

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	keys_init();
	RUN(oversized_timestamp_refused);
	RUN(expired_refused);
	RUN(timestamp_rollback_refused);
	RUN(snapshot_rollback_refused);
	RUN(snapshot_version_must_match_timestamp);
	RUN(snapshot_hash_mismatch_refused);
	RUN(targets_checks);
	RUN(newer_chain_over_stored_chain);
	return harness_done();
}
