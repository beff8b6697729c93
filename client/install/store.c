/* SPDX-License-Identifier: ISC */
/* client/install/store.c - the artifact store: open, names, garbage collection (store.h). */
#include "client/install/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/install/bundle.h"
#include "client/install/store_int.h"
#include "manifest/tuf.h"
#include "port/port.h"
#include "port/text.h"

#include "port/ban.h"

/* ---- small helpers ---- */

int
au_store_join(char out[PMAX], const char *a, const char *b, struct au_diag *diag)
{
	if (au_path_join(out, PMAX, a, b) != 0)
		return au_diag_set(diag, AU_EINSTALL, "path too long: %s/%s",
		    a, b);
	return 0;
}

int
au_store_hash_ok(const char *h)
{
	size_t i;

	if (h == NULL)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

/* The one target name policy is the manifest's (tuf.h). */
int
au_store_check_name(const char *name, struct au_diag *diag)
{
	if (au_target_name_check(name, diag) != AU_OK)
		return au_diag_set(diag, AU_EINSTALL, "%s", diag != NULL ?
		    diag->msg : "");
	return 0;
}

int
au_store_check_hash(const char *h, struct au_diag *diag)
{
	if (!au_store_hash_ok(h))
		return au_diag_set(diag, AU_EINSTALL, "\"%.80s\" is not a "
		    "SHA-256 hex digest", h ? h : "(null)");
	return 0;
}

/* A fresh random name under tmp/ with the given prefix. */
int
au_store_tmp_name(const struct au_store *s, const char *prefix, char out[PMAX],
    struct au_diag *diag)
{
	uint8_t r[8];
	char hex[17], leaf[64];
	int rc;

	rc = au_random(r, sizeof(r), diag);
	if (rc != 0)
		return rc;
	au_hex_encode(r, sizeof(r), hex);
	(void)snprintf(leaf, sizeof(leaf), "%s-%s", prefix, hex);
	return au_store_join(out, s->tmp, leaf, diag);
}

/* ---- open / free ---- */

static int
count_entry(const char *name, void *arg)
{
	(void)name;
	(*(size_t *)arg)++;
	return 0;
}

/*
 * Something other than a directory where one of ours belongs (a symlink
 * planted there, a file): name it and refuse, never follow nor replace it.
 */
static int
in_the_way(const char *path, const struct au_stat *st, struct au_diag *diag)
{
	char to[256];

	if (st->type == AU_FT_LINK && au_readlink(path, to, sizeof(to), NULL) == 0)
		return au_diag_set(diag, AU_ECONFIG, "%s is a symbolic link (to "
		    "%s), not a directory: refused, never followed (remove it)",
		    path, to);
	return au_diag_set(diag, AU_ECONFIG, "%s is %s, not a directory: "
	    "refused (remove it)", path, st->type == AU_FT_LINK ?
	    "a symbolic link" : st->type == AU_FT_FILE ? "a regular file" :
	    "a special file");
}

/*
 * Make path an empty directory: create it when missing, empty it (what an
 * interrupted run left) when not empty.  *changed is set when it did
 * either, so the caller syncs the parent only then: an up-to-date --check
 * writes nothing here (flash wear, and an fsync costs 1-2 ms).
 */
static int
reset_dir(const char *path, unsigned mode, int *changed, struct au_diag *diag)
{
	struct au_stat st;
	size_t n = 0;
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc == 0 && st.type != AU_FT_DIR && st.type != AU_FT_NONE)
		return in_the_way(path, &st, diag);
	if (rc == 0 && st.type == AU_FT_DIR) {
		rc = au_dir_list(path, count_entry, &n, diag);
		if (rc != 0 || n == 0)
			return rc;
		rc = au_remove_tree(path, diag);
	}
	if (rc == 0)
		rc = au_mkdir(path, mode, diag);
	if (rc == 0)
		*changed = 1;
	return rc;
}

/* mkdir unless it is there; *changed set when it was created. */
static int
ensure_dir(const char *path, unsigned mode, int *changed, struct au_diag *diag)
{
	struct au_stat st;
	int rc;

	rc = au_stat(path, &st, diag);
	if (rc == 0 && st.type == AU_FT_DIR)
		return 0;
	if (rc == 0 && st.type != AU_FT_NONE)
		return in_the_way(path, &st, diag);
	rc = au_mkdir(path, mode, diag);
	if (rc == 0)
		*changed = 1;
	return rc;
}

static int
make_dirs(struct au_store *s, struct au_diag *diag)
{
	int rc, changed = 0;

	rc = ensure_dir(s->dir, 0755, &changed, NULL);
	if (rc != 0) {		/* its parents are missing too */
		rc = au_mkdir_p(s->dir, 0755, diag);
		changed = 1;
	}
	if (rc == 0)
		rc = ensure_dir(s->store, 0755, &changed, diag);
	if (rc == 0)
		rc = ensure_dir(s->targets, 0755, &changed, diag);
	if (rc == 0)
		rc = ensure_dir(s->partial, 0700, &changed, diag);
	if (rc == 0)
		rc = reset_dir(s->tmp, 0700, &changed, diag);
	if (rc == 0 && changed)
		rc = au_dir_sync(s->dir, diag);
	return rc;
}

int
au_store_open(const char *state_dir, struct au_store **out,
    struct au_diag *diag)
{
	struct au_store *s;
	int rc;

	if (state_dir == NULL || state_dir[0] == '\0' ||
	    strlen(state_dir) > AU_STORE_MAX_DIR)
		return au_diag_set(diag, AU_EINSTALL, "state directory name "
		    "empty or longer than %d bytes", AU_STORE_MAX_DIR);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	memcpy(s->dir, state_dir, strlen(state_dir) + 1);
	s->max_bytes = AU_BUNDLE_MAX_BYTES;
	s->max_entries = AU_BUNDLE_MAX_ENTRIES;
	rc = au_store_join(s->store, s->dir, "store", diag);
	if (rc == 0)
		rc = au_store_join(s->tmp, s->dir, "tmp", diag);
	if (rc == 0)
		rc = au_store_join(s->targets, s->dir, "targets", diag);
	if (rc == 0)
		rc = au_store_join(s->partial, s->dir, "partial", diag);
	if (rc == 0)
		rc = make_dirs(s, diag);
	if (rc != 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
au_store_free(struct au_store *s)
{
	free(s);
}

void
au_store_set_budget(struct au_store *s, uint64_t max_bytes,
    uint64_t max_entries)
{
	s->max_bytes = max_bytes > 0 && max_bytes < AU_BUNDLE_MAX_BYTES ?
	    max_bytes : AU_BUNDLE_MAX_BYTES;
	s->max_entries = max_entries > 0 && max_entries < AU_BUNDLE_MAX_ENTRIES ?
	    max_entries : AU_BUNDLE_MAX_ENTRIES;
}

const char *
au_store_dir(const struct au_store *s)
{
	return s->dir;
}

int
au_store_has(struct au_store *s, const char *hash_hex)
{
	char path[PMAX];
	struct au_stat st;

	if (!au_store_hash_ok(hash_hex) || au_store_join(path, s->store, hash_hex, NULL) != 0)
		return 0;
	if (au_stat(path, &st, NULL) != 0)
		return 0;
	return st.type == AU_FT_DIR;
}

/* ---- garbage collection ---- */

struct gc {
	char (*keep)[65];
	size_t n, cap;
	struct au_store *s;
	struct au_diag *diag;
	int removed;	/* something was swept from store/ */
};

struct gc_frame {
	struct gc *g;
	const char *dir;
	int depth;
};

static int
gc_keep(struct gc *g, const char *hex)
{
	char (*nk)[65];

	if (hex[0] == '\0')
		return 0;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		nk = realloc(g->keep, g->cap * sizeof(*g->keep));
		if (nk == NULL)
			return au_diag_set(g->diag, AU_ENOMEM, "out of memory");
		g->keep = nk;
	}
	memcpy(g->keep[g->n++], hex, 65);
	return 0;
}

static int gc_walk(struct gc *g, const char *dir, int depth);

/* One entry under targets/: keep what pointers name, drop *.tmp links. */
static int
gc_visit(const char *name, void *arg)
{
	struct gc_frame *f = arg;
	char path[PMAX], hex[65];
	struct au_stat st;
	size_t n = strlen(name);
	int rc;

	rc = au_store_join(path, f->dir, name, f->g->diag);
	if (rc == 0)
		rc = au_stat(path, &st, f->g->diag);
	if (rc != 0)
		return rc;
	if (st.type == AU_FT_DIR && f->depth < AU_TARGET_NAME_DEPTH)
		return gc_walk(f->g, path, f->depth + 1);
	if (st.type != AU_FT_LINK)
		return 0;
	if (n > 4 && strcmp(name + n - 4, ".tmp") == 0)
		return au_unlink(path, f->g->diag);
	if (strcmp(name, "current") != 0 && strcmp(name, "previous") != 0)
		return 0;
	rc = au_store_read_ptr(path, hex, f->g->diag);
	return rc ? rc : gc_keep(f->g, hex);
}

static int
gc_walk(struct gc *g, const char *dir, int depth)
{
	struct gc_frame f = { g, dir, depth };

	return au_dir_list(dir, gc_visit, &f, g->diag);
}

/* One entry of store/: removed unless a pointer names it. */
static int
gc_sweep(const char *name, void *arg)
{
	struct gc *g = arg;
	char path[PMAX];
	size_t i, n = strlen(name);
	int rc;

	/* store/<hash>.manifest goes with store/<hash> (store_verify.c) */
	if (n == 64 + 9 && strcmp(name + 64, ".manifest") == 0)
		n = 64;
	for (i = 0; n == 64 && i < g->n; i++)
		if (memcmp(g->keep[i], name, 64) == 0 && g->keep[i][64] == '\0')
			return 0;
	rc = au_store_join(path, g->s->store, name, g->diag);
	g->removed = 1;
	return rc ? rc : au_remove_tree(path, g->diag);
}

int
au_store_gc(struct au_store *s, struct au_diag *diag)
{
	return au_store_gc_keep(s, NULL, 0, diag);
}

int
au_store_gc_keep(struct au_store *s, const char (*keep)[65], size_t nkeep,
    struct au_diag *diag)
{
	struct gc g = { NULL, 0, 0, s, diag, 0 };
	size_t i;
	int rc, changed = 0;

	rc = gc_walk(&g, s->targets, 0);
	for (i = 0; rc == 0 && i < nkeep; i++)
		rc = gc_keep(&g, keep[i]);
	if (rc == 0)
		rc = au_dir_list(s->store, gc_sweep, &g, diag);
	if (rc == 0 && g.removed)
		rc = au_dir_sync(s->store, diag);
	if (rc == 0)
		rc = reset_dir(s->tmp, 0700, &changed, diag);
	if (rc == 0)
		rc = reset_dir(s->partial, 0700, &changed, diag);
	free(g.keep);
	return rc;
}

