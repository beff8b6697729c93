/* SPDX-License-Identifier: ISC */
/*
 * client/metadata/tufclient.c - the TUF 1.0 client workflow over a metadata directory:
 * root rotation, timestamp, snapshot, targets (5.3-5.6) and the delegated
 * targets walk (5.6.7, after python-tuf's ngclient Updater).
 */
#include "client/metadata/tufclient.h"
#include "client/metadata/tufclient_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/port.h"
#include "port/text.h"
#include "port/ban.h"


static const char *const role_names[NROLES] = { "root", "timestamp",
	"snapshot", "targets" };
static const size_t role_caps[NROLES] = { AU_ROOT_MAX_BYTES,
	AU_TIMESTAMP_MAX_BYTES, AU_SNAPSHOT_MAX_BYTES, AU_TARGETS_MAX_BYTES };

static int
meta_path(const struct au_tuf_client *c, const char *role, char *buf,
    size_t size)
{
	int n = snprintf(buf, size, "%s/%s.json", c->metadir, role);

	return (n < 0 || (size_t)n >= size) ? AU_ETOOBIG : 0;
}

static int
load_root(struct au_tuf_client *c, const char *bootstrap,
    struct au_diag *diag)
{
	char path[AU_TUF_PATH_MAX + 32];
	struct au_stat st;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	if (meta_path(c, "root", path, sizeof(path)) != 0)
		return au_diag_set(diag, AU_ETRUSTROOT, "path too long");
	rc = au_stat(path, &st, diag);
	if (rc != 0)
		return rc;
	if (st.type == AU_FT_NONE && bootstrap != NULL)
		(void)snprintf(path, sizeof(path), "%s", bootstrap);
	rc = au_file_read_all(path, AU_ROOT_MAX_BYTES, &buf, &len, diag);
	if (rc == 0)
		rc = au_trusted_new(buf, len, &c->trusted, diag);
	free(buf);
	if (rc != 0)
		return au_diag_wrap(diag, rc == AU_ENOMEM ? rc : AU_ETRUSTROOT,
		    "trusted root %s", path);	/* errno kept; ENOMEM is ours */
	return 0;
}

int
au_tuf_open(const char *metadir, const char *bootstrap_root, int64_t now,
    au_tuf_fetch_fn fetch, void *arg, enum au_tuf_persist mode,
    struct au_tuf_client **out, struct au_diag *diag)
{
	struct au_tuf_client *c;
	int rc;

	if (strlen(metadir) >= sizeof(c->metadir))
		return au_diag_set(diag, AU_EIO, "metadata path too long");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(c->metadir, metadir, strlen(metadir) + 1);
	c->now = now;
	c->fetch = fetch;
	c->arg = arg;
	c->mode = mode;
	rc = au_mkdir_p(metadir, 0755, diag);
	if (rc == 0)
		rc = load_root(c, bootstrap_root, diag);
	if (rc != 0) {
		au_tuf_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void
au_tuf_free(struct au_tuf_client *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < NROLES; i++)
		free(c->fresh[i]);
	while (c->ndfresh > 0)
		free(c->dfresh[--c->ndfresh].buf);
	free(c->dfresh);
	au_trusted_free(c->trusted);
	free(c);
}

const struct au_trusted *
au_tuf_trusted(const struct au_tuf_client *c)
{
	return c->trusted;
}

int
tuf_store_file(struct au_tuf_client *c, const char *file, const uint8_t *buf,
    size_t len, struct au_diag *diag)
{
	char path[AU_TUF_PATH_MAX + AU_TUF_FILE_MAX + 2];

	if (au_path_join(path, sizeof(path), c->metadir, file) != 0)
		return au_diag_set(diag, AU_EIO, "path too long");
	return au_file_replace(path, buf, len, 0644, diag);
}

static int
store_role(struct au_tuf_client *c, int role, struct au_diag *diag)
{
	char path[AU_TUF_PATH_MAX + 32];

	if (meta_path(c, role_names[role], path, sizeof(path)) != 0)
		return au_diag_set(diag, AU_EIO, "path too long");
	return au_file_replace(path, c->fresh[role], c->freshlen[role], 0644,
	    diag);
}

/* Keep verified bytes to store; in PERSIST_EACH mode store them now. */
static int
keep_fresh(struct au_tuf_client *c, int role, uint8_t *buf, size_t len,
    struct au_diag *diag)
{
	free(c->fresh[role]);
	c->fresh[role] = buf;
	c->freshlen[role] = len;
	if (c->mode == AU_TUF_PERSIST_EACH)
		return store_role(c, role, diag);
	return 0;
}

int
au_tuf_persist(struct au_tuf_client *c, struct au_diag *diag)
{
	int role, rc;

	size_t i;

	if (c->mode == AU_TUF_PERSIST_EACH)
		return 0;
	/* Root first: a crash in between leaves a chain that loads. */
	for (role = R_ROOT; role < NROLES; role++) {
		if (c->fresh[role] == NULL)
			continue;
		rc = store_role(c, role, diag);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < c->ndfresh; i++)
		if ((rc = tuf_store_file(c, c->dfresh[i].file, c->dfresh[i].buf,
		    c->dfresh[i].len, diag)) != 0)
			return rc;
	return 0;
}

int
tuf_fetch(struct au_tuf_client *c, const char *file, size_t cap, uint8_t **buf,
    size_t *len, struct au_diag *diag)
{
	int rc = c->fetch(c->arg, file, cap, buf, len, diag);

	if (rc == AU_ETOOBIG)
		return au_diag_set(diag, AU_EMETA_TOOBIG, "%s is larger than "
		    "its cap of %zu bytes", file, cap);
	return rc;
}

/* 5.3: N+1.root.json until 404, then the final root must not be expired. */
static int
refresh_root(struct au_tuf_client *c, struct au_diag *diag)
{
	char file[64];
	uint8_t *buf;
	size_t len;
	int i, rc;

	for (i = 0; i < AU_TUF_ROOT_ROTATIONS_MAX; i++) {
		(void)snprintf(file, sizeof(file), "%lld.root.json",
		    (long long)au_trusted_root_version(c->trusted) + 1);
		rc = tuf_fetch(c, file, AU_ROOT_MAX_BYTES, &buf, &len, diag);
		if (rc == AU_ENOTFOUND)
			break;
		if (rc != 0)
			return rc;
		rc = au_trusted_update_root(c->trusted, buf, len, diag);
		if (rc == 0)
			rc = keep_fresh(c, R_ROOT, buf, len, diag);
		else
			free(buf);
		if (rc != 0)
			return rc;
	}
	return au_trusted_check_root(c->trusted, c->now, diag);
}

/* Snapshot or targets bytes into the trusted set (local: the stored copy). */
static int
feed(struct au_tuf_client *c, int role, const uint8_t *buf, size_t len,
    int local, struct au_diag *diag)
{
	if (role == R_SNAPSHOT && local)
		return au_trusted_load_local_snapshot(c->trusted, buf, len,
		    c->now, diag);
	if (role == R_SNAPSHOT)
		return au_trusted_update_snapshot(c->trusted, buf, len, c->now,
		    diag);
	return au_trusted_update_targets(c->trusted, buf, len, c->now, diag);
}

/*
 * TUF 5.2: the stored copy of a role.  0 when it is current (nothing to
 * download); an error means a download is needed.  A stored timestamp or
 * snapshot that is expired or superseded is still kept by the trusted set as
 * the rollback reference for the new one.
 */
static int
load_local(struct au_tuf_client *c, int role)
{
	char path[AU_TUF_PATH_MAX + 32];
	struct au_diag d;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	if (meta_path(c, role_names[role], path, sizeof(path)) != 0)
		return AU_ETOOBIG;
	rc = au_file_read_all(path, role_caps[role], &buf, &len, &d);
	if (rc == 0 && role == R_TIMESTAMP) {
		int unchanged;

		rc = au_trusted_update_timestamp(c->trusted, buf, len, c->now,
		    &unchanged, &d);
	} else if (rc == 0) {
		rc = feed(c, role, buf, len, 1, &d);
	}
	free(buf);
	if (rc != 0)
		au_log(AU_LOG_DEBUG, "stored %s metadata is not current: %s",
		    role_names[role], d.msg);
	return rc;
}

static int
remote_file(const struct au_tuf_client *c, int role, char *file, size_t size)
{
	int64_t v = -1;
	int n;

	if (role == R_SNAPSHOT)
		v = au_trusted_snapshot_version(c->trusted);
	else if (role == R_TARGETS)
		v = au_trusted_targets_version(c->trusted);
	if (role != R_TIMESTAMP && v > 0 &&
	    au_trusted_consistent_snapshot(c->trusted))
		n = snprintf(file, size, "%lld.%s.json", (long long)v,
		    role_names[role]);
	else
		n = snprintf(file, size, "%s.json", role_names[role]);
	return (n < 0 || (size_t)n >= size) ? AU_EINTERNAL : 0;
}

static int
load_remote(struct au_tuf_client *c, int role, struct au_diag *diag)
{
	char file[64];
	uint8_t *buf = NULL;
	size_t len;
	int rc, unchanged = 0;

	if (remote_file(c, role, file, sizeof(file)) != 0)
		return AU_EINTERNAL;
	rc = tuf_fetch(c, file, role_caps[role], &buf, &len, diag);
	if (rc == AU_ENOTFOUND)
		return au_diag_set(diag, AU_EMETA_MALFORMED, "%s is missing "
		    "from the repository", file);
	if (rc != 0)
		return rc;
	if (role == R_TIMESTAMP)
		rc = au_trusted_update_timestamp(c->trusted, buf, len, c->now,
		    &unchanged, diag);
	else
		rc = feed(c, role, buf, len, 0, diag);
	if (rc != 0 || unchanged) {
		free(buf);
		return rc;
	}
	return keep_fresh(c, role, buf, len, diag);
}

int
au_tuf_refresh(struct au_tuf_client *c, struct au_diag *diag)
{
	int rc, role;

	rc = refresh_root(c, diag);
	if (rc != 0)
		return rc;
	(void)load_local(c, R_TIMESTAMP);
	rc = load_remote(c, R_TIMESTAMP, diag);
	for (role = R_SNAPSHOT; rc == 0 && role <= R_TARGETS; role++)
		if (load_local(c, role) != 0)
			rc = load_remote(c, role, diag);
	if (rc == 0)
		rc = au_trusted_check_chain(c->trusted, c->now, diag);
	return rc;
}


int
au_tuf_target_file(const struct au_tuf_client *c, const char *name,
    const struct au_target *tg, char *buf, size_t size)
{
	const char *slash = strrchr(name, '/');
	char hex[129];
	int n;

	if (!au_trusted_consistent_snapshot(c->trusted))
		n = snprintf(buf, size, "%s", name);
	else {
		if (tg->has_sha512)
			au_hex_encode(tg->sha512, 64, hex);
		else
			au_hex_encode(tg->sha256, 32, hex);
		if (slash != NULL)
			n = snprintf(buf, size, "%.*s/%s.%s",
			    (int)(slash - name), name, hex, slash + 1);
		else
			n = snprintf(buf, size, "%s.%s", hex, name);
	}
	return (n < 0 || (size_t)n >= size) ? AU_ETOOBIG : 0;
}
