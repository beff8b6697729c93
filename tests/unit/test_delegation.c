/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_delegation.c - delegated targets (TUF 1.0 4.5, 5.6.7):
 * path patterns, path_hash_prefixes, verification of a delegated role
 * against its delegator (manifest/tuf.h), and the client's pre-order
 * depth-first walk with terminating roles, cycles, the visit cap and
 * storage of delegated roles (client/metadata/tufclient.h), served from a temporary
 * directory.
 */
#include "tests/unit/tuf_fixture.h"

#include "client/metadata/tufclient.h"
#include "port/ban.h"

/* python-tuf _is_target_in_pathpattern, on fnmatch.fnmatchcase per part. */
TEST(path_patterns)
{
	static const struct { const char *pat, *name; int want; } c[] = {
		{ "*", "a", 1 }, { "*", "a/b", 0 }, { "a/*", "a/b", 1 },
		{ "a/*", "a/b/c", 0 }, { "*/*", "a/b", 1 }, { "a/*", "b/a", 0 },
		{ "a/?.bin", "a/x.bin", 1 }, { "a/?.bin", "a/xy.bin", 0 },
		{ "[ab]*", "bq", 1 }, { "[!ab]*", "bq", 0 }, { "[!ab]*", "cq", 1 },
		{ "[a-c]x", "bx", 1 }, { "[a-c]x", "dx", 0 }, { "[", "[", 1 },
		{ "*.tgz", "x.tgz", 1 }, { "*.tgz", "x.tgz.sig", 0 },
		{ "A*", "a", 0 }, { "**", "abc", 1 }, { "a*b*c", "axxbyyc", 1 },
		{ "a*b*c", "axxbyy", 0 }, { "models/*.traineddata",
		    "models/eng.traineddata", 1 }, { "", "", 1 }, { "", "a", 0 },
		{ "a/", "a/", 1 }, { "*", "", 1 }, { "?", "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (au_tuf_path_match(c[i].pat, c[i].name) != c[i].want)
			fprintf(stderr, "  pattern \"%s\" name \"%s\": want %d\n",
			    c[i].pat, c[i].name, c[i].want);
		CHECK_EQ(au_tuf_path_match(c[i].pat, c[i].name), c[i].want);
	}
}

/* A repo in memory: targets delegates "team" (key D1, paths models/ *). */
struct drepo {
	struct blob root, ts, sn, tg, team;
};

static void
drepo_make(struct drepo *r, json_t *team_signed, int team_signer,
    int64_t meta_version)
{
	json_t *meta;

	r->tg = seal(tgd_signed(1, FUT, NULL, NULL, delegations(D1, -1, -1,
	    json_pack("[o]", deleg_role("team", 1, D1, -1,
	    json_pack("[s]", "models/*"), 0)))), TG, -1);
	r->team = seal(team_signed, team_signer, -1);
	meta = json_pack("{s:o, s:o}", "targets.json", metafile(1, &r->tg),
	    "team.json", metafile(meta_version, &r->team));
	r->sn = seal(snm_signed(1, FUT, meta), SN, -1);
	r->ts = seal(ts_signed(1, FUT, 1, &r->sn), TS, -1);
	r->root = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
}

static void
drepo_free(struct drepo *r)
{
	blob_free(&r->root);
	blob_free(&r->ts);
	blob_free(&r->sn);
	blob_free(&r->tg);
	blob_free(&r->team);
}

/* The chain up to targets loaded; then team fed in; returns its code. */
static int
team_rc(json_t *team_signed, int signer, int64_t meta_version, int64_t now)
{
	struct drepo r;
	struct au_trusted *t;
	struct au_target tg;
	int rc = -9999;

	drepo_make(&r, team_signed, signer, meta_version);
	t = trusted(&r.root);
	if (t != NULL && upd_ts(t, &r.ts, NULL) == AU_OK &&
	    upd_sn(t, &r.sn) == AU_OK && upd_tg(t, &r.tg) == AU_OK) {
		rc = au_trusted_update_delegated(t, "team", "targets", r.team.p,
		    r.team.len, now, NULL);
		if (rc == AU_OK && au_trusted_role_target(t, "team",
		    "models/m.bin", &tg, NULL) == AU_OK) {
			CHECK_EQ(tg.length, 5);
			au_target_clear(&tg);
		}
	}
	au_trusted_free(t);
	drepo_free(&r);
	return rc;
}

TEST(delegated_role_verified_against_delegator)
{
	CHECK_EQ(team_rc(tgd_signed(1, FUT, "models/m.bin", "model", NULL), D1, 1,
	    NOW), AU_OK);
	/* signed by a key the delegator did not name */
	CHECK_EQ(team_rc(tgd_signed(1, FUT, "models/m.bin", "model", NULL), D2, 1,
	    NOW), AU_EMETA_SIG);
	/* signed by the top-level targets key: not a key of this delegation */
	CHECK_EQ(team_rc(tgd_signed(1, FUT, "models/m.bin", "model", NULL), TG, 1,
	    NOW), AU_EMETA_SIG);
	/* version other than the snapshot's */
	CHECK_EQ(team_rc(tgd_signed(1, FUT, "models/m.bin", "model", NULL), D1, 2,
	    NOW), AU_EMETA_VERSION);
	/* expired (expires <= now) */
	CHECK_EQ(team_rc(tgd_signed(1, PAST, "models/m.bin", "model", NULL), D1, 1,
	    NOW), AU_EMETA_EXPIRED);
	CHECK_EQ(team_rc(tgd_signed(1, FUT, "models/m.bin", "model", NULL), D1, 1,
	    1893456000), AU_EMETA_EXPIRED);
	/* a snapshot role rather than a targets role */
	CHECK_EQ(team_rc(snm_signed(1, FUT, json_object()), D1, 1, NOW),
	    AU_EMETA_TYPE);
}

TEST(delegated_role_preconditions)
{
	struct drepo r;
	struct au_trusted *t;
	struct blob other;

	drepo_make(&r, tgd_signed(1, FUT, "models/m.bin", "model", NULL), D1, 1);
	other = seal(tgd_signed(1, FUT, "models/m.bin", "mode1", NULL), D1, -1);
	t = trusted(&r.root);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_delegated(t, "team", "targets", r.team.p,
	    r.team.len, NOW, NULL), AU_EINTERNAL);	/* nothing loaded */
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	CHECK_EQ(upd_tg(t, &r.tg), AU_OK);
	CHECK_EQ(au_trusted_update_delegated(t, "team", "nobody", r.team.p,
	    r.team.len, NOW, NULL), AU_EINTERNAL);	/* delegator not loaded */
	CHECK_EQ(au_trusted_update_delegated(t, "other", "targets", r.team.p,
	    r.team.len, NOW, NULL), AU_EMETA_NOTARGET);	/* not delegated */
	/* signed by the right key, but not the bytes the snapshot lists */
	CHECK_EQ(au_trusted_update_delegated(t, "team", "targets", other.p,
	    other.len, NOW, NULL), AU_EMETA_HASH);
	CHECK_EQ(au_trusted_has_role(t, "team"), 0);
	CHECK_EQ(au_trusted_role_meta(t, "team", NULL), 1);
	CHECK_EQ(au_trusted_role_meta(t, "absent", NULL), -1);
	CHECK_EQ(au_trusted_update_delegated(t, "team", "targets", r.team.p,
	    r.team.len, NOW, NULL), AU_OK);
	CHECK_EQ(au_trusted_has_role(t, "team"), 1);
	/* a new snapshot drops every delegated role */
	blob_free(&r.ts);
	r.ts = seal(ts_signed(2, FUT, 1, &r.sn), TS, -1);
	CHECK_EQ(upd_ts(t, &r.ts, NULL), AU_OK);
	CHECK_EQ(upd_sn(t, &r.sn), AU_OK);
	CHECK_EQ(au_trusted_has_role(t, "team"), 0);
	blob_free(&other);
	au_trusted_free(t);
	drepo_free(&r);
}

/* Top-level targets with delegations d: the code of loading it. */
static int
targets_with_delegations_rc(json_t *d)
{
	struct repo r;
	struct au_trusted *t;
	int rc = -9999;

	repo_make(&r);
	blob_free(&r.tg);
	blob_free(&r.sn);
	blob_free(&r.ts);
	r.tg = seal(tgd_signed(1, FUT, NULL, NULL, d), TG, -1);
	r.sn = seal(sn_signed(1, FUT, 1, &r.tg), SN, -1);
	r.ts = seal(ts_signed(1, FUT, 1, &r.sn), TS, -1);
	t = trusted(&r.root);
	if (t != NULL && upd_ts(t, &r.ts, NULL) == AU_OK &&
	    upd_sn(t, &r.sn) == AU_OK)
		rc = upd_tg(t, &r.tg);
	au_trusted_free(t);
	repo_free(&r);
	return rc;
}

TEST(delegations_must_be_well_formed)
{
	json_t *role;

#define ONE(r) delegations(D1, -1, -1, json_pack("[o]", (r)))
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("ok", 1, D1, -1,
	    json_pack("[s]", "*"), 0))), AU_OK);
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("root", 1, D1, -1,
	    json_pack("[s]", "*"), 0))), AU_EMETA_MALFORMED);
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("", 1, D1, -1,
	    json_pack("[s]", "*"), 0))), AU_EMETA_MALFORMED);
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("t0", 0, D1, -1,
	    json_pack("[s]", "*"), 0))), AU_EMETA_MALFORMED);
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("t2", 2, D1, -1,
	    json_pack("[s]", "*"), 0))), AU_EMETA_MALFORMED);
	role = deleg_role("both", 1, D1, -1, json_pack("[s]", "*"), 0);
	json_object_set_new(role, "path_hash_prefixes", json_pack("[s]", "ab"));
	CHECK_EQ(targets_with_delegations_rc(ONE(role)), AU_EMETA_MALFORMED);
	role = deleg_role("neither", 1, D1, -1, json_pack("[s]", "*"), 0);
	json_object_del(role, "paths");
	CHECK_EQ(targets_with_delegations_rc(ONE(role)), AU_EMETA_MALFORMED);
	role = deleg_role("noterm", 1, D1, -1, json_pack("[s]", "*"), 0);
	json_object_del(role, "terminating");
	CHECK_EQ(targets_with_delegations_rc(ONE(role)), AU_EMETA_MALFORMED);
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("badpath", 1, D1, -1,
	    json_pack("[i]", 1), 0))), AU_EMETA_MALFORMED);
	CHECK_EQ(targets_with_delegations_rc(delegations(D1, -1, -1, json_pack(
	    "[o,o]", deleg_role("dup", 1, D1, -1, json_pack("[s]", "*"), 0),
	    deleg_role("dup", 1, D1, -1, json_pack("[s]", "*"), 0)))),
	    AU_EMETA_MALFORMED);
#undef ONE
}

/* ---- the client walk ---- */

TEST(preorder_dfs_and_storage)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[3];
	struct blob want;
	uint64_t len = 0;
	int rc = -1;

	srv_init(&s);
	/* targets -> [A (a/ *), B (a/ *)]; A -> [C (a/c*)]; C and B both list a/cc */
	d[0] = (struct drole){ "A", tgd_signed(1, FUT, NULL, NULL, delegations(D3,
	    -1, -1, json_pack("[o]", deleg_role("C", 1, D3, -1, json_pack("[s]",
	    "a/c*"), 0)))), D1, 0 };
	d[1] = (struct drole){ "B", tgd_signed(1, FUT, "a/cc", "from-B!", NULL),
	    D2, 0 };
	d[2] = (struct drole){ "C", tgd_signed(1, FUT, "a/cc", "from-C", NULL),
	    D3, 0 };
	srv_publish(&s, tgd_signed(1, FUT, "top.bin", "top", delegations(D1, D2,
	    -1, json_pack("[o,o]", deleg_role("A", 1, D1, -1, json_pack("[s]",
	    "a/*"), 0), deleg_role("B", 1, D2, -1, json_pack("[s]", "a/*"), 0)))),
	    d, 3, 1);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	CHECK_EQ(find_rc(c, "top.bin", &len), AU_OK);
	CHECK_EQ(find_rc(c, "a/cc", &len), AU_OK);
	CHECK_EQ(len, strlen("from-C"));	/* A's subtree before B */
	CHECK_EQ(find_rc(c, "a/none", NULL), AU_EMETA_NOTARGET);
	CHECK_EQ(find_rc(c, "b/cc", NULL), AU_EMETA_NOTARGET);
	/* stored unversioned, byte for byte as served */
	want = srv_local(&s, "A.json");
	CHECK(want.p != NULL);
	blob_free(&want);
	{
		char path[600];

		snprintf(path, sizeof(path), "%s/1.C.json", s.pub);
		REQUIRE(au_file_read_all(path, 1 << 20, &want.p, &want.len, NULL) == 0);
		CHECK(srv_local_is(&s, "C.json", &want));
		blob_free(&want);
	}
	au_tuf_free(c);
	/* a restart uses the stored roles: nothing delegated is fetched again */
	srv_del(&s, "1.A.json");
	srv_del(&s, "1.C.json");
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(find_rc(c, "a/cc", &len), AU_OK);
	CHECK_EQ(len, strlen("from-C"));
	au_tuf_free(c);
	srv_done(&s);
}

TEST(terminating_stops_backtracking)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[4];
	int rc = -1;

	srv_init(&s);
	/*
	 * targets -> [A (a/ *), B (* / *)]; A -> [C (a/ *, terminating), D (a/ *)].
	 * a/x is listed by B and D only: C terminates the search, so neither
	 * D nor B (waiting on the stack) is consulted.
	 */
	d[0] = (struct drole){ "A", tgd_signed(1, FUT, NULL, NULL, delegations(D3,
	    -1, -1, json_pack("[o,o]", deleg_role("C", 1, D3, -1, json_pack("[s]",
	    "a/*"), 1), deleg_role("D", 1, D3, -1, json_pack("[s]", "a/*"), 0)))),
	    D1, 0 };
	d[1] = (struct drole){ "B", tgd_signed(1, FUT, "a/x", "in-B", NULL), D2, 0 };
	d[2] = (struct drole){ "C", tgd_signed(1, FUT, "c/y", "in-C", NULL), D3, 0 };
	d[3] = (struct drole){ "D", tgd_signed(1, FUT, "a/x", "in-D", NULL), D3, 0 };
	srv_publish(&s, tgd_signed(1, FUT, NULL, NULL, delegations(D1, D2, -1,
	    json_pack("[o,o]", deleg_role("A", 1, D1, -1, json_pack("[s]", "a/*"),
	    0), deleg_role("B", 1, D2, -1, json_pack("[s]", "*/*"), 0)))), d, 4, 0);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	CHECK_EQ(find_rc(c, "a/x", NULL), AU_EMETA_NOTARGET);
	CHECK_EQ(find_rc(c, "b/x", NULL), AU_EMETA_NOTARGET);	/* B: not listed */
	CHECK_EQ(find_rc(c, "c/y", NULL), AU_EMETA_NOTARGET);	/* C not delegated c/ */
	au_tuf_free(c);
	srv_done(&s);
}

TEST(path_hash_prefixes_route)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[2];
	uint8_t h[32];
	char hex[65], pre[3], other[3];
	int rc = -1;

	crypto_hash_sha256(h, (const uint8_t *)"bin/x", 5);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	memcpy(pre, hex, 2);
	pre[2] = '\0';
	snprintf(other, sizeof(other), "%02x", (h[0] + 1) & 0xff);
	srv_init(&s);
	d[0] = (struct drole){ "wrongbin", tgd_signed(1, FUT, "bin/x", "bad", NULL),
	    D1, 0 };
	d[1] = (struct drole){ "bin", tgd_signed(1, FUT, "bin/x", "good!", NULL),
	    D2, 0 };
	srv_publish(&s, tgd_signed(1, FUT, NULL, NULL, delegations(D1, D2, -1,
	    json_pack("[{s:s, s:[s], s:i, s:[s], s:b}, {s:s, s:[s], s:i, s:[s], s:b}]",
	    "name", "wrongbin", "keyids", K[D1].id, "threshold", 1,
	    "path_hash_prefixes", other, "terminating", 0,
	    "name", "bin", "keyids", K[D2].id, "threshold", 1,
	    "path_hash_prefixes", pre, "terminating", 0))), d, 2, 1);
	c = srv_client(&s, AU_TUF_PERSIST_AT_END, &rc);
	REQUIRE(c != NULL);
	{
		uint64_t len = 0;

		CHECK_EQ(find_rc(c, "bin/x", &len), AU_OK);
		CHECK_EQ(len, 5);	/* "good!", not "bad" */
	}
	/* AT_END: nothing delegated stored until au_tuf_persist */
	CHECK(srv_local(&s, "bin.json").p == NULL);
	CHECK_EQ(au_tuf_persist(c, NULL), AU_OK);
	{
		struct blob b = srv_local(&s, "bin.json");

		CHECK(b.p != NULL);
		blob_free(&b);
	}
	au_tuf_free(c);
	srv_done(&s);
}

TEST(cycles_harmless_and_visits_capped)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[40];
	char names[40][8];
	int rc = -1, i, before;

	srv_init(&s);
	/* A <-> B: a cycle */
	d[0] = (struct drole){ "A", tgd_signed(1, FUT, NULL, NULL, delegations(D2,
	    -1, -1, json_pack("[o]", deleg_role("B", 1, D2, -1, json_pack("[s]",
	    "*"), 0)))), D1, 0 };
	d[1] = (struct drole){ "B", tgd_signed(1, FUT, NULL, NULL, delegations(D1,
	    -1, -1, json_pack("[o]", deleg_role("A", 1, D1, -1, json_pack("[s]",
	    "*"), 0)))), D2, 0 };
	srv_publish(&s, tgd_signed(1, FUT, NULL, NULL, delegations(D1, -1, -1,
	    json_pack("[o]", deleg_role("A", 1, D1, -1, json_pack("[s]", "*"),
	    0)))), d, 2, 0);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	before = s.fetches;
	CHECK_EQ(find_rc(c, "x", NULL), AU_EMETA_NOTARGET);
	CHECK_EQ(s.fetches - before, 2);	/* A and B, once each */
	au_tuf_free(c);
	srv_done(&s);
	/* a chain r0 -> r1 -> ... -> r39: at most 32 roles are visited */
	srv_init(&s);
	for (i = 0; i < 40; i++)
		snprintf(names[i], sizeof(names[i]), "r%d", i & 63);
	for (i = 0; i < 40; i++) {
		json_t *dl = i + 1 < 40 ? delegations(D1, -1, -1, json_pack("[o]",
		    deleg_role(names[i + 1], 1, D1, -1, json_pack("[s]", "*"), 0))) :
		    NULL;

		d[i] = (struct drole){ names[i], tgd_signed(1, FUT, i == 20 ?
		    "in20" : i == 39 ? "in39" : NULL, "x", dl), D1, 0 };
	}
	srv_publish(&s, tgd_signed(1, FUT, NULL, NULL, delegations(D1, -1, -1,
	    json_pack("[o]", deleg_role("r0", 1, D1, -1, json_pack("[s]", "*"),
	    0)))), d, 40, 0);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(find_rc(c, "in20", NULL), AU_OK);	/* 22nd role visited */
	CHECK_EQ(find_rc(c, "in39", NULL), AU_EMETA_NOTARGET);	/* 41st: over the cap */
	au_tuf_free(c);
	srv_done(&s);
}

TEST(role_file_names_percent_encoded)
{
	char buf[AU_TUF_FILE_MAX + 1], big[300];

	CHECK_EQ(au_tuf_role_file("team", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "team.json");
	CHECK_EQ(au_tuf_role_file("a/b c", 7, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "7.a%2Fb%20c.json");
	CHECK_EQ(au_tuf_role_file("..", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "...json");
	CHECK_EQ(au_tuf_role_file("\xc3\xa9~_-.", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "%C3%A9~_-..json");
	CHECK_EQ(au_tuf_role_file("team", 0, buf, 9), AU_ETOOBIG);
	memset(big, '/', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(au_tuf_role_file(big, 0, buf, sizeof(buf)), AU_ETOOBIG);
}

TEST(delegated_name_with_slash_stored_safely)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[1];
	int rc = -1;

	srv_init(&s);
	d[0] = (struct drole){ "../../evil", tgd_signed(1, FUT, "p/x", "x", NULL),
	    D1, 0 };
	srv_publish(&s, tgd_signed(1, FUT, NULL, NULL, delegations(D1, -1, -1,
	    json_pack("[o]", deleg_role("../../evil", 1, D1, -1, json_pack("[s]",
	    "p/*"), 0)))), d, 1, 0);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(find_rc(c, "p/x", NULL), AU_OK);
	{
		struct blob b = srv_local(&s, "..%2F..%2Fevil.json");

		CHECK(b.p != NULL);
		blob_free(&b);
	}
	au_tuf_free(c);
	srv_done(&s);
}

int
main(void)
{
	keys_init();
	RUN(path_patterns);
	RUN(delegated_role_verified_against_delegator);
	RUN(delegated_role_preconditions);
	RUN(delegations_must_be_well_formed);
	RUN(preorder_dfs_and_storage);
	RUN(terminating_stops_backtracking);
	RUN(path_hash_prefixes_route);
	RUN(cycles_harmless_and_visits_capped);
	RUN(role_file_names_percent_encoded);
	RUN(delegated_name_with_slash_stored_safely);
	return harness_done();
}
