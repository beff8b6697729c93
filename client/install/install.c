/* SPDX-License-Identifier: ISC */
/* client/install/install.c - links and install record, moved together (install.h). */
#include "client/install/install.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/preflight.h"
#include "port/ban.h"

/* STATE_DIR/LEAF; a state_dir too long for it is a configuration error. */
static int
join(char path[AU_INSTALL_PATH_MAX], const char *dir, const char *leaf,
    struct au_diag *diag)
{
	int n = snprintf(path, AU_INSTALL_PATH_MAX, "%s/%s", dir, leaf);

	if (n < 0 || n >= AU_INSTALL_PATH_MAX)
		return au_diag_set(diag, AU_ECONFIG, "[install] state_dir is too "
		    "long for %s/%s", dir, leaf);
	return 0;
}

int
au_install_open(struct au_install *in, const char *state_dir, int64_t now,
    struct au_diag *diag)
{
	char path[AU_INSTALL_PATH_MAX], mdir[AU_INSTALL_PATH_MAX];
	int rc;

	memset(in, 0, sizeof(*in));
	in->state_dir = state_dir;
	in->now = now;
	in->state = calloc(1, sizeof(*in->state));
	if (in->state == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	rc = join(path, state_dir, "lock", diag);
	if (rc != 0)
		return rc;	/* never a run without its lock */
	rc = au_mkdir_p(state_dir, 0755, diag);
	if (rc == 0)
		rc = au_lock_take(path, &in->lock, diag);
	/* metadata/ (client/metadata/tufclient.h) too, under the lock: a
	 * symlink or file in its way is the same deployment mistake (exit 2). */
	if (rc == 0)
		rc = join(mdir, state_dir, "metadata", diag);
	if (rc == 0)
		rc = au_mkdir(mdir, 0755, diag);
	if (rc == AU_ELOCKED || rc == AU_ENOSPC)
		return rc;
	/* A state directory that cannot be used is a deployment mistake. */
	if (rc != 0)
		return au_preflight_state_dir(state_dir, diag);
	rc = au_store_open(state_dir, &in->store, diag);
	if (rc == 0)
		rc = join(path, state_dir, "state.json", diag);
	if (rc == 0)
		rc = au_state_load(path, in->state, diag);
	return rc;
}

void
au_install_close(struct au_install *in)
{
	au_store_free(in->store);
	au_lock_release(in->lock);
	free(in->state);
	in->store = NULL;
	in->lock = NULL;
	in->state = NULL;
}

int
au_install_save(struct au_install *in, struct au_diag *diag)
{
	char path[AU_INSTALL_PATH_MAX];
	int rc;

	rc = join(path, in->state_dir, "state.json", diag);
	if (rc == 0)
		rc = au_state_save(path, in->state, diag);
	if (rc == 0)
		in->dirty = 0;
	return rc;
}

static int
mark_bad(struct au_install *in, const char *name, const char *hash,
    struct au_diag *diag)
{
	in->dirty = 1;
	if (au_state_mark_bad(in->state, name, hash) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "%s: cannot record the "
		    "bad version", name);
	return 0;
}

int
au_install_switch(struct au_install *in, const char *name, int64_t version,
    const char *hash, size_t keep_older, struct au_diag *diag)
{
	size_t n = in->state->n;
	struct au_state_target *t = au_state_find(in->state, name, 1);
	int rc;

	if (t == NULL)
		return au_diag_set(diag, AU_EINTERNAL, "%s: no room in the "
		    "install record", name);
	rc = au_store_switch(in->store, name, hash, diag);
	if (rc != 0) {
		in->state->n = n;	/* a record created above goes again */
		return rc;
	}
	in->before = *t;
	in->switched = 1;
	in->created = in->state->n != n;
	in->dirty_before = in->dirty;
	au_state_push_older(t, keep_older);	/* [install] keep */
	t->prev_version = t->version;
	memcpy(t->prev_hash, t->hash, sizeof(t->hash));
	t->version = version;
	(void)snprintf(t->hash, sizeof(t->hash), "%s", hash);
	t->installed_at = in->now;
	in->dirty = 1;
	return 0;
}

int
au_install_undo(struct au_install *in, const char *name, int bad,
    struct au_diag *diag)
{
	struct au_state_target *t = au_state_find(in->state, name, 0);
	char hash[65];
	int rc;

	if (t == NULL || !in->switched || strcmp(in->before.name, name) != 0)
		return au_diag_set(diag, AU_EINTERNAL, "%s: no install to undo",
		    name);
	/* current back to the old version, previous back to the one before
	 * it (or nothing), so the bad version is collectable. */
	if (in->before.hash[0] != '\0') {
		rc = au_store_rollback(in->store, name, diag);
		if (rc == 0)
			rc = au_store_set_previous(in->store, name,
			    in->before.prev_hash, diag);
	} else {
		rc = au_store_remove_current(in->store, name, diag);
	}
	if (rc != 0)
		return rc;
	memcpy(hash, t->hash, sizeof(hash));
	*t = in->before;
	in->switched = 0;
	if (bad)
		return mark_bad(in, name, hash, diag);
	if (in->created)
		in->state->n--;	/* the record the switch appended, last */
	in->dirty = in->dirty_before;
	return 0;
}

/* The newest older version still in the store (its index), or -1. */
static int
newest_kept(struct au_store *s, const struct au_state_target *t)
{
	size_t i;

	for (i = 0; i < t->nolder; i++)
		if (au_store_has(s, t->older[i].hash))
			return (int)i;
	return -1;
}

/* The links of a step back: current <- previous, previous <- older[k],
 * the version gone back from (swap), or nothing. */
static int
links_back(struct au_install *in, const struct au_state_target *t, int k,
    int swap, struct au_diag *diag)
{
	int rc;

	if (k < 0 && swap)	/* current first: see au_store_rollback */
		return au_store_rollback(in->store, t->name, diag);
	/* Idempotent after a power cut: switching to what is already
	 * current changes nothing, and previous is then set again. */
	rc = au_store_switch(in->store, t->name, t->prev_hash, diag);
	if (rc == 0)
		rc = au_store_set_previous(in->store, t->name, k >= 0 ?
		    t->older[k].hash : "", diag);
	return rc;
}

int
au_install_step_back(struct au_install *in, const char *name, int swap,
    struct au_diag *diag)
{
	struct au_state_target *t = au_state_find(in->state, name, 0);
	struct au_state_version from;
	int k, rc;

	if (t == NULL || t->prev_hash[0] == '\0' || t->hash[0] == '\0')
		return au_diag_set(diag, AU_EINSTALL, "%s: no previous version "
		    "to go back to", name);
	k = newest_kept(in->store, t);
	rc = links_back(in, t, k, swap, diag);
	if (rc != 0)
		return rc;
	from.version = t->version;
	memcpy(from.hash, t->hash, sizeof(from.hash));
	t->version = t->prev_version;
	memcpy(t->hash, t->prev_hash, sizeof(t->hash));
	t->prev_version = -1;
	t->prev_hash[0] = '\0';
	if (k >= 0) {
		t->prev_version = t->older[k].version;
		memcpy(t->prev_hash, t->older[k].hash, sizeof(t->prev_hash));
		t->nolder -= (size_t)k + 1;
		memmove(&t->older[0], &t->older[k + 1],
		    t->nolder * sizeof(t->older[0]));
	} else if (swap) {
		t->prev_version = from.version;
		memcpy(t->prev_hash, from.hash, sizeof(t->prev_hash));
	}
	t->installed_at = in->now;
	/* The OMS verdict belongs to the version stepped back from; the record
	 * keeps none for older versions, so it is unknown now, not carried
	 * over (--status showed the newer version's signer). */
	t->provenance[0] = '\0';
	t->trial = 0;	/* the version in trial is given up */
	return mark_bad(in, name, from.hash, diag);
}

int
au_install_remove(struct au_install *in, const char *name,
    struct au_diag *diag)
{
	struct au_state_target *t = au_state_find(in->state, name, 0);
	char bad[65];
	int rc;

	if (t == NULL)
		return au_diag_set(diag, AU_EINSTALL, "%s: not installed", name);
	rc = au_store_remove_current(in->store, name, diag);
	if (rc != 0)
		return rc;
	memcpy(bad, t->hash, sizeof(bad));
	t->hash[0] = '\0';
	t->version = -1;
	t->trial = 0;
	return mark_bad(in, name, bad, diag);
}

int
au_install_drop_previous(struct au_install *in, const char *name,
    struct au_diag *diag)
{
	struct au_state_target *t = au_state_find(in->state, name, 0);
	int rc;

	if (t == NULL)
		return au_diag_set(diag, AU_EINSTALL, "%s: not installed", name);
	rc = au_store_set_previous(in->store, name, "", diag);
	if (rc != 0)
		return rc;
	t->prev_hash[0] = '\0';
	t->prev_version = -1;
	t->nolder = 0;
	in->dirty = 1;
	return 0;
}
