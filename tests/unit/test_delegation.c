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
		if (rc == AU_OK && au_trusted_role_target(t, "team", "targets",
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
	/* a threshold above its keys: valid; only that role cannot verify */
	CHECK_EQ(targets_with_delegations_rc(ONE(deleg_role("t2", 2, D1, -1,
	    json_pack("[s]", "*"), 0))), AU_OK);
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

/*
 * A delegation whose threshold exceeds its keys (python-tuf accepts it): the
 * targets file that holds it stays valid, its own targets and its other
 * delegations are found; only the role that cannot meet its threshold fails,
 * and is not stored.
 */
TEST(delegation_threshold_above_its_keys)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[2];
	struct blob b;
	int rc = -1;

	srv_init(&s);
	d[0] = (struct drole){ "strict", tgd_signed(1, FUT, "a/x", "in-strict",
	    NULL), D1, 0 };
	d[1] = (struct drole){ "team", tgd_signed(1, FUT, "b/x", "in-team", NULL),
	    D2, 0 };
	srv_publish(&s, tgd_signed(1, FUT, "top.bin", "top", delegations(D1, D2,
	    -1, json_pack("[o,o]", deleg_role("strict", 2, D1, -1, json_pack("[s]",
	    "a/*"), 0), deleg_role("team", 1, D2, -1, json_pack("[s]", "b/*"),
	    0)))), d, 2, 1);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	CHECK_EQ(find_rc(c, "top.bin", NULL), AU_OK);
	CHECK_EQ(find_rc(c, "b/x", NULL), AU_OK);
	CHECK_EQ(find_rc(c, "a/x", NULL), AU_EMETA_SIG);
	b = srv_local(&s, "strict.json");
	CHECK(b.p == NULL);
	blob_free(&b);
	b = srv_local(&s, "team.json");
	CHECK(b.p != NULL);
	blob_free(&b);
	au_tuf_free(c);
	srv_done(&s);
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

/*
 * A diamond (the suite's test_cached_role_is_verified_against_current_
 * delegator): targets -> A (key D1, a/ *) and B (key D2, b/ *); A and B
 * both delegate R, A with key D3 for a/ *, B with key bkey for b/ *.  R is
 * signed by D3 only and lists a/x and b/x.  *tg gets the targets document,
 * d[0..2] A, B and R.
 */
static void
diamond(json_t **tg, struct drole d[3], int bkey)
{
	json_t *r = tgd_signed(1, FUT, "a/x", "trusted A", NULL);

	json_object_set_new(json_object_get(r, "targets"), "b/x",
	    target_entry("malicious B"));
	*tg = tgd_signed(1, FUT, NULL, NULL, delegations(D1, D2, -1, json_pack(
	    "[o,o]", deleg_role("A", 1, D1, -1, json_pack("[s]", "a/*"), 0),
	    deleg_role("B", 1, D2, -1, json_pack("[s]", "b/*"), 0))));
	d[0] = (struct drole){ "A", tgd_signed(1, FUT, NULL, NULL, delegations(D3,
	    -1, -1, json_pack("[o]", deleg_role("R", 1, D3, -1, json_pack("[s]",
	    "a/*"), 0)))), D1, 0 };
	d[1] = (struct drole){ "B", tgd_signed(1, FUT, NULL, NULL, delegations(
	    bkey, -1, -1, json_pack("[o]", deleg_role("R", 1, bkey, -1,
	    json_pack("[s]", "b/*"), 0)))), D2, 0 };
	d[2] = (struct drole){ "R", r, D3, 0 };
}

/* The diamond in a trusted set: up to targets, A and B; R's bytes in *rb. */
static struct au_trusted *
diamond_set(int bkey, struct blob *rb)
{
	struct drole d[3];
	struct blob tg, sn, ts, root, b[2];
	struct au_trusted *t;
	json_t *tgs, *meta;
	int i, ok;

	diamond(&tgs, d, bkey);
	tg = seal(tgs, TG, -1);
	for (i = 0; i < 2; i++)
		b[i] = seal(d[i].signed_, d[i].signer, -1);
	*rb = seal(d[2].signed_, d[2].signer, -1);
	meta = json_pack("{s:o, s:o, s:o, s:o}", "targets.json", metafile(1, &tg),
	    "A.json", metafile(1, &b[0]), "B.json", metafile(1, &b[1]),
	    "R.json", metafile(1, rb));
	sn = seal(snm_signed(1, FUT, meta), SN, -1);
	ts = seal(ts_signed(1, FUT, 1, &sn), TS, -1);
	root = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
	t = trusted(&root);
	ok = t != NULL && upd_ts(t, &ts, NULL) == AU_OK &&
	    upd_sn(t, &sn) == AU_OK && upd_tg(t, &tg) == AU_OK &&
	    au_trusted_update_delegated(t, "A", "targets", b[0].p, b[0].len, NOW,
	    NULL) == AU_OK && au_trusted_update_delegated(t, "B", "targets",
	    b[1].p, b[1].len, NOW, NULL) == AU_OK;
	blob_free(&tg);
	blob_free(&sn);
	blob_free(&ts);
	blob_free(&root);
	blob_free(&b[0]);
	blob_free(&b[1]);
	if (!ok) {
		au_trusted_free(t);
		blob_free(rb);
		t = NULL;
	}
	return t;
}

/* Code of looking name up in R through delegator; the target is released. */
static int
in_r(const struct au_trusted *t, const char *delegator, const char *name)
{
	struct au_target tg;
	int rc = au_trusted_role_target(t, "R", delegator, name, &tg, NULL);

	if (rc == AU_OK)
		au_target_clear(&tg);
	return rc;
}

/*
 * In the trusted set: R, loaded through A, is an edge A -> R; reaching it
 * through B verifies B's keys over the same signatures, and a lookup uses
 * R only through an edge that was verified and whose paths cover the name.
 */
TEST(cached_role_verified_per_delegator)
{
	struct au_trusted *t;
	struct blob rb;

	t = diamond_set(X, &rb);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_verify_delegated(t, "R", "A", NULL), AU_EINTERNAL);
	CHECK_EQ(au_trusted_update_delegated(t, "R", "A", rb.p, rb.len, NOW,
	    NULL), AU_OK);
	CHECK_EQ(in_r(t, "A", "a/x"), AU_OK);
	CHECK_EQ(in_r(t, "A", "b/x"), AU_EMETA_NOTARGET);	/* A's paths: a/ * */
	CHECK_EQ(in_r(t, "B", "b/x"), AU_EINTERNAL);	/* B -> R not verified */
	CHECK_EQ(au_trusted_update_delegated(t, "R", "B", rb.p, rb.len, NOW,
	    NULL), AU_EMETA_SIG);	/* cached, but not signed by X */
	CHECK_EQ(au_trusted_verify_delegated(t, "R", "B", NULL), AU_EMETA_SIG);
	CHECK_EQ(in_r(t, "B", "b/x"), AU_EINTERNAL);
	CHECK_EQ(au_trusted_verify_delegated(t, "R", "targets", NULL),
	    AU_EMETA_NOTARGET);	/* targets does not delegate R */
	CHECK_EQ(au_trusted_verify_delegated(t, "R", "nobody", NULL),
	    AU_EINTERNAL);
	CHECK_EQ(in_r(t, "targets", "a/x"), AU_EMETA_NOTARGET);
	CHECK_EQ(in_r(t, NULL, "a/x"), AU_EINTERNAL);
	CHECK_EQ(in_r(t, "A", "a/x"), AU_OK);	/* A's edge still good */
	au_trusted_free(t);
	blob_free(&rb);
	/* control: B names D3 as well */
	t = diamond_set(D3, &rb);
	REQUIRE(t != NULL);
	CHECK_EQ(au_trusted_update_delegated(t, "R", "A", rb.p, rb.len, NOW,
	    NULL), AU_OK);
	CHECK_EQ(au_trusted_verify_delegated(t, "R", "B", NULL), AU_OK);
	CHECK_EQ(in_r(t, "B", "b/x"), AU_OK);
	CHECK_EQ(in_r(t, "B", "a/x"), AU_EMETA_NOTARGET);	/* B's paths: b/ * */
	au_trusted_free(t);
	blob_free(&rb);
}

/*
 * Several names in one run share the cache of verified roles (the
 * conformance entry point's --target-name list, the device's tracked
 * targets): R, verified and cached through A, is verified again against B's
 * keys when B leads to it, in either order, also from the stored copy.
 */
TEST(diamond_role_verified_against_each_delegator)
{
	struct srv s;
	struct au_tuf_client *c;
	struct drole d[3];
	json_t *tg;
	uint64_t len = 0;
	int rc = -1, before;

	srv_init(&s);
	diamond(&tg, d, X);
	srv_publish(&s, tg, d, 3, 1);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	CHECK_EQ(find_rc(c, "a/x", &len), AU_OK);
	CHECK_EQ(len, strlen("trusted A"));
	CHECK_EQ(find_rc(c, "b/x", NULL), AU_EMETA_SIG);	/* X did not sign */
	CHECK_EQ(find_rc(c, "a/x", NULL), AU_OK);
	au_tuf_free(c);
	/* a restart, B first: the stored R fails through B, the fetched one too */
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(find_rc(c, "b/x", NULL), AU_EMETA_SIG);
	CHECK_EQ(find_rc(c, "a/x", NULL), AU_OK);
	au_tuf_free(c);
	srv_done(&s);
	/* control: B names D3 too; both found, R fetched once, in both modes */
	for (rc = 0; rc < 2; rc++) {
		int r2 = -1, mode = rc ? AU_TUF_PERSIST_EACH :
		    AU_TUF_PERSIST_AT_END;

		srv_init(&s);
		diamond(&tg, d, D3);
		srv_publish(&s, tg, d, 3, 1);
		c = srv_client(&s, mode, &r2);
		REQUIRE(c != NULL);
		CHECK_EQ(r2, AU_OK);
		CHECK_EQ(find_rc(c, "a/x", NULL), AU_OK);
		before = s.fetches;
		CHECK_EQ(find_rc(c, "b/x", &len), AU_OK);
		CHECK_EQ(len, strlen("malicious B"));
		CHECK_EQ(s.fetches - before, 1);	/* B only */
		au_tuf_free(c);
		srv_done(&s);
	}
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

/*
 * A signed target whose name no device can install (the store's pointer
 * names, *.tmp) is refused by the lookup itself (AU_EMETA_MALFORMED, exit
 * 12), before any delegated role is fetched; a good name in the same
 * repository is still found through the delegation.
 */
TEST(uninstallable_names_refused_before_any_fetch)
{
	static const char *const bad[] = { "models/current", "models/previous",
	    "models/eng.tmp", "current" };
	struct au_tuf_client *c;
	struct srv s;
	struct drole d[1];
	uint64_t len = 0;
	int rc = -1, before;
	size_t i;

	srv_init(&s);
	d[0] = (struct drole){ "A", tgd_signed(1, FUT, "models/ok.bin", "ok",
	    NULL), D1, 0 };
	srv_publish(&s, tgd_signed(1, FUT, "models/current", "top",
	    delegations(D1, -1, -1, json_pack("[o]", deleg_role("A", 1, D1, -1,
	    json_pack("[s]", "models/*"), 0)))), d, 1, 0);
	c = srv_client(&s, AU_TUF_PERSIST_EACH, &rc);
	REQUIRE(c != NULL);
	CHECK_EQ(rc, AU_OK);
	before = s.fetches;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(find_rc(c, bad[i], NULL), AU_EMETA_MALFORMED);
	CHECK_EQ(s.fetches, before);	/* nothing was asked for */
	CHECK_EQ(find_rc(c, "models/ok.bin", &len), AU_OK);
	CHECK_EQ(len, 2);
	au_tuf_free(c);
	srv_done(&s);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	keys_init();
	RUN(path_patterns);
	RUN(delegated_role_verified_against_delegator);
	RUN(delegated_role_preconditions);
	RUN(delegations_must_be_well_formed);
	RUN(delegation_threshold_above_its_keys);
	RUN(preorder_dfs_and_storage);
	RUN(terminating_stops_backtracking);
	RUN(path_hash_prefixes_route);
	RUN(cycles_harmless_and_visits_capped);
	RUN(cached_role_verified_per_delegator);
	RUN(diamond_role_verified_against_each_delegator);
	RUN(role_file_names_percent_encoded);
	RUN(delegated_name_with_slash_stored_safely);
	RUN(uninstallable_names_refused_before_any_fetch);
	return harness_done();
}
