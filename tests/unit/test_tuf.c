/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_tuf.c - the TUF trusted metadata set (manifest/tuf.h):
 * signatures, thresholds, common fields, root rotation, target names and
 * lookup, times, interop vectors.  The chain (timestamp, snapshot, targets)
 * is in test_tuf_chain.c, delegations in test_delegation.c, the attack
 * suite in test_attacks.c; the repository builder in tuf_fixture.h.
 */
#include "tests/unit/tuf_fixture.h"
#include "port/ban.h"

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

/*
 * TUF 1.0 section 4.2: a keyid MUST be unique in "signatures".  A repeated
 * one makes the document invalid, even when a threshold of distinct keys
 * signed it (the suite's test_duplicate_sig_keyids).
 */
TEST(duplicate_signature_keyids_refused)
{
	json_t *env = envelope(root_signed(1, FUT, 1, R0, -1, TS, SN, TG));

	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R0].id, R0);	/* threshold 1 met, then listed again */
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_MALFORMED);
	env = envelope(root_signed(1, FUT, 2, R0, R1, TS, SN, TG));
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R0].id, R0);	/* the same signature twice */
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_MALFORMED);
	/* R1's valid signature listed under R0's keyid */
	env = envelope(root_signed(1, FUT, 2, R0, R1, TS, SN, TG));
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R0].id, R1);
	add_sig(env, K[R1].id, R1);
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_MALFORMED);
	/* a keyid no role names, twice, beside a valid threshold */
	env = envelope(root_signed(1, FUT, 1, R0, -1, TS, SN, TG));
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[X].id, X);
	add_sig(env, K[X].id, X);
	CHECK_EQ(new_root_rc(dump(env)), AU_EMETA_MALFORMED);
	/* control: distinct keyids */
	env = envelope(root_signed(1, FUT, 2, R0, R1, TS, SN, TG));
	add_sig(env, K[R0].id, R0);
	add_sig(env, K[R1].id, R1);
	add_sig(env, K[X].id, X);
	CHECK_EQ(new_root_rc(dump(env)), AU_OK);
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
	/* above its 2 keys: a valid document that can never sign itself */
	CHECK_EQ(new_root_rc(root_with_threshold(json_integer(3))), AU_EMETA_SIG);
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
	    "rsassa-pkcs1v15-sha256", "keyval", "public", "-----BEGIN PUBLIC KEY-----"));
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
	    "a/b.c/d", "..a", "a..b", "a/...", "currently", "x/current.bin",
	    "previous2/a", "a.tmpl", "tmp", "a/.tmp.x", "x.TMP",
	    "1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", "nonexistent target",
	    "a,b", NULL };
	/* the last group: names no device can install (the store's pointers
	 * targets/NAME/current, previous and NAME.tmp; too deep) */
	static const char *const bad[] = { "", "/abs", "a/../b", "..", "../x",
	    "a/..", "./a", "a/./b", "a//b", "a/", "a\\b", "a\nb", "a\x7f",
	    "current", "previous", "models/current", "current/x", "a/previous/b",
	    "a.tmp", "models/eng.tmp", "a.tmp/b", ".tmp", "a\tb",
	    "1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", NULL };
	char longname[AU_TARGET_NAME_MAX + 2], lit[600];
	struct au_diag d = { "", 0 };
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
	/* the store's limit, in literal numbers: 511 bytes fit, 512 do not */
	memset(lit, 'n', sizeof(lit));
	lit[511] = '\0';
	CHECK_EQ(au_target_name_check(lit, NULL), AU_OK);
	lit[511] = 'n';
	lit[512] = '\0';
	CHECK_EQ(au_target_name_check(lit, &d), AU_EMETA_MALFORMED);
	CHECK(strstr(d.msg, "longer than 511 bytes") != NULL);
	/* each refusal says which rule */
	CHECK_EQ(au_target_name_check("models/current", &d), AU_EMETA_MALFORMED);
	CHECK(strstr(d.msg, "\"models/current\"") != NULL &&
	    strstr(d.msg, "reserved") != NULL);
	CHECK_EQ(au_target_name_check("m/eng.tmp", &d), AU_EMETA_MALFORMED);
	CHECK(strstr(d.msg, "ending in \".tmp\"") != NULL);
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
/* Read tests/vectors/tufjs/NAME under harness_srcdir(). */
static struct blob
vector(const char *name)
{
	char path[1024];
	struct blob b = { NULL, 0 };

	snprintf(path, sizeof(path), "%s/tests/vectors/tufjs/%s",
	    harness_srcdir(), name);
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
main(int argc, char **argv)
{
	harness_args(argc, argv);
	keys_init();
	RUN(happy_path);
	RUN(wrong_key_refused);
	RUN(tampered_signed_refused);
	RUN(threshold_not_met);
	RUN(duplicate_signature_keyids_refused);
	RUN(same_key_two_keyids_counts_once);
	RUN(threshold_must_be_sane);
	RUN(common_fields_checked);
	RUN(unsupported_key_type_skipped);
	RUN(wrong_type_refused);
	RUN(root_rotation);
	RUN(target_names);
	RUN(target_lookup_errors);
	RUN(time_parse_and_format);
	RUN(tufjs_interop);
	return harness_done();
}
