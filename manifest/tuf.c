/* SPDX-License-Identifier: ISC */
/*
 * manifest/tuf.c - the TUF 1.0 trusted metadata set: client workflow steps
 * 5.3 (root), 5.4 (timestamp), 5.5 (snapshot), 5.6 (targets), after
 * python-tuf's TrustedMetadataSet, delegated roles held in the set, and
 * target lookup through them (the lookup in one role: manifest/tuf_deleg.c).
 */
#include "manifest/tuf.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/key.h"
#include "manifest/json.h"
#include "manifest/tuf_int.h"
#include "port/ban.h"

struct au_trusted {
	struct tuf_root *root;
	struct tuf_doc *timestamp;	/* NULL until loaded */
	struct tuf_metafile snap_meta;	/* timestamp's snapshot.json entry */
	struct tuf_doc *snapshot;
	struct tuf_targets *targets;
	struct tuf_targets **dele;	/* delegated roles loaded, in order */
	size_t ndele, dcap;
};

static void
doc_free(struct tuf_doc *d)
{
	tuf_doc_clear(d);
	free(d);
}

/* Load and verify one non-root document against the trusted root. */
static int
doc_new(const struct au_trusted *t, const uint8_t *buf, size_t len,
    size_t max, enum tuf_role role, struct tuf_doc **out, struct au_diag *diag)
{
	struct tuf_doc *d;
	int rc;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = tuf_doc_load(buf, len, max, role, d, diag);
	if (rc == AU_OK)
		rc = tuf_verify_role(t->root, role, d, tuf_role_names[role], diag);
	if (rc != AU_OK) {
		doc_free(d);
		return rc;
	}
	*out = d;
	return AU_OK;
}

static int
expired(const struct tuf_doc *d, int64_t now, const char *what,
    struct au_diag *diag)
{
	char when[AU_TIME_STR_SIZE];

	if (d->expires > now)
		return AU_OK;
	if (au_time_format(d->expires, when, sizeof(when)) != AU_OK)
		when[0] = '\0';
	return au_diag_set(diag, AU_EMETA_EXPIRED,
	    "%s v%lld expired at %s (expires <= now)", what,
	    (long long)d->version, when);
}

/* ---- 5.2, 5.3 root ---- */

int
au_trusted_new(const uint8_t *root, size_t len, struct au_trusted **out,
    struct au_diag *diag)
{
	struct au_trusted *t;
	int rc;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = tuf_root_load(root, len, &t->root, diag);
	if (rc == AU_OK)
		rc = tuf_verify_role(t->root, R_ROOT, &t->root->d,
		    "trusted root (self-signature)", diag);
	if (rc != AU_OK) {
		au_trusted_free(t);
		return rc;
	}
	*out = t;
	return AU_OK;
}

static void
drop_delegated(struct au_trusted *t)
{
	while (t->ndele > 0)
		tuf_targets_free(t->dele[--t->ndele]);
}

static void
drop_from(struct au_trusted *t, enum tuf_role role)
{
	drop_delegated(t);
	if (role <= R_TARGETS) {
		tuf_targets_free(t->targets);
		t->targets = NULL;
	}
	if (role <= R_SNAPSHOT) {
		doc_free(t->snapshot);
		t->snapshot = NULL;
	}
	if (role <= R_TIMESTAMP) {
		doc_free(t->timestamp);
		t->timestamp = NULL;
		memset(&t->snap_meta, 0, sizeof(t->snap_meta));
	}
}

void
au_trusted_free(struct au_trusted *t)
{
	if (t == NULL)
		return;
	drop_from(t, R_TIMESTAMP);
	free(t->dele);
	tuf_root_free(t->root);
	free(t);
}

static int
root_version_check(const struct tuf_root *old, const struct tuf_root *nr,
    struct au_diag *diag)
{
	long long want;

	if (old->d.version == INT64_MAX)	/* no N+1 exists */
		return au_diag_set(diag, AU_EMETA_VERSION,
		    "root: trusted version is the largest integer");
	want = (long long)old->d.version + 1;
	if (nr->d.version == want)
		return AU_OK;
	return au_diag_set(diag, nr->d.version < want ? AU_EMETA_ROLLBACK :
	    AU_EMETA_VERSION, "root: version %lld received, %lld expected",
	    (long long)nr->d.version, want);
}

int
au_trusted_update_root(struct au_trusted *t, const uint8_t *buf, size_t len,
    struct au_diag *diag)
{
	struct tuf_root *nr = NULL;
	int rc, i, rotated = 0;

	rc = tuf_root_load(buf, len, &nr, diag);
	if (rc == AU_OK)	/* 5.3.4: threshold of the trusted root */
		rc = tuf_verify_role(t->root, R_ROOT, &nr->d,
		    "new root (by the trusted root's keys)", diag);
	if (rc == AU_OK)	/* 5.3.5 */
		rc = root_version_check(t->root, nr, diag);
	if (rc == AU_OK)	/* 5.3.4: threshold of its own keys */
		rc = tuf_verify_role(nr, R_ROOT, &nr->d,
		    "new root (by its own keys)", diag);
	if (rc != AU_OK) {
		tuf_root_free(nr);
		return rc;
	}
	for (i = R_TIMESTAMP; i < R_COUNT; i++)
		rotated |= !tuf_role_same(t->root, nr, (enum tuf_role)i);
	if (rotated)	/* 5.3.11: forget versions an attacker may have inflated */
		drop_from(t, R_TIMESTAMP);
	tuf_root_free(t->root);
	t->root = nr;
	return AU_OK;
}

int
au_trusted_check_root(const struct au_trusted *t, int64_t now,
    struct au_diag *diag)
{
	return expired(&t->root->d, now, "root", diag);
}

/* ---- 5.4 timestamp ---- */

static int
timestamp_meta(const struct tuf_doc *d, struct tuf_metafile *mf,
    struct au_diag *diag)
{
	json_t *meta = json_object_get(d->signed_, "meta");
	json_t *snap = json_object_get(meta, "snapshot.json");

	if (!json_is_object(snap))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "timestamp: meta has no \"snapshot.json\" object");
	return tuf_metafile_parse(snap, "snapshot.json", mf, diag);
}

/* 5.4.3: versions never go backwards. 1 = equal version (keep the old). */
static int
timestamp_rollback(const struct au_trusted *t, const struct tuf_doc *nd,
    const struct tuf_metafile *mf, struct au_diag *diag)
{
	const struct tuf_doc *od = t->timestamp;

	if (nd->version < od->version)
		return au_diag_set(diag, AU_EMETA_ROLLBACK,
		    "timestamp: version %lld is lower than the trusted %lld",
		    (long long)nd->version, (long long)od->version);
	if (nd->version == od->version)
		return 1;
	if (mf->version < t->snap_meta.version)
		return au_diag_set(diag, AU_EMETA_ROLLBACK,
		    "timestamp: snapshot version %lld is lower than the trusted %lld",
		    (long long)mf->version, (long long)t->snap_meta.version);
	return AU_OK;
}

int
au_trusted_update_timestamp(struct au_trusted *t, const uint8_t *buf,
    size_t len, int64_t now, int *unchanged, struct au_diag *diag)
{
	struct tuf_doc *nd = NULL;
	struct tuf_metafile mf;
	int rc;

	rc = expired(&t->root->d, now, "final root", diag);	/* 5.3.10 */
	if (rc == AU_OK)
		rc = doc_new(t, buf, len, AU_TIMESTAMP_MAX_BYTES, R_TIMESTAMP,
		    &nd, diag);
	if (rc == AU_OK)
		rc = timestamp_meta(nd, &mf, diag);
	if (rc == AU_OK && t->timestamp != NULL)
		rc = timestamp_rollback(t, nd, &mf, diag);
	if (rc != AU_OK) {
		doc_free(nd);
		if (rc != 1)
			return rc;
		/* Equal version: keep the trusted one (python-tuf). */
		rc = expired(t->timestamp, now, "timestamp", diag);
		if (rc == AU_OK && unchanged != NULL)
			*unchanged = 1;
		return rc;
	}
	doc_free(t->timestamp);	/* a trusted snapshot stays as the floor */
	t->timestamp = nd;
	t->snap_meta = mf;
	/* 5.4.4: kept as the rollback reference even when expired. */
	rc = expired(nd, now, "timestamp", diag);
	if (rc == AU_OK && unchanged != NULL)
		*unchanged = 0;
	return rc;
}

/* ---- 5.5 snapshot ---- */

static int
snapshot_meta_ok(const struct tuf_doc *d, struct au_diag *diag)
{
	json_t *meta = json_object_get(d->signed_, "meta"), *v;
	struct tuf_metafile mf;
	const char *name;
	int rc;

	if (!json_is_object(meta))
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "snapshot: \"meta\" missing or not an object");
	json_object_foreach(meta, name, v) {
		if ((rc = tuf_metafile_parse(v, name, &mf, diag)) != AU_OK)
			return rc;
	}
	return AU_OK;
}

/* 5.5.5: no role removed, none with a lower version than the trusted snapshot's. */
static int
snapshot_rollback(const struct tuf_doc *od, const struct tuf_doc *nd,
    struct au_diag *diag)
{
	json_t *ometa = json_object_get(od->signed_, "meta");
	json_t *nmeta = json_object_get(nd->signed_, "meta"), *ov, *nv;
	json_int_t over, nver;
	const char *name;

	json_object_foreach(ometa, name, ov) {
		nv = json_object_get(nmeta, name);
		if (nv == NULL)
			return au_diag_set(diag, AU_EMETA_ROLLBACK,
			    "snapshot: \"%.128s\" is missing, the trusted snapshot lists it",
			    name);
		over = json_integer_value(json_object_get(ov, "version"));
		nver = json_integer_value(json_object_get(nv, "version"));
		if (nver < over)
			return au_diag_set(diag, AU_EMETA_ROLLBACK,
			    "snapshot: \"%.128s\" version %lld is lower than the trusted %lld",
			    name, (long long)nver, (long long)over);
	}
	return AU_OK;
}

/* The snapshot's "targets.json" METAFILES entry, or NULL. */
static json_t *
targets_entry(const struct tuf_doc *sn)
{
	return json_object_get(json_object_get(sn->signed_, "meta"),
	    "targets.json");
}

/* 5.5.4 and 5.5.6: the checks a snapshot must pass before targets use it. */
static int
snapshot_final(const struct au_trusted *t, int64_t now, struct au_diag *diag)
{
	const struct tuf_doc *d = t->snapshot;

	if (d->version != t->snap_meta.version)
		return au_diag_set(diag, AU_EMETA_VERSION,
		    "snapshot: version %lld, the timestamp names %lld",
		    (long long)d->version, (long long)t->snap_meta.version);
	return expired(d, now, "snapshot", diag);
}

static int
update_snapshot(struct au_trusted *t, const uint8_t *buf, size_t len,
    int64_t now, int local, struct au_diag *diag)
{
	struct tuf_doc *nd = NULL;
	int rc;

	if (t->timestamp == NULL)
		return au_diag_set(diag, AU_EINTERNAL,
		    "snapshot loaded before a timestamp");
	if ((rc = expired(t->timestamp, now, "trusted timestamp", diag)) != AU_OK)
		return rc;
	if (len > AU_SNAPSHOT_MAX_BYTES)
		return au_diag_set(diag, AU_EMETA_TOOBIG,
		    "snapshot: %zu bytes exceed the cap of %d", len,
		    AU_SNAPSHOT_MAX_BYTES);
	if (!local && (rc = tuf_metafile_check(&t->snap_meta, "snapshot.json",
	    buf, len, diag)) != AU_OK)	/* 5.5.2, before parsing */
		return rc;
	rc = doc_new(t, buf, len, AU_SNAPSHOT_MAX_BYTES, R_SNAPSHOT, &nd, diag);
	if (rc == AU_OK)
		rc = snapshot_meta_ok(nd, diag);
	if (rc == AU_OK && t->snapshot != NULL)
		rc = snapshot_rollback(t->snapshot, nd, diag);
	if (rc != AU_OK) {
		doc_free(nd);
		return rc;
	}
	/* Trusted targets stay only while the snapshot still names the same file. */
	if (t->targets != NULL && !json_equal(targets_entry(t->snapshot),
	    targets_entry(nd)))
		drop_from(t, R_TARGETS);
	drop_delegated(t);	/* their snapshot entries may have changed */
	doc_free(t->snapshot);
	t->snapshot = nd;	/* the rollback reference from here on */
	return snapshot_final(t, now, diag);
}

int
au_trusted_update_snapshot(struct au_trusted *t, const uint8_t *buf,
    size_t len, int64_t now, struct au_diag *diag)
{
	return update_snapshot(t, buf, len, now, 0, diag);
}

int
au_trusted_load_local_snapshot(struct au_trusted *t, const uint8_t *buf,
    size_t len, int64_t now, struct au_diag *diag)
{
	return update_snapshot(t, buf, len, now, 1, diag);
}

/* ---- 5.6 targets ---- */

static int
targets_meta(const struct au_trusted *t, struct tuf_metafile *mf,
    struct au_diag *diag)
{
	json_t *v = targets_entry(t->snapshot);

	if (v == NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "snapshot v%lld has no \"targets.json\" entry",
		    (long long)t->snapshot->version);
	return tuf_metafile_parse(v, "targets.json", mf, diag);
}

int
au_trusted_update_targets(struct au_trusted *t, const uint8_t *buf,
    size_t len, int64_t now, struct au_diag *diag)
{
	struct tuf_doc *nd = NULL;
	struct tuf_targets *tg = NULL;
	struct tuf_metafile mf;
	int rc;

	if (t->snapshot == NULL)
		return au_diag_set(diag, AU_EINTERNAL,
		    "targets loaded before a snapshot");
	if ((rc = snapshot_final(t, now, diag)) != AU_OK ||
	    (rc = targets_meta(t, &mf, diag)) != AU_OK)
		return rc;
	if (len > AU_TARGETS_MAX_BYTES)
		return au_diag_set(diag, AU_EMETA_TOOBIG,
		    "targets: %zu bytes exceed the cap of %d", len,
		    AU_TARGETS_MAX_BYTES);
	if ((rc = tuf_metafile_check(&mf, "targets.json", buf, len, diag)) != AU_OK)
		return rc;	/* 5.6.2, before parsing */
	rc = doc_new(t, buf, len, AU_TARGETS_MAX_BYTES, R_TARGETS, &nd, diag);
	if (rc == AU_OK && nd->version != mf.version)	/* 5.6.4 */
		rc = au_diag_set(diag, AU_EMETA_VERSION,
		    "targets: version %lld, the snapshot names %lld",
		    (long long)nd->version, (long long)mf.version);
	if (rc == AU_OK)	/* 5.6.5 */
		rc = expired(nd, now, "targets", diag);
	if (rc == AU_OK)
		rc = tuf_targets_new(nd, "targets", &tg, diag);
	doc_free(nd);	/* emptied by tuf_targets_new on success */
	if (rc != AU_OK)
		return rc;
	drop_from(t, R_TARGETS);
	t->targets = tg;
	return AU_OK;
}

/* ---- facts for the fetcher ---- */

int64_t
au_trusted_root_version(const struct au_trusted *t)
{
	return t->root->d.version;
}

int
au_trusted_consistent_snapshot(const struct au_trusted *t)
{
	return t->root->consistent_snapshot;
}

int64_t
au_trusted_snapshot_version(const struct au_trusted *t)
{
	return t->timestamp != NULL ? t->snap_meta.version : -1;
}

int64_t
au_trusted_targets_version(const struct au_trusted *t)
{
	json_t *v;

	if (t->snapshot == NULL)
		return -1;
	v = json_object_get(targets_entry(t->snapshot), "version");
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

int
au_trusted_role_info(const struct au_trusted *t, const char *role,
    int64_t *version, int64_t *expires)
{
	const struct tuf_doc *d = NULL;

	if (role == NULL)
		return AU_EMETA_NOTARGET;
	if (strcmp(role, "root") == 0)
		d = &t->root->d;
	else if (strcmp(role, "timestamp") == 0)
		d = t->timestamp;
	else if (strcmp(role, "snapshot") == 0)
		d = t->snapshot;
	else if (strcmp(role, "targets") == 0 && t->targets != NULL)
		d = &t->targets->d;
	if (d == NULL)
		return AU_EMETA_NOTARGET;
	if (version != NULL)
		*version = d->version;
	if (expires != NULL)
		*expires = d->expires;
	return AU_OK;
}

/*
 * Versions bind the chain: the snapshot is the one the timestamp names, the
 * targets the one the snapshot names.
 */
static int
chain_versions(const struct au_trusted *t, struct au_diag *diag)
{
	if (t->timestamp == NULL || t->snapshot == NULL || t->targets == NULL)
		return au_diag_set(diag, AU_EMETA_NOTARGET,
		    "no trusted %s metadata loaded", t->timestamp == NULL ?
		    "timestamp" : t->snapshot == NULL ? "snapshot" : "targets");
	if (t->snapshot->version != t->snap_meta.version)
		return au_diag_set(diag, AU_EMETA_VERSION,
		    "trusted snapshot is v%lld, the timestamp names v%lld",
		    (long long)t->snapshot->version,
		    (long long)t->snap_meta.version);
	if (t->targets->d.version != au_trusted_targets_version(t))
		return au_diag_set(diag, AU_EMETA_VERSION,
		    "trusted targets is v%lld, the snapshot names v%lld",
		    (long long)t->targets->d.version,
		    (long long)au_trusted_targets_version(t));
	return AU_OK;
}

int
au_trusted_check_chain(const struct au_trusted *t, int64_t now,
    struct au_diag *diag)
{
	int rc = chain_versions(t, diag);

	if (rc == AU_OK)
		rc = expired(&t->root->d, now, "root", diag);
	if (rc == AU_OK)
		rc = expired(t->timestamp, now, "timestamp", diag);
	if (rc == AU_OK)
		rc = expired(t->snapshot, now, "snapshot", diag);
	if (rc == AU_OK)
		rc = expired(&t->targets->d, now, "targets", diag);
	return rc;
}

/* ---- target lookup ---- */

int
au_trusted_find_target(const struct au_trusted *t, const char *name,
    struct au_target *out, struct au_diag *diag)
{
	int rc;

	if ((rc = au_target_name_check(name, diag)) != AU_OK)
		return rc;
	if ((rc = chain_versions(t, diag)) != AU_OK)
		return rc;
	return tuf_targets_lookup(t->targets, name, out, diag);
}

/* ---- delegated targets ---- */

static struct tuf_targets *
find_role(const struct au_trusted *t, const char *role)
{
	size_t i;

	if (role == NULL)
		return NULL;
	if (strcmp(role, "targets") == 0)
		return t->targets;
	for (i = 0; i < t->ndele; i++)
		if (strcmp(t->dele[i]->name, role) == 0)
			return t->dele[i];
	return NULL;
}

int
au_trusted_has_role(const struct au_trusted *t, const char *role)
{
	return find_role(t, role) != NULL;
}

/* The snapshot's "ROLE.json" entry, or NULL. */
static const json_t *
role_entry(const struct au_trusted *t, const char *role)
{
	char file[AU_TUF_ROLE_NAME_MAX + 8];
	int n;

	if (t->snapshot == NULL || role == NULL)
		return NULL;
	n = snprintf(file, sizeof(file), "%s.json", role);
	if (n < 0 || (size_t)n >= sizeof(file))
		return NULL;
	return json_object_get(json_object_get(t->snapshot->signed_, "meta"), file);
}

int64_t
au_trusted_role_meta(const struct au_trusted *t, const char *role,
    int64_t *length)
{
	const json_t *e = role_entry(t, role), *len;

	len = json_object_get(e, "length");
	if (length != NULL)
		*length = json_is_integer(len) ? json_integer_value(len) : -1;
	return e != NULL && json_is_integer(json_object_get(e, "version")) ?
	    json_integer_value(json_object_get(e, "version")) : -1;
}

/* The delegation of role in the loaded delegator (an edge of the graph). */
static int
find_edge(const struct au_trusted *t, const char *role, const char *delegator,
    const struct tuf_targets **parent, const struct tuf_delegation **dl,
    struct au_diag *diag)
{
	if ((*parent = find_role(t, delegator)) == NULL)
		return au_diag_set(diag, AU_EINTERNAL,
		    "delegator \"%.128s\" is not loaded",
		    delegator ? delegator : "");
	if ((*dl = tuf_targets_delegation(*parent, role)) == NULL)
		return au_diag_set(diag, AU_EMETA_NOTARGET,
		    "\"%.128s\" does not delegate to \"%.128s\"", delegator,
		    role);
	return AU_OK;
}

/* Threshold of the keys that parent's delegation dl names, over d. */
static int
edge_verify(const struct tuf_targets *parent, const struct tuf_delegation *dl,
    const struct tuf_doc *d, const char *role, struct au_diag *diag)
{
	char by[AU_TUF_ROLE_NAME_MAX + 32];

	(void)snprintf(by, sizeof(by), "keys delegated by %s", parent->name);
	return tuf_verify_keys(&parent->kr, &dl->rk, d, role, by, diag);
}

/* What a delegated role needs before its bytes are read. */
static int
delegated_pre(const struct au_trusted *t, const char *role,
    const char *delegator, int64_t now, const struct tuf_targets **parent,
    const struct tuf_delegation **dl, struct tuf_metafile *mf,
    struct au_diag *diag)
{
	const json_t *e;
	int rc;

	if (t->snapshot == NULL || t->targets == NULL)
		return au_diag_set(diag, AU_EINTERNAL,
		    "delegated role loaded before snapshot and targets");
	if ((rc = snapshot_final(t, now, diag)) != AU_OK ||
	    (rc = chain_versions(t, diag)) != AU_OK ||
	    (rc = find_edge(t, role, delegator, parent, dl, diag)) != AU_OK)
		return rc;
	if ((e = role_entry(t, role)) == NULL)
		return au_diag_set(diag, AU_EMETA_MALFORMED,
		    "snapshot v%lld does not list \"%.128s.json\"",
		    (long long)t->snapshot->version, role);
	return tuf_metafile_parse(e, role, mf, diag);
}

static int
delegated_keep(struct au_trusted *t, struct tuf_targets *tg,
    struct au_diag *diag)
{
	struct tuf_targets **nd;
	size_t cap;

	if (t->ndele >= AU_TUF_MAX_LOADED_ROLES)
		return au_diag_set(diag, AU_EMETA_TOOBIG,
		    "more than %d delegated roles loaded", AU_TUF_MAX_LOADED_ROLES);
	if (t->ndele == t->dcap) {
		cap = t->dcap ? 2 * t->dcap : 8;
		if ((nd = realloc(t->dele, cap * sizeof(*nd))) == NULL)
			return au_diag_set(diag, AU_ENOMEM, "out of memory");
		t->dele = nd;
		t->dcap = cap;
	}
	t->dele[t->ndele++] = tg;
	return AU_OK;
}

int
au_trusted_verify_delegated(struct au_trusted *t, const char *role,
    const char *delegator, struct au_diag *diag)
{
	const struct tuf_delegation *dl = NULL;
	const struct tuf_targets *parent = NULL;
	struct tuf_targets *tg;
	int rc;

	if ((rc = find_edge(t, role, delegator, &parent, &dl, diag)) != AU_OK)
		return rc;
	if ((tg = find_role(t, role)) == NULL)
		return au_diag_set(diag, AU_EINTERNAL,
		    "\"%.128s\" is not loaded", role);
	if (tuf_targets_via(tg, delegator))
		return AU_OK;
	rc = edge_verify(parent, dl, &tg->d, role, diag);
	if (rc == AU_OK)
		rc = tuf_targets_add_via(tg, delegator, diag);
	return rc;
}

int
au_trusted_update_delegated(struct au_trusted *t, const char *role,
    const char *delegator, const uint8_t *buf, size_t len, int64_t now,
    struct au_diag *diag)
{
	const struct tuf_delegation *dl = NULL;
	const struct tuf_targets *parent = NULL;
	struct tuf_targets *tg = NULL;
	struct tuf_doc *nd = NULL;
	struct tuf_metafile mf;
	int rc;

	if (find_role(t, role) != NULL)	/* cached: this edge, not the bytes */
		return au_trusted_verify_delegated(t, role, delegator, diag);
	rc = delegated_pre(t, role, delegator, now, &parent, &dl, &mf, diag);
	if (rc != AU_OK)
		return rc;
	if (len > AU_TARGETS_MAX_BYTES)
		return au_diag_set(diag, AU_EMETA_TOOBIG,
		    "%.128s: %zu bytes exceed the cap of %d", role, len,
		    AU_TARGETS_MAX_BYTES);
	if ((rc = tuf_metafile_check(&mf, role, buf, len, diag)) != AU_OK)
		return rc;
	if ((nd = calloc(1, sizeof(*nd))) == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = tuf_doc_load(buf, len, AU_TARGETS_MAX_BYTES, R_TARGETS, nd, diag);
	if (rc == AU_OK)
		rc = edge_verify(parent, dl, nd, role, diag);
	if (rc == AU_OK && nd->version != mf.version)
		rc = au_diag_set(diag, AU_EMETA_VERSION,
		    "%.128s: version %lld, the snapshot names %lld", role,
		    (long long)nd->version, (long long)mf.version);
	if (rc == AU_OK)
		rc = expired(nd, now, role, diag);
	if (rc == AU_OK)
		rc = tuf_targets_new(nd, role, &tg, diag);
	doc_free(nd);
	if (rc == AU_OK && ((rc = tuf_targets_add_via(tg, delegator,
	    diag)) != AU_OK || (rc = delegated_keep(t, tg, diag)) != AU_OK))
		tuf_targets_free(tg);
	return rc;
}

/* The edge delegator -> role covers name and role was verified through it. */
static int
edge_usable(const struct au_trusted *t, const struct tuf_targets *tg,
    const char *delegator, const char *name, struct au_diag *diag)
{
	const struct tuf_delegation *dl;
	const struct tuf_targets *parent;
	int rc = find_edge(t, tg->name, delegator, &parent, &dl, diag);

	if (rc != AU_OK)
		return rc;
	if (!tuf_delegation_matches(dl, name))
		return au_diag_set(diag, AU_EMETA_NOTARGET,
		    "\"%.128s\" does not delegate \"%s\" to \"%.128s\"",
		    delegator, name, tg->name);
	if (!tuf_targets_via(tg, delegator))
		return au_diag_set(diag, AU_EINTERNAL,
		    "\"%.128s\" was not verified against its delegator "
		    "\"%.128s\"", tg->name, delegator);
	return AU_OK;
}

int
au_trusted_role_target(const struct au_trusted *t, const char *role,
    const char *delegator, const char *name, struct au_target *out,
    struct au_diag *diag)
{
	const struct tuf_targets *tg;
	int rc;

	if ((rc = au_target_name_check(name, diag)) != AU_OK)
		return rc;
	if ((rc = chain_versions(t, diag)) != AU_OK)
		return rc;
	if ((tg = find_role(t, role)) == NULL)
		return au_diag_set(diag, AU_EMETA_NOTARGET,
		    "targets role \"%.128s\" is not loaded", role ? role : "");
	if (tg != t->targets &&
	    (rc = edge_usable(t, tg, delegator, name, diag)) != AU_OK)
		return rc;
	return tuf_targets_lookup(tg, name, out, diag);
}

int
au_trusted_role_delegations(const struct au_trusted *t, const char *role,
    const char *name, struct au_delegation *out, size_t max, size_t *n)
{
	const struct tuf_targets *tg = find_role(t, role);
	size_t i, k = 0;

	if (tg == NULL)
		return AU_EMETA_NOTARGET;
	for (i = 0; i < tg->ndeleg && k < max; i++) {
		if (!tuf_delegation_matches(&tg->deleg[i], name))
			continue;
		out[k].name = tg->deleg[i].name;
		out[k].terminating = tg->deleg[i].terminating;
		if (out[k++].terminating)
			break;
	}
	*n = k;
	return AU_OK;
}
