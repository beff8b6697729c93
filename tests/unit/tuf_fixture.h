/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/tuf_fixture.h - builds and signs small TUF repositories for the
 * TUF unit tests (test_tuf*.c, test_delegation.c, test_attacks.c) with
 * deterministic libsodium Ed25519 keys, and serves them to client/tufclient
 * from a temporary directory.  Included by one test file each.
 */
#ifndef AU_TUF_FIXTURE_H
#define AU_TUF_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "manifest/key_json.h"
#include "manifest/json.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "tests/unit/harness.h"

#define FIX static __attribute__((unused))

enum { R0, R1, TS, SN, TG, NR, NTS, X, D1, D2, D3, NKEYS };

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

FIX json_t *
key_json(int i)
{
	char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), K[i].pk, sizeof(K[i].pk));
	return json_pack("{s:s, s:s, s:{s:s}}", "keytype", "ed25519",
	    "scheme", "ed25519", "keyval", "public", hex);
}

FIX void
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

FIX json_t *
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

FIX json_t *
common(const char *type, int64_t version, const char *expires)
{
	return json_pack("{s:s, s:s, s:I, s:s}", "_type", type, "spec_version",
	    "1.0.31", "version", (json_int_t)version, "expires", expires);
}

/* A role: keyids of keys a and b (b < 0: none), threshold thr. */
FIX json_t *
role_json(int thr, int a, int b)
{
	json_t *ids = json_pack("[s]", K[a].id);

	if (b >= 0)
		json_array_append_new(ids, json_string(K[b].id));
	return json_pack("{s:o, s:i}", "keyids", ids, "threshold", thr);
}

/* root: root role keys ra, rb (rb < 0: none) with threshold rt; one key each for the others. */
FIX json_t *
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
FIX json_t *
metafile(int64_t version, const struct blob *b)
{
	json_t *m = json_pack("{s:I}", "version", (json_int_t)version);

	if (b != NULL) {
		json_object_set_new(m, "length", json_integer((json_int_t)b->len));
		json_object_set_new(m, "hashes", hashes_of(b->p, b->len));
	}
	return m;
}

FIX json_t *
ts_signed(int64_t version, const char *exp, int64_t snapver,
    const struct blob *snap)
{
	json_t *s = common("timestamp", version, exp);

	json_object_set_new(s, "meta", json_pack("{s:o}", "snapshot.json",
	    metafile(snapver, snap)));
	return s;
}

FIX json_t *
sn_signed(int64_t version, const char *exp, int64_t tgver,
    const struct blob *tg)
{
	json_t *s = common("snapshot", version, exp);

	json_object_set_new(s, "meta", json_pack("{s:o}", "targets.json",
	    metafile(tgver, tg)));
	return s;
}

FIX json_t *
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
FIX void
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

FIX json_t *
envelope(json_t *signed_)
{
	return json_pack("{s:[], s:o}", "signatures", "signed", signed_);
}

/* Serialize (indented: signatures are over canonical JSON, not these bytes). */
FIX struct blob
dump(json_t *env)
{
	struct blob b;

	b.p = (uint8_t *)json_dumps(env, JSON_INDENT(1));
	b.len = strlen((char *)b.p);
	json_decref(env);
	return b;
}

/* Envelope signed by up to two keys (s2 < 0: one), each under its own keyid. */
FIX struct blob
seal(json_t *signed_, int s1, int s2)
{
	json_t *env = envelope(signed_);

	if (s1 >= 0)
		add_sig(env, K[s1].id, s1);
	if (s2 >= 0)
		add_sig(env, K[s2].id, s2);
	return dump(env);
}

FIX void
blob_free(struct blob *b)
{
	free(b->p);
	b->p = NULL;
}

/* The standard repository, version 1 of everything. */
struct repo {
	struct blob root, ts, sn, tg;
};

FIX void
repo_make(struct repo *r)
{
	r->tg = seal(tg_signed(1, FUT), TG, -1);
	r->sn = seal(sn_signed(1, FUT, 1, &r->tg), SN, -1);
	r->ts = seal(ts_signed(1, FUT, 1, &r->sn), TS, -1);
	r->root = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
}

FIX void
repo_free(struct repo *r)
{
	blob_free(&r->root);
	blob_free(&r->ts);
	blob_free(&r->sn);
	blob_free(&r->tg);
}

FIX struct au_trusted *
trusted(const struct blob *root)
{
	struct au_trusted *t = NULL;
	struct au_diag d = { "", 0 };

	if (au_trusted_new(root->p, root->len, &t, &d) != AU_OK)
		fprintf(stderr, "  au_trusted_new: %s\n", d.msg);
	return t;
}

FIX int
upd_ts(struct au_trusted *t, const struct blob *b, int *unchanged)
{
	return au_trusted_update_timestamp(t, b->p, b->len, NOW, unchanged, NULL);
}

FIX int
upd_sn(struct au_trusted *t, const struct blob *b)
{
	return au_trusted_update_snapshot(t, b->p, b->len, NOW, NULL);
}

FIX int
upd_tg(struct au_trusted *t, const struct blob *b)
{
	return au_trusted_update_targets(t, b->p, b->len, NOW, NULL);
}

FIX int
new_root_rc(struct blob b)
{
	struct au_trusted *t = NULL;
	int rc = au_trusted_new(b.p, b.len, &t, NULL);

	au_trusted_free(t);
	blob_free(&b);
	return rc;
}


/* ---- delegations ---- */

/* A delegations.roles entry: role name, keys a and b (b < 0: none), thr, paths. */
FIX json_t *
deleg_role(const char *name, int thr, int a, int b, json_t *paths,
    int terminating)
{
	json_t *r = role_json(thr, a, b);

	json_object_set_new(r, "name", json_string(name));
	json_object_set_new(r, "paths", paths);
	json_object_set_new(r, "terminating", json_boolean(terminating));
	return r;
}

/* delegations object: keys k1..k3 (negative: none) and a roles array. */
FIX json_t *
delegations(int k1, int k2, int k3, json_t *roles)
{
	json_t *keys = json_object();
	int all[3] = { k1, k2, k3 }, i;

	for (i = 0; i < 3; i++)
		if (all[i] >= 0)
			json_object_set_new(keys, K[all[i]].id, key_json(all[i]));
	return json_pack("{s:o, s:o}", "keys", keys, "roles", roles);
}

/* A targets entry for content p. */
FIX json_t *
target_entry(const char *p)
{
	return json_pack("{s:i, s:o}", "length", (int)strlen(p), "hashes",
	    hashes_of((const uint8_t *)p, strlen(p)));
}

/* A targets role (any name): targets {name: entry(content)} and delegations. */
FIX json_t *
tgd_signed(int64_t version, const char *exp, const char *name,
    const char *content, json_t *dele)
{
	json_t *s = common("targets", version, exp), *t = json_object();

	if (name != NULL)
		json_object_set_new(t, name, target_entry(content));
	json_object_set_new(s, "targets", t);
	if (dele != NULL)
		json_object_set_new(s, "delegations", dele);
	return s;
}

/* Snapshot with the given meta object. */
FIX json_t *
snm_signed(int64_t version, const char *exp, json_t *meta)
{
	json_t *s = common("snapshot", version, exp);

	json_object_set_new(s, "meta", meta);
	return s;
}

/* ---- a repository in a temporary directory, for client/tufclient ---- */

struct srv {
	char dir[256];		/* the test's temporary directory */
	char pub[300];		/* dir/pub: what the "server" serves */
	char meta[300];		/* dir/meta: the client's metadata dir */
	int fetches;		/* fetch calls so far */
};

FIX void
srv_init(struct srv *s)
{
	memset(s, 0, sizeof(*s));
	if (harness_tmpdir(s->dir, sizeof(s->dir), "au-tuf") == NULL)
		abort();
	snprintf(s->pub, sizeof(s->pub), "%s/pub", s->dir);
	snprintf(s->meta, sizeof(s->meta), "%s/meta", s->dir);
	if (au_mkdir_p(s->pub, 0755, NULL) != 0)
		abort();
}

FIX void
srv_done(struct srv *s)
{
	if (au_remove_tree(s->dir, NULL) != 0)
		fprintf(stderr, "  cannot remove %s\n", s->dir);
}

/* Publish blob b as pub/FILE (b is not freed). */
FIX void
srv_put(struct srv *s, const char *file, const struct blob *b)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", s->pub, file);
	if (au_file_replace(path, b->p, b->len, 0644, NULL) != 0)
		abort();
}

FIX void
srv_del(struct srv *s, const char *file)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", s->pub, file);
	(void)unlink(path);
}

/* au_tuf_fetch_fn over pub/: ENOTFOUND when missing, ETOOBIG over cap. */
FIX int
srv_fetch(void *arg, const char *file, size_t cap, uint8_t **buf, size_t *len,
    struct au_diag *diag)
{
	struct srv *s = arg;
	char path[600];
	struct au_stat st;

	s->fetches++;
	snprintf(path, sizeof(path), "%s/%s", s->pub, file);
	if (au_stat(path, &st, diag) != 0 || st.type == AU_FT_NONE)
		return au_diag_set(diag, AU_ENOTFOUND, "%s: 404", file);
	if (au_file_read_all(path, cap, buf, len, diag) != 0)
		return au_diag_set(diag, AU_ETOOBIG, "%s: over %zu bytes", file, cap);
	return 0;
}

/* Read meta/FILE into a blob (p NULL when missing). */
FIX struct blob
srv_local(const struct srv *s, const char *file)
{
	char path[600];
	struct blob b = { NULL, 0 };

	snprintf(path, sizeof(path), "%s/%s", s->meta, file);
	if (au_file_read_all(path, AU_TARGETS_MAX_BYTES, &b.p, &b.len, NULL) != 0)
		b.p = NULL;
	return b;
}

/* 1 if meta/FILE holds exactly b's bytes. */
FIX int
srv_local_is(const struct srv *s, const char *file, const struct blob *b)
{
	struct blob l = srv_local(s, file);
	int same = l.p != NULL && l.len == b->len && memcmp(l.p, b->p, b->len) == 0;

	free(l.p);
	return same;
}

/* ---- a whole repository with delegated roles, published to a srv ---- */

#include "client/metadata/tufclient.h"

struct drole {
	const char *name;
	json_t *signed_;	/* consumed by srv_publish */
	int signer;		/* key index; < 0: unsigned */
	int64_t meta_version;	/* what the snapshot lists; 0: the document's */
};

/*
 * Publish root v1 (consistent snapshots), timestamp, snapshot v1, targets
 * (tg consumed, signed by TG) and the delegated roles under their
 * consistent-snapshot names; hashes: list length and hashes in snapshot.
 */
FIX void
srv_publish(struct srv *s, json_t *tg, struct drole *d, int n, int hashes)
{
	struct blob root, tb, sn, ts, b;
	json_t *meta;
	char file[AU_TUF_FILE_MAX + 1], rp[600];
	int64_t v;
	int i;

	root = seal(root_signed(1, FUT, 1, R0, -1, TS, SN, TG), R0, -1);
	snprintf(rp, sizeof(rp), "%s/root.json", s->dir);
	if (au_file_replace(rp, root.p, root.len, 0644, NULL) != 0)
		abort();
	srv_put(s, "1.root.json", &root);
	tb = seal(tg, TG, -1);
	meta = json_pack("{s:o}", "targets.json", metafile(1, hashes ? &tb : NULL));
	srv_put(s, "1.targets.json", &tb);
	for (i = 0; i < n; i++) {
		v = json_integer_value(json_object_get(d[i].signed_, "version"));
		b = seal(d[i].signed_, d[i].signer, -1);
		snprintf(file, sizeof(file), "%s.json", d[i].name);
		json_object_set_new(meta, file, metafile(d[i].meta_version ?
		    d[i].meta_version : v, hashes ? &b : NULL));
		if (au_tuf_role_file(d[i].name, d[i].meta_version ?
		    d[i].meta_version : v, file, sizeof(file)) != 0)
			abort();
		srv_put(s, file, &b);
		blob_free(&b);
	}
	sn = seal(snm_signed(1, FUT, meta), SN, -1);
	ts = seal(ts_signed(1, FUT, 1, &sn), TS, -1);
	srv_put(s, "1.snapshot.json", &sn);
	srv_put(s, "timestamp.json", &ts);
	blob_free(&root);
	blob_free(&tb);
	blob_free(&sn);
	blob_free(&ts);
}

/* Open a client on s (bootstrap: s->dir/root.json) and refresh. */
FIX struct au_tuf_client *
srv_client(struct srv *s, enum au_tuf_persist mode, int *refresh_rc)
{
	struct au_tuf_client *c = NULL;
	struct au_diag d = { "", 0 };
	char rp[600];

	snprintf(rp, sizeof(rp), "%s/root.json", s->dir);
	if (au_tuf_open(s->meta, rp, NOW, srv_fetch, s, mode, &c, &d) != 0) {
		fprintf(stderr, "  au_tuf_open: %s\n", d.msg);
		return NULL;
	}
	*refresh_rc = au_tuf_refresh(c, &d);
	if (*refresh_rc != 0)
		fprintf(stderr, "  (refresh: %s)\n", d.msg);
	return c;
}

/* au_tuf_find_target's code for name; the target is released. */
FIX int
find_rc(struct au_tuf_client *c, const char *name, uint64_t *length)
{
	struct au_target tg;
	struct au_diag d = { "", 0 };
	int rc = au_tuf_find_target(c, name, &tg, &d);

	if (rc == 0 && length != NULL)
		*length = tg.length;
	if (rc == 0)
		au_target_clear(&tg);
	return rc;
}

#endif
